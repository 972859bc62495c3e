// SPDX-License-Identifier: GPL-2.0
/*
 * bpf/top.bpf.c: `lazytrace top`, aggregated in the kernel. The lazy_mmu tracepoints of our
 * kernel patch update per-CPU counters per section site, totals and log2 histograms; each
 * task's open sections and pending deferrals live in its BPF task storage (an interrupt's in
 * a per-CPU slot), so no record per event crosses to user space: the reader (src/top.c) sums
 * the maps every interval. What each figure means is in include/lttop.h; it is what
 * `lazytrace stats` reports for a recording of the same tasks.
 */
#include "kernel_types.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "lazytrace.h"
#include "lttop.h"
#include "task_filter.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by the loader before load. */
const volatile __u32 filter_pid;		/* tgid, 0 = all */
const volatile char filter_comm[LT_COMM_LEN];	/* "" = all */

/* A task's (or a CPU's interrupt context's) lazy MMU state, as far as top needs it. */
struct top_state {
	__u32 depth;			/* open sections kept */
	__u32 over;			/* open sections beyond LT_TOP_MAX_DEPTH */
	__u64 site[LT_TOP_MAX_DEPTH];
	__u64 start[LT_TOP_MAX_DEPTH];
	__u32 npend;			/* sites with deferrals pending */
	__u32 nts;			/* deferral times kept, for the histogram */
	struct {
		__u64 site, n, sum_ts, first_ts;
	} pend[LT_TOP_MAX_PEND_SITES];
	__u64 ts[LT_TOP_MAX_PEND];
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct top_state);
} task_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct top_state);
} irq_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, LT_TOP_MAX_SITES);
	__type(key, __u64);
	__type(value, struct lt_top_site);
} sites SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lt_top_totals);
} totals SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LT_TOP_HIST_NR * LT_TOP_HIST_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} hist SEC(".maps");

/* Sites the map had no room for (LT_TOP_MAX_SITES): their figures are not counted. */
__u64 sites_full;

#define HARDIRQ_SOFTIRQ_NMI_MASK 0x00ffff00	/* in_interrupt() of preempt_count */

static __always_inline bool filtered(void)
{
	/* rodata: with no --pid, no helper call */
	return lt_task_filtered(filter_pid ? bpf_get_current_pid_tgid() : 0, filter_pid, filter_comm);
}

static __always_inline struct lt_top_totals *tot(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&totals, &zero);
}

/* The state of whoever runs: the interrupt context of this CPU, or the current task. The
 * task pointer is trusted (BTF): its field is a plain load, no helper call. */
