/* SPDX-License-Identifier: GPL-2.0 */
/*
 * include/lazytrace.h: the event ABI shared by bpf/lazytrace.bpf.c and the userspace in src/.
 *
 * Every ring-buffer record starts with struct lt_event; an LT_ACCESS record that the BPF side
 * judged hazardous is followed by lt_event.nr_frames kernel return addresses (__u64 each).
 * Fields have fixed sizes and are little-endian on every machine lazytrace runs on (arm64 and
 * x86-64), so the same struct also serves the trace file format. Only __u8.. __u64 here: the
 * header is compiled by clang -target bpf against bpf/kernel_types.h and by gcc against
 * linux/types.h.
 */
#ifndef LAZYTRACE_H
#define LAZYTRACE_H

#ifndef __VMLINUX_H__	/* BPF side: bpf/kernel_types.h has the types (vmlinux.h's guard) */
#include <linux/types.h>
#endif

/* 2: folded records (LT_MAP_FOLDED, LT_DEFER_PTE); a reader refuses a newer ABI than its own */
#define LT_ABI_VERSION 2
#define LT_COMM_LEN 16
#define LT_MAX_FRAMES 16
#define LT_KMEM_MAX 8192	/* read_kmem's buffer: the kernel's VMCOREINFO note fits */

/* Record types. */
enum lt_type {
	LT_ENABLE = 1,		/* lazy_mmu_enable tracepoint */
	LT_DISABLE = 2,		/* lazy_mmu_disable tracepoint */
	LT_PAUSE = 3,		/* lazy_mmu_pause tracepoint */
	LT_RESUME = 4,		/* lazy_mmu_resume tracepoint */
	LT_DEFER = 5,		/* lazy_mmu_defer: a barrier deferred; level in .action, .arg0 entry,
				 * .arg1 its new value; .aux LT_DEFER_PTE (then .addr) */
	LT_FLUSH = 6,		/* lazy_mmu_flush: deferred barriers emitted; .aux = completed */
	LT_MAP_PAGES = 7,	/* __kernel_map_pages() entry: .addr page VA, .arg0 numpages, .arg1 enable;
				 * .aux LT_MAP_FOLDED */
	LT_MAP_PAGES_RET = 8,	/* __kernel_map_pages() return: .aux LT_MAP_RET_FOLDED */
	LT_SET_VALID = 9,	/* set_memory_valid() entry: .addr, .arg0 numpages, .arg1 enable */
	LT_SET_VALID_RET = 10,	/* set_memory_valid() return: .aux = return value */
	LT_PTE_UPDATE = 11,	/* per-PTE update (pageattr_pte_entry): .addr VA, .arg0 entry, .arg1 new value;
				 * LT_F_DEFERRED if its barrier was deferred; .aux LT_PTE_OLD_* */
	LT_ACCESS = 12,		/* access probe (clear_page, copy_page, --access-probe): .addr VA,
				 * .aux probe index; stack frames follow if .nr_frames */
	LT_TASK = 13,		/* a task's name, sent once per task: .comm */
	LT_SWITCH = 14,		/* sched_switch of a task in a lazy MMU section or with barriers
				 * pending (its state in the common part): .arg0 the next task's
				 * tid, .aux 1 if preempted */
	LT_TYPE_MAX
};

/*
 * Why records went missing. The values are part of the trace file format (the cause of an
 * LT_CHUNK_DROPPED record, include/lttrace.h); ring-full losses, recursion misses and
 * evictions have chunk types of their own.
 */
enum lt_lost_cause {
	LT_LOST_RING_FULL = 0,	/* the ring buffer had no room (found as a hole in the CPU's
				 * sequence numbers, or counted by BPF after its last record) */
	LT_LOST_RECURSION = 1,	/* the kernel skipped a program: another of ours ran on the CPU */
	LT_LOST_EVICTED = 2,	/* the flight recorder dropped its oldest records for newer ones */
	LT_LOST_KPROBE = 3,	/* an entry kprobe hit while another kprobe ran on the CPU (its
				 * link's missed count): an event of an interrupt taken during one
				 * of our probes, or of our own programs' calls */
	LT_LOST_KRETPROBE = 4,	/* a kretprobe that did not see its return (link's missed count:
				 * reentered, or no free return instance): a task's event */
	LT_LOST_MAP_FULL = 5,	/* the per-PTE arguments map was full: a PTE update not sent */
	LT_LOST_NAME = 6,	/* a task-name record the ring buffer had no room for (it is also
				 * a ring-full loss; the name is sent again with the next event) */
	LT_LOST_CAUSES
};

