// SPDX-License-Identifier: GPL-2.0
/*
 * src/compare_report.c: what `lazytrace compare` found (compare.c), as text, as JSON and as
 * an SVG bar chart with error bars. It prints; it decides nothing.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "replay_file.h"
#include "sink_json.h"
#include "svg_chart.h"

/* ------------------------------------------------------------------ text */

enum { C_LABEL, C_A, C_B, C_DELTA, C_CHANGE, C_CI, C_P, C_VERDICT, C_NR };

struct line {
	char title[LT_SITE_NAME_LEN + 32];	/* a block's title; "" for a figure */
	char col[C_NR][112];
};

struct table {
	struct line *v;
	size_t n, cap;
};

static struct line *table_add(struct table *t)
{
	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 64;
		struct line *v = realloc(t->v, ncap * sizeof(*v));

		if (!v)
			return NULL;
		t->v = v;
		t->cap = ncap;
	}
	memset(&t->v[t->n], 0, sizeof(t->v[0]));
	return &t->v[t->n++];
}

/* A value in its unit: counts as integers (one decimal for a mean that is not), times in
 * us. */
static void fmt_val(char *buf, size_t len, enum lt_cmp_unit u, double v, bool sign)
{
	const char *f;

	switch (u) {
	case LT_U_NS:
		v /= 1000;
		f = sign ? "%+.3f" : "%.3f";
		break;
	case LT_U_PER_S:
		f = sign ? "%+.0f" : "%.0f";
		break;
	case LT_U_RATIO:
		f = sign ? "%+.3f" : "%.3f";
		break;
	default:
		f = v == floor(v) ? (sign ? "%+.0f" : "%.0f") : (sign ? "%+.1f" : "%.1f");
		break;
	}
	snprintf(buf, len, f, v);
	/* a difference that rounds to nothing: "+0.000", not "-0.000" */
	if (sign && buf[0] == '-' && !strpbrk(buf, "123456789"))
		buf[0] = '+';
}

/* "mean ± sd [min, max]" over the runs ("mean ± 0" when they agree); the value alone for
 * one run; "-" for none. */
static void fmt_side(char *buf, size_t len, enum lt_cmp_unit u, const struct lt_sample *s)
{
	char m[24], d[24], lo[24], hi[24];

	if (!s->n) {
		snprintf(buf, len, "-");
		return;
	}
	fmt_val(m, sizeof(m), u, s->mean, false);
	if (s->n == 1) {
		snprintf(buf, len, "%s", m);
		return;
	}
	fmt_val(d, sizeof(d), u, s->sd, false);
	if (s->min == s->max) {
		snprintf(buf, len, "%s ± %s", m, d);
		return;
	}
	fmt_val(lo, sizeof(lo), u, s->min, false);
	fmt_val(hi, sizeof(hi), u, s->max, false);
	snprintf(buf, len, "%s ± %s [%s, %s]", m, d, lo, hi);
}

static void fig_line(struct line *l, const char *label, enum lt_cmp_unit u,
		     const struct lt_cmp_fig *f)
{
	snprintf(l->col[C_LABEL], sizeof(l->col[0]), "%s", label);
	fmt_side(l->col[C_A], sizeof(l->col[0]), u, &f->a);
	fmt_side(l->col[C_B], sizeof(l->col[0]), u, &f->b);
	if (isnan(f->delta))
		snprintf(l->col[C_DELTA], sizeof(l->col[0]), "-");
	else
		fmt_val(l->col[C_DELTA], sizeof(l->col[0]), u, f->delta, true);
	if (isnan(f->change))
		snprintf(l->col[C_CHANGE], sizeof(l->col[0]), "-");
	else
		snprintf(l->col[C_CHANGE], sizeof(l->col[0]), "%+.1f%%", 100 * f->change);
	if (!isnan(f->change_lo))
		snprintf(l->col[C_CI], sizeof(l->col[0]), "[%+.1f%%, %+.1f%%]", 100 * f->change_lo,
			 100 * f->change_hi);
	if (f->verdict != LT_V_UNTESTED) {
		if (f->t.p < 0.001)
			snprintf(l->col[C_P], sizeof(l->col[0]), "<0.001");
		else
			snprintf(l->col[C_P], sizeof(l->col[0]), "%.3f", f->t.p);
		snprintf(l->col[C_VERDICT], sizeof(l->col[0]), "%s", lt_verdict_name(f->verdict));
	}
}

