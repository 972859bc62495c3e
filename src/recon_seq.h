/* SPDX-License-Identifier: GPL-2.0 */
/*
 * src/recon_seq.h: the reconstruction's input stage for records that carry their CPU's
 * sequence number (LT_F_SEQ). Internal to src/recon.c.
 *
 * The BPF side numbers every record it tries to send on a CPU, sent or lost, so a hole in a
 * CPU's sequence is a loss at exactly that place. One thing disorders a sequence: a CPU's
 * records go out in batches (bpf/lazytrace.bpf.c, the stage), and an interrupt whose
 * programs run while a record is being written into the batch sends its records alone,
 * ahead of the batch's lower numbers. That can be many records: a softirq on the
 * interrupt's way out freeing pages under debug_pagealloc sends about 11 per page (seen in
 * the lab: 53 in one hole). So when a record skips numbers, it, the records of its CPU that
 * follow it in sequence (up to LT_SEQ_RUN), and those that fill the hole are held until the
 * hole either fills (no loss: all go out in sequence order) or cannot fill any more (a record
 * of that CPU that skips again or comes past LT_SEQ_RUN, a task with a held record running on
 * another CPU, a bound, or the end): the loss goes out, then the held records. Records of
 * other CPUs pass meanwhile.
 */
#ifndef LT_RECON_SEQ_H
#define LT_RECON_SEQ_H

#include <stdbool.h>
#include <linux/types.h>

#include "lazytrace.h"

#define LT_SEQ_MASK	((1u << LT_SEQ_BITS) - 1)
#define LT_SEQ_HELD	4096	/* records held per CPU at most while a hole may fill */
#define LT_SEQ_RUN	256	/* records after a hole's first, in sequence, held with it at
				 * most: an interrupt's records sent ahead of the CPU's batch;
				 * past them the hole is a loss (a real one is followed by
				 * every later record, which it must not hold up) */
#define LT_SEQ_WAIT	65536	/* records of any CPU a hole waits at most (the other CPUs
				 * run on while the interrupt does) */

struct lt_seq_held {
	struct lt_event ev;
	__u64 frames[LT_MAX_FRAMES];
};

struct lt_seq_cpu {
	__u32 next;			/* the sequence number expected next ... */
	bool any;			/* ... unless not known (after lt_seq_restart) */
	bool holding;
	__u32 hole_lo, hole_n;		/* numbers hole_lo .. hole_lo + hole_n - 1 missing ... */
	__u64 filled[LT_SEQ_HELD / 64];	/* ... but these came late (bit i: hole_lo + i) */
	__u32 nfilled;
	__u32 nrun;			/* held after the first, in sequence (LT_SEQ_RUN) */
	__u64 gap_ts;			/* the time of this CPU's record numbered just below the
					 * hole (0: the hole starts the stream) */
	__u64 waited;			/* q->fed when holding began */
	struct lt_seq_held *held;	/* by sequence number; grows up to LT_SEQ_HELD */
	unsigned int nheld, cap;
};

typedef int (*lt_seq_deliver_fn)(void *ctx, const struct lt_event *ev, const __u64 *frames);
typedef void (*lt_seq_gap_fn)(void *ctx, __u16 cpu, __u64 ts, __u64 count);

struct lt_seq {
	struct lt_seq_cpu **cpus;	/* by CPU, allocated when first seen */
	unsigned int ncpus;
	unsigned int nholding;
	bool restarted;			/* CPUs first seen from now on start anywhere */
	__u64 fed;
	__u64 holes;			/* records lost, found as holes */
	__u64 late;			/* records that came behind a higher number (put back) */
	lt_seq_deliver_fn deliver;
	lt_seq_gap_fn gap;
	void *ctx;
};

void lt_seq_init(struct lt_seq *q, lt_seq_deliver_fn deliver, lt_seq_gap_fn gap, void *ctx);
void lt_seq_free(struct lt_seq *q);

/* One record with LT_F_SEQ: delivered now, or held and delivered later in sequence order. */
int lt_seq_feed(struct lt_seq *q, const struct lt_event *ev, const __u64 *frames);

/* Settles every CPU's hole (end of stream, or before anything that needs the state now). */
void lt_seq_settle(struct lt_seq *q);

/* Records went missing for a known reason (the flight recorder's eviction): every CPU's next
 * number is unknown; no hole is counted before each CPU's next record. */
void lt_seq_restart(struct lt_seq *q);

#endif /* LT_RECON_SEQ_H */