/* LT_PTE_UPDATE .aux: the entry's value before the update, as read at the callback's entry
 * (0: not known, e.g. a recording made before it was read). */
#define LT_PTE_OLD_KNOWN	0x1
#define LT_PTE_OLD_VALID	0x2	/* the old entry was valid */
#define LT_PTE_OLD_SAME		0x4	/* ... and the update rewrote it as it was */

/*
 * Folded records (ABI 2): where one record says what two would, one is sent (fentry/fexit, and
 * kprobes where the per-PTE update is known at the callback's entry: bpf/lazytrace.bpf.c). The
 * reconstruction unfolds them into the records they stand for (src/recon.c, unfold), so that
 * every sink sees the same calls and updates as from unfolded records.
 *
 * LT_MAP_PAGES .aux LT_MAP_FOLDED: arm64's __kernel_map_pages() is one set_memory_valid() call
 * on the same range (arch/arm64/mm/pageattr.c; it returns early only where the linear map
 * cannot be changed, and debug_pagealloc, its caller, makes sure it can), and that call's
 * entry is not recorded: it is this record's. Unless it is recorded after all (another task's
 * call took the slot that carries the fold, bpf/lazytrace.bpf.c's slot_index): an
 * LT_SET_VALID of the same range next in the task is that call.
 * LT_MAP_PAGES_RET .aux LT_MAP_RET_FOLDED: that call returned 0 just before, not recorded.
 * Without it, its return is an LT_SET_VALID_RET record, or was lost (counted: a folded return
 * whose carrier could not be written takes a sequence number of its own; a folded event in a
 * record the ring buffer had no room for is counted with it).
 */
#define LT_MAP_FOLDED		0x1
#define LT_MAP_RET_FOLDED	0x1

/*
 * LT_DEFER .aux LT_DEFER_PTE: the deferral was made by the per-PTE callback's update of this
 * entry, whose LT_PTE_UPDATE record is folded in: .addr its VA, .aux & LT_DEFER_PTE_OLD its
 * LT_PTE_OLD_* bits, LT_DEFER_PTE_DEFERRED its LT_F_DEFERRED; it comes right after the
 * deferral. If the update is recorded after all (an LT_PTE_UPDATE of the same entry and value
 * next in the task, without the old value: another task's update took the slot meanwhile),
 * that record is the same update.
 */
#define LT_DEFER_PTE		0x100
#define LT_DEFER_PTE_DEFERRED	0x200
#define LT_DEFER_PTE_OLD	(LT_PTE_OLD_KNOWN | LT_PTE_OLD_VALID | LT_PTE_OLD_SAME)

/* What a transition did: the kernel's enum lazy_mmu_action, in .action of LT_ENABLE..RESUME. */
enum lt_action {
	LT_ACT_ENTER = 0,
	LT_ACT_NEST = 1,
	LT_ACT_LEAVE = 2,
	LT_ACT_FLUSH = 3,
	LT_ACT_PAUSE = 4,
	LT_ACT_RESUME = 5,
	LT_ACT_NOOP = 6,
	LT_ACT_IGN_PAUSED = 7,
	LT_ACT_IGN_IRQ = 8,
	LT_ACT_END = 9,		/* flat emulation: a nested disable ended the section */
	LT_ACT_NOFLUSH = 10,	/* noflush emulation: a nested disable did nothing */
	LT_ACT_UNKNOWN = 255,	/* inferred from state (kprobe mode): not reported by the kernel */
};

