/* SPDX-License-Identifier: GPL-2.0 */
/*
 * src/recon.h: per-task reconstruction of lazy MMU activity. A pure library: events in
 * (struct lt_event, in time order per task), timeline items, hazards, anomalies and
 * statistics out through callbacks. No BPF, no I/O: `live`, replay and the unit tests all
 * drive it the same way.
 */
#ifndef LT_RECON_H
#define LT_RECON_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "lazytrace.h"

/* Where deferrals come from; fixed per stream by the capabilities the loader attached. */
enum lt_defer_source {
	LT_DEFER_FROM_TRACEPOINT,	/* LT_DEFER events (patched kernel) */
	LT_DEFER_FROM_PTE_UPDATE,	/* LT_PTE_UPDATE with LT_F_DEFERRED (stock kernels) */
};

/* What a nested disable does (the patched kernel's /sys/kernel/debug/lazy_mmu/nesting; stock
 * kernels: nested). Needed to derive actions from DWARF site events (probes+dwarf). */
enum lt_nesting {
	LT_NESTING_NESTED,
	LT_NESTING_FLAT,
	LT_NESTING_NOFLUSH,
};

/*
 * Whose timeline an item is on. An interrupt handler runs on a CPU, not in the task it
 * interrupted: the kernel ignores the lazy MMU helpers there (7.x), so its map calls and
 * accesses are never part of that task's nesting. Every CPU has its own idle task, all with
 * tid 0: one timeline each.
 */
enum lt_context {
	LT_CTX_TASK,		/* the task .tid */
	LT_CTX_IDLE,		/* the idle task (tid 0) of CPU .cpu */
	LT_CTX_IRQ,		/* interrupt context (hard or soft) on CPU .cpu; .tid and .pid are
				 * those of the task it interrupted, .comm is "irq/CPU" */
};

/* One key per timeline, for sinks that keep a lane per timeline: tids stay below 2^22
 * (PID_MAX_LIMIT), so the top bits are free. */
#define LT_LANE_IDLE	0x80000000u
#define LT_LANE_IRQ	0xc0000000u

static inline __u32 lt_lane_key(enum lt_context ctx, __u32 tid, __u16 cpu)
{
	return ctx == LT_CTX_IDLE ? LT_LANE_IDLE | cpu : ctx == LT_CTX_IRQ ? LT_LANE_IRQ | cpu : tid;
}

const char *lt_context_name(enum lt_context ctx);	/* "task", "idle", "irq" */

/* What a timeline item is. */
enum lt_item_kind {
	LT_ITEM_ENABLE,		/* section opened (or nested); .action */
	LT_ITEM_DISABLE,	/* section closed; .action */
	LT_ITEM_PAUSE,
	LT_ITEM_RESUME,
	LT_ITEM_DEFER,		/* one deferred update (.addr if known, .entry) */
	LT_ITEM_FLUSH,		/* deferred barriers emitted; .count completed, .inferred */
	LT_ITEM_MAP,		/* __kernel_map_pages / set_memory_valid entry: .addr, .count pages, .enable */
	LT_ITEM_MAP_RET,	/* ... and its return */
	LT_ITEM_PTE,		/* per-PTE update (not itself deferred, or deferral counted elsewhere) */
	LT_ITEM_ACCESS,		/* access probe hit: .addr */
	LT_ITEM_LOST,		/* events were lost here: .count */
	LT_ITEM_SWITCH,		/* switched out in a section or with barriers pending: .count
				 * deferrals the switch made visible to the walker, .entry the
				 * next task's tid, .enable preempted */
};

