// SPDX-License-Identifier: GPL-2.0
/*
 * bench/ltgen.c: writes valid synthetic lazytrace recordings of any size, for the replay
 * benchmark (bench/replay.sh) and its test (tests/lab/test-ltgen.sh).
 *
 *   ltgen -o FILE -n EVENTS [--seed N] [--tasks T] [--nesting MODE] [--build-id HEX]
 *         [--batch N] [--force]
 *
 * The stream looks like a patched-kernel recording of a munmap storm with debug_pagealloc
 * (demo-out/munmap-*.lt): several tasks on two CPUs, interleaved; __kernel_map_pages() /
 * set_memory_valid() calls each with its own lazy MMU section and per-PTE probe; zap sections
 * that sometimes nest such a call; vmap-like sections deferring a run of PTE updates; the
 * flushes, pause/resume and ignored IRQ transitions; in `noflush` mode the nested calls hand
 * back mappings still deferred (potential hazards), some touched by clear_page() before the
 * flush (confirmed hazards, with a kernel stack); a kallsyms table so sites have names; a
 * LOST chunk or two. The same seed gives the same bytes.
 *
 * For `lazytrace compare` (tests/lab/test-compare-stats.sh), two knobs set what repeated runs
 * share and what they vary: --build-id names the kernel build in the header (runs of one build
 * share it, sites then line up by symbol+offset; default: the seed as 16 hex digits), and
 * --batch N adds one section of a chosen size at a call site of its own, ltgen_batch+0x24 (a
 * symbol added to the kallsyms table only then): the first task, right after its LT_TASK
 * record, opens it, defers exactly N kernel PTE updates (vmap-like), flushes them once and
 * leaves. That episode is queued whole with the naming record, room for it is kept aside from
 * the start (no filler replaces it), and the simulated losses only ever drop episodes of named
 * tasks (never this one). Without these options the output is what it always was, byte for
 * byte.
 *
 * On stdout: the totals `lazytrace stats --json` must find, counted here from what was
 * written (never by running the reconstruction), under the same keys.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"
#include "tracefile.h"

/* ------------------------------------------------------------------ the kernel */

static const char KALLSYMS[] =
	"ffff800080010000 T _stext\n"
	"ffff80008002bcd0 t pageattr_pte_entry\n"
	"ffff80008002bee8 t update_range_prot\n"
	"ffff80008002c818 T set_memory_valid\n"
	"ffff80008002ca38 T __kernel_map_pages\n"
	"ffff800080301000 T __set_ptes_anysz.constprop.0\n"
	"ffff800080312000 t __zap_vma_range\n"
	"ffff800080323000 T lazy_mmu_mode_disable\n"
	"ffff800080334000 t vmap_range_noflush\n"
	"ffff800080345000 T clear_page\n"
	"ffff800080345100 T copy_page\n"
	"ffff800080356000 t prep_new_page\n"
	"ffff800080356400 t get_page_from_freelist\n"
	"ffff800080357000 T __alloc_pages_noprof\n"
	"ffff800080358000 T vma_alloc_folio_noprof\n"
	"ffff800080359000 t do_anonymous_page\n"
	"ffff80008035a000 t __handle_mm_fault\n"
	"ffff80008035b000 T handle_mm_fault\n"
	"ffff80008035c000 t do_page_fault\n"
	"ffff80008035d000 t do_mem_abort\n"
	"ffff80008035e000 t el0_da\n"
	"ffff80008035f000 T el0t_64_sync_handler\n"
	"ffff800080360000 T el0t_64_sync\n"
	"ffff800079a10000 t zs_map_object\t[zsmalloc]\n";

/* Appended to KALLSYMS with --batch only (else the files stay as they were). */
static const char KALLSYMS_BATCH[] = "ffff800080370000 t ltgen_batch\n";

