// SPDX-License-Identifier: GPL-2.0
/*
 * bpf/top.bpf.c: `lazytrace top`, aggregated in the kernel. The lazy_mmu tracepoints of our
 * kernel patch update per-CPU counters per section site, totals and log2 histograms; each
 * task's open sections and pending deferrals live in its BPF task storage (an interrupt's in
 * a per-CPU slot), so no record per event crosses to user space: the reader (src/top.c) sums
 * the maps every interval. What each figure means is in include/lttop.h; it is what
 * `lazytrace stats` reports for a recording of the same tasks. With --hazards (the `hazards`
 * rodata and the programs after the flush's), each task also keeps the pages its pending
 * deferrals made valid, accesses are checked against them here, and only hazards, with
 * their stack, go through a ring buffer.
 */
#include "kernel_types.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "lazytrace.h"
#include "lttop.h"
#include "task_filter.h"
#include "kernel_bits.h"
#include "site_cookie.h"
#include "access_stack.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by the loader before load. */
const volatile __u32 filter_pid;		/* tgid, 0 = all */
const volatile char filter_comm[LT_COMM_LEN];	/* "" = all */
/* --hazards, from the kernel model (src/kmodel.h): */
const volatile bool hazards;
const volatile __u32 pending_bit = 31;		/* TIF_LAZY_MMU_PENDING */
const volatile __u32 page_shift = 12;
/* --source dwarf: the kernel's nesting (/sys/kernel/debug/lazy_mmu/nesting, stock: nested) */
const volatile bool nesting_noflush;

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
	__u64 leave_ts;			/* the flush of a disable under way: its time */
	__u32 flush_done;			/* DWARF sites: a disable or pause counted the
						 * flush its helper is about to make */
	/* Last of what is used without --hazards: a state is copied in and out of its CPU's
	 * slot (owner, below) only as far as the times it keeps (state_size()). */
	__u64 ts[LT_TOP_MAX_PEND];
	__u64 owner;		/* in cpu_state[CPU_STATE_RESIDENT]: the task_struct whose state
				 * it holds, 0: none; past ts, where no copy reaches */
	/* --hazards */
	__u64 pte_ptr, pte_addr, pte_old;	/* the entry pageattr_pte_entry() is updating */
	__u64 map_addr, map_pages;		/* set_memory_valid()'s range in __kernel_map_pages() */
	__u32 map_depth;			/* __kernel_map_pages() calls open */
	__u32 pte_deferred;			/* DWARF sites: the entry being updated was
						 * deferred (its page kept at the update's return) */
	__u64 pte_site, pte_ip, pte_ts;		/* ... under this site, there, then */
	__u32 npages;				/* pages kept, pending */
	struct {
		__u64 page;		/* page address | PG_* */
		__u64 site, ip, ts;	/* the section's site, the deferral's site and time */
	} pages[LT_TOP_MAX_PAGES];
};

/* Low bits of a kept page's address (a page is 4 KiB at least). */
#define PG_CONFIRMED	0x1	/* an access found it: reported once */
#define PG_POTENTIAL	0x2	/* handed back still deferred: reported once */
#define PG_TRANSLATION	0x4	/* the entry was invalid before the update */
#define PG_FLAGS	0xfffULL

/*
 * A task storage value comes from the BPF memory allocator, at most 4 KiB with the storage
 * element's own header (about 72 bytes): beyond, every bpf_task_storage_get() fails.
 */
_Static_assert(sizeof(struct top_state) <= 3840, "struct top_state too large for task storage");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct top_state);
} task_state SEC(".maps");

/*
 * A task's state while its task storage is being made. Making it allocates (kmalloc_nolock),
 * which can take a page from the page allocator, which under debug_pagealloc maps it: the
 * lazy MMU events and map calls of that allocation are the same task's, on this CPU, and
 * their programs would make the storage again, each one level deeper, until the kernel
 * stack overflows (seen: a panic in the lab). So the first event of a task without storage
 * works on this CPU's nursery state (cpu_state[CPU_STATE_NURSERY]); the storage is made at the
 * end of its program, the events of the allocation meanwhile find the nursery again (same
 * task), and it is then copied into the storage: every event counted, in order.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);		/* tid + 1 of the task whose state it holds; 0: free */
} nursery_owner SEC(".maps");

