// SPDX-License-Identifier: GPL-2.0
/*
 * bpf/lazytrace.bpf.c: lazy MMU events into one ring buffer.
 *
 * One CO-RE object for every kernel: the loader (src/live.c) turns programs on or off with
 * bpf_program__set_autoload() according to what the running kernel offers:
 *  - the lazy_mmu tracepoints of our kernel patch (tp_btf), when present;
 *  - __kernel_map_pages, set_memory_valid and the per-PTE callback (pageattr_pte_entry from
 *    6.18, change_page_range before) with fentry/fexit, or kprobes as a fallback;
 *  - access probes (clear_page, copy_page, user-given) with kprobes: they are notrace.
 * Every event carries the task's nesting state, read through CO-RE from
 * task_struct.lazy_mmu_state (7.0+) or the TIF_LAZY_MMU flag (6.16-6.19).
 */
#include "kernel_types.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "lazytrace.h"
#include "task_filter.h"
#include "kernel_bits.h"
#include "site_cookie.h"
#include "access_stack.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by the loader before load. */
const volatile __u32 filter_pid;		/* tgid, 0 = all */
const volatile char filter_comm[LT_COMM_LEN];	/* "" = all */
const volatile __u32 pending_bit = 31;		/* TIF_LAZY_MMU_PENDING: 31 (7.0+), 32 (6.16-6.19) */
const volatile __s32 lazy_bit = -1;		/* TIF_LAZY_MMU (6.16-6.19), -1 if none */
const volatile bool access_all;		/* report accesses even without pending barriers */
/* Folded records (include/lazytrace.h), set by the loader when both programs of a pair load. */
const volatile bool fold_set_valid;	/* fentry on __kernel_map_pages and set_memory_valid */
const volatile bool fold_pte;		/* lazy_mmu_defer and fentry on the per-PTE callback */
/* struct page -> linear-map address (page_to_virt), from the kernel model (src/kmodel.h):
 * read from the kernel's VMCOREINFO by the loader. page_struct_size 0: no conversion. */
const volatile __u64 page_struct_size;
const volatile __u64 page_offset;
const volatile __u64 vmemmap_start;
const volatile __u64 vmemmap_end;
const volatile __u32 page_shift = 12;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20);		/* resized by the loader */
} events SEC(".maps");

/*
 * Records the ring buffer could not take, per CPU: read and reported by userspace. A global
 * (the skeleton maps .bss into the reader's memory), not a per-CPU map: reading a per-CPU map
 * is a syscall that keeps every kprobe program from running on that CPU meanwhile
 * (bpf_disable_instrumentation), so a reader polling it would itself make the events of an
 * interrupt taken then go missing.
 */
#define LT_MAX_CPUS 4096	/* a power of two */
__u64 lost_per_cpu[LT_MAX_CPUS];

/*
 * Drops of other causes, read by userspace from the mapped .bss like lost_per_cpu: task-name
 * records the ring buffer had no room for (also counted in lost_per_cpu: they are numbered
 * records), and per-PTE updates not sent because the argument map was full.
 */
__u64 lost_names;
__u64 lost_map_full;

/*
 * Per-PTE updates whose value, computed at the callback's entry from the walk's masks
 * (kprobe_pte_masks), was not the one the kernel wrote, as its deferral's tracepoint shows:
 * 0 unless the callback no longer does what bpf/kernel_bits.h says.
 */
__u64 pte_masks_mismatch;

/* Tasks whose name was already sent (LT_TASK). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, __u32);
	__type(value, __u8);
} named SEC(".maps");

/* kprobe fallback for the per-PTE callback: its arguments and the entry's value before it
 * (the evidence of what the update did), kept from entry to return. */
struct pte_args {
	__u64 ptep;
	__u64 addr;
	__u64 old;
};
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct pte_args);
} pte_entry_args SEC(".maps");

/*
 * page_to_virt() of arch/arm64/include/asm/memory.h with the model's layout (any page size,
 * VA_BITS, and the 52-bit kernels that run with 48 bits: their pages sit higher in the
 * vmemmap, the formula is the same), of a struct page pointer as a plain number: fentry and
 * fexit programs take it with page_arg(), as a kprobe's register is one already.
 */
static __always_inline __u64 page_to_va(__u64 page)
{
	__u64 size = page_struct_size;

	if (!size || page < vmemmap_start || page >= vmemmap_end)
		return 0;
	return page_offset + ((page - vmemmap_start) / size << (page_shift & 63));
}

/*
 * A tracing program's argument n as a number: read as its type, a struct page pointer is a
 * trusted pointer, on which the verifier allows no arithmetic. bpf_get_func_arg() is inlined
 * by the verifier (a load from the trampoline's frame), where a bpf_probe_read_kernel() of the
 * pointer was a helper call of every map call's two programs (measured in the lab, with
 * --prog-stats: about a third of fentry's run).
 */
static __always_inline __u64 page_arg(void *ctx, __u32 n)
{
	__u64 v = 0;

	bpf_get_func_arg(ctx, n, &v);
	return v;
}

/*
 * lazytrace's own process, as the kernel numbers it (getpid() gives its number in its own
 * pid namespace, which may differ): set by whoami below before anything is attached. Its
 * events are left out: what it does with the records (the recording's file pages, live's
 * output to a pipe) maps and unmaps pages, all traced and written in turn (seen in the lab
 * under debug_pagealloc: one event in seven of a `record` of the benchmark workload was the
 * recorder's own). ~0: not known.
 */
__u32 self_tgid = ~0u;

static __always_inline bool filtered(__u64 pid_tgid)
{
	if ((__u32)(pid_tgid >> 32) == self_tgid)
		return true;
	return lt_task_filtered(pid_tgid, filter_pid, filter_comm);
}

/* Run once by the loader with BPF_PROG_TEST_RUN, in lazytrace's own context (src/live.c). */
SEC("?raw_tp")
int whoami(void *ctx)
{
	self_tgid = bpf_get_current_pid_tgid() >> 32;
	return 0;
}

/*
 * Every record tried on a CPU takes that CPU's next sequence number, sent or lost: userspace
 * sees each loss as a hole in the CPU's sequence, exactly where it happened. Atomic: a plain
 * add could be interrupted between its load and its store by another program's record.
 */
__u32 seq_per_cpu[LT_MAX_CPUS];

#ifndef bpf_ksym_exists	/* libbpf before 1.2 */
#define bpf_ksym_exists(sym) (!!(sym))
#endif

extern void bpf_preempt_disable(void) __ksym __weak;
extern void bpf_preempt_enable(void) __ksym __weak;

