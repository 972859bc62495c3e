// SPDX-License-Identifier: GPL-2.0
/*
 * tests/unit/test_recon.c: the reconstruction (src/recon.c), the text and JSON sinks and the
 * kallsyms snapshot, on event streams built here: the thread's three timelines (seed 8 5) as
 * the patched kernel emits them and as a stock kernel shows them (state and PENDING only),
 * unbalanced and interleaved streams, lost events, invalid and random records.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "ksyms.h"
#include "outsel.h"
#include "recon.h"
#include "recon_seq.h"	/* LT_SEQ_RUN */
#include "sink_json.h"
#include "sink_text.h"

#include "streams.h"

/* ------------------------------------------------------------ recording the output */

struct rec {
	char log[8192];
	char last[64];
	int rep;
	struct lt_hazard hz[32];
	__u64 hz_frames[32][LT_MAX_FRAMES];
	int nhz;
	struct lt_anomaly an[64];
	int nan;
	int nitems, ninferred;
	struct lt_item items[MAX_EV];
};

static void rec_flush(struct rec *r)
{
	size_t len = strlen(r->log);

	if (!r->rep)
		return;
	if (r->rep > 1)
		snprintf(r->log + len, sizeof(r->log) - len, "%s%sx%d", len ? " " : "", r->last,
			 r->rep);
	else
		snprintf(r->log + len, sizeof(r->log) - len, "%s%s", len ? " " : "", r->last);
	r->rep = 0;
}

static void rec_tok(struct rec *r, const char *fmt, ...)
{
	char tok[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tok, sizeof(tok), fmt, ap);
	va_end(ap);
	if (r->rep && !strcmp(tok, r->last)) {
		r->rep++;
		return;
	}
	rec_flush(r);
	strcpy(r->last, tok);
	r->rep = 1;
}

static const char *rec_log(struct rec *r)
{
	rec_flush(r);
	return r->log;
}

static void rec_item(void *ctx, const struct lt_item *it)
{
	struct rec *r = ctx;
	const char *inf = it->inferred ? "~" : "";

	if (r->nitems < MAX_EV) {
		r->items[r->nitems] = *it;
		r->items[r->nitems].ev = NULL;
		r->items[r->nitems].comm = NULL;
	}
	r->nitems++;
	r->ninferred += it->inferred;
	switch (it->kind) {
	case LT_ITEM_ENABLE:
		rec_tok(r, "E:%s:%u%s", lt_action_name(it->action), it->depth, inf);
		break;
	case LT_ITEM_DISABLE:
		rec_tok(r, "X:%s:%u%s", lt_action_name(it->action), it->depth, inf);
		break;
	case LT_ITEM_PAUSE:
		rec_tok(r, "P:%s", lt_action_name(it->action));
		break;
	case LT_ITEM_RESUME:
		rec_tok(r, "U:%s", lt_action_name(it->action));
		break;
	case LT_ITEM_DEFER:
		rec_tok(r, "d%u", it->depth);
		break;
	case LT_ITEM_FLUSH:
		rec_tok(r, "F%llu%s", (unsigned long long)it->count, inf);
		break;
	case LT_ITEM_MAP:
		rec_tok(r, "M");
		break;
	case LT_ITEM_MAP_RET:
		rec_tok(r, "R");
		break;
	case LT_ITEM_PTE:
		rec_tok(r, "p%u", it->depth);
		break;
	case LT_ITEM_ACCESS:
		rec_tok(r, "A");
		break;
	case LT_ITEM_LOST:
		rec_tok(r, "L");
		break;
	case LT_ITEM_SWITCH:
		rec_tok(r, "S%llu", (unsigned long long)it->count);
		break;
	}
}

static void rec_hazard(void *ctx, const struct lt_hazard *hz)
{
	struct rec *r = ctx;

	rec_tok(r, "H:%s", hz->kind == LT_HAZARD_CONFIRMED ? "c" : "p");
	if (r->nhz < 32) {
		r->hz[r->nhz] = *hz;
		r->hz[r->nhz].comm = NULL;
		if (hz->frames && hz->nr_frames <= LT_MAX_FRAMES) {
			memcpy(r->hz_frames[r->nhz], hz->frames, hz->nr_frames * sizeof(__u64));
			r->hz[r->nhz].frames = r->hz_frames[r->nhz];
		}
	}
	r->nhz++;
}

static void rec_anomaly(void *ctx, const struct lt_anomaly *an)
{
	struct rec *r = ctx;

	rec_tok(r, "!%s", lt_anomaly_name(an->kind));
	if (r->nan < 64) {
		r->an[r->nan] = *an;
		r->an[r->nan].comm = NULL;
	}
	r->nan++;
}

static struct lt_recon *rec_new(struct rec *r, enum lt_defer_source src)
{
	struct lt_recon_ops ops = {
		.ctx = r, .item = rec_item, .hazard = rec_hazard, .anomaly = rec_anomaly,
	};

	memset(r, 0, sizeof(*r));
	return lt_recon_new(src, &ops);
}

static int feed_all(struct lt_recon *lr, const struct stream *s)
{
	int bad = 0;

	for (int i = 0; i < s->n; i++)
		bad += lt_recon_feed(lr, &s->ev[i], s->fr[i]) != 0;
	return bad;
}

static struct stream S1, S2, S3;
static struct rec R1;

/* ------------------------------------------------------------ the three timelines */

static const char *const PATCHED_LOG[] = {
	[NESTED] = "E:enter:1 d1x8 E:nest:2 p2 d2 F9 X:flush:1 A d1x5 F5 X:leave:0",
	[FLAT] = "E:enter:1 d1x8 E:nest:2 p2 d2 F9 X:end:1 A X:leave:0",
	[NOFLUSH] = "E:enter:1 d1x8 E:nest:2 p2 d2 X:noflush:1 A H:c d1x5 F14 X:leave:0",
};

static const char *const PATCHED_MAP_LOG[] = {
	[NOFLUSH] = ("E:enter:1 d1x8 Mx2 E:nest:2 p2 d2 X:noflush:1 Rx2 H:p A H:c d1x5 F14 "
		     "X:leave:0"),
};

/* Stock: B's access is not sent unless B is still deferred (noflush), as the BPF side does;
 * the nested flush is inferred from the depth going down under nested semantics. */
static const char *const STOCK_LOG[] = {
	[NESTED] = "E:unknown:1~ d1x8 E:unknown:2~ d2 F9~ X:unknown:1~ d1x5 F5~ X:unknown:0~ p0",
	[FLAT] = "E:unknown:1~ d1x8 E:unknown:2~ d2 F9~ X:unknown:1~ p1x5 X:unknown:0~ p0",
	[NOFLUSH] = ("E:unknown:1~ d1x8 E:unknown:2~ d2 X:unknown:1~ A H:c d1x5 F14~ "
		     "X:unknown:0~ p0"),
};

static void test_timelines(bool stock)
{
	static const unsigned int deferred[] = { 14, 9, 14 };
	static const unsigned int flushes[] = { 2, 1, 1 };

	for (int m = NESTED; m <= NOFLUSH; m++) {
		struct cur c = { .pid = 71, .tid = 71, .cpu = 1, .ts = 5000000, .stock = stock };
		struct seed_info si;
		struct lt_recon *lr;
		const struct lt_stats *st;

		S1.n = 0;
		si = seed(&S1, &c, m, 8, 5, false);
		lr = rec_new(&R1, stock ? LT_DEFER_FROM_PTE_UPDATE : LT_DEFER_FROM_TRACEPOINT);
		/* probes on our kernel: the nesting read from debugfs (stock kernels: nested) */
		lt_recon_set_nesting(lr, mode_names[m]);
		CHECK_EQ(feed_all(lr, &S1), 0);
		lt_recon_finish(lr);
		st = lt_recon_stats(lr);
		printf("%s %s: %s\n", stock ? "stock" : "patched", mode_names[m], rec_log(&R1));
		CHECK_STR(rec_log(&R1), stock ? STOCK_LOG[m] : PATCHED_LOG[m]);
		CHECK_EQ(st->events, S1.n);
		CHECK_EQ(st->sections, 2);
		CHECK_EQ(st->nested_sections, 1);
		CHECK_EQ(st->max_depth, 2);
		CHECK_EQ(st->deferred_ptes, deferred[m]);
		CHECK_EQ(st->flushes, flushes[m]);
		CHECK_EQ(st->hazards_potential, 0);
		CHECK_EQ(st->hazards_confirmed, m == NOFLUSH);
		CHECK_EQ(st->anomalies, 0);
		CHECK_EQ(R1.nan, 0);
		CHECK_EQ(R1.ninferred, stock ? (m == NESTED ? 6 : 5) : 0);
		CHECK_STR(lt_recon_comm(lr, 71), "sh");
		if (m == NOFLUSH && R1.nhz == 1) {
			const struct lt_hazard *hz = &R1.hz[0];

			CHECK_EQ(hz->kind, LT_HAZARD_CONFIRMED);
			CHECK_EQ(hz->addr, VA_B);
			CHECK_EQ(hz->tid, 71);
			CHECK_EQ(hz->pid, 71);
			CHECK_EQ(hz->section, 2);	/* the nested section */
			CHECK_EQ(hz->section_ip, stock ? IP_PTE_FN : IP_NEST);
			CHECK_EQ(hz->defer_ip, stock ? IP_PTE_FN : IP_PTE_DEFER);
			CHECK_EQ(hz->defer_ts, si.b_defer_ts);
			CHECK_EQ(hz->ts, si.access_ts);
			CHECK_EQ(hz->age_ns, si.access_ts - si.b_defer_ts);
			CHECK_EQ(hz->ip, IP_CLEAR_PAGE);
			CHECK_EQ(hz->nr_frames, 3);
			CHECK(hz->frames && hz->frames[0] == FRAMES[0] && hz->frames[2] == FRAMES[2]);
		}
		lt_recon_free(lr);
	}
}

/* Timelines with __kernel_map_pages()/set_memory_valid() traced: potential hazards. */
static void test_potential(bool stock)
{
	for (int m = NESTED; m <= NOFLUSH; m += 2) {
		struct cur c = { .pid = 71, .tid = 71, .cpu = 1, .ts = 5000000, .stock = stock };
		struct lt_recon *lr;
		const struct lt_stats *st;

		S1.n = 0;
		seed(&S1, &c, m, 8, 5, true);
		lr = rec_new(&R1, stock ? LT_DEFER_FROM_PTE_UPDATE : LT_DEFER_FROM_TRACEPOINT);
		lt_recon_set_nesting(lr, mode_names[m]);
		CHECK_EQ(feed_all(lr, &S1), 0);
		lt_recon_finish(lr);
		st = lt_recon_stats(lr);
		printf("%s %s + map: %s\n", stock ? "stock" : "patched", mode_names[m], rec_log(&R1));
		if (!stock && m == NOFLUSH)
			CHECK_STR(rec_log(&R1), PATCHED_MAP_LOG[NOFLUSH]);
		CHECK_EQ(st->hazards_potential, m == NOFLUSH);
		CHECK_EQ(st->hazards_confirmed, m == NOFLUSH);
		CHECK_EQ(st->deferred_ptes, 14);
		CHECK_EQ(st->anomalies, 0);
		if (m == NOFLUSH && R1.nhz == 2) {
			const struct lt_hazard *hz = &R1.hz[0];

			CHECK_EQ(hz->kind, LT_HAZARD_POTENTIAL);
			CHECK_EQ(hz->addr, VA_B);
			CHECK_EQ(hz->section, 2);
			CHECK_EQ(hz->ip, IP_MAP_PAGES);	/* at the outermost return */
			CHECK(hz->frames == NULL);
			CHECK_EQ(R1.hz[1].kind, LT_HAZARD_CONFIRMED);
		}
		lt_recon_free(lr);
	}

	/* set_memory_valid() alone (no __kernel_map_pages traced): reported at its return;
	 * a second access to the page (copy_page's second event) reports nothing new. */
	{
		struct cur c = { .pid = 9, .tid = 9, .ts = 1000 };
		struct lt_recon *lr = rec_new(&R1, LT_DEFER_FROM_TRACEPOINT);

		S1.n = 0;
		add_trans(&S1, &c, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);
		add_map(&S1, &c, LT_SET_VALID, 1, false, VA_B, 2, 1);
		add_trans(&S1, &c, LT_ENABLE, LT_ACT_NEST, 2, false, IP_NEST);
		add_defer(&S1, &c, 2, VA_B + 0x1000, ENTRY_B, IP_PTE_DEFER, true);
		add_defer(&S1, &c, 2, VA_C, ENTRY_C, IP_PTE_DEFER, true);	/* outside the range */
		add_trans(&S1, &c, LT_DISABLE, LT_ACT_NOFLUSH, 1, true, IP_NEST_DIS);
		add_map(&S1, &c, LT_SET_VALID_RET, 1, true, 0, 0, 0);
		add_access(&S1, &c, 1, true, VA_B + 0x1008, false);
		add_access(&S1, &c, 1, true, VA_B + 0x1ff0, false);
		add_flush(&S1, &c, 0, 2, IP_LEAVE_FLUSH);
		add_trans(&S1, &c, LT_DISABLE, LT_ACT_LEAVE, 0, false, IP_LEAVE);
		CHECK_EQ(feed_all(lr, &S1), 0);
		CHECK_STR(rec_log(&R1), "E:enter:1 M E:nest:2 p2 d2 p2 d2 X:noflush:1 R H:p A H:c A "
					"F2 X:leave:0");
		CHECK_EQ(lt_recon_stats(lr)->hazards_potential, 1);
		CHECK_EQ(lt_recon_stats(lr)->hazards_confirmed, 1);
		CHECK_EQ(R1.hz[0].addr, VA_B + 0x1000);
		CHECK_EQ(R1.hz[0].ip, IP_SET_VALID);
		CHECK_EQ(R1.hz[1].addr, VA_B + 0x1000);
		lt_recon_free(lr);
	}
}

