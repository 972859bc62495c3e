// SPDX-License-Identifier: GPL-2.0
/*
 * src/recon.c: per-task reconstruction of lazy MMU activity (see recon.h).
 *
 * Each task (tid) has a stack of open sections, the deferrals not yet flushed, the
 * __kernel_map_pages/set_memory_valid calls in progress and the last state the kernel
 * reported. Transition events (patched kernels) drive the stack directly; on stock kernels
 * the enable_count and TIF_LAZY_MMU_PENDING carried by every event are the only source, and
 * the enables, disables and flushes between two events are inferred from their difference.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmodel.h"
#include "recon.h"
#include "recon_seq.h"
#include "tidtab.h"


struct section {
	__u64 id, ts, ip;
};

struct deferral {
	__u64 addr, entry, ts, ip;
	__u64 section, section_ip;
	bool has_addr, potential, confirmed;
	bool lent;			/* named by an earlier update of its entry: the next one
					 * of that entry renames it (on_pte_update) */
	bool switched;			/* visible to the walker since a switch (on_switch) */
	enum lt_hazard_class cls;	/* what an access before the barrier risks */
	enum lt_hazard_evidence evidence;
};

/* A task's pending deferrals by the site of their section: what a flush completes. */
struct pend {
	__u64 site, n, first_ts;
	unsigned __int128 sum_ts;
};

struct call {
	__u16 type;		/* LT_MAP_PAGES or LT_SET_VALID */
	bool enable;
	bool folded;		/* LT_SET_VALID unfolded from LT_MAP_FOLDED (see unfold) */
	__u64 addr, numpages, ts, ip;
};

struct task {
	struct lt_tidnode node;		/* first: lane key (lt_lane_key), lookup, first-seen order */
	__u32 tid, pid;
	enum lt_context ctx;
	__u16 cpu;			/* idle task or interrupt context: its CPU */
	struct task *interrupted;	/* interrupt context: the task it interrupted, for the event
					 * being fed only */
	char comm[LT_COMM_LEN + 1];

	struct section *secs;
	unsigned int depth, secs_cap;
	__u64 closed_id, closed_ip;	/* the section closed last (its items come after) */
	bool ended;			/* flat: a nested disable ended the mode */

	struct deferral *defs;
	size_t ndefs, defs_cap;
	__u64 untracked;		/* deferrals not kept: beyond LT_RECON_MAX_PENDING, or
					 * without an address (vmalloc, PMD/PUD: nothing to match) */
	__u64 untracked_switched;	/* ... of which a switch made visible */
	struct pend *pend;		/* every pending deferral, by section site */
	size_t npend, pend_cap;

	struct call calls[LT_RECON_MAX_CALLS];
	unsigned int ncalls, calls_overflow;

	bool synced;			/* a state-bearing event was seen */
	bool resync;			/* after lost events: take the next state as is */
	bool last_pending;		/* LT_F_PENDING of the last state-bearing event */
	__u8 enable_count, pause_count;	/* last reported by the kernel */

	bool has_last_pte;
	__u64 last_pte_entry, last_pte_addr, last_pte_val;
	__u32 last_pte_old;		/* its LT_PTE_OLD_* */
	bool unfolded_pte;		/* the last event unfolded a PTE update (LT_DEFER_PTE) ... */
	__u64 unfolded_entry, unfolded_val;	/* ... of this entry, to this value */

	__u64 last_ts;
	__u16 last_cpu;

	/* probes+dwarf: a disable or pause whose flush site fires next (see site_event) */
	bool expect_pending;		/* a site deferral: the next event must show the flag */
	bool has_held;
	bool held_flush;		/* ... which emits the pending barriers (flag read set) */
	struct lt_event held;
	__u64 held_ts;			/* when it is released: after interrupt items since */
};

struct lt_recon {
	enum lt_defer_source src;
	enum lt_nesting nesting;
	struct lt_recon_ops ops;
	__u32 renders;			/* kinds of item built, a bit each: ops.item_skip's rest */
	struct lt_tidtab tasks;		/* tasks and idle tasks */
	struct task **irqs;		/* interrupt context by CPU, never evicted */
	unsigned int nirqs;
	__u64 next_section;
	bool saw_transition, saw_flush, finished;
	bool unfolding;			/* feeding what a folded record stood for (unfold) */
	bool pending_bit_seen, pending_bit_warned;	/* the pending flag checked (sites) */
	unsigned int page_shift;	/* the traced kernel's (src/kmodel.h), 12 by default */
	struct lt_seq seq;		/* records with sequence numbers: in order, holes found */
	bool seq_mode;			/* such records seen */
	__u64 counted_lost;		/* ... and the ring-full losses BPF counted meanwhile */
	__u64 early_lost, early_ts;	/* counted before the first record: which kind of
					 * stream it is is not known yet */
	__u64 max_ts;
	struct lt_stats st;
};

/* The page an address is in, tags set back (kmodel.h): what hazards match on. */
static inline __u64 page_of(const struct lt_recon *r, __u64 addr)
{
	return lt_untag(addr) & ~((1ULL << r->page_shift) - 1);
}

/* ---------------------------------------------------------------- names */

const char *lt_action_name(int action)
{
	static const char *const names[] = {
		[LT_ACT_ENTER] = "enter", [LT_ACT_NEST] = "nest", [LT_ACT_LEAVE] = "leave",
		[LT_ACT_FLUSH] = "flush", [LT_ACT_PAUSE] = "pause", [LT_ACT_RESUME] = "resume",
		[LT_ACT_NOOP] = "noop", [LT_ACT_IGN_PAUSED] = "ignored_paused",
		[LT_ACT_IGN_IRQ] = "ignored_irq", [LT_ACT_END] = "end", [LT_ACT_NOFLUSH] = "noflush",
	};

	if (action >= 0 && action < (int)(sizeof(names) / sizeof(names[0])) && names[action])
		return names[action];
	return "unknown";
}

const char *lt_level_name(int level)
{
	static const char *const names[] = { "pte", "pmd", "pud", "p4d", "pgd" };

	if (level >= 0 && level < (int)(sizeof(names) / sizeof(names[0])))
		return names[level];
	return "unknown";
}

const char *lt_item_name(enum lt_item_kind kind)
{
	switch (kind) {
	case LT_ITEM_ENABLE: return "enable";
	case LT_ITEM_DISABLE: return "disable";
	case LT_ITEM_PAUSE: return "pause";
	case LT_ITEM_RESUME: return "resume";
	case LT_ITEM_DEFER: return "defer";
	case LT_ITEM_FLUSH: return "flush";
	case LT_ITEM_MAP: return "map";
	case LT_ITEM_MAP_RET: return "map_ret";
	case LT_ITEM_PTE: return "pte";
	case LT_ITEM_ACCESS: return "access";
	case LT_ITEM_LOST: return "lost";
	case LT_ITEM_SWITCH: return "switch";
	}
	return "unknown";
}

const char *lt_hazard_class_name(enum lt_hazard_class cls)
{
	switch (cls) {
	case LT_HZ_TRANSLATION: return "translation";
	case LT_HZ_INVALIDATION: return "invalidation";
	case LT_HZ_PERMISSION: return "permission";
	case LT_HZ_UNCHANGED: return "unchanged";
	default: return "unknown";
	}
}

const char *lt_hazard_evidence_name(enum lt_hazard_evidence e)
{
	return e == LT_HZE_ENTRY ? "entry" : e == LT_HZE_CALL ? "call" : "none";
}

/* Classes an access before the barrier cannot be hurt by. */
static bool harmless(enum lt_hazard_class cls)
{
	return cls == LT_HZ_INVALIDATION || cls == LT_HZ_UNCHANGED;
}

const char *lt_lost_cause_name(enum lt_lost_cause cause)
{
	switch (cause) {
	case LT_LOST_RECURSION: return "recursion";
	case LT_LOST_EVICTED: return "evicted";
	case LT_LOST_KPROBE: return "kprobe_missed";
	case LT_LOST_KRETPROBE: return "kretprobe_missed";
	case LT_LOST_MAP_FULL: return "map_full";
	case LT_LOST_NAME: return "name";
	default: return "ring_full";
	}
}