/*
 * Records are written into their CPU's stage and go to the ring buffer LT_STAGE_RECORDS at a
 * time, in one bpf_ringbuf_output(): a ring sample holds one or more records back to back.
 * A reservation and its submit take the ring's lock with interrupts off (the kernel's
 * resilient spin lock): measured in the lab on the benchmark workload, `record` cost 2.85x
 * the untraced run with a reservation per record, 2.11x with the records written to a
 * per-CPU array and never sent, 1.54x with every program returning at once.
 *
 * The stage goes out when full; at a context switch on its CPU (tp_switch), so that a task's
 * records are in the ring before any it makes on another CPU; when a program that this one
 * interrupted sent a record of its own (below); and every 100 ms and at the end, when
 * userspace runs flush_stage on each CPU.
 *
 * depth counts the programs of the CPU writing a record. One that finds the stage being
 * written (it interrupted another between its start and its send: an interrupt, an NMI)
 * writes into the spare of its nesting level and sends that alone at once. Its number is
 * above the staged records not yet sent, which land behind it: userspace puts them back in
 * order (src/recon_seq.h), and the interrupted program sends the stage as soon as it is done
 * (nested). Preemption would break the nesting: where a program can be preempted (the
 * trampoline's or the tracepoint's RCU read section does not count in preempt_count under
 * PREEMPT_RCU), preemption is off from its start to its send.
 */
#define LT_STAGE_RECORDS 16
#define LT_STAGE_LEVELS 4	/* task, softirq, hardirq, NMI */
/* Set by the loader: records a batch holds, 1 to LT_STAGE_RECORDS (live: 1, src/lazytrace.c) */
const volatile __u32 stage_batch = LT_STAGE_RECORDS;
#define PREEMPT_MASK 0xff	/* preempt_count's preempt_disable() bits */

struct access_record {
	struct lt_event ev;
	__u64 frames[LT_MAX_FRAMES];
};

struct lt_stage {
	__u32 depth;		/* programs of this CPU between their start and their send */
	__u32 n;		/* records in rec[] */
	__u32 nested;		/* a nested program sent a record while rec[] was being written */
	__u32 folded;		/* events folded into the records in rec[] */
	struct lt_event rec[LT_STAGE_RECORDS];
	struct access_record spare[LT_STAGE_LEVELS];	/* sent alone: nested, or with frames */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lt_stage);
} stage SEC(".maps");

/* A record being written: where it goes. */
struct lt_out {
	struct lt_stage *st;
	__u32 level;		/* its nesting level; LT_STAGE_LEVELS: none */
	bool staged;		/* in rec[st->n]; else in spare[level], sent alone */
	bool preempt_off;	/* preemption turned off for it */
};

/*
 * Wake the consumer only once the ring buffer holds wakeup_bytes (a quarter of it); it polls
 * every 100 ms besides. A wakeup per record costs an irq_work per event, and the woken
 * consumer preempts the traced task, often inside its lazy section: a switch, whose
 * dsb(ish) makes the deferred updates visible, put there by the tracer (seen in the lab:
 * the noflush hazard on B came and went with the consumer's wakeups). Past the mark, every
 * output wakes it until it has read: that keeps `live`'s slower consumer up with the
 * workload. The query is a helper call per output (LT_STAGE_RECORDS records).
 */
const volatile __u64 wakeup_bytes;	/* 0: wake on every output */

static __always_inline __u64 wake_flags(void)
{
	if (!wakeup_bytes)
		return 0;
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wakeup_bytes ?
	       BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

static __always_inline void count_lost_n(__u64 n)
{
	__sync_fetch_and_add(&lost_per_cpu[bpf_get_smp_processor_id() & (LT_MAX_CPUS - 1)], n);
}

static __always_inline void count_lost(void)
{
	/* folded beyond LT_MAX_CPUS: the total stays exact */
	count_lost_n(1);
}

/*
 * Sends the staged records (stage not being written). What the ring buffer has no room for is
 * counted as lost: each record took its number (a hole), and the events folded into them
 * besides (not in the hole: userspace adds them at the end).
 */
static __always_inline void stage_flush(struct lt_stage *st)
{
	__u32 n = st->n;

	if (n > LT_STAGE_RECORDS)
		n = LT_STAGE_RECORDS;
	if (n && bpf_ringbuf_output(&events, st->rec, n * sizeof(struct lt_event), wake_flags()))
		count_lost_n(n + st->folded);
	st->n = 0;
	st->nested = 0;
	st->folded = 0;
}

static __always_inline struct lt_stage *stage_of_cpu(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&stage, &zero);
}

/*
 * Sends the CPU's staged records now, unless a program is writing one (false: they go with
 * the stage's next output then). depth covers the output: a program of an interrupt taken
 * meanwhile sends its record alone.
 */
static __always_inline bool stage_flush_idle(void)
{
	struct lt_stage *st = stage_of_cpu();

	if (!st || !st->n)
		return true;
	if (st->depth)
		return false;
	st->depth = 1;
	stage_flush(st);
	st->depth = 0;
	return true;
}

/* How a record goes: in the CPU's batch, or alone (a task's name: it is sent again if lost). */
enum { STAGED, ALONE };

/*
 * Room for a record and its number, or NULL (counted as lost): an lt_event in the CPU's
 * batch (STAGED), or alone in its nesting level's spare, which also holds an access_record.
 * Every record started is sent: send() below.
 */
static __always_inline void *reserve(int how, __u32 *seqp, struct lt_out *out)
{
	struct task_struct___lt *t = (void *)bpf_get_current_task_btf();
	struct lt_stage *st = stage_of_cpu();
	__u32 level;
	void *r;

	out->level = LT_STAGE_LEVELS;
	out->staged = false;
	out->preempt_off = false;
	if (!st)
		return NULL;
	if (!(t->thread_info.preempt_count & PREEMPT_MASK) && bpf_ksym_exists(bpf_preempt_disable)) {
		bpf_preempt_disable();
		out->preempt_off = true;
	}
	/* the depth goes up before the number is taken: an interrupt's program in between
	 * finds the stage busy and sends its record alone */
	level = st->depth;
	if (level < LT_STAGE_LEVELS)
		st->depth = level + 1;
	*seqp = __sync_fetch_and_add(&seq_per_cpu[bpf_get_smp_processor_id() & (LT_MAX_CPUS - 1)], 1);
	if (level >= LT_STAGE_LEVELS) {
		/* nested deeper than interrupts go: cannot be; the number's hole shows the loss */
		count_lost();
		if (out->preempt_off && bpf_ksym_exists(bpf_preempt_enable))
			bpf_preempt_enable();
		out->preempt_off = false;
		return NULL;
	}
	out->st = st;
	out->level = level;
	if (level == 0 && how == STAGED) {
		__u32 n = st->n;

		if (n >= LT_STAGE_RECORDS) {
			/* cannot be: a full stage goes out at once */
			stage_flush(st);
			n = 0;
		}
		r = &st->rec[n & (LT_STAGE_RECORDS - 1)];
		out->staged = true;
	} else {
		r = &st->spare[level & (LT_STAGE_LEVELS - 1)];
	}
	return r;
}