/* Timestamps of the LT_DEFER events follow the pte update here; the VA also attaches when
 * the pte update comes after the defer (fexit ordering). */
static void test_pte_after_defer(void)
{
	struct cur c = { .pid = 3, .tid = 3, .ts = 1000 };
	struct lt_recon *lr = rec_new(&R1, LT_DEFER_FROM_TRACEPOINT);
	struct lt_event *e;

	S1.n = 0;
	add_trans(&S1, &c, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);
	add_defer(&S1, &c, 1, 0, ENTRY_B, IP_PTE_DEFER, false);
	e = add(&S1, &c, LT_PTE_UPDATE, 1, true);
	e->addr = VA_B;
	e->arg0 = ENTRY_B;
	add_access(&S1, &c, 1, true, VA_B, false);
	CHECK_EQ(feed_all(lr, &S1), 0);
	CHECK_STR(rec_log(&R1), "E:enter:1 d1 p1 A H:c");
	CHECK_EQ(R1.nhz, 1);
	CHECK_EQ(R1.hz[0].addr, VA_B);
	lt_recon_finish(lr);
	CHECK_EQ(R1.nan, 1);
	CHECK_EQ(R1.an[0].kind, LT_ANOM_OPEN_AT_EXIT);
	lt_recon_free(lr);
}

/* ------------------------------------------------------------ unbalanced, mismatch, interleaved */

static void test_unbalanced(void)
{
	struct cur c = { .pid = 5, .tid = 6, .ts = 1000 };
	struct lt_recon *lr = rec_new(&R1, LT_DEFER_FROM_TRACEPOINT);
	struct lt_event *e;

	/* disable first, with and without state */
	S1.n = 0;
	add_trans(&S1, &c, LT_DISABLE, LT_ACT_LEAVE, 0, false, IP_LEAVE);
	e = add(&S1, &c, LT_DISABLE, 0, false);
	e->action = LT_ACT_FLUSH;
	e->flags = 0;
	CHECK_EQ(feed_all(lr, &S1), 0);
	CHECK_STR(rec_log(&R1), "!disable_without_enable X:leave:0 !disable_without_enable "
				"X:flush:0");
	CHECK_EQ(lt_recon_stats(lr)->anomalies, 2);
	CHECK_EQ(R1.an[0].tid, 6);
	CHECK_EQ(R1.an[0].pid, 5);
	CHECK_EQ(R1.an[0].ip, IP_LEAVE);

	/* open at exit: two sections open */
	S1.n = 0;
	add_trans(&S1, &c, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);
	add_trans(&S1, &c, LT_ENABLE, LT_ACT_NEST, 2, false, IP_NEST);
	CHECK_EQ(feed_all(lr, &S1), 0);
	lt_recon_finish(lr);
	lt_recon_finish(lr);	/* idempotent */
	CHECK_EQ(R1.nan, 3);
	CHECK_EQ(R1.an[2].kind, LT_ANOM_OPEN_AT_EXIT);
	CHECK_EQ(R1.an[2].count, 2);
	CHECK_EQ(R1.an[2].ip, IP_NEST);
	lt_recon_free(lr);

	/* leave with barriers still pending */
	lr = rec_new(&R1, LT_DEFER_FROM_TRACEPOINT);
	S1.n = 0;
	add_trans(&S1, &c, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);
	add_defer(&S1, &c, 1, 0, ENTRY_A, IP_SETPTES, false);
	add_trans(&S1, &c, LT_DISABLE, LT_ACT_LEAVE, 0, true, IP_LEAVE);
	CHECK_EQ(feed_all(lr, &S1), 0);
	CHECK_STR(rec_log(&R1), "E:enter:1 d1 X:leave:0 !leave_with_pending");
	CHECK_EQ(R1.an[0].count, 1);
	lt_recon_free(lr);

	/* a leave without its flush event: the barriers were emitted all the same */
	lr = rec_new(&R1, LT_DEFER_FROM_TRACEPOINT);
	S1.n = 0;
	add_trans(&S1, &c, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);
	add_defer(&S1, &c, 1, 0, ENTRY_A, IP_SETPTES, false);
	add_trans(&S1, &c, LT_DISABLE, LT_ACT_LEAVE, 0, false, IP_LEAVE);
	CHECK_EQ(feed_all(lr, &S1), 0);
	CHECK_STR(rec_log(&R1), "E:enter:1 d1 F1~ X:leave:0");
	lt_recon_free(lr);

	/* without any state (no CO-RE): transitions alone, no anomaly */
	lr = rec_new(&R1, LT_DEFER_FROM_TRACEPOINT);
	S1.n = 0;
	add_trans(&S1, &c, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);
	add_trans(&S1, &c, LT_ENABLE, LT_ACT_IGN_IRQ, 1, false, IP_ENTER);
	add_trans(&S1, &c, LT_PAUSE, LT_ACT_PAUSE, 1, false, IP_ENTER);
	add_trans(&S1, &c, LT_ENABLE, LT_ACT_IGN_PAUSED, 1, false, IP_ENTER);
	add_trans(&S1, &c, LT_RESUME, LT_ACT_RESUME, 1, false, IP_ENTER);
	add_trans(&S1, &c, LT_DISABLE, LT_ACT_LEAVE, 0, false, IP_LEAVE);
	for (int i = 0; i < S1.n; i++)
		S1.ev[i].flags = 0;
	CHECK_EQ(feed_all(lr, &S1), 0);
	CHECK_STR(rec_log(&R1), "E:enter:1 E:ignored_irq:1 P:pause E:ignored_paused:1 U:resume "
				"X:leave:0");
	/* order check: the log folds nothing here */
	CHECK_EQ(lt_recon_stats(lr)->anomalies, 0);
	CHECK_EQ(lt_recon_stats(lr)->sections, 1);
	lt_recon_free(lr);
}

static void test_mismatch(void)
{
	struct cur c = { .pid = 5, .tid = 5, .ts = 1000 };
	struct lt_recon *lr = rec_new(&R1, LT_DEFER_FROM_TRACEPOINT);

	S1.n = 0;
	add_trans(&S1, &c, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);
	add_trans(&S1, &c, LT_ENABLE, LT_ACT_NEST, 3, false, IP_NEST);	/* missed a nest */
	add_defer(&S1, &c, 3, 0, ENTRY_A, IP_SETPTES, false);
	add_defer(&S1, &c, 1, 0, ENTRY_A, IP_SETPTES, false);	/* missed two disables */
	add_flush(&S1, &c, 0, 2, IP_LEAVE_FLUSH);
	add_trans(&S1, &c, LT_DISABLE, LT_ACT_LEAVE, 0, false, IP_LEAVE);
	CHECK_EQ(feed_all(lr, &S1), 0);
	/* the missed nested disables flushed (nested semantics): d3 completed there */
	CHECK_STR(rec_log(&R1), "E:enter:1 E:nest:2 !state_mismatch E:unknown:3~ d3 !state_mismatch "
				"F1~ X:unknown:2~ X:unknown:1~ d1 F2 X:leave:0");
	CHECK_EQ(R1.nan, 2);
	CHECK_EQ(R1.an[0].count, 3);
	CHECK_EQ(R1.an[0].depth, 2);
	CHECK_EQ(R1.an[1].count, 1);
	CHECK_EQ(R1.an[1].depth, 3);
	CHECK_EQ(lt_recon_stats(lr)->max_depth, 3);
	CHECK_EQ(lt_recon_stats(lr)->sections, 3);
	lt_recon_free(lr);

	/* a task first seen inside a section (tracing started there): inferred, no anomaly */
	lr = rec_new(&R1, LT_DEFER_FROM_TRACEPOINT);
	S1.n = 0;
	add_defer(&S1, &c, 2, 0, ENTRY_A, IP_SETPTES, false);
	add_flush(&S1, &c, 1, 1, IP_NEST_DIS);
	add_trans(&S1, &c, LT_DISABLE, LT_ACT_FLUSH, 1, false, IP_NEST_DIS);
	add_trans(&S1, &c, LT_DISABLE, LT_ACT_LEAVE, 0, false, IP_LEAVE);
	CHECK_EQ(feed_all(lr, &S1), 0);
	CHECK_STR(rec_log(&R1), "E:unknown:1~ E:unknown:2~ d2 F1 X:flush:1 X:leave:0");
	CHECK_EQ(R1.nan, 0);
	lt_recon_free(lr);
}

static void test_interleaved(void)
{
	struct cur a = { .pid = 100, .tid = 100, .cpu = 0, .ts = 1000 };
	struct cur b = { .pid = 200, .tid = 201, .cpu = 1, .ts = 1500 };
	struct lt_recon *lr;
	int i = 0, j = 0;

	S1.n = S2.n = S3.n = 0;
	seed(&S1, &a, NOFLUSH, 8, 5, false);
	seed(&S2, &b, NESTED, 3, 2, false);
	/* tid 201 also clears tid 100's page B while B is deferred in 100: not 201's hazard */
	/* merge by timestamp */
	while (i < S1.n || j < S2.n) {
		if (j >= S2.n || (i < S1.n && S1.ev[i].ts < S2.ev[j].ts)) {
			S3.fr[S3.n] = S1.fr[i];
			S3.ev[S3.n++] = S1.ev[i++];
		} else {
			S3.fr[S3.n] = S2.fr[j];
			S3.ev[S3.n++] = S2.ev[j++];
		}
	}
	lr = rec_new(&R1, LT_DEFER_FROM_TRACEPOINT);
	CHECK_EQ(feed_all(lr, &S3), 0);
	lt_recon_finish(lr);
	CHECK_EQ(lt_recon_stats(lr)->sections, 4);
	CHECK_EQ(lt_recon_stats(lr)->nested_sections, 2);
	CHECK_EQ(lt_recon_stats(lr)->max_depth, 2);
	CHECK_EQ(lt_recon_stats(lr)->deferred_ptes, 14 + 6);
	CHECK_EQ(lt_recon_stats(lr)->flushes, 1 + 2);
	CHECK_EQ(lt_recon_stats(lr)->hazards_confirmed, 1);
	CHECK_EQ(lt_recon_stats(lr)->anomalies, 0);
	CHECK_EQ(R1.nhz, 1);
	CHECK_EQ(R1.hz[0].tid, 100);
	/* ids are global, in time order: 1 (100), 2 (201), 3 (201 nested), 4 (100 nested) */
	CHECK_EQ(R1.hz[0].section, 4);
	/* every item's depth is its own task's */
	{
		int bad = 0, da = 0, db = 0;

		for (int k = 0; k < R1.nitems && k < MAX_EV; k++) {
			const struct lt_item *it = &R1.items[k];
			int *d = it->tid == 100 ? &da : &db;

			if (it->kind == LT_ITEM_ENABLE)
				bad += it->depth != (unsigned int)*d + 1, *d = it->depth;
			else if (it->kind == LT_ITEM_DISABLE)
				bad += it->depth + 1 != (unsigned int)*d, *d = it->depth;
			else
				bad += it->depth != (unsigned int)*d;
		}
		CHECK_EQ(bad, 0);
		CHECK_EQ(da, 0);
		CHECK_EQ(db, 0);
	}
	lt_recon_free(lr);
}

