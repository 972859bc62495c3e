// SPDX-License-Identifier: GPL-2.0
/* src/sink_text.c: the human timeline (see sink_text.h). */
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"
#include "sink_buf.h"
#include "sink_text.h"
#include "sink_names.h"

#define RED	"\033[1;31m"
#define YELLOW	"\033[33m"
#define RESET	"\033[0m"

struct run {
	unsigned int n;		/* 0: no run pending */
	struct lt_item it;	/* the first deferral of the run (it.comm points to comm) */
	char comm[LT_COMM_LEN + 1];
};

struct lt_sink_text {
	FILE *out;
	struct lt_text_opts o;
	const struct lt_ksyms *ks;
	bool have_base;
	__u64 base;
	struct run run;
	struct lt_obuf ob;		/* the line being written */
	struct lt_symcache names;
};

void lt_text_default_opts(struct lt_text_opts *o)
{
	o->color = true;
	o->fold = true;
	o->show_pte = false;
}

struct lt_sink_text *lt_sink_text_new(FILE *out, const struct lt_text_opts *opts,
				      const struct lt_ksyms *ks)
{
	struct lt_sink_text *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->out = out;
	if (opts)
		s->o = *opts;
	else
		lt_text_default_opts(&s->o);
	s->ks = ks;
	lt_ob_init(&s->ob, out);
	lt_symcache_init(&s->names, ks);
	return s;
}

/* A site as lt_ksyms_format() into a 160-byte buffer would give it. */
static void site(struct lt_sink_text *s, __u64 ip)
{
	size_t n;
	const char *p = lt_symcache_name(&s->names, ip, 160, false, &n);

	lt_ob_mem(&s->ob, p, n);
}

/* A probed function's name: "clear_page", not "clear_page+0x0". */
static void func(struct lt_sink_text *s, __u64 ip)
{
	size_t n;
	const char *p = lt_symcache_name(&s->names, ip, 160, true, &n);

	lt_ob_mem(&s->ob, p, n);
}

static __s64 rel_ns(struct lt_sink_text *s, __u64 ts)
{
	if (!s->have_base) {
		s->have_base = true;
		s->base = ts;
	}
	return (__s64)(ts - s->base);
}

/* "      12.345  comm/tid               1  " */
static void prefix(struct lt_sink_text *s, __u64 ts, const char *comm, __u32 tid, __u16 cpu,
		   bool task)
{
	struct lt_obuf *o = &s->ob;
	char who[LT_COMM_LEN + 16];
	size_t n = 1;

	if (task) {
		const char *c = comm && comm[0] ? comm : "?";
		char num[12], *p = num + sizeof(num);
		__u32 v = tid;

		/* snprintf(who, sizeof(who), "%s/%u"): cut to fit, as snprintf would */
		n = strnlen(c, sizeof(who) - 1);
		memcpy(who, c, n);
		do {
			*--p = '0' + v % 10;
			v /= 10;
		} while (v);
		*--p = '/';
		while (p < num + sizeof(num) && n < sizeof(who) - 1)
			who[n++] = *p++;
	} else {
		who[0] = '-';
	}
	who[n] = '\0';
	lt_ob_us(o, rel_ns(s, ts), 12);
	lt_ob_mem(o, "  ", 2);
	lt_ob_padr(o, who, 22);
	lt_ob_ch(o, ' ');
	lt_ob_u64w(o, cpu, 3);
	lt_ob_mem(o, "  ", 2);
}

static unsigned int indent(const struct lt_item *it)
{
	switch (it->kind) {
	case LT_ITEM_ENABLE:
		if ((it->action == LT_ACT_ENTER || it->action == LT_ACT_NEST ||
		     it->action == LT_ACT_UNKNOWN) && it->depth)
			return 2 * (it->depth - 1);
		return 2 * it->depth;
	case LT_ITEM_DISABLE:
	case LT_ITEM_PAUSE:
	case LT_ITEM_RESUME:
		return 2 * it->depth;
	default:
		return it->depth ? 2 * it->depth + 2 : 0;
	}
}

static const char *map_name(const struct lt_item *it)
{
	if (!it->ev)
		return "?";
	switch (it->ev->type) {
	case LT_MAP_PAGES:
	case LT_MAP_PAGES_RET:
		return "__kernel_map_pages";
	default:
		return "set_memory_valid";
	}
}

static void hex(struct lt_obuf *o, const char *key, __u64 v)
{
	lt_ob_str(o, key);
	lt_ob_mem(o, "0x", 2);
	lt_ob_hex(o, v);
}

