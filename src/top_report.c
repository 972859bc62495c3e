// SPDX-License-Identifier: GPL-2.0
/*
 * src/top_report.c: `lazytrace top`'s table, JSON and log2 histograms (see top.h). It prints
 * what top_snap.c computed; it decides nothing.
 */
#include <string.h>
#include <time.h>

#include "ksyms.h"
#include "sink_json.h"
#include "top.h"

static const char *const HIST_KEY[LT_TOP_HIST_NR] = {
	"pending_ns", "section_ns", "deferrals_per_flush",
};
static const char *const HIST_TITLE[LT_TOP_HIST_NR] = {
	"time pending, deferral to flush", "section length, enable to disable",
	"deferrals completed per flush",
};
static const char *const HIST_UNIT[LT_TOP_HIST_NR] = { "nsecs", "nsecs", "deferrals" };

/* The bounds of slot k: [0, 1] for k 0, [2^k, 2^(k+1) - 1] after. */
static void slot_bounds(int k, unsigned long long *lo, unsigned long long *hi)
{
	*lo = k ? 1ULL << k : 0;
	*hi = k >= 63 ? ~0ULL : (1ULL << (k + 1)) - 1;
}

void lt_top_print_log2_hist(FILE *out, const __u64 *slots, const char *unit)
{
	int last = -1;
	__u64 max = 0;

	for (int k = 0; k < LT_TOP_HIST_SLOTS; k++)
		if (slots[k]) {
			last = k;
			if (slots[k] > max)
				max = slots[k];
		}
	if (last < 0)
		return;
	fprintf(out, "%24s : count     distribution\n", unit);
	for (int k = 0; k <= last; k++) {
		unsigned long long lo, hi;
		int stars = (int)(max ? slots[k] * 40 / max : 0);

		slot_bounds(k, &lo, &hi);
		fprintf(out, "%10llu -> %-10llu : %-8llu |", lo, hi, (unsigned long long)slots[k]);
		for (int i = 0; i < 40; i++)
			fputc(i < stars ? '*' : ' ', out);
		fputs("|\n", out);
	}
}

static double mean_ns(const struct lt_top_site *v)
{
	return v->completed ? (double)v->pend_sum_ns / (double)v->completed : -1;
}

static void us(FILE *out, double ns)
{
	if (ns < 0)
		fprintf(out, " %11s", "-");
	else
		fprintf(out, " %11.3f", ns / 1000);
}

static void drops_line(FILE *out, const struct lt_top_snap *s)
{
	if (!s->t.depth_overflow && !s->t.pend_overflow && !s->t.hist_overflow && !s->t.no_state &&
	    !s->sites_full && !s->lost_recursion && !s->t.page_overflow && !s->t.hazards_lost)
		return;
	fprintf(out, "not counted: %llu sections too deep, %llu deferrals with no room to complete, "
		"%llu pending times past the histogram's room, %llu events without task state, "
		"%llu sites with no room, %llu events while a program of top's ran on the CPU (any task's)",
		(unsigned long long)s->t.depth_overflow, (unsigned long long)s->t.pend_overflow,
		(unsigned long long)s->t.hist_overflow, (unsigned long long)s->t.no_state,
		(unsigned long long)s->sites_full, (unsigned long long)s->lost_recursion);
	if (s->hazards)
		fprintf(out, ", %llu deferred pages past the task's room (not checked for hazards), "
			"%llu hazard records the ring buffer had no room for (counted)",
			(unsigned long long)s->t.page_overflow, (unsigned long long)s->t.hazards_lost);
	fputc('\n', out);
}

static const char *site_name(const struct lt_top_opts *o, __u64 ip, char *buf, size_t len)
{
	if (o->ksyms)
		return lt_ksyms_format(o->ksyms, ip, buf, len);
	snprintf(buf, len, "0x%llx", (unsigned long long)ip);
	return buf;
}