/* An event folded into the record (include/lazytrace.h): lost with it, and counted so. */
static __always_inline __u32 folded_in(const struct lt_event *e)
{
	return (e->type == LT_MAP_PAGES && (e->aux & LT_MAP_FOLDED)) ||
	       (e->type == LT_MAP_PAGES_RET && (e->aux & LT_MAP_RET_FOLDED)) ||
	       (e->type == LT_DEFER && (e->aux & LT_DEFER_PTE));
}

/* Whether the record went out (a staged one: into the batch; counted as lost if not). */
static __always_inline bool send(void *rec, struct lt_out *out)
{
	const struct lt_event *e = rec;
	struct lt_stage *st = out->st;
	__u32 level = out->level;
	bool sent = true;

	if (level >= LT_STAGE_LEVELS || !st)
		return false;
	if (out->staged) {
		st->folded += folded_in(e);
		st->n++;
		if (st->n >= stage_batch || st->n >= LT_STAGE_RECORDS || st->nested)
			stage_flush(st);
	} else {
		/* alone: nested in a record being written, a name, or an access record's frames */
		__u64 size = sizeof(struct lt_event) + (__u64)(e->nr_frames & (LT_MAX_FRAMES - 1)) * 8;

		if (e->nr_frames >= LT_MAX_FRAMES)
			size = sizeof(struct access_record);
		if (level == 0)
			stage_flush(st);	/* the staged records go first */
		if (bpf_ringbuf_output(&events, rec, size, wake_flags())) {
			count_lost_n(1 + folded_in(e));
			sent = false;
		}
		if (level)
			st->nested = 1;
	}
	st->depth = level;
	if (out->preempt_off && bpf_ksym_exists(bpf_preempt_enable))
		bpf_preempt_enable();
	return sent;
}

static __always_inline void stamp(struct lt_event *e, __u32 seq)
{
	e->seq = seq;
	e->seq_hi = seq >> 16;
	e->flags |= LT_F_SEQ;
}

/*
 * The task's lazy MMU state, into a zeroed record (fill() below; the kprobe on the per-PTE
 * callback asks it whether the update will defer). The current task's pointer is trusted
 * (BTF): its fields are plain loads, CO-RE relocated, where BPF_CORE_READ would make a
 * bpf_probe_read_kernel() call of each (measured with --prog-stats: five helper calls of
 * every event's cost). A field the kernel lacks is only
 * read behind bpf_core_field_exists(), whose false branch the verifier never walks.
 */
static __always_inline void fill_state(struct lt_event *e)
{
	struct task_struct___lt *t = (void *)bpf_get_current_task_btf();
	unsigned long flags = t->thread_info.flags;
	__u64 pc = t->thread_info.preempt_count;

	if (bpf_core_field_exists(t->lazy_mmu_state)) {
		e->enable_count = t->lazy_mmu_state.enable_count;
		e->pause_count = t->lazy_mmu_state.pause_count;
		e->flags |= LT_F_STATE;
		if (bpf_core_field_exists(t->lazy_mmu_state.ended) && t->lazy_mmu_state.ended)
			e->flags |= LT_F_ENDED;
	}
	if (lazy_bit >= 0) {
		/* 6.16-6.19: one flag, no counters; it stands for depth 0 or 1. */
		if ((flags >> lazy_bit) & 1) {
			e->flags |= LT_F_LAZY_FLAG;
			e->enable_count = 1;
		}
		e->flags |= LT_F_STATE;
	}
	if ((flags >> pending_bit) & 1)
		e->flags |= LT_F_PENDING;
	if (pc & HARDIRQ_SOFTIRQ_NMI_MASK)
		e->flags |= LT_F_IN_IRQ;
}

static __always_inline void fill(struct lt_event *e, __u16 type, __u64 pid_tgid)
{
	__builtin_memset(e, 0, sizeof(*e));
	e->ts = bpf_ktime_get_ns();
	e->pid = pid_tgid >> 32;
	e->tid = (__u32)pid_tgid;
	e->type = type;
	e->cpu = bpf_get_smp_processor_id();
	fill_state(e);
}

/*
 * Send the task's name once, before its first event. last_named: the last task named per CPU
 * (tid + 1; 0: none): most events on a CPU come from the task whose came before, and this
 * spares them the hash lookup in `named` (a cache of it only: set once the map has the task).
 */
__u32 last_named[LT_MAX_CPUS];


static __always_inline void name_task(__u64 pid_tgid)
{
	__u32 tid = (__u32)pid_tgid, seq, cpu = bpf_get_smp_processor_id() & (LT_MAX_CPUS - 1);
	struct lt_out out;
	__u8 one = 1;
	struct lt_event *e;

	if (last_named[cpu] == tid + 1)
		return;
	if (bpf_map_lookup_elem(&named, &tid)) {
		last_named[cpu] = tid + 1;
		return;
	}
	e = reserve(ALONE, &seq, &out);
	if (!e) {
		/* Counted; not marked, so the task's next event tries again. */
		__sync_fetch_and_add(&lost_names, 1);
		return;
	}
	fill(e, LT_TASK, pid_tgid);
	stamp(e, seq);
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	if (!send(e, &out)) {
		__sync_fetch_and_add(&lost_names, 1);
		return;
	}
	bpf_map_update_elem(&named, &tid, &one, BPF_ANY);
	last_named[cpu] = tid + 1;
}

/* A record of the current task, pid_tgid already read and let through the filters. */
static __always_inline struct lt_event *start_known(__u16 type, __u64 pid_tgid,
						       struct lt_out *out)
{
	struct lt_event *e;
	__u32 seq;

	name_task(pid_tgid);
	e = reserve(STAGED, &seq, out);
	if (!e)
		return NULL;
	fill(e, type, pid_tgid);
	stamp(e, seq);
	return e;
}

static __always_inline struct lt_event *start(__u16 type, __u64 *pid_tgid, struct lt_out *out)
{
	*pid_tgid = lt_pid_tgid();
	if (filtered(*pid_tgid))
		return NULL;
	return start_known(type, *pid_tgid, out);
}

static __always_inline int transition(__u16 type, unsigned long ip, int action)
{
	struct lt_out out;
	__u64 id;
	struct lt_event *e = start(type, &id, &out);

	if (!e)
		return 0;
	e->ip = ip;
	e->action = action;
	send(e, &out);
	return 0;
}

/* --- lazy_mmu tracepoints (kernel-patch/0001, 0002) ------------------------------------ */