/* ------------------------------------------------------------ contexts: idle tasks, interrupts */

/* Every CPU's idle task has tid 0: two of them in sections at once are two timelines, not
 * one task nesting. */
static void test_idle_per_cpu(void)
{
	struct cur c0 = { .pid = 0, .tid = 0, .cpu = 0, .ts = 1000 };
	struct cur c1 = { .pid = 0, .tid = 0, .cpu = 1, .ts = 1500 };
	struct lt_recon *lr = rec_new(&R1, LT_DEFER_FROM_TRACEPOINT);

	S1.n = 0;
	add_trans(&S1, &c0, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);	/* 2000 */
	add_trans(&S1, &c1, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);	/* 2500 */
	add_defer(&S1, &c0, 1, VA_A, ENTRY_A, IP_SETPTES, true);		/* 3000, 4000 */
	add_trans(&S1, &c1, LT_DISABLE, LT_ACT_LEAVE, 0, false, IP_LEAVE);	/* 3500 */
	add_flush(&S1, &c0, 0, 1, IP_LEAVE);					/* 5000 */
	add_trans(&S1, &c0, LT_DISABLE, LT_ACT_LEAVE, 0, false, IP_LEAVE);
	/* ordered by time, as the ring buffer gives them */
	for (int i = 1; i < S1.n; i++)
		for (int j = i; j > 0 && S1.ev[j].ts < S1.ev[j - 1].ts; j--) {
			struct lt_event e = S1.ev[j];

			S1.ev[j] = S1.ev[j - 1];
			S1.ev[j - 1] = e;
		}
	CHECK_EQ(feed_all(lr, &S1), 0);
	lt_recon_finish(lr);
	CHECK_EQ(lt_recon_stats(lr)->sections, 2);
	CHECK_EQ(lt_recon_stats(lr)->nested_sections, 0);
	CHECK_EQ(lt_recon_stats(lr)->max_depth, 1);
	CHECK_EQ(lt_recon_stats(lr)->flushes, 1);
	CHECK_EQ(lt_recon_stats(lr)->anomalies, 0);
	CHECK_STR(rec_log(&R1), "E:enter:1x2 p1 X:leave:0 d1 F1 X:leave:0");
	CHECK_EQ(R1.items[0].ctx, LT_CTX_IDLE);
	CHECK_EQ(R1.items[0].cpu, 0);
	CHECK_EQ(R1.items[1].ctx, LT_CTX_IDLE);
	CHECK_EQ(R1.items[1].cpu, 1);
	CHECK_EQ(lt_lane_key(R1.items[0].ctx, 0, 0) != lt_lane_key(R1.items[1].ctx, 0, 1), 1);
	lt_recon_free(lr);
}

/*
 * An interrupt inside a task's section: its map calls and transitions are its CPU's
 * interrupt context (depth 0, the kernel ignores the helpers there), not the task's
 * nesting; its access to a page the task deferred is that task's hazard.
 */
static void test_irq_context(void)
{
	struct cur t = { .pid = 100, .tid = 101, .cpu = 2, .ts = 1000 };
	struct lt_recon *lr = rec_new(&R1, LT_DEFER_FROM_TRACEPOINT);
	struct lt_event *e;
	int first_irq;

	S1.n = 0;
	add_task(&S1, &t, "kworker");
	add_trans(&S1, &t, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);
	add_map(&S1, &t, LT_MAP_PAGES, 1, false, 0, 1, 1);		/* the task's own call */
	add_map(&S1, &t, LT_SET_VALID, 1, false, VA_C, 1, 1);
	add_defer(&S1, &t, 1, VA_A, ENTRY_A, IP_SETPTES, true);
	first_irq = S1.n;
	/* the interrupt: a nested-looking enable (ignored), a mapping of B, and a touch of A */
	add_trans(&S1, &t, LT_ENABLE, LT_ACT_IGN_IRQ, 1, true, IP_NEST);
	add_map(&S1, &t, LT_MAP_PAGES, 1, true, 0, 1, 1);
	add_map(&S1, &t, LT_SET_VALID, 1, true, VA_B, 1, 1);
	add_map(&S1, &t, LT_SET_VALID_RET, 1, true, 0, 0, 0);
	add_map(&S1, &t, LT_MAP_PAGES_RET, 1, true, 0, 0, 0);
	add_trans(&S1, &t, LT_DISABLE, LT_ACT_IGN_IRQ, 1, true, IP_NEST_DIS);
	add_access(&S1, &t, 1, true, VA_A + 0x10, false);
	for (int i = first_irq; i < S1.n; i++)
		S1.ev[i].flags |= LT_F_IN_IRQ;
	/* back in the task: its calls return (potential hazard for A? A is not in C's range) */
	add_map(&S1, &t, LT_SET_VALID_RET, 1, true, 0, 0, 0);
	add_map(&S1, &t, LT_MAP_PAGES_RET, 1, true, 0, 0, 0);
	add_flush(&S1, &t, 0, 1, IP_LEAVE);
	e = &S1.ev[S1.n - 1];
	e->enable_count = 0;
	add_trans(&S1, &t, LT_DISABLE, LT_ACT_LEAVE, 0, false, IP_LEAVE);

	CHECK_EQ(feed_all(lr, &S1), 0);
	lt_recon_finish(lr);
	CHECK_EQ(lt_recon_stats(lr)->sections, 1);
	CHECK_EQ(lt_recon_stats(lr)->nested_sections, 0);
	CHECK_EQ(lt_recon_stats(lr)->max_depth, 1);
	CHECK_EQ(lt_recon_stats(lr)->anomalies, 0);
	CHECK_EQ(lt_recon_stats(lr)->hazards_confirmed, 1);
	CHECK_EQ(lt_recon_stats(lr)->hazards_potential, 0);
	CHECK_STR(rec_log(&R1), "E:enter:1 Mx2 p1 d1 E:ignored_irq:0 Mx2 Rx2 X:ignored_irq:0 A H:c "
				"Rx2 F1 X:leave:0");
	/* the hazard is the task's, met from an interrupt on its CPU */
	CHECK_EQ(R1.nhz, 1);
	CHECK_EQ(R1.hz[0].tid, 101);
	CHECK_EQ(R1.hz[0].ctx, LT_CTX_TASK);
	CHECK_EQ(R1.hz[0].in_irq, 1);
	CHECK_EQ(R1.hz[0].cpu, 2);
	{
		int irq = 0, task = 0, bad = 0;

		for (int k = 0; k < R1.nitems && k < MAX_EV; k++) {
			const struct lt_item *it = &R1.items[k];

			if (it->ctx == LT_CTX_IRQ) {
				irq++;
				bad += it->depth != 0 || it->tid != 101 || it->cpu != 2;
			} else {
				task++;
				bad += it->ctx != LT_CTX_TASK;
			}
			/* the task's returns are its own calls: C, not the interrupt's B */
			if (it->ctx == LT_CTX_TASK && it->kind == LT_ITEM_MAP_RET)
				bad += it->addr != VA_C;
			if (it->ctx == LT_CTX_IRQ && it->kind == LT_ITEM_MAP_RET)
				bad += it->addr != VA_B;
		}
		CHECK_EQ(irq, 7);
		CHECK_EQ(task, 9);
		CHECK_EQ(bad, 0);
	}
	lt_recon_free(lr);
}

/*
 * --cpu selects output, not input: a task that enters on CPU 0 and migrates to CPU 1, where
 * it defers, flushes and leaves. CPU 1's output is the unfiltered output's items on CPU 1,
 * item for item, with no anomaly (fed CPU 1's events only, the reconstruction saw a
 * leave without an enter).
 */
static void test_cpu_selection(void)
{
	struct cur c = { .pid = 300, .tid = 300, .cpu = 0, .ts = 1000 };
	static struct rec all, one;
	struct lt_recon_ops ops;
	struct lt_outsel sel;
	struct lt_recon *lr;
	int k = 0, same = 0;

	S1.n = 0;
	add_task(&S1, &c, "migrant");
	add_trans(&S1, &c, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);
	add_defer(&S1, &c, 1, VA_A, ENTRY_A, IP_SETPTES, true);
	c.cpu = 1;
	add_defer(&S1, &c, 1, VA_B, ENTRY_B, IP_SETPTES, true);
	add_access(&S1, &c, 1, true, VA_B, false);
	add_flush(&S1, &c, 0, 2, IP_LEAVE);
	S1.ev[S1.n - 1].enable_count = 1;
	add_trans(&S1, &c, LT_DISABLE, LT_ACT_LEAVE, 0, false, IP_LEAVE);

	lr = rec_new(&all, LT_DEFER_FROM_TRACEPOINT);
	CHECK_EQ(feed_all(lr, &S1), 0);
	lt_recon_finish(lr);
	CHECK_EQ(lt_recon_stats(lr)->anomalies, 0);
	lt_recon_free(lr);

	memset(&one, 0, sizeof(one));
	{
		struct lt_recon_ops inner = {
			.ctx = &one, .item = rec_item, .hazard = rec_hazard, .anomaly = rec_anomaly,
		};

		lt_outsel_init(&sel, &inner);
	}
	sel.cpu = 1;
	lt_outsel_ops(&sel, &ops);
	lr = lt_recon_new(LT_DEFER_FROM_TRACEPOINT, &ops);
	for (int i = 0; i < S1.n; i++) {
		lt_outsel_event(&sel, &S1.ev[i]);
		lt_recon_feed(lr, &S1.ev[i], S1.fr[i]);
	}
	lt_recon_finish(lr);
	CHECK_EQ(lt_outsel_active(&sel), 1);
	CHECK_STR(rec_log(&one), "p1 d1 A H:c F2 X:leave:0");
	CHECK_EQ(one.nan, 0);
	CHECK_EQ(one.nhz, 1);
	/* item for item: CPU 1's items of the full output, in order */
	for (int i = 0; i < all.nitems && i < MAX_EV; i++) {
		if (all.items[i].cpu != 1)
			continue;
		same += k < one.nitems && !memcmp(&all.items[i], &one.items[k], sizeof(all.items[i]));
		k++;
	}
	CHECK_EQ(k, one.nitems);
	CHECK_EQ(same, one.nitems);
	{
		struct lt_stats st = lt_outsel_stats(&sel, lt_recon_stats(lr));

		CHECK_EQ(st.events, 5);		/* CPU 1's records, LT_TASK was on CPU 0 */
		CHECK_EQ(st.sections, 0);	/* entered on CPU 0 */
		CHECK_EQ(st.deferred_ptes, 1);
		CHECK_EQ(st.flushes, 1);
		CHECK_EQ(st.hazards_confirmed, 1);
		CHECK_EQ(st.anomalies, 0);
	}
	lt_recon_free(lr);
}

/*
 * Switched out with a deferral pending: __switch_to()'s dsb(ish) made it visible to the
 * walker, so the access after the task resumes (on another CPU here) is no hazard; the
 * kernel's flush still completes it. Without the switch, the same access is one.
 */
static void test_switch(void)
{
	for (int sw = 0; sw < 2; sw++) {
		struct cur c = { .pid = 400, .tid = 401, .cpu = 0, .ts = 1000 };
		struct lt_recon *lr = rec_new(&R1, LT_DEFER_FROM_TRACEPOINT);
		struct lt_event *e;

		S1.n = 0;
		add_trans(&S1, &c, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);
		add_defer(&S1, &c, 1, VA_A, ENTRY_A, IP_SETPTES, true);
		add_defer(&S1, &c, 1, VA_A + 0x1000, ENTRY_A + 8, IP_SETPTES, true);
		if (sw) {
			e = add(&S1, &c, LT_SWITCH, 1, true);
			e->arg0 = 77;
			e->aux = 1;
			c.cpu = 1;
		}
		add_access(&S1, &c, 1, true, VA_A + 0x800, false);
		add_flush(&S1, &c, 1, 2, IP_LEAVE);
		S1.ev[S1.n - 1].enable_count = 1;
		add_trans(&S1, &c, LT_DISABLE, LT_ACT_LEAVE, 0, false, IP_LEAVE);
		CHECK_EQ(feed_all(lr, &S1), 0);
		lt_recon_finish(lr);
		CHECK_STR(rec_log(&R1), sw ? "E:enter:1 p1 d1 p1 d1 S2 A F2 X:leave:0"
					   : "E:enter:1 p1 d1 p1 d1 A H:c F2 X:leave:0");
		CHECK_EQ(lt_recon_stats(lr)->hazards_confirmed, sw ? 0 : 1);
		CHECK_EQ(lt_recon_stats(lr)->flushes, 1);
		CHECK_EQ(lt_recon_stats(lr)->anomalies, 0);
		if (sw) {
			const struct lt_item *it = &R1.items[5];

			CHECK_EQ(it->kind, LT_ITEM_SWITCH);
			CHECK_EQ(it->entry, 77);
			CHECK_EQ(it->enable, 1);
			CHECK_EQ(it->depth, 1);
			CHECK_EQ(it->pending, 1);
		}
		lt_recon_free(lr);
	}
}