static void print_item(struct lt_sink_text *s, const struct lt_item *it, unsigned int n)
{
	struct lt_obuf *o = &s->ob;
	const char *inf = it->inferred ? "  (inferred)" : "";

	prefix(s, it->ts, it->comm, it->tid, it->cpu, true);
	lt_ob_spaces(o, indent(it));
	switch (it->kind) {
	case LT_ITEM_ENABLE:
	case LT_ITEM_DISABLE:
	case LT_ITEM_PAUSE:
	case LT_ITEM_RESUME:
		/* "%-7s %-8s depth %u  %s%s" */
		lt_ob_padr(o, lt_item_name(it->kind), 7);
		lt_ob_ch(o, ' ');
		lt_ob_padr(o, lt_action_name(it->action), 8);
		lt_ob_str(o, " depth ");
		lt_ob_u64(o, it->depth);
		lt_ob_mem(o, "  ", 2);
		site(s, it->ip);
		lt_ob_str(o, inf);
		break;
	case LT_ITEM_DEFER:
		lt_ob_str(o, "defer   ");
		lt_ob_str(o, lt_level_name(it->action));
		if (n > 1) {
			lt_ob_str(o, " x");
			lt_ob_u64(o, n);
			lt_ob_str(o, "   ");
			site(s, it->ip);
			break;
		}
		if (s->o.fold)
			lt_ob_str(o, " x1");
		lt_ob_str(o, "   ");
		if (it->addr)
			hex(o, "addr=", it->addr);
		else
			lt_ob_str(o, "addr=?");
		hex(o, " entry=", it->entry);
		lt_ob_mem(o, "  ", 2);
		site(s, it->ip);
		break;
	case LT_ITEM_FLUSH:
		/* The kernel reports 0 when it cannot know: the task's deferrals began before
		 * lazy_mmu_defer was switched on (kernel-patch/0002). */
		lt_ob_str(o, "flush   completes ");
		if (it->count || it->inferred)
			lt_ob_u64(o, it->count);
		else
			lt_ob_str(o, "?");
		lt_ob_str(o, " deferred");
		if (it->ip) {
			lt_ob_mem(o, "  ", 2);
			site(s, it->ip);
		}
		lt_ob_str(o, inf);
		break;
	case LT_ITEM_MAP:
		/* __kernel_map_pages() has no address until its set_memory_valid() call */
		lt_ob_str(o, "map     ");
		lt_ob_str(o, map_name(it));
		if (it->addr)
			hex(o, " addr=", it->addr);
		lt_ob_str(o, " pages=");
		lt_ob_u64(o, it->count);
		lt_ob_str(o, it->enable ? " enable=1" : " enable=0");
		break;
	case LT_ITEM_MAP_RET:
		lt_ob_str(o, "return  ");
		lt_ob_str(o, map_name(it));
		if (it->addr) {
			hex(o, " addr=", it->addr);
			lt_ob_str(o, " pages=");
			lt_ob_u64(o, it->count);
		}
		break;
	case LT_ITEM_PTE:
		hex(o, "pte     addr=", it->addr);
		hex(o, " entry=", it->entry);
		if (it->ev && (it->ev->flags & LT_F_DEFERRED))
			lt_ob_str(o, " deferred");
		lt_ob_mem(o, "  ", 2);
		site(s, it->ip);
		break;
	case LT_ITEM_ACCESS:
		lt_ob_str(o, "access  ");
		func(s, it->ip);
		hex(o, " addr=", it->addr);
		break;
	case LT_ITEM_LOST:
		lt_ob_str(o, "lost    ");
		lt_ob_u64(o, it->count);
		lt_ob_str(o, " events: state may be incomplete");
		break;
	case LT_ITEM_SWITCH:
		lt_ob_str(o, it->enable ? "switch  preempted, to tid " : "switch  to tid ");
		lt_ob_u64(o, it->entry);
		if (it->count) {
			lt_ob_str(o, ": dsb makes ");
			lt_ob_u64(o, it->count);
			lt_ob_str(o, " deferred visible");
		}
		break;
	}
	lt_ob_ch(o, '\n');
	lt_ob_flush(o);
}

void lt_sink_text_flush(struct lt_sink_text *s)
{
	if (!s || !s->run.n)
		return;
	print_item(s, &s->run.it, s->run.n);
	s->run.n = 0;
}