/* Does a loss of this cause leave the tasks' state as it was? Recursion and entry-kprobe
 * misses skip only events of an interrupt (or of our own programs) taken while one of our
 * programs ran: they change no task's lazy MMU state. A lost name changes nothing either
 * (its hole is counted as a ring-full loss). */
static bool keeps_state(enum lt_lost_cause cause)
{
	return cause == LT_LOST_RECURSION || cause == LT_LOST_KPROBE || cause == LT_LOST_NAME;
}

void lt_stats_count_lost(struct lt_stats *st, enum lt_lost_cause cause, __u64 count)
{
	switch (cause) {
	case LT_LOST_RECURSION: st->lost_recursion += count; break;
	case LT_LOST_EVICTED: st->lost_evicted += count; break;
	case LT_LOST_KPROBE: st->lost_kprobe_missed += count; break;
	case LT_LOST_KRETPROBE: st->lost_kretprobe_missed += count; break;
	case LT_LOST_MAP_FULL: st->lost_map_full += count; break;
	case LT_LOST_NAME: st->lost_names += count; return;	/* among the ring-full ones */
	default: st->lost_ring_full += count; break;
	}
	st->lost_events += count;
	if (!keeps_state(cause))
		st->gaps++;
}

const char *lt_context_name(enum lt_context ctx)
{
	return ctx == LT_CTX_IDLE ? "idle" : ctx == LT_CTX_IRQ ? "irq" : "task";
}

const char *lt_hazard_name(enum lt_hazard_kind kind)
{
	return kind == LT_HAZARD_CONFIRMED ? "confirmed" : "potential";
}

const char *lt_anomaly_name(enum lt_anomaly_kind kind)
{
	switch (kind) {
	case LT_ANOM_DISABLE_WITHOUT_ENABLE: return "disable_without_enable";
	case LT_ANOM_LEAVE_WITH_PENDING: return "leave_with_pending";
	case LT_ANOM_OPEN_AT_EXIT: return "open_at_exit";
	case LT_ANOM_STATE_MISMATCH: return "state_mismatch";
	case LT_ANOM_LOST: return "lost";
	case LT_ANOM_PENDING_BIT: return "pending_bit_unset";
	}
	return "unknown";
}

/* ---------------------------------------------------------------- tasks */

static struct task *task_of(struct lt_tidnode *n)
{
	return (struct task *)n;	/* node is the first member */
}

/* The task's timeline: tid 0 is every CPU's idle task, one timeline per CPU. */
static __u32 task_key(__u32 tid, __u16 cpu)
{
	return tid ? tid : lt_lane_key(LT_CTX_IDLE, 0, cpu);
}

static struct task *task_find(struct lt_recon *r, __u32 key)
{
	return task_of(lt_tidtab_find(&r->tasks, key));
}

static void task_free(struct lt_recon *r, struct task *t)
{
	lt_tidtab_del(&r->tasks, &t->node);
	free(t->secs);
	free(t->defs);
	free(t->pend);
	free(t);
}

static bool task_idle(const struct task *t)
{
	return !t->depth && !t->ndefs && !t->untracked && !t->ncalls && !t->has_held;
}

/* At the cap: forget up to a quarter of the tasks that hold nothing open, oldest first, or
 * else the oldest task. */
static void evict(struct lt_recon *r)
{
	size_t freed = 0;
	struct lt_tidnode *n, *next;

	for (n = r->tasks.head; n && freed < LT_RECON_MAX_TASKS / 4; n = next) {
		next = n->next;
		if (task_idle(task_of(n))) {
			task_free(r, task_of(n));
			freed++;
		}
	}
	if (!freed && r->tasks.head)
		task_free(r, task_of(r->tasks.head));
}

static struct task *task_get(struct lt_recon *r, __u32 tid, __u32 pid, __u16 cpu)
{
	__u32 key = task_key(tid, cpu);
	struct task *t = task_find(r, key);

	if (t)
		return t;
	if (r->tasks.n >= LT_RECON_MAX_TASKS)
		evict(r);
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->tid = tid;
	t->pid = pid;
	if (!tid) {
		/* the kernel's name for it; LT_TASK names tid 0 once, on one CPU */
		t->ctx = LT_CTX_IDLE;
		t->cpu = cpu;
		snprintf(t->comm, sizeof(t->comm), "swapper/%u", cpu);
	}
	lt_tidtab_add(&r->tasks, &t->node, key);
	return t;
}

/* The interrupt context of a CPU (the table grows to the highest CPU seen). */
static struct task *irq_get(struct lt_recon *r, __u16 cpu)
{
	struct task *t;

	if (cpu >= r->nirqs) {
		unsigned int n = cpu + 1u < 2 * r->nirqs ? 2 * r->nirqs : cpu + 1u;
		struct task **v = realloc(r->irqs, n * sizeof(*v));

		if (!v)
			return NULL;
		memset(v + r->nirqs, 0, (n - r->nirqs) * sizeof(*v));
		r->irqs = v;
		r->nirqs = n;
	}
	t = r->irqs[cpu];
	if (!t) {
		t = calloc(1, sizeof(*t));
		if (!t)
			return NULL;
		t->ctx = LT_CTX_IRQ;
		t->cpu = cpu;
		t->node.tid = lt_lane_key(LT_CTX_IRQ, 0, cpu);
		snprintf(t->comm, sizeof(t->comm), "irq/%u", cpu);
		r->irqs[cpu] = t;
	}
	return t;
}

/* ---------------------------------------------------------------- output */

static __u64 innermost(const struct task *t)
{
	return t->depth ? t->secs[t->depth - 1].id : 0;
}

static __u64 npending(const struct task *t)
{
	return t->ndefs + t->untracked;
}

static bool in_irq(const struct lt_event *ev)
{
	return ev->flags & LT_F_IN_IRQ;
}

/*
 * Events that may come while the task is halfway through a lazy MMU helper, not between two
 * of its steps: an interrupt's (it carries the state of the task it interrupted: counter
 * updated, event not yet emitted, or the reverse) and a switch's (a lazy section may be
 * preempted on arm64; seen in the lab: switched out between enable_count++ and its
 * tracepoint, and between a disable site and its flush site). Their state never drives the
 * depth, and they never release a site's held transition.
 */
static bool mid_helper(const struct lt_event *ev)
{
	return in_irq(ev) || ev->type == LT_SWITCH;
}

static bool ev_pending(const struct lt_event *ev)
{
	return ev && (ev->flags & LT_F_STATE) && (ev->flags & LT_F_PENDING);
}

/* Whether the sink wants items of this kind (struct lt_recon_ops.item_skip). */
static bool renders(const struct lt_recon *r, enum lt_item_kind kind)
{
	return r->renders >> kind & 1;
}

/* An item of a kind the sink does not render gets its kind only: emit() drops it. */
static void item_init(const struct lt_recon *r, struct lt_item *it, const struct task *t,
		      const struct lt_event *ev, enum lt_item_kind kind, __u64 ts)
{
	/*
	 * Cleared by a copy, padding and all (items are compared whole), not by memset: gcc
	 * clears a struct of this size with `rep stosq`, whose start-up cost, paid once an item
	 * or more per event, showed in `stats`; the copy is a few vector moves.
	 */
	static const struct lt_item zero;

	if (!renders(r, kind)) {
		it->kind = kind;
		return;
	}
	*it = zero;
	it->kind = kind;
	it->ev = ev;
	it->ts = ts;
	it->pid = t->pid;
	it->tid = t->tid;
	it->cpu = ev ? ev->cpu : t->last_cpu;
	it->ctx = t->ctx;
	it->comm = t->comm;
	it->ip = ev ? ev->ip : 0;
}

/* The site that opened section id: open, or the one closed last. */
static __u64 section_site(const struct task *t, __u64 id)
{
	for (unsigned int i = t->depth; i > 0; i--)
		if (t->secs[i - 1].id == id)
			return t->secs[i - 1].ip;
	return id && id == t->closed_id ? t->closed_ip : 0;
}