/* Per CPU: the state of interrupt context, the nursery's (above) and the running task's
 * (below). One map, so that the verifier sees one kind of pointer where any is used (a third
 * kind of state pointer made the DWARF site program too long to verify). */
enum { CPU_STATE_IRQ, CPU_STATE_NURSERY, CPU_STATE_RESIDENT, CPU_STATE_NR };

/*
 * Without --hazards, the state of the task running on a CPU lives in that CPU's
 * cpu_state[CPU_STATE_RESIDENT] while it runs there (its owner field says whose): its first
 * event there copies it in from the task storage, and top_switch() copies it back when the
 * task is switched out (a task moves to another CPU only switched out). Every other event
 * finds it with one array lookup the JIT inlines, where bpf_task_storage_get() is a helper
 * call.
 * A program can be preempted where the kernel has preemptible RCU (BPF then runs with only
 * migration disabled): a task switched out with migration disabled, perhaps in the middle of
 * a program that holds the slot, keeps it (it can only come back to this CPU), and the
 * tasks that run meanwhile work on their task storage. With --hazards, the fentry/fexit
 * programs use the state too, and every program works on the task storage itself.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, CPU_STATE_NR);
	__type(key, __u32);
	__type(value, struct top_state);
} cpu_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LT_TOP_SITE_SLOTS);
	__type(key, __u32);
	__type(value, struct lt_top_slot);
} site_slots SEC(".maps");

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

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, LT_TOP_HAZARD_RING_KB * 1024);
} hazard_ring SEC(".maps");

/* Sites the map had no room for (LT_TOP_MAX_SITES): their figures are not counted. */
__u64 sites_full;

static __always_inline bool filtered(void)
{
	/* rodata: with no --pid, no helper call */
	return lt_task_filtered(filter_pid ? lt_pid_tgid() : 0, filter_pid, filter_comm);
}

static __always_inline struct lt_top_totals *tot(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&totals, &zero);
}

/* A state as new task storage is (zeroed), as far as it is read before it is written: the
 * arrays behind the counts are not. */
static __always_inline void state_clear(struct top_state *st)
{
	st->depth = st->over = st->npend = st->nts = st->npages = 0;
	st->map_depth = st->flush_done = st->pte_deferred = 0;
	st->leave_ts = st->pte_ptr = st->map_addr = st->map_pages = 0;
}

/* What state_done() has to do after a program's work on the state. */
struct state_ref {
	__u32 *nursery;		/* this program took the nursery: its owner, to free */
};

static __always_inline struct top_state *cpu_state_of(__u32 k)
{
	return bpf_map_lookup_elem(&cpu_state, &k);
}

static __always_inline __u32 *nursery_owner_here(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&nursery_owner, &zero);
}

/* What a copy of a state without --hazards takes: all up to its kept deferral times. */
static __always_inline __u32 state_size(const struct top_state *st)
{
	__u32 n = st->nts;

	if (n > LT_TOP_MAX_PEND)
		n = LT_TOP_MAX_PEND;
	return __builtin_offsetof(struct top_state, ts) + n * sizeof(__u64);
}

/* The state of task t (current, or one the caller holds) that exists: its task storage,
 * or the nursery while its storage is made. */
static __always_inline struct top_state *state_of(struct task_struct *t)
{
	struct top_state *st = bpf_task_storage_get(&task_state, t, NULL, 0);
	__u32 *owner;

	if (st)
		return st;
	owner = nursery_owner_here();
	if (owner && *owner == (__u32)t->pid + 1)
		return cpu_state_of(CPU_STATE_NURSERY);
	return NULL;
}

/*
 * The state of whoever runs: the interrupt context of this CPU, or the current task's. The
 * task pointer is trusted (BTF): its fields are plain loads, no helper call.
 */