/*
 * The attach cookie of an access probe (bpf/lazytrace.bpf.c's kprobe_access, bpf/top.bpf.c's
 * top_access), set by the loaders: the argument holding the address (0-based), whether it is
 * a struct page (converted to its linear-map address), whether the probe sits at a `bl` call
 * site (arguments already in x0/x1, the frame walk complete) rather than a function's entry,
 * and from LT_ACCESS_INDEX_SHIFT the probe's index (the access event's .aux).
 */
#define LT_ACCESS_ARG_MASK	0x3f
#define LT_ACCESS_CALL_SITE	0x40
#define LT_ACCESS_PAGE		0x80
#define LT_ACCESS_INDEX_SHIFT	8

/* Page-table level of a deferred update, in .action of LT_DEFER (kernel enum lazy_mmu_level). */
enum lt_level { LT_LVL_PTE = 0, LT_LVL_PMD, LT_LVL_PUD, LT_LVL_P4D, LT_LVL_PGD };

/* .flags */
#define LT_F_STATE	0x01	/* enable_count/pause_count were read from the task (CO-RE); on
				 * 6.16-6.19, enable_count is the TIF_LAZY_MMU flag (0 or 1) */
#define LT_F_PENDING	0x02	/* TIF_LAZY_MMU_PENDING was set when the event fired */
#define LT_F_LAZY_FLAG	0x04	/* 6.16-6.19: TIF_LAZY_MMU was set (no counters on those kernels) */
#define LT_F_IN_IRQ	0x08	/* fired in interrupt context */
#define LT_F_DEFERRED	0x10	/* LT_PTE_UPDATE: the update's barrier was deferred */
#define LT_F_ENDED	0x20	/* flat nesting emulation ended the mode early (patch 0003) */
#define LT_F_SEQ	0x80	/* .seq/.seq_hi hold the CPU's record sequence number: one per
				 * record the BPF side tried to send on that CPU, sent or lost,
				 * so a hole in a CPU's sequence is a loss, exactly there */
#define LT_F_SITE	0x40	/* from a DWARF site probe (probes+dwarf): LT_ENABLE..LT_FLUSH fired
				 * at the entry of an inlined helper, so the state is as it was
				 * BEFORE the helper ran and .action is LT_ACT_UNKNOWN (LT_DEFER:
				 * the level): the reconstruction derives what the helper did.
				 * .aux is the site's index in the site table. */

/* probes+dwarf: the condition of a deferral site at a call (src/sites.h, enum lt_site_cond),
 * in the attach cookie of kprobe_site. */
#define LT_SITE_COND_NONE	0
#define LT_SITE_COND_PTE	1	/* pte_valid_not_user(value) */
#define LT_SITE_COND_VALID	2	/* value & 1 */

struct lt_event {
	__u64 ts;		/* ns, CLOCK_MONOTONIC (bpf_ktime_get_ns) */
	__u32 pid;		/* tgid */
	__u32 tid;
	__u16 type;		/* enum lt_type */
	__u16 cpu;
	__u8 enable_count;	/* task's lazy_mmu_state after the event (LT_F_STATE) */
	__u8 pause_count;
	__u8 flags;		/* LT_F_* */
	__u8 action;		/* enum lt_action or enum lt_level */
	__u32 aux;		/* type-specific: completed, deferred count, return value, probe index */
	__u8 nr_frames;		/* LT_ACCESS: stack frames following the record */
	__u8 seq_hi;		/* LT_F_SEQ: the CPU's record sequence number, bits 16-23 ... */
	__u16 seq;		/* ... and bits 0-15 (lt_event_seq) */
	__u64 ip;		/* call site (tracepoints) or probed function address */
	union {
		struct {
			__u64 addr;	/* virtual address concerned */
			__u64 arg0;
			__u64 arg1;
		};
		char comm[LT_COMM_LEN];	/* LT_TASK: the task's name, sent once per task */
	};
};				/* 64 bytes */

#define LT_SEQ_BITS 24

static inline __u32 lt_event_seq(const struct lt_event *e)
{
	return (__u32)e->seq_hi << 16 | e->seq;
}

#endif /* LAZYTRACE_H */