#define IP_PTE_FN	0xffff80008002bcd0ULL	/* pageattr_pte_entry (probed) */
#define IP_PTE_DEFER	0xffff80008002bd64ULL	/* pageattr_pte_entry+0x94 */
#define IP_URP_ENTER	0xffff80008002c0c0ULL	/* update_range_prot+0x1d8 */
#define IP_URP_NEST	0xffff80008002c0d0ULL	/* +0x1e8: enable inside a section */
#define IP_URP_LEAVE	0xffff80008002c0e0ULL	/* +0x1f8 */
#define IP_URP_NDIS	0xffff80008002c0f0ULL	/* +0x208: the nested disable */
#define IP_URP_FLUSH	0xffff80008002c168ULL	/* +0x280 */
#define IP_SET_VALID	0xffff80008002c818ULL
#define IP_MAP_PAGES	0xffff80008002ca38ULL
#define IP_SETPTES	0xffff8000803010d4ULL	/* __set_ptes_anysz.constprop.0+0xd4 */
#define IP_ZAP		0xffff800080312ad8ULL	/* __zap_vma_range+0xad8 */
#define IP_LMD_LEAVE	0xffff800080323160ULL	/* lazy_mmu_mode_disable+0x160 */
#define IP_LMD_FLUSH	0xffff800080323174ULL	/* +0x174 */
#define IP_VMAP		0xffff8000803341a4ULL	/* vmap_range_noflush+0x1a4 */
#define IP_CLEAR_PAGE	0xffff800080345000ULL
#define IP_BATCH	0xffff800080370024ULL	/* ltgen_batch+0x24 (--batch) */

/* A page fault allocating a page: the stack the BPF side sends with a hazardous access. */
static const __u64 FAULT_STACK[] = {
	0xffff800080345000ULL, 0xffff8000803561c8ULL, 0xffff800080356a10ULL,
	0xffff8000803571f4ULL, 0xffff80008035805cULL, 0xffff8000803593a0ULL,
	0xffff80008035a7d4ULL, 0xffff80008035b1e8ULL, 0xffff80008035c2f0ULL,
	0xffff80008035d07cULL, 0xffff80008035e040ULL, 0xffff80008035f098ULL,
	0xffff800080360154ULL,
};
#define FAULT_FRAMES	(sizeof(FAULT_STACK) / sizeof(FAULT_STACK[0]))

#define LINEAR_MAP	0xfff0000000000000ULL	/* pages handed to __kernel_map_pages() */
#define OTHER_PAGES	0xfff0001000000000ULL	/* pages touched that nothing deferred: past
						 * the 64 slices of PAGES_PER_TASK */
#define PTE_TABLES	0xfff000003fc00000ULL	/* the linear map's last-level tables */
#define USER_TABLES	0xfff0000100000000ULL	/* table entries of vmap/user ranges */
#define PAGES_PER_TASK	(1u << 18)		/* 1 GiB of linear map per task */
#define BATCH_TABLES	0xfff0000200000000ULL	/* table entries of the --batch section */
#define BATCH_MAX	120			/* its deferrals: with the naming record, the
						 * enable, flush and disable, within QMAX */

/* The table entry of a linear-map page: one 4 KiB table per 2 MiB, an entry per page. */
static __u64 entry_of(__u64 va)
{
	__u64 off = va - LINEAR_MAP;

	return PTE_TABLES + ((off >> 21) << 12) + ((off >> 12) & 0x1ff) * 8;
}

static __u64 pte_val(__u64 va, bool valid)
{
	return 0x00e8000000000000ULL | ((va - LINEAR_MAP + 0x40000000ULL) & 0xfffffffff000ULL) |
	       (valid ? 0x407 : 0xc06);
}

/* ------------------------------------------------------------------ randomness */

struct rng {
	__u64 s;
};