static bool same_run(const struct run *r, const struct lt_item *it)
{
	return r->n && r->it.tid == it->tid && r->it.ctx == it->ctx && r->it.ip == it->ip && r->it.action == it->action &&
	       r->it.depth == it->depth && r->it.section == it->section;
}

static void on_item(void *ctx, const struct lt_item *it)
{
	struct lt_sink_text *s = ctx;
	size_t n;

	if (it->kind == LT_ITEM_PTE && !s->o.show_pte)
		return;
	if (s->o.fold && it->kind == LT_ITEM_DEFER) {
		if (same_run(&s->run, it)) {
			s->run.n++;
			return;
		}
		lt_sink_text_flush(s);
		s->run.it = *it;
		s->run.it.ev = NULL;
		/* snprintf(run.comm, sizeof(run.comm), "%s", comm), without its parsing */
		n = it->comm ? strnlen(it->comm, sizeof(s->run.comm) - 1) : 0;
		memcpy(s->run.comm, it->comm ? it->comm : "", n);
		s->run.comm[n] = 0;
		s->run.it.comm = s->run.comm;
		s->run.n = 1;
		return;
	}
	lt_sink_text_flush(s);
	print_item(s, it, 1);
}

static void on_hazard(void *ctx, const struct lt_hazard *hz)
{
	struct lt_sink_text *s = ctx;
	struct lt_obuf *o = &s->ob;

	lt_sink_text_flush(s);
	if (s->o.color)
		lt_ob_str(o, RED);
	prefix(s, hz->ts, hz->comm, hz->tid, hz->cpu, true);
	/* "HAZARD %s addr=0x%llx section #%llu (%s) deferred at %s, %.3f us before %s" */
	lt_ob_str(o, "HAZARD ");
	lt_ob_str(o, lt_hazard_name(hz->kind));
	hex(o, " addr=", hz->addr);
	lt_ob_str(o, " section #");
	lt_ob_u64(o, hz->section);
	lt_ob_str(o, " (");
	site(s, hz->section_ip);
	lt_ob_str(o, ") deferred at ");
	site(s, hz->defer_ip);
	lt_ob_str(o, ", ");
	lt_ob_us_u(o, hz->age_ns, 0);
	lt_ob_str(o, " us before ");
	if (hz->kind == LT_HAZARD_CONFIRMED)
		func(s, hz->ip);
	else
		lt_ob_str(o, "returning to the caller");
	if (hz->cls == LT_HZ_UNKNOWN)
		lt_ob_str(o, " (deferred outside set_memory_valid: what it changed is not known)");
	else if (hz->cls == LT_HZ_PERMISSION)
		lt_ob_str(o, " (changed a valid entry: the old permissions may still be used)");
	if (s->o.color)
		lt_ob_str(o, RESET);
	lt_ob_ch(o, '\n');
	for (unsigned int i = 0; hz->frames && i < hz->nr_frames; i++) {
		lt_ob_spaces(o, 12 + 2 + 22 + 1 + 3 + 2);
		lt_ob_str(o, "    at ");
		site(s, hz->frames[i]);
		lt_ob_ch(o, '\n');
	}
	lt_ob_flush(o);
}

static const char *lost_what(enum lt_lost_cause cause)
{
	switch (cause) {
	case LT_LOST_RECURSION: return " events lost (recursion misses)";
	case LT_LOST_EVICTED: return " events dropped by the flight recorder";
	case LT_LOST_KPROBE: return " events lost (kprobe missed: hit while a probe ran)";
	case LT_LOST_KRETPROBE: return " events lost (kretprobe missed a return)";
	case LT_LOST_MAP_FULL: return " PTE updates lost (per-PTE argument map full)";
	case LT_LOST_NAME: return " task names lost (among the ring-full losses)";
	default: return " events lost (ring buffer full)";
	}
}

