// SPDX-License-Identifier: GPL-2.0
/*
 * src/compare.c: the engine of `lazytrace compare` (see compare.h): the runs of both sides
 * read, their sites lined up, each figure's statistics and verdict.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"

const struct lt_cmp_metric LT_CMP_SITE_METRICS[] = {
	{ "sections", "sections", LT_U_COUNT },
	{ "nested", "nested", LT_U_COUNT },
	{ "deferred_ptes", "deferred PTEs", LT_U_COUNT },
	{ "flushes", "flushes", LT_U_COUNT },
	{ "mean_pending_ns", "mean pending (us)", LT_U_NS },
	{ "max_pending_ns", "max pending (us)", LT_U_NS },
	{ "hazards", "hazards", LT_U_COUNT },
	{ "deferred_ptes_per_s", "deferred PTEs /s", LT_U_PER_S },
	{ "flushes_per_s", "flushes /s", LT_U_PER_S },
	{ "deferred_ptes_per_section", "deferred PTEs /section", LT_U_RATIO },
	{ "flushes_per_section", "flushes /section", LT_U_RATIO },
};
const size_t LT_CMP_SITE_METRICS_N = sizeof(LT_CMP_SITE_METRICS) / sizeof(LT_CMP_SITE_METRICS[0]);


/* The totals of `stats` (LT_TOTALS, in that order), then these. */
static const struct lt_cmp_metric DERIVED_TOTALS[] = {
	{ "span_s", "recording (s)", LT_U_RATIO },
	{ "sections_per_s", "sections /s", LT_U_PER_S },
	{ "deferred_ptes_per_s", "deferred PTEs /s", LT_U_PER_S },
	{ "flushes_per_s", "flushes /s", LT_U_PER_S },
	{ "deferred_ptes_per_section", "deferred PTEs /section", LT_U_RATIO },
	{ "flushes_per_section", "flushes /section", LT_U_RATIO },
};
#define NDERIVED (sizeof(DERIVED_TOTALS) / sizeof(DERIVED_TOTALS[0]))

struct lt_cmp_metric lt_cmp_total_metric(size_t i)
{
	if (i < LT_NTOTALS)
		return (struct lt_cmp_metric){ LT_TOTALS[i].key, LT_TOTALS[i].key, LT_U_COUNT };
	return DERIVED_TOTALS[i - LT_NTOTALS];
}

size_t lt_cmp_total_metrics_n(void)
{
	return LT_NTOTALS + NDERIVED;
}

static double per(double x, double by)
{
	return by > 0 ? x / by : NAN;
}

/* A run's figure; NAN where it has none (no time pending without a completed deferral, no
 * rate of a recording without length, no ratio without a section). x NULL: the site had
 * nothing in this run. */
static double site_metric(const struct lt_runstats *rs, const struct lt_sitefig *x, size_t m)
{
	double span = (double)rs->span_ns / 1e9;
	double sections = x ? (double)x->sections : 0;

	switch (m) {
	case LT_SM_SECTIONS: return sections;
	case LT_SM_NESTED: return x ? (double)x->nested : 0;
	case LT_SM_DEFERRED: return x ? (double)x->deferred : 0;
	case LT_SM_FLUSHES: return x ? (double)x->flushes : 0;
	case LT_SM_MEAN: return x && x->completed ? lt_site_mean_pending(x) : NAN;
	case LT_SM_MAX: return x && x->completed ? (double)x->pend_max : NAN;
	case LT_SM_HAZARDS: return x ? (double)lt_site_hazards(x) : 0;
	case LT_SM_DEFERRED_S: return per(x ? (double)x->deferred : 0, span);
	case LT_SM_FLUSHES_S: return per(x ? (double)x->flushes : 0, span);
	case LT_SM_DEFERRED_SEC: return per(x ? (double)x->deferred : 0, sections);
	case LT_SM_FLUSHES_SEC: return per(x ? (double)x->flushes : 0, sections);
	default: return NAN;
	}
}