SEC("tp_btf/lazy_mmu_enable")
int BPF_PROG(tp_enable, unsigned long ip, int action, const struct lazy_mmu_state *st)
{
	return transition(LT_ENABLE, ip, action);
}

SEC("tp_btf/lazy_mmu_disable")
int BPF_PROG(tp_disable, unsigned long ip, int action, const struct lazy_mmu_state *st)
{
	return transition(LT_DISABLE, ip, action);
}

SEC("tp_btf/lazy_mmu_pause")
int BPF_PROG(tp_pause, unsigned long ip, int action, const struct lazy_mmu_state *st)
{
	return transition(LT_PAUSE, ip, action);
}

SEC("tp_btf/lazy_mmu_resume")
int BPF_PROG(tp_resume, unsigned long ip, int action, const struct lazy_mmu_state *st)
{
	return transition(LT_RESUME, ip, action);
}

/*
 * What one program of a call leaves for the next (fentry for fexit, a call for the one it
 * makes) goes in a slot of an array rather than a hash map: no update and delete per call
 * (measured: the map made `record` 0.85x slower). The slot of the current context: a task's
 * by its tid, hashed (it may move to another CPU between the programs: seen in the lab,
 * preempted by the consumer its own records woke); an interrupt's by its CPU (it cannot
 * move). Two tasks may share a slot: each checks that what it finds is its own.
 */
#define LT_SLOTS (LT_MAX_CPUS * 2)

static __always_inline __u32 slot_index(void)
{
	struct task_struct___lt *t = (void *)bpf_get_current_task_btf();

	if (t->thread_info.preempt_count & HARDIRQ_SOFTIRQ_NMI_MASK)
		return LT_MAX_CPUS + (bpf_get_smp_processor_id() & (LT_MAX_CPUS - 1));
	/* Fibonacci hashing: the product's top 12 bits, 0..LT_MAX_CPUS - 1 */
	return ((__u32)lt_pid_tgid() * 2654435761u) >> 20;
}

/* The slot's owner: the context's task, + 1 (0 is an empty slot; the idle task is pid 0). */
static __always_inline __u64 fold_owner(void)
{
	return lt_pid_tgid() + 1;
}

/*
 * A folded event is lost with its carrier, and counted as it: a set_memory_valid() return
 * with __kernel_map_pages()'s return record, a per-PTE update that a kprobe left for its
 * deferral with the deferral's record. When the ring buffer has no room for the carrier, the
 * folded event takes a sequence number of its own, so that the CPU's hole counts it as a
 * record's; when the carrier's program was skipped (the kernel counts that in its recursion
 * misses), a later call finds the event still in the slot and counts it here, added to the
 * recursion misses by userspace.
 */
__u64 lost_folded_skipped;

static __always_inline void lose_folded_ring_full(void)
{
	__sync_fetch_and_add(&seq_per_cpu[bpf_get_smp_processor_id() & (LT_MAX_CPUS - 1)], 1);
	count_lost();
}

static __always_inline void lose_folded_skipped(void)
{
	__sync_fetch_and_add(&lost_folded_skipped, 1);
}

/*
 * fentry/fexit on the per-PTE callback: its entry's pointer, old value and address, from
 * fentry to the deferral it makes and to fexit. Another task's callback between them (in the
 * shared slot) leaves another entry's pointer there: the update goes without the evidence
 * (the class then comes from the open call). Two tasks of one slot in their callbacks at the
 * same instant on two CPUs could mix their words; it takes a hash collision (1 in 4096) and
 * that instant, and costs at most one update's evidence (its class may come out wrong).
 *
 * The kprobe at the callback's entry (kprobe_pte_masks) leaves there the update it expects
 * to defer, for the deferral's record to carry, with its owner (fold_owner) and the value it
 * computed (checked against the deferral's); nothing clears it after (no return probe).
 */
enum { PTE_SLOT_ENTRY, PTE_SLOT_OLD, PTE_SLOT_ADDR, PTE_SLOT_OWNER, PTE_SLOT_NEW,
       PTE_SLOT_WORDS = 8 };
#define PTE_SLOT_FOLDED 1ULL	/* in the entry pointer (8-byte aligned): its deferral took it */
__u64 pte_old_slot[LT_SLOTS][PTE_SLOT_WORDS];

static __always_inline __u64 *pte_old_of(void)
{
	return pte_old_slot[slot_index() & (LT_SLOTS - 1)];
}

/* What the per-PTE update's record says of it (LT_PTE_OLD_*, LT_F_DEFERRED). */
static __always_inline __u32 pte_old_bits(__u64 old, __u64 val)
{
	return LT_PTE_OLD_KNOWN | (old & PTE_VALID ? LT_PTE_OLD_VALID : 0) |
	       (old == val ? LT_PTE_OLD_SAME : 0);
}

/* The update's barrier was deferred if it made a valid kernel entry while lazy mode was on. */
static __always_inline bool pte_deferred(const struct lt_event *e, __u64 val)
{
	bool active = e->enable_count && !e->pause_count && !(e->flags & LT_F_ENDED);

	return active && !(e->flags & LT_F_IN_IRQ) && lt_pte_valid_kernel(val);
}

SEC("tp_btf/lazy_mmu_defer")
int BPF_PROG(tp_defer, unsigned long ip, int level, const void *entryp, __u64 val,
	     const struct lazy_mmu_state *st)
{
	struct lt_out out;
	__u64 id;
	struct lt_event *e = start(LT_DEFER, &id, &out);

	if (!e) {
		/* the update the kprobe left for this record is lost with it, counted as it */
		if (fold_pte && !filtered(id)) {
			__u64 *o = pte_old_of();

			if (o[PTE_SLOT_ENTRY] == (__u64)entryp && o[PTE_SLOT_OWNER]) {
				o[PTE_SLOT_ENTRY] |= PTE_SLOT_FOLDED;
				lose_folded_ring_full();
			}
		}
		return 0;
	}
	e->ip = ip;
	e->action = level;
	e->arg0 = (__u64)entryp;
	e->arg1 = val;
	if (fold_pte) {
		/* inside the per-PTE callback, for its entry: its update goes in this record */
		__u64 *o = pte_old_of();

		if (o[PTE_SLOT_ENTRY] == (__u64)entryp) {
			o[PTE_SLOT_ENTRY] |= PTE_SLOT_FOLDED;
			/* the value the kprobe computed at the callback's entry, if it did */
			if (o[PTE_SLOT_OWNER] && o[PTE_SLOT_NEW] != val)
				__sync_fetch_and_add(&pte_masks_mismatch, 1);
			e->addr = o[PTE_SLOT_ADDR];
			e->aux = LT_DEFER_PTE | pte_old_bits(o[PTE_SLOT_OLD], val) |
				 (pte_deferred(e, val) ? LT_DEFER_PTE_DEFERRED : 0);
		}
	}
	send(e, &out);
	return 0;
}