static void emit(struct lt_recon *r, const struct task *t, struct lt_item *it)
{
	if (!renders(r, it->kind))
		return;
	it->depth = t->depth;
	if (!it->section)
		it->section = innermost(t);
	it->section_ip = section_site(t, it->section);
	it->npending = npending(t);
	it->unfolded = r->unfolding;
	it->pending = it->npending || (it->ev && ev_pending(it->ev) && it->kind != LT_ITEM_FLUSH);
	r->ops.item(r->ops.ctx, it);
}

static void anomaly(struct lt_recon *r, const struct task *t, enum lt_anomaly_kind kind,
		    __u64 ts, __u64 ip, __u64 count)
{
	struct lt_anomaly an = {
		.kind = kind, .ts = ts, .ip = ip, .count = count, .comm = "",
	};

	if (t) {
		an.pid = t->pid;
		an.tid = t->tid;
		an.ctx = t->ctx;
		an.comm = t->comm;
		an.cpu = t->last_cpu;
		an.depth = t->depth;
	}
	r->st.anomalies++;
	if (r->ops.anomaly)
		r->ops.anomaly(r->ops.ctx, &an);
}

static void hazard(struct lt_recon *r, const struct task *t, enum lt_hazard_kind kind,
		   const struct deferral *d, const struct lt_event *ev, const __u64 *frames)
{
	struct lt_hazard hz = {
		.kind = kind, .pid = t->pid, .tid = t->tid, .ctx = t->ctx, .comm = t->comm,
		.in_irq = in_irq(ev), .cls = d->cls, .evidence = d->evidence, .addr = page_of(r, d->addr), .section = d->section, .section_ip = d->section_ip,
		.defer_ip = d->ip, .defer_ts = d->ts, .ts = ev->ts, .ip = ev->ip, .cpu = ev->cpu,
		.age_ns = ev->ts > d->ts ? ev->ts - d->ts : 0,
	};

	if (frames && ev->nr_frames) {
		hz.frames = frames;
		hz.nr_frames = ev->nr_frames;
	}
	if (kind == LT_HAZARD_CONFIRMED)
		r->st.hazards_confirmed++;
	else
		r->st.hazards_potential++;
	if (r->ops.hazard)
		r->ops.hazard(r->ops.ctx, &hz);
}

/* ---------------------------------------------------------------- state changes */

static bool push_section(struct lt_recon *r, struct task *t, __u64 ts, __u64 ip)
{
	if (t->depth >= LT_RECON_MAX_DEPTH)
		return false;
	if (t->depth == t->secs_cap) {
		unsigned int cap = t->secs_cap ? t->secs_cap * 2 : 4;
		struct section *s = realloc(t->secs, cap * sizeof(*s));

		if (!s)
			return false;
		t->secs = s;
		t->secs_cap = cap;
	}
	t->secs[t->depth++] = (struct section){ .id = r->next_section++, .ts = ts, .ip = ip };
	r->st.sections++;
	if (t->depth > 1)
		r->st.nested_sections++;
	if (t->depth > r->st.max_depth)
		r->st.max_depth = t->depth;
	return true;
}

static __u64 pop_section(struct task *t)
{
	__u64 id = innermost(t);

	if (t->depth) {
		t->depth--;
		t->closed_id = id;
		t->closed_ip = t->secs[t->depth].ip;
	}
	if (!t->depth)
		t->ended = false;
	return id;
}

static void drop_deferrals(struct task *t)
{
	t->ndefs = 0;
	t->untracked = 0;
	t->untracked_switched = 0;
	t->npend = 0;
	if (t->defs_cap > 64) {
		free(t->defs);
		t->defs = NULL;
		t->defs_cap = 0;
	}
	if (t->pend_cap > 64) {
		free(t->pend);
		t->pend = NULL;
		t->pend_cap = 0;
	}
}

/* A pending deferral, counted under the site of its section for the flush to complete. */
static void pend_add(struct task *t, __u64 site, __u64 ts)
{
	struct pend *p = NULL;

	for (size_t i = t->npend; i > 0; i--) {	/* a handful of sites */
		if (t->pend[i - 1].site == site) {
			p = &t->pend[i - 1];
			break;
		}
	}
	if (!p) {
		if (t->npend == t->pend_cap) {
			size_t cap = t->pend_cap ? t->pend_cap * 2 : 4;
			struct pend *v;

			if (t->npend >= LT_RECON_MAX_PENDING)
				return;	/* hostile input: counted as deferred, never completed */
			v = realloc(t->pend, cap * sizeof(*v));
			if (!v)
				return;
			t->pend = v;
			t->pend_cap = cap;
		}
		p = &t->pend[t->npend++];
		*p = (struct pend){ .site = site, .first_ts = ts };
	}
	p->n++;
	p->sum_ts += ts;
}

/* A flush at ts emits the barriers of every pending deferral of the task. */
static void complete_deferrals(struct lt_recon *r, const struct task *t,
			       const struct lt_event *ev, __u64 ts)
{
	for (size_t i = 0; i < t->npend && r->ops.completed; i++) {
		const struct pend *p = &t->pend[i];
		unsigned __int128 total = (unsigned __int128)p->n * ts;
		struct lt_completion c = {
			.ts = ts, .pid = t->pid, .tid = t->tid, .ctx = t->ctx,
			.cpu = ev ? ev->cpu : t->last_cpu, .section_ip = p->site, .count = p->n,
			.pending_sum_ns = total > p->sum_ts ? total - p->sum_ts : 0,
			.pending_max_ns = ts > p->first_ts ? ts - p->first_ts : 0,
		};

		r->ops.completed(r->ops.ctx, &c);
	}
}

static void flush(struct lt_recon *r, struct task *t, const struct lt_event *ev, __u64 ts,
		  __u64 count, bool inferred)
{
	struct lt_item it;

	complete_deferrals(r, t, ev, ts);
	drop_deferrals(t);
	r->st.flushes++;
	item_init(r, &it, t, ev, LT_ITEM_FLUSH, ts);
	it.count = count;
	it.inferred = inferred;
	emit(r, t, &it);
}

/*
 * What a deferred update risks, from the call it was made in (the task's innermost
 * set_memory_valid or __kernel_map_pages): making a page valid (translation: an access
 * before the barrier can take a spurious translation fault), or making it invalid (no
 * spurious fault: an access is a real one, a bug of its own). With no such call open, the
 * old entry is unknown (a permission change of set_memory_ro/x, or a path not probed).
 */
static enum lt_hazard_class class_of(const struct task *t)
{
	if (!t->ncalls)
		return LT_HZ_UNKNOWN;
	return t->calls[t->ncalls - 1].enable ? LT_HZ_TRANSLATION : LT_HZ_INVALIDATION;
}

/*
 * Better evidence, where the per-PTE probe read the entry before the update (LT_PTE_OLD_*):
 * the old value against the new one says what the update did, whatever call (or none) it
 * was made in.
 */
static void class_from_entry(struct deferral *d, __u32 old, __u64 val)
{
	if (!(old & LT_PTE_OLD_KNOWN))
		return;
	d->evidence = LT_HZE_ENTRY;
	if (!(val & 1))				/* PTE_VALID */
		d->cls = LT_HZ_INVALIDATION;
	else if (!(old & LT_PTE_OLD_VALID))
		d->cls = LT_HZ_TRANSLATION;
	else if (old & LT_PTE_OLD_SAME)
		d->cls = LT_HZ_UNCHANGED;
	else
		d->cls = LT_HZ_PERMISSION;
}