/* Display width: "±" is two bytes, one column. */
static size_t width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

static void table_print(FILE *out, const struct table *t)
{
	size_t w[C_NR] = { 0 };

	for (size_t i = 0; i < t->n; i++)
		for (int c = 0; c < C_NR; c++)
			if (!t->v[i].title[0] && width(t->v[i].col[c]) > w[c])
				w[c] = width(t->v[i].col[c]);
	for (size_t i = 0; i < t->n; i++) {
		const struct line *l = &t->v[i];
		char row[C_NR * 80 + 8];
		size_t k = 0;

		if (l->title[0]) {
			fprintf(out, "\n%s\n", l->title);
			continue;
		}
		k += snprintf(row + k, sizeof(row) - k, "  %s%*s", l->col[C_LABEL],
			      (int)(w[C_LABEL] - width(l->col[C_LABEL])), "");
		for (int c = C_A; c < C_NR && k < sizeof(row); c++) {
			/* numbers to the right, the verdict to the left */
			int pad = (int)(w[c] - width(l->col[c]));

			if (c == C_VERDICT)
				k += snprintf(row + k, sizeof(row) - k, "  %s", l->col[c]);
			else
				k += snprintf(row + k, sizeof(row) - k, "  %*s%s", pad, "", l->col[c]);
		}
		while (k > 0 && k < sizeof(row) && row[k - 1] == ' ')
			k--;	/* no trailing blanks */
		if (k < sizeof(row))
			row[k] = '\0';
		fprintf(out, "%s\n", row);
	}
}

static void side_text(FILE *out, const struct lt_compare *c, int s)
{
	const struct lt_cmp_side *d = &c->side[s];
	const struct lt_file_info *in = &d->runs[0].info;

	fprintf(out, "%c  %zu run%s: %s%s%s, %s, nesting %s%s\n", 'A' + s, d->n, d->n == 1 ? "" : "s",
		in->release[0] ? in->release : "?", in->build_id[0] ? " build id " : "",
		in->build_id, in->mode[0] ? in->mode : "?", in->nesting[0] ? in->nesting : "unknown",
		d->mixed_kernels || d->mixed_nesting ? " (mixed: see the warnings)" : "");
	for (size_t i = 0; i < d->n; i++)
		fprintf(out, "   %s (%s, %.3f s)\n", d->runs[i].path,
			lt_replay_state_name(d->runs[i].state), (double)d->runs[i].span_ns / 1e9);
}

static bool any_tested(const struct lt_compare *c)
{
	return c->side[0].n > 1 && c->side[1].n > 1;
}

