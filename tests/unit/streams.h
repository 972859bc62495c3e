/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/unit/streams.h: synthetic event streams shared by the unit tests: a small kallsyms,
 * the addresses of the scenario, record builders and the seed 8 5 scenario as the patched
 * kernel emits it and as a stock kernel shows it. Included once per test program.
 */
#ifndef LT_TEST_STREAMS_H
#define LT_TEST_STREAMS_H

#include <stdbool.h>
#include <string.h>

#include "lazytrace.h"

/* ------------------------------------------------------------ symbols and addresses */

static const char KALLSYMS[] =
	"0000000000000000 A __per_cpu_start\n"
	"ffff800080010000 T _stext\n"
	"ffff800080123000 t scenario_write\n"
	"ffff800080123800 t scenario_read\n"
	"ffff800080200000 T __set_ptes_anysz.constprop.0\n"
	"ffff800080300000 t update_range_prot\n"
	"ffff800080300300 t pageattr_pte_entry\n"
	"ffff800080400000 T clear_page\n"
	"ffff800080400100 T copy_page\n"
	"ffff800080500000 T __kernel_map_pages\n"
	"ffff800080500200 T set_memory_valid\n"
	"ffff800080600000 W weak_fn\n"
	"ffff800080700000 D some_data\n"
	"ffff800080700100 r some_rodata\n"
	"ffff800000001000 t mod_fn\t[lazymod]\n"
	"garbage line\n"
	"ffff800080800000 T\n";

#define IP_ENTER	0xffff800080123690ULL	/* scenario_write+0x690 */
#define IP_LEAVE	0xffff8000801236e0ULL
#define IP_LEAVE_FLUSH	0xffff8000801236f0ULL
#define IP_SETPTES	0xffff8000802000d4ULL	/* __set_ptes_anysz.constprop.0+0xd4 */
#define IP_NEST		0xffff8000803001e8ULL	/* update_range_prot+0x1e8 */
#define IP_NEST_DIS	0xffff800080300208ULL
#define IP_PTE_FN	0xffff800080300300ULL	/* pageattr_pte_entry (probed) */
#define IP_PTE_DEFER	0xffff800080300394ULL	/* pageattr_pte_entry+0x94 */
#define IP_CLEAR_PAGE	0xffff800080400000ULL
#define IP_MAP_PAGES	0xffff800080500000ULL
#define IP_SET_VALID	0xffff800080500200ULL

#define VA_A		0xffff000010000000ULL	/* A: N pages from here */
#define VA_B		0xffff000012345000ULL
#define VA_C		0xffff000014000000ULL
#define ENTRY_A		0xffff0000c0100000ULL
#define ENTRY_B		0xffff0000c01048d0ULL
#define ENTRY_C		0xffff0000c0200000ULL

/* ------------------------------------------------------------ event streams */

#define MAX_EV 4096

struct stream {
	struct lt_event ev[MAX_EV];
	const __u64 *fr[MAX_EV];
	int n;
};

struct cur {
	__u32 pid, tid;
	__u16 cpu;
	__u64 ts;
	bool stock;		/* flags: state always; no transition/defer/flush events */
};

static const __u64 FRAMES[3] = { IP_CLEAR_PAGE + 0x10, 0xffff800080300040ULL, IP_ENTER + 0x20 };

static struct lt_event *add(struct stream *s, struct cur *c, int type, int ec, bool pending)
{
	struct lt_event *e;

	if (s->n >= MAX_EV)
		abort();
	e = &s->ev[s->n];
	s->fr[s->n] = NULL;
	s->n++;
	memset(e, 0, sizeof(*e));
	c->ts += 1000;
	e->ts = c->ts;
	e->pid = c->pid;
	e->tid = c->tid;
	e->cpu = c->cpu;
	e->type = type;
	e->enable_count = ec;
	e->flags = LT_F_STATE | (pending ? LT_F_PENDING : 0);
	return e;
}

static void add_task(struct stream *s, struct cur *c, const char *comm)
{
	struct lt_event *e = add(s, c, LT_TASK, 0, false);

	e->flags = 0;
	snprintf(e->comm, sizeof(e->comm), "%s", comm);
}

static void add_trans(struct stream *s, struct cur *c, int type, int action, int ec, bool pending,
		      __u64 ip)
{
	struct lt_event *e = add(s, c, type, ec, pending);

	e->action = action;
	e->ip = ip;
}

/* One deferred kernel PTE update: LT_DEFER on patched kernels, a deferred LT_PTE_UPDATE on
 * stock ones. with_pte: the patched kernel's pageattr_pte_entry probe precedes the defer. */
static __u64 add_defer(struct stream *s, struct cur *c, int ec, __u64 va, __u64 entry,
		       __u64 ip, bool with_pte)
{
	struct lt_event *e;

	if (c->stock || with_pte) {
		e = add(s, c, LT_PTE_UPDATE, ec, true);
		e->ip = IP_PTE_FN;
		e->addr = va;
		e->arg0 = entry;
		e->arg1 = 0x0060000012345703ULL;
		if (c->stock) {
			e->flags |= LT_F_DEFERRED;
			return e->ts;
		}
	}
	e = add(s, c, LT_DEFER, ec, true);
	e->action = LT_LVL_PTE;
	e->ip = ip;
	e->arg0 = entry;
	e->arg1 = 0x0060000012345703ULL;
	return e->ts;
}

