/* SPDX-License-Identifier: GPL-2.0 */
/*
 * src/compare.h: `lazytrace compare`: did a change (a patch, another kernel, another nesting
 * mode) change the batching? Recordings of a workload on side A and on side B, one or more
 * runs a side; per metric (the totals of `stats`, and per call site or function: sections,
 * deferred PTE updates, flushes, pending times, hazards), raw and normalised per second of
 * recording and per section: each side's mean, standard deviation, minimum and maximum over
 * its runs, the change of the mean with a confidence interval, and the verdict of a named
 * test (Welch's t-test, or Mann-Whitney U) with its p-value.
 *
 * Sites line up across runs by name: by exact site (symbol+offset) when every run comes from
 * one kernel build, by function when the build ids differ (the offsets of two builds never
 * match). Recordings whose figures are counted differently (the lazy_mmu_defer tracepoint
 * against deferrals inferred from PTE updates) are refused unless asked for; a side that
 * mixes kernels or nesting modes gets a warning.
 *
 * The engine (compare.c) says what the figures are; the report (compare_report.c) prints
 * them as text or JSON and draws the SVG chart.
 */
#ifndef LT_COMPARE_H
#define LT_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "sitestats.h"
#include "stattest.h"

struct lt_compare_opts {
	bool by_set;			/* false: by site within one build, else by function */
	enum lt_site_key by;
	enum lt_test_kind test;		/* LT_TEST_WELCH (default) or LT_TEST_MWU */
	double conf;			/* of the intervals; significant: p < 1 - conf */
	bool mixed;			/* compare figures counted differently anyway */
	bool json;
	const char *svg_path;		/* NULL: no chart */
};

/* How a figure is shown. */
enum lt_cmp_unit { LT_U_COUNT, LT_U_NS, LT_U_PER_S, LT_U_RATIO };

struct lt_cmp_metric {
	const char *key;		/* JSON key */
	const char *label;		/* text */
	enum lt_cmp_unit unit;
};

enum lt_verdict { LT_V_UNTESTED, LT_V_NOT_SIGNIFICANT, LT_V_SIGNIFICANT };

/* One metric of one row: both sides over their runs, and the test. */
struct lt_cmp_fig {
	struct lt_sample a, b;		/* over the runs where the figure is defined */
	double delta;			/* b.mean - a.mean; NAN if a side has none */
	double ratio;			/* b.mean / a.mean; NAN if a.mean is 0 */
	double change, change_lo, change_hi;	/* delta and Welch's interval over a.mean */
	struct lt_test_result t;
	enum lt_verdict verdict;
};

enum lt_cmp_in { LT_IN_BOTH, LT_IN_A, LT_IN_B };

struct lt_cmp_row {
	char name[LT_SITE_NAME_LEN];
	enum lt_cmp_in in;
	struct lt_cmp_fig *fig;		/* [LT_CMP_SITE_METRICS_N] */
};

struct lt_cmp_side {
	size_t n;
	struct lt_runstats *runs;	/* [n] */
	bool mixed_kernels, mixed_nesting;
};

struct lt_compare {
	struct lt_compare_opts o;
	enum lt_site_key by;		/* as resolved */
	const char *by_why;		/* "one kernel build", "build ids differ", "asked" */
	struct lt_cmp_side side[2];	/* A, B */
	struct lt_cmp_fig *totals;	/* [lt_cmp_total_metrics_n()] */
	struct lt_cmp_row *rows;
	size_t nrows;
};

/* The metrics of a site (a row), in LT_CMP_SITE_METRICS' order. */
enum lt_cmp_site_metric {
	LT_SM_SECTIONS, LT_SM_NESTED, LT_SM_DEFERRED, LT_SM_FLUSHES, LT_SM_MEAN, LT_SM_MAX,
	LT_SM_HAZARDS, LT_SM_DEFERRED_S, LT_SM_FLUSHES_S, LT_SM_DEFERRED_SEC, LT_SM_FLUSHES_SEC,
};

/* The metrics of a site (a row), and of the totals: those of `stats`, then derived ones. */
extern const struct lt_cmp_metric LT_CMP_SITE_METRICS[];
extern const size_t LT_CMP_SITE_METRICS_N;
struct lt_cmp_metric lt_cmp_total_metric(size_t i);
size_t lt_cmp_total_metrics_n(void);

/*
 * Reads every run and compares. Returns the exit status: 0; 1 when a file cannot be used or
 * is corrupt, or the recordings do not compare (one line on err each); the figures are there
 * (c->rows, c->totals) whenever every file could be opened and the recordings compare.
 */
int lt_compare_build(struct lt_compare *c, const char *const *a, size_t na,
		     const char *const *b, size_t nb, const struct lt_compare_opts *o, FILE *err);
void lt_compare_free(struct lt_compare *c);

const char *lt_verdict_name(enum lt_verdict v);
const char *lt_test_name(enum lt_test_kind k);	/* "welch", "mwu" */

/* compare_report.c */
void lt_compare_text(FILE *out, const struct lt_compare *c);
void lt_compare_json(FILE *out, const struct lt_compare *c);
int lt_compare_svg(const char *path, const struct lt_compare *c, FILE *err);	/* 0 or 1 */

/* All of it: build, print (text or JSON), draw. The exit status. */
int lt_compare_run(const char *const *a, size_t na, const char *const *b, size_t nb,
		   const struct lt_compare_opts *o, FILE *out, FILE *err);

#endif /* LT_COMPARE_H */