static const char *hz_kind(const struct lt_top_hazard *h)
{
	return h->kind == LT_TOP_HZ_CONFIRMED ? "confirmed" : "potential";
}

static const char *hz_class(const struct lt_top_hazard *h)
{
	return h->translation ? "translation" : "permission";
}

/* The interval's hazards, each with its stack, as `lazytrace live` prints one. */
static void hazards_text(FILE *out, const struct lt_top_hzlist *hz, const struct lt_top_opts *o,
			 const char *bold, const char *off)
{
	char a[LT_SITE_NAME_LEN], b[LT_SITE_NAME_LEN], c[LT_SITE_NAME_LEN];

	if (!hz || (!hz->n && !hz->unlisted))
		return;
	fprintf(out, "\n%sHAZARDS%s\n", bold, off);
	for (size_t i = 0; i < hz->n; i++) {
		const struct lt_top_hazard *h = &hz->v[i];

		fprintf(out, "%s %s page 0x%llx pid %u tid %u (%.16s) cpu %u%s: deferred at %s in the "
			"section of %s, %.3f us before %s\n", hz_kind(h), hz_class(h),
			(unsigned long long)h->addr, h->pid, h->tid, h->comm, h->cpu,
			h->in_irq ? " in an interrupt" : "",
			site_name(o, h->defer_ip, a, sizeof(a)), site_name(o, h->site, b, sizeof(b)),
			(double)(h->ts - h->defer_ts) / 1000, site_name(o, h->ip, c, sizeof(c)));
		for (unsigned int f = 0; f < h->nr_frames && f < LT_MAX_FRAMES; f++)
			fprintf(out, "    %s\n", site_name(o, h->frames[f], a, sizeof(a)));
	}
	if (hz->unlisted)
		fprintf(out, "... and %llu more (counted above)\n", (unsigned long long)hz->unlisted);
}

void lt_top_print_text(FILE *out, const struct lt_top_snap *iv, const struct lt_top_snap *cum,
		       const struct lt_top_hzlist *hz, double interval_s, const struct lt_top_opts *o,
		       bool final, bool clear)
{
	const struct lt_top_snap *s = final ? cum : iv;
	const char *bold = o->color ? "\033[1m" : "", *off = o->color ? "\033[0m" : "";
	size_t w = 8;
	char when[16] = "";
	time_t now = time(NULL);
	struct tm tm;

	if (localtime_r(&now, &tm))
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
	if (clear)
		fputs("\033[H\033[2J", out);
	if (final)
		fprintf(out, "%s%s  lazy MMU top: totals since the start%s\n", bold, when, off);
	else
		fprintf(out, "%s%s  lazy MMU top: the last %.1f s%s\n", bold, when, interval_s, off);
	fprintf(out, "sections %llu (nested %llu), deferred PTEs %llu, flushes %llu, max depth %llu, "
		"%s hits %llu\n",
		(unsigned long long)s->t.sections, (unsigned long long)s->t.nested_sections,
		(unsigned long long)s->t.deferred_ptes, (unsigned long long)s->t.flushes,
		(unsigned long long)s->t.max_depth, s->sites ? "DWARF site" : "tracepoint",
		(unsigned long long)s->t.events);
	if (s->hazards)
		fprintf(out, "hazards: %llu confirmed (an access before the barrier), %llu potential "
			"(handed back before it)\n", (unsigned long long)s->t.hazards_confirmed,
			(unsigned long long)s->t.hazards_potential);
	drops_line(out, s);
	for (size_t i = 0; i < s->n; i++)
		if (strlen(s->v[i].name) > w)
			w = strlen(s->v[i].name);
	fprintf(out, "\n%s%-*s %9s %7s %9s %8s %11s %11s%s%s\n", bold, (int)w,
		o->by == LT_BY_FUNCTION ? "FUNCTION" : "SITE", "SECTIONS", "NESTED", "DEFERRED",
		"FLUSHES", "AVG PEND us", final ? "MAX PEND us" : "MAX EVER us",
		s->hazards ? "  HAZARDS" : "", off);
	for (size_t i = 0; i < s->n; i++) {
		const struct lt_top_row *r = &s->v[i];

		fprintf(out, "%-*s %9llu %7llu %9llu %8llu", (int)w, r->name,
			(unsigned long long)r->v.sections, (unsigned long long)r->v.nested,
			(unsigned long long)r->v.deferred, (unsigned long long)r->v.flushes);
		us(out, mean_ns(&r->v));
		us(out, r->v.completed ? (double)r->v.pend_max_ns : -1);
		if (s->hazards)
			fprintf(out, " %8llu", (unsigned long long)(r->v.hz_confirmed + r->v.hz_potential));
		fputc('\n', out);
	}
	if (!s->n)
		fprintf(out, "(no lazy MMU section)\n");
	for (int h = 0; h < LT_TOP_HIST_NR; h++) {
		if (!lt_top_hist_sum(s->hist[h]))
			continue;
		fprintf(out, "\n%s%s%s\n", bold, HIST_TITLE[h], off);
		lt_top_print_log2_hist(out, s->hist[h], HIST_UNIT[h]);
	}
	hazards_text(out, hz, o, bold, off);
	if (!clear)
		fputc('\n', out);
	fflush(out);
}

