// SPDX-License-Identifier: GPL-2.0
/*
 * tests/unit/test_stattest.c: the statistics of `lazytrace compare` (src/stattest.c).
 *
 * Every expected value comes from outside this code: published t tables, closed forms of the
 * t distribution at df 1 and 2, and values computed independently in Python: mpmath's
 * betainc (50 digits) for the t distribution, confirmed by Simpson integration of the t
 * density with math.lgamma; for the U test, a brute-force count over every relabelling of
 * the pooled values (itertools.combinations, U by pairwise comparison, exact fractions) or a
 * rank-sum dynamic programme; the normal approximation by the textbook formula in Python.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "stattest.h"

/* |a - b| <= tol, or both NaN, or the same infinity. */
#define CHECK_NEAR(a, b, tol)							\
	do {									\
		double _a = (a), _b = (b), _t = (tol);				\
		if ((isnan(_a) && isnan(_b)) || _a == _b || fabs(_a - _b) <= _t) { \
			check_passed++;						\
		} else {							\
			check_failed++;						\
			printf("FAIL %s:%d: %s ~ %s: %.17g != %.17g (tol %g)\n",	\
			       __FILE__, __LINE__, #a, #b, _a, _b, _t);		\
		}								\
	} while (0)

/* Relative: |a - b| <= rel * |b|. */
#define CHECK_REL(a, b, rel) CHECK_NEAR(a, b, (rel) * fabs((double)(b)))

#define N(x) (sizeof(x) / sizeof((x)[0]))

static struct lt_test_result run(enum lt_test_kind k, const double *a, size_t na,
				 const double *b, size_t nb, double conf)
{
	struct lt_test_result r;

	memset(&r, 0x5a, sizeof(r));
	CHECK_EQ(lt_test_run(k, a, na, b, nb, conf, &r), 0);
	return r;
}

static void test_sample(void)
{
	static const double x[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	static const double big[] = { 1e9 + 1, 1e9 + 2, 1e9 + 3 };
	static const double tenth[] = { 0.1, 0.1, 0.1 };
	struct lt_sample s;

	lt_sample_of(NULL, 0, &s);
	CHECK(s.n == 0 && s.mean == 0 && s.sd == 0 && s.min == 0 && s.max == 0);
	lt_sample_of(x, 1, &s);
	CHECK(s.n == 1 && s.mean == 2 && s.sd == 0 && s.min == 2 && s.max == 2);
	/* mean 5, sum of squared deviations 32, sd = sqrt(32 / 7) */
	lt_sample_of(x, N(x), &s);
	CHECK_EQ(s.n, 8);
	CHECK_NEAR(s.mean, 5, 1e-15);
	CHECK_REL(s.sd, sqrt(32.0 / 7), 1e-15);
	CHECK(s.min == 2 && s.max == 9);
	/* a large offset: sum(x^2) - n mean^2 would lose everything */
	lt_sample_of(big, N(big), &s);
	CHECK(s.mean == 1e9 + 2);
	CHECK_NEAR(s.sd, 1, 1e-12);
	/* never varying: sd exactly 0 and the mean exactly the value, though 0.1 * 3 / 3 is not */
	lt_sample_of(tenth, N(tenth), &s);
	CHECK(s.sd == 0 && s.mean == 0.1);
}

static void test_t_distribution(void)
{
	/* two-sided 95% critical values (published t tables), and mpmath beyond their digits */
	CHECK_NEAR(lt_t_quantile(0.975, 1), 12.706204736, 1e-9);
	CHECK_NEAR(lt_t_quantile(0.975, 4), 2.776445105, 1e-9);
	CHECK_NEAR(lt_t_quantile(0.975, 10), 2.228138852, 1e-9);
	CHECK_NEAR(lt_t_quantile(0.975, 30), 2.042272456, 1e-9);
	CHECK_NEAR(lt_t_quantile(0.975, 1e6), 1.959966, 1e-6);
	CHECK_REL(lt_t_quantile(0.975, 1), 12.706204736174704646, 1e-12);
	CHECK_REL(lt_t_quantile(0.975, 4), 2.7764451051977943578, 1e-12);
	CHECK_REL(lt_t_quantile(0.975, 10), 2.2281388519862747484, 1e-12);
	CHECK_REL(lt_t_quantile(0.975, 30), 2.04227245630123831, 1e-12);
	CHECK_REL(lt_t_quantile(0.975, 1e6), 1.9599663568141070353, 1e-12);
	CHECK_REL(lt_t_quantile(0.975, 2.5), 3.5746548420036832185, 1e-12);
	CHECK_REL(lt_t_quantile(0.975, 0.5), 164.55767348048853312, 1e-12);
	CHECK_REL(lt_t_quantile(0.999, 3), 10.21453185240738655, 1e-12);
	CHECK_REL(lt_t_quantile(1e-10, 7.5), -45.361044241339515834, 1e-12);
	CHECK_REL(lt_t_quantile(0.025, 10), -2.2281388519862747484, 1e-12);
	CHECK(lt_t_quantile(0.5, 3) == 0);
	/* near the centre: t ~ (p - 1/2) / pdf(0), pdf(0) = 1 / (2 sqrt 2) at df 2 (p - 1/2 is
	 * exact in doubles; 1e-12 itself is not what 0.5 + 1e-12 holds) */
	double pc = 0.5 + 1e-12;

	CHECK_REL(lt_t_quantile(pc, 2), 2 * M_SQRT2 * (pc - 0.5), 1e-12);
	CHECK_REL(lt_t_quantile(1 - pc, 2), -2 * M_SQRT2 * (pc - 0.5), 1e-12);

	/* two-sided p of t = 2 at df = 5, and one-sided values (mpmath) */
	CHECK_REL(2 * (1 - lt_t_cdf(2, 5)), 0.10193947882985835625, 1e-12);
	CHECK_REL(2 * lt_t_cdf(-2, 5), 0.10193947882985835625, 1e-12);
	CHECK_REL(lt_t_cdf(1.5, 2.5), 0.87608177345685186944, 1e-12);
	CHECK_REL(lt_t_cdf(-3, 1e6), 0.0013499312707108985294, 1e-11);
	CHECK_REL(lt_t_cdf(-30, 7), 5.894234440366570061e-9, 1e-12);
	CHECK_REL(lt_t_cdf(-0.1, 0.5), 0.47316581056430320084, 1e-12);

	/* closed forms: df 1 is Cauchy, 1/2 + atan(t) / pi; df 2 is 1/2 + t / (2 sqrt(2 + t^2)).
	 * Lower tails written so that the reference itself keeps its digits. */
	for (double t = 0.001; t < 1e12; t *= 3.7) {
		CHECK_REL(lt_t_cdf(t, 1), 0.5 + atan(t) / M_PI, 1e-13);
		CHECK_REL(lt_t_cdf(-t, 1), atan(1 / t) / M_PI, 1e-12);
		CHECK_REL(lt_t_cdf(t, 2), 0.5 + t / (2 * sqrt(2 + t * t)), 1e-13);
		CHECK_REL(lt_t_cdf(-t, 2), 1 / (sqrt(2 + t * t) * (sqrt(2 + t * t) + t)), 1e-12);
	}
	/* far beyond where t^2 overflows: P(T < -t) ~ 1 / (pi t) at df 1 */
	CHECK_REL(lt_t_cdf(-1e200, 1), 1 / (M_PI * 1e200), 1e-12);
	CHECK_REL(lt_t_quantile(1e-300, 1), -1 / (M_PI * 1e-300), 1e-10);

	/* the quantile inverts the cdf, integer df or not, tails or centre */
	static const double dfs[] = { 0.7, 1, 2, 3.3, 8.19672131147541, 29, 120, 1e4, 1e6 };
	static const double ps[] = { 1e-15, 1e-6, 0.001, 0.05, 0.3, 0.49, 0.5001, 0.8, 0.995 };

	for (size_t i = 0; i < N(dfs); i++)
		for (size_t j = 0; j < N(ps); j++) {
			double p = ps[j], q = lt_t_quantile(p, dfs[i]);

			CHECK_REL(lt_t_cdf(q, dfs[i]), p, 1e-12);
		}

	/* beyond any Welch df, and its limit, the normal distribution */
	CHECK_REL(lt_t_cdf(-3, 1e9), 0.0013498980648689578339, 1e-12);
	CHECK_REL(lt_t_cdf(-3, 1e12), 0.0013498980316633333897, 1e-12);
	CHECK_REL(lt_t_quantile(0.975, 1e9), 1.9599639869123254686, 1e-12);
	CHECK_REL(lt_t_cdf(-3, INFINITY), 0.0013498980316300945267, 1e-13);
	CHECK_REL(lt_t_quantile(0.975, INFINITY), 1.9599639845400542355, 1e-13);

	/* the ends and bad arguments */
	CHECK(lt_t_cdf(INFINITY, 3) == 1);
	CHECK(lt_t_cdf(-INFINITY, 3) == 0);
	CHECK(lt_t_cdf(INFINITY, 1e6) == 1);
	CHECK(lt_t_cdf(0, 3) == 0.5);
	CHECK(isnan(lt_t_cdf(NAN, 3)));
	CHECK(isnan(lt_t_cdf(1, 0)));
	CHECK(isnan(lt_t_cdf(1, -2)));
	CHECK(isnan(lt_t_cdf(1, NAN)));
	CHECK(isnan(lt_t_quantile(0, 3)));
	CHECK(isnan(lt_t_quantile(1, 3)));
	CHECK(isnan(lt_t_quantile(NAN, 3)));
	CHECK(isnan(lt_t_quantile(0.9, 0)));
	/* df 0.05: the 1e-20 quantile lies beyond the largest double */
	CHECK(lt_t_quantile(1e-20, 0.05) == -INFINITY);
}

/*
 * The worked Welch example, by hand:
 *   A = 10 12 11 13 9       mean 11, squared deviations 1+1+0+4+4 = 10, s_a^2 = 10/4 = 2.5
 *   B = 14 15 13 16 17 15   mean 15, squared deviations 1+0+4+1+4+0 = 10, s_b^2 = 10/5 = 2
 *   se^2 = 2.5/5 + 2/6 = 1/2 + 1/3 = 5/6, se = 0.912870929175277
 *   t = (15 - 11) / se = 4.38178046004133
 *   df = (5/6)^2 / ((1/2)^2/4 + (1/3)^2/5) = (25/36) / (61/720) = 500/61 = 8.19672131147541
 *   p = 2 P(T_df > t) = 0.00221047451550963          (mpmath; Simpson: 0.0022104745154935)
 *   t_{0.975, df} = 2.29640617679538, CI95 = 4 -+ 2.29640617679538 * se = [1.90367755962496,
 *   6.09632244037504]; CI90 (t_{0.95, df}) = [2.30773920499383, 5.69226079500617].
 */
static void test_welch(void)
{
	static const double a[] = { 10, 12, 11, 13, 9 }, b[] = { 14, 15, 13, 16, 17, 15 };
	struct lt_test_result r = run(LT_TEST_WELCH, a, N(a), b, N(b), 0.95);

	CHECK(r.valid && !r.exact);
	CHECK_REL(r.stat, 4.3817804600413289, 1e-13);
	CHECK_REL(r.df, 500.0 / 61, 1e-14);
	CHECK_REL(r.p, 0.0022104745155096325, 1e-11);
	CHECK_NEAR(r.diff, 4, 1e-14);
	CHECK_REL(r.lo, 1.9036775596249566, 1e-11);
	CHECK_REL(r.hi, 6.0963224403750434, 1e-11);
	r = run(LT_TEST_WELCH, a, N(a), b, N(b), 0.90);
	CHECK_REL(r.lo, 2.3077392049938328, 1e-11);
	CHECK_REL(r.hi, 5.6922607950061672, 1e-11);
	/* A against B: the sign of t and of the difference turns, nothing else */
	r = run(LT_TEST_WELCH, b, N(b), a, N(a), 0.95);
	CHECK_REL(r.stat, -4.3817804600413289, 1e-13);
	CHECK_REL(r.p, 0.0022104745155096325, 1e-11);
	CHECK_REL(r.lo, -6.0963224403750434, 1e-11);
}

static void test_welch_degenerate(void)
{
	static const double five3[] = { 5, 5, 5 }, five4[] = { 5, 5, 5, 5 };
	static const double tenth[] = { 0.1, 0.1, 0.1 }, third[] = { 0.3, 0.3 };
	static const double b4[] = { 4, 6, 5, 7 };
	struct lt_test_result r;

	/* neither side varies, same value: no difference at all */
	r = run(LT_TEST_WELCH, five3, N(five3), five4, N(five4), 0.95);
	CHECK(r.valid && r.stat == 0 && r.p == 1 && r.diff == 0 && r.lo == 0 && r.hi == 0);
	CHECK(isnan(r.df));
	/* neither varies, different values: the difference is certain */
	r = run(LT_TEST_WELCH, tenth, N(tenth), third, N(third), 0.95);
	CHECK(r.valid && r.stat == INFINITY && r.p == 0 && isnan(r.df));
	CHECK(r.diff == 0.3 - 0.1 && r.lo == r.diff && r.hi == r.diff);
	r = run(LT_TEST_WELCH, third, N(third), tenth, N(tenth), 0.95);
	CHECK(r.stat == -INFINITY && r.p == 0 && r.lo == 0.1 - 0.3);
	/* one side varies: df is its n - 1 = 3; B = 4 6 5 7: mean 5.5, s^2 = 5/3, se =
	 * sqrt(5/12), t = 0.5 / se = 0.774596669241483, p = 0.495025346059711, half-width
	 * t_{0.975, 3} se = 3.18244630528371 * 0.645497224367903 = 2.05426025676052 (mpmath) */
	r = run(LT_TEST_WELCH, five4, N(five4), b4, N(b4), 0.95);
	CHECK(r.valid);
	CHECK_REL(r.df, 3, 1e-15);
	CHECK_REL(r.stat, 0.77459666924148338, 1e-14);
	CHECK_REL(r.p, 0.49502534605971097, 1e-12);
	CHECK_REL(r.hi - r.diff, 2.054260256760522, 1e-12);
	CHECK_REL(r.diff - r.lo, 2.054260256760522, 1e-12);
	r = run(LT_TEST_WELCH, b4, N(b4), five4, N(five4), 0.95);
	CHECK(isfinite(r.stat) && isfinite(r.df) && isfinite(r.p) && isfinite(r.lo));
	CHECK_REL(r.df, 3, 1e-15);

	/* fewer than 2 runs a side: no test, but the difference of means when both have one */
	r = run(LT_TEST_WELCH, five3, 1, b4, N(b4), 0.95);
	CHECK(!r.valid && r.diff == 0.5 && isnan(r.p) && isnan(r.stat) && isnan(r.df));
	CHECK(isnan(r.lo) && isnan(r.hi));
	r = run(LT_TEST_WELCH, NULL, 0, b4, N(b4), 0.95);
	CHECK(!r.valid && isnan(r.diff) && isnan(r.p));
	r = run(LT_TEST_WELCH, b4, N(b4), five3, 1, 0.95);
	CHECK(!r.valid && r.diff == -0.5);
}

static void test_mwu(void)
{
	static const double a1[] = { 1, 2, 3, 4, 5 }, b1[] = { 6, 7, 8, 9, 10 };
	static const double a2[] = { 13, 13, 13, 13, 13 }, b2[] = { 8, 8, 8, 8, 8 };
	static const double s3[] = { 4, 4, 4 }, s4[] = { 4, 4, 4, 4 };
	/* ties across the groups; brute force over all C(n, nb) relabellings in Python */
	static const double a5[] = { 1, 2, 2, 3, 5 }, b5[] = { 2, 3, 4, 5, 6 };
	static const double a6[] = { 1, 1, 2, 3, 3, 3, 4 }, b6[] = { 3, 4, 4, 5 };
	static const double a7[] = { 2.5, 1, 7 }, b7[] = { 1, 2.5, 2.5, 9, 7, 3 };
	struct lt_test_result r;

	/* complete separation, 5 runs a side: 2 of the C(10, 5) = 252 labellings are as extreme */
	r = run(LT_TEST_MWU, a1, N(a1), b1, N(b1), 0.95);
	CHECK(r.valid && r.exact && r.stat == 25 && isnan(r.df));
	CHECK_REL(r.p, 2.0 / 252, 1e-14);
	CHECK(r.diff == 5 && isnan(r.lo) && isnan(r.hi));	/* median of the b - a, 1..9 */
	r = run(LT_TEST_MWU, a2, N(a2), b2, N(b2), 0.95);
	CHECK(r.valid && r.exact && r.stat == 0 && r.diff == -5);
	CHECK_REL(r.p, 2.0 / 252, 1e-14);
	/* identical samples */
	r = run(LT_TEST_MWU, s3, N(s3), s4, N(s4), 0.95);
	CHECK(r.valid && r.exact && r.stat == 6 && r.p == 1 && r.diff == 0);
	/* ties across groups: U 19, 56 of 252; U 24.5, 17 of 330; U 11, 61 of 84 */
	r = run(LT_TEST_MWU, a5, N(a5), b5, N(b5), 0.95);
	CHECK(r.exact && r.stat == 19 && r.diff == 1);
	CHECK_REL(r.p, 2.0 / 9, 1e-14);
	r = run(LT_TEST_MWU, a6, N(a6), b6, N(b6), 0.95);
	CHECK(r.exact && r.stat == 24.5 && r.diff == 1.5);
	CHECK_REL(r.p, 17.0 / 330, 1e-14);
	r = run(LT_TEST_MWU, a7, N(a7), b7, N(b7), 0.95);
	CHECK(r.exact && r.stat == 11 && r.diff == 0.25);
	CHECK_REL(r.p, 61.0 / 84, 1e-14);
	/* swapping the groups turns U into na nb - U; p stays */
	r = run(LT_TEST_MWU, b7, N(b7), a7, N(a7), 0.95);
	CHECK(r.stat == 7 && r.diff == -0.25);
	CHECK_REL(r.p, 61.0 / 84, 1e-14);

	/* fewer than 2 runs: no test, the shift still */
	r = run(LT_TEST_MWU, a1, 1, b1, N(b1), 0.95);
	CHECK(!r.valid && isnan(r.p) && isnan(r.stat) && r.diff == 7);
	/* an even number of differences: a = 0 1, b = 0 2 10 give -1 0 1 2 9 10, median 1.5 */
	r = run(LT_TEST_MWU, (const double[]){ 0, 1 }, 2, (const double[]){ 0, 2, 10 }, 3, 0.5);
	CHECK(r.valid && r.diff == 1.5);
}

static void test_mwu_sizes(void)
{
	double a[2000], b[2000];
	struct lt_test_result r;
	size_t i;

	/* 11 a side, C(22, 11) = 705432: still exact. Odds 1..21 against evens 2..22: U 66,
	 * 37673 of 50388 (a rank-sum dynamic programme in Python). */
	for (i = 0; i < 11; i++) {
		a[i] = 2 * i + 1;
		b[i] = 2 * i + 2;
	}
	r = run(LT_TEST_MWU, a, 11, b, 11, 0.95);
	CHECK(r.valid && r.exact && r.stat == 66);
	CHECK_REL(r.p, 37673.0 / 50388, 1e-14);
	/* 12 a side, C(24, 12) = 2704156: the normal approximation. U 78 against 72, variance
	 * 12 * 12 * 25 / 12 = 300, z = 5.5 / sqrt(300), p = erfc(z / sqrt 2) = 0.750831884089117 */
	for (i = 0; i < 12; i++) {
		a[i] = 2 * i + 1;
		b[i] = 2 * i + 2;
	}
	r = run(LT_TEST_MWU, a, 12, b, 12, 0.95);
	CHECK(r.valid && !r.exact && r.stat == 78);
	CHECK_REL(r.p, 0.75083188408911705, 1e-12);

	/* 2 against 1998, C(2000, 2) = 1999000: exact, and the most extreme of them all */
	a[0] = -1;
	a[1] = -2;
	for (i = 0; i < 1999; i++)
		b[i] = (double)i;
	r = run(LT_TEST_MWU, a, 2, b, 1998, 0.95);
	CHECK(r.exact && r.stat == 3996);
	CHECK_REL(r.p, 2.0 / 1999000, 1e-14);
	/* 2 against 1999, C(2001, 2) = 2001000: just past the bound; variance 2 * 1999 * 2002
	 * / 12, z = (1999 - 0.5) / sqrt(var), p = 0.0144034232256795 (Python) */
	r = run(LT_TEST_MWU, a, 2, b, 1999, 0.95);
	CHECK(r.valid && !r.exact && r.stat == 3998);
	CHECK_REL(r.p, 0.014403423225679524, 1e-12);

	/* 2000 a side, all equal: the normal path's variance is 0, p 1; 4M pairs: no shift */
	for (i = 0; i < 2000; i++)
		a[i] = b[i] = 3;
	r = run(LT_TEST_MWU, a, 2000, b, 2000, 0.95);
	CHECK(r.valid && !r.exact && r.p == 1 && r.stat == 2000.0 * 2000 / 2 && isnan(r.diff));
}

/*
 * The normal approximation, 15 runs a side (C(30, 15) ~ 1.6e8 permutations), with ties. In
 * Python: U_B = 199.5 against 112.5; tie-corrected variance 225/12 * (31 - 1380/870) =
 * 576.336206896552; z = (87 - 0.5) / sqrt(var) = 3.60311526433822; p = erfc(z / sqrt 2) =
 * 0.000314426012559239; the median of the 225 differences 0.4 (in doubles 0.40000000000000036).
 */
static void test_mwu_normal(void)
{
	static const double a[] = { 12.1, 11.8, 12.4, 12.0, 11.9, 12.3, 12.2, 12.0,
				    11.7, 12.5, 12.1, 12.2, 11.9, 12.0, 12.3 };
	static const double b[] = { 12.4, 12.6, 12.2, 12.9, 12.5, 12.3, 12.7, 12.4,
				    12.8, 12.1, 12.6, 12.5, 12.4, 13.0, 12.2 };
	struct lt_test_result r = run(LT_TEST_MWU, a, N(a), b, N(b), 0.95);

	CHECK(r.valid && !r.exact && r.stat == 199.5);
	CHECK_REL(r.p, 0.00031442601255923889, 1e-12);
	CHECK_NEAR(r.diff, 0.4, 1e-12);
	r = run(LT_TEST_MWU, b, N(b), a, N(a), 0.95);
	CHECK(r.stat == 225 - 199.5);
	CHECK_REL(r.p, 0.00031442601255923889, 1e-12);
}

static void test_bad_arguments(void)
{
	static const double a[] = { 1, 2, 3 }, b[] = { 4, 5, 6 };
	const double nan3[] = { 1, NAN, 3 }, inf3[] = { 1, 2, INFINITY };
	struct lt_test_result r, before;

	memset(&r, 0x5a, sizeof(r));
	before = r;
	CHECK_EQ(lt_test_run(LT_TEST_WELCH, a, 3, b, 3, 0, &r), -1);
	CHECK_EQ(lt_test_run(LT_TEST_WELCH, a, 3, b, 3, 1, &r), -1);
	CHECK_EQ(lt_test_run(LT_TEST_MWU, a, 3, b, 3, -0.5, &r), -1);
	CHECK_EQ(lt_test_run(LT_TEST_MWU, a, 3, b, 3, 1.5, &r), -1);
	CHECK_EQ(lt_test_run(LT_TEST_WELCH, a, 3, b, 3, NAN, &r), -1);
	CHECK_EQ(lt_test_run(LT_TEST_WELCH, NULL, 3, b, 3, 0.95, &r), -1);
	CHECK_EQ(lt_test_run(LT_TEST_MWU, a, 3, NULL, 1, 0.95, &r), -1);
	CHECK_EQ(lt_test_run(LT_TEST_WELCH, a, 3, b, 3, 0.95, NULL), -1);
	CHECK_EQ(lt_test_run((enum lt_test_kind)7, a, 3, b, 3, 0.95, &r), -1);
	CHECK_EQ(lt_test_run(LT_TEST_WELCH, nan3, 3, b, 3, 0.95, &r), -1);
	CHECK_EQ(lt_test_run(LT_TEST_MWU, a, 3, inf3, 3, 0.95, &r), -1);
	CHECK(!memcmp(&r, &before, sizeof(r)));	/* untouched on error */
	/* NULL with no runs is fine: nothing to test */
	CHECK_EQ(lt_test_run(LT_TEST_MWU, NULL, 0, NULL, 0, 0.95, &r), 0);
	CHECK(!r.valid && isnan(r.diff) && isnan(r.p));
}

int main(void)
{
	test_sample();
	test_t_distribution();
	test_welch();
	test_welch_degenerate();
	test_mwu();
	test_mwu_sizes();
	test_mwu_normal();
	test_bad_arguments();
	return check_finish("test_stattest");
}