static void on_anomaly(void *ctx, const struct lt_anomaly *an)
{
	struct lt_sink_text *s = ctx;
	struct lt_obuf *o = &s->ob;
	unsigned long long c = an->count;

	lt_sink_text_flush(s);
	if (s->o.color)
		lt_ob_str(o, YELLOW);
	prefix(s, an->ts, an->comm, an->tid, an->cpu, an->kind != LT_ANOM_LOST);
	lt_ob_str(o, "ANOMALY ");
	lt_ob_str(o, lt_anomaly_name(an->kind));
	switch (an->kind) {
	case LT_ANOM_DISABLE_WITHOUT_ENABLE:
		lt_ob_str(o, ": no section open");
		break;
	case LT_ANOM_LEAVE_WITH_PENDING:
		lt_ob_str(o, ": barriers still pending after the outermost disable (");
		lt_ob_u64(o, c);
		lt_ob_str(o, " known)");
		break;
	case LT_ANOM_OPEN_AT_EXIT:
		lt_ob_str(o, ": ");
		lt_ob_u64(o, c);
		lt_ob_str(o, c == 1 ? " section still open" : " sections still open");
		break;
	case LT_ANOM_STATE_MISMATCH:
		lt_ob_str(o, ": kernel enable_count=");
		lt_ob_u64(o, c);
		lt_ob_str(o, ", reconstructed depth ");
		lt_ob_u64(o, an->depth);
		break;
	case LT_ANOM_LOST:
		lt_ob_str(o, ": ");
		lt_ob_u64(o, c);
		lt_ob_str(o, lost_what(an->cause));
		if (an->cpu_known) {
			lt_ob_str(o, " on CPU ");
			lt_ob_u64(o, an->cpu);
		}
		break;
	case LT_ANOM_PENDING_BIT:
		lt_ob_str(o, ": TIF_LAZY_MMU_PENDING not set after a deferral: the flag bit read "
			  "is not this kernel's, flushes are not seen");
		break;
	}
	if (an->ip) {
		lt_ob_mem(o, "  ", 2);
		site(s, an->ip);
	}
	if (s->o.color)
		lt_ob_str(o, RESET);
	lt_ob_ch(o, '\n');
	lt_ob_flush(o);
}

void lt_sink_text_ops(struct lt_sink_text *s, struct lt_recon_ops *ops)
{
	ops->ctx = s;
	ops->item = on_item;
	ops->hazard = on_hazard;
	ops->anomaly = on_anomaly;
	ops->completed = NULL;
	ops->item_skip = 0;
}

void lt_sink_text_summary(void *sink, const struct lt_stats *st)
{
	struct lt_sink_text *s = sink;
	bool hz = st->hazards_confirmed || st->hazards_potential;

	lt_sink_text_flush(s);
	fprintf(s->out, "--- summary\n");
	fprintf(s->out, "events            %llu\n", (unsigned long long)st->events);
	if (st->unfolded_events)	/* records are fewer than events (include/lazytrace.h) */
		fprintf(s->out, "folded in them    %llu calls and updates\n",
			(unsigned long long)st->unfolded_events);
	fprintf(s->out, "sections          %llu (%llu nested, max depth %llu)\n",
		(unsigned long long)st->sections, (unsigned long long)st->nested_sections,
		(unsigned long long)st->max_depth);
	fprintf(s->out, "deferred updates  %llu\n", (unsigned long long)st->deferred_ptes);
	fprintf(s->out, "flushes           %llu\n", (unsigned long long)st->flushes);
	fprintf(s->out, "%shazards           %llu confirmed, %llu potential%s\n",
		hz && s->o.color ? RED : "", (unsigned long long)st->hazards_confirmed,
		(unsigned long long)st->hazards_potential, hz && s->o.color ? RESET : "");
	fprintf(s->out, "lost events       %llu", (unsigned long long)st->lost_events);
	if (st->lost_events) {
		fprintf(s->out, " (ring full %llu, recursion %llu, evicted %llu",
			(unsigned long long)st->lost_ring_full,
			(unsigned long long)st->lost_recursion,
			(unsigned long long)st->lost_evicted);
		/* The rarer causes only when they happened. */
		if (st->lost_kprobe_missed)
			fprintf(s->out, ", kprobe missed %llu",
				(unsigned long long)st->lost_kprobe_missed);
		if (st->lost_kretprobe_missed)
			fprintf(s->out, ", kretprobe missed %llu",
				(unsigned long long)st->lost_kretprobe_missed);
		if (st->lost_map_full)
			fprintf(s->out, ", map full %llu", (unsigned long long)st->lost_map_full);
		fprintf(s->out, "; %llu gaps)", (unsigned long long)st->gaps);
	}
	if (st->lost_names)
		fprintf(s->out, "; %llu task names lost", (unsigned long long)st->lost_names);
	fputc('\n', s->out);
	fprintf(s->out, "anomalies         %llu\n", (unsigned long long)st->anomalies);
	if (st->invalid_events)
		fprintf(s->out, "invalid records   %llu\n", (unsigned long long)st->invalid_events);
	fflush(s->out);
}

void lt_sink_text_free(struct lt_sink_text *s)
{
	if (!s)
		return;
	lt_sink_text_flush(s);
	free(s);
}