static void add_flush(struct stream *s, struct cur *c, int ec, unsigned int completed, __u64 ip)
{
	struct lt_event *e;

	if (c->stock)
		return;
	e = add(s, c, LT_FLUSH, ec, false);
	e->aux = completed;
	e->ip = ip;
}

static void add_map(struct stream *s, struct cur *c, int type, int ec, bool pending, __u64 va,
		    __u64 n, int enable)
{
	struct lt_event *e = add(s, c, type, ec, pending);

	e->ip = type == LT_MAP_PAGES || type == LT_MAP_PAGES_RET ? IP_MAP_PAGES : IP_SET_VALID;
	if (type == LT_MAP_PAGES || type == LT_SET_VALID) {
		e->addr = va;
		e->arg0 = n;
		e->arg1 = enable;
	}
}

static __u64 add_access(struct stream *s, struct cur *c, int ec, bool pending, __u64 va,
			bool frames)
{
	struct lt_event *e = add(s, c, LT_ACCESS, ec, pending);

	e->ip = IP_CLEAR_PAGE;
	e->addr = va;
	if (frames) {
		e->nr_frames = 3;
		s->fr[s->n - 1] = FRAMES;
	}
	return e->ts;
}

enum mode { NESTED, FLAT, NOFLUSH };
static const char *const mode_names[] = { "nested", "flat", "noflush" };

struct seed_info {
	__u64 b_defer_ts, access_ts;
};

/*
 * The thread's diagram, `seed N M` as the patched kernel emits it (or, stock, as a stock
 * kernel's probes see it: per-PTE updates with the task's state). with_map: the
 * __kernel_map_pages() / set_memory_valid() calls around the nested section are traced.
 */
static struct seed_info seed(struct stream *s, struct cur *c, enum mode m, int n, int mm,
			     bool with_map)
{
	struct seed_info si;
	bool stock = c->stock;
	bool b_pending = m == NOFLUSH;

	add_task(s, c, "sh");
	if (!stock)
		add_trans(s, c, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);
	for (int i = 0; i < n; i++)
		add_defer(s, c, 1, VA_A + 0x1000ULL * i, ENTRY_A + 8 * i, IP_SETPTES, false);
	if (with_map) {
		/* as the BPF side sends it: no address; set_memory_valid()'s gives it */
		add_map(s, c, LT_MAP_PAGES, 1, n > 0, 0, 1, 1);
		add_map(s, c, LT_SET_VALID, 1, n > 0, VA_B, 1, 1);
	}
	if (!stock)
		add_trans(s, c, LT_ENABLE, LT_ACT_NEST, 2, n > 0, IP_NEST);
	si.b_defer_ts = add_defer(s, c, 2, VA_B, ENTRY_B, IP_PTE_DEFER, true);
	switch (m) {
	case NESTED:
		add_flush(s, c, 1, n + 1, IP_NEST_DIS);
		if (!stock)
			add_trans(s, c, LT_DISABLE, LT_ACT_FLUSH, 1, false, IP_NEST_DIS);
		break;
	case FLAT:
		add_flush(s, c, 1, n + 1, IP_NEST_DIS);
		if (!stock)
			add_trans(s, c, LT_DISABLE, LT_ACT_END, 1, false, IP_NEST_DIS);
		break;
	case NOFLUSH:
		if (!stock)
			add_trans(s, c, LT_DISABLE, LT_ACT_NOFLUSH, 1, true, IP_NEST_DIS);
		break;
	}
	if (with_map) {
		add_map(s, c, LT_SET_VALID_RET, 1, b_pending, 0, 0, 0);
		add_map(s, c, LT_MAP_PAGES_RET, 1, b_pending, 0, 0, 0);
	}
	/* the BPF side sends an access only while barriers are pending (without --all-accesses):
	 * on a stock kernel, not at all unless B is still deferred */
	si.access_ts = stock && !b_pending ? 0 : add_access(s, c, 1, b_pending, VA_B, true);
	for (int i = 0; i < mm; i++) {
		if (m == FLAT) {
			/* C is no longer deferred: nothing on a patched kernel */
			if (stock) {
				struct lt_event *e = add(s, c, LT_PTE_UPDATE, 1, false);

				e->ip = IP_PTE_FN;
				e->addr = VA_C + 0x1000ULL * i;
				e->arg0 = ENTRY_C + 8 * i;
			}
			continue;
		}
		add_defer(s, c, 1, VA_C + 0x1000ULL * i, ENTRY_C + 8 * i, IP_SETPTES, false);
	}
	if (m == NESTED)
		add_flush(s, c, 0, mm, IP_LEAVE_FLUSH);
	else if (m == NOFLUSH)
		add_flush(s, c, 0, n + 1 + mm, IP_LEAVE_FLUSH);
	if (!stock) {
		add_trans(s, c, LT_DISABLE, LT_ACT_LEAVE, 0, false, IP_LEAVE);
	} else {
		/* a later immediate update outside any section shows enable_count 0 */
		struct lt_event *e = add(s, c, LT_PTE_UPDATE, 0, false);

		e->ip = IP_PTE_FN;
		e->addr = VA_C + 0x100000;
		e->arg0 = ENTRY_C + 0x800;
	}
	return si;
}

/* ------------------------------------------------------------ random streams */

/* xorshift64: the same sequence on every run, so a failing random stream can be replayed. */
static __u64 rng_state = 0x9e3779b97f4a7c15ULL;

static inline __u64 rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

#endif /* LT_TEST_STREAMS_H */