static void defer(struct lt_recon *r, struct task *t, const struct lt_event *ev, int level,
		  __u64 addr, bool has_addr, __u64 entry)
{
	struct lt_item it;

	r->st.deferred_ptes++;
	/*
	 * The previous deferral still without an address will not get one (its PTE update,
	 * which names it, comes right after it): a count, so that deferrals without an address
	 * (vmalloc, PMD/PUD) never fill the table that hazards match on.
	 */
	if (t->ndefs && !t->defs[t->ndefs - 1].has_addr) {
		t->ndefs--;
		t->untracked++;
		t->untracked_switched += t->defs[t->ndefs].switched;
	}
	if (t->ndefs < LT_RECON_MAX_PENDING) {
		if (t->ndefs == t->defs_cap) {
			size_t cap = t->defs_cap ? t->defs_cap * 2 : 16;
			struct deferral *d = realloc(t->defs, cap * sizeof(*d));

			if (!d) {
				t->untracked++;
				goto out;
			}
			t->defs = d;
			t->defs_cap = cap;
		}
		t->defs[t->ndefs++] = (struct deferral){
			.addr = addr, .has_addr = has_addr, .entry = entry, .ts = ev->ts,
			.ip = ev->ip, .section = innermost(t),
			.section_ip = t->depth ? t->secs[t->depth - 1].ip : 0, .cls = class_of(t),
			.evidence = t->ncalls ? LT_HZE_CALL : LT_HZE_NONE,
		};
		/* stock kernels: the deferral is the PTE update itself */
		if (ev->type == LT_PTE_UPDATE)
			class_from_entry(&t->defs[t->ndefs - 1], ev->aux, ev->arg1);
	} else {
		t->untracked++;
	}
out:
	pend_add(t, t->depth ? t->secs[t->depth - 1].ip : 0, ev->ts);
	item_init(r, &it, t, ev, LT_ITEM_DEFER, ev->ts);
	it.action = level;
	it.addr = has_addr ? addr : 0;
	it.entry = entry;
	emit(r, t, &it);
}

/* Brings the reconstructed depth to the kernel's, synthesizing what happened in between. */
static void sync_depth(struct lt_recon *r, struct task *t, const struct lt_event *ev,
		       unsigned int target, bool report)
{
	struct lt_item it;

	if (target == t->depth)
		return;
	if (report)
		anomaly(r, t, LT_ANOM_STATE_MISMATCH, ev->ts, ev->ip, target);
	while (t->depth > target) {
		__u64 id;

		/*
		 * Leaving the mode always emits the barriers. So does closing a nested section,
		 * unless the kernel's nesting is noflush (stock kernels are nested): the event that
		 * shows the lower depth may itself be a new deferral, pending again, so the flag
		 * it carries says nothing about the flush before it.
		 */
		if (npending(t) && (t->depth == 1 ? !ev_pending(ev) : r->nesting != LT_NESTING_NOFLUSH))
			flush(r, t, ev, ev->ts, npending(t), true);
		id = pop_section(t);
		item_init(r, &it, t, ev, LT_ITEM_DISABLE, ev->ts);
		it.action = LT_ACT_UNKNOWN;
		it.inferred = true;
		it.section = id;
		emit(r, t, &it);
	}
	while (t->depth < target) {
		if (!push_section(r, t, ev->ts, ev->ip))
			break;
		t->ended = false;
		item_init(r, &it, t, ev, LT_ITEM_ENABLE, ev->ts);
		it.action = LT_ACT_UNKNOWN;
		it.inferred = true;
		it.opened = true;
		emit(r, t, &it);
	}
}

static bool is_transition(const struct lt_event *ev)
{
	return ev->type >= LT_ENABLE && ev->type <= LT_RESUME;
}

static bool patched(const struct lt_recon *r)
{
	return r->src == LT_DEFER_FROM_TRACEPOINT || r->saw_transition;
}

/* Depth before a transition, from the kernel's count after it. */
static unsigned int depth_before(const struct lt_event *ev)
{
	unsigned int ec = ev->enable_count;

	switch (ev->action) {
	case LT_ACT_ENTER:
	case LT_ACT_NEST:
		return ev->type == LT_ENABLE && ec ? ec - 1 : ec;
	case LT_ACT_LEAVE:
	case LT_ACT_FLUSH:
	case LT_ACT_END:
	case LT_ACT_NOFLUSH:
		return ev->type == LT_DISABLE ? ec + 1 : ec;
	}
	return ec;
}

/* What the state carried by an event says happened since the task's previous event. */
static void pre_state(struct lt_recon *r, struct task *t, const struct lt_event *ev)
{
	bool pending = ev->flags & LT_F_PENDING;

	/* Stock kernels: TIF_LAZY_MMU_PENDING went away, so barriers were emitted. */
	if (r->src == LT_DEFER_FROM_PTE_UPDATE && !r->saw_flush && t->synced && !t->resync &&
	    t->last_pending && !pending)
		flush(r, t, ev, ev->ts, npending(t), true);

	/* A flush reports the count after the disable that caused it, reported next. */
	if (ev->type == LT_FLUSH)
		return;
	if (is_transition(ev)) {
		if (t->resync)
			sync_depth(r, t, ev, depth_before(ev), false);
		return;
	}
	sync_depth(r, t, ev, ev->enable_count, patched(r) && t->synced && !t->resync);
}

/* ---------------------------------------------------------------- events */

/*
 * The actions each transition type may carry (bit per enum lt_action below 62; bit 63:
 * LT_ACT_UNKNOWN, bit 62: any other); 0: the type takes any. A table, not a switch: a
 * mispredicted jump per event was a tenth of `stats`. And no branch on which kind of entry
 * it is: that is as random as the type (half the events of a recording take any action),
 * and a select costs a few instructions where the branch missed every other event.
 */
#define A(x) (1ull << LT_ACT_##x)
#define A_UNKNOWN (1ull << 63)
static const __u64 VALID_ACTIONS[LT_TYPE_MAX] = {
	[LT_ENABLE] = A(ENTER) | A(NEST) | A(NOOP) | A(IGN_PAUSED) | A(IGN_IRQ) | A_UNKNOWN,
	[LT_DISABLE] = A(LEAVE) | A(FLUSH) | A(END) | A(NOFLUSH) | A(NOOP) | A(IGN_PAUSED) |
		       A(IGN_IRQ) | A_UNKNOWN,
	[LT_PAUSE] = A(PAUSE) | A(NOOP) | A(IGN_IRQ) | A_UNKNOWN,
	[LT_RESUME] = A(RESUME) | A(NOOP) | A(IGN_IRQ) | A_UNKNOWN,
	[LT_DEFER] = (1u << (LT_LVL_PGD + 1)) - 1,	/* levels */
};
#undef A_UNKNOWN
#undef A

static bool valid(const struct lt_event *ev, const __u64 *frames)
{
	unsigned int a = ev->action;
	__u64 mask;

	if (ev->type < LT_ENABLE || ev->type >= LT_TYPE_MAX)
		return false;
	if (ev->nr_frames > LT_MAX_FRAMES || (ev->nr_frames && !frames))
		return false;
	mask = VALID_ACTIONS[ev->type];
	a = a == LT_ACT_UNKNOWN ? 63 : a < 62 ? a : 62;
	return (mask == 0) | (mask >> a & 1);
}

static void on_enable(struct lt_recon *r, struct task *t, const struct lt_event *ev)
{
	struct lt_item it;
	bool opens = ev->action == LT_ACT_ENTER || ev->action == LT_ACT_NEST ||
		     ev->action == LT_ACT_UNKNOWN;

	bool opened = false;

	if (opens) {
		opened = push_section(r, t, ev->ts, ev->ip);
		t->ended = false;
	}
	item_init(r, &it, t, ev, LT_ITEM_ENABLE, ev->ts);
	it.action = ev->action;
	it.opened = opened;
	emit(r, t, &it);
}

static void on_disable(struct lt_recon *r, struct task *t, const struct lt_event *ev)
{
	struct lt_item it;
	int a = ev->action;
	bool closes = a == LT_ACT_LEAVE || a == LT_ACT_FLUSH || a == LT_ACT_END ||
		      a == LT_ACT_NOFLUSH || a == LT_ACT_UNKNOWN;
	bool leave;
	__u64 id = 0;

	item_init(r, &it, t, ev, LT_ITEM_DISABLE, ev->ts);
	it.action = a;
	if (!closes) {
		emit(r, t, &it);
		return;
	}
	if (!t->depth) {
		anomaly(r, t, LT_ANOM_DISABLE_WITHOUT_ENABLE, ev->ts, ev->ip, 0);
		emit(r, t, &it);
		return;
	}
	leave = a == LT_ACT_LEAVE || (a == LT_ACT_UNKNOWN && t->depth == 1);
	/* The barriers this disable emitted, if their flush event is missing. */
	if ((leave || a == LT_ACT_FLUSH || a == LT_ACT_END) && npending(t) && !ev_pending(ev))
		flush(r, t, ev, ev->ts, npending(t), true);
	id = pop_section(t);
	if (a == LT_ACT_END && t->depth)
		t->ended = true;
	it.section = id;
	emit(r, t, &it);
	if (leave && ev_pending(ev))
		anomaly(r, t, LT_ANOM_LEAVE_WITH_PENDING, ev->ts, ev->ip, npending(t));
}