/*
 * Preempted between enable_count++ and the enable tracepoint (seen in the lab: the switch
 * shows enable_count 1 while the reconstruction is still at 0, the enter comes after the
 * task resumed on another CPU): a switch's state is not the reconstruction's to follow.
 */
static void test_switch_mid_transition(void)
{
	struct cur c = { .pid = 59, .tid = 59, .cpu = 0, .ts = 1000 };
	struct lt_recon *lr = rec_new(&R1, LT_DEFER_FROM_TRACEPOINT);
	struct lt_event *e;

	S1.n = 0;
	e = add(&S1, &c, LT_SWITCH, 1, false);
	e->arg0 = 71;
	e->aux = 1;
	c.cpu = 1;
	add_trans(&S1, &c, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);
	add_defer(&S1, &c, 1, VA_A, ENTRY_A, IP_SETPTES, true);
	add_flush(&S1, &c, 1, 1, IP_LEAVE);
	S1.ev[S1.n - 1].enable_count = 1;
	add_trans(&S1, &c, LT_DISABLE, LT_ACT_LEAVE, 0, false, IP_LEAVE);
	CHECK_EQ(feed_all(lr, &S1), 0);
	lt_recon_finish(lr);
	CHECK_STR(rec_log(&R1), "S0 E:enter:1 p1 d1 F1 X:leave:0");
	CHECK_EQ(lt_recon_stats(lr)->sections, 1);
	CHECK_EQ(lt_recon_stats(lr)->anomalies, 0);
	lt_recon_free(lr);
}

/*
 * Deferrals without an address (vmalloc's, PMD/PUD levels) are counted, never kept: 20000
 * of them first leave room for the one with an address that follows, and its access is a
 * hazard. The flush completes them all.
 */
static void test_addressless(void)
{
	static struct stream big;
	struct cur c = { .pid = 80, .tid = 80, .cpu = 0, .ts = 1000 };
	struct lt_recon *lr = rec_new(&R1, LT_DEFER_FROM_TRACEPOINT);

	big.n = 0;
	add_trans(&big, &c, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);
	for (int i = 0; i < 4000; i++)
		add_defer(&big, &c, 1, 0, ENTRY_C + 8 * i, IP_SETPTES, false);
	CHECK_EQ(feed_all(lr, &big), 0);
	for (int k = 0; k < 4; k++) {	/* 20000 in all, in batches that fit the stream */
		big.n = 0;
		for (int i = 0; i < 4000; i++)
			add_defer(&big, &c, 1, 0, ENTRY_C + 8 * i, IP_SETPTES, false);
		CHECK_EQ(feed_all(lr, &big), 0);
	}
	big.n = 0;
	add_map(&big, &c, LT_SET_VALID, 1, true, VA_A, 1, 1);
	add_defer(&big, &c, 1, VA_A, ENTRY_A, IP_SETPTES, true);
	add_access(&big, &c, 1, true, VA_A, false);
	add_flush(&big, &c, 1, 20001, IP_LEAVE);
	CHECK_EQ(feed_all(lr, &big), 0);
	lt_recon_finish(lr);
	CHECK_EQ(lt_recon_stats(lr)->deferred_ptes, 20001);
	CHECK_EQ(lt_recon_stats(lr)->hazards_confirmed, 1);
	CHECK_EQ(R1.nhz, 1);
	CHECK_EQ(R1.hz[0].cls, LT_HZ_TRANSLATION);
	lt_recon_free(lr);
}

/* What a deferral risks, by the call it was made in: set_memory_valid(enable=1) makes a
 * page valid (translation), enable=0 invalid (never a hazard), none: not known. */
static void test_hazard_class(void)
{
	static const int enable[3] = { 1, 0, -1 };	/* -1: no call open */

	for (int k = 0; k < 3; k++) {
		struct cur c = { .pid = 81, .tid = 81, .cpu = 0, .ts = 1000 };
		struct lt_recon *lr = rec_new(&R1, LT_DEFER_FROM_TRACEPOINT);

		S1.n = 0;
		add_trans(&S1, &c, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);
		if (enable[k] >= 0)
			add_map(&S1, &c, LT_SET_VALID, 1, false, VA_B, 1, enable[k]);
		add_defer(&S1, &c, 1, VA_B, ENTRY_B, IP_SETPTES, true);
		add_access(&S1, &c, 1, true, VA_B, false);
		CHECK_EQ(feed_all(lr, &S1), 0);
		CHECK_EQ(lt_recon_stats(lr)->hazards_confirmed, enable[k] == 0 ? 0 : 1);
		if (R1.nhz)
			CHECK_EQ(R1.hz[0].cls, enable[k] == 1 ? LT_HZ_TRANSLATION : LT_HZ_UNKNOWN);
		lt_recon_free(lr);
	}
	CHECK_STR(lt_hazard_class_name(LT_HZ_TRANSLATION), "translation");
	CHECK_STR(lt_hazard_class_name(LT_HZ_INVALIDATION), "invalidation");
}

/* ------------------------------------------------------------ sequence numbers: exact gaps */

static void set_seq(struct lt_event *e, __u32 seq)
{
	e->flags |= LT_F_SEQ;
	e->seq = seq & 0xffff;
	e->seq_hi = seq >> 16;
}

/*
 * Two tasks, one per CPU, each with a deferral pending. CPU 1 loses 3 records (a hole in its
 * numbers): its task loses its state (no hazard from it), CPU 0's task keeps its own and
 * its hazard. The loss is reported once, on CPU 1, with its exact count, where it happened.
 */
static void test_seq_gap(void)
{
	struct cur a = { .pid = 10, .tid = 10, .cpu = 0, .ts = 1000 };
	struct cur b = { .pid = 20, .tid = 20, .cpu = 1, .ts = 1500 };
	struct lt_recon *lr = rec_new(&R1, LT_DEFER_FROM_TRACEPOINT);
	__u32 sa = 0, sb = 0;

	S1.n = 0;
	add_trans(&S1, &a, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);
	set_seq(&S1.ev[S1.n - 1], sa++);
	add_trans(&S1, &b, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);
	set_seq(&S1.ev[S1.n - 1], sb++);
	add_defer(&S1, &a, 1, VA_A, ENTRY_A, IP_SETPTES, true);
	set_seq(&S1.ev[S1.n - 2], sa++);
	set_seq(&S1.ev[S1.n - 1], sa++);
	add_defer(&S1, &b, 1, VA_B, ENTRY_B, IP_SETPTES, true);
	set_seq(&S1.ev[S1.n - 2], sb++);
	set_seq(&S1.ev[S1.n - 1], sb++);
	sb += 3;	/* lost on CPU 1 */
	add_access(&S1, &b, 1, true, VA_B, false);
	set_seq(&S1.ev[S1.n - 1], sb++);
	add_access(&S1, &a, 1, true, VA_A, false);
	set_seq(&S1.ev[S1.n - 1], sa++);
	CHECK_EQ(feed_all(lr, &S1), 0);
	lt_recon_lost(lr, 99999, 3);	/* what BPF counted: the same 3, no more */
	lt_recon_finish(lr);
	CHECK_EQ(lt_recon_stats(lr)->lost_events, 3);
	CHECK_EQ(lt_recon_stats(lr)->lost_ring_full, 3);
	CHECK_EQ(lt_recon_stats(lr)->gaps, 1);
	CHECK_EQ(lt_recon_stats(lr)->hazards_confirmed, 1);
	CHECK_EQ(R1.nhz, 1);
	CHECK_EQ(R1.hz[0].tid, 10);
	CHECK_EQ(R1.an[0].kind, LT_ANOM_LOST);
	CHECK_EQ(R1.an[0].cpu_known, 1);
	CHECK_EQ(R1.an[0].cpu, 1);
	CHECK_EQ(R1.an[0].count, 3);
	/* placed after CPU 1's last record before the hole (its deferral, at 4500) */
	CHECK_EQ(R1.an[0].ts, 4500);
	lt_recon_free(lr);
}

/*
 * An interrupt's program took its number between another program's reservation and its
 * number: the ring holds 6 then 5. No loss; both go out in number order. Records lost after
 * CPU 0's last record show in no hole: what BPF counted beyond the holes is reported at the
 * end, without a CPU. The first record of a CPU numbered 2: two lost before it.
 */
static void test_seq_late(void)
{
	struct cur c = { .pid = 30, .tid = 30, .cpu = 0, .ts = 1000 };
	struct lt_recon *lr = rec_new(&R1, LT_DEFER_FROM_TRACEPOINT);
	__u32 s = 0;

	S1.n = 0;
	add_trans(&S1, &c, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);
	set_seq(&S1.ev[S1.n - 1], s++);
	for (int i = 0; i < 4; i++) {
		add_defer(&S1, &c, 1, VA_A + 0x1000ULL * i, ENTRY_A + 8 * i, IP_SETPTES, false);
		set_seq(&S1.ev[S1.n - 1], s++);
	}
	add_access(&S1, &c, 1, true, VA_C, false);		/* number 6, in the ring first */
	set_seq(&S1.ev[S1.n - 1], 6);
	add_map(&S1, &c, LT_SET_VALID, 1, true, VA_C, 1, 1);	/* number 5: the interrupt's */
	S1.ev[S1.n - 1].flags |= LT_F_IN_IRQ;
	set_seq(&S1.ev[S1.n - 1], 5);
	add_trans(&S1, &c, LT_DISABLE, LT_ACT_LEAVE, 0, false, IP_LEAVE);
	set_seq(&S1.ev[S1.n - 1], 7);
	/* CPU 3 from number 2 on */
	{
		struct cur d = { .pid = 40, .tid = 40, .cpu = 3, .ts = 50000 };

		add_access(&S1, &d, 0, false, VA_C, false);
		set_seq(&S1.ev[S1.n - 1], 2);
	}
	CHECK_EQ(feed_all(lr, &S1), 0);
	lt_recon_lost(lr, 99999, 2 + 4);	/* CPU 3's 2, and 4 after CPU 0's last */
	lt_recon_finish(lr);
	CHECK_STR(rec_log(&R1), "E:enter:1 d1x4 M A F4~ X:leave:0 !lost A !lost");
	CHECK_EQ(lt_recon_stats(lr)->lost_events, 6);
	CHECK_EQ(lt_recon_stats(lr)->gaps, 2);
	CHECK_EQ(R1.an[0].cpu_known, 1);
	CHECK_EQ(R1.an[0].cpu, 3);
	CHECK_EQ(R1.an[0].count, 2);
	CHECK_EQ(R1.an[1].cpu_known, 0);
	CHECK_EQ(R1.an[1].count, 4);
	lt_recon_free(lr);
}

/*
 * A softirq on an interrupt's way out, between a program's reservation and its number, can
 * send many records (the lab saw 53 in one hole: pages freed under debug_pagealloc): all of
 * them fill the hole, none is a loss, and they go out in number order.
 */
static void test_seq_late_many(void)
{
	struct cur c = { .pid = 31, .tid = 31, .cpu = 1, .ts = 1000 };
	struct lt_recon *lr = rec_new(&R1, LT_DEFER_FROM_TRACEPOINT);
	enum { LATE = 53 };

	S1.n = 0;
	add_trans(&S1, &c, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);
	set_seq(&S1.ev[S1.n - 1], 0);
	add_defer(&S1, &c, 1, VA_A, ENTRY_A, IP_SETPTES, false);	/* number 1 + LATE: first */
	set_seq(&S1.ev[S1.n - 1], 1 + LATE);
	for (int i = 0; i < LATE; i++) {				/* numbers 1 .. LATE */
		add_map(&S1, &c, LT_SET_VALID, 1, false, VA_C + 0x1000ULL * i, 1, 0);
		S1.ev[S1.n - 1].flags |= LT_F_IN_IRQ;
		set_seq(&S1.ev[S1.n - 1], 1 + i);
	}
	add_flush(&S1, &c, 1, 1, IP_LEAVE);
	S1.ev[S1.n - 1].enable_count = 1;
	set_seq(&S1.ev[S1.n - 1], 2 + LATE);
	add_trans(&S1, &c, LT_DISABLE, LT_ACT_LEAVE, 0, false, IP_LEAVE);
	set_seq(&S1.ev[S1.n - 1], 3 + LATE);
	CHECK_EQ(feed_all(lr, &S1), 0);
	lt_recon_finish(lr);
	CHECK_EQ(lt_recon_stats(lr)->lost_events, 0);
	CHECK_EQ(lt_recon_stats(lr)->gaps, 0);
	CHECK_EQ(lt_recon_stats(lr)->anomalies, 0);
	/* the interrupt's map calls, in number order, then the deferral they came before */
	CHECK_EQ(R1.nitems, 1 + LATE + 3);	/* enable, maps, defer, flush, disable */
	CHECK_EQ(R1.items[1].kind, LT_ITEM_MAP);
	CHECK_EQ(R1.items[1].addr, VA_C);
	CHECK_EQ(R1.items[LATE].addr, VA_C + 0x1000ULL * (LATE - 1));
	CHECK_EQ(R1.items[LATE + 1].kind, LT_ITEM_DEFER);
	lt_recon_free(lr);
}