/* splitmix64: a different stream per seed, and the same one every time. */
static __u64 rnd(struct rng *r)
{
	__u64 z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int below(struct rng *r, unsigned int n)
{
	return (unsigned int)(rnd(r) % n);
}

static bool chance(struct rng *r, unsigned int percent)
{
	return below(r, 100) < percent;
}

/* ------------------------------------------------------------------ what was written */

struct truth {
	__u64 events, sections, nested_sections, max_depth, deferred_ptes, flushes;
	__u64 hazards_confirmed, hazards_potential, lost_events, anomalies;
};

static void truth_add(struct truth *t, const struct truth *d)
{
	t->sections += d->sections;
	t->nested_sections += d->nested_sections;
	if (d->max_depth > t->max_depth)
		t->max_depth = d->max_depth;
	t->deferred_ptes += d->deferred_ptes;
	t->flushes += d->flushes;
	t->hazards_confirmed += d->hazards_confirmed;
	t->hazards_potential += d->hazards_potential;
}

/* ------------------------------------------------------------------ tasks and episodes */

enum nesting { NESTED, FLAT, NOFLUSH };
static const char *const NESTING_NAME[] = { "nested", "flat", "noflush" };

#define QMAX 128	/* events of one episode; the longest builds about 70 */

/* One task's episode: events without timestamps (given when written) and what it adds. */
struct episode {
	struct lt_event ev[QMAX];
	const __u64 *fr[QMAX];
	unsigned int n, pos;
	struct truth d;
};

struct task {
	__u32 pid, tid;
	__u16 cpu;
	const char *comm;
	bool named;
	unsigned int slice;	/* its own part of the linear map: no page of two tasks */
	__u32 next_page;	/* pages of that slice, in turn */
	struct episode q;
};

struct gen {
	struct rng rng;
	enum nesting nesting;
	struct task *tasks;
	unsigned int ntasks;
	struct lt_writer *w;
	__u64 n, queued, ts, last_flush;
	struct truth t;
	unsigned int batch;	/* --batch: deferrals of the extra section, 0 none */
	__u64 reserve;		/* events kept for it until it is queued */
};

/* Builds an episode of task t: the depth and pending barriers as the kernel reports them. */
struct bld {
	struct gen *g;
	struct task *t;
	struct episode *e;
	unsigned int depth, npend;
};

static struct lt_event *push(struct bld *b, int type, int action, __u64 ip)
{
	struct episode *e = b->e;
	struct lt_event *ev;

	if (e->n >= QMAX)
		abort();	/* a builder bug, not an input */
	ev = &e->ev[e->n];
	e->fr[e->n] = NULL;
	e->n++;
	memset(ev, 0, sizeof(*ev));
	ev->pid = b->t->pid;
	ev->tid = b->t->tid;
	ev->type = type;
	ev->action = action;
	ev->ip = ip;
	ev->enable_count = b->depth;
	ev->flags = LT_F_STATE | (b->npend ? LT_F_PENDING : 0);
	return ev;
}

static void enable(struct bld *b, int action, __u64 ip)
{
	b->depth++;
	push(b, LT_ENABLE, action, ip);
	b->e->d.sections++;
	if (b->depth > 1)
		b->e->d.nested_sections++;
	if (b->depth > b->e->d.max_depth)
		b->e->d.max_depth = b->depth;
}

static void disable(struct bld *b, int action, __u64 ip)
{
	b->depth--;
	push(b, LT_DISABLE, action, ip);
}

/* The barriers emitted, reported with the count the disable causing them leaves. */
static void flush(struct bld *b, __u64 ip, unsigned int depth_after)
{
	struct lt_event *ev;

	ev = push(b, LT_FLUSH, 0, ip);
	ev->aux = b->npend;
	ev->enable_count = depth_after;
	ev->flags &= ~LT_F_PENDING;
	b->npend = 0;
	b->e->d.flushes++;
}

static void defer(struct bld *b, __u64 ip, __u64 entry, __u64 val)
{
	struct lt_event *ev;

	b->npend++;
	ev = push(b, LT_DEFER, LT_LVL_PTE, ip);
	ev->arg0 = entry;
	ev->arg1 = val;
	b->e->d.deferred_ptes++;
}

/* The per-PTE probe (fexit): after the LT_DEFER it names. */
static void pte(struct bld *b, __u64 va, bool valid, bool deferred)
{
	struct lt_event *ev = push(b, LT_PTE_UPDATE, 0, IP_PTE_FN);

	if (deferred)
		ev->flags |= LT_F_DEFERRED;
	ev->addr = va;
	ev->arg0 = entry_of(va);
	ev->arg1 = pte_val(va, valid);
}

static void call(struct bld *b, int type, __u64 va, bool valid)
{
	struct lt_event *ev = push(b, type, 0, type == LT_MAP_PAGES ? IP_MAP_PAGES : IP_SET_VALID);

	ev->addr = va;
	ev->arg0 = 1;
	ev->arg1 = valid;
}

static void call_ret(struct bld *b, int type, __u64 va, bool valid)
{
	struct lt_event *ev = push(b, type, 0, type == LT_MAP_PAGES_RET ? IP_MAP_PAGES : IP_SET_VALID);

	ev->addr = type == LT_SET_VALID_RET ? va : 0;
	ev->arg0 = 1;
	ev->arg1 = valid;
}

static void access(struct bld *b, __u64 va, bool stack)
{
	struct lt_event *ev = push(b, LT_ACCESS, 0, IP_CLEAR_PAGE);

	ev->addr = va;
	if (stack) {
		ev->nr_frames = FAULT_FRAMES;
		b->e->fr[b->e->n - 1] = FAULT_STACK;
	}
}

static __u64 new_page(struct task *t)
{
	__u64 i = t->next_page++ % PAGES_PER_TASK;

	return LINEAR_MAP + (__u64)t->slice * ((__u64)PAGES_PER_TASK << 12) + (i << 12);
}

/*
 * debug_pagealloc: __kernel_map_pages() -> set_memory_valid() -> update_range_prot() with
 * its own section, one PTE. Mapping back (valid) defers the barrier. Nested in a section,
 * what the nesting mode does with the pending barrier decides the hazards.
 */
static void kernel_map(struct bld *b, bool valid)
{
	struct rng *r = &b->g->rng;
	__u64 va = new_page(b->t);
	bool nested = b->depth > 0;

	call(b, LT_MAP_PAGES, va, valid);
	call(b, LT_SET_VALID, va, valid);
	enable(b, nested ? LT_ACT_NEST : LT_ACT_ENTER, nested ? IP_URP_NEST : IP_URP_ENTER);
	if (valid) {
		defer(b, IP_PTE_DEFER, entry_of(va), pte_val(va, true));
		pte(b, va, true, true);
	} else {
		pte(b, va, false, false);
	}
	if (!nested) {
		if (b->npend)
			flush(b, IP_URP_FLUSH, 0);
		disable(b, LT_ACT_LEAVE, IP_URP_LEAVE);
	} else if (b->g->nesting == NOFLUSH) {
		disable(b, LT_ACT_NOFLUSH, IP_URP_NDIS);
	} else {
		if (b->npend)
			flush(b, IP_URP_FLUSH, b->depth - 1);
		disable(b, b->g->nesting == FLAT ? LT_ACT_END : LT_ACT_FLUSH, IP_URP_NDIS);
	}
	call_ret(b, LT_SET_VALID_RET, va, valid);
	call_ret(b, LT_MAP_PAGES_RET, va, valid);
	if (!nested || b->g->nesting != NOFLUSH || !valid)
		return;
	/* Handed back with its barrier pending: reported at the outermost return. */
	b->e->d.hazards_potential++;
	if (chance(r, 50)) {
		access(b, va, true);
		b->e->d.hazards_confirmed++;
	}
}

/* munmap: a section around the zap of a range; sometimes a page freed to debug_pagealloc
 * inside it, a batch of deferred user PTE updates, a pause, an interrupt. */
static void zap(struct bld *b)
{
	struct rng *r = &b->g->rng;
	unsigned int nested = chance(r, 8) ? 1 + below(r, 2) : 0;

	enable(b, LT_ACT_ENTER, IP_ZAP);
	if (chance(r, 20)) {
		unsigned int k = 1 + below(r, 8);
		__u64 base = USER_TABLES + ((__u64)below(r, 1u << 20) << 6);

		for (unsigned int i = 0; i < k; i++)
			defer(b, IP_SETPTES, base + 8 * i, 0);
		/* An unrelated page touched meanwhile: reported (barriers pending), no hazard. */
		if (chance(r, 30))
			access(b, OTHER_PAGES + ((__u64)below(r, 1u << 20) << 12), false);
	}
	if (!b->npend && chance(r, 10)) {
		struct lt_event *ev = push(b, LT_PAUSE, LT_ACT_PAUSE, IP_ZAP + 0x40);

		ev->pause_count = 1;
		push(b, LT_RESUME, LT_ACT_RESUME, IP_ZAP + 0x60);
	}
	if (chance(r, 5)) {
		struct lt_event *ev = push(b, LT_ENABLE, LT_ACT_IGN_IRQ, IP_VMAP);

		ev->flags |= LT_F_IN_IRQ;
		ev = push(b, LT_DISABLE, LT_ACT_IGN_IRQ, IP_LMD_LEAVE);
		ev->flags |= LT_F_IN_IRQ;
	}
	for (unsigned int i = 0; i < nested; i++)
		kernel_map(b, chance(r, 85));
	if (b->npend)
		flush(b, IP_LMD_FLUSH, 0);
	disable(b, LT_ACT_LEAVE, IP_LMD_LEAVE);
}

/* vmap: a run of deferred PTE updates, one flush. */
static void vmap(struct bld *b)
{
	struct rng *r = &b->g->rng;
	unsigned int k = 1 + below(r, 16);
	__u64 base = USER_TABLES + ((__u64)below(r, 1u << 20) << 7);

	enable(b, LT_ACT_ENTER, IP_VMAP);
	for (unsigned int i = 0; i < k; i++)
		defer(b, IP_SETPTES, base + 8 * i, 0x0068000000000703ULL + ((__u64)i << 12));
	flush(b, IP_LMD_FLUSH, 0);
	disable(b, LT_ACT_LEAVE, IP_LMD_LEAVE);
}

/* --batch: a section of its own deferring exactly n kernel PTE updates, one flush. */
static void batch(struct bld *b, unsigned int n)
{
	enable(b, LT_ACT_ENTER, IP_BATCH);
	for (unsigned int i = 0; i < n; i++)
		defer(b, IP_SETPTES, BATCH_TABLES + 8 * i, 0x0068000000000703ULL + ((__u64)i << 12));
	flush(b, IP_LMD_FLUSH, 0);
	disable(b, LT_ACT_LEAVE, IP_LMD_LEAVE);
}

static void episode(struct gen *g, struct task *t)
{
	struct bld b = { .g = g, .t = t, .e = &t->q };
	unsigned int k = below(&g->rng, 100);

	memset(&t->q.d, 0, sizeof(t->q.d));
	t->q.n = t->q.pos = 0;
	if (!t->named) {
		struct lt_event *ev = push(&b, LT_TASK, 0, 0);

		snprintf(ev->comm, sizeof(ev->comm), "%s", t->comm);
		t->named = true;
		/* The first task's batch right after its name: in this episode, which a loss
		 * never drops (lose() takes named tasks only). */
		if (g->batch && t == &g->tasks[0])
			batch(&b, g->batch);
		return;
	}
	/* Now and then the scheduler moves the task to the other CPU. */
	if (chance(&g->rng, 3))
		t->cpu ^= 1;
	if (k < 55)
		kernel_map(&b, chance(&g->rng, 60));
	else if (k < 85)
		zap(&b);
	else
		vmap(&b);
}

/* An immediate kernel PTE update outside any section: one event, to end on the count. */
static void filler(struct gen *g, struct task *t)
{
	struct bld b = { .g = g, .t = t, .e = &t->q };

	memset(&t->q.d, 0, sizeof(t->q.d));
	t->q.n = t->q.pos = 0;
	pte(&b, new_page(t), true, false);
}

/* ------------------------------------------------------------------ writing */

static void die_w(struct gen *g)
{
	fprintf(stderr, "ltgen: %s\n", lt_writer_error(g->w));
	exit(1);
}

static void emit(struct gen *g, struct task *t)
{
	struct episode *e = &t->q;
	struct lt_event *ev = &e->ev[e->pos];

	/* A few microseconds apart: a storm at native speed on two CPUs. */
	g->ts += 200 + below(&g->rng, 6000);
	ev->ts = g->ts;
	ev->cpu = t->cpu;
	if (lt_writer_event(g->w, ev, e->fr[e->pos]) < 0)
		die_w(g);
	e->pos++;
	g->queued--;
	g->t.events++;
	if (e->pos == e->n)
		truth_add(&g->t, &e->d);	/* counted once all of it is in the file */
	/* The recorder ends a chunk every ~100 ms. */
	if (g->ts - g->last_flush >= 100000000ULL) {
		g->last_flush = g->ts;
		if (lt_writer_flush(g->w) < 0)
			die_w(g);
	}
}

/* The next episode of t, or a filler if its events would pass the count. */
static void refill(struct gen *g, struct task *t)
{
	bool first = g->reserve && t == &g->tasks[0];
	__u64 left = g->n - g->t.events - g->queued - (first ? 0 : g->reserve);

	if (!left)
		return;
	episode(g, t);
	if (t->q.n > left)
		filler(g, t);
	g->queued += t->q.n;
	if (first)
		g->reserve = 0;	/* its name and batch are queued: kept for nothing else */
}

static bool busy(const struct task *t)
{
	return t->q.pos < t->q.n;
}

/*
 * Events lost: every task between episodes (their state is then whole), an episode of one
 * of them is dropped, and the loss recorded where it was noticed.
 */
static void lose(struct gen *g)
{
	struct task *t = &g->tasks[below(&g->rng, g->ntasks)];
	struct episode keep = t->q;

	if (!t->named)
		return;		/* not before its name: the file would lose it */
	episode(g, t);
	g->ts += 1000;
	if (lt_writer_lost(g->w, g->ts, t->q.n) < 0)
		die_w(g);
	g->t.lost_events += t->q.n;
	g->t.anomalies++;
	t->q = keep;
}

static void generate(struct gen *g)
{
	__u64 lost_at[2] = { g->n / 3, 2 * g->n / 3 };
	unsigned int nlost = g->n >= 1000 ? 2 : 0, lost_done = 0;

	while (g->t.events < g->n) {
		bool draining = lost_done < nlost && g->t.events >= lost_at[lost_done];
		struct task *t = &g->tasks[below(&g->rng, g->ntasks)];

		if (draining) {
			unsigned int i;

			for (i = 0; i < g->ntasks && !busy(&g->tasks[i]); i++)
				;
			if (i == g->ntasks) {
				lose(g);
				lost_done++;
				continue;
			}
			if (!busy(t))
				continue;
		} else if (!busy(t)) {
			refill(g, t);
			if (!busy(t))
				continue;
		}
		emit(g, t);
	}
}

/* ------------------------------------------------------------------ command line */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ltgen -o FILE -n EVENTS [--seed N] [--tasks T] [--nesting MODE]\n"
		"             [--build-id HEX] [--batch N] [--force]\n"
		"\n"
		"Write a valid synthetic lazytrace recording of EVENTS event records: a munmap storm\n"
		"under debug_pagealloc on a patched kernel, several tasks on two CPUs. The same seed\n"
		"gives the same file. Prints on stdout, as one JSON object, the totals `lazytrace\n"
		"stats --json` must report for it (events, sections, nested_sections, max_depth,\n"
		"deferred_ptes, flushes, hazards_confirmed, hazards_potential, lost_events,\n"
		"anomalies), counted from what was written.\n"
		"\n"
		"  -o, --output FILE   the recording to write (refused if it exists, see --force)\n"
		"  -n, --events N      event records in it (1..%llu)\n"
		"  -s, --seed N        random seed (default 1)\n"
		"  -t, --tasks T       tasks (threads) recorded, 1..64 (default 4)\n"
		"      --nesting MODE  what a nested disable does: nested, flat or noflush (default:\n"
		"                      noflush, the mode with hazards)\n"
		"      --build-id HEX  the kernel build id in the header, 1..128 hex digits\n"
		"                      (default: the seed as 16 hex digits); runs of one build\n"
		"                      share it\n"
		"      --batch N       one more section, 0..%d deferrals (default 0: none), at a\n"
		"                      site of its own (ltgen_batch+0x24): the first task, right\n"
		"                      after it is named, defers exactly N kernel PTE updates,\n"
		"                      flushes them once and leaves; needs EVENTS >= N + 4\n"
		"  -f, --force         overwrite FILE\n"
		"  -h, --help          this text\n"
		"\n"
		"Exit status: 0 written; 1 the file could not be written; 2 usage errors.\n",
		(unsigned long long)(1ULL << 40), BATCH_MAX);
}