static void on_pause_resume(struct lt_recon *r, struct task *t, const struct lt_event *ev)
{
	struct lt_item it;

	item_init(r, &it, t, ev, ev->type == LT_PAUSE ? LT_ITEM_PAUSE : LT_ITEM_RESUME, ev->ts);
	it.action = ev->action;
	emit(r, t, &it);
}

static void on_pte_update(struct lt_recon *r, struct task *t, const struct lt_event *ev)
{
	struct lt_item it;

	if (r->src == LT_DEFER_FROM_PTE_UPDATE) {
		if (ev->flags & LT_F_DEFERRED) {
			defer(r, t, ev, LT_LVL_PTE, ev->addr, true, ev->arg0);
			return;
		}
	} else {
		/* Names the VA of the LT_DEFER for this entry, whichever comes first. */
		t->has_last_pte = true;
		t->last_pte_entry = ev->arg0;
		t->last_pte_addr = ev->addr;
		t->last_pte_old = ev->aux;
		t->last_pte_val = ev->arg1;
		if (t->ndefs) {
			struct deferral *d = &t->defs[t->ndefs - 1];

			/*
			 * A deferral named by an earlier update of its entry (lent) takes this
			 * one's evidence: the earlier one may be long past (the page's unmapping
			 * when it was freed), and would class it as an invalidation.
			 */
			if ((!d->has_addr || d->lent) && d->entry == ev->arg0) {
				d->addr = ev->addr;
				d->has_addr = true;
				d->lent = false;
				t->has_last_pte = false;
				class_from_entry(d, ev->aux, ev->arg1);
			}
		}
	}
	item_init(r, &it, t, ev, LT_ITEM_PTE, ev->ts);
	it.addr = ev->addr;
	it.entry = ev->arg0;
	emit(r, t, &it);
}

static void on_defer(struct lt_recon *r, struct task *t, const struct lt_event *ev)
{
	bool has_addr = false;
	__u64 addr = 0;

	if (r->src != LT_DEFER_FROM_TRACEPOINT)
		return;
	if (t->has_last_pte && t->last_pte_entry == ev->arg0) {
		addr = t->last_pte_addr;
		has_addr = true;
		t->has_last_pte = false;
	}
	defer(r, t, ev, ev->action, addr, has_addr, ev->arg0);
	/* The PTE update came first: its evidence goes to this deferral (if it was kept), until
	 * one that follows it says otherwise. */
	if (has_addr && t->ndefs && t->defs[t->ndefs - 1].ts == ev->ts &&
	    t->defs[t->ndefs - 1].entry == ev->arg0) {
		class_from_entry(&t->defs[t->ndefs - 1], t->last_pte_old, t->last_pte_val);
		t->defs[t->ndefs - 1].lent = true;
	}
}

static void on_map(struct lt_recon *r, struct task *t, const struct lt_event *ev)
{
	struct lt_item it;

	/*
	 * The BPF side cannot turn __kernel_map_pages()'s struct page into an address; the
	 * set_memory_valid() call it makes has it.
	 */
	if (ev->type == LT_SET_VALID && t->ncalls &&
	    t->calls[t->ncalls - 1].type == LT_MAP_PAGES && !t->calls[t->ncalls - 1].addr)
		t->calls[t->ncalls - 1].addr = ev->addr;

	if (t->ncalls < LT_RECON_MAX_CALLS)
		t->calls[t->ncalls++] = (struct call){
			.type = ev->type, .enable = ev->arg1 != 0, .addr = ev->addr,
			.numpages = ev->arg0, .ts = ev->ts, .ip = ev->ip,
		};
	else
		t->calls_overflow++;
	item_init(r, &it, t, ev, LT_ITEM_MAP, ev->ts);
	it.addr = ev->addr;
	it.count = ev->arg0;
	it.enable = ev->arg1 != 0;
	emit(r, t, &it);
}

static bool in_range(const struct lt_recon *r, __u64 page, const struct call *c)
{
	__u64 start = page_of(r, c->addr);

	return page >= start && ((page - start) >> r->page_shift) < c->numpages;
}

static void on_map_ret(struct lt_recon *r, struct task *t, const struct lt_event *ev)
{
	__u16 entry_type = ev->type == LT_MAP_PAGES_RET ? LT_MAP_PAGES : LT_SET_VALID;
	struct lt_item it;
	struct call c;
	bool report = true;
	int i;

	item_init(r, &it, t, ev, LT_ITEM_MAP_RET, ev->ts);
	if (t->calls_overflow) {
		t->calls_overflow--;
		emit(r, t, &it);
		return;
	}
	for (i = (int)t->ncalls - 1; i >= 0 && t->calls[i].type != entry_type; i--)
		;
	if (i < 0) {
		emit(r, t, &it);
		return;
	}
	c = t->calls[i];
	t->ncalls = i;
	it.addr = c.addr;
	it.count = c.numpages;
	it.enable = c.enable;
	emit(r, t, &it);

	if (!c.enable)
		return;
	/* Reported once, at the outermost __kernel_map_pages() return. */
	if (entry_type == LT_SET_VALID)
		for (int j = 0; j < i; j++)
			if (t->calls[j].type == LT_MAP_PAGES)
				report = false;
	if (!report)
		return;
	for (size_t k = 0; k < t->ndefs; k++) {
		struct deferral *d = &t->defs[k];

		if (d->has_addr && !d->potential && !d->switched && !harmless(d->cls) &&
		    in_range(r, page_of(r, d->addr), &c)) {
			d->potential = true;
			hazard(r, t, LT_HAZARD_POTENTIAL, d, ev, NULL);
		}
	}
}

static void match_access(struct lt_recon *r, struct task *t, const struct lt_event *ev,
			 const __u64 *frames)
{
	__u64 page = page_of(r, ev->addr);

	for (size_t k = 0; k < t->ndefs; k++) {
		struct deferral *d = &t->defs[k];

		if (d->has_addr && !d->confirmed && !d->switched && !harmless(d->cls) &&
		    page_of(r, d->addr) == page) {
			d->confirmed = true;
			hazard(r, t, LT_HAZARD_CONFIRMED, d, ev, frames);
		}
	}
}

static void on_access(struct lt_recon *r, struct task *t, const struct lt_event *ev,
		      const __u64 *frames)
{
	struct lt_item it;

	item_init(r, &it, t, ev, LT_ITEM_ACCESS, ev->ts);
	it.addr = ev->addr;
	emit(r, t, &it);
	match_access(r, t, ev, frames);
	/*
	 * An interrupt runs on the CPU whose barriers the interrupted task deferred: its
	 * accesses meet that task's pending updates as the task's own would.
	 */
	if (t->ctx == LT_CTX_IRQ && t->interrupted)
		match_access(r, t->interrupted, ev, frames);
}

/*
 * Switched out. arm64's __switch_to() issues dsb(ish), which makes the task's pending
 * page-table writes visible to the table walker (7.2, arch/arm64/kernel/process.c): an
 * access after it, on whatever CPU the task resumes, cannot take a spurious fault on them,
 * so they are no longer hazards. TIF_LAZY_MMU_PENDING stays with the task and the kernel
 * still emits and reports the barriers at its flush: they stay pending until then.
 */
static void on_switch(struct lt_recon *r, struct task *t, const struct lt_event *ev)
{
	struct lt_item it;
	__u64 n = t->untracked - t->untracked_switched;

	t->untracked_switched = t->untracked;
	for (size_t k = 0; k < t->ndefs; k++)
		if (!t->defs[k].switched) {
			t->defs[k].switched = true;
			n++;
		}
	item_init(r, &it, t, ev, LT_ITEM_SWITCH, ev->ts);
	it.count = n;
	it.entry = ev->arg0;
	it.enable = ev->aux != 0;
	emit(r, t, &it);
}