struct lt_item {
	/* pointers and 64-bit fields first, then 32, 16 and 8: 112 bytes, built per item */
	const struct lt_event *ev;	/* the event behind it (NULL for synthesized items) */
	__u64 ts;
	const char *comm;		/* task name if known, else "" */
	__u64 section;			/* id of the innermost section concerned, 0 if none */
	__u64 section_ip;		/* ... the site that opened it (0: none, or not known) */
	__u64 ip;			/* call site or probed function (inferred items: that of the
					 * event that revealed them) */
	__u64 addr;
	__u64 entry;
	__u64 count;
	__u64 npending;			/* its deferrals pending after the item, as counted here */
	enum lt_item_kind kind;
	__u32 pid, tid;
	enum lt_context ctx;		/* whose timeline */
	unsigned int depth;		/* nesting depth after the item (0 = outside any section) */
	int action;			/* enum lt_action for transitions, enum lt_level for DEFER */
	__u16 cpu;
	bool opened;			/* LT_ITEM_ENABLE: this item opened .section (an enable
					 * that nests or enters, below the depth bound) */
	bool inferred;			/* synthesized from state, not reported by the kernel */
	bool enable;
	bool pending;			/* task had barriers pending after the item */
	bool unfolded;			/* a call or update a folded record stood for
					 * (include/lazytrace.h: LT_MAP_FOLDED, LT_DEFER_PTE) */
};

enum lt_hazard_kind {
	LT_HAZARD_CONFIRMED,	/* an access touched a page whose PTE update is still deferred */
	LT_HAZARD_POTENTIAL,	/* a mapping made valid in a section was handed back, still deferred */
};

/* What the deferred update did, by the best evidence there is (enum lt_hazard_evidence). */
enum lt_hazard_class {
	LT_HZ_TRANSLATION,	/* made an invalid entry valid: an access before the barrier can
				 * take a spurious translation fault */
	LT_HZ_UNKNOWN,		/* neither the old entry nor an open call tells */
	LT_HZ_INVALIDATION,	/* made a page invalid: never a hazard (an access is a real
				 * fault, not a spurious one) */
	LT_HZ_PERMISSION,	/* changed a valid entry (its permissions or attributes): an
				 * access before the barrier can still see the old ones */
	LT_HZ_UNCHANGED,	/* rewrote a valid entry as it was: never a hazard */
};

/* What the class rests on. */
enum lt_hazard_evidence {
	LT_HZE_NONE,		/* nothing: LT_HZ_UNKNOWN */
	LT_HZE_CALL,		/* the open set_memory_valid/__kernel_map_pages call's enable */
	LT_HZE_ENTRY,		/* the entry's value before the update, read at the callback's
				 * entry, against the value it wrote */
};

struct lt_hazard {
	enum lt_hazard_kind kind;
	enum lt_hazard_class cls;
	enum lt_hazard_evidence evidence;
	__u32 pid, tid;			/* the task whose update was deferred */
	enum lt_context ctx;		/* ... its timeline (a task or an idle task) */
	bool in_irq;			/* the access came from an interrupt on that task's CPU */
	const char *comm;
	__u64 addr;			/* page address */
	__u64 section;			/* section the deferral belongs to */
	__u64 section_ip;		/* where that section was opened */
	__u64 defer_ip;			/* where the update was deferred */
	__u64 defer_ts;
	__u64 ts;			/* access (confirmed) or return (potential) */
	__u64 ip;			/* access probe / returning function */
	__u64 age_ns;			/* ts - defer_ts */
	__u16 cpu;			/* CPU of the access or return */
	const __u64 *frames;		/* kernel stack of the access, may be NULL */
	unsigned int nr_frames;
};

enum lt_anomaly_kind {
	LT_ANOM_DISABLE_WITHOUT_ENABLE,
	LT_ANOM_LEAVE_WITH_PENDING,	/* outermost exit, barriers still pending after it */
	LT_ANOM_OPEN_AT_EXIT,		/* section still open when the stream ended */
	LT_ANOM_STATE_MISMATCH,		/* kernel's counters disagree with the reconstruction */
	LT_ANOM_LOST,			/* events lost: state of the tasks may be incomplete */
	LT_ANOM_PENDING_BIT,		/* probes+dwarf: after a deferral, the task's next event did
					 * not show TIF_LAZY_MMU_PENDING (the bit lazytrace reads is
					 * not the kernel's): reported once */
};

