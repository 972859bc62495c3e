// SPDX-License-Identifier: GPL-2.0
/* src/sink_svg.c: the SVG timeline (see sink_svg.h). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"
#include "sink_svg.h"
#include "svg_chart.h"

#define NBUCKETS	256	/* power of two */
#define MAX_GAPS	32	/* idle gaps compressed */
#define GAP_PX		24

/* Layout (px) */
#define SVG_W		1280
#define PLOT_X0		200
#define PLOT_W		1040
#define HEADER_H	96
#define ROW_H		14
#define MARK_H		16
#define LANE_PAD	5

enum rec_kind { R_BAR, R_DEFER, R_FLUSH, R_ACCESS, R_HAZARD, R_ANOMALY, R_LOST };

#define RF_INFERRED	0x01
#define RF_OPEN		0x02	/* section still open at the end */

struct rec {
	__u64 t0, t1;		/* BAR: begin, end; HAZARD: deferral, access; else t0 = t1 */
	__u64 ip;		/* BAR: opening site; FLUSH, ACCESS, ANOMALY: site; HAZARD: access */
	__u64 val;		/* BAR: section; FLUSH: count; HAZARD: addr; LOST, ANOMALY: count */
	__u32 lane;
	__u8 kind;		/* enum rec_kind */
	__u8 row;		/* BAR: depth - 1; HAZARD: enum lt_hazard_kind; ANOMALY: kind */
	__u8 flags;		/* RF_* */
};

struct open_sec {
	__u64 ts, ip, section;
	bool inferred;
};

struct lane {
	struct lane *hnext;
	__u32 tid, pid, idx;
	char comm[LT_COMM_LEN + 1];
	unsigned int rows;		/* section rows used (>= 1 when drawn) */
	struct open_sec *open;
	unsigned int nopen, cap;
	/* rendering */
	int y, h;
	int last_px[LT_SVG_MAX_ROWS];
	int last_defer, last_flush, last_access;
};

struct seg {
	__u64 t0, t1;
	double x0;
};

struct lt_sink_svg {
	FILE *out;
	const struct lt_ksyms *ks;
	struct lane *buckets[NBUCKETS];
	struct lane **lanes;
	unsigned int nlanes, lanes_cap;
	struct rec *recs;
	size_t nrecs, cap;
	__u64 dropped;			/* items not buffered: LT_SVG_MAX_ITEMS reached */
	__u64 dropped_lanes;		/* items of tasks beyond LT_SVG_MAX_LANES */
	bool have_base, done;
	__u64 base, tmax;		/* earliest and latest timestamps seen */
	/* time -> x */
	struct seg segs[MAX_GAPS + 1];
	unsigned int nsegs;
	double scale;			/* px per ns in the active parts */
};

/* ---------------------------------------------------------------- buffering */

static void see_ts(struct lt_sink_svg *s, __u64 ts)
{
	if (!s->have_base) {
		s->have_base = true;
		s->base = ts;
		s->tmax = ts;
	}
	if (ts < s->base)
		s->base = ts;	/* another task's earlier event: time is relative to the first */
	if (ts > s->tmax)
		s->tmax = ts;
}

static unsigned int hash32(__u32 v)
{
	return (v * 2654435761u) >> (32 - 8);
}

/* tid: the timeline's lane key (lt_lane_key) */
static struct lane *lane_get(struct lt_sink_svg *s, __u32 tid, __u32 pid, const char *comm)
{
	unsigned int h = hash32(tid);
	struct lane *l;

	for (l = s->buckets[h]; l && l->tid != tid; l = l->hnext)
		;
	if (!l) {
		if (s->nlanes >= LT_SVG_MAX_LANES) {
			s->dropped_lanes++;
			return NULL;
		}
		if (s->nlanes == s->lanes_cap) {
			unsigned int cap = s->lanes_cap ? s->lanes_cap * 2 : 8;
			struct lane **n = realloc(s->lanes, cap * sizeof(*n));

			if (!n)
				return NULL;
			s->lanes = n;
			s->lanes_cap = cap;
		}
		l = calloc(1, sizeof(*l));
		if (!l)
			return NULL;
		l->tid = tid;
		l->pid = pid;
		l->idx = s->nlanes;
		l->hnext = s->buckets[h];
		s->buckets[h] = l;
		s->lanes[s->nlanes++] = l;
	}
	if (comm && comm[0])
		snprintf(l->comm, sizeof(l->comm), "%.*s", LT_COMM_LEN, comm);
	return l;
}

