// SPDX-License-Identifier: GPL-2.0
/*
 * tests/unit/test_dwarf_replay.c: the reconstruction of DWARF site events (probes+dwarf) on
 * records captured in the guest. tests/fixtures/dwarf/seed-MODE.{tp,dwarf}.lt are one run of
 * `seed 8 5` on the patched kernel recorded twice at once (tests/guest/lazytrace-pair): from
 * the lazy_mmu tracepoints and from kprobes at the DWARF sites. The tracepoints are the
 * oracle: per task, the same transitions (action, depth), deferrals, flushes (with what they
 * complete) and hazards must come out of both. Interrupt-context transitions (ignored_irq)
 * are compared as their own sequence: where they fall among the task's items depends on where
 * each source observes a helper (see tests/lab/ltsame.py). Regenerate the fixtures with
 * `LT_KEEP=DIR tests/lab/test-dwarf.sh` and copy DIR/g/seed-*.lt here. migrate.*.lt (and its
 * migrate.how) come from scripts/capture-fixtures.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ksyms.h"
#include "recon.h"
#include "tracefile.h"

#define MAX_ITEMS 16384

struct seq {
	char *task[MAX_ITEMS], *irq[MAX_ITEMS];
	int ntask, nirq;
	struct lt_stats st;
	int scenario_defers;		/* deferrals in the section opened by scenario_write */
	__u64 scenario_section;
	int pending_bit_anomalies;
	int switches;
};

/* Replay as if lazytrace read the wrong bit for TIF_LAZY_MMU_PENDING: never set. */
static bool clear_pending;

static void add(char **v, int *n, const char *s)
{
	if (*n < MAX_ITEMS)
		v[(*n)++] = strdup(s);
}

static void on_item(void *ctx, const struct lt_item *it)
{
	struct seq *q = ctx;
	char buf[128];

	switch (it->kind) {
	case LT_ITEM_ENABLE:
	case LT_ITEM_DISABLE:
	case LT_ITEM_PAUSE:
	case LT_ITEM_RESUME:
		if (it->action == LT_ACT_IGN_IRQ || it->ctx == LT_CTX_IRQ) {
			snprintf(buf, sizeof(buf), "%u %s ignored_irq", it->tid, lt_item_name(it->kind));
			add(q->irq, &q->nirq, buf);
			return;
		}
		snprintf(buf, sizeof(buf), "%u %s %s depth=%u inferred=%d", it->tid,
			 lt_item_name(it->kind), lt_action_name(it->action), it->depth, it->inferred);
		break;
	case LT_ITEM_DEFER:
		snprintf(buf, sizeof(buf), "%u defer %s", it->tid, lt_level_name(it->action));
		if (q->scenario_section && it->section >= q->scenario_section)
			q->scenario_defers++;
		break;
	case LT_ITEM_FLUSH:
		snprintf(buf, sizeof(buf), "%u flush %llu depth=%u inferred=%d", it->tid,
			 (unsigned long long)it->count, it->depth, it->inferred);
		break;
	case LT_ITEM_SWITCH:
		/*
		 * Counted, not placed: a switch between a helper's site and its tracepoint
		 * (queue_pte_barriers() entered, TIF_LAZY_MMU_PENDING not set yet) is after the
		 * deferral for one source and before it for the other.
		 */
		q->switches++;
		return;
	default:
		return;
	}
	add(q->task, &q->ntask, buf);
}

static void on_hazard(void *ctx, const struct lt_hazard *hz)
{
	struct seq *q = ctx;
	char buf[128];

	snprintf(buf, sizeof(buf), "%u hazard %s 0x%llx", hz->tid, lt_hazard_name(hz->kind),
		 (unsigned long long)hz->addr);
	add(q->task, &q->ntask, buf);
}

static void on_anomaly(void *ctx, const struct lt_anomaly *an)
{
	struct seq *q = ctx;
	char buf[128];

	if (an->kind == LT_ANOM_LOST)	/* global: a recursion miss of any task */
		return;
	if (an->kind == LT_ANOM_PENDING_BIT)
		q->pending_bit_anomalies++;
	snprintf(buf, sizeof(buf), "%u anomaly %s", an->tid, lt_anomaly_name(an->kind));
	add(q->task, &q->ntask, buf);
}

/* Replays a fixture; 0, or -1 if it cannot be read. */
static int replay(const char *path, struct seq *q)
{
	struct lt_recon_ops ops = { .ctx = q, .item = on_item, .hazard = on_hazard,
				    .anomaly = on_anomaly };
	const struct lt_event *ev;
	const __u64 *frames;
	__u64 lts, lcount;
	struct lt_reader *rd;
	struct lt_recon *r;
	char err[256];
	int k;

	memset(q, 0, sizeof(*q));
	rd = lt_reader_open(path, err, sizeof(err));
	if (!rd) {
		printf("FAIL cannot read %s: %s\n", path, err);
		return -1;
	}
	r = lt_recon_new(lt_file_defer_from_tracepoint(lt_reader_info(rd)) ? LT_DEFER_FROM_TRACEPOINT
									   : LT_DEFER_FROM_PTE_UPDATE, &ops);
	lt_recon_set_nesting(r, lt_reader_info(rd)->nesting);
	while ((k = lt_reader_next(rd, &ev, &frames, &lts, &lcount)) > 0) {
		if (k == LT_REC_LOST) {
			lt_recon_dropped(r, lt_reader_lost_cause(rd), lts, lcount);
			continue;
		}
		/* The scenario's outer enable: its section's id is the next one to open. */
		if (!q->scenario_section && ev->type == LT_ENABLE) {
			__u64 off;
			const char *sym = lt_ksyms_lookup(lt_reader_ksyms(rd), ev->ip, &off);

			if (sym && !strcmp(sym, "scenario_write"))
				q->scenario_section = lt_recon_stats(r)->sections + 1;
		}
		if (clear_pending) {
			struct lt_event e = *ev;

			e.flags &= ~LT_F_PENDING;
			lt_recon_feed(r, &e, frames);
			continue;
		}
		lt_recon_feed(r, ev, frames);
	}
	lt_recon_finish(r);
	q->st = *lt_recon_stats(r);
	lt_recon_free(r);
	lt_reader_close(rd);
	return k == LT_REC_END ? 0 : -1;
}