/* ---------------------------------------------------------------- DWARF sites */

/*
 * probes+dwarf: a site event fired at the entry of an inlined helper and carries the task's
 * state before it ran. What the helper did follows from that state and the kernel's code
 * (include/linux/pgtable.h, arch/arm64/include/asm/pgtable.h): the same action, counters
 * and flags the tracepoints report after the call. false: the helper did nothing to report
 * (queue_pte_barriers() emitted its barriers at once; a flush found nothing pending).
 */
static bool derive_site(const struct lt_recon *r, const struct task *t, const struct lt_event *ev,
			struct lt_event *out)
{
	unsigned int ec = ev->enable_count, pc = ev->pause_count;
	bool irq = ev->flags & LT_F_IN_IRQ;

	*out = *ev;
	out->flags &= ~LT_F_SITE;
	switch (ev->type) {
	case LT_ENABLE:
		if (irq) {
			out->action = LT_ACT_IGN_IRQ;
		} else if (pc) {
			out->action = LT_ACT_IGN_PAUSED;
		} else {
			out->action = ec ? LT_ACT_NEST : LT_ACT_ENTER;
			out->enable_count = ec + 1;
			out->flags &= ~LT_F_ENDED;	/* any enable starts afresh */
		}
		return true;
	case LT_DISABLE:
		if (irq) {
			out->action = LT_ACT_IGN_IRQ;
		} else if (pc) {
			out->action = LT_ACT_IGN_PAUSED;
		} else if (ec <= 1) {
			/* ec 0: an unbalanced disable; the reconstruction reports it */
			out->action = ec ? LT_ACT_LEAVE : LT_ACT_UNKNOWN;
			out->enable_count = 0;
			out->flags &= ~(LT_F_ENDED | LT_F_PENDING);
		} else {
			out->enable_count = ec - 1;
			switch (r->nesting) {
			case LT_NESTING_FLAT:
				out->action = LT_ACT_END;
				out->flags |= LT_F_ENDED;
				out->flags &= ~LT_F_PENDING;
				break;
			case LT_NESTING_NOFLUSH:
				out->action = LT_ACT_NOFLUSH;
				break;
			default:
				out->action = LT_ACT_FLUSH;
				out->flags &= ~LT_F_PENDING;
			}
		}
		return true;
	case LT_PAUSE:
		if (irq) {
			out->action = LT_ACT_IGN_IRQ;
		} else {
			bool active = !pc && ec;

			out->action = active ? LT_ACT_PAUSE : LT_ACT_NOOP;
			out->pause_count = pc + 1;
			if (active)
				out->flags &= ~LT_F_PENDING;
		}
		return true;
	case LT_RESUME:
		if (irq) {
			out->action = LT_ACT_IGN_IRQ;
		} else {
			out->pause_count = pc ? pc - 1 : 0;
			out->action = !out->pause_count && ec ? LT_ACT_RESUME : LT_ACT_NOOP;
		}
		return true;
	case LT_DEFER:
		/* is_lazy_mmu_mode_active(): not in interrupt, enabled, not paused (nor ended by
		 * the flat emulation) */
		if (irq || !ec || pc || (ev->flags & LT_F_ENDED))
			return false;
		out->flags |= LT_F_PENDING;
		return true;
	case LT_FLUSH:
		/* arch_flush_lazy_mmu_mode(): barriers only if TIF_LAZY_MMU_PENDING was set */
		if (!(ev->flags & LT_F_PENDING))
			return false;
		out->aux = npending(t) > 0xffffffffu ? 0xffffffffu : (__u32)npending(t);
		out->flags &= ~LT_F_PENDING;
		return true;
	}
	return true;
}

static int feed(struct lt_recon *r, struct task *t, const struct lt_event *ev,
		const __u64 *frames);

/* The held transition happens now: at ts if interrupt items came out meanwhile (they went
 * first, as the tracepoint's event also comes after them), or with its flush. */
/* cold: only with DWARF sites; keeps feed() inlined in the per-event path */
static __attribute__((noinline, cold)) void release_held(struct lt_recon *r, struct task *t,
							 __u64 ts)
{
	struct lt_event held;

	if (!t->has_held)
		return;
	held = t->held;
	t->has_held = false;
	if (ts > held.ts)
		held.ts = ts;
	/*
	 * Its flush site did not fire (not probed: e.g. inside an out-of-line copy of
	 * lazy_mmu_mode_disable, probed at its calls), but the flag read before it says the
	 * barriers were pending, and leaving or flushing emits them: a flush, as certain as if
	 * its site had fired.
	 */
	if (t->held_flush) {
		struct lt_event f = held;

		t->held_flush = false;
		f.type = LT_FLUSH;
		f.action = 0;
		f.aux = npending(t) > 0xffffffffu ? 0xffffffffu : (__u32)npending(t);
		feed(r, t, &f, NULL);
	}
	feed(r, t, &held, NULL);
}

/*
 * A site probe fires at a helper's first instruction; the tracepoint reports after the
 * helper updated the counters (and after the flush a disable causes). Between the two, an
 * interrupt may come, whose events carry the task's state before the update. So a derived
 * transition is held until the task's next event from task context, and interrupt events
 * go first, as they do with the tracepoints. A flush site goes before the disable or pause
 * that caused it; any other event releases the held transition first (if its flush site was
 * not probed, the reconstruction infers the flush when the transition goes through).
 */
static __attribute__((noinline, cold)) int site_event(struct lt_recon *r, struct task *t,
						      struct task *ic, const struct lt_event *ev)
{
	struct lt_event d;

	if (!in_irq(ev)) {
		/*
		 * The flag's bit is a #define the kernel's BTF and DWARF do not carry: check that the
		 * flag is set after a deferral, until the first time it is.
		 */
		if (t->expect_pending && !r->pending_bit_seen && (ev->flags & LT_F_STATE)) {
			if (ev->flags & LT_F_PENDING) {
				r->pending_bit_seen = true;
			} else if (!r->pending_bit_warned) {
				r->pending_bit_warned = true;
				anomaly(r, t, LT_ANOM_PENDING_BIT, ev->ts, ev->ip, 0);
			}
		}
		t->expect_pending = false;
	}
	if (!derive_site(r, t, ev, &d)) {
		if (!in_irq(ev))
			release_held(r, t, t->held_ts);
		return 0;
	}
	if (ic) {
		if (t->has_held && ev->ts > t->held_ts)
			t->held_ts = ev->ts;
		return feed(r, ic, &d, NULL);
	}
	if (d.type == LT_FLUSH) {
		int ret = feed(r, t, &d, NULL);

		t->held_flush = false;	/* this is the held transition's flush */
		release_held(r, t, ev->ts);
		return ret;
	}
	release_held(r, t, t->held_ts);
	/*
	 * The state before the helper is the kernel's own word: a helper whose site was not
	 * probed (refused by the kernel, or in code the table does not know) shows here as a
	 * difference, made good with inferred items and reported.
	 */
	if ((ev->flags & LT_F_STATE) && ev->enable_count != t->depth) {
		sync_depth(r, t, ev, ev->enable_count, t->synced && !t->resync);
		t->synced = true;
		t->resync = false;
	}
	if (d.type == LT_DEFER)
		t->expect_pending = true;
	if (d.type >= LT_ENABLE && d.type <= LT_RESUME) {
		t->held = d;
		t->held_ts = d.ts;
		t->has_held = true;
		t->held_flush = (ev->flags & LT_F_PENDING) && !(d.flags & LT_F_PENDING);
		return 0;
	}
	return feed(r, t, &d, NULL);
}

void lt_recon_set_nesting(struct lt_recon *r, const char *name)
{
	if (!r)
		return;
	r->nesting = name && !strcmp(name, "flat") ? LT_NESTING_FLAT :
		     name && !strcmp(name, "noflush") ? LT_NESTING_NOFLUSH : LT_NESTING_NESTED;
}

void lt_recon_set_page_shift(struct lt_recon *r, unsigned int shift)
{
	if (r && (shift == 12 || shift == 14 || shift == 16))
		r->page_shift = shift;
}