static struct rec *rec_add(struct lt_sink_svg *s, enum rec_kind kind, const struct lane *l,
			   __u64 t0, __u64 t1)
{
	struct rec *r;

	if (s->nrecs >= LT_SVG_MAX_ITEMS) {
		s->dropped++;
		return NULL;
	}
	if (s->nrecs == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		struct rec *n;

		if (cap > LT_SVG_MAX_ITEMS)
			cap = LT_SVG_MAX_ITEMS;
		n = realloc(s->recs, cap * sizeof(*n));
		if (!n) {
			s->dropped++;
			return NULL;
		}
		s->recs = n;
		s->cap = cap;
	}
	r = &s->recs[s->nrecs++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->lane = l ? l->idx : 0;
	r->t0 = t0;
	r->t1 = t1;
	return r;
}

static unsigned int row_of(unsigned int depth)
{
	return depth > LT_SVG_MAX_ROWS ? LT_SVG_MAX_ROWS - 1 : depth - 1;
}

static void sec_close(struct lt_sink_svg *s, struct lane *l, __u64 ts, bool open)
{
	struct open_sec o = l->open[--l->nopen];
	struct rec *r;

	if (ts < o.ts)
		ts = o.ts;
	r = rec_add(s, R_BAR, l, o.ts, ts);
	if (!r)
		return;
	r->ip = o.ip;
	r->val = o.section;
	r->row = row_of(l->nopen + 1);
	r->flags = (o.inferred ? RF_INFERRED : 0) | (open ? RF_OPEN : 0);
	if (r->row + 1u > l->rows)
		l->rows = r->row + 1;
}

static void sec_open(struct lane *l, const struct lt_item *it)
{
	if (l->nopen == l->cap) {
		unsigned int cap = l->cap ? l->cap * 2 : 4;
		struct open_sec *n = realloc(l->open, cap * sizeof(*n));

		if (!n)
			return;
		l->open = n;
		l->cap = cap;
	}
	l->open[l->nopen++] = (struct open_sec){
		.ts = it->ts, .ip = it->ip, .section = it->section, .inferred = it->inferred,
	};
	if (row_of(l->nopen) + 1 > l->rows)
		l->rows = row_of(l->nopen) + 1;
}

static void on_item(void *ctx, const struct lt_item *it)
{
	struct lt_sink_svg *s = ctx;
	struct lane *l;
	struct rec *r;

	if (s->done)
		return;
	see_ts(s, it->ts);
	l = lane_get(s, lt_lane_key(it->ctx, it->tid, it->cpu), it->pid, it->comm);
	if (!l)
		return;
	while (it->depth > l->nopen) {
		unsigned int n = l->nopen;

		sec_open(l, it);
		if (l->nopen == n)
			break;	/* ENOMEM */
	}
	while (it->depth < l->nopen)
		sec_close(s, l, it->ts, false);

	switch (it->kind) {
	case LT_ITEM_DEFER:
		r = rec_add(s, R_DEFER, l, it->ts, it->ts);
		if (r) {
			r->ip = it->ip;
			r->val = it->addr;
		}
		break;
	case LT_ITEM_FLUSH:
		r = rec_add(s, R_FLUSH, l, it->ts, it->ts);
		if (r) {
			r->ip = it->ip;
			r->val = it->count;
			r->flags = it->inferred ? RF_INFERRED : 0;
		}
		break;
	case LT_ITEM_ACCESS:
		r = rec_add(s, R_ACCESS, l, it->ts, it->ts);
		if (r) {
			r->ip = it->ip;
			r->val = it->addr;
		}
		break;
	default:
		break;	/* transitions are the bars; map calls, PTE updates, lost: not drawn */
	}
}

static void on_hazard(void *ctx, const struct lt_hazard *hz)
{
	struct lt_sink_svg *s = ctx;
	struct lane *l;
	struct rec *r;

	if (s->done)
		return;
	see_ts(s, hz->ts);
	l = lane_get(s, lt_lane_key(hz->ctx, hz->tid, hz->cpu), hz->pid, hz->comm);
	if (!l)
		return;
	r = rec_add(s, R_HAZARD, l, hz->defer_ts < hz->ts ? hz->defer_ts : hz->ts, hz->ts);
	if (r) {
		r->ip = hz->ip;
		r->val = hz->addr;
		r->row = hz->kind;
	}
}

static void on_anomaly(void *ctx, const struct lt_anomaly *an)
{
	struct lt_sink_svg *s = ctx;
	struct lane *l = NULL;
	struct rec *r;

	if (s->done)
		return;
	see_ts(s, an->ts);
	if (an->kind != LT_ANOM_LOST) {
		l = lane_get(s, lt_lane_key(an->ctx, an->tid, an->cpu), an->pid, an->comm);
		if (!l)
			return;
	}
	r = rec_add(s, an->kind == LT_ANOM_LOST ? R_LOST : R_ANOMALY, l, an->ts, an->ts);
	if (r) {
		r->ip = an->ip;
		r->val = an->count;
		r->row = an->kind;
	}
}

/* ---------------------------------------------------------------- time -> x */

static int cmp_u64(const void *a, const void *b)
{
	__u64 x = *(const __u64 *)a, y = *(const __u64 *)b;

	return x < y ? -1 : x > y;
}

struct gap {
	size_t at;		/* index in the sorted times: the gap follows it */
	__u64 len;
};

static int cmp_gap_len(const void *a, const void *b)
{
	const struct gap *x = a, *y = b;

	if (x->len != y->len)
		return x->len > y->len ? -1 : 1;
	return x->at < y->at ? -1 : x->at > y->at;
}

static int cmp_gap_at(const void *a, const void *b)
{
	const struct gap *x = a, *y = b;

	return x->at < y->at ? -1 : x->at > y->at;
}

/* Whole range linear, or with the largest idle gaps (long against the typical distance between
 * timestamps) shrunk to GAP_PX when they take most of it. Falls back to linear if memory is
 * short. */
static void build_map(struct lt_sink_svg *s)
{
	__u64 span = s->tmax - s->base, *t = NULL, active = 0, sum = 0, median;
	struct gap g[MAX_GAPS], *cand = NULL;
	size_t n = 0, ncand = 0, ng = 0, start = 0;
	double x;

	s->nsegs = 1;
	s->segs[0] = (struct seg){ .t0 = s->base, .t1 = s->tmax, .x0 = PLOT_X0 };
	s->scale = (double)PLOT_W / (double)(span ? span : 1);
	if (!span || !s->nrecs)
		return;
	t = malloc((2 * s->nrecs + 2) * sizeof(*t));
	cand = malloc((2 * s->nrecs + 2) * sizeof(*cand));
	if (!t || !cand)
		goto out;
	t[n++] = s->base;
	t[n++] = s->tmax;
	for (size_t i = 0; i < s->nrecs; i++) {
		t[n++] = s->recs[i].t0;
		if (s->recs[i].t1 != s->recs[i].t0)
			t[n++] = s->recs[i].t1;
	}
	qsort(t, n, sizeof(*t), cmp_u64);
	/* typical distance between timestamps: the median of the non-zero ones */
	for (size_t i = 0; i + 1 < n; i++)
		if (t[i + 1] > t[i])
			cand[ncand++].len = t[i + 1] - t[i];
	if (!ncand)
		goto out;
	qsort(cand, ncand, sizeof(*cand), cmp_gap_len);
	median = cand[ncand / 2].len;
	ncand = 0;
	/* gaps: at least 10% of the range and 50 times the typical distance */
	for (size_t i = 0; i + 1 < n; i++)
		if (t[i + 1] - t[i] >= span / 10 && (t[i + 1] - t[i]) / 50 >= median)
			cand[ncand++] = (struct gap){ .at = i, .len = t[i + 1] - t[i] };
	qsort(cand, ncand, sizeof(*cand), cmp_gap_len);
	for (size_t i = 0; i < ncand && ng < MAX_GAPS; i++) {
		g[ng++] = cand[i];
		sum += cand[i].len;
	}
	if (sum < span / 2)
		goto out;	/* not worth it */
	qsort(g, ng, sizeof(*g), cmp_gap_at);
	s->nsegs = 0;
	for (size_t i = 0; i <= ng; i++) {
		size_t end = i < ng ? g[i].at : n - 1;

		s->segs[s->nsegs++] = (struct seg){ .t0 = t[start], .t1 = t[end] };
		active += t[end] - t[start];
		start = end + 1;
	}
	s->scale = (double)(PLOT_W - (int)ng * GAP_PX) / (double)(active ? active : 1);
	x = PLOT_X0;
	for (unsigned int i = 0; i < s->nsegs; i++) {
		s->segs[i].x0 = x;
		x += (double)(s->segs[i].t1 - s->segs[i].t0) * s->scale + GAP_PX;
	}
out:
	free(t);
	free(cand);
}

static double seg_x1(const struct lt_sink_svg *s, const struct seg *g)
{
	return g->x0 + (double)(g->t1 - g->t0) * s->scale;
}

static double xof(const struct lt_sink_svg *s, __u64 ts)
{
	unsigned int lo = 0, hi = s->nsegs;
	const struct seg *g;

	if (ts <= s->segs[0].t0)
		return s->segs[0].x0;
	while (hi - lo > 1) {	/* the last segment starting at or before ts */
		unsigned int mid = (lo + hi) / 2;

		if (s->segs[mid].t0 <= ts)
			lo = mid;
		else
			hi = mid;
	}
	g = &s->segs[lo];
	if (ts <= g->t1)
		return g->x0 + (double)(ts - g->t0) * s->scale;
	if (lo + 1 < s->nsegs) {	/* inside a compressed gap */
		const struct seg *n = &s->segs[lo + 1];
		double x1 = seg_x1(s, g);

		return x1 + (n->x0 - x1) * (double)(ts - g->t1) / (double)(n->t0 - g->t1);
	}
	return seg_x1(s, g);
}

/* ---------------------------------------------------------------- rendering */

static const char *const DEPTH_COLORS[] = {
	"#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#bab0ac",
};
#define NCOLORS (sizeof(DEPTH_COLORS) / sizeof(DEPTH_COLORS[0]))

static void fmt_dur(char *buf, size_t len, __u64 ns)
{
	if (ns < 1000)
		snprintf(buf, len, "%llu ns", (unsigned long long)ns);
	else if (ns < 1000000)
		snprintf(buf, len, "%.3f us", (double)ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, len, "%.3f ms", (double)ns / 1e6);
	else
		snprintf(buf, len, "%.3f s", (double)ns / 1e9);
}

static const char *site(const struct lt_sink_svg *s, __u64 ip, char *buf, size_t len)
{
	return lt_ksyms_format(s->ks, ip, buf, len);
}

static void text(FILE *out, double x, double y, const char *attrs, const char *str)
{
	fprintf(out, "<text x=\"%.1f\" y=\"%.1f\"%s>", x, y, attrs);
	lt_svg_escape(out, str);
	fputs("</text>\n", out);
}

static void title(FILE *out, const char *str)
{
	fputs("<title>", out);
	lt_svg_escape(out, str);
	fputs("</title>", out);
}

static int mark_y(const struct lane *l)
{
	return l->y + LANE_PAD + (int)l->rows * ROW_H;
}

static void draw_bar(struct lt_sink_svg *s, struct lane *l, __u64 t0, __u64 t1, __u64 ip,
		     __u64 section, unsigned int row, unsigned int flags)
{
	FILE *out = s->out;
	int x0 = (int)xof(s, t0), x1 = (int)(xof(s, t1) + 0.999);
	char b1[192], b2[32], tip[320];

	if (x1 <= x0)
		x1 = x0 + 1;	/* shorter than a pixel: 1px */
	if (x1 <= l->last_px[row])
		return;		/* covered by the previous section of the row */
	if (x0 < l->last_px[row])
		x0 = l->last_px[row];
	l->last_px[row] = x1;
	fmt_dur(b2, sizeof(b2), t1 - t0);
	snprintf(tip, sizeof(tip), "%s  section #%llu  depth %u  %s%s%s",
		 site(s, ip, b1, sizeof(b1)), (unsigned long long)section, row + 1, b2,
		 flags & RF_INFERRED ? "  (inferred)" : "",
		 flags & RF_OPEN ? "  (still open at the end)" : "");
	fprintf(out, "<rect class=\"sec%s\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
		"fill=\"%s\">", flags & RF_OPEN ? " open" : "", x0,
		l->y + LANE_PAD + (int)row * ROW_H, x1 - x0, ROW_H - 2,
		DEPTH_COLORS[row % NCOLORS]);
	title(out, tip);
	fputs("</rect>\n", out);
}

/* Marks under the bars, once per pixel column and lane for ticks, flushes and accesses. */
static void draw_mark(struct lt_sink_svg *s, const struct rec *r)
{
	struct lane *l = s->lanes[r->lane];
	FILE *out = s->out;
	double x = xof(s, r->t0);
	int px = (int)x, y = mark_y(l);
	char b1[192], b2[32], b3[32], tip[512];

	switch (r->kind) {
	case R_DEFER:
		if (px == l->last_defer)
			return;
		l->last_defer = px;
		fprintf(out, "<line class=\"defer\" x1=\"%d.5\" y1=\"%d\" x2=\"%d.5\" y2=\"%d\"/>\n",
			px, y + 1, px, y + 7);
		break;
	case R_FLUSH:
		if (px == l->last_flush)
			return;
		l->last_flush = px;
		snprintf(tip, sizeof(tip), "flush: completes %llu deferred  %s%s",
			 (unsigned long long)r->val, r->ip ? site(s, r->ip, b1, sizeof(b1)) : "",
			 r->flags & RF_INFERRED ? "  (inferred)" : "");
		fprintf(out, "<polygon class=\"flush\" points=\"%.1f,%d %.1f,%d %.1f,%d\">",
			x - 4, y + 1, x + 4, y + 1, x, y + 9);
		title(out, tip);
		fputs("</polygon>\n", out);
		break;
	case R_ACCESS:
		if (px == l->last_access)
			return;
		l->last_access = px;
		snprintf(tip, sizeof(tip), "access %s addr=0x%llx", site(s, r->ip, b1, sizeof(b1)),
			 (unsigned long long)r->val);
		fprintf(out, "<circle class=\"access\" cx=\"%.1f\" cy=\"%d\" r=\"2.5\">", x, y + 12);
		title(out, tip);
		fputs("</circle>\n", out);
		break;
	case R_ANOMALY:
		snprintf(tip, sizeof(tip), "ANOMALY %s (count %llu)  %s",
			 lt_anomaly_name(r->row), (unsigned long long)r->val,
			 r->ip ? site(s, r->ip, b1, sizeof(b1)) : "");
		fprintf(out, "<polygon class=\"anomaly\" points=\"%.1f,%d %.1f,%d %.1f,%d\">", x,
			y + 2, x - 5, y + 14, x + 5, y + 14);
		title(out, tip);
		fputs("</polygon>\n", out);
		break;
	case R_HAZARD: {
		double xd = xof(s, r->t0), xa = xof(s, r->t1);
		double top = l->y + LANE_PAD / 2.0;

		fmt_dur(b2, sizeof(b2), r->t1 - r->t0);
		fmt_dur(b3, sizeof(b3), r->t1 - s->base);
		snprintf(tip, sizeof(tip), "HAZARD %s: addr=0x%llx used %s after its deferral, "
			 "barrier still pending (%s, at %s)", lt_hazard_name(r->row),
			 (unsigned long long)r->val, b2, site(s, r->ip, b1, sizeof(b1)), b3);
		fprintf(out, "<path class=\"hazard-arrow\" d=\"M%.1f,%d Q%.1f,%.1f %.1f,%d\" "
			"marker-end=\"url(#arrow)\"/>\n", xd, y + 4, (xd + xa) / 2, top, xa, y + 6);
		fprintf(out, "<circle class=\"hazard%s\" cx=\"%.1f\" cy=\"%d\" r=\"4.5\">",
			r->row == LT_HAZARD_CONFIRMED ? "" : " potential", xa, y + 10);
		title(out, tip);
		fputs("</circle>\n", out);
		break;
	}
	default:
		break;
	}
}

static void header(struct lt_sink_svg *s, const struct lt_stats *st, int height,
		   unsigned int ngaps)
{
	FILE *out = s->out;
	char buf[512], d[32];
	int y = 58;

	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" "
		"height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n",
		SVG_W, height, SVG_W, height);
	fputs("<style type=\"text/css\">\n"
	      ".t{font-size:16px;font-weight:bold}.sm{font-size:11px;fill:#444}"
	      ".warn{font-size:11px;fill:#b00}.lbl{font-size:12px;fill:#222}\n"
	      ".ax{font-size:10px;fill:#555}.grid{stroke:#e4e4e4;stroke-width:1}"
	      ".sec.open{fill-opacity:0.55}\n"
	      ".defer{stroke:#555;stroke-width:1}.flush{fill:#2ca02c}.access{fill:#888}"
	      ".anomaly{fill:#e6a700}\n"
	      ".hazard{fill:#d62728;stroke:#7f0000;stroke-width:1}"
	      ".hazard.potential{fill:#fff;stroke:#d62728;stroke-width:2}"
	      ".hazard-arrow{fill:none;stroke:#d62728;stroke-width:1.5}\n"
	      ".lost{stroke:#ff7f0e;stroke-width:1.5;stroke-dasharray:4,3}"
	      ".gap{fill:url(#hatch)}\n"
	      "</style>\n", out);
	fputs("<defs>\n"
	      "<marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"6\" "
	      "markerHeight=\"6\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" "
	      "fill=\"#d62728\"/></marker>\n"
	      "<pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
	      "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#f0f0f0\"/>"
	      "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#ccc\" stroke-width=\"2\"/>"
	      "</pattern>\n"
	      "</defs>\n", out);
	fprintf(out, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n", SVG_W,
		height);
	fmt_dur(d, sizeof(d), s->tmax - s->base);
	snprintf(buf, sizeof(buf), "lazytrace: lazy MMU timeline (%s, %u task%s)", d, s->nlanes,
		 s->nlanes == 1 ? "" : "s");
	text(out, 10, 22, " class=\"t\"", buf);
	if (st) {
		snprintf(buf, sizeof(buf), "events %llu | sections %llu (%llu nested, max depth %llu)"
			 " | deferred updates %llu | flushes %llu | hazards %llu confirmed, %llu "
			 "potential | lost events %llu | anomalies %llu",
			 (unsigned long long)st->events, (unsigned long long)st->sections,
			 (unsigned long long)st->nested_sections, (unsigned long long)st->max_depth,
			 (unsigned long long)st->deferred_ptes, (unsigned long long)st->flushes,
			 (unsigned long long)st->hazards_confirmed,
			 (unsigned long long)st->hazards_potential,
			 (unsigned long long)st->lost_events, (unsigned long long)st->anomalies);
		text(out, 10, 40, " class=\"sm\"", buf);
	}
	buf[0] = '\0';
	if (s->dropped)
		snprintf(buf, sizeof(buf), "%llu items left out (buffer capped at %d items). ",
			 (unsigned long long)s->dropped, LT_SVG_MAX_ITEMS);
	if (s->dropped_lanes)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
			 "%llu items of tasks beyond the first %d left out. ",
			 (unsigned long long)s->dropped_lanes, LT_SVG_MAX_LANES);
	if (ngaps)
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
			 "Time compressed: %u idle gap%s drawn as hatched bands.", ngaps,
			 ngaps == 1 ? "" : "s");
	if (buf[0])
		text(out, 10, 54,
		     s->dropped || s->dropped_lanes ? " class=\"warn\"" : " class=\"sm\"", buf);

	/* legend */
	y = 74;
	for (unsigned int i = 0; i < 4; i++) {
		fprintf(out, "<rect x=\"%u\" y=\"%d\" width=\"14\" height=\"10\" fill=\"%s\"/>\n",
			10 + i * 62, y - 9, DEPTH_COLORS[i]);
		snprintf(buf, sizeof(buf), "depth %u", i + 1);
		text(out, 28 + i * 62, y, " class=\"sm\"", buf);
	}
	fprintf(out, "<line class=\"defer legend\" x1=\"268.5\" y1=\"%d\" x2=\"268.5\" "
		"y2=\"%d\"/>\n", y - 9, y);
	text(out, 274, y, " class=\"sm\"", "deferred update");
	fprintf(out, "<polygon class=\"flush legend\" points=\"370,%d 378,%d 374,%d\"/>\n",
		y - 9, y - 9, y);
	text(out, 384, y, " class=\"sm\"", "flush");
	fprintf(out, "<circle class=\"access legend\" cx=\"426\" cy=\"%d\" r=\"2.5\"/>\n", y - 4);
	text(out, 432, y, " class=\"sm\"", "access");
	fprintf(out, "<circle class=\"hazard legend\" cx=\"484\" cy=\"%d\" r=\"4.5\"/>\n", y - 4);
	fprintf(out, "<circle class=\"hazard potential legend\" cx=\"498\" cy=\"%d\" "
		"r=\"4.5\"/>\n", y - 4);
	text(out, 508, y, " class=\"sm\"",
	     "hazard: confirmed, potential (arrow from the deferral)");
	fprintf(out, "<line class=\"lost legend\" x1=\"830\" y1=\"%d\" x2=\"830\" y2=\"%d\"/>\n",
		y - 10, y + 1);
	text(out, 836, y, " class=\"sm\"", "events lost");
	fprintf(out, "<polygon class=\"anomaly legend\" points=\"914,%d 909,%d 919,%d\"/>\n",
		y - 10, y, y);
	text(out, 924, y, " class=\"sm\"", "anomaly");
}