/*
 * An interrupt in the middle of a record being staged sends its records alone, numbers 3-5,
 * ahead of the staged 1-2 that go out when the interrupted program is done: the numbers after
 * the first one held wait with it, and all go out in number order, no loss. A record that
 * then skips numbers again still shows its hole.
 */
static void test_seq_late_run(void)
{
	struct cur c = { .pid = 33, .tid = 33, .cpu = 1, .ts = 1000 };
	struct lt_recon *lr = rec_new(&R1, LT_DEFER_FROM_TRACEPOINT);

	S1.n = 0;
	add_trans(&S1, &c, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);
	set_seq(&S1.ev[S1.n - 1], 0);
	for (int i = 0; i < 3; i++) {				/* numbers 3, 4, 5: first */
		add_map(&S1, &c, LT_SET_VALID, 1, false, VA_C + 0x1000ULL * i, 1, 0);
		S1.ev[S1.n - 1].flags |= LT_F_IN_IRQ;
		set_seq(&S1.ev[S1.n - 1], 3 + i);
	}
	add_defer(&S1, &c, 1, VA_A, ENTRY_A, IP_SETPTES, false);	/* 1 and 2: the stage */
	set_seq(&S1.ev[S1.n - 1], 1);
	add_flush(&S1, &c, 1, 1, IP_LEAVE);
	S1.ev[S1.n - 1].enable_count = 1;
	set_seq(&S1.ev[S1.n - 1], 2);
	add_trans(&S1, &c, LT_DISABLE, LT_ACT_LEAVE, 0, false, IP_LEAVE);
	set_seq(&S1.ev[S1.n - 1], 8);				/* 6 and 7 lost */
	CHECK_EQ(feed_all(lr, &S1), 0);
	lt_recon_finish(lr);
	CHECK_EQ(lt_recon_stats(lr)->lost_events, 2);
	CHECK_EQ(lt_recon_stats(lr)->gaps, 1);
	CHECK_EQ(R1.nitems, 8);	/* enable, defer, flush, 3 maps, the loss, disable */
	CHECK_EQ(R1.items[1].kind, LT_ITEM_DEFER);
	CHECK_EQ(R1.items[3].kind, LT_ITEM_MAP);
	CHECK_EQ(R1.items[3].addr, VA_C);
	CHECK_EQ(R1.items[5].addr, VA_C + 0x2000ULL);
	CHECK_EQ(R1.items[6].kind, LT_ITEM_LOST);
	CHECK_EQ(R1.items[6].count, 2);
	CHECK_EQ(R1.items[7].kind, LT_ITEM_DISABLE);
	lt_recon_free(lr);
}

/*
 * A real loss (records 1-4 never come) followed by every later record in sequence: those wait
 * with the hole only up to LT_SEQ_RUN, then the loss goes out and they follow, in order,
 * before the end.
 */
static void test_seq_run_bound(void)
{
	struct cur c = { .pid = 34, .tid = 34, .cpu = 0, .ts = 1000 };
	struct lt_recon *lr = rec_new(&R1, LT_DEFER_FROM_TRACEPOINT);
	enum { AFTER = LT_SEQ_RUN + 2 };

	S1.n = 0;
	add_map(&S1, &c, LT_SET_VALID, 0, false, VA_C, 1, 0);
	set_seq(&S1.ev[S1.n - 1], 0);
	for (int i = 0; i < AFTER; i++) {
		add_map(&S1, &c, LT_SET_VALID, 0, false, VA_C + 0x1000ULL * (i + 1), 1, 0);
		set_seq(&S1.ev[S1.n - 1], 5 + i);
	}
	CHECK_EQ(feed_all(lr, &S1), 0);
	/* all out before the end (without the bound, all but the first would still be held),
	 * in order */
	CHECK_EQ(R1.nitems, 1 + AFTER);
	CHECK_EQ(R1.items[1].addr, VA_C + 0x1000ULL);
	CHECK_EQ(R1.items[AFTER].addr, VA_C + 0x1000ULL * AFTER);
	CHECK_EQ(lt_recon_stats(lr)->gaps, 1);
	lt_recon_finish(lr);
	CHECK_EQ(lt_recon_stats(lr)->lost_events, 4);
	CHECK_EQ(lt_recon_stats(lr)->gaps, 1);
	lt_recon_free(lr);
}

/*
 * BPF's count can come before the first record (the consumer was stopped while the ring
 * filled; a recording writes its loss chunk before the events chunk it was filling). With
 * numbered records the hole shows those losses: counted once, where the hole is. Without
 * numbers the count stands on its own, as before.
 */
static void test_seq_lost_first(void)
{
	for (int numbered = 0; numbered < 2; numbered++) {
		struct cur c = { .pid = 32, .tid = 32, .cpu = 0, .ts = 1000 };
		struct lt_recon *lr = rec_new(&R1, LT_DEFER_FROM_TRACEPOINT);

		S1.n = 0;
		add_trans(&S1, &c, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);
		add_trans(&S1, &c, LT_DISABLE, LT_ACT_LEAVE, 0, false, IP_LEAVE);
		if (numbered) {
			set_seq(&S1.ev[0], 0);
			set_seq(&S1.ev[1], 1 + 5);	/* 5 lost in between */
		}
		lt_recon_lost(lr, 900, 5);
		CHECK_EQ(feed_all(lr, &S1), 0);
		lt_recon_finish(lr);
		CHECK_EQ(lt_recon_stats(lr)->lost_ring_full, 5);
		CHECK_EQ(lt_recon_stats(lr)->gaps, 1);
		CHECK_EQ(R1.an[0].cpu_known, numbered);
		lt_recon_free(lr);
	}
}

/* The flight recorder's eviction: a gap of its own cause, after which each CPU's numbers
 * start again wherever they are (no hole counted for the evicted records). */
static void test_seq_evicted(void)
{
	struct cur c = { .pid = 50, .tid = 50, .cpu = 2, .ts = 1000 };
	struct lt_recon *lr = rec_new(&R1, LT_DEFER_FROM_TRACEPOINT);

	S1.n = 0;
	add_trans(&S1, &c, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);
	set_seq(&S1.ev[0], 0);
	add_defer(&S1, &c, 1, VA_A, ENTRY_A, IP_SETPTES, false);
	set_seq(&S1.ev[1], 1);
	CHECK_EQ(lt_recon_feed(lr, &S1.ev[0], NULL), 0);
	CHECK_EQ(lt_recon_feed(lr, &S1.ev[1], NULL), 0);
	lt_recon_evicted(lr, 5000, 1000);
	add_access(&S1, &c, 1, true, VA_A, false);
	set_seq(&S1.ev[2], 1001);
	CHECK_EQ(lt_recon_feed(lr, &S1.ev[2], NULL), 0);
	lt_recon_finish(lr);
	CHECK_EQ(lt_recon_stats(lr)->lost_evicted, 1000);
	CHECK_EQ(lt_recon_stats(lr)->lost_ring_full, 0);
	CHECK_EQ(lt_recon_stats(lr)->lost_events, 1000);
	CHECK_EQ(lt_recon_stats(lr)->gaps, 1);
	CHECK_EQ(lt_recon_stats(lr)->hazards_confirmed, 0);	/* state before the gap dropped */
	CHECK_EQ(R1.an[0].cause, LT_LOST_EVICTED);
	lt_recon_free(lr);
}

/* ------------------------------------------------------------ lost events */

static void test_lost(void)
{
	struct cur c = { .pid = 7, .tid = 7, .ts = 1000 };
	struct cur o = { .pid = 8, .tid = 8, .ts = 1000 };
	struct lt_recon *lr = rec_new(&R1, LT_DEFER_FROM_TRACEPOINT);

	S1.n = 0;
	add_trans(&S1, &o, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);
	add_trans(&S1, &o, LT_DISABLE, LT_ACT_LEAVE, 0, false, IP_LEAVE);	/* idle task */
	add_trans(&S1, &c, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);
	add_defer(&S1, &c, 1, 0, ENTRY_A, IP_SETPTES, false);
	add_trans(&S1, &c, LT_ENABLE, LT_ACT_NEST, 2, true, IP_NEST);
	add_defer(&S1, &c, 2, VA_B, ENTRY_B, IP_PTE_DEFER, true);
	add_trans(&S1, &c, LT_DISABLE, LT_ACT_NOFLUSH, 1, true, IP_NEST_DIS);
	CHECK_EQ(feed_all(lr, &S1), 0);
	lt_recon_lost(lr, c.ts + 10, 3);
	lt_recon_lost(lr, c.ts + 20, 0);	/* nothing */
	/* After the loss: the access finds nothing (a lost flush may have completed B), the
	 * next state is taken as is (we missed a nest and a pause). */
	S1.n = 0;
	add_access(&S1, &c, 1, true, VA_B, false);
	add_defer(&S1, &c, 1, 0, ENTRY_A, IP_SETPTES, false);
	CHECK_EQ(feed_all(lr, &S1), 0);
	lt_recon_lost(lr, c.ts + 10, 2);
	S1.n = 0;
	add_trans(&S1, &c, LT_ENABLE, LT_ACT_NEST, 3, false, IP_NEST);	/* missed a nest */
	add_trans(&S1, &c, LT_DISABLE, LT_ACT_FLUSH, 2, false, IP_NEST_DIS);
	add_trans(&S1, &c, LT_DISABLE, LT_ACT_FLUSH, 1, false, IP_NEST_DIS);
	add_trans(&S1, &c, LT_DISABLE, LT_ACT_LEAVE, 0, false, IP_LEAVE);
	CHECK_EQ(feed_all(lr, &S1), 0);
	lt_recon_finish(lr);
	CHECK_STR(rec_log(&R1), "E:enter:1 X:leave:0 E:enter:1 d1 E:nest:2 p2 d2 X:noflush:1 "
				"!lost L A d1 !lost L E:unknown:2~ E:nest:3 X:flush:2 X:flush:1 "
				"X:leave:0");
	CHECK_EQ(lt_recon_stats(lr)->lost_events, 5);
	CHECK_EQ(lt_recon_stats(lr)->hazards_confirmed, 0);
	CHECK_EQ(lt_recon_stats(lr)->anomalies, 2);
	CHECK_EQ(R1.an[0].kind, LT_ANOM_LOST);
	CHECK_EQ(R1.an[0].count, 3);
	CHECK_EQ(R1.an[0].tid, 0);
	lt_recon_free(lr);
}

/* The hazard class from the entry's old value read by the per-PTE probe (LT_PTE_OLD_*),
 * whichever of the PTE update and the defer tracepoint comes first, and on stock kernels (the
 * update is the deferral): an invalid entry made valid is a translation hazard, a valid one
 * changed a permission hazard, one rewritten as it was or made invalid none; without the old
 * value, the open call's enable (none here: unknown). */