/* One record, in its place in the stream: to its task's (or CPU's) timeline. */
static int deliver(struct lt_recon *r, const struct lt_event *ev, const __u64 *frames)
{
	struct task *t, *ic = NULL;
	int ret;

	t = task_get(r, ev->tid, ev->pid, ev->cpu);
	if (!t)
		return -ENOMEM;
	t->pid = ev->pid;
	t->last_ts = ev->ts;
	t->last_cpu = ev->cpu;
	if (ev->type == LT_TASK) {
		if (t->ctx == LT_CTX_TASK) {
			memcpy(t->comm, ev->comm, LT_COMM_LEN);
			t->comm[LT_COMM_LEN] = '\0';
		}
		return 0;
	}
	if (__builtin_expect(in_irq(ev), 0)) {
		ic = irq_get(r, ev->cpu);
		if (!ic)
			return -ENOMEM;
		ic->tid = ev->tid;
		ic->pid = ev->pid;
		ic->last_ts = ev->ts;
		ic->last_cpu = ev->cpu;
		ic->interrupted = t;
	}
	if (__builtin_expect(ev->flags & LT_F_SITE, 0) && ev->type >= LT_ENABLE && ev->type <= LT_FLUSH)
		ret = site_event(r, t, ic, ev);
	else {
		/* mid-helper: the held transition's effect comes after it, as its tracepoint's */
		if (__builtin_expect(t->has_held, 0)) {
			if (!mid_helper(ev))
				release_held(r, t, t->held_ts);
			else if (ev->ts > t->held_ts)
				t->held_ts = ev->ts;
		}
		ret = feed(r, ic ? ic : t, ev, frames);
	}
	if (ic)
		ic->interrupted = NULL;	/* t may be evicted before the next interrupt */
	return ret;
}

static int seq_deliver(void *ctx, const struct lt_event *ev, const __u64 *frames)
{
	return deliver(ctx, ev, frames);
}

static void settle_early_lost(struct lt_recon *r, bool numbered);

/* flatten: the per-event path in one piece, as `stats` measures it (the DWARF sites' paths
 * are noinline and call feed() on their own) */
__attribute__((flatten))
int lt_recon_feed(struct lt_recon *r, const struct lt_event *ev, const __u64 *frames)
{
	if (!r || !ev)
		return -EINVAL;
	if (!valid(ev, frames)) {
		r->st.invalid_events++;
		return -EINVAL;
	}
	r->st.events++;
	if (ev->ts > r->max_ts)
		r->max_ts = ev->ts;
	if (__builtin_expect(r->early_lost, 0))
		settle_early_lost(r, ev->flags & LT_F_SEQ);
	if (ev->flags & LT_F_SEQ) {
		r->seq_mode = true;
		return lt_seq_feed(&r->seq, ev, frames);
	}
	return deliver(r, ev, frames);
}

/*
 * Whether an event's state is compared with the reconstruction: not one that may come while
 * the task is halfway through a helper (mid_helper()).
 */
static bool state_drives(const struct lt_event *ev)
{
	return (ev->flags & LT_F_STATE) && !mid_helper(ev);
}

/*
 * Folded records (include/lazytrace.h): the call or update a record stands for besides its
 * own, fed as if it had been recorded, so that every sink sees what unfolded records show.
 * Its time and state are the folding record's; its ip: a PTE update's, the deferral's (in the
 * callback that made both), a set_memory_valid() call's 0 (not known, as from a kretprobe).
 */
static void unfold(struct lt_recon *r, struct task *t, const struct lt_event *ev, __u16 type)
{
	struct lt_event u = *ev;

	u.type = type;
	u.ip = type == LT_PTE_UPDATE ? ev->ip : 0;
	u.aux = 0;
	u.nr_frames = 0;
	switch (type) {
	case LT_SET_VALID:		/* __kernel_map_pages()'s range: .addr, .arg0, .arg1 */
		break;
	case LT_SET_VALID_RET:		/* returned 0 */
		if (t->ncalls && t->calls[t->ncalls - 1].type == LT_SET_VALID)
			u.addr = t->calls[t->ncalls - 1].addr;
		break;
	case LT_PTE_UPDATE:		/* .addr, .arg0 entry, .arg1 value as the deferral's */
		u.aux = ev->aux & LT_DEFER_PTE_OLD;
		u.flags &= ~LT_F_DEFERRED;
		if (ev->aux & LT_DEFER_PTE_DEFERRED)
			u.flags |= LT_F_DEFERRED;
		break;
	}
	r->st.unfolded_events++;
	r->unfolding = true;
	feed(r, t, &u, NULL);
	r->unfolding = false;
	if (type == LT_SET_VALID) {
		/* (beyond LT_RECON_MAX_CALLS it is one of calls_overflow: never taken for a
		 * record of its own) */
		if (!t->calls_overflow && t->ncalls)
			t->calls[t->ncalls - 1].folded = true;
	} else if (type == LT_PTE_UPDATE) {
		t->unfolded_pte = true;
		t->unfolded_entry = ev->arg0;
		t->unfolded_val = ev->arg1;
	}
}

/*
 * Whether a record is one a folded record already stood for: the BPF side records it after
 * all when the slot that carries the fold was not its own any more (another task's call took
 * it: include/lazytrace.h).
 */
static bool already_unfolded(struct lt_recon *r, struct task *t, const struct lt_event *ev)
{
	struct call *c = t->ncalls ? &t->calls[t->ncalls - 1] : NULL;

	if (ev->type == LT_SET_VALID && c && c->folded && c->type == LT_SET_VALID &&
	    c->addr == ev->addr && c->numpages == ev->arg0 && c->enable == (ev->arg1 != 0)) {
		c->folded = false;	/* its return is recorded too */
		c->ip = ev->ip;
		r->st.unfolded_events--;
		return true;
	}
	if (t->unfolded_pte && ev->type != LT_SWITCH) {
		t->unfolded_pte = false;
		/* (sent after all, it went without the entry's old value: the slot was lost) */
		if (ev->type == LT_PTE_UPDATE && ev->arg0 == t->unfolded_entry &&
		    ev->arg1 == t->unfolded_val && !(ev->aux & LT_PTE_OLD_KNOWN)) {
			r->st.unfolded_events--;
			return true;
		}
	}
	return false;
}

/* One event with its meaning known (tracepoints, probes, or derived from a site). */
static int feed(struct lt_recon *r, struct task *t, const struct lt_event *ev,
		const __u64 *frames)
{
	if (__builtin_expect(ev->type == LT_SET_VALID || t->unfolded_pte, 0) && !r->unfolding &&
	    already_unfolded(r, t, ev))
		return 0;
	/* a folded set_memory_valid() returned 0 just before its __kernel_map_pages() (without
	 * the flag, its return was recorded, or lost: on_map_ret closes it with the call) */
	if (ev->type == LT_MAP_PAGES_RET && (ev->aux & LT_MAP_RET_FOLDED))
		unfold(r, t, ev, LT_SET_VALID_RET);
	if (is_transition(ev))
		r->saw_transition = true;
	if (ev->type == LT_FLUSH)
		r->saw_flush = true;
	if (state_drives(ev))
		pre_state(r, t, ev);

	switch (ev->type) {
	case LT_ENABLE:
		on_enable(r, t, ev);
		break;
	case LT_DISABLE:
		on_disable(r, t, ev);
		break;
	case LT_PAUSE:
	case LT_RESUME:
		on_pause_resume(r, t, ev);
		break;
	case LT_DEFER:
		on_defer(r, t, ev);
		break;
	case LT_FLUSH:
		flush(r, t, ev, ev->ts, ev->aux, false);
		break;
	case LT_MAP_PAGES:
	case LT_SET_VALID:
		on_map(r, t, ev);
		break;
	case LT_MAP_PAGES_RET:
	case LT_SET_VALID_RET:
		on_map_ret(r, t, ev);
		break;
	case LT_PTE_UPDATE:
		on_pte_update(r, t, ev);
		break;
	case LT_ACCESS:
		on_access(r, t, ev, frames);
		break;
	case LT_SWITCH:
		on_switch(r, t, ev);
		break;
	}

	if (state_drives(ev)) {
		/* After a transition, the kernel's count must be the reconstructed depth. */
		if (is_transition(ev) && ev->enable_count != t->depth)
			sync_depth(r, t, ev, ev->enable_count, t->synced && !t->resync);
		t->synced = true;
		t->resync = false;
		t->last_pending = ev->flags & LT_F_PENDING;
		t->enable_count = ev->enable_count;
		t->pause_count = ev->pause_count;
	}
	if (ev->type == LT_MAP_PAGES && (ev->aux & LT_MAP_FOLDED))
		unfold(r, t, ev, LT_SET_VALID);
	else if (ev->type == LT_DEFER && (ev->aux & LT_DEFER_PTE) && !(ev->flags & LT_F_SITE))
		unfold(r, t, ev, LT_PTE_UPDATE);
	return 0;
}