void lt_compare_text(FILE *out, const struct lt_compare *c)
{
	struct table t = { 0 };
	struct line *l;
	const char *what = c->by == LT_BY_FUNCTION ? "function" : "site";

	side_text(out, c, 0);
	side_text(out, c, 1);
	fprintf(out, "\n%ss lined up by %s (%s).\n", what, what, c->by_why);
	if (any_tested(c))
		fprintf(out, "Each side: mean ± sd [min, max] over its runs. Change: of the mean, with its %g%%\n"
			"interval (Welch). Verdict: %s, significant when p < %g.\n",
			100 * c->o.conf, c->o.test == LT_TEST_MWU ? "Mann-Whitney U test" : "Welch's t-test",
			1 - c->o.conf);
	else
		fprintf(out, "One run on a side: no interval or test (record several runs a side).\n");

	l = table_add(&t);
	if (!l)
		goto oom;
	snprintf(l->title, sizeof(l->title), "totals");
	l = table_add(&t);
	if (!l)
		goto oom;
	snprintf(l->col[C_LABEL], sizeof(l->col[0]), "%s", "");
	snprintf(l->col[C_A], sizeof(l->col[0]), "A");
	snprintf(l->col[C_B], sizeof(l->col[0]), "B");
	snprintf(l->col[C_DELTA], sizeof(l->col[0]), "B-A");
	snprintf(l->col[C_CHANGE], sizeof(l->col[0]), "change");
	if (any_tested(c)) {
		snprintf(l->col[C_CI], sizeof(l->col[0]), "%g%% interval", 100 * c->o.conf);
		snprintf(l->col[C_P], sizeof(l->col[0]), "p");
		snprintf(l->col[C_VERDICT], sizeof(l->col[0]), "verdict");
	}
	for (size_t m = 0; m < lt_cmp_total_metrics_n(); m++) {
		struct lt_cmp_metric mt = lt_cmp_total_metric(m);

		l = table_add(&t);
		if (!l)
			goto oom;
		fig_line(l, mt.label, mt.unit, &c->totals[m]);
	}
	for (size_t r = 0; r < c->nrows; r++) {
		const struct lt_cmp_row *row = &c->rows[r];

		l = table_add(&t);
		if (!l)
			goto oom;
		snprintf(l->title, sizeof(l->title), "%s %s%s", what, row->name,
			 row->in == LT_IN_A ? " (only in A)" : row->in == LT_IN_B ? " (only in B)" : "");
		for (size_t m = 0; m < LT_CMP_SITE_METRICS_N; m++) {
			l = table_add(&t);
			if (!l)
				goto oom;
			fig_line(l, LT_CMP_SITE_METRICS[m].label, LT_CMP_SITE_METRICS[m].unit,
				 &row->fig[m]);
		}
	}
	table_print(out, &t);
	free(t.v);
	return;
oom:
	free(t.v);
	fprintf(out, "lazytrace: out of memory\n");
}

/* ------------------------------------------------------------------ JSON */

/* The shortest decimal that reads back as v (as Python's repr): exact, and short for the
 * counts. */
static void json_num(FILE *out, double v)
{
	char buf[40];

	if (isnan(v) || isinf(v)) {
		fputs("null", out);
		return;
	}
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	fputs(buf, out);
}

static void json_sample(FILE *out, const struct lt_sample *s)
{
	fprintf(out, "{\"n\":%zu,\"mean\":", s->n);
	json_num(out, s->n ? s->mean : NAN);
	fputs(",\"sd\":", out);
	json_num(out, s->n > 1 ? s->sd : NAN);
	fputs(",\"min\":", out);
	json_num(out, s->n ? s->min : NAN);
	fputs(",\"max\":", out);
	json_num(out, s->n ? s->max : NAN);
	fputc('}', out);
}

static void json_fig(FILE *out, const char *key, const struct lt_cmp_fig *f)
{
	lt_json_string(out, key);
	fputs(":{\"a\":", out);
	json_sample(out, &f->a);
	fputs(",\"b\":", out);
	json_sample(out, &f->b);
	fputs(",\"delta\":", out);
	json_num(out, f->delta);
	fputs(",\"ratio\":", out);
	json_num(out, f->ratio);
	fputs(",\"change\":", out);
	json_num(out, f->change);
	fputs(",\"change_lo\":", out);
	json_num(out, f->change_lo);
	fputs(",\"change_hi\":", out);
	json_num(out, f->change_hi);
	fputs(",\"stat\":", out);
	json_num(out, f->verdict == LT_V_UNTESTED ? NAN : f->t.stat);
	fputs(",\"df\":", out);
	json_num(out, f->verdict == LT_V_UNTESTED ? NAN : f->t.df);
	fputs(",\"p\":", out);
	json_num(out, f->verdict == LT_V_UNTESTED ? NAN : f->t.p);
	fprintf(out, ",\"verdict\":\"%s\"}", lt_verdict_name(f->verdict));
}

static void json_side(FILE *out, const struct lt_cmp_side *d)
{
	fputc('[', out);
	for (size_t i = 0; i < d->n; i++) {
		if (i)
			fputc(',', out);
		lt_runstats_json_header(out, &d->runs[i]);
	}
	fputc(']', out);
}

