// SPDX-License-Identifier: GPL-2.0
/*
 * src/stattest.c: Welch's t-test, the Mann-Whitney U test and Student's t distribution for
 * `lazytrace compare` (see stattest.h).
 *
 * The t distribution comes from the regularized incomplete beta function: P(|T| > t) =
 * I_x(df/2, 1/2) with x = df / (df + t^2) (DLMF 8.17 and Abramowitz-Stegun 26.7.1), I_x by
 * its continued fraction (DLMF 8.17.22) evaluated with the modified Lentz method. The
 * quantile inverts it by Newton's method kept inside a bisection bracket, so it cannot
 * diverge however flat or steep the tail.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stattest.h"

/* Permutations the exact U test may enumerate (~7 ms); C(2k, k) <= this means k <= 11. */
#define LT_MWU_EXACT_MAX 2000000.0
#define LT_MWU_MAX_K 16
/* Differences Hodges-Lehmann sorts at most (8 MiB): a bound, not a limit on the test. */
#define LT_HL_MAX_PAIRS ((size_t)1 << 20)

/* lgamma(x) less Stirling's (x - 1/2) ln x - x + ln(2 pi) / 2, for x >= 10: the next term
 * of the series, 1 / (1188 x^9), is below 1e-12 there. */
static double stirling_rest(double x)
{
	double x2 = x * x;

	return (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - 1.0 / (1680 * x2)) / x2) / x2) / x;
}

/* ln B(a, 1/2). lgamma(a) + lgamma(1/2) - lgamma(a + 1/2) would do, but at df = 1e6 both
 * large terms are ~6e6 and their difference keeps only ~1e-9; with their Stirling parts
 * cancelled by hand (log1p) it keeps ~1e-15. */
static double lbeta_half(double a)
{
	if (a < 10)
		return lgamma(a) + 0.5 * log(M_PI) - lgamma(a + 0.5);
	return 0.5 * log(M_PI) - (a - 0.5) * log1p(0.5 / a) - 0.5 * log(a + 0.5) + 0.5 +
	       stirling_rest(a) - stirling_rest(a + 0.5);
}

/* 1 + d_{2m+1} of DLMF 8.17.22's continued fraction, d_{2m+1} = -(a+m)(a+b+m)x /
 * ((a+2m)(a+2m+1)). For large a and x near 1 (the t tail at large df) d_{2m+1} is nearly -1:
 * multiplied out with x = 1 - y the numerator is a(2m+1-b) + m(3m+2-b) + (a+m)(a+b+m)y, a sum
 * of terms >= 0 when b <= 1, which has nothing left to cancel. */
static double one_plus_odd(double a, double b, double x, double y, double m)
{
	double den = (a + 2 * m) * (a + 2 * m + 1);

	if (b <= 1)
		return (a * (2 * m + 1 - b) + m * (3 * m + 2 - b) + (a + m) * (a + b + m) * y) /
		       den;
	return 1 - (a + m) * (a + b + m) * x / den;
}

/*
 * 1 + d1 / (1 + d2 / (1 + d3 / ...)), the continued fraction of I_x(a, b) (DLMF 8.17.22),
 * through its odd part, (1 + d1) - d1 d2 / ((1 + d2 + d3) - d3 d4 / ((1 + d4 + d5) - ...)),
 * so that every 1 + d_odd is one_plus_odd()'s; by modified Lentz. It converges quickly for
 * x < (a + 1) / (a + b + 2): at most ~50 terms for any df from 0.03 to 1e15.
 */
static double ibeta_cf(double a, double b, double x, double y)
{
	const double tiny = 1e-300;
	double f = one_plus_odd(a, b, x, y, 0), c, d = 0;
	double odd = -(a + b) * x / (a + 1);	/* d_{2m-1} */

	if (fabs(f) < tiny)
		f = tiny;
	c = f;
	for (int m = 1; m <= 1000; m++) {
		double even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
		double num = -odd * even, den = one_plus_odd(a, b, x, y, m) + even, cd;

		odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
		d = den + num * d;
		d = 1 / (fabs(d) < tiny ? tiny : d);
		c = den + num / c;
		c = fabs(c) < tiny ? tiny : c;
		cd = c * d;
		f *= cd;
		if (fabs(cd - 1) < 3e-16)
			break;
	}
	return f;
}