static void lost_anomaly(struct lt_recon *r, enum lt_lost_cause cause, int cpu, __u64 ts,
			 __u64 count)
{
	struct lt_anomaly an = {
		.kind = LT_ANOM_LOST, .cause = cause, .ts = ts, .count = count, .comm = "",
		.cpu = cpu >= 0 ? (__u16)cpu : 0, .cpu_known = cpu >= 0,
	};

	lt_stats_count_lost(&r->st, cause, count);
	r->st.anomalies++;
	if (r->ops.anomaly)
		r->ops.anomaly(r->ops.ctx, &an);
}

/* What a loss did to a timeline: its state was not all seen. A lost flush may have
 * completed its deferrals (so none is a hazard any more); the next state resyncs the depth. */
static void lose_state(struct lt_recon *r, struct task *t, __u64 ts, __u64 count)
{
	bool had_state = t->depth || npending(t);

	drop_deferrals(t);	/* the item says what is left: none pending */
	if (had_state) {
		struct lt_item it;

		item_init(r, &it, t, NULL, LT_ITEM_LOST, ts);
		it.count = count;
		emit(r, t, &it);
	}
	t->has_last_pte = false;
	t->unfolded_pte = false;
	t->resync = true;
}

/*
 * A hole in a CPU's sequence: what ran on that CPU then lost events. The tasks last seen
 * there, its idle task and its interrupt context lose their state; a task that ran there
 * only within the hole left no trace to mark.
 */
static void seq_gap(void *ctx, __u16 cpu, __u64 ts, __u64 count)
{
	struct lt_recon *r = ctx;
	struct task *t;

	for (struct lt_tidnode *n = r->tasks.head; n && (t = task_of(n)); n = n->next)
		if (t->last_cpu == cpu)
			release_held(r, t, t->held_ts);
	lost_anomaly(r, LT_LOST_RING_FULL, cpu, ts, count);
	for (struct lt_tidnode *n = r->tasks.head; n && (t = task_of(n)); n = n->next)
		if (t->last_cpu == cpu)
			lose_state(r, t, ts, count);
	if (cpu < r->nirqs && r->irqs[cpu])
		lose_state(r, r->irqs[cpu], ts, count);
}

/* A loss with no place: every timeline may be affected. */
static void lost_everywhere(struct lt_recon *r, enum lt_lost_cause cause, __u64 ts, __u64 count)
{
	struct task *t;

	for (struct lt_tidnode *n = r->tasks.head; n && (t = task_of(n)); n = n->next)
		release_held(r, t, t->held_ts);
	lost_anomaly(r, cause, -1, ts, count);
	for (struct lt_tidnode *n = r->tasks.head; n && (t = task_of(n)); n = n->next)
		lose_state(r, t, ts, count);
	for (unsigned int i = 0; i < r->nirqs; i++)
		if (r->irqs[i])
			lose_state(r, r->irqs[i], ts, count);
}

/* The stream's first record tells what losses counted before it are: in its holes, or not. */
static __attribute__((noinline, cold)) void settle_early_lost(struct lt_recon *r, bool numbered)
{
	__u64 n = r->early_lost;

	r->early_lost = 0;
	if (numbered)
		r->counted_lost += n;
	else
		lost_everywhere(r, LT_LOST_RING_FULL, r->early_ts, n);
}

void lt_recon_lost(struct lt_recon *r, __u64 ts, __u64 count)
{
	if (!r || !count)
		return;
	if (r->seq_mode) {
		r->counted_lost += count;	/* the holes show them; checked at the end */
		return;
	}
	/*
	 * Before any record: a count can come first (a consumer stopped while the ring filled
	 * reads the counter before the records; a recording's loss chunk is written before the
	 * events chunk still being filled). With numbered records the holes show these losses:
	 * counting them here as well counted them twice (seen in test-busy: 84654 for 42408).
	 */
	if (!r->st.events) {
		r->early_lost += count;
		if (!r->early_ts)
			r->early_ts = ts;
		return;
	}
	lost_everywhere(r, LT_LOST_RING_FULL, ts, count);
}

void lt_recon_evicted(struct lt_recon *r, __u64 ts, __u64 count)
{
	if (!r || !count)
		return;
	lt_seq_restart(&r->seq);
	lost_everywhere(r, LT_LOST_EVICTED, ts, count);
}

void lt_recon_missed(struct lt_recon *r, __u64 ts, __u64 count)
{
	lt_recon_dropped(r, LT_LOST_RECURSION, ts, count);
}

void lt_recon_dropped(struct lt_recon *r, enum lt_lost_cause cause, __u64 ts, __u64 count)
{
	if (!r || !count)
		return;
	if (cause == LT_LOST_RING_FULL)
		lt_recon_lost(r, ts, count);
	else if (cause == LT_LOST_EVICTED)
		lt_recon_evicted(r, ts, count);
	else if (keeps_state(cause))
		lost_anomaly(r, cause, -1, ts, count);
	else
		lost_everywhere(r, cause, ts, count);	/* a task's event, no place known */
}

void lt_recon_finish(struct lt_recon *r)
{
	struct task *t;

	if (!r || r->finished)
		return;
	r->finished = true;
	if (r->early_lost)		/* no record at all: nothing to place them by */
		settle_early_lost(r, false);
	lt_seq_settle(&r->seq);
	/* Lost after a CPU's last record: counted by BPF, in no hole. */
	if (r->counted_lost > r->seq.holes)
		lost_everywhere(r, LT_LOST_RING_FULL, r->max_ts, r->counted_lost - r->seq.holes);
	for (struct lt_tidnode *n = r->tasks.head; n && (t = task_of(n)); n = n->next)
		release_held(r, t, t->held_ts);
	for (struct lt_tidnode *n = r->tasks.head; n && (t = task_of(n)); n = n->next)
		if (t->depth)
			anomaly(r, t, LT_ANOM_OPEN_AT_EXIT, t->last_ts, t->secs[t->depth - 1].ip,
				t->depth);
	for (unsigned int i = 0; i < r->nirqs; i++)
		if ((t = r->irqs[i]) && t->depth)
			anomaly(r, t, LT_ANOM_OPEN_AT_EXIT, t->last_ts, t->secs[t->depth - 1].ip,
				t->depth);
}

struct lt_recon *lt_recon_new(enum lt_defer_source src, const struct lt_recon_ops *ops)
{
	struct lt_recon *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->src = src;
	if (ops)
		r->ops = *ops;
	r->renders = r->ops.item ? ~r->ops.item_skip : 0;
	r->next_section = 1;
	r->page_shift = 12;
	lt_seq_init(&r->seq, seq_deliver, seq_gap, r);
	return r;
}

void lt_recon_free(struct lt_recon *r)
{
	if (!r)
		return;
	while (r->tasks.head)
		task_free(r, task_of(r->tasks.head));
	for (unsigned int i = 0; i < r->nirqs; i++)
		if (r->irqs[i]) {
			free(r->irqs[i]->secs);
			free(r->irqs[i]->defs);
			free(r->irqs[i]->pend);
			free(r->irqs[i]);
		}
	free(r->irqs);
	lt_seq_free(&r->seq);
	free(r);
}

const struct lt_stats *lt_recon_stats(const struct lt_recon *r)
{
	return &r->st;
}

const char *lt_recon_comm(struct lt_recon *r, __u32 tid)
{
	const struct task *t = r && tid ? task_find(r, tid) : NULL;

	return t ? t->comm : "";
}