static void free_seq(struct seq *q)
{
	for (int i = 0; i < q->ntask; i++)
		free(q->task[i]);
	for (int i = 0; i < q->nirq; i++)
		free(q->irq[i]);
}

/* Equal sequences; on the first difference, say where. */
static void check_same(const char *what, char **a, int na, char **b, int nb)
{
	int i;

	for (i = 0; i < na && i < nb && !strcmp(a[i], b[i]); i++)
		;
	if (i == na && i == nb) {
		check_passed++;
		return;
	}
	check_failed++;
	printf("FAIL %s: item %d of %d/%d: tracepoints '%s', sites '%s'\n", what, i, na, nb,
	       i < na ? a[i] : "end", i < nb ? b[i] : "end");
}

static void test_mode(const char *dir, const char *mode, unsigned int defers)
{
	char tp_path[512], dw_path[512], what[64];
	struct seq tp, dw;

	snprintf(tp_path, sizeof(tp_path), "%s/seed-%s.tp.lt", dir, mode);
	snprintf(dw_path, sizeof(dw_path), "%s/seed-%s.dwarf.lt", dir, mode);
	CHECK(replay(tp_path, &tp) == 0);
	CHECK(replay(dw_path, &dw) == 0);
	snprintf(what, sizeof(what), "seed-%s task items", mode);
	check_same(what, tp.task, tp.ntask, dw.task, dw.ntask);
	snprintf(what, sizeof(what), "seed-%s interrupt items", mode);
	check_same(what, tp.irq, tp.nirq, dw.irq, dw.nirq);
	CHECK(tp.ntask > 100);
	CHECK_EQ(dw.st.sections, tp.st.sections);
	CHECK_EQ(dw.st.nested_sections, tp.st.nested_sections);
	CHECK_EQ(dw.st.max_depth, 2);
	CHECK_EQ(dw.st.deferred_ptes, tp.st.deferred_ptes);
	CHECK_EQ(dw.st.flushes, tp.st.flushes);
	CHECK_EQ(dw.st.hazards_confirmed, !strcmp(mode, "noflush"));
	CHECK_EQ(tp.st.hazards_confirmed, !strcmp(mode, "noflush"));
	CHECK_EQ(dw.st.hazards_potential, tp.st.hazards_potential);
	/* the README's table: A + B + C deferrals in the scenario's sections (flat: C is not) */
	CHECK_EQ(dw.scenario_defers >= (int)defers, 1);
	CHECK_EQ(dw.scenario_defers, tp.scenario_defers);
	free_seq(&tp);
	free_seq(&dw);
}

/*
 * migrate.{tp,dwarf}.lt (scripts/capture-fixtures): a munmap workload moved between the two
 * CPUs every 50 us, recorded at once from the tracepoints and from the DWARF sites. One of
 * its switches comes while a disable site's transition waits for its flush site: the switch
 * goes before that transition, as with the tracepoints, and the flush site completes the
 * deferral (before the fix it found the section already left: an extra "flush 0").
 */
static void test_migrate(const char *dir)
{
	char tp_path[512], dw_path[512];
	struct seq tp, dw;

	snprintf(tp_path, sizeof(tp_path), "%s/migrate.tp.lt", dir);
	snprintf(dw_path, sizeof(dw_path), "%s/migrate.dwarf.lt", dir);
	CHECK(replay(tp_path, &tp) == 0);
	CHECK(replay(dw_path, &dw) == 0);
	check_same("migrate task items", tp.task, tp.ntask, dw.task, dw.ntask);
	check_same("migrate interrupt items", tp.irq, tp.nirq, dw.irq, dw.nirq);
	CHECK(tp.switches > 0);
	CHECK_EQ(dw.switches, tp.switches);
	CHECK_EQ(dw.st.sections, tp.st.sections);
	CHECK_EQ(dw.st.deferred_ptes, tp.st.deferred_ptes);
	CHECK_EQ(dw.st.flushes, tp.st.flushes);
	CHECK_EQ(dw.st.anomalies, tp.st.anomalies);
	free_seq(&tp);
	free_seq(&dw);
}

int main(void)
{
	/* tests run from the repository's root (tests/run-all) */
	const char *dir = getenv("LT_FIXTURES") ? getenv("LT_FIXTURES") : "tests/fixtures/dwarf";

	test_mode(dir, "nested", 14);
	test_mode(dir, "flat", 9);
	test_mode(dir, "noflush", 14);
	test_migrate(dir);

	/* The pending flag's bit is checked at run time: right, no anomaly; wrong, one. */
	{
		char path[512];
		struct seq q;

		snprintf(path, sizeof(path), "%s/seed-nested.dwarf.lt", dir);
		CHECK(replay(path, &q) == 0);
		CHECK_EQ(q.pending_bit_anomalies, 0);
		free_seq(&q);
		clear_pending = true;
		CHECK(replay(path, &q) == 0);
		CHECK_EQ(q.pending_bit_anomalies, 1);
		free_seq(&q);
		clear_pending = false;
	}
	return check_finish("test_dwarf_replay");
}