/* I_x(a, 1/2), and 1 - I_x(a, 1/2) in *comp. y = 1 - x comes computed without the
 * subtraction, and lx = ln x as x may underflow where its logarithm does not (the t tail at
 * t > 1e154). Whichever of the two the continued fraction gives directly keeps its relative
 * precision: the t quantile near p = 1/2 needs the complement. */
static double ibeta_half(double a, double x, double y, double lx, double *comp)
{
	double ly = y < 0.5 ? log(y) : log1p(-x), front = exp(a * lx + ly / 2 - lbeta_half(a)), i;

	if (x < (a + 1) / (a + 2.5)) {
		i = front / (a * ibeta_cf(a, 0.5, x, y));
		*comp = 1 - i;
		return i;
	}
	*comp = front / (0.5 * ibeta_cf(0.5, a, y, x));
	return 1 - *comp;
}

/*
 * P(T > t) for t >= 0; P(0 < T <= t) (1/2 less that) in *mid and the density at t in *pdf.
 * P(|T| > t) = I_x(df/2, 1/2) with x = 1 / (1 + r^2), r = t / sqrt(df), and y = 1 - x =
 * r^2 / (1 + r^2); the density is x^((df+1)/2) / (sqrt(df) B(df/2, 1/2)).
 */
static double t_upper(double t, double df, double *mid, double *pdf)
{
	double r = t / sqrt(df), lx, up;

	if (isinf(df)) {
		*mid = 0.5 * erf(t / M_SQRT2);
		*pdf = exp(-t * t / 2) / sqrt(2 * M_PI);
		return 0.5 * erfc(t / M_SQRT2);
	}
	if (r <= 1) {
		lx = -log1p(r * r);
		up = ibeta_half(df / 2, 1 / (1 + r * r), r * r / (1 + r * r), lx, mid);
	} else {	/* through s = 1 / r, which cannot overflow; ln s by logs if s underflows */
		double s = sqrt(df) / t;

		lx = (s > 1e-150 ? 2 * log(s) : log(df) - 2 * log(t)) - log1p(s * s);
		up = ibeta_half(df / 2, s * s / (1 + s * s), 1 / (1 + s * s), lx, mid);
	}
	*pdf = exp((df + 1) / 2 * lx - lbeta_half(df / 2)) / sqrt(df);
	*mid *= 0.5;
	return up / 2;
}

double lt_t_cdf(double t, double df)
{
	double up, mid, pdf;

	if (isnan(t) || !(df > 0))
		return NAN;
	up = t_upper(fabs(t), df, &mid, &pdf);
	return t < 0 ? up : 0.5 + mid;
}

double lt_t_quantile(double p, double df)
{
	/* Solve P(T > t) = q = min(p, 1 - p) for t >= 0, then mirror: that keeps the precision
	 * of tiny tails, and 1 - p is exact for p >= 1/2. Near the centre (q >= 1/4) solve
	 * P(0 < T <= t) = 1/2 - q instead, which keeps it for t ~ 0. */
	double q = p < 0.5 ? p : 1 - p, lo = 0, hi = 1, t, mid, pdf;

	if (!(p > 0 && p < 1) || !(df > 0))
		return NAN;
	if (q == 0.5)
		return 0;
	while (t_upper(hi, df, &mid, &pdf) > q) {
		lo = hi;
		hi *= 2;
		if (isinf(hi))	/* heavier tails than a double can reach (df << 1) */
			return p < 0.5 ? -INFINITY : INFINITY;
	}
	t = lo + (hi - lo) / 2;
	for (int i = 0; i < 100; i++) {
		/* the tail falls as t grows: g > 0 means t is too small */
		double up = t_upper(t, df, &mid, &pdf), next;
		double g = q < 0.25 ? up - q : (0.5 - q) - mid;
		bool done;

		if (g == 0)
			break;
		if (g > 0)
			lo = t;
		else
			hi = t;
		next = pdf > 0 ? t + g / pdf : NAN;
		if (!(next > lo && next < hi))	/* also NaN: the density underflowed */
			next = lo + (hi - lo) / 2;
		done = fabs(next - t) <= 1e-14 * t;
		t = next;
		if (done)
			break;
	}
	return p < 0.5 ? -t : t;
}

