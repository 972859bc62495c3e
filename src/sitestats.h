/* SPDX-License-Identifier: GPL-2.0 */
/*
 * src/sitestats.h: the figures of one recording, whole and per call site, as `stats` prints
 * them and `compare` compares them. A call site is where a lazy MMU section was opened
 * (lazy_mmu_mode_enable()'s caller), named "symbol+0xoffset" from the recording's symbols;
 * by function, the sites of one function (the offset dropped, and the compiler's clone
 * suffixes: .constprop.N, .isra.N, .part.N, .cold, .llvm.N) are one: sites that line up
 * across kernel builds, whose offsets differ. A helper the DWARF mode found inlined has no
 * symbol of its own: its sections are already named after the function it was inlined into.
 * Everything here is counted from what the reconstruction says; no state of its own.
 */
#ifndef LT_SITESTATS_H
#define LT_SITESTATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>

#include "recon.h"
#include "tracefile.h"

enum lt_site_key { LT_BY_SITE, LT_BY_FUNCTION };

#define LT_SITE_NAME_LEN	160

struct lt_sitefig {
	__u64 ip;			/* where the section was opened (by function: the first
					 * such site); 0: outside any section */
	char name[LT_SITE_NAME_LEN];
	__u64 sections, nested, deferred, flushes, hz_confirmed, hz_potential;
	__u64 completed;		/* deferrals whose flush was seen */
	unsigned __int128 pend_sum;	/* ns, over the completed ones */
	__u64 pend_max;
};

/* A recording's figures. */
struct lt_runstats {
	const char *path;
	struct lt_file_info info;
	struct lt_stats st;		/* the totals, as `live` prints them */
	__u64 span_ns;			/* first to last event: the recording's length */
	enum lt_site_key by;
	struct lt_sitefig *v;		/* sorted: most deferrals first */
	size_t n, cap;
	int state;			/* LT_REC_END, _TRUNCATED or _ERROR */
	int status;			/* the exit status it calls for: 0 or 1 */
	bool opened;			/* false: nothing could be read (reason said) */
	/* while collecting */
	const struct lt_ksyms *ks;
	bool oom;			/* a site could not be added: its figures went to spare */
	struct lt_sitefig spare;
};

/* Replays path and counts. The status (0, or 1 with the reason on err); rs->opened says
 * whether any figure is there. Free with lt_runstats_free() either way. */
int lt_runstats_collect(struct lt_runstats *rs, const char *path, enum lt_site_key by,
			FILE *err);
void lt_runstats_free(struct lt_runstats *rs);

/* Sites by site -> by function, in place (after a collect by site). */
void lt_runstats_by_function(struct lt_runstats *rs);

/* The site named name, NULL if none. */
const struct lt_sitefig *lt_runstats_find(const struct lt_runstats *rs, const char *name);

/* "symbol+0x10 [mod]" -> "symbol [mod]", "f.constprop.0+0x8" -> "f"; other names unchanged. */
void lt_site_function(const char *site, char *buf, size_t len);

/* Mean pending time in ns, -1 if nothing completed. */
double lt_site_mean_pending(const struct lt_sitefig *x);
__u64 lt_site_hazards(const struct lt_sitefig *x);

/* The totals, in the order and under the keys `stats` prints them. */
struct lt_total {
	const char *key;
	size_t off;			/* in struct lt_stats */
};
extern const struct lt_total LT_TOTALS[];
extern const size_t LT_NTOTALS;
unsigned long long lt_total_of(const struct lt_stats *st, size_t i);

/* The recording's header as one JSON object (file, state, release, build_id, ...). */
void lt_runstats_json_header(FILE *out, const struct lt_runstats *rs);

/* "by site" / "by function" keys as options spell them. */
const char *lt_site_key_name(enum lt_site_key by);

#endif /* LT_SITESTATS_H */