void lt_compare_json(FILE *out, const struct lt_compare *c)
{
	static const char *const IN[] = { "both", "a", "b" };

	fprintf(out, "{\"type\":\"compare\",\"by\":\"%s\",\"test\":\"%s\",\"confidence\":",
		lt_site_key_name(c->by), lt_test_name(c->o.test));
	json_num(out, c->o.conf);
	fprintf(out, ",\"mixed_kernels\":{\"a\":%s,\"b\":%s},\"a\":",
		c->side[0].mixed_kernels ? "true" : "false", c->side[1].mixed_kernels ? "true" : "false");
	json_side(out, &c->side[0]);
	fputs(",\"b\":", out);
	json_side(out, &c->side[1]);
	fputs(",\"totals\":{", out);
	for (size_t m = 0; m < lt_cmp_total_metrics_n(); m++) {
		if (m)
			fputc(',', out);
		json_fig(out, lt_cmp_total_metric(m).key, &c->totals[m]);
	}
	fputs("},\"sites\":[", out);
	for (size_t r = 0; r < c->nrows; r++) {
		fputs(r ? ",{" : "{", out);
		lt_json_string(out, "site");
		fputc(':', out);
		lt_json_string(out, c->rows[r].name);
		fprintf(out, ",\"in\":\"%s\"", IN[c->rows[r].in]);
		for (size_t m = 0; m < LT_CMP_SITE_METRICS_N; m++) {
			fputc(',', out);
			json_fig(out, LT_CMP_SITE_METRICS[m].key, &c->rows[r].fig[m]);
		}
		fputc('}', out);
	}
	fputs("]}\n", out);
}

/* ------------------------------------------------------------------ SVG */

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s && s[1] ? s + 1 : p;
}

/* The legend: the file for one run, else "N runs of FIRST..". */
static void side_name(char *buf, size_t len, const struct lt_cmp_side *d)
{
	if (d->n == 1)
		snprintf(buf, len, "%s", base_name(d->runs[0].path));
	else
		snprintf(buf, len, "%zu runs: %s ..", d->n, base_name(d->runs[0].path));
}

static double finite_or_0(double v)
{
	return isfinite(v) ? v : 0;
}

int lt_compare_svg(const char *path, const struct lt_compare *c, FILE *err)
{
	struct lt_chart_bar *bars = calloc(c->nrows ? c->nrows : 1, sizeof(*bars));
	char na[96], nb[96], title[160];
	bool sd = c->side[0].n > 1 || c->side[1].n > 1;
	FILE *f;
	int ret = 0;

	if (!bars) {
		fprintf(err, "lazytrace: out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < c->nrows; i++) {
		const struct lt_cmp_fig *d = &c->rows[i].fig[LT_SM_DEFERRED];

		bars[i].label = c->rows[i].name;
		bars[i].a = finite_or_0(d->a.mean);
		bars[i].b = finite_or_0(d->b.mean);
		bars[i].err_a = d->a.n > 1 ? finite_or_0(d->a.sd) : 0;
		bars[i].err_b = d->b.n > 1 ? finite_or_0(d->b.sd) : 0;
	}
	side_name(na, sizeof(na), &c->side[0]);
	side_name(nb, sizeof(nb), &c->side[1]);
	snprintf(title, sizeof(title), "Deferred kernel PTE updates per lazy MMU call %s%s",
		 c->by == LT_BY_FUNCTION ? "function" : "site",
		 sd ? ": mean, error bars ± 1 sd over the runs" : "");
	f = fopen(path, "w");
	if (!f) {
		fprintf(err, "lazytrace: %s: %s\n", path, strerror(errno));
		free(bars);
		return 1;
	}
	if (lt_svg_bar_chart(f, title, na, nb, "deferred PTE updates", bars, c->nrows) < 0) {
		fprintf(err, "lazytrace: %s: cannot draw the chart\n", path);
		ret = 1;
	}
	if (fclose(f) && !ret) {
		fprintf(err, "lazytrace: %s: %s\n", path, strerror(errno));
		ret = 1;
	}
	free(bars);
	return ret;
}