struct lt_anomaly {
	enum lt_anomaly_kind kind;
	enum lt_lost_cause cause;	/* LT_ANOM_LOST */
	__u32 pid, tid;			/* 0 for LT_ANOM_LOST (not tied to a task) */
	enum lt_context ctx;
	const char *comm;		/* task name if known, else "" */
	__u16 cpu;			/* LT_ANOM_LOST: the CPU that lost them, if known (.cpu_known) */
	bool cpu_known;
	__u64 ts;
	__u64 ip;
	__u64 count;			/* lost events; open sections (OPEN_AT_EXIT); the kernel's
					 * enable_count (STATE_MISMATCH); barriers pending (LEAVE_...) */
	unsigned int depth;		/* reconstructed depth when it was detected (before a resync) */
};

struct lt_stats {
	__u64 events;			/* records */
	__u64 unfolded_events;		/* calls and updates that folded records stood for
					 * (include/lazytrace.h), besides their own */
	__u64 sections;			/* sections opened (outermost and nested) */
	__u64 nested_sections;
	__u64 max_depth;
	__u64 deferred_ptes;
	__u64 flushes;
	__u64 hazards_confirmed;
	__u64 hazards_potential;
	__u64 lost_events;		/* all causes: */
	__u64 lost_ring_full;
	__u64 lost_recursion;
	__u64 lost_evicted;
	__u64 lost_kprobe_missed;
	__u64 lost_kretprobe_missed;
	__u64 lost_map_full;
	__u64 lost_names;		/* task-name records, already among lost_ring_full (not in
					 * lost_events): names of tasks that will show as "" */
	__u64 gaps;			/* places where events went missing (a CPU's sequence hole,
					 * or a loss without a place) */
	__u64 anomalies;
	__u64 invalid_events;		/* records rejected by lt_recon_feed (-EINVAL) */
};

/*
 * Deferrals completed by a flush: a task's deferred updates made in sections opened at one
 * site, all emitted by the flush at .ts (the barriers cover every update of the task). Their
 * time pending is from each deferral to .ts. Deferrals whose state was lost (a gap) are never
 * completed: their flush may have been lost with it.
 */
struct lt_completion {
	__u64 ts;			/* the flush */
	__u32 pid, tid;
	enum lt_context ctx;
	__u16 cpu;
	__u64 section_ip;		/* the site of the sections they were deferred in (0: none) */
	__u64 count;
	unsigned __int128 pending_sum_ns;	/* summed over the count */
	__u64 pending_max_ns;		/* the oldest one's */
};

struct lt_recon_ops {
	void *ctx;
	void (*item)(void *ctx, const struct lt_item *it);
	void (*hazard)(void *ctx, const struct lt_hazard *hz);
	void (*anomaly)(void *ctx, const struct lt_anomaly *an);
	void (*completed)(void *ctx, const struct lt_completion *c);	/* may be NULL */
	/* Kinds of item the sink ignores, a bit each (1u << enum lt_item_kind): not built
	 * at all, which is much of the work per event; 0: it renders every item. */
	__u32 item_skip;
};

struct lt_recon;

struct lt_recon *lt_recon_new(enum lt_defer_source src, const struct lt_recon_ops *ops);
void lt_recon_free(struct lt_recon *r);

/* Feed one record: the event and, for LT_ACCESS, its stack frames. Returns 0, or -EINVAL
 * for a record that is not a valid event (unknown type, action not valid for the type,
 * nr_frames > LT_MAX_FRAMES or frames NULL with nr_frames), which is counted in
 * stats.invalid_events and skipped; -ENOMEM if a new task cannot be tracked. */
int lt_recon_feed(struct lt_recon *r, const struct lt_event *ev, const __u64 *frames);

/* The nesting semantics of the traced kernel, by name ("nested", "flat", "noflush"; anything
 * else: nested). Call before the first event. */