static __always_inline struct top_state *state(struct state_ref *r)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct top_state *st, *res = NULL;
	__u32 *owner;

	r->nursery = NULL;
	if (t->thread_info.preempt_count & HARDIRQ_SOFTIRQ_NMI_MASK)
		return cpu_state_of(CPU_STATE_IRQ);
	if (!hazards) {
		res = cpu_state_of(CPU_STATE_RESIDENT);
		if (res && res->owner == (__u64)t)
			return res;
	}
	st = bpf_task_storage_get(&task_state, t, NULL, 0);
	if (st) {
		/* the task's first event on this CPU since it was switched in: its state moves in,
		 * unless the slot is kept by a task switched out with migration disabled */
		if (!res || res->owner)
			return st;
		bpf_probe_read_kernel(res, state_size(st), st);
		res->owner = (__u64)t;
		return res;
	}
	/* no storage yet: the nursery, if it is this task's (its storage being made) */
	owner = nursery_owner_here();
	if (owner && *owner == (__u32)t->pid + 1)
		return cpu_state_of(CPU_STATE_NURSERY);
	if (owner && !*owner) {
		st = cpu_state_of(CPU_STATE_NURSERY);
		if (st) {
			/* a program runs with migration off: the CPU is this task's until it ends */
			*owner = (__u32)t->pid + 1;
			state_clear(st);
			r->nursery = owner;
			return st;
		}
	}
	/* The nursery is another task's, preempted in its first program: this event goes
	 * without state (counted: no_state) rather than make storage where that can recurse. */
	return NULL;
}

/* After a program's work on the state: the program that took the nursery makes the task's
 * storage and moves the state there. */
static __always_inline void state_done(const struct state_ref *r)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct top_state *st, *n;
	struct lt_top_totals *tp;

	if (!r->nursery)
		return;
	st = bpf_task_storage_get(&task_state, t, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	n = cpu_state_of(CPU_STATE_NURSERY);
	if (st && n) {
		bpf_probe_read_kernel(st, sizeof(*st), n);
	} else {
		tp = tot();	/* what it held is lost: counted as a task without state */
		if (tp)
			tp->no_state++;
	}
	*r->nursery = 0;
}