static double total_metric(const struct lt_runstats *rs, size_t m)
{
	const struct lt_stats *st = &rs->st;
	double span = (double)rs->span_ns / 1e9;

	if (m < LT_NTOTALS)
		return (double)lt_total_of(st, m);
	switch (m - LT_NTOTALS) {
	case 0: return span;
	case 1: return per((double)st->sections, span);
	case 2: return per((double)st->deferred_ptes, span);
	case 3: return per((double)st->flushes, span);
	case 4: return per((double)st->deferred_ptes, (double)st->sections);
	case 5: return per((double)st->flushes, (double)st->sections);
	default: return NAN;
	}
}

/* The values of one side, without the undefined ones. */
static size_t side_values(const struct lt_cmp_side *s, const char *site, size_t m, double *v)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n; i++) {
		double x = site ? site_metric(&s->runs[i], lt_runstats_find(&s->runs[i], site), m)
				: total_metric(&s->runs[i], m);

		if (!isnan(x))
			v[n++] = x;
	}
	return n;
}

static void figure(const struct lt_compare *c, const char *site, size_t m, double *va,
		   double *vb, struct lt_cmp_fig *f)
{
	size_t na = side_values(&c->side[0], site, m, va);
	size_t nb = side_values(&c->side[1], site, m, vb);
	struct lt_test_result w;

	memset(f, 0, sizeof(*f));
	lt_sample_of(va, na, &f->a);
	lt_sample_of(vb, nb, &f->b);
	f->delta = f->ratio = f->change = f->change_lo = f->change_hi = NAN;
	f->t.p = NAN;
	f->verdict = LT_V_UNTESTED;
	if (!na || !nb)
		return;
	f->delta = f->b.mean - f->a.mean;
	if (f->a.mean != 0) {
		f->ratio = f->b.mean / f->a.mean;
		f->change = f->delta / f->a.mean;
	}
	if (lt_test_run(c->o.test, va, na, vb, nb, c->o.conf, &f->t) || !f->t.valid)
		return;
	f->verdict = f->t.p < 1 - c->o.conf ? LT_V_SIGNIFICANT : LT_V_NOT_SIGNIFICANT;
	/* The interval of the change is Welch's for the difference of the means, whichever test
	 * gives the verdict, over A's mean taken as exact. */
	if (f->a.mean != 0 && !lt_test_run(LT_TEST_WELCH, va, na, vb, nb, c->o.conf, &w) &&
	    w.valid) {
		f->change_lo = w.lo / f->a.mean;
		f->change_hi = w.hi / f->a.mean;
		if (f->a.mean < 0) {
			double t = f->change_lo;

			f->change_lo = f->change_hi;
			f->change_hi = t;
		}
	}
}

static int add_row(struct lt_compare *c, size_t *cap, const char *name, enum lt_cmp_in in)
{
	for (size_t i = 0; i < c->nrows; i++)
		if (!strcmp(c->rows[i].name, name))
			return 0;
	if (c->nrows == *cap) {
		size_t ncap = *cap ? *cap * 2 : 32;
		struct lt_cmp_row *r = realloc(c->rows, ncap * sizeof(*r));

		if (!r)
			return -1;
		c->rows = r;
		*cap = ncap;
	}
	memset(&c->rows[c->nrows], 0, sizeof(c->rows[0]));
	snprintf(c->rows[c->nrows].name, sizeof(c->rows[0].name), "%s", name);
	c->rows[c->nrows].in = in;
	c->nrows++;
	return 0;
}

static bool side_has(const struct lt_cmp_side *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (lt_runstats_find(&s->runs[i], name))
			return true;
	return false;
}

static double row_key(const struct lt_cmp_row *r, size_t m)
{
	double a = r->fig[m].a.n ? r->fig[m].a.mean : 0, b = r->fig[m].b.n ? r->fig[m].b.mean : 0;

	return a > b ? a : b;
}

