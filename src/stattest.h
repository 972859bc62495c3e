/* SPDX-License-Identifier: GPL-2.0 */
/*
 * src/stattest.h: the statistics behind `lazytrace compare`, which sets a figure's values from
 * repeated runs of A against those of B (as `perf stat -r` or hyperfine do): a summary of each
 * side, and whether B differs from A beyond run-to-run noise. Welch's t-test compares means
 * without assuming equal variances; the Mann-Whitney U test assumes no distribution at all and
 * is the one to trust with few runs or outliers. No dependency but libm.
 */
#ifndef LT_STATTEST_H
#define LT_STATTEST_H

#include <stdbool.h>
#include <stddef.h>

struct lt_sample {
	size_t n;
	double mean;
	double sd;		/* n-1 denominator; 0 when n < 2 */
	double min, max;
};

/* Summarizes x[0..n-1]. n may be 0 (x may then be NULL): all fields 0. */
void lt_sample_of(const double *x, size_t n, struct lt_sample *s);

enum lt_test_kind {
	LT_TEST_WELCH,	/* Welch's unequal-variances t-test on the means */
	LT_TEST_MWU,	/* Mann-Whitney U (Wilcoxon rank-sum), ties by mid-ranks */
};

struct lt_test_result {
	bool valid;	/* false: a side has fewer than 2 runs, no test possible (stat, df, p
			 * NAN; diff set if both sides have a run, else NAN; lo, hi NAN) */
	double stat;	/* Welch: t of B minus A (+-INFINITY when neither side varies but the
			 * means differ); MWU: U of B, the count of pairs (a, b) with b > a plus
			 * half the pairs with b == a */
	double df;	/* Welch: Welch-Satterthwaite degrees of freedom, NAN when neither side
			 * varies; MWU: NAN */
	double p;	/* two-sided p-value in [0, 1] */
	bool exact;	/* MWU: p from the exact permutation distribution (C(na+nb, na) <=
			 * 2,000,000), else from the normal approximation; Welch: false */
	double diff;	/* Welch: mean(B) - mean(A); MWU: the Hodges-Lehmann shift, the median
			 * of all b - a (NAN beyond 1M pairs or out of memory) */
	double lo, hi;	/* Welch: diff's confidence interval at conf; MWU: NAN */
};

/*
 * Tests B (b[0..nb-1]) against A (a[0..na-1]). Welch's degenerate cases: when neither side
 * varies, equal means give t 0, p 1, CI [0, 0]; different means give t +-INFINITY, p 0, CI
 * [diff, diff] (the runs never vary, so the difference is certain). Returns 0, or -1 (r
 * untouched) on bad arguments: conf not in (0, 1), a NULL r or a NULL array with n > 0, a NaN
 * or infinite value; or when memory for the ranks cannot be had.
 */
int lt_test_run(enum lt_test_kind kind, const double *a, size_t na, const double *b, size_t nb,
		double conf, struct lt_test_result *r);

/* Student's t distribution, for any df > 0 (not only integers; INFINITY is the normal);
 * NAN for df <= 0 or NaN arguments. Exposed for the tests. */
double lt_t_cdf(double t, double df);		/* P(T <= t); t may be +-INFINITY */
double lt_t_quantile(double p, double df);	/* its inverse, p in (0, 1); +-INFINITY
						 * beyond the largest double (df << 1) */

#endif /* LT_STATTEST_H */