static void test_entry_evidence(void)
{
	static const struct {
		__u32 old;
		__u64 val;
		enum lt_hazard_class cls;
		enum lt_hazard_evidence ev;
		int hazards;
	} C[] = {
		{ LT_PTE_OLD_KNOWN, 0x0060000012345703ULL, LT_HZ_TRANSLATION, LT_HZE_ENTRY, 1 },
		{ LT_PTE_OLD_KNOWN | LT_PTE_OLD_VALID, 0x0060000012345703ULL, LT_HZ_PERMISSION,
		  LT_HZE_ENTRY, 1 },
		{ LT_PTE_OLD_KNOWN | LT_PTE_OLD_VALID | LT_PTE_OLD_SAME, 0x0060000012345703ULL,
		  LT_HZ_UNCHANGED, LT_HZE_ENTRY, 0 },
		{ LT_PTE_OLD_KNOWN | LT_PTE_OLD_VALID, 0x0060000012345702ULL, LT_HZ_INVALIDATION,
		  LT_HZE_ENTRY, 0 },
		{ 0, 0x0060000012345703ULL, LT_HZ_UNKNOWN, LT_HZE_NONE, 1 },
	};

	for (size_t i = 0; i < sizeof(C) / sizeof(C[0]); i++) {
		for (int order = 0; order < 3; order++) {	/* pte first, defer first, stock */
			struct cur c = { .pid = 5, .tid = 5, .ts = 1000, .stock = order == 2 };
			struct lt_recon *lr = rec_new(&R1, order == 2 ? LT_DEFER_FROM_PTE_UPDATE
								     : LT_DEFER_FROM_TRACEPOINT);
			struct lt_event *pte;

			S1.n = 0;
			if (order != 2)	/* stock: the update's state shows the section */
				add_trans(&S1, &c, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);
			if (order == 1)
				add_defer(&S1, &c, 1, VA_B, ENTRY_B, IP_PTE_DEFER, false);
			pte = add(&S1, &c, LT_PTE_UPDATE, 1, true);
			pte->ip = IP_PTE_FN;
			pte->addr = VA_B;
			pte->arg0 = ENTRY_B;
			pte->arg1 = C[i].val;
			pte->aux = C[i].old;
			if (order == 2)
				pte->flags |= LT_F_DEFERRED;
			if (order == 0)
				add_defer(&S1, &c, 1, VA_B, ENTRY_B, IP_PTE_DEFER, false);
			add_access(&S1, &c, 1, true, VA_B, false);
			CHECK_EQ(feed_all(lr, &S1), 0);
			lt_recon_finish(lr);
			CHECK_EQ(lt_recon_stats(lr)->deferred_ptes, 1);
			CHECK_EQ(lt_recon_stats(lr)->hazards_confirmed, C[i].hazards);
			if (C[i].hazards && R1.nhz) {
				CHECK_EQ(R1.hz[0].cls, C[i].cls);
				CHECK_EQ(R1.hz[0].evidence, C[i].ev);
			}
			lt_recon_free(lr);
		}
	}
	CHECK_STR(lt_hazard_class_name(LT_HZ_PERMISSION), "permission");
	CHECK_STR(lt_hazard_class_name(LT_HZ_UNCHANGED), "unchanged");
	CHECK_STR(lt_hazard_evidence_name(LT_HZE_ENTRY), "entry");
	CHECK_STR(lt_hazard_evidence_name(LT_HZE_CALL), "call");
}

/*
 * An entry updated outside any section (the page unmapped when it was freed: not deferred),
 * then, much later, made valid again in a section (its deferral first, then its update, as
 * the tracepoint and fexit come in the guest; captured in a noflush zap, 2026-12-05): the
 * deferral is a translation, not the invalidation the earlier update would make of it.
 */
static void test_stale_entry_evidence(void)
{
	struct cur c = { .pid = 6, .tid = 6, .ts = 1000 };
	struct lt_recon *lr = rec_new(&R1, LT_DEFER_FROM_TRACEPOINT);
	struct lt_event *pte;

	S1.n = 0;
	pte = add(&S1, &c, LT_PTE_UPDATE, 0, false);	/* freed: made invalid */
	pte->ip = IP_PTE_FN;
	pte->addr = VA_B;
	pte->arg0 = ENTRY_B;
	pte->arg1 = 0x0060000012345702ULL;
	pte->aux = LT_PTE_OLD_KNOWN | LT_PTE_OLD_VALID;
	add_trans(&S1, &c, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);
	add_defer(&S1, &c, 1, VA_B, ENTRY_B, IP_PTE_DEFER, false);
	pte = add(&S1, &c, LT_PTE_UPDATE, 1, true);	/* allocated: made valid */
	pte->ip = IP_PTE_FN;
	pte->addr = VA_B;
	pte->arg0 = ENTRY_B;
	pte->arg1 = 0x0060000012345703ULL;
	pte->aux = LT_PTE_OLD_KNOWN;
	pte->flags |= LT_F_DEFERRED;
	add_access(&S1, &c, 1, true, VA_B, false);
	CHECK_EQ(feed_all(lr, &S1), 0);
	lt_recon_finish(lr);
	CHECK_EQ(lt_recon_stats(lr)->hazards_confirmed, 1);
	CHECK_EQ(R1.nhz, 1);
	if (R1.nhz) {
		CHECK_EQ(R1.hz[0].cls, LT_HZ_TRANSLATION);
		CHECK_EQ(R1.hz[0].evidence, LT_HZE_ENTRY);
		CHECK_EQ(R1.hz[0].addr, VA_B);
	}
	lt_recon_free(lr);
}

/* What the reconstruction says so that no output keeps state of its own: which enable opened a
 * section, the site of each item's section (also after it closed), and the deferrals each
 * flush completed, grouped by the site of their section with their time pending, computed
 * here from the stream's own timestamps. A lost state completes nothing. */
struct said {
	int nitems, ncompl;
	struct lt_item it[32];
	struct lt_completion c[8];
};

static void said_item(void *ctx, const struct lt_item *it)
{
	struct said *w = ctx;

	if (w->nitems < 32)
		w->it[w->nitems] = *it;
	w->nitems++;
}

static void said_completed(void *ctx, const struct lt_completion *c)
{
	struct said *w = ctx;

	if (w->ncompl < 8)
		w->c[w->ncompl] = *c;
	w->ncompl++;
}

static void test_completions(void)
{
	static struct said w;
	struct lt_recon_ops ops = { .ctx = &w, .item = said_item, .completed = said_completed };
	struct cur c = { .pid = 9, .tid = 9, .ts = 1000 };
	struct lt_recon *lr = lt_recon_new(LT_DEFER_FROM_TRACEPOINT, &ops);
	__u64 a1, a2, b1, fl;

	memset(&w, 0, sizeof(w));
	S1.n = 0;
	add_trans(&S1, &c, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);	/* item 0 */
	a1 = add_defer(&S1, &c, 1, VA_A, ENTRY_A, IP_SETPTES, false);		/* 1 */
	a2 = add_defer(&S1, &c, 1, VA_A + 0x1000, ENTRY_A + 8, IP_SETPTES, false);	/* 2 */
	add_trans(&S1, &c, LT_ENABLE, LT_ACT_NEST, 2, true, IP_NEST);		/* 3 */
	b1 = add_defer(&S1, &c, 2, VA_B, ENTRY_B, IP_SETPTES, false);		/* 4 */
	add_trans(&S1, &c, LT_ENABLE, LT_ACT_NOOP, 2, true, IP_NEST);		/* 5: opens nothing */
	add_flush(&S1, &c, 1, 3, IP_NEST_DIS);					/* 6 */
	fl = S1.ev[S1.n - 1].ts;
	add_trans(&S1, &c, LT_DISABLE, LT_ACT_FLUSH, 1, false, IP_NEST_DIS);	/* 7 */
	add_defer(&S1, &c, 1, VA_C, ENTRY_C, IP_SETPTES, false);		/* 8 */
	CHECK_EQ(feed_all(lr, &S1), 0);
	lt_recon_lost(lr, c.ts + 5, 1);	/* C's state is lost: never completed */
	S1.n = 0;
	add_trans(&S1, &c, LT_DISABLE, LT_ACT_LEAVE, 0, false, IP_LEAVE);
	CHECK_EQ(feed_all(lr, &S1), 0);
	lt_recon_finish(lr);

	CHECK(w.nitems >= 9);
	CHECK(w.it[0].kind == LT_ITEM_ENABLE && w.it[0].opened);
	CHECK_EQ(w.it[0].section_ip, IP_ENTER);
	CHECK_EQ(w.it[1].section_ip, IP_ENTER);
	CHECK_EQ(w.it[2].section_ip, IP_ENTER);
	CHECK(w.it[3].kind == LT_ITEM_ENABLE && w.it[3].opened);
	CHECK_EQ(w.it[3].section_ip, IP_NEST);
	CHECK_EQ(w.it[4].section_ip, IP_NEST);
	CHECK(w.it[5].kind == LT_ITEM_ENABLE && !w.it[5].opened);
	CHECK(w.it[6].kind == LT_ITEM_FLUSH);
	CHECK_EQ(w.it[6].section_ip, IP_NEST);
	CHECK(w.it[7].kind == LT_ITEM_DISABLE);
	CHECK_EQ(w.it[7].section_ip, IP_NEST);	/* the section it closed */
	CHECK_EQ(w.it[8].section_ip, IP_ENTER);

	/* the flush completed A's two (outer site) and B (inner site); C, lost, nothing */
	CHECK_EQ(w.ncompl, 2);
	CHECK_EQ(w.c[0].section_ip, IP_ENTER);
	CHECK_EQ(w.c[0].count, 2);
	CHECK(w.c[0].pending_sum_ns == (unsigned __int128)((fl - a1) + (fl - a2)));
	CHECK_EQ(w.c[0].pending_max_ns, fl - a1);
	CHECK_EQ(w.c[1].section_ip, IP_NEST);
	CHECK_EQ(w.c[1].count, 1);
	CHECK(w.c[1].pending_sum_ns == (unsigned __int128)(fl - b1));
	CHECK_EQ(w.c[1].pending_max_ns, fl - b1);
	CHECK_EQ(w.c[0].ts, fl);
	CHECK_EQ(w.c[0].tid, 9);
	lt_recon_free(lr);
}

/* Each drop cause, between a noflush deferral of B and the access to B: the misses that
 * only skip interrupts' events (recursion, kprobe) and a lost name keep the task's state (the
 * hazard stands); a missed kretprobe return or a full per-PTE map may have been the task's
 * own event (a flush among them, say) with no place known: every state is dropped, no
 * hazard, one gap. Each is counted under its own key; a name only among ring-full losses. */
static void test_drop_causes(void)
{
	static const struct {
		enum lt_lost_cause cause;
		bool keeps;
	} C[] = {
		{ LT_LOST_RECURSION, true }, { LT_LOST_KPROBE, true }, { LT_LOST_NAME, true },
		{ LT_LOST_KRETPROBE, false }, { LT_LOST_MAP_FULL, false },
	};
	static const char *const NAMES[LT_LOST_CAUSES] = {
		"ring_full", "recursion", "evicted", "kprobe_missed", "kretprobe_missed",
		"map_full", "name",
	};

	for (size_t i = 0; i < sizeof(C) / sizeof(C[0]); i++) {
		struct cur c = { .pid = 7, .tid = 7, .ts = 1000 };
		struct lt_recon *lr = rec_new(&R1, LT_DEFER_FROM_TRACEPOINT);
		const struct lt_stats *st;

		S1.n = 0;
		add_trans(&S1, &c, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);
		add_trans(&S1, &c, LT_ENABLE, LT_ACT_NEST, 2, false, IP_NEST);
		add_defer(&S1, &c, 2, VA_B, ENTRY_B, IP_PTE_DEFER, true);
		add_trans(&S1, &c, LT_DISABLE, LT_ACT_NOFLUSH, 1, true, IP_NEST_DIS);
		CHECK_EQ(feed_all(lr, &S1), 0);
		lt_recon_dropped(lr, C[i].cause, c.ts + 5, 3);
		S1.n = 0;
		add_access(&S1, &c, 1, true, VA_B, false);
		CHECK_EQ(feed_all(lr, &S1), 0);
		lt_recon_finish(lr);
		st = lt_recon_stats(lr);
		CHECK_EQ(st->hazards_confirmed, C[i].keeps ? 1 : 0);
		CHECK_EQ(st->gaps, C[i].keeps ? 0 : 1);
		CHECK_EQ(st->lost_events, C[i].cause == LT_LOST_NAME ? 0 : 3);
		CHECK_EQ(st->lost_recursion, C[i].cause == LT_LOST_RECURSION ? 3 : 0);
		CHECK_EQ(st->lost_kprobe_missed, C[i].cause == LT_LOST_KPROBE ? 3 : 0);
		CHECK_EQ(st->lost_kretprobe_missed, C[i].cause == LT_LOST_KRETPROBE ? 3 : 0);
		CHECK_EQ(st->lost_map_full, C[i].cause == LT_LOST_MAP_FULL ? 3 : 0);
		CHECK_EQ(st->lost_names, C[i].cause == LT_LOST_NAME ? 3 : 0);
		CHECK_EQ(st->lost_ring_full, 0);
		CHECK_EQ(R1.an[0].kind, LT_ANOM_LOST);
		CHECK_EQ(R1.an[0].cause, C[i].cause);
		CHECK_EQ(R1.an[0].count, 3);
		CHECK_STR(lt_lost_cause_name(C[i].cause), NAMES[C[i].cause]);
		lt_recon_free(lr);
	}
}

