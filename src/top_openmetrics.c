// SPDX-License-Identifier: GPL-2.0
/*
 * src/top_openmetrics.c: `lazytrace top --openmetrics FILE`: the totals since the start in
 * the Prometheus text exposition format (version 0.0.4), for node_exporter's textfile
 * collector, so that a fleet's figures add up in the monitoring people already run. The file
 * is written whole beside FILE and renamed over it: a scrape never reads half of one.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "top.h"

/* A label value: backslash, double quote and newline escaped. */
static void label(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

struct per_site {
	const char *name, *help;
	size_t off;	/* of the __u64 in struct lt_top_site */
	bool seconds;	/* ns, written as seconds */
	bool gauge;
	bool hazard;	/* only with --hazards */
};

static const struct per_site PER_SITE[] = {
	{ "lazytrace_sections_total",
	  "Lazy MMU sections opened at the site.",
	  offsetof(struct lt_top_site, sections), false, false, false },
	{ "lazytrace_nested_sections_total",
	  "Sections opened at the site inside another one.",
	  offsetof(struct lt_top_site, nested), false, false, false },
	{ "lazytrace_deferred_ptes_total",
	  "Kernel PTE updates whose barriers were deferred in sections opened at the site.",
	  offsetof(struct lt_top_site, deferred), false, false, false },
	{ "lazytrace_flushes_total",
	  "Flushes of deferred barriers in sections opened at the site.",
	  offsetof(struct lt_top_site, flushes), false, false, false },
	{ "lazytrace_completed_deferrals_total",
	  "Deferred updates made under the site whose flush came.",
	  offsetof(struct lt_top_site, completed), false, false, false },
	{ "lazytrace_pending_seconds_total",
	  "Time the completed deferrals waited for their flush, summed.",
	  offsetof(struct lt_top_site, pend_sum_ns), true, false, false },
	{ "lazytrace_pending_max_seconds",
	  "The longest time a deferral under the site waited for its flush.",
	  offsetof(struct lt_top_site, pend_max_ns), true, true, false },
	{ "lazytrace_hazards_confirmed_total",
	  "Accesses to a page whose update, deferred under the site, had no barrier yet.",
	  offsetof(struct lt_top_site, hz_confirmed), false, false, true },
	{ "lazytrace_hazards_potential_total",
	  "Pages made valid under the site handed back with their barrier still deferred.",
	  offsetof(struct lt_top_site, hz_potential), false, false, true },
};

static void value(FILE *f, __u64 v, bool seconds)
{
	if (seconds)
		fprintf(f, "%.9f\n", (double)v / 1e9);
	else
		fprintf(f, "%llu\n", (unsigned long long)v);
}

/* A log2 histogram as a Prometheus one: cumulative buckets up to the last non-empty one
 * ("le" its upper bound, in seconds for times), +Inf, _sum and _count. */
static void histogram(FILE *f, const char *name, const char *help, const __u64 *slots, __u64 sum,
		      bool seconds)
{
	__u64 cum = 0;
	int last = -1;

	head(f, name, "histogram", help);
	for (int k = 0; k < LT_TOP_HIST_SLOTS; k++)
		if (slots[k])
			last = k;
	for (int k = 0; k <= last; k++) {
		unsigned long long hi = k >= 63 ? ~0ULL : (1ULL << (k + 1)) - 1;

		cum += slots[k];
		if (seconds)
			fprintf(f, "%s_bucket{le=\"%.9g\"} %llu\n", name, (double)hi / 1e9,
				(unsigned long long)cum);
		else
			fprintf(f, "%s_bucket{le=\"%llu\"} %llu\n", name, hi, (unsigned long long)cum);
	}
	fprintf(f, "%s_bucket{le=\"+Inf\"} %llu\n", name, (unsigned long long)cum);
	fprintf(f, "%s_sum ", name);
	value(f, sum, seconds);
	fprintf(f, "%s_count %llu\n", name, (unsigned long long)cum);
}

static void write_all(FILE *f, const struct lt_top_snap *s, enum lt_site_key by)
{
	const char *key = by == LT_BY_FUNCTION ? "function" : "site";
	static const char *const causes[] = { "depth_overflow", "pend_overflow", "hist_overflow",
					      "no_state", "sites_full", "lost_recursion",
					      "page_overflow", "hazards_lost" };
	const __u64 nc[] = { s->t.depth_overflow, s->t.pend_overflow, s->t.hist_overflow,
			     s->t.no_state, s->sites_full, s->lost_recursion, s->t.page_overflow,
			     s->t.hazards_lost };
	size_t ncauses = s->hazards ? 8 : 6;	/* the last two only with --hazards */

	head(f, "lazytrace_tracepoint_events_total", "counter",
	     "lazy_mmu tracepoint hits of the tasks top counts.");
	fprintf(f, "lazytrace_tracepoint_events_total %llu\n", (unsigned long long)s->t.events);
	head(f, "lazytrace_max_depth", "gauge", "The deepest nesting of lazy MMU sections seen.");
	fprintf(f, "lazytrace_max_depth %llu\n", (unsigned long long)s->t.max_depth);
	head(f, "lazytrace_not_counted_total", "counter",
	     "What top could not count, by cause (see lazytrace(8)).");
	for (size_t i = 0; i < ncauses; i++)
		fprintf(f, "lazytrace_not_counted_total{cause=\"%s\"} %llu\n", causes[i],
			(unsigned long long)nc[i]);
	for (size_t m = 0; m < sizeof(PER_SITE) / sizeof(PER_SITE[0]); m++) {
		const struct per_site *p = &PER_SITE[m];

		if (p->hazard && !s->hazards)
			continue;
		head(f, p->name, p->gauge ? "gauge" : "counter", p->help);
		for (size_t i = 0; i < s->n; i++) {
			const char *v = (const char *)&s->v[i].v;

			fprintf(f, "%s{%s=", p->name, key);
			label(f, s->v[i].name);
			fputs("} ", f);
			value(f, *(const __u64 *)(v + p->off), p->seconds);
		}
	}
	histogram(f, "lazytrace_pending_time_seconds",
		  "Time from a deferred PTE update to the flush that completed it.",
		  s->hist[LT_TOP_HIST_PENDING], s->t.hist_sum[LT_TOP_HIST_PENDING], true);
	histogram(f, "lazytrace_section_length_seconds",
		  "Time from a lazy MMU section's enable to its disable.",
		  s->hist[LT_TOP_HIST_SECTION], s->t.hist_sum[LT_TOP_HIST_SECTION], true);
	histogram(f, "lazytrace_deferrals_per_flush", "Deferred updates a flush completed.",
		  s->hist[LT_TOP_HIST_BATCH], s->t.hist_sum[LT_TOP_HIST_BATCH], false);
}

int lt_top_write_openmetrics(const char *path, const struct lt_top_snap *cum,
			     enum lt_site_key by, FILE *err)
{
	char tmp[4096];
	FILE *f;
	int n = snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());

	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		fprintf(err, "lazytrace: %s: path too long\n", path);
		return -1;
	}
	f = fopen(tmp, "w");
	if (!f) {
		fprintf(err, "lazytrace: %s: %s\n", tmp, strerror(errno));
		return -1;
	}
	write_all(f, cum, by);
	if (ferror(f) | fclose(f)) {	/* both: the file is closed either way */
		fprintf(err, "lazytrace: %s: %s\n", tmp, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path)) {
		fprintf(err, "lazytrace: %s: %s\n", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}
