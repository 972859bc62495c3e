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

#define LT_TOP_MAX_DEPTH	8	/* open sections kept per task; deeper ones: overflow */
#define LT_TOP_MAX_PEND_SITES	8	/* sites with pending deferrals per task */
/* Deferral times kept per task for the pending-time histogram. A task storage value is
 * allocated by the BPF memory allocator, 4 KiB at most: a larger struct top_state makes every
 * bpf_task_storage_get() fail (seen on 7.3: every event "without task state"). */
#define LT_TOP_MAX_PEND		256
#define LT_TOP_HIST_SLOTS	64	/* log2 buckets: slot k holds [2^k, 2^(k+1)), slot 0 also 0 */
#define LT_TOP_MAX_SITES	4096

/* Per site (key: the section's site address, 0 outside any section); one per CPU. */
struct lt_top_site {
	__u64 sections;		/* sections opened here */
	__u64 nested;		/* ... at depth > 1 */
	__u64 deferred;		/* deferred PTE updates made in them */
	__u64 flushes;		/* flushes inside them */
	__u64 completed;	/* deferrals made under this site completed by a flush */
	__u64 pend_sum_ns;	/* their time pending, summed */
	__u64 pend_max_ns;	/* the longest (per CPU: the reader takes the maximum) */
};

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
	__u64 hist_sum[LT_TOP_HIST_NR];	/* what each histogram's values add up to: ns, ns,
					 * deferrals (a Prometheus histogram has a _sum) */
};


#endif /* LT_TOP_H */