static int parse_u64(const char *opt, const char *s, unsigned long long min,
		     unsigned long long max, unsigned long long *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max) {
		fprintf(stderr, "ltgen: invalid value '%s' for %s (expected %llu..%llu)\n", s, opt, min,
			max);
		return -1;
	}
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	enum { OPT_NESTING = 256, OPT_BUILD_ID, OPT_BATCH };
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "events", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "tasks", required_argument, NULL, 't' },
		{ "nesting", required_argument, NULL, OPT_NESTING },
		{ "build-id", required_argument, NULL, OPT_BUILD_ID },
		{ "batch", required_argument, NULL, OPT_BATCH },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	static const char *const COMMS[] = { "munmap-storm", "munmap-storm", "kworker/u4:2", "sh" };
	unsigned long long n = 0, seed = 1, ntasks = 4, nbatch = 0;
	const char *path = NULL, *build_id = NULL;
	unsigned int wflags = LT_W_NOSYNC;
	struct lt_file_info info;
	struct lt_ksyms *ks;
	struct gen g;
	char err[512];
	bool have_n = false;
	int c;

	memset(&g, 0, sizeof(g));
	g.nesting = NOFLUSH;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:n:s:t:fh", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			path = optarg;
			break;
		case 'n':
			if (parse_u64("--events", optarg, 1, 1ULL << 40, &n))
				return 2;
			have_n = true;
			break;
		case 's':
			if (parse_u64("--seed", optarg, 0, ULLONG_MAX, &seed))
				return 2;
			break;
		case 't':
			if (parse_u64("--tasks", optarg, 1, 64, &ntasks))
				return 2;
			break;
		case OPT_NESTING:
			for (g.nesting = NESTED; g.nesting <= NOFLUSH; g.nesting++)
				if (!strcmp(optarg, NESTING_NAME[g.nesting]))
					break;
			if (g.nesting > NOFLUSH) {
				fprintf(stderr, "ltgen: unknown nesting mode '%s' (nested, flat or noflush)\n",
					optarg);
				return 2;
			}
			break;
		case OPT_BUILD_ID:
			if (!*optarg || strlen(optarg) >= sizeof(info.build_id) ||
			    strspn(optarg, "0123456789abcdefABCDEF") != strlen(optarg)) {
				fprintf(stderr, "ltgen: invalid build id '%s' (expected 1..%zu hex digits)\n",
					optarg, sizeof(info.build_id) - 1);
				return 2;
			}
			build_id = optarg;
			break;
		case OPT_BATCH:
			if (parse_u64("--batch", optarg, 0, BATCH_MAX, &nbatch))
				return 2;
			break;
		case 'f':
			wflags |= LT_W_FORCE;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			fprintf(stderr, "ltgen: option '%s' needs a value (see 'ltgen --help')\n",
				argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr, "ltgen: unknown option '%s' (see 'ltgen --help')\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ltgen: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (!path || !have_n) {
		fprintf(stderr, "ltgen: -o FILE and -n EVENTS are required (see 'ltgen --help')\n");
		return 2;
	}
	/* The naming record, the enable, the deferrals, the flush and the disable. */
	if (nbatch && n < nbatch + 4) {
		fprintf(stderr, "ltgen: --batch %llu needs at least %llu events (-n %llu)\n", nbatch,
			nbatch + 4, n);
		return 2;
	}

	g.rng.s = seed;
	g.n = n;
	g.ntasks = (unsigned int)ntasks;
	g.batch = (unsigned int)nbatch;
	g.reserve = nbatch ? nbatch + 4 : 0;
	g.tasks = calloc(g.ntasks, sizeof(*g.tasks));
	if (nbatch) {
		char syms[sizeof(KALLSYMS) + sizeof(KALLSYMS_BATCH)];

		snprintf(syms, sizeof(syms), "%s%s", KALLSYMS, KALLSYMS_BATCH);
		ks = lt_ksyms_from_buffer(syms, strlen(syms));
	} else {
		ks = lt_ksyms_from_buffer(KALLSYMS, sizeof(KALLSYMS) - 1);
	}
	if (!g.tasks || !ks) {
		fprintf(stderr, "ltgen: out of memory\n");
		return 1;
	}
	/* Threads of one process, a kworker, a shell: tids as a small system gives them. */
	for (unsigned int i = 0; i < g.ntasks; i++) {
		struct task *t = &g.tasks[i];

		t->comm = COMMS[i % 4];
		t->tid = 140 + 7 * i;
		t->pid = t->comm == COMMS[0] ? 140 : t->tid;
		t->cpu = i % 2;
		t->slice = i;
	}
	g.ts = 24827008944ULL;
	g.last_flush = g.ts;

	memset(&info, 0, sizeof(info));
	info.caps = LT_CAP_TRACEPOINTS | LT_CAP_BARRIER_EVENTS | LT_CAP_LAZY_STATE |
		    LT_CAP_MAP_PROBES | LT_CAP_PTE_PROBE | LT_CAP_ACCESS_PROBES;
	info.start_realtime_ns = 1767225600000000000ULL + seed % 1000000007ULL;
	info.start_mono_ns = g.ts - 1000000;
	snprintf(info.release, sizeof(info.release), "7.2.13-ltgen");
	if (build_id)
		snprintf(info.build_id, sizeof(info.build_id), "%s", build_id);
	else
		snprintf(info.build_id, sizeof(info.build_id), "%016llx", seed);
	snprintf(info.machine, sizeof(info.machine), "aarch64");
	snprintf(info.mode, sizeof(info.mode), "tracepoints");
	snprintf(info.nesting, sizeof(info.nesting), "%s", NESTING_NAME[g.nesting]);
	snprintf(info.attach, sizeof(info.attach),
		 "lazy_mmu_*: tracepoint\n__kernel_map_pages: fentry/fexit\n"
		 "set_memory_valid: fentry/fexit\npageattr_pte_entry: fexit\nclear_page: kprobe");
	g.w = lt_writer_open(path, &info, ks, wflags, err, sizeof(err));
	if (!g.w) {
		fprintf(stderr, "ltgen: %s\n", err);
		return 1;
	}
	generate(&g);
	if (lt_writer_close(g.w) < 0) {
		fprintf(stderr, "ltgen: %s: cannot finish the file\n", path);
		return 1;
	}
	lt_ksyms_free(ks);
	free(g.tasks);

	printf("{\"events\":%llu,\"sections\":%llu,\"nested_sections\":%llu,\"max_depth\":%llu,"
	       "\"deferred_ptes\":%llu,\"flushes\":%llu,\"hazards_confirmed\":%llu,"
	       "\"hazards_potential\":%llu,\"lost_events\":%llu,\"anomalies\":%llu}\n",
	       (unsigned long long)g.t.events, (unsigned long long)g.t.sections,
	       (unsigned long long)g.t.nested_sections, (unsigned long long)g.t.max_depth,
	       (unsigned long long)g.t.deferred_ptes, (unsigned long long)g.t.flushes,
	       (unsigned long long)g.t.hazards_confirmed, (unsigned long long)g.t.hazards_potential,
	       (unsigned long long)g.t.lost_events, (unsigned long long)g.t.anomalies);
	return 0;
}
