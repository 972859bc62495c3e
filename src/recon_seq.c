// SPDX-License-Identifier: GPL-2.0
/* src/recon_seq.c: see recon_seq.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "recon_seq.h"

void lt_seq_init(struct lt_seq *q, lt_seq_deliver_fn deliver, lt_seq_gap_fn gap, void *ctx)
{
	memset(q, 0, sizeof(*q));
	q->deliver = deliver;
	q->gap = gap;
	q->ctx = ctx;
}

void lt_seq_free(struct lt_seq *q)
{
	for (unsigned int i = 0; i < q->ncpus; i++) {
		if (q->cpus[i])
			free(q->cpus[i]->held);
		free(q->cpus[i]);
	}
	free(q->cpus);
	q->cpus = NULL;
	q->ncpus = 0;
}

static struct lt_seq_cpu *cpu_get(struct lt_seq *q, __u16 cpu)
{
	if (cpu >= q->ncpus) {
		unsigned int n = cpu + 1u < 2 * q->ncpus ? 2 * q->ncpus : cpu + 1u;
		struct lt_seq_cpu **v = realloc(q->cpus, n * sizeof(*v));

		if (!v)
			return NULL;
		memset(v + q->ncpus, 0, (n - q->ncpus) * sizeof(*v));
		q->cpus = v;
		q->ncpus = n;
	}
	if (!q->cpus[cpu]) {
		/* from the start of a stream, number 0 comes first: a later one is a loss */
		q->cpus[cpu] = calloc(1, sizeof(struct lt_seq_cpu));
		if (q->cpus[cpu])
			q->cpus[cpu]->any = q->restarted;
	}
	return q->cpus[cpu];
}

/* Numbers go round at 2^24: how far s is past c's next (below 2^23), else behind it. */
static __u32 ahead(__u32 s, __u32 next)
{
	return (s - next) & LT_SEQ_MASK;
}

/* Room for one more held record: false if the bound is reached or memory is short. */
static bool room(struct lt_seq_cpu *c)
{
	unsigned int n;
	struct lt_seq_held *v;

	if (c->nheld < c->cap)
		return true;
	if (c->cap >= LT_SEQ_HELD)
		return false;
	n = c->cap ? 2 * c->cap : 4;
	if (n > LT_SEQ_HELD)
		n = LT_SEQ_HELD;
	v = realloc(c->held, n * sizeof(*v));
	if (!v)
		return false;
	c->held = v;
	c->cap = n;
	return true;
}

/* Called with room() true. */
static void hold(struct lt_seq_cpu *c, const struct lt_event *ev, const __u64 *frames)
{
	__u32 s = lt_event_seq(ev);
	unsigned int i = c->nheld;

	/* by number, relative to the hole's start (numbers wrap) */
	while (i > 0 && ahead(lt_event_seq(&c->held[i - 1].ev), c->hole_lo) >
			ahead(s, c->hole_lo)) {
		c->held[i] = c->held[i - 1];
		i--;
	}
	c->held[i].ev = *ev;
	if (ev->nr_frames && frames)
		memcpy(c->held[i].frames, frames, ev->nr_frames * sizeof(__u64));
	c->nheld++;
}

/* The hole cannot fill any more: the loss, then the held records in number order. */
static int settle(struct lt_seq *q, __u16 cpu, struct lt_seq_cpu *c)
{
	__u64 lost = c->hole_n - c->nfilled;
	int ret = 0;

	c->holding = false;
	q->nholding--;
	if (lost) {
		q->holes += lost;
		q->gap(q->ctx, cpu, c->gap_ts, lost);
	}
	for (unsigned int i = 0; i < c->nheld; i++) {
		const struct lt_seq_held *h = &c->held[i];
		int r = q->deliver(q->ctx, &h->ev, h->ev.nr_frames ? h->frames : NULL);

		ret = ret ?: r;
		c->gap_ts = h->ev.ts;	/* the last by number: where a next hole starts */
	}
	c->nheld = 0;
	return ret;
}