SEC("tp_btf/lazy_mmu_flush")
int BPF_PROG(tp_flush, unsigned long ip, unsigned int completed, const struct lazy_mmu_state *st)
{
	struct lt_out out;
	__u64 id;
	struct lt_event *e = start(LT_FLUSH, &id, &out);

	if (!e)
		return 0;
	e->ip = ip;
	e->aux = completed;
	send(e, &out);
	return 0;
}

/* --- context switches ----------------------------------------------------------------- */

/*
 * A task switched out inside a lazy MMU section or with barriers pending: arm64's
 * __switch_to() issues dsb(ish), which makes its page-table writes visible to the walker
 * (arch/arm64/kernel/process.c), while TIF_LAZY_MMU_PENDING stays with the task. The
 * reconstruction needs that moment; every other switch is dropped here, after two loads
 * (and the CPU's staged records sent: see the stage above).
 */
SEC("tp_btf/sched_switch")
int BPF_PROG(tp_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	/* prev; trusted pointers (BTF), as next: their fields are plain loads */
	struct task_struct___lt *t = (void *)bpf_get_current_task_btf();
	unsigned long flags = t->thread_info.flags;
	bool lazy = (flags >> pending_bit) & 1;
	struct lt_out out;
	struct lt_event *e;
	__u64 id;

	if (!lazy && lazy_bit >= 0)
		lazy = (flags >> lazy_bit) & 1;
	if (!lazy && bpf_core_field_exists(t->lazy_mmu_state))
		lazy = t->lazy_mmu_state.enable_count;
	if (lazy) {
		e = start(LT_SWITCH, &id, &out);
		if (e) {
			e->arg0 = next->pid;
			e->aux = preempt;
			send(e, &out);
		}
	}
	/* prev's records, this one included, go to the ring before it can run on another CPU */
	stage_flush_idle();
	return 0;
}

/* --- __kernel_map_pages and set_memory_valid ------------------------------------------ */

/* A map call's record (.aux: the return value, or the LT_MAP_* fold flags); whether it was
 * sent (filtered out or lost: not). */
static __always_inline bool call_sent(__u16 type, __u64 ip, __u64 addr, __u64 n, __u64 enable,
				      __u32 aux)
{
	struct lt_out out;
	__u64 id;
	struct lt_event *e = start(type, &id, &out);

	if (!e)
		return false;
	e->ip = ip;
	e->addr = addr;
	e->arg0 = n;
	e->arg1 = enable;
	e->aux = aux;
	send(e, &out);
	return true;
}

/* The same for a program's return value (0: a kprobe program's non-zero asks for more). */
static __always_inline int call_event(__u16 type, __u64 ip, __u64 addr, __u64 n, __u64 enable,
				      __u32 ret)
{
	call_sent(type, ip, addr, n, enable, ret);
	return 0;
}

/*
 * The set_memory_valid() call of a __kernel_map_pages() (LT_MAP_FOLDED), from one program to
 * the next, in the context's slot (slot_index): the task, the range, and how far the call
 * got. A program that finds the slot another's (another task's call took it, or a call
 * nested in this one) records its event as it would unfolded.
 */
enum { FOLD_SLOT_ID, FOLD_SLOT_ADDR, FOLD_SLOT_ARGS, FOLD_SLOT_WORDS = 4 };
enum { FOLD_MAPPING = 1, FOLD_IN_SET_VALID, FOLD_RETURNED };
__u64 set_valid_fold[LT_SLOTS][FOLD_SLOT_WORDS];

static __always_inline __u64 *fold_slot(void)
{
	return set_valid_fold[slot_index() & (LT_SLOTS - 1)];
}

/* numpages, enable and the call's stage in one word */
static __always_inline __u64 fold_args(int numpages, int enable, __u64 stage)
{
	return (__u32)numpages | (__u64)(enable != 0) << 32 | stage << 40;
}

static __always_inline __u64 fold_stage(const __u64 *o)
{
	return o[FOLD_SLOT_ARGS] >> 40;
}

/* Whether the slot holds this context's call of this range, at this stage. */
static __always_inline bool fold_mine(const __u64 *o, __u64 addr, int numpages, int enable,
				      __u64 stage)
{
	return o[FOLD_SLOT_ID] == fold_owner() && o[FOLD_SLOT_ADDR] == addr &&
	       o[FOLD_SLOT_ARGS] == fold_args(numpages, enable, stage);
}

/*
 * The programs of a map call, fentry/fexit and kprobe/kretprobe alike. A kretprobe knows
 * neither the call's arguments nor its address (page NULL, addr VA_UNKNOWN): the slot's owner
 * and stage say whose return it is (a task makes one such call at a time; interrupts have their own slot).
 * bpf_get_func_ip() gives a kretprobe its function's address, as fexit's.
 */
#define VA_UNKNOWN (~0ULL)

/* __kernel_map_pages(struct page *page, int numpages, int enable) */
static __always_inline void map_pages_entry(__u64 ip, __u64 va, int numpages, int enable)
{
	__u64 *o = NULL;
	__u32 folded = 0;

	if (fold_set_valid) {
		o = fold_slot();
		/* a return folded that no record took (its carrier's program was skipped): lost */
		if (o[FOLD_SLOT_ID] && fold_stage(o) == FOLD_RETURNED) {
			o[FOLD_SLOT_ID] = 0;
			lose_folded_skipped();
		}
		if (va)
			folded = LT_MAP_FOLDED;
	}
	/* the slot only once this record is sent: a lost one takes nothing else with it */
	if (call_sent(LT_MAP_PAGES, ip, va, numpages, enable, folded) && folded && o) {
		o[FOLD_SLOT_ID] = fold_owner();
		o[FOLD_SLOT_ADDR] = va;
		o[FOLD_SLOT_ARGS] = fold_args(numpages, enable, FOLD_MAPPING);
	}
}

static __always_inline void map_pages_return(__u64 ip, __u64 page, int numpages,
					     int enable)
{
	__u32 folded_ret = 0;

	if (fold_set_valid) {
		__u64 *o = fold_slot();

		/*
		 * This call's, or one nested in it or before it that found the slot taken (its
		 * return did not clear it): only this call's folded return is this return's;
		 * another's was lost with its carrier.
		 */
		if (o[FOLD_SLOT_ID] == fold_owner()) {
			if (fold_stage(o) == FOLD_RETURNED) {
				/* (the address only now: a division) */
				if (!page || o[FOLD_SLOT_ADDR] == page_to_va(page))
					folded_ret = LT_MAP_RET_FOLDED;
				else
					lose_folded_skipped();
			}
			o[FOLD_SLOT_ID] = 0;
		}
	}
	if (!call_sent(LT_MAP_PAGES_RET, ip, 0, numpages, enable, folded_ret) &&
	    folded_ret && !filtered(lt_pid_tgid()))
		lose_folded_ring_full();
}