/* ------------------------------------------------------------ invalid and random input */

static void test_invalid(void)
{
	struct lt_recon *lr = rec_new(&R1, LT_DEFER_FROM_TRACEPOINT);
	struct lt_event e;
	__u64 fr[LT_MAX_FRAMES + 1] = { 0 };

	memset(&e, 0, sizeof(e));
	e.type = 0;
	CHECK_EQ(lt_recon_feed(lr, &e, NULL), -EINVAL);
	e.type = LT_TYPE_MAX;
	CHECK_EQ(lt_recon_feed(lr, &e, NULL), -EINVAL);
	e.type = 0xffff;
	CHECK_EQ(lt_recon_feed(lr, &e, NULL), -EINVAL);
	e.type = LT_ACCESS;
	e.nr_frames = LT_MAX_FRAMES + 1;
	CHECK_EQ(lt_recon_feed(lr, &e, fr), -EINVAL);
	e.nr_frames = 2;
	CHECK_EQ(lt_recon_feed(lr, &e, NULL), -EINVAL);
	e.nr_frames = LT_MAX_FRAMES;
	CHECK_EQ(lt_recon_feed(lr, &e, fr), 0);
	e.nr_frames = 0;
	e.type = LT_ENABLE;
	e.action = LT_ACT_LEAVE;
	CHECK_EQ(lt_recon_feed(lr, &e, NULL), -EINVAL);
	e.type = LT_DISABLE;
	e.action = LT_ACT_NEST;
	CHECK_EQ(lt_recon_feed(lr, &e, NULL), -EINVAL);
	e.type = LT_DEFER;
	e.action = 9;
	CHECK_EQ(lt_recon_feed(lr, &e, NULL), -EINVAL);
	CHECK_EQ(lt_recon_feed(lr, NULL, NULL), -EINVAL);
	CHECK_EQ(lt_recon_feed(NULL, &e, NULL), -EINVAL);
	CHECK_EQ(lt_recon_stats(lr)->invalid_events, 8);
	CHECK_EQ(lt_recon_stats(lr)->events, 1);
	CHECK_STR(rec_log(&R1), "A");
	lt_recon_free(lr);
	lt_recon_free(NULL);
}

/* Random records, mostly valid-looking, on few tasks and pages: must never crash, and the
 * counters must stay consistent. */
static void test_fuzz(void)
{
	for (int src = 0; src < 2; src++) {
		struct lt_recon *lr = rec_new(&R1, src);
		__u64 fr[LT_MAX_FRAMES];
		__u64 ok = 0, bad = 0;

		for (int i = 0; i < 200000; i++) {
			struct lt_event e;
			__u64 r = rnd();

			if (r % 8 == 0) {
				unsigned char *p = (unsigned char *)&e;

				for (size_t k = 0; k < sizeof(e); k++)
					p[k] = rnd();
			} else {
				memset(&e, 0, sizeof(e));
				e.type = 1 + rnd() % (LT_TYPE_MAX - 1);
				e.tid = rnd() % 5;
				e.pid = e.tid;
				e.ts = i * 100;
				e.action = rnd() % 3 ? rnd() % 11 : 255;
				e.enable_count = rnd() % 4;
				e.flags = rnd() & 0x1f;
				e.addr = 0xffff000010000000ULL + (rnd() % 8) * 0x1000;
				e.arg0 = rnd() % 3 ? 0xffff0000c0000000ULL + rnd() % 8 * 8 : rnd() % 4;
				e.arg1 = rnd() % 2;
				e.aux = rnd() % 20;
				e.nr_frames = rnd() % 4 == 0 ? rnd() % (LT_MAX_FRAMES + 2) : 0;
			}
			for (int k = 0; k < LT_MAX_FRAMES; k++)
				fr[k] = rnd();
			if (lt_recon_feed(lr, &e, rnd() % 16 ? fr : NULL) == 0)
				ok++;
			else
				bad++;
			if (rnd() % 5000 == 0)
				lt_recon_lost(lr, e.ts, 1 + rnd() % 10);
		}
		lt_recon_finish(lr);
		CHECK_EQ(lt_recon_stats(lr)->events, ok);
		CHECK_EQ(lt_recon_stats(lr)->invalid_events, bad);
		CHECK(ok > 100000);
		CHECK(lt_recon_stats(lr)->max_depth <= LT_RECON_MAX_DEPTH);
		lt_recon_free(lr);
	}
}

/* Memory stays bounded: many tasks, many deferrals in one task. */
static void test_bounds(void)
{
	struct lt_recon *lr = rec_new(&R1, LT_DEFER_FROM_TRACEPOINT);
	struct cur c = { .pid = 1, .tid = 1, .ts = 1000 };
	unsigned int n = LT_RECON_MAX_PENDING + 1000;
	struct lt_event e;

	memset(&e, 0, sizeof(e));
	e.type = LT_TASK;
	for (__u32 tid = 1; tid <= LT_RECON_MAX_TASKS + 5000; tid++) {
		e.tid = e.pid = tid;
		snprintf(e.comm, sizeof(e.comm), "t%u", tid);
		lt_recon_feed(lr, &e, NULL);
	}
	{
		char want[16];

		snprintf(want, sizeof(want), "t%u", LT_RECON_MAX_TASKS + 5000);
		CHECK_STR(lt_recon_comm(lr, LT_RECON_MAX_TASKS + 5000), want);
	}
	CHECK_STR(lt_recon_comm(lr, 424242424), "");

	/* a section open in a task survives the eviction of idle ones */
	c.tid = c.pid = LT_RECON_MAX_TASKS + 5000;
	S1.n = 0;
	add_trans(&S1, &c, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);
	CHECK_EQ(feed_all(lr, &S1), 0);
	for (__u32 tid = 1; tid <= LT_RECON_MAX_TASKS; tid++) {
		e.tid = e.pid = 1000000 + tid;
		lt_recon_feed(lr, &e, NULL);
	}
	S1.n = 0;
	for (unsigned int i = 0; i < 2000; i++)
		add_defer(&S1, &c, 1, 0, ENTRY_A + 8 * i, IP_SETPTES, false);
	for (unsigned int k = 0; k < n / 2000 + 1; k++)
		CHECK_EQ(feed_all(lr, &S1), 0);
	S1.n = 0;
	add_flush(&S1, &c, 0, 99, IP_LEAVE_FLUSH);
	add_trans(&S1, &c, LT_DISABLE, LT_ACT_LEAVE, 0, false, IP_LEAVE);
	R1.nan = 0;
	CHECK_EQ(feed_all(lr, &S1), 0);
	CHECK_EQ(R1.nan, 0);
	CHECK_EQ(lt_recon_stats(lr)->deferred_ptes, (n / 2000 + 1) * 2000);
	lt_recon_free(lr);
}

/* ------------------------------------------------------------ ksyms */

static void test_ksyms(void)
{
	struct lt_ksyms *ks = lt_ksyms_from_buffer(KALLSYMS, sizeof(KALLSYMS) - 1);
	char buf[128], path[] = "/tmp/lt-kallsyms-XXXXXX";
	__u64 off = 77;
	FILE *f;
	int fd;

	CHECK(ks != NULL);
	CHECK_EQ(lt_ksyms_count(ks), 12);
	CHECK_STR(lt_ksyms_format(ks, 0xffff800080300300ULL, buf, sizeof(buf)),
		  "pageattr_pte_entry+0x0");
	CHECK_STR(lt_ksyms_format(ks, IP_NEST, buf, sizeof(buf)), "update_range_prot+0x1e8");
	CHECK_STR(lt_ksyms_format(ks, 0xffff8000802fffffULL, buf, sizeof(buf)),
		  "__set_ptes_anysz.constprop.0+0xfffff");
	CHECK_STR(lt_ksyms_format(ks, 0xffff800080600010ULL, buf, sizeof(buf)), "weak_fn+0x10");
	CHECK_STR(lt_ksyms_format(ks, 0xffff800080600104ULL, buf, sizeof(buf)), "weak_fn+0x104");
	/* data symbols are skipped; 1 MiB past the nearest text symbol is not symbolized */
	CHECK_STR(lt_ksyms_format(ks, 0xffff800080700104ULL, buf, sizeof(buf)), "0xffff800080700104");
	CHECK_STR(lt_ksyms_format(ks, 0xffff800000001024ULL, buf, sizeof(buf)),
		  "mod_fn+0x24 [lazymod]");
	CHECK_STR(lt_ksyms_format(ks, 0xffff800000000fffULL, buf, sizeof(buf)),
		  "0xffff800000000fff");	/* below the first */
	CHECK_STR(lt_ksyms_format(ks, 0xffff800090000000ULL, buf, sizeof(buf)),
		  "0xffff800090000000");	/* far past the last */
	CHECK_STR(lt_ksyms_format(NULL, 0x1234, buf, sizeof(buf)), "0x1234");
	CHECK_STR(lt_ksyms_format(ks, IP_NEST, buf, 8), "update_");
	CHECK_STR(lt_ksyms_lookup(ks, IP_SETPTES, &off), "__set_ptes_anysz.constprop.0");
	CHECK_EQ(off, 0xd4);
	CHECK(lt_ksyms_lookup(ks, 0x10, &off) == NULL);
	CHECK_EQ(lt_ksyms_addr(ks, "clear_page"), IP_CLEAR_PAGE);
	CHECK_EQ(lt_ksyms_addr(ks, "some_data"), 0);	/* not text */
	CHECK_EQ(lt_ksyms_addr(ks, "nope"), 0);
	lt_ksyms_free(ks);

	ks = lt_ksyms_from_buffer("", 0);
	CHECK(ks && lt_ksyms_count(ks) == 0);
	CHECK_STR(lt_ksyms_format(ks, 0xffff800080010000ULL, buf, sizeof(buf)), "0xffff800080010000");
	lt_ksyms_free(ks);
	lt_ksyms_free(NULL);

	/* kptr_restrict: all zero */
	ks = lt_ksyms_from_buffer("0000000000000000 T _stext\n0000000000000000 t foo\n", 50);
	CHECK(ks && lt_ksyms_count(ks) == 0);
	lt_ksyms_free(ks);

	fd = mkstemp(path);
	CHECK(fd >= 0);
	f = fdopen(fd, "w");
	for (int i = 0; i < 100000; i++)
		fprintf(f, "%016llx %c sym_%d\n", 0xffff800080000000ULL + (__u64)(100000 - i) * 0x40,
			"tTdW"[i % 4], i);
	fclose(f);
	ks = lt_ksyms_load(path);
	unlink(path);
	CHECK(ks != NULL);
	CHECK_EQ(lt_ksyms_count(ks), 75000);
	/* i = 1: type T at 0x...80000000 + 99999*0x40 */
	CHECK_STR(lt_ksyms_format(ks, 0xffff800080000000ULL + 99999ULL * 0x40 + 8, buf, sizeof(buf)),
		  "sym_1+0x8");
	/* i = 2 is data: its address falls into i = 3's symbol (below it) */
	CHECK_STR(lt_ksyms_format(ks, 0xffff800080000000ULL + 99998ULL * 0x40, buf, sizeof(buf)),
		  "sym_3+0x40");
	lt_ksyms_free(ks);
	errno = 0;
	CHECK(lt_ksyms_load("/nonexistent/kallsyms") == NULL && errno == ENOENT);
}

/* ------------------------------------------------------------ sinks */

static char *run_sink(bool json, bool fold, bool color, const struct stream *s,
		      const struct lt_ksyms *ks, bool lost, enum lt_defer_source src)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	struct lt_recon_ops ops;
	struct lt_sink_text *t = NULL;
	struct lt_sink_json *j = NULL;
	struct lt_recon *lr;

	if (json) {
		j = lt_sink_json_new(out, NULL, ks);
		lt_sink_json_ops(j, &ops);
	} else {
		struct lt_text_opts o;

		lt_text_default_opts(&o);
		o.fold = fold;
		o.color = color;
		t = lt_sink_text_new(out, &o, ks);
		lt_sink_text_ops(t, &ops);
	}
	lr = lt_recon_new(src, &ops);
	feed_all(lr, s);
	if (lost)
		lt_recon_lost(lr, s->ev[s->n - 1].ts + 500, 4);
	lt_recon_finish(lr);
	if (json)
		lt_sink_json_summary(j, lt_recon_stats(lr));
	else
		lt_sink_text_summary(t, lt_recon_stats(lr));
	lt_sink_text_free(t);
	lt_sink_json_free(j);
	lt_recon_free(lr);
	fclose(out);
	return buf;
}