static void json_figures(FILE *out, const struct lt_top_snap *s)
{
	fprintf(out, "{\"tracepoint_events\":%llu,\"sections\":%llu,\"nested_sections\":%llu,"
		"\"max_depth\":%llu,\"deferred_ptes\":%llu,\"flushes\":%llu,\"depth_overflow\":%llu,"
		"\"pend_overflow\":%llu,\"hist_overflow\":%llu,\"no_state\":%llu,\"sites_full\":%llu,"
		"\"lost_recursion\":%llu",
		(unsigned long long)s->t.events, (unsigned long long)s->t.sections,
		(unsigned long long)s->t.nested_sections, (unsigned long long)s->t.max_depth,
		(unsigned long long)s->t.deferred_ptes, (unsigned long long)s->t.flushes,
		(unsigned long long)s->t.depth_overflow, (unsigned long long)s->t.pend_overflow,
		(unsigned long long)s->t.hist_overflow, (unsigned long long)s->t.no_state,
		(unsigned long long)s->sites_full, (unsigned long long)s->lost_recursion);
	if (s->hazards)
		fprintf(out, ",\"hazards_confirmed\":%llu,\"hazards_potential\":%llu,"
			"\"page_overflow\":%llu,\"hazards_lost\":%llu",
			(unsigned long long)s->t.hazards_confirmed,
			(unsigned long long)s->t.hazards_potential,
			(unsigned long long)s->t.page_overflow, (unsigned long long)s->t.hazards_lost);
	fputs(",\"sites\":[", out);
	for (size_t i = 0; i < s->n; i++) {
		const struct lt_top_site *v = &s->v[i].v;

		fputs(i ? ",{" : "{", out);
		lt_json_string(out, "site");
		fputc(':', out);
		lt_json_string(out, s->v[i].name);
		fprintf(out, ",\"sections\":%llu,\"nested\":%llu,\"deferred_ptes\":%llu,"
			"\"flushes\":%llu,\"completed\":%llu,",
			(unsigned long long)v->sections, (unsigned long long)v->nested,
			(unsigned long long)v->deferred, (unsigned long long)v->flushes,
			(unsigned long long)v->completed);
		if (s->hazards)
			fprintf(out, "\"hazards\":%llu,\"hazards_confirmed\":%llu,"
				"\"hazards_potential\":%llu,",
				(unsigned long long)(v->hz_confirmed + v->hz_potential),
				(unsigned long long)v->hz_confirmed, (unsigned long long)v->hz_potential);
		if (v->completed)
			fprintf(out, "\"mean_pending_ns\":%.0f,\"max_pending_ns\":%llu}", mean_ns(v),
				(unsigned long long)v->pend_max_ns);
		else
			fputs("\"mean_pending_ns\":null,\"max_pending_ns\":null}", out);
	}
	fputs("],\"hist\":{", out);
	for (int h = 0; h < LT_TOP_HIST_NR; h++) {
		bool first = true;

		fprintf(out, "%s\"%s\":[", h ? "," : "", HIST_KEY[h]);
		for (int k = 0; k < LT_TOP_HIST_SLOTS; k++) {
			unsigned long long lo, hi;

			if (!s->hist[h][k])
				continue;
			slot_bounds(k, &lo, &hi);
			fprintf(out, "%s{\"lo\":%llu,\"hi\":%llu,\"count\":%llu}", first ? "" : ",", lo,
				hi, (unsigned long long)s->hist[h][k]);
			first = false;
		}
		fputc(']', out);
	}
	fputs("}}", out);
}

