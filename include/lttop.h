/* SPDX-License-Identifier: GPL-2.0 */
/*
 * include/lttop.h: what bpf/top.bpf.c counts in the kernel for `lazytrace top` and src/top.c
 * reads: per-CPU maps summed by the reader, so that no per-event record crosses to user space.
 * The meaning of each figure is that of `lazytrace stats` (src/sitestats.h): a section's site
 * is where it was opened; a deferral and a flush count at the innermost open section's site
 * (0: outside any section); a flush completes every pending deferral of its task, each at the
 * site it was deferred under.
 */
#ifndef LT_TOP_H
#define LT_TOP_H

#ifndef __VMLINUX_H__	/* BPF side: bpf/kernel_types.h has the types */
#include <linux/types.h>
#endif

#include "lazytrace.h"	/* LT_COMM_LEN, LT_MAX_FRAMES */

#define LT_TOP_MAX_DEPTH	8	/* open sections kept per task; deeper ones: overflow */
#define LT_TOP_MAX_PEND_SITES	8	/* sites with pending deferrals per task */
/* Deferral times kept per task for the pending-time histogram. A task storage value is
 * allocated by the BPF memory allocator, 4 KiB at most: a larger struct top_state makes every
 * bpf_task_storage_get() fail (seen on 7.3: every event "without task state"). */
#define LT_TOP_MAX_PEND		256
#define LT_TOP_HIST_SLOTS	64	/* log2 buckets: slot k holds [2^k, 2^(k+1)), slot 0 also 0 */
#define LT_TOP_MAX_SITES	4096	/* the hash map behind the slots */
#define LT_TOP_SITE_SLOTS	1024	/* direct-mapped per-CPU slots, tried first */
/* --hazards: pages a task's pending deferrals made valid (or changed), kept for the access
 * checks; more are counted (page_overflow) and cannot be found as hazards. */
#define LT_TOP_MAX_PAGES	32
#define LT_TOP_HAZARD_RING_KB	256	/* hazard records (a multiple of 4K, 16K and 64K) */

/* Per site (key: the section's site address, 0 outside any section); one per CPU. */
struct lt_top_site {
	__u64 sections;		/* sections opened here */
	__u64 nested;		/* ... at depth > 1 */
	__u64 deferred;		/* deferred PTE updates made in them */
	__u64 flushes;		/* flushes inside them */
	__u64 completed;	/* deferrals made under this site completed by a flush */
	__u64 pend_sum_ns;	/* their time pending, summed */
	__u64 pend_max_ns;	/* the longest (per CPU: the reader takes the maximum) */
	__u64 hz_confirmed;	/* --hazards: accesses to a page whose update made under this
				 * site was still deferred */
	__u64 hz_potential;	/* ... such pages handed back by set_memory_valid() or
				 * __kernel_map_pages() still deferred */
};

/*
 * A site's slot: an array element is found without a hash (the verifier inlines the lookup),
 * which a hash map's is not. A slot holds the site it was first taken by (tag: ip | 1, 0 when
 * free); a site whose slot another holds goes to the hash map. Per CPU, so each CPU's copy
 * of a slot may hold a different site: the reader keys what it sums by the tag.
 */
struct lt_top_slot {
	__u64 tag;
	struct lt_top_site v;
};

static inline __u32 lt_top_slot_of(__u64 ip)
{
	return (__u32)(((ip >> 2) * 0x9e3779b97f4a7c15ULL) >> 54) & (LT_TOP_SITE_SLOTS - 1);
}

enum lt_top_hist {
	LT_TOP_HIST_PENDING,	/* ns from a deferral to the flush that completed it */
	LT_TOP_HIST_SECTION,	/* ns from a section's enable to its disable */
	LT_TOP_HIST_BATCH,	/* deferrals a flush completed */
	LT_TOP_HIST_NR
};

/* Totals (one per CPU, index 0). */
struct lt_top_totals {
	__u64 events;		/* tracepoint hits of the filtered tasks */
	__u64 sections;
	__u64 nested_sections;
	__u64 max_depth;	/* per CPU: the reader takes the maximum */
	__u64 deferred_ptes;
	__u64 flushes;
	__u64 depth_overflow;	/* sections deeper than LT_TOP_MAX_DEPTH: not counted per site */
	__u64 pend_overflow;	/* deferrals not kept for completion (more than
				 * LT_TOP_MAX_PEND_SITES sites pending): never completed */
	__u64 hist_overflow;	/* deferrals past LT_TOP_MAX_PEND pending: not in the
				 * pending-time histogram (still completed) */
	__u64 no_state;		/* events of a task whose state could not be stored */
	__u64 hazards_confirmed;	/* --hazards, as the sites' */
	__u64 hazards_potential;
	__u64 page_overflow;	/* deferred pages past LT_TOP_MAX_PAGES: not checked */
	__u64 hazards_lost;	/* hazard records the ring buffer had no room for (counted
				 * above all the same) */
	__u64 hist_sum[LT_TOP_HIST_NR];	/* what each histogram's values add up to: ns, ns,
					 * deferrals (a Prometheus histogram has a _sum) */
};

enum lt_top_hazard_kind { LT_TOP_HZ_CONFIRMED = 0, LT_TOP_HZ_POTENTIAL = 1 };

/*
 * One hazard, through the ring buffer (--hazards): what `lazytrace live` reports for it
 * (src/recon.h, struct lt_hazard). The class is always from the entry's old value (read at
 * pageattr_pte_entry()'s entry): translation (it was invalid) or permission (it changed).
 */
struct lt_top_hazard {
	__u64 ts;		/* the access, or the call's return (potential) */
	__u64 defer_ts;
	__u64 addr;		/* page address */
	__u64 site;		/* the section the deferral was made in: where it was opened */
	__u64 defer_ip;		/* where the update was deferred */
	__u64 ip;		/* the access probe's function, or the returning function */
	__u32 pid, tid;
	__u16 cpu;
	__u8 kind;		/* enum lt_top_hazard_kind */
	__u8 translation;	/* 1: the entry was invalid before (else: permission) */
	__u8 in_irq;		/* the access came from an interrupt on the task's CPU */
	__u8 nr_frames;		/* confirmed: the access's kernel stack */
	__u8 pad[2];
	char comm[LT_COMM_LEN];
	__u64 frames[LT_MAX_FRAMES];
};

#endif /* LT_TOP_H */