static const char TEXT_NOFLUSH[] =
"       0.000  sh/71                    1  enable  enter    depth 1  scenario_write+0x690\n"
"       1.000  sh/71                    1      defer   pte x3   __set_ptes_anysz.constprop.0+0xd4\n"
"       4.000  sh/71                    1      map     __kernel_map_pages pages=1 enable=1\n"
"       5.000  sh/71                    1      map     set_memory_valid addr=0xffff000012345000 pages=1 enable=1\n"
"       6.000  sh/71                    1    enable  nest     depth 2  update_range_prot+0x1e8\n"
"       8.000  sh/71                    1        defer   pte x1   addr=0xffff000012345000 entry=0xffff0000c01048d0  pageattr_pte_entry+0x94\n"
"       9.000  sh/71                    1    disable noflush  depth 1  update_range_prot+0x208\n"
"      10.000  sh/71                    1      return  set_memory_valid addr=0xffff000012345000 pages=1\n"
"      11.000  sh/71                    1      return  __kernel_map_pages addr=0xffff000012345000 pages=1\n"
"      11.000  sh/71                    1  HAZARD potential addr=0xffff000012345000 section #2 (update_range_prot+0x1e8) deferred at pageattr_pte_entry+0x94, 3.000 us before returning to the caller\n"
"      12.000  sh/71                    1      access  clear_page addr=0xffff000012345000\n"
"      12.000  sh/71                    1  HAZARD confirmed addr=0xffff000012345000 section #2 (update_range_prot+0x1e8) deferred at pageattr_pte_entry+0x94, 4.000 us before clear_page\n"
"                                              at clear_page+0x10\n"
"                                              at update_range_prot+0x40\n"
"                                              at scenario_write+0x6b0\n"
"      13.000  sh/71                    1      defer   pte x2   __set_ptes_anysz.constprop.0+0xd4\n"
"      15.000  sh/71                    1      flush   completes 6 deferred  scenario_write+0x6f0\n"
"      16.000  sh/71                    1  disable leave    depth 0  scenario_write+0x6e0\n"
"--- summary\n"
"events            18\n"
"sections          2 (1 nested, max depth 2)\n"
"deferred updates  6\n"
"flushes           1\n"
"hazards           1 confirmed, 1 potential\n"
"lost events       0\n"
"anomalies         0\n";

static void test_text_sink(void)
{
	struct lt_ksyms *ks = lt_ksyms_from_buffer(KALLSYMS, sizeof(KALLSYMS) - 1);
	struct cur c = { .pid = 71, .tid = 71, .cpu = 1, .ts = 0 };
	char *out;

	S1.n = 0;
	seed(&S1, &c, NOFLUSH, 3, 2, true);
	out = run_sink(false, true, false, &S1, ks, false, LT_DEFER_FROM_TRACEPOINT);
	CHECK_STR(out, TEXT_NOFLUSH);
	free(out);

	/* unfolded, colored, no symbols, lost events and a section left open */
	S1.n = 0;
	c.ts = 0;
	add_task(&S1, &c, "");
	add_trans(&S1, &c, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);
	add_defer(&S1, &c, 1, 0, ENTRY_A, IP_SETPTES, false);
	add_defer(&S1, &c, 1, 0, ENTRY_A + 8, IP_SETPTES, false);
	add_access(&S1, &c, 1, true, VA_B, false);
	out = run_sink(false, false, true, &S1, NULL, true, LT_DEFER_FROM_TRACEPOINT);
	CHECK_STR(out,
"       0.000  ?/71                     1  enable  enter    depth 1  0xffff800080123690\n"
"       1.000  ?/71                     1      defer   pte   addr=? entry=0xffff0000c0100000  0xffff8000802000d4\n"
"       2.000  ?/71                     1      defer   pte   addr=? entry=0xffff0000c0100008  0xffff8000802000d4\n"
"       3.000  ?/71                     1      access  0xffff800080400000 addr=0xffff000012345000\n"
"\033[33m       3.500  -                        0  ANOMALY lost: 4 events lost (ring buffer full)\033[0m\n"
"       3.500  ?/71                     1      lost    4 events: state may be incomplete\n"
"\033[33m       3.000  ?/71                     1  ANOMALY open_at_exit: 1 section still open  0xffff800080123690\033[0m\n"
"--- summary\n"
"events            5\n"
"sections          1 (0 nested, max depth 1)\n"
"deferred updates  2\n"
"flushes           0\n"
"hazards           0 confirmed, 0 potential\n"
"lost events       4 (ring full 4, recursion 0, evicted 0; 1 gaps)\n"
"anomalies         2\n");
	free(out);
	lt_ksyms_free(ks);
}

static void test_json_sink(void)
{
	struct lt_ksyms *ks = lt_ksyms_from_buffer(KALLSYMS, sizeof(KALLSYMS) - 1);
	struct cur c = { .pid = 71, .tid = 72, .cpu = 3, .ts = 0 };
	static const char *const keys[] = {
		"\"events\":", "\"sections\":", "\"nested_sections\":", "\"max_depth\":",
		"\"deferred_ptes\":", "\"flushes\":", "\"hazards_confirmed\":",
		"\"hazards_potential\":", "\"lost_events\":", "\"anomalies\":",
	};
	char *out, *sum;

	S1.n = 0;
	add_task(&S1, &c, "a\"b\\c\x01\xe9");
	add_trans(&S1, &c, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);
	add_trans(&S1, &c, LT_ENABLE, LT_ACT_NEST, 2, false, IP_NEST);
	add_defer(&S1, &c, 2, VA_B, ENTRY_B, IP_PTE_DEFER, true);
	add_trans(&S1, &c, LT_DISABLE, LT_ACT_NOFLUSH, 1, true, IP_NEST_DIS);
	add_access(&S1, &c, 1, true, VA_B + 0x10, true);
	add_flush(&S1, &c, 0, 1, IP_LEAVE_FLUSH);
	add_map(&S1, &c, LT_MAP_PAGES_RET, 1, false, 0, 0, 0);	/* unmatched return */
	out = run_sink(true, true, false, &S1, ks, false, LT_DEFER_FROM_TRACEPOINT);
#define COMM "\"comm\":\"a\\\"b\\\\c\\u0001\\u00e9\""
#define HEAD(type, ts) "{\"type\":\"" type "\",\"ts_ns\":" ts ",\"cpu\":3,\"pid\":71,\"tid\":72," COMM
	CHECK_STR(out,
HEAD("enable", "2000") ",\"depth\":1,\"section\":1,\"action\":\"enter\",\"site\":\"scenario_write+0x690\",\"ip\":\"0xffff800080123690\",\"pending\":false,\"inferred\":false}\n"
HEAD("enable", "3000") ",\"depth\":2,\"section\":2,\"action\":\"nest\",\"site\":\"update_range_prot+0x1e8\",\"ip\":\"0xffff8000803001e8\",\"pending\":false,\"inferred\":false}\n"
HEAD("pte", "4000") ",\"depth\":2,\"section\":2,\"addr\":\"0xffff000012345000\",\"entry\":\"0xffff0000c01048d0\",\"deferred\":false,\"site\":\"pageattr_pte_entry+0x0\",\"ip\":\"0xffff800080300300\",\"pending\":true}\n"
HEAD("defer", "5000") ",\"depth\":2,\"section\":2,\"level\":\"pte\",\"addr\":\"0xffff000012345000\",\"entry\":\"0xffff0000c01048d0\",\"site\":\"pageattr_pte_entry+0x94\",\"ip\":\"0xffff800080300394\",\"pending\":true}\n"
HEAD("disable", "6000") ",\"depth\":1,\"section\":2,\"action\":\"noflush\",\"site\":\"update_range_prot+0x208\",\"ip\":\"0xffff800080300208\",\"pending\":true,\"inferred\":false}\n"
HEAD("access", "7000") ",\"depth\":1,\"section\":1,\"addr\":\"0xffff000012345010\",\"site\":\"clear_page+0x0\",\"ip\":\"0xffff800080400000\"}\n"
HEAD("hazard", "7000") ",\"kind\":\"confirmed\",\"class\":\"unknown\",\"evidence\":\"none\",\"addr\":\"0xffff000012345000\",\"section\":2,\"section_site\":\"update_range_prot+0x1e8\",\"defer_site\":\"pageattr_pte_entry+0x94\",\"defer_ts_ns\":5000,\"access_site\":\"clear_page+0x0\",\"age_ns\":2000,\"stack\":[\"clear_page+0x10\",\"update_range_prot+0x40\",\"scenario_write+0x6b0\"]}\n"
HEAD("flush", "8000") ",\"depth\":1,\"section\":1,\"count\":1,\"site\":\"scenario_write+0x6f0\",\"ip\":\"0xffff8000801236f0\",\"pending\":false,\"inferred\":false}\n"
HEAD("map_ret", "9000") ",\"depth\":1,\"section\":1,\"func\":\"__kernel_map_pages\",\"site\":\"__kernel_map_pages+0x0\",\"ip\":\"0xffff800080500000\"}\n"
HEAD("anomaly", "9000") ",\"kind\":\"open_at_exit\",\"depth\":1,\"count\":1,\"site\":\"scenario_write+0x690\",\"ip\":\"0xffff800080123690\"}\n"
"{\"type\":\"summary\",\"events\":9,\"unfolded_events\":0,\"sections\":2,\"nested_sections\":1,\"max_depth\":2,\"deferred_ptes\":1,\"flushes\":1,\"hazards_confirmed\":1,\"hazards_potential\":0,\"lost_events\":0,\"lost_ring_full\":0,\"lost_recursion\":0,\"lost_evicted\":0,\"lost_kprobe_missed\":0,\"lost_kretprobe_missed\":0,\"lost_map_full\":0,\"lost_names\":0,\"gaps\":0,\"anomalies\":1}\n");
	sum = out ? strstr(out, "{\"type\":\"summary\"") : NULL;
	CHECK(sum != NULL);
	for (size_t i = 0; sum && i < sizeof(keys) / sizeof(keys[0]); i++)
		CHECK(strstr(sum, keys[i]) != NULL);
	free(out);

	/* every line of a bigger run is one object: balanced braces, no raw control bytes */
	S1.n = 0;
	c.ts = 0;
	seed(&S1, &c, NOFLUSH, 8, 5, true);
	out = run_sink(true, true, false, &S1, NULL, true, LT_DEFER_FROM_TRACEPOINT);
	{
		int lines = 0, bad = 0, depth = 0;
		bool instr = false;

		for (const char *p = out; p && *p; p++) {
			if (instr) {
				if (*p == '\\')
					p++;
				else if (*p == '"')
					instr = false;
				else if ((unsigned char)*p < 0x20)
					bad++;
				continue;
			}
			if (*p == '"')
				instr = true;
			else if (*p == '{' || *p == '[')
				depth++;
			else if (*p == '}' || *p == ']')
				depth--;
			else if (*p == '\n') {
				bad += depth != 0;
				lines++;
			}
		}
		CHECK_EQ(bad, 0);
		CHECK_EQ(lines, 29);	/* 25 items, 2 hazards, lost, summary */
	}
	free(out);
	lt_ksyms_free(ks);
}

int main(void)
{
	CHECK_STR(lt_action_name(LT_ACT_NOFLUSH), "noflush");
	CHECK_STR(lt_action_name(LT_ACT_UNKNOWN), "unknown");
	CHECK_STR(lt_action_name(-1), "unknown");
	CHECK_STR(lt_level_name(LT_LVL_PGD), "pgd");
	CHECK_STR(lt_level_name(7), "unknown");
	test_timelines(false);
	test_timelines(true);
	test_potential(false);
	test_potential(true);
	test_pte_after_defer();
	test_unbalanced();
	test_mismatch();
	test_interleaved();
	test_idle_per_cpu();
	test_irq_context();
	test_cpu_selection();
	test_switch();
	test_switch_mid_transition();
	test_addressless();
	test_hazard_class();
	test_seq_gap();
	test_seq_late();
	test_seq_late_many();
	test_seq_late_run();
	test_seq_run_bound();
	test_seq_lost_first();
	test_seq_evicted();
	test_lost();
	test_drop_causes();
	test_completions();
	test_entry_evidence();
	test_stale_entry_evidence();
	test_invalid();
	test_fuzz();
	test_bounds();
	test_ksyms();
	test_text_sink();
	test_json_sink();
	return check_finish("test_recon");
}