void lt_seq_settle(struct lt_seq *q)
{
	for (unsigned int i = 0; q->nholding && i < q->ncpus; i++)
		if (q->cpus[i] && q->cpus[i]->holding)
			settle(q, (__u16)i, q->cpus[i]);
}

/* Whether a task has a record held on that CPU. */
static bool holds_task(const struct lt_seq_cpu *c, __u32 tid)
{
	for (unsigned int i = 0; i < c->nheld; i++)
		if (c->held[i].ev.tid == tid)
			return true;
	return false;
}

/*
 * Holes of other CPUs that this record shows cannot fill: a task with a record held there is
 * running here (it left that CPU; its held records go first, or its own events would come
 * out of order: seen in the lab, a free_pages held on one CPU behind its ___free_pages on
 * the next), or they waited long enough.
 */
static void settle_others(struct lt_seq *q, const struct lt_event *ev)
{
	for (unsigned int i = 0; q->nholding && i < q->ncpus; i++) {
		struct lt_seq_cpu *c = q->cpus[i];

		if (!c || !c->holding || i == ev->cpu)
			continue;
		if ((ev->tid && holds_task(c, ev->tid)) || q->fed - c->waited > LT_SEQ_WAIT)
			settle(q, (__u16)i, c);
	}
}

void lt_seq_restart(struct lt_seq *q)
{
	lt_seq_settle(q);
	q->restarted = true;
	for (unsigned int i = 0; i < q->ncpus; i++)
		if (q->cpus[i])
			q->cpus[i]->any = true;
}

int lt_seq_feed(struct lt_seq *q, const struct lt_event *ev, const __u64 *frames)
{
	struct lt_seq_cpu *c = cpu_get(q, ev->cpu);
	__u32 s = lt_event_seq(ev), d;
	int ret = 0;

	if (!c)
		return -ENOMEM;
	q->fed++;
	if (q->nholding)
		settle_others(q, ev);
	if (c->holding) {
		__u32 off = ahead(s, c->hole_lo);

		if (off < c->hole_n && off < LT_SEQ_HELD) {
			/* a late record: it fills the hole, unless already seen */
			bool dup = (c->filled[off / 64] >> (off % 64)) & 1;

			if (!dup && room(c)) {
				c->filled[off / 64] |= 1ULL << (off % 64);
				c->nfilled++;
				q->late++;
				hold(c, ev, frames);
				if (c->nfilled == c->hole_n)
					return settle(q, ev->cpu, c);
				return 0;
			}
		} else if (s == c->next && c->nrun < LT_SEQ_RUN && room(c)) {
			/* the number after those held: it waits with them (an interrupt's programs
			 * send their records alone, ahead of the CPU's staged ones) */
			hold(c, ev, frames);
			c->nrun++;
			c->next = (s + 1) & LT_SEQ_MASK;
			return 0;
		}
		ret = settle(q, ev->cpu, c);
	}
	if (c->any) {
		c->any = false;
		c->next = s;
	}
	d = ahead(s, c->next);
	if (d && d < (LT_SEQ_MASK >> 1)) {
		/* numbers skipped: a loss, unless late records fill it */
		if (room(c)) {
			c->holding = true;
			q->nholding++;
			c->hole_lo = c->next;
			c->hole_n = d;
			memset(c->filled, 0, sizeof(c->filled));
			c->nfilled = 0;
			c->nrun = 0;
			c->waited = q->fed;
			c->nheld = 0;
			c->next = (s + 1) & LT_SEQ_MASK;
			hold(c, ev, frames);
			return ret;
		}
		/* no memory to hold it: the hole is a loss now */
		q->holes += d;
		q->gap(q->ctx, ev->cpu, c->gap_ts, d);
		c->next = (s + 1) & LT_SEQ_MASK;
	}
	if (!d)
		c->next = (s + 1) & LT_SEQ_MASK;
	/* (behind and not in a hole: a number seen before, passed on as it is) */
	c->gap_ts = ev->ts;
	{
		int r = q->deliver(q->ctx, ev, frames);

		return ret ?: r;
	}
}