static void json_site(FILE *out, const char *key, const struct lt_top_opts *o, __u64 ip)
{
	char buf[LT_SITE_NAME_LEN];

	fprintf(out, ",\"%s\":", key);
	lt_json_string(out, site_name(o, ip, buf, sizeof(buf)));
}

/* The interval's hazard records, with the keys of `lazytrace live --format json`'s. */
static void hazards_json(FILE *out, const struct lt_top_hzlist *hz, const struct lt_top_opts *o)
{
	char buf[LT_SITE_NAME_LEN];

	fputs(",\"hazards\":[", out);
	for (size_t i = 0; i < hz->n; i++) {
		const struct lt_top_hazard *h = &hz->v[i];
		char comm[LT_COMM_LEN + 1];

		memcpy(comm, h->comm, LT_COMM_LEN);
		comm[LT_COMM_LEN] = 0;
		fprintf(out, "%s{\"ts_ns\":%llu,\"cpu\":%u,\"pid\":%u,\"tid\":%u,\"comm\":",
			i ? "," : "", (unsigned long long)h->ts, h->cpu, h->pid, h->tid);
		lt_json_string(out, comm);
		if (h->in_irq)
			fputs(",\"in_irq\":true", out);
		fprintf(out, ",\"kind\":\"%s\",\"class\":\"%s\",\"evidence\":\"entry\","
			"\"addr\":\"0x%llx\"", hz_kind(h), hz_class(h), (unsigned long long)h->addr);
		json_site(out, "section_site", o, h->site);
		json_site(out, "defer_site", o, h->defer_ip);
		fprintf(out, ",\"defer_ts_ns\":%llu", (unsigned long long)h->defer_ts);
		json_site(out, "access_site", o, h->ip);
		fprintf(out, ",\"age_ns\":%llu,\"stack\":[", (unsigned long long)(h->ts - h->defer_ts));
		for (unsigned int f = 0; f < h->nr_frames && f < LT_MAX_FRAMES; f++) {
			if (f)
				fputc(',', out);
			lt_json_string(out, site_name(o, h->frames[f], buf, sizeof(buf)));
		}
		fputs("]}", out);
	}
	fprintf(out, "],\"hazards_unlisted\":%llu", (unsigned long long)hz->unlisted);
}

void lt_top_print_json(FILE *out, const struct lt_top_snap *iv, const struct lt_top_snap *cum,
		       const struct lt_top_hzlist *hz, double interval_s, double elapsed_s,
		       unsigned long seq, const struct lt_top_opts *o, bool final)
{
	fprintf(out, "{\"type\":\"top\",\"seq\":%lu,\"final\":%s,\"by\":\"%s\",\"interval_s\":%.3f,"
		"\"elapsed_s\":%.3f,\"interval\":", seq, final ? "true" : "false",
		lt_site_key_name(o->by), interval_s, elapsed_s);
	json_figures(out, iv);
	fputs(",\"total\":", out);
	json_figures(out, cum);
	if (hz)
		hazards_json(out, hz, o);
	fputs("}\n", out);
	fflush(out);
}