/* Ticks and labels (relative to the first event) in every active part, gap lengths. */
static void axis(struct lt_sink_svg *s, int y0, int y)
{
	FILE *out = s->out;
	__u64 step = 1;
	double want = 90.0 / s->scale, last_label = -1e9;
	const char *unit = "ns";
	__u64 div = 1;
	char buf[64];

	while ((double)step < want) {	/* 1, 2, 5, 10, 20, 50, ... ns */
		__u64 m = step, d = 1;

		while (m >= 10) {
			m /= 10;
			d *= 10;
		}
		step = m == 1 ? 2 * d : m == 2 ? 5 * d : 10 * d;
		if (step >= 100000000000000000ULL)
			break;
	}
	if (step >= 1000000000) {
		unit = "s";
		div = 1000000000;
	} else if (step >= 1000000) {
		unit = "ms";
		div = 1000000;
	} else if (step >= 1000) {
		unit = "us";
		div = 1000;
	}
	fprintf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n", PLOT_X0,
		y, PLOT_X0 + PLOT_W, y);
	for (unsigned int i = 0; i < s->nsegs; i++) {
		const struct seg *g = &s->segs[i];
		__u64 r0 = g->t0 - s->base, r1 = g->t1 - s->base;
		__u64 first = r0 / step + (r0 % step != 0), last = r1 / step;

		/*
		 * Counted, not `k <= last`: last may be UINT64_MAX (a segment ending 2^64 - 1 ns
		 * after the first event, with a 1 ns step), and k would wrap for ever. More ticks
		 * than the plot has pixels only comes of hostile timestamps: none drawn.
		 */
		if (first > last || last - first >= PLOT_W)
			continue;
		for (__u64 n = 0, k = first; n <= last - first; n++, k++) {
			double x = xof(s, s->base + k * step);

			fprintf(out, "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" "
				"y2=\"%d\"/>\n", x, y0, x, y);
			fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
				"stroke=\"#333\"/>\n", x, y, x, y + 4);
			if (x - last_label < 60)
				continue;
			last_label = x;
			snprintf(buf, sizeof(buf), "%llu %s", (unsigned long long)(k * step / div),
				 unit);
			text(out, x, y + 15, " class=\"ax\" text-anchor=\"middle\"", buf);
		}
		if (i + 1 < s->nsegs) {	/* the gap after this part */
			double x1 = seg_x1(s, g), x2 = s->segs[i + 1].x0;
			char d[32];

			fmt_dur(d, sizeof(d), s->segs[i + 1].t0 - g->t1);
			fprintf(out, "<rect class=\"gap\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
				"height=\"%d\">", x1 + 2, y0, x2 - x1 - 4, y - y0 + 4);
			snprintf(buf, sizeof(buf), "%s without events (compressed)", d);
			title(out, buf);
			fputs("</rect>\n", out);
			snprintf(buf, sizeof(buf), "+%s", d);
			text(out, (x1 + x2) / 2, y + 28 + 10 * (i % 2),
			     " class=\"ax\" text-anchor=\"middle\"", buf);
		}
	}
}