/* set_memory_valid(unsigned long addr, int numpages, int enable) */
static __always_inline int set_valid_entry(__u64 ip, __u64 addr, int numpages, int enable)
{
	if (fold_set_valid) {
		__u64 *o = fold_slot();

		if (fold_mine(o, addr, numpages, enable, FOLD_MAPPING)) {
			o[FOLD_SLOT_ARGS] = fold_args(numpages, enable, FOLD_IN_SET_VALID);
			return 0;
		}
	}
	return call_event(LT_SET_VALID, ip, addr, numpages, enable, 0);
}

static __always_inline int set_valid_return(__u64 ip, __u64 addr, int numpages, int enable,
					    int ret)
{
	if (fold_set_valid && !ret) {
		__u64 *o = fold_slot();
		bool mine = addr == VA_UNKNOWN ?
			o[FOLD_SLOT_ID] == fold_owner() && fold_stage(o) == FOLD_IN_SET_VALID :
			fold_mine(o, addr, numpages, enable, FOLD_IN_SET_VALID);

		/* returned 0: __kernel_map_pages()'s return says so (LT_MAP_RET_FOLDED) */
		if (mine) {
			o[FOLD_SLOT_ARGS] = (o[FOLD_SLOT_ARGS] & ((1ULL << 40) - 1)) |
					    (__u64)FOLD_RETURNED << 40;
			return 0;
		}
	}
	if (addr == VA_UNKNOWN)
		addr = numpages = enable = 0;
	return call_event(LT_SET_VALID_RET, ip, addr, numpages, enable, ret);
}

SEC("fentry/__kernel_map_pages")
int BPF_PROG(fentry_map_pages, void *page, int numpages, int enable)
{
	map_pages_entry(bpf_get_func_ip(ctx), page_to_va(page_arg(ctx, 0)), numpages, enable);
	return 0;
}

SEC("fexit/__kernel_map_pages")
int BPF_PROG(fexit_map_pages, void *page, int numpages, int enable)
{
	map_pages_return(bpf_get_func_ip(ctx), page_arg(ctx, 0), numpages, enable);
	return 0;
}

SEC("kprobe/__kernel_map_pages")
int BPF_KPROBE(kprobe_map_pages, void *page, int numpages, int enable)
{
	map_pages_entry(PT_REGS_IP(ctx), page_to_va((__u64)page), numpages, enable);
	return 0;
}

SEC("kretprobe/__kernel_map_pages")
int BPF_KRETPROBE(kretprobe_map_pages)
{
	map_pages_return(bpf_get_func_ip(ctx), 0, 0, 0);
	return 0;
}

SEC("fentry/set_memory_valid")
int BPF_PROG(fentry_set_valid, unsigned long addr, int numpages, int enable)
{
	return set_valid_entry(bpf_get_func_ip(ctx), addr, numpages, enable);
}

SEC("fexit/set_memory_valid")
int BPF_PROG(fexit_set_valid, unsigned long addr, int numpages, int enable, int ret)
{
	return set_valid_return(bpf_get_func_ip(ctx), addr, numpages, enable, ret);
}

SEC("kprobe/set_memory_valid")
int BPF_KPROBE(kprobe_set_valid, unsigned long addr, int numpages, int enable)
{
	return set_valid_entry(PT_REGS_IP(ctx), addr, numpages, enable);
}

SEC("kretprobe/set_memory_valid")
int BPF_KRETPROBE(kretprobe_set_valid, int ret)
{
	return set_valid_return(bpf_get_func_ip(ctx), VA_UNKNOWN, 0, 0, ret);
}

/* --- per-PTE updates: pageattr_pte_entry (6.18+) / change_page_range (6.16, 6.17) ------- */

/*
 * The update's barrier was deferred if it made a valid kernel entry while lazy mode was on.
 * old: the entry's value before the callback, if known (LT_PTE_OLD_*: whether the update made
 * an invalid entry valid, changed a valid one, or rewrote it as it was); val: after it.
 */
static __always_inline void pte_event(__u64 ip, __u64 ptep, __u64 addr, const __u64 *old,
				      __u64 val)
{
	struct lt_out out;
	__u64 id;
	struct lt_event *e = start(LT_PTE_UPDATE, &id, &out);

	if (!e)
		return;
	e->ip = ip;
	e->addr = addr;
	e->arg0 = ptep;
	e->arg1 = val;
	if (old)
		e->aux = pte_old_bits(*old, val);
	if (pte_deferred(e, val))
		e->flags |= LT_F_DEFERRED;
	send(e, &out);
}

/*
 * Key of a call's saved arguments: the task, and whether in interrupt context (an interrupt's
 * call, made while the task it interrupted was inside its own, must not take its place).
 */
static __always_inline __u32 pte_args_key(void)
{
	struct task_struct___lt *t = (void *)bpf_get_current_task_btf();
	__u32 key = (__u32)lt_pid_tgid() & 0x7fffffff;

	if (t->thread_info.preempt_count & HARDIRQ_SOFTIRQ_NMI_MASK)
		key |= 0x80000000;
	return key;
}

/* At entry: the arguments and the entry's value, for the return. false if the map is full. */
static __always_inline bool pte_args_save(void *ptep, unsigned long addr)
{
	__u32 key = pte_args_key();
	struct pte_args a = { .ptep = (__u64)ptep, .addr = addr };

	bpf_probe_read_kernel(&a.old, sizeof(a.old), ptep);
	return bpf_map_update_elem(&pte_entry_args, &key, &a, BPF_ANY) == 0;
}

static __always_inline void pte_fentry(void *ptep, unsigned long addr)
{
	__u64 *o = pte_old_of();

	o[PTE_SLOT_OLD] = lt_pte_load(ptep);
	o[PTE_SLOT_ADDR] = addr;
	o[PTE_SLOT_OWNER] = 0;
	o[PTE_SLOT_ENTRY] = (__u64)ptep;
}