/* In both first, then only in A, only in B; most deferrals, then most sections first. */
static int cmp_row(const void *p, const void *q)
{
	const struct lt_cmp_row *x = p, *y = q;

	if (x->in != y->in)
		return x->in < y->in ? -1 : 1;
	if (row_key(x, LT_SM_DEFERRED) != row_key(y, LT_SM_DEFERRED))
		return row_key(x, LT_SM_DEFERRED) > row_key(y, LT_SM_DEFERRED) ? -1 : 1;
	if (row_key(x, LT_SM_SECTIONS) != row_key(y, LT_SM_SECTIONS))
		return row_key(x, LT_SM_SECTIONS) > row_key(y, LT_SM_SECTIONS) ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Whether every run of both sides comes from one kernel build. */
static bool one_build(const struct lt_compare *c)
{
	const char *id = c->side[0].runs[0].info.build_id;

	if (!id[0])
		return false;
	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < c->side[s].n; i++)
			if (strcmp(c->side[s].runs[i].info.build_id, id))
				return false;
	return true;
}

static const char *kernel_of(const struct lt_runstats *rs)
{
	return rs->info.build_id[0] ? rs->info.build_id : rs->info.release;
}

/* The warnings of a side that mixes kernels or nesting modes, and the refusal of figures
 * counted differently. 0, or 1 (refused). */
static int check_runs(struct lt_compare *c, FILE *err)
{
	const struct lt_runstats *first = &c->side[0].runs[0];
	bool tp = lt_file_defer_from_tracepoint(&first->info);

	for (int s = 0; s < 2; s++) {
		struct lt_cmp_side *d = &c->side[s];

		for (size_t i = 0; i < d->n; i++) {
			const struct lt_runstats *r = &d->runs[i];

			if (lt_file_defer_from_tracepoint(&r->info) != tp && !c->o.mixed) {
				fprintf(err, "lazytrace compare: %s counts deferrals %s, %s %s: their figures do not compare (--mixed compares them anyway)\n",
					first->path, tp ? "at the lazy_mmu_defer tracepoint" : "inferred from PTE updates",
					r->path, tp ? "infers them from PTE updates" : "at the tracepoint");
				return 1;
			}
			if (!d->mixed_kernels && strcmp(kernel_of(r), kernel_of(&d->runs[0]))) {
				d->mixed_kernels = true;
				fprintf(err, "lazytrace compare: warning: side %c mixes kernels: %s (%s, build id %.12s) and %s (%s, build id %.12s)\n",
					'A' + s, d->runs[0].path, d->runs[0].info.release,
					d->runs[0].info.build_id[0] ? d->runs[0].info.build_id : "unknown",
					r->path, r->info.release,
					r->info.build_id[0] ? r->info.build_id : "unknown");
			}
			if (!d->mixed_nesting && strcmp(r->info.nesting, d->runs[0].info.nesting)) {
				d->mixed_nesting = true;
				fprintf(err, "lazytrace compare: warning: side %c mixes nesting modes: %s in %s, %s in %s\n",
					'A' + s, d->runs[0].info.nesting, d->runs[0].path, r->info.nesting,
					r->path);
			}
		}
	}
	return 0;
}

static int nomem(FILE *err)
{
	fprintf(err, "lazytrace: out of memory\n");
	return 1;
}

