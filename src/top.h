/* SPDX-License-Identifier: GPL-2.0 */
/*
 * src/top.h: `lazytrace top`: the lazy MMU figures of the running kernel, counted in the
 * kernel (bpf/top.bpf.c, include/lttop.h) and read every interval, as `top` or bcc's biotop
 * show theirs. top.c loads and reads (the engine); top_snap.c does the arithmetic of what was
 * read (an interval's figures, sites named and grouped); top_report.c prints it.
 */
#ifndef LT_TOP_SRC_H
#define LT_TOP_SRC_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#include "lazytrace.h"
#include "lttop.h"
#include "sitestats.h"
#include "source.h"

struct lt_ksyms;

struct lt_top_opts {
	__u32 pid;			/* 0: all */
	char comm[LT_COMM_LEN];		/* "": all */
	double interval_s;		/* between two tables */
	double duration_s;		/* 0: until SIGINT/SIGTERM */
	bool once;			/* one interval, then the totals, then exit */
	bool json;
	bool color;
	enum lt_site_key by;
	int ready_fd;			/* -1: none; else "ready\n" once attached */
	const char *openmetrics;	/* NULL, or the file the totals are rewritten to */
	bool prog_stats;		/* at the end, each BPF program's cost (progstats.h) */
	bool hazards;			/* --hazards: pages kept, accesses checked in BPF */
	enum lt_source source;		/* --source: auto, tracepoints or dwarf */
	const char *sites;		/* --sites FILE */
	const char *debuginfo;		/* --debuginfo FILE */
	bool verbose;			/* -v: what was attached, on stderr */
	const struct lt_ksyms *ksyms;	/* names of the sites; NULL: addresses */
};

/* The figures of one site (or function). */
struct lt_top_row {
	__u64 ip;			/* 0: outside any section; by function: the first site */
	char name[LT_SITE_NAME_LEN];
	struct lt_top_site v;
};

/* The hazard records of an interval, as they came through the ring buffer (--hazards). */
#define LT_TOP_HZ_LISTED	1000	/* per interval; more are counted (unlisted) */
struct lt_top_hzlist {
	struct lt_top_hazard *v;
	size_t n, cap;
	__u64 unlisted;			/* past LT_TOP_HZ_LISTED (still in the counts) */
};

/* What the maps held at one moment (cumulative since the start), or an interval's share. */
struct lt_top_snap {
	__u64 mono_ns;			/* when read (CLOCK_MONOTONIC) */
	bool hazards;			/* hazards were looked for (--hazards) */
	bool sites;			/* counted from DWARF sites, not the tracepoints */
	struct lt_top_totals t;
	__u64 sites_full;
	__u64 lost_recursion;		/* events no program ran for: one of top's programs
					 * was running on the CPU (the kernel's recursion_misses) */
	struct lt_top_row *v;
	size_t n, cap;
	__u64 hist[LT_TOP_HIST_NR][LT_TOP_HIST_SLOTS];
};

/* top_snap.c */
/* Adds v to the site's row, or a new row; -1 when out of memory. */
int lt_top_snap_merge(struct lt_top_snap *s, __u64 ip, const struct lt_top_site *v);
/* d += v: counts added, maxima the larger. */
void lt_top_site_add(struct lt_top_site *d, const struct lt_top_site *v);
/* Keeps one hazard record (or counts it unlisted); -1 when out of memory. */
int lt_top_hzlist_add(struct lt_top_hzlist *l, const struct lt_top_hazard *h);
void lt_top_hzlist_clear(struct lt_top_hzlist *l);	/* emptied, memory kept */
void lt_top_hzlist_free(struct lt_top_hzlist *l);
/* Adds the figures of one site (per-CPU values already summed); -1 when out of memory. */
int lt_top_snap_add(struct lt_top_snap *s, __u64 ip, const struct lt_top_site *v);
/* out = now - prev: counts of the interval; the maxima (pending, depth) stay those of now
 * (a maximum cannot be taken apart). -1 when out of memory. */
int lt_top_snap_diff(const struct lt_top_snap *now, const struct lt_top_snap *prev,
		     struct lt_top_snap *out);
/* Names the sites (ks may be NULL: addresses), merges them by function if asked, sorts them
 * (most deferrals, then sections, then name). */
void lt_top_snap_finish(struct lt_top_snap *s, const struct lt_ksyms *ks, enum lt_site_key by);
void lt_top_snap_free(struct lt_top_snap *s);
__u64 lt_top_hist_sum(const __u64 *slots);

/* top_report.c */
/* hz: the hazard records that came in the interval (NULL without --hazards). */
void lt_top_print_text(FILE *out, const struct lt_top_snap *iv, const struct lt_top_snap *cum,
		       const struct lt_top_hzlist *hz, double interval_s, const struct lt_top_opts *o,
		       bool final, bool clear);
void lt_top_print_json(FILE *out, const struct lt_top_snap *iv, const struct lt_top_snap *cum,
		       const struct lt_top_hzlist *hz, double interval_s, double elapsed_s,
		       unsigned long seq, const struct lt_top_opts *o, bool final);
/* A log2 histogram as bcc's print_log2_hist prints it: "low -> high : count |****|". */
void lt_top_print_log2_hist(FILE *out, const __u64 *slots, const char *unit);

/* top_openmetrics.c: the totals in the Prometheus text format, written beside path and
 * renamed over it. 0, or -1 with one line on err. */
int lt_top_write_openmetrics(const char *path, const struct lt_top_snap *cum,
			     enum lt_site_key by, FILE *err);

/* top.c: the whole command (load, attach, loop, print). The exit status. */
int lt_top_run(const struct lt_top_opts *o);

#endif /* LT_TOP_SRC_H */