static __always_inline void pte_fexit(__u64 ip, void *ptep, unsigned long addr)
{
	__u64 *o = pte_old_of();
	__u64 old = o[PTE_SLOT_OLD];

	/* (a trusted pointer takes no arithmetic: the flag comes off the slot's copy) */
	if ((o[PTE_SLOT_ENTRY] & PTE_SLOT_FOLDED) &&
	    (o[PTE_SLOT_ENTRY] & ~PTE_SLOT_FOLDED) == (__u64)ptep) {
		o[PTE_SLOT_ENTRY] = 0;		/* in its deferral's record (LT_DEFER_PTE) */
		return;
	}
	if (o[PTE_SLOT_ENTRY] == (__u64)ptep) {
		o[PTE_SLOT_ENTRY] = 0;
		pte_event(ip, (__u64)ptep, addr, &old, lt_pte_load(ptep));
		return;
	}
	pte_event(ip, (__u64)ptep, addr, NULL, lt_pte_load(ptep));
}

SEC("fentry/pageattr_pte_entry")
int BPF_PROG(fentry_pte_entry, void *ptep, unsigned long addr)
{
	if (!filtered(lt_pid_tgid()))
		pte_fentry(ptep, addr);
	return 0;
}

SEC("fexit/pageattr_pte_entry")
int BPF_PROG(fexit_pte_entry, void *ptep, unsigned long addr)
{
	pte_fexit(bpf_get_func_ip(ctx), ptep, addr);
	return 0;
}

SEC("fentry/change_page_range")
int BPF_PROG(fentry_change_page_range, void *ptep, unsigned long addr)
{
	if (!filtered(lt_pid_tgid()))
		pte_fentry(ptep, addr);
	return 0;
}

SEC("fexit/change_page_range")
int BPF_PROG(fexit_change_page_range, void *ptep, unsigned long addr)
{
	pte_fexit(bpf_get_func_ip(ctx), ptep, addr);
	return 0;
}

static __always_inline int kprobe_pte_save(void *ptep, unsigned long addr)
{
	if (filtered(lt_pid_tgid()))
		return 0;
	if (!pte_args_save(ptep, addr))
		__sync_fetch_and_add(&lost_map_full, 1);	/* this update will not be sent */
	return 0;
}

static __always_inline int pte_args_use(void)
{
	__u32 key = pte_args_key();
	struct pte_args *a = bpf_map_lookup_elem(&pte_entry_args, &key);

	if (a) {
		struct pte_args v = *a;
		__u64 val = 0;

		bpf_map_delete_elem(&pte_entry_args, &key);
		bpf_probe_read_kernel(&val, sizeof(val), (void *)v.ptep);
		pte_event(0, v.ptep, v.addr, &v.old, val);
	}
	return 0;
}

SEC("kprobe/pageattr_pte_entry")
int BPF_KPROBE(kprobe_pte_entry, void *ptep, unsigned long addr)
{
	return kprobe_pte_save(ptep, addr);
}

SEC("kretprobe/pageattr_pte_entry")
int BPF_KRETPROBE(kretprobe_pte_entry)
{
	return pte_args_use();
}

SEC("kprobe/change_page_range")
int BPF_KPROBE(kprobe_change_page_range, void *ptep, unsigned long addr)
{
	return kprobe_pte_save(ptep, addr);
}

SEC("kretprobe/change_page_range")
int BPF_KRETPROBE(kretprobe_change_page_range)
{
	return pte_args_use();
}

/*
 * Where the kernel's BTF has the walk's masks (bpf/kernel_bits.h, src/probe.c), unless
 * --pte-at-return: the update is known at the callback's entry, so there is no return probe
 * (a kretprobe's trampoline cost as much as the record it sent, bench/RESULTS.md; fexit's
 * below). An update that will defer (a valid kernel entry in an active section:
 * pte_deferred(), as queue_pte_barriers() decides) goes in its deferral's record, as at the
 * return (LT_DEFER_PTE); any other is recorded here, before the callback writes it. The
 * deferral checks the value computed here against the one the kernel wrote
 * (pte_masks_mismatch).
 */
static __always_inline bool pte_fold_at_entry(void *ptep, unsigned long addr, __u64 old,
					      __u64 val)
{
	__u64 *o = pte_old_of(), owner = fold_owner();

	if (o[PTE_SLOT_ENTRY] && !(o[PTE_SLOT_ENTRY] & PTE_SLOT_FOLDED)) {
		/* another task's update waits for its deferral: leave it, record this one */
		if (o[PTE_SLOT_OWNER] != owner)
			return false;
		/* this task's last one never got its deferral's record (its program skipped) */
		lose_folded_skipped();
	}
	o[PTE_SLOT_OLD] = old;
	o[PTE_SLOT_ADDR] = addr;
	o[PTE_SLOT_NEW] = val;
	o[PTE_SLOT_OWNER] = owner;
	o[PTE_SLOT_ENTRY] = (__u64)ptep;
	return true;
}

/* The entry's value before the update, for a kprobe (its argument is a plain number). */
static __always_inline __u64 pte_read(const void *ptep)
{
	__u64 old = 0;

	bpf_probe_read_kernel(&old, sizeof(old), ptep);
	return old;
}

/* How a program has the callback's ptep: a fentry program's is a trusted pointer (BTF), a
 * kprobe's a plain number. */
enum { PTEP_NUMBER, PTEP_TRUSTED };

static __always_inline int pte_masks_entry(__u64 ip, void *ptep, unsigned long addr,
					   const void *data, int ptep_kind)
{
	const struct page_change_data___lt *masks;
	struct lt_out out;
	struct lt_event *e;
	__u64 id = lt_pid_tgid(), old, val;

	if (filtered(id))
		return 0;
	old = ptep_kind == PTEP_TRUSTED ? lt_pte_load(ptep) : pte_read(ptep);
	masks = lt_core_cast(data, struct page_change_data___lt);
	/* clear first, then set, as the callback does */
	val = (old & ~masks->clear_mask.pgprot) | masks->set_mask.pgprot;
	if (fold_pte && lt_pte_valid_kernel(val)) {
		struct lt_event st;

		__builtin_memset(&st, 0, sizeof(st));
		fill_state(&st);
		if (pte_deferred(&st, val) && pte_fold_at_entry(ptep, addr, old, val))
			return 0;
	}
	e = start_known(LT_PTE_UPDATE, id, &out);
	if (!e)
		return 0;
	e->ip = ip;
	e->addr = addr;
	e->arg0 = (__u64)ptep;
	e->arg1 = val;
	e->aux = pte_old_bits(old, val);
	/* the state the update leaves, as fexit's record shows it: deferring sets the flag */
	if (pte_deferred(e, val))
		e->flags |= LT_F_DEFERRED | LT_F_PENDING;
	send(e, &out);
	return 0;
}

/* pageattr_pte_entry(pte_t *pte, unsigned long addr, unsigned long next, struct mm_walk *walk) */
SEC("kprobe/pageattr_pte_entry")
int BPF_KPROBE(kprobe_pte_masks, void *ptep, unsigned long addr, unsigned long next,
	       struct mm_walk___lt *walk)
{
	return pte_masks_entry(PT_REGS_IP(ctx), ptep, addr,
			       lt_core_cast(walk, struct mm_walk___lt)->private, PTEP_NUMBER);
}