int lt_compare_build(struct lt_compare *c, const char *const *a, size_t na,
		     const char *const *b, size_t nb, const struct lt_compare_opts *o, FILE *err)
{
	const char *const *paths[2] = { a, b };
	size_t n[2] = { na, nb }, cap = 0, nmax = na > nb ? na : nb;
	size_t ntot = lt_cmp_total_metrics_n();
	bool opened = true;
	double *va = NULL, *vb = NULL;
	int ret = 0;

	memset(c, 0, sizeof(*c));
	c->o = *o;
	if (!na || !nb)
		return 1;
	for (int s = 0; s < 2; s++) {
		c->side[s].n = n[s];
		c->side[s].runs = calloc(n[s], sizeof(struct lt_runstats));
		if (!c->side[s].runs)
			return nomem(err);
	}
	/* By site first: grouped by function below, once the builds are known. */
	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < n[s]; i++) {
			struct lt_runstats *r = &c->side[s].runs[i];

			ret |= lt_runstats_collect(r, paths[s][i], LT_BY_SITE, err);
			opened &= r->opened;
		}
	if (!opened)
		return 1;	/* a file could not be read at all: said */
	if (check_runs(c, err))
		return 1;
	if (!o->by_set) {
		c->by = one_build(c) ? LT_BY_SITE : LT_BY_FUNCTION;
		c->by_why = c->by == LT_BY_SITE ? "one kernel build" : "the kernel builds differ";
	} else {
		c->by = o->by;
		c->by_why = "asked";
		if (c->by == LT_BY_SITE && !one_build(c))
			fprintf(err, "lazytrace compare: warning: --by site across kernel builds: their offsets rarely line up (see --by function)\n");
	}
	if (c->by == LT_BY_FUNCTION)
		for (int s = 0; s < 2; s++)
			for (size_t i = 0; i < n[s]; i++)
				lt_runstats_by_function(&c->side[s].runs[i]);

	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < n[s]; i++)
			for (size_t k = 0; k < c->side[s].runs[i].n; k++) {
				const char *name = c->side[s].runs[i].v[k].name;
				enum lt_cmp_in in = !side_has(&c->side[!s], name) ? (s ? LT_IN_B : LT_IN_A)
										  : LT_IN_BOTH;

				if (add_row(c, &cap, name, in))
					return nomem(err);
			}
	va = calloc(nmax, sizeof(*va));
	vb = calloc(nmax, sizeof(*vb));
	c->totals = calloc(ntot, sizeof(*c->totals));
	if (!va || !vb || !c->totals)
		goto oom;
	for (size_t m = 0; m < ntot; m++)
		figure(c, NULL, m, va, vb, &c->totals[m]);
	for (size_t r = 0; r < c->nrows; r++) {
		c->rows[r].fig = calloc(LT_CMP_SITE_METRICS_N, sizeof(struct lt_cmp_fig));
		if (!c->rows[r].fig)
			goto oom;
		for (size_t m = 0; m < LT_CMP_SITE_METRICS_N; m++)
			figure(c, c->rows[r].name, m, va, vb, &c->rows[r].fig[m]);
	}
	if (c->nrows > 1)
		qsort(c->rows, c->nrows, sizeof(c->rows[0]), cmp_row);
	free(va);
	free(vb);
	return ret;
oom:
	free(va);
	free(vb);
	return nomem(err);
}

void lt_compare_free(struct lt_compare *c)
{
	for (int s = 0; s < 2; s++) {
		for (size_t i = 0; c->side[s].runs && i < c->side[s].n; i++)
			lt_runstats_free(&c->side[s].runs[i]);
		free(c->side[s].runs);
	}
	for (size_t r = 0; r < c->nrows; r++)
		free(c->rows[r].fig);
	free(c->rows);
	free(c->totals);
	memset(c, 0, sizeof(*c));
}

const char *lt_verdict_name(enum lt_verdict v)
{
	switch (v) {
	case LT_V_SIGNIFICANT: return "significant";
	case LT_V_NOT_SIGNIFICANT: return "not significant";
	default: return "untested";
	}
}

const char *lt_test_name(enum lt_test_kind k)
{
	return k == LT_TEST_MWU ? "mwu" : "welch";
}

int lt_compare_run(const char *const *a, size_t na, const char *const *b, size_t nb,
		   const struct lt_compare_opts *o, FILE *out, FILE *err)
{
	struct lt_compare c;
	int ret = lt_compare_build(&c, a, na, b, nb, o, err);

	if (c.totals) {	/* the figures are there */
		if (o->json)
			lt_compare_json(out, &c);
		else
			lt_compare_text(out, &c);
		fflush(out);
		if (o->svg_path && lt_compare_svg(o->svg_path, &c, err))
			ret = 1;
	}
	lt_compare_free(&c);
	return ret;
}
