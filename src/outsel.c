// SPDX-License-Identifier: GPL-2.0
/* src/outsel.c: see outsel.h. */
#include <string.h>

#include "outsel.h"

void lt_outsel_init(struct lt_outsel *s, const struct lt_recon_ops *inner)
{
	memset(s, 0, sizeof(*s));
	s->cpu = (__u32)-1;
	if (inner)
		s->inner = *inner;
}

bool lt_outsel_active(const struct lt_outsel *s)
{
	return s->cpu != (__u32)-1 || s->has_from || s->has_to;
}

static bool in_time(const struct lt_outsel *s, __u64 ts)
{
	return (!s->has_from || ts >= s->from_ns) && (!s->has_to || ts <= s->to_ns);
}

static bool on_cpu(const struct lt_outsel *s, __u16 cpu)
{
	return s->cpu == (__u32)-1 || cpu == s->cpu;
}

void lt_outsel_event(struct lt_outsel *s, const struct lt_event *ev)
{
	if (in_time(s, ev->ts) && on_cpu(s, ev->cpu))
		s->st.events++;
}

static void sel_item(void *ctx, const struct lt_item *it)
{
	struct lt_outsel *s = ctx;

	if (!in_time(s, it->ts) || !on_cpu(s, it->cpu))
		return;
	if (it->kind == LT_ITEM_ENABLE && it->opened) {
		s->st.sections++;
		if (it->depth > 1)
			s->st.nested_sections++;
		if (it->depth > s->st.max_depth)
			s->st.max_depth = it->depth;
	} else if (it->kind == LT_ITEM_DEFER) {
		s->st.deferred_ptes++;
	} else if (it->kind == LT_ITEM_FLUSH) {
		s->st.flushes++;
	}
	/* one item per call or update unfolded (an explicit record of one the BPF side sent
	 * after all is not subtracted here, as the run's figure does: it left no item) */
	if (it->unfolded && (it->kind == LT_ITEM_MAP || it->kind == LT_ITEM_MAP_RET ||
			     it->kind == LT_ITEM_PTE))
		s->st.unfolded_events++;
	if (s->inner.item)
		s->inner.item(s->inner.ctx, it);
}

static void sel_hazard(void *ctx, const struct lt_hazard *hz)
{
	struct lt_outsel *s = ctx;

	if (!in_time(s, hz->ts) || !on_cpu(s, hz->cpu))
		return;
	if (hz->kind == LT_HAZARD_CONFIRMED)
		s->st.hazards_confirmed++;
	else
		s->st.hazards_potential++;
	if (s->inner.hazard)
		s->inner.hazard(s->inner.ctx, hz);
}

static void sel_anomaly(void *ctx, const struct lt_anomaly *an)
{
	struct lt_outsel *s = ctx;

	/* Losses are counted for the whole machine, not per CPU: always kept. */
	if (!in_time(s, an->ts) || (an->kind != LT_ANOM_LOST && !on_cpu(s, an->cpu)))
		return;
	if (s->drop_open_at_exit && an->kind == LT_ANOM_OPEN_AT_EXIT)
		return;
	s->st.anomalies++;
	if (an->kind == LT_ANOM_LOST)
		lt_stats_count_lost(&s->st, an->cause, an->count);
	if (s->inner.anomaly)
		s->inner.anomaly(s->inner.ctx, an);
}

static void sel_completed(void *ctx, const struct lt_completion *c)
{
	struct lt_outsel *s = ctx;

	if (!in_time(s, c->ts) || !on_cpu(s, c->cpu))
		return;
	if (s->inner.completed)
		s->inner.completed(s->inner.ctx, c);
}

void lt_outsel_ops(struct lt_outsel *s, struct lt_recon_ops *ops)
{
	/*
	 * Selecting nothing out, it keeps everything and its figures are not the result: the
	 * reconstruction reports straight to inner, without a call per item through here.
	 */
	if (!lt_outsel_active(s)) {
		*ops = s->inner;
		return;
	}
	*ops = (struct lt_recon_ops){
		.ctx = s, .item = sel_item, .hazard = sel_hazard, .anomaly = sel_anomaly,
		.completed = sel_completed,
		/* inner's, and those counted in sel_item() */
		.item_skip = s->inner.item_skip & ~(1u << LT_ITEM_ENABLE | 1u << LT_ITEM_DEFER |
						    1u << LT_ITEM_FLUSH | 1u << LT_ITEM_MAP |
						    1u << LT_ITEM_MAP_RET | 1u << LT_ITEM_PTE),
	};
}

struct lt_stats lt_outsel_stats(const struct lt_outsel *s, const struct lt_stats *run)
{
	struct lt_stats st = s->st;

	st.invalid_events = run->invalid_events;
	return st;
}