/* change_page_range(pte_t *ptep, unsigned long addr, void *data) */
SEC("kprobe/change_page_range")
int BPF_KPROBE(kprobe_change_range_masks, void *ptep, unsigned long addr, void *data)
{
	return pte_masks_entry(PT_REGS_IP(ctx), ptep, addr, data, PTEP_NUMBER);
}

/*
 * The same with fentry alone (unless --pte-at-return or --no-fold): the arguments are
 * trusted pointers (BTF), the walk's private data a plain number. A fexit besides makes the
 * callback's BPF trampoline call the function and return through it, and runs a second
 * program per update: measured in the lab, `record` of the benchmark workload 3.5% faster
 * without it (the median of 8 rounds' ratios in one boot; 0.84-1.13 a round).
 */
SEC("fentry/pageattr_pte_entry")
int BPF_PROG(fentry_pte_masks, void *ptep, unsigned long addr, unsigned long next,
	     struct mm_walk___lt *walk)
{
	return pte_masks_entry(bpf_get_func_ip(ctx), ptep, addr, walk->private, PTEP_TRUSTED);
}

SEC("fentry/change_page_range")
int BPF_PROG(fentry_change_range_masks, void *ptep, unsigned long addr, void *data)
{
	return pte_masks_entry(bpf_get_func_ip(ctx), ptep, addr, data, PTEP_TRUSTED);
}

/* --- DWARF sites (probes+dwarf): inlined lazy MMU helpers ------------------------------ */

/*
 * Attached by the loader at every inlined (or out-of-line) copy of a lazy MMU helper the
 * kernel's DWARF lists (src/sites.h), with the cookie of bpf/site_cookie.h. The probe fires
 * before the helper runs: the record carries the state before it (LT_F_SITE) and the
 * reconstruction derives what the helper did.
 */
SEC("kprobe")
int kprobe_site(struct pt_regs *ctx)
{
	__u64 cookie = bpf_get_attach_cookie(ctx), id, entry = 0, val = 0;
	__u16 type = lt_site_type(cookie);
	struct lt_out out;
	struct lt_event *e;

	if (type == LT_DEFER)
		lt_site_regs(ctx, cookie, &entry, &val);
	/* At a call of a function that defers only for a valid (kernel) entry: the others
	 * cost nothing. */
	if (lt_site_no_deferral(cookie, val))
		return 0;
	e = start(type, &id, &out);
	if (!e)
		return 0;
	e->ip = PT_REGS_IP(ctx);
	e->aux = (__u32)cookie;
	e->flags |= LT_F_SITE;
	e->action = type == LT_DEFER ? (cookie >> 40) & 0xff : LT_ACT_UNKNOWN;
	e->arg0 = entry;
	e->arg1 = val;
	send(e, &out);
	return 0;
}

/* --- access probes ------------------------------------------------------------------- */

/*
 * Attached by the loader to clear_page(to), copy_page(to, from) and --access-probe FUNC:ARG,
 * with the cookie of include/lazytrace.h (LT_ACCESS_*), and (probes+dwarf) at each
 * `bl clear_page` / `bl copy_page` of the kernel, where the arguments are already in x0/x1
 * (LT_ACCESS_CALL_SITE). An access matters only while the task has barriers pending, so others cost no
 * ring-buffer space (unless access_all).
 */
SEC("kprobe")
int kprobe_access(struct pt_regs *ctx)
{
	__u64 cookie = bpf_get_attach_cookie(ctx), id, addr;
	struct access_record *r;
	unsigned int arg = cookie & LT_ACCESS_ARG_MASK;
	struct lt_out out;
	__u32 seq;

	id = lt_pid_tgid();
	if (filtered(id))
		return 0;
	if (!access_all) {
		struct task_struct___lt *t = (void *)bpf_get_current_task_btf();

		if (!((t->thread_info.flags >> pending_bit) & 1))
			return 0;
	}
	/*
	 * Load every candidate at a constant offset, then choose: a ctx access at a computed
	 * offset, which the compiler makes of a switch, is rejected by older verifiers.
	 */
	{
		__u64 a0 = PT_REGS_PARM1(ctx), a1 = PT_REGS_PARM2(ctx);
		__u64 a2 = PT_REGS_PARM3(ctx), a3 = PT_REGS_PARM4(ctx);

		barrier_var(a0);
		barrier_var(a1);
		barrier_var(a2);
		barrier_var(a3);
		if (arg > 3)
			return 0;
		addr = arg == 0 ? a0 : arg == 1 ? a1 : arg == 2 ? a2 : a3;
	}
	if (cookie & LT_ACCESS_PAGE)
		addr = page_to_va(addr);
	name_task(id);
	r = reserve(ALONE, &seq, &out);
	if (!r)
		return 0;
	fill(&r->ev, LT_ACCESS, id);
	stamp(&r->ev, seq);
	r->ev.ip = PT_REGS_IP(ctx);
	r->ev.addr = addr;
	r->ev.aux = cookie >> LT_ACCESS_INDEX_SHIFT;
	r->ev.nr_frames = lt_access_stack(ctx, r->frames, !(cookie & LT_ACCESS_CALL_SITE));
	send(r, &out);
	return 0;
}

/*
 * Run by userspace on each CPU (BPF_PROG_TEST_RUN on that CPU) every 100 ms and at the end:
 * what a CPU staged and no switch sent goes out. Returns 1 if it could not (it interrupted a
 * program writing a record). Loaded only when asked (SEC "?").
 */
SEC("?raw_tp")
int flush_stage(void *ctx)
{
	return !stage_flush_idle();
}

/* --- the kernel model's source where /proc/kcore cannot be read ------------------------- */

/*
 * Copies kmem_len bytes of kernel memory at kmem_addr into kmem_buf, run once by the loader
 * with BPF_PROG_TEST_RUN (src/kmodel_bpf.c) to read the kernel's VMCOREINFO note: without
 * CAP_SYS_RAWIO /proc/kcore is closed, while CAP_BPF + CAP_PERFMON, which lazytrace needs
 * anyway, allow this. Loaded only for that (SEC "?": no autoload), in an object of its own.
 */
__u64 kmem_addr;
__u32 kmem_len;
__s64 kmem_err;
char kmem_buf[LT_KMEM_MAX];

SEC("?raw_tp")
int read_kmem(void *ctx)
{
	__u32 len = kmem_len;

	if (len > LT_KMEM_MAX)
		len = LT_KMEM_MAX;
	kmem_err = bpf_probe_read_kernel(kmem_buf, len, (const void *)kmem_addr);
	return 0;
}