static __always_inline struct lt_top_site *site_of(__u64 ip)
{
	__u32 k = lt_top_slot_of(ip);
	struct lt_top_slot *sl = bpf_map_lookup_elem(&site_slots, &k);
	struct lt_top_site *s, zero = {};

	if (sl) {
		if (sl->tag == (ip | 1))
			return &sl->v;
		/* free: taken (an interrupt's program on this CPU may race for it) */
		if (!sl->tag && __sync_val_compare_and_swap(&sl->tag, 0, ip | 1) == 0)
			return &sl->v;
		if (sl->tag == (ip | 1))
			return &sl->v;
	}
	s = bpf_map_lookup_elem(&sites, &ip);
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

/* The common start of every handler: NULL when the event is not counted; else state_done()
 * ends the handler. */
static __always_inline struct top_state *begin(struct lt_top_totals **tp, struct state_ref *r)
{
	struct top_state *st;

	r->nursery = NULL;
	if (filtered())
		return NULL;
	*tp = tot();
	if (!*tp)
		return NULL;
	(*tp)->events++;
	st = state(r);
	if (!st)
		(*tp)->no_state++;
	return st;
}

/* A section opened at ip (the tracepoint's call site, or the DWARF site's address). */
static __always_inline void do_enable(struct top_state *st, struct lt_top_totals *tp, __u64 ip,
				      __u64 now)
{
	struct lt_top_site *s;
	__u32 d = st->depth;

	if (st->over || d >= LT_TOP_MAX_DEPTH) {
		st->over++;
		tp->depth_overflow++;
		return;
	}
	st->site[d & (LT_TOP_MAX_DEPTH - 1)] = ip;
	st->start[d & (LT_TOP_MAX_DEPTH - 1)] = now;
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
}

/* The innermost section closed. */
static __always_inline void do_disable(struct top_state *st, struct lt_top_totals *tp, __u64 now)
{
	__u32 d;

	if (st->over) {
		st->over--;
		return;
	}
	d = st->depth;
	if (!d || d > LT_TOP_MAX_DEPTH)
		return;	/* a section opened before top started */
	d--;
	st->depth = d;
	hist_add(tp, LT_TOP_HIST_SECTION, now - st->start[d & (LT_TOP_MAX_DEPTH - 1)]);
}

SEC("tp_btf/lazy_mmu_enable")
int BPF_PROG(top_enable, unsigned long ip, int action, const struct lazy_mmu_state *lms)
{
	struct lt_top_totals *tp;
	struct state_ref r;
	struct top_state *st = begin(&tp, &r);

	if (!st)
		return 0;
	st->leave_ts = 0;	/* a flush's time is for the very next event only: if that
				 * disable went unseen, no later one takes it */
	/* Only these open a section; the others (paused, in an interrupt, a no-op) do not. */
	if (action == LT_ACT_ENTER || action == LT_ACT_NEST || action == LT_ACT_UNKNOWN)
		do_enable(st, tp, ip, bpf_ktime_get_ns());
	state_done(&r);
	return 0;
}

SEC("tp_btf/lazy_mmu_disable")
int BPF_PROG(top_disable, unsigned long ip, int action, const struct lazy_mmu_state *lms)
{
	struct lt_top_totals *tp;
	struct state_ref r;
	struct top_state *st = begin(&tp, &r);
	__u64 now;

	if (!st)
		return 0;
	now = st->leave_ts;
	st->leave_ts = 0;
	if (action == LT_ACT_LEAVE || action == LT_ACT_FLUSH || action == LT_ACT_END ||
	    action == LT_ACT_NOFLUSH || action == LT_ACT_UNKNOWN)
		do_disable(st, tp, now ? now : bpf_ktime_get_ns());
	state_done(&r);
	return 0;
}

SEC("tp_btf/lazy_mmu_pause")
int BPF_PROG(top_pause, unsigned long ip, int action, const struct lazy_mmu_state *lms)
{
	struct lt_top_totals *tp;
	struct state_ref r;

	/* counted; a pause neither opens nor closes a section */
	begin(&tp, &r);
	state_done(&r);
	return 0;
}

SEC("tp_btf/lazy_mmu_resume")
int BPF_PROG(top_resume, unsigned long ip, int action, const struct lazy_mmu_state *lms)
{
	struct lt_top_totals *tp;
	struct state_ref r;

	begin(&tp, &r);
	state_done(&r);
	return 0;
}

/* The page an address is in, its tag set back (src/recon.c's page_of). */
static __always_inline __u64 page_of(__u64 addr)
{
	if (addr & (1ULL << 55))	/* a kernel address: its tag set back */
		addr |= 0xffULL << 56;
	return addr & ~((1ULL << (page_shift & 63)) - 1);
}


/*
 * --hazards: the page of the entry pageattr_pte_entry() is updating, if the update can hurt
 * an access before its barrier (src/recon.c's classes from the entry: an invalid entry made
 * valid, or a valid one changed; an entry rewritten as it was never is).
 */
static __always_inline void keep_page(struct top_state *st, struct lt_top_totals *tp, __u64 val,
				      __u64 site, __u64 ip, __u64 now)
{
	__u64 old = st->pte_old;
	__u32 n = st->npages;

	st->pte_ptr = 0;
	if (!(val & PTE_VALID) || ((old & PTE_VALID) && old == val))
		return;
	if (n >= LT_TOP_MAX_PAGES) {
		tp->page_overflow++;
		return;
	}
	n &= LT_TOP_MAX_PAGES - 1;
	st->pages[n].page = page_of(st->pte_addr) | (old & PTE_VALID ? 0 : PG_TRANSLATION);
	st->pages[n].site = site;
	st->pages[n].ip = ip;
	st->pages[n].ts = now;
	st->npages = n + 1;
}

/* A deferred update, counted under the innermost section's site; its site returned. */
static __always_inline __u64 do_defer(struct top_state *st, struct lt_top_totals *tp, __u64 now)
{
	__u64 site = innermost(st);
	struct lt_top_site *s;
	__u32 i, n;

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
	return site;
}

SEC("tp_btf/lazy_mmu_defer")
int BPF_PROG(top_defer, unsigned long ip, int level, const void *entryp, __u64 val,
	     const struct lazy_mmu_state *lms)
{
	struct lt_top_totals *tp;
	struct state_ref r;
	struct top_state *st = begin(&tp, &r);
	__u64 site, now = bpf_ktime_get_ns();

	if (!st)
		return 0;
	st->leave_ts = 0;
	site = do_defer(st, tp, now);
	if (hazards && st->pte_ptr && st->pte_ptr == (__u64)entryp)
		keep_page(st, tp, (__u64)val, site, ip, now);
	state_done(&r);
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

/* The barriers ran: they complete every pending deferral of the task, each under its site. */
static __always_inline void do_flush(struct top_state *st, struct lt_top_totals *tp, __u64 now)
{
	struct lt_top_site *s;
	__u64 batch = 0;
	__u32 i;

	tp->flushes++;
	s = site_of(innermost(st));
	if (s)
		s->flushes++;
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
	st->npages = 0;		/* no access can be hurt any more */
}

SEC("tp_btf/lazy_mmu_flush")
int BPF_PROG(top_flush, unsigned long ip, unsigned int completed, const struct lazy_mmu_state *lms)
{
	struct lt_top_totals *tp;
	struct state_ref r;
	struct top_state *st = begin(&tp, &r);
	__u64 now = bpf_ktime_get_ns();

	if (!st)
		return 0;
	do_flush(st, tp, now);
	/*
	 * lazy_mmu_mode_disable() counts its section closed before it flushes, and fires its
	 * own tracepoint right after this one: a flush that finds one section fewer open than
	 * top keeps is that disable's, and the section ends with it: the disable takes this
	 * clock read instead of its own (under TCG a read is emulated, and the reads are about
	 * half of what top adds to the workload). Any other flush, or a count top does not
	 * agree with, leaves the disable to read the clock itself.
	 */
	if (!st->over && st->depth && lms && lms->enable_count + 1 == st->depth)
		st->leave_ts = now;
	state_done(&r);
	return 0;
}

/*
 * Switched out. Without --hazards: the task's state, if it is this CPU's resident one, goes
 * back to its task storage (src/top.c attaches this program before the lazy MMU ones, so no
 * task's state moves in before its switch-out is seen), unless migration is disabled: then
 * the task may be in the middle of a program that holds the slot, and comes back here.
 * With --hazards: arm64's __switch_to() issues dsb(ish), which makes the task's pending
 * page-table writes visible to the walker, so its kept pages are no longer hazards (as in
 * src/recon.c's on_switch). They stay pending for the counts until the flush.
 */
SEC("tp_btf/sched_switch")
int BPF_PROG(top_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	struct top_state *st, *res;

	if (!hazards) {
		res = cpu_state_of(CPU_STATE_RESIDENT);
		if (!res || res->owner != (__u64)prev)
			return 0;
		if (bpf_core_field_exists(prev->migration_disabled) && prev->migration_disabled)
			return 0;
		st = bpf_task_storage_get(&task_state, prev, NULL, 0);
		if (st) {
			bpf_probe_read_kernel(st, state_size(res), res);
		} else {
			struct lt_top_totals *tp = tot();

			if (tp)		/* cannot be: the state came from that storage */
				tp->no_state++;
		}
		res->owner = 0;
		return 0;
	}
	if (!((prev->thread_info.flags >> (pending_bit & 63)) & 1))
		return 0;
	st = state_of(prev);
	if (st)
		st->npages = 0;
	return 0;
}

/* --- hazards (--hazards) ------------------------------------------------------------- */

/* The state of a task top follows (the filters), or NULL; else state_done() ends the
 * handler. */
static __always_inline struct top_state *followed(struct state_ref *r)
{
	r->nursery = NULL;
	return filtered() ? NULL : state(r);
}

/* The entry being updated, and its value before, for the deferral it may make. */
SEC("fentry/pageattr_pte_entry")
int BPF_PROG(top_pte_entry, void *ptep, unsigned long addr)
{
	struct state_ref r;
	struct top_state *st = followed(&r);

	if (!st)
		return 0;
	st->pte_deferred = 0;
	st->pte_old = lt_pte_load(ptep);
	st->pte_ptr = (__u64)ptep;
	st->pte_addr = addr;
	state_done(&r);
	return 0;
}

static __always_inline void hazard_record(struct top_state *st, __u32 i, enum lt_top_hazard_kind kind,
					  __u64 ip, void *ctx, bool stack, bool entry)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct lt_top_hazard *h;
	__u64 id = lt_pid_tgid();
	__u32 k = i & (LT_TOP_MAX_PAGES - 1);
	struct lt_top_totals *tp = tot();

	h = bpf_ringbuf_reserve(&hazard_ring, sizeof(*h), 0);
	if (!h) {
		if (tp)
			tp->hazards_lost++;
		return;
	}
	h->ts = bpf_ktime_get_ns();
	h->defer_ts = st->pages[k].ts;
	h->addr = st->pages[k].page & ~PG_FLAGS;
	h->site = st->pages[k].site;
	h->defer_ip = st->pages[k].ip;
	h->ip = ip;
	h->pid = id >> 32;
	h->tid = (__u32)id;
	h->cpu = bpf_get_smp_processor_id();
	h->kind = kind;
	h->translation = !!(st->pages[k].page & PG_TRANSLATION);
	h->in_irq = !!(t->thread_info.preempt_count & HARDIRQ_SOFTIRQ_NMI_MASK);
	h->pad[0] = h->pad[1] = 0;
	bpf_get_current_comm(h->comm, sizeof(h->comm));
	h->nr_frames = 0;
	if (stack)
		h->nr_frames = lt_access_stack(ctx, h->frames, entry);
	bpf_ringbuf_submit(h, 0);
}

/* Kept page i is a hazard of this kind: counted at its section's site, and sent. */
static __always_inline void mark_hazard(struct top_state *st, struct lt_top_totals *tp, __u32 i,
					enum lt_top_hazard_kind kind, __u64 ip, void *ctx, bool entry)
{
	__u32 k = i & (LT_TOP_MAX_PAGES - 1);
	bool confirmed = kind == LT_TOP_HZ_CONFIRMED;
	struct lt_top_site *s;

	st->pages[k].page |= confirmed ? PG_CONFIRMED : PG_POTENTIAL;
	if (confirmed)
		tp->hazards_confirmed++;
	else
		tp->hazards_potential++;
	s = site_of(st->pages[k].site);
	if (s) {
		if (confirmed)
			s->hz_confirmed++;
		else
			s->hz_potential++;
	}
	hazard_record(st, k, kind, ip, ctx, confirmed, entry);	/* the stack of an access */
}

/*
 * clear_page(to), copy_page(to, from): the cookie of include/lazytrace.h (LT_ACCESS_*), the
 * argument holding the address, LT_ACCESS_CALL_SITE at a call site (`bl clear_page`, from a DWARF site table: on stock kernels the
 * functions themselves are notrace), as lazytrace's kprobe_access. Checked only while the
 * task has barriers pending; in an interrupt, the current task is the one interrupted, whose
 * pending updates the interrupt's accesses meet on this CPU.
 */
SEC("kprobe")
int top_access(struct pt_regs *ctx)
{
	struct task_struct *t = bpf_get_current_task_btf();
	__u64 cookie = bpf_get_attach_cookie(ctx), arg = cookie & LT_ACCESS_ARG_MASK, addr, page;
	struct lt_top_totals *tp;
	struct top_state *st;
	__u32 n;

	if (!((t->thread_info.flags >> (pending_bit & 63)) & 1))
		return 0;
	if (filtered())
		return 0;
	st = state_of(t);
	if (!st || !st->npages)
		return 0;
	tp = tot();
	if (!tp)
		return 0;
	{
		__u64 a0 = PT_REGS_PARM1(ctx), a1 = PT_REGS_PARM2(ctx);

		barrier_var(a0);
		barrier_var(a1);
		addr = arg ? a1 : a0;
	}
	page = page_of(addr);
	n = st->npages;
	for (__u32 i = 0; i < LT_TOP_MAX_PAGES; i++) {
		__u64 p;

		if (i >= n)
			break;
		p = st->pages[i].page;
		if ((p & ~PG_FLAGS) == page && !(p & PG_CONFIRMED))
			mark_hazard(st, tp, i, LT_TOP_HZ_CONFIRMED, PT_REGS_IP(ctx), ctx,
				    !(cookie & LT_ACCESS_CALL_SITE));
	}
	return 0;
}

/* A call that made [addr, addr + numpages pages) valid returned with some still deferred. */
static __always_inline void handed_back(struct top_state *st, __u64 addr, __u64 numpages,
					__u64 ip, void *ctx)
{
	struct lt_top_totals *tp = tot();
	__u64 start = page_of(addr);
	__u32 n = st->npages;

	if (!tp)
		return;
	for (__u32 i = 0; i < LT_TOP_MAX_PAGES; i++) {
		__u64 p;

		if (i >= n)
			break;
		p = st->pages[i].page;
		if (!(p & PG_POTENTIAL) && (p & ~PG_FLAGS) >= start &&
		    (((p & ~PG_FLAGS) - start) >> (page_shift & 63)) < numpages)
			mark_hazard(st, tp, i, LT_TOP_HZ_POTENTIAL, ip, ctx, false);
	}
}

SEC("fentry/__kernel_map_pages")
int BPF_PROG(top_map_pages, struct page *page, int numpages, int enable)
{
	struct state_ref r;
	struct top_state *st = followed(&r);

	if (!st)
		return 0;
	st->map_depth++;
	st->map_addr = 0;
	st->map_pages = 0;
	state_done(&r);
	return 0;
}

/* Reported once, at the outermost call's return (as src/recon.c), with the range the
 * set_memory_valid() it made had: a struct page is not an address. */
SEC("fexit/__kernel_map_pages")
int BPF_PROG(top_map_pages_ret, struct page *page, int numpages, int enable)
{
	struct state_ref r;
	struct top_state *st = followed(&r);

	if (!st)
		return 0;
	if (st->map_depth) {
		st->map_depth--;
		if (enable && st->npages && st->map_addr)
			handed_back(st, st->map_addr, st->map_pages, bpf_get_func_ip(ctx), ctx);
	}
	state_done(&r);
	return 0;
}

SEC("fexit/set_memory_valid")
int BPF_PROG(top_set_valid_ret, unsigned long addr, int numpages, int enable)
{
	struct state_ref r;
	struct top_state *st = followed(&r);

	if (!st)
		return 0;
	if (st->map_depth) {
		st->map_addr = addr;
		st->map_pages = numpages > 0 ? numpages : 0;
	} else if (enable && st->npages && numpages > 0) {
		handed_back(st, addr, numpages, bpf_get_func_ip(ctx), ctx);
	}
	state_done(&r);
	return 0;
}

/* --- DWARF sites (--source dwarf): the inlined lazy MMU helpers of a stock kernel -------- */

/* The kernel's count after our sections, made good (a helper whose site was not probed):
 * sections closed (with the flush leaving one makes) or opened at this site. */
static __always_inline void sync_depth(struct top_state *st, struct lt_top_totals *tp, __u32 ec,
				       bool pending, __u64 ip, __u64 now)
{
	for (int i = 0; i < LT_TOP_MAX_DEPTH && st->depth > ec; i++) {
		if (st->npend && (st->depth == 1 ? !pending : !nesting_noflush))
			do_flush(st, tp, now);
		do_disable(st, tp, now);
	}
	for (int i = 0; i < LT_TOP_MAX_DEPTH && st->depth < ec; i++)
		do_enable(st, tp, ip, now);
}

/*
 * What the helpers' own code does, from the task's state before it ran (a site fires at the
 * helper's first instruction), as src/recon.c's derive_site(): the tracepoints' figures of
 * a kernel without them. A disable or pause that will emit pending barriers counts its flush
 * at once, while its section is still the innermost (the flush site inside the helper, when
 * probed, fires next and is then skipped; when not, e.g. in an out-of-line copy, the flag
 * read here is what says it happens). The cookie: bpf/site_cookie.h.
 */
SEC("kprobe")
int top_site(struct pt_regs *ctx)
{
	struct task_struct___lt *t = (void *)bpf_get_current_task_btf();
	__u64 cookie = bpf_get_attach_cookie(ctx), ip = PT_REGS_IP(ctx), now, val = 0, entry = 0;
	unsigned int type = lt_site_type(cookie);
	unsigned long flags = t->thread_info.flags;
	bool pending = (flags >> (pending_bit & 63)) & 1, ended = false, skip;
	struct lt_top_totals *tp;
	struct state_ref r;
	struct top_state *st;
	__u32 ec = 0, pc = 0;

	if (!bpf_core_field_exists(t->lazy_mmu_state))
		return 0;
	ec = t->lazy_mmu_state.enable_count;
	pc = t->lazy_mmu_state.pause_count;
	if (bpf_core_field_exists(t->lazy_mmu_state.ended))
		ended = t->lazy_mmu_state.ended;
	/* the registers only where they are used: a conditional site, or --hazards' entry */
	if (type == LT_DEFER && (lt_site_cond(cookie) || hazards)) {
		lt_site_regs(ctx, cookie, &entry, &val);
		if (lt_site_no_deferral(cookie, val))
			return 0;
	}
	st = begin(&tp, &r);
	if (!st)
		return 0;
	/* in an interrupt the helpers do nothing (the mode is off there) */
	if (t->thread_info.preempt_count & HARDIRQ_SOFTIRQ_NMI_MASK)
		return 0;
	now = bpf_ktime_get_ns();
	skip = st->flush_done;
	st->flush_done = 0;
	if (type == LT_FLUSH) {
		/* arch_flush_lazy_mmu_mode(): barriers only if the flag was set */
		if (pending && !skip)
			do_flush(st, tp, now);
		goto out;
	}
	if (type == LT_DEFER && (!ec || pc || ended))
		goto out;	/* not in an active section: emitted at once */
	if (ec != st->depth && !st->over)
		sync_depth(st, tp, ec, pending, ip, now);
	switch (type) {
	case LT_ENABLE:
		if (!pc)
			do_enable(st, tp, ip, now);
		break;
	case LT_DISABLE:
		if (pc || !ec)
			break;
		/* leaving emits the barriers; so does a nested disable, unless noflush */
		if (pending && (ec == 1 || !nesting_noflush)) {
			do_flush(st, tp, now);
			st->flush_done = 1;
		}
		do_disable(st, tp, now);
		break;
	case LT_PAUSE:
		if (ec && !pc && pending) {
			do_flush(st, tp, now);
			st->flush_done = 1;
		}
		break;
	case LT_DEFER: {
		__u64 site = do_defer(st, tp, now);

		/* --hazards: the entry pageattr_pte_entry() is updating, kept at its return,
		 * where its new value can be read (the register may not hold it here) */
		if (hazards && entry && st->pte_ptr == entry) {
			st->pte_deferred = 1;
			st->pte_site = site;
			st->pte_ip = ip;
			st->pte_ts = now;
		}
		break;
	}
	}
out:
	state_done(&r);
	return 0;
}

/* --hazards with DWARF sites: the deferred entry's page, classed by its old and new values. */
SEC("fexit/pageattr_pte_entry")
int BPF_PROG(top_pte_exit, void *ptep, unsigned long addr)
{
	struct lt_top_totals *tp = tot();
	struct state_ref r;
	struct top_state *st = followed(&r);
	__u64 val = 0;

	if (!st)
		return 0;
	if (tp && st->pte_deferred && st->pte_ptr == (__u64)ptep) {
		st->pte_deferred = 0;
		val = lt_pte_load(ptep);
		keep_page(st, tp, val, st->pte_site, st->pte_ip, st->pte_ts);
	}
	state_done(&r);
	return 0;
}