void lt_sample_of(const double *x, size_t n, struct lt_sample *s)
{
	double sum = 0, ss = 0, c = 0;

	memset(s, 0, sizeof(*s));
	if (!x || !n)
		return;
	s->n = n;
	s->min = s->max = x[0];
	for (size_t i = 0; i < n; i++) {
		sum += x[i];
		s->min = fmin(s->min, x[i]);
		s->max = fmax(s->max, x[i]);
	}
	/* Kept within [min, max]: sum / n may round off it (3 x 0.1), and runs that never vary
	 * must get their value as mean and an sd of exactly 0, which Welch's degenerate cases
	 * need (a tiny sd would make a huge t of a meaningless df). */
	s->mean = fmin(fmax(sum / n, s->min), s->max);
	if (n < 2)
		return;
	/* Two passes, deviations from the mean, with the rounding of the mean corrected (c):
	 * sum(x^2) - n mean^2 cancels catastrophically for 1e9 ns runs varying by 1e3. */
	for (size_t i = 0; i < n; i++) {
		double d = x[i] - s->mean;

		ss += d * d;
		c += d;
	}
	s->sd = sqrt(fmax(0, (ss - c * c / n) / (n - 1)));
}

static void welch(const struct lt_sample *sa, const struct lt_sample *sb, double conf,
		  struct lt_test_result *r)
{
	/* The standard errors, their sum by hypot and their ratio to the larger, so that squares
	 * of tiny sds cannot underflow nor huge ones overflow. */
	double ea = sa->sd / sqrt(sa->n), eb = sb->sd / sqrt(sb->n), se = hypot(ea, eb);
	double ra, rb, mid, pdf, half;

	if (se == 0) {
		/* Neither side varies: there is no noise to weigh the difference against. */
		r->stat = r->diff == 0 ? 0 : copysign(INFINITY, r->diff);
		r->p = r->diff == 0 ? 1 : 0;
		r->lo = r->hi = r->diff;
		return;
	}
	/* Welch-Satterthwaite; with one sd 0 it is the other side's n - 1. */
	ra = (ea / fmax(ea, eb)) * (ea / fmax(ea, eb));
	rb = (eb / fmax(ea, eb)) * (eb / fmax(ea, eb));
	r->df = (ra + rb) * (ra + rb) / (ra * ra / (sa->n - 1) + rb * rb / (sb->n - 1));
	r->stat = r->diff / se;
	r->p = fmin(1, 2 * t_upper(fabs(r->stat), r->df, &mid, &pdf));
	half = lt_t_quantile((1 + conf) / 2, r->df) * se;
	r->lo = r->diff - half;
	r->hi = r->diff + half;
}

/* Sorts doubles, and structures that begin with one (no NaN: lt_test_run() refuses them). */
static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

struct pooled {
	double v;	/* first: sorted by cmp_double() */
	double rank2;	/* twice the mid-rank: an integer, so sums compare exactly */
	bool is_b;
};

/* P(|U - mu| >= dev2 / 2) over every assignment of k of the n pooled (sorted) values to the
 * smaller group: |U - mu| is the same for either group's U, as U_A = na nb - U_B. */
static double mwu_exact_p(const struct pooled *pool, size_t n, size_t k, double nanb,
			  double dev2)
{
	size_t idx[LT_MWU_MAX_K], i;
	double hits = 0, total = 0;

	for (i = 0; i < k; i++)
		idx[i] = i;
	for (;;) {
		double s2 = 0;

		for (i = 0; i < k; i++)
			s2 += pool[idx[i]].rank2;
		/* 2U = s2 - k(k + 1): integers, so ">= dev2 - 0.5" is an exact >= */
		if (fabs(s2 - (double)(k * (k + 1)) - nanb) >= dev2 - 0.5)
			hits++;
		total++;
		/* next k-subset in lexicographic order: bump the last index below its maximum */
		for (i = k; i > 0 && idx[i - 1] == n - k + i - 1; i--)
			;
		if (i == 0)
			break;
		idx[i - 1]++;
		for (; i < k; i++)
			idx[i] = idx[i - 1] + 1;
	}
	return hits / total;
}