void lt_sink_svg_summary(void *sink, const struct lt_stats *st)
{
	struct lt_sink_svg *s = sink;
	FILE *out;
	int y, height, axis_y;

	if (!s || s->done)
		return;
	s->done = true;
	out = s->out;
	if (!s->have_base)
		s->base = s->tmax = 0;

	/* sections still open end at the last timestamp */
	for (unsigned int i = 0; i < s->nlanes; i++)
		while (s->lanes[i]->nopen)
			sec_close(s, s->lanes[i], s->tmax, true);
	build_map(s);

	y = HEADER_H;
	for (unsigned int i = 0; i < s->nlanes; i++) {
		struct lane *l = s->lanes[i];

		if (!l->rows)
			l->rows = 1;
		l->y = y;
		l->h = 2 * LANE_PAD + (int)l->rows * ROW_H + MARK_H;
		y += l->h;
		for (unsigned int r = 0; r < LT_SVG_MAX_ROWS; r++)
			l->last_px[r] = -1;
		l->last_defer = l->last_flush = l->last_access = -1;
	}
	if (!s->nlanes)
		y += 30;
	axis_y = y + 4;
	height = axis_y + 48;

	header(s, st, height, s->nsegs - 1);
	for (unsigned int i = 0; i < s->nlanes; i++) {
		const struct lane *l = s->lanes[i];
		char who[LT_COMM_LEN + 16], tip[64];

		fprintf(out, "<rect x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>\n", l->y,
			SVG_W, l->h, i % 2 ? "#ffffff" : "#f6f6f6");
		if ((l->tid & LT_LANE_IRQ) == LT_LANE_IRQ) {	/* per CPU: named by the reconstruction */
			snprintf(who, sizeof(who), "%s", l->comm);
			snprintf(tip, sizeof(tip), "interrupt context of CPU %u", l->tid & 0xffff);
		} else if (l->tid & LT_LANE_IDLE) {
			snprintf(who, sizeof(who), "%s", l->comm);
			snprintf(tip, sizeof(tip), "idle task (tid 0) of CPU %u", l->tid & 0xffff);
		} else {
			snprintf(who, sizeof(who), "%s/%u", l->comm[0] ? l->comm : "?", l->tid);
			snprintf(tip, sizeof(tip), "pid %u, tid %u", l->pid, l->tid);
		}
		fprintf(out, "<text class=\"lbl\" x=\"10\" y=\"%d\">", l->y + l->h / 2 + 4);
		lt_svg_escape(out, who);
		title(out, tip);
		fputs("</text>\n", out);
	}
	if (!s->nlanes)
		text(out, PLOT_X0, HEADER_H + 20, " class=\"sm\"", "no lazy MMU activity recorded");
	axis(s, HEADER_H, axis_y);

	for (size_t i = 0; i < s->nrecs; i++) {
		const struct rec *r = &s->recs[i];

		if (r->kind == R_BAR)
			draw_bar(s, s->lanes[r->lane], r->t0, r->t1, r->ip, r->val, r->row, r->flags);
	}
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < s->nrecs; i++) {
			const struct rec *r = &s->recs[i];

			if (r->kind == R_BAR || r->kind == R_LOST)
				continue;
			if ((r->kind == R_HAZARD) == (pass == 1))
				draw_mark(s, r);	/* hazards last: on top */
		}
	}
	for (size_t i = 0, last = (size_t)-1; i < s->nrecs; i++) {
		const struct rec *r = &s->recs[i];
		char tip[64];
		double x;

		if (r->kind != R_LOST)
			continue;
		x = xof(s, r->t0);
		if ((size_t)(int)x == last)
			continue;
		last = (size_t)(int)x;
		snprintf(tip, sizeof(tip), "%llu events lost", (unsigned long long)r->val);
		fprintf(out, "<line class=\"lost\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\">", x,
			HEADER_H, x, axis_y);
		title(out, tip);
		fputs("</line>\n", out);
	}
	fputs("</svg>\n", out);
	fflush(out);
}

/* ---------------------------------------------------------------- API */

struct lt_sink_svg *lt_sink_svg_new(FILE *out, const struct lt_ksyms *ks)
{
	struct lt_sink_svg *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->out = out;
	s->ks = ks;
	return s;
}

void lt_sink_svg_ops(struct lt_sink_svg *s, struct lt_recon_ops *ops)
{
	ops->ctx = s;
	ops->item = on_item;
	ops->hazard = on_hazard;
	ops->anomaly = on_anomaly;
	ops->completed = NULL;
	ops->item_skip = 0;
}

void lt_sink_svg_free(struct lt_sink_svg *s)
{
	if (!s)
		return;
	for (unsigned int i = 0; i < s->nlanes; i++) {
		free(s->lanes[i]->open);
		free(s->lanes[i]);
	}
	free(s->lanes);
	free(s->recs);
	free(s);
}