static __always_inline struct top_state *state(void)
{
	struct task_struct *t = bpf_get_current_task_btf();
	__u32 zero = 0;

	if (t->thread_info.preempt_count & HARDIRQ_SOFTIRQ_NMI_MASK)
		return bpf_map_lookup_elem(&irq_state, &zero);
	return bpf_task_storage_get(&task_state, t, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
}

static __always_inline struct lt_top_site *site_of(__u64 ip)
{
	struct lt_top_site *s = bpf_map_lookup_elem(&sites, &ip), zero = {};

	if (s)
		return s;
	bpf_map_update_elem(&sites, &ip, &zero, BPF_NOEXIST);
	s = bpf_map_lookup_elem(&sites, &ip);
	if (!s)
		__sync_fetch_and_add(&sites_full, 1);
	return s;
}

static __always_inline __u32 log2_slot(__u64 v)
{
	__u32 r = 0;

	if (v >> 32) { v >>= 32; r += 32; }
	if (v >> 16) { v >>= 16; r += 16; }
	if (v >> 8) { v >>= 8; r += 8; }
	if (v >> 4) { v >>= 4; r += 4; }
	if (v >> 2) { v >>= 2; r += 2; }
	if (v >> 1) r += 1;
	return r;
}

static __always_inline void hist_add(struct lt_top_totals *tp, enum lt_top_hist h, __u64 v)
{
	__u32 key = h * LT_TOP_HIST_SLOTS + log2_slot(v);
	__u64 *slot = bpf_map_lookup_elem(&hist, &key);

	if (slot)
		*slot += 1;
	if (h < LT_TOP_HIST_NR)
		tp->hist_sum[h] += v;
}

static __always_inline __u64 innermost(const struct top_state *st)
{
	__u32 d = st->depth;

	if (!d || d > LT_TOP_MAX_DEPTH)
		return 0;
	return st->site[(d - 1) & (LT_TOP_MAX_DEPTH - 1)];
}

/* The common start of every handler: NULL when the event is not counted. */
static __always_inline struct top_state *begin(struct lt_top_totals **tp)
{
	struct top_state *st;

	if (filtered())
		return NULL;
	*tp = tot();
	if (!*tp)
		return NULL;
	(*tp)->events++;
	st = state();
	if (!st)
		(*tp)->no_state++;
	return st;
}

SEC("tp_btf/lazy_mmu_enable")
int BPF_PROG(top_enable, unsigned long ip, int action, const struct lazy_mmu_state *lms)
{
	struct lt_top_totals *tp;
	struct top_state *st = begin(&tp);
	struct lt_top_site *s;
	__u32 d;

	if (!st)
		return 0;
	/* Only these open a section; the others (paused, in an interrupt, a no-op) do not. */
	if (action != LT_ACT_ENTER && action != LT_ACT_NEST && action != LT_ACT_UNKNOWN)
		return 0;
	d = st->depth;
	if (st->over || d >= LT_TOP_MAX_DEPTH) {
		st->over++;
		tp->depth_overflow++;
		return 0;
	}
	st->site[d & (LT_TOP_MAX_DEPTH - 1)] = ip;
	st->start[d & (LT_TOP_MAX_DEPTH - 1)] = bpf_ktime_get_ns();
	st->depth = ++d;
	tp->sections++;
	if (d > 1)
		tp->nested_sections++;
	if (d > tp->max_depth)
		tp->max_depth = d;
	s = site_of(ip);
	if (s) {
		s->sections++;
		if (d > 1)
			s->nested++;
	}
	return 0;
}

SEC("tp_btf/lazy_mmu_disable")
int BPF_PROG(top_disable, unsigned long ip, int action, const struct lazy_mmu_state *lms)
{
	struct lt_top_totals *tp;
	struct top_state *st = begin(&tp);
	__u32 d;

	if (!st)
		return 0;
	if (action != LT_ACT_LEAVE && action != LT_ACT_FLUSH && action != LT_ACT_END &&
	    action != LT_ACT_NOFLUSH && action != LT_ACT_UNKNOWN)
		return 0;
	if (st->over) {
		st->over--;
		return 0;
	}
	d = st->depth;
	if (!d || d > LT_TOP_MAX_DEPTH)
		return 0;	/* a section opened before top started */
	d--;
	st->depth = d;
	hist_add(tp, LT_TOP_HIST_SECTION, bpf_ktime_get_ns() - st->start[d & (LT_TOP_MAX_DEPTH - 1)]);
	return 0;
}

SEC("tp_btf/lazy_mmu_pause")
int BPF_PROG(top_pause, unsigned long ip, int action, const struct lazy_mmu_state *lms)
{
	struct lt_top_totals *tp;

	begin(&tp);	/* counted; a pause neither opens nor closes a section */
	return 0;
}

SEC("tp_btf/lazy_mmu_resume")
int BPF_PROG(top_resume, unsigned long ip, int action, const struct lazy_mmu_state *lms)
{
	struct lt_top_totals *tp;

	begin(&tp);
	return 0;
}

SEC("tp_btf/lazy_mmu_defer")
int BPF_PROG(top_defer, unsigned long ip, int level, const void *entryp, __u64 val,
	     const struct lazy_mmu_state *lms)
{
	struct lt_top_totals *tp;
	struct top_state *st = begin(&tp);
	__u64 site, now = bpf_ktime_get_ns();
	struct lt_top_site *s;
	__u32 i, n;

	if (!st)
		return 0;
	site = innermost(st);
	tp->deferred_ptes++;
	s = site_of(site);
	if (s)
		s->deferred++;
	/* pending under its site, for the flush to complete (a handful of sites per task) */
	n = st->npend;
	for (i = 0; i < LT_TOP_MAX_PEND_SITES; i++) {
		if (i >= n)
			break;
		if (st->pend[i].site == site)
			break;
	}
	if (i >= LT_TOP_MAX_PEND_SITES) {
		tp->pend_overflow++;
	} else {
		if (i == n) {
			st->pend[i].site = site;
			st->pend[i].n = 0;
			st->pend[i].sum_ts = 0;
			st->pend[i].first_ts = now;
			st->npend = n + 1;
		}
		st->pend[i].n++;
		st->pend[i].sum_ts += now;
	}
	if (st->nts < LT_TOP_MAX_PEND)
		st->ts[st->nts++ & (LT_TOP_MAX_PEND - 1)] = now;
	else
		tp->hist_overflow++;
	return 0;
}

struct pend_walk {
	struct top_state *st;
	struct lt_top_totals *tp;
	__u64 now;
};

/* One kept deferral time into the histogram (bpf_loop: a loop of LT_TOP_MAX_PEND the verifier
 * would have to walk step by step). */
static long pend_time(__u32 i, void *ctx)
{
	struct pend_walk *w = ctx;

	hist_add(w->tp, LT_TOP_HIST_PENDING, w->now - w->st->ts[i & (LT_TOP_MAX_PEND - 1)]);
	return 0;
}

SEC("tp_btf/lazy_mmu_flush")
int BPF_PROG(top_flush, unsigned long ip, unsigned int completed, const struct lazy_mmu_state *lms)
{
	struct lt_top_totals *tp;
	struct top_state *st = begin(&tp);
	__u64 now = bpf_ktime_get_ns(), batch = 0;
	struct lt_top_site *s;
	__u32 i;

	if (!st)
		return 0;
	tp->flushes++;
	s = site_of(innermost(st));
	if (s)
		s->flushes++;
	/* The barriers complete every pending deferral of the task, each under its site. */
	for (i = 0; i < LT_TOP_MAX_PEND_SITES; i++) {
		__u64 n, span;

		if (i >= st->npend)
			break;
		n = st->pend[i].n;
		batch += n;
		s = site_of(st->pend[i].site);
		if (!s)
			continue;
		s->completed += n;
		s->pend_sum_ns += n * now - st->pend[i].sum_ts;
		span = now - st->pend[i].first_ts;
		if (span > s->pend_max_ns)
			s->pend_max_ns = span;
	}
	{
		struct pend_walk w = { .st = st, .tp = tp, .now = now };
		__u32 n = st->nts;

		bpf_loop(n < LT_TOP_MAX_PEND ? n : LT_TOP_MAX_PEND, pend_time, &w, 0);
	}
	hist_add(tp, LT_TOP_HIST_BATCH, batch);
	st->npend = 0;
	st->nts = 0;
	return 0;
}