void lt_recon_set_nesting(struct lt_recon *r, const char *name);

/* The traced kernel's page size (PAGE_SHIFT 12, 14 or 16; others are ignored): hazards match
 * addresses by page. 12 until set (recordings made before the header carried it). */
void lt_recon_set_page_shift(struct lt_recon *r, unsigned int shift);

/*
 * Events lost with the ring buffer full, as BPF counted them (all CPUs). Records with
 * sequence numbers (LT_F_SEQ) show each loss where it happened, on its CPU, and the tasks
 * that ran there lose their state (no hazard, no pending time from it) until their next
 * state; these counts are then only checked against the holes: what no hole shows (lost
 * after a CPU's last record) is reported at the end. Without sequence numbers (recordings
 * made before), a loss here drops every task's state.
 */
void lt_recon_lost(struct lt_recon *r, __u64 ts, __u64 count);

/*
 * Events the kernel skipped because the same BPF program was already running on that CPU
 * (recursion misses): an interrupt's events (which change no task's lazy MMU state: 7.x
 * ignores the helpers in interrupt context), or on preemptible kernels another task's map
 * call or PTE update while a task was preempted inside an fentry program (tracepoint
 * programs run with preemption off). The CPU and task are not known: counted and reported
 * as lost, and the tasks' state is kept.
 */
void lt_recon_missed(struct lt_recon *r, __u64 ts, __u64 count);

/* The flight recorder dropped its oldest records (count, or 0 if it does not know how many)
 * to keep the newest: a gap in every timeline, counted apart from losses in the kernel. */
void lt_recon_evicted(struct lt_recon *r, __u64 ts, __u64 count);

/* count records went missing at ts for cause: ring full, recursion and eviction as the three
 * calls above; kprobe misses and lost names keep the tasks' state (as recursion misses);
 * kretprobe misses and a full per-PTE map lose a task's event with no place known, so
 * every timeline loses its state (as a ring-full loss BPF counted after its last record). */
void lt_recon_dropped(struct lt_recon *r, enum lt_lost_cause cause, __u64 ts, __u64 count);

/* End of stream: reports sections still open. */
void lt_recon_finish(struct lt_recon *r);

const struct lt_stats *lt_recon_stats(const struct lt_recon *r);

/* The name of a task (from LT_TASK records), "" if unknown. */
const char *lt_recon_comm(struct lt_recon *r, __u32 tid);

const char *lt_action_name(int action);	/* "enter", "nest", ..., "unknown" */
const char *lt_level_name(int level);	/* "pte", "pmd", ... */
const char *lt_item_name(enum lt_item_kind kind);	/* "enable", ..., "lost" (the JSON "type") */
const char *lt_hazard_name(enum lt_hazard_kind kind);	/* "confirmed", "potential" */
const char *lt_anomaly_name(enum lt_anomaly_kind kind);	/* "disable_without_enable", ... */
const char *lt_lost_cause_name(enum lt_lost_cause cause);	/* "ring_full", "recursion", ... */
/* Adds a loss of count records by cause to st (lost_*, gaps): the one place that says which
 * cause counts how; the reconstruction and the output filter both use it. */
void lt_stats_count_lost(struct lt_stats *st, enum lt_lost_cause cause, __u64 count);
const char *lt_hazard_class_name(enum lt_hazard_class cls);	/* "translation", ... */
const char *lt_hazard_evidence_name(enum lt_hazard_evidence e);	/* "none", "call", "entry" */

/* Bounds on the state kept (memory stays bounded whatever the stream). */
#define LT_RECON_MAX_TASKS	32768	/* beyond: idle tasks, then the oldest, are forgotten */
#define LT_RECON_MAX_DEPTH	256	/* sections per task (enable_count is a u8) */
#define LT_RECON_MAX_PENDING	16384	/* deferrals remembered per task; more are only counted */
#define LT_RECON_MAX_CALLS	8	/* open __kernel_map_pages/set_memory_valid calls per task */

#endif /* LT_RECON_H */