static int mwu(const double *a, size_t na, const double *b, size_t nb, struct lt_test_result *r)
{
	size_t n = na + nb, k = na < nb ? na : nb, i, j;
	double ties = 0, sum_b2 = 0, nanb = (double)na * (double)nb, u2, dev2, perms = 1;
	struct pooled *pool = calloc(n, sizeof(*pool));

	if (!pool)
		return -1;
	for (i = 0; i < na; i++)
		pool[i] = (struct pooled){ .v = a[i] };
	for (i = 0; i < nb; i++)
		pool[na + i] = (struct pooled){ .v = b[i], .is_b = true };
	qsort(pool, n, sizeof(*pool), cmp_double);
	for (i = 0; i < n; i = j) {
		/* positions i..j-1 tie: ranks i+1..j, mid-rank (i + 1 + j) / 2 */
		double t;

		for (j = i + 1; j < n && pool[j].v == pool[i].v; j++)
			;
		t = (double)(j - i);
		ties += t * t * t - t;
		for (size_t m = i; m < j; m++) {
			pool[m].rank2 = (double)(i + 1 + j);
			if (pool[m].is_b)
				sum_b2 += pool[m].rank2;
		}
	}
	u2 = sum_b2 - (double)nb * (double)(nb + 1);
	dev2 = fabs(u2 - nanb);
	r->stat = u2 / 2;
	/* C(n, k), given up once above the bound: each step is exact below 2^53, and a product
	 * beyond that only happens above the bound */
	for (i = 1; i <= k && perms <= LT_MWU_EXACT_MAX; i++)
		perms = perms * (double)(n - k + i) / (double)i;
	r->exact = k < LT_MWU_MAX_K && perms <= LT_MWU_EXACT_MAX;
	if (r->exact) {
		r->p = mwu_exact_p(pool, n, k, nanb, dev2);
	} else {
		/* Normal approximation: variance with the tie correction, 0.5 continuity. */
		double var = nanb / 12 * ((double)(n + 1) - ties / ((double)n * (double)(n - 1)));
		double z = var > 0 ? (dev2 / 2 - 0.5) / sqrt(var) : 0;

		r->p = z > 0 ? fmin(1, erfc(z / M_SQRT2)) : 1;	/* var 0: every value equal */
	}
	free(pool);
	return 0;
}

/* The median of all b - a: the shift robust to outliers that goes with the U test. */
static double hodges_lehmann(const double *a, size_t na, const double *b, size_t nb)
{
	size_t m = na * nb, k = 0;
	double *d, med;

	if (na > LT_HL_MAX_PAIRS / nb || !(d = malloc(m * sizeof(*d))))
		return NAN;
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++)
			d[k++] = b[j] - a[i];
	qsort(d, m, sizeof(*d), cmp_double);
	med = m & 1 ? d[m / 2] : d[m / 2 - 1] / 2 + d[m / 2] / 2;
	free(d);
	return med;
}

int lt_test_run(enum lt_test_kind kind, const double *a, size_t na, const double *b, size_t nb,
		double conf, struct lt_test_result *r)
{
	struct lt_test_result res = {
		.stat = NAN, .df = NAN, .p = NAN, .diff = NAN, .lo = NAN, .hi = NAN,
	};
	struct lt_sample sa, sb;

	if (!r || (na && !a) || (nb && !b) || !(conf > 0 && conf < 1) || na > SIZE_MAX - nb ||
	    (kind != LT_TEST_WELCH && kind != LT_TEST_MWU))
		return -1;
	for (size_t i = 0; i < na + nb; i++)
		if (!isfinite(i < na ? a[i] : b[i - na]))
			return -1;
	lt_sample_of(a, na, &sa);
	lt_sample_of(b, nb, &sb);
	if (na && nb)
		res.diff = kind == LT_TEST_WELCH ? sb.mean - sa.mean : hodges_lehmann(a, na, b, nb);
	if (na >= 2 && nb >= 2) {
		res.valid = true;
		if (kind == LT_TEST_WELCH)
			welch(&sa, &sb, conf, &res);
		else if (mwu(a, na, b, nb, &res))
			return -1;
	}
	*r = res;
	return 0;
}
