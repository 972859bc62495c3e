// SPDX-License-Identifier: GPL-2.0
/* src/sink_text.c: the human timeline (see sink_text.h). */
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"
#include "sink_text.h"

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
	return s;
}

static const char *site(const struct lt_sink_text *s, __u64 ip, char *buf, size_t len)
{
	return lt_ksyms_format(s->ks, ip, buf, len);
}

/* A probed function's name: "clear_page", not "clear_page+0x0". */
static const char *func(const struct lt_sink_text *s, __u64 ip, char *buf, size_t len)
{
	return lt_ksyms_func(s->ks, ip, buf, len);
}

static double rel_us(struct lt_sink_text *s, __u64 ts)
{
	if (!s->have_base) {
		s->have_base = true;
		s->base = ts;
	}
	return (double)(__s64)(ts - s->base) / 1000.0;
}

/* "      12.345  comm/tid               1  " */
static void prefix(struct lt_sink_text *s, __u64 ts, const char *comm, __u32 tid, __u16 cpu,
		   bool task)
{
	char who[LT_COMM_LEN + 16];

	if (task)
		snprintf(who, sizeof(who), "%s/%u", comm && comm[0] ? comm : "?", tid);
	else
		snprintf(who, sizeof(who), "-");
	fprintf(s->out, "%12.3f  %-22s %3u  ", rel_us(s, ts), who, cpu);
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

static void print_item(struct lt_sink_text *s, const struct lt_item *it, unsigned int n)
{
	char b1[160], b2[160];
	const char *inf = it->inferred ? "  (inferred)" : "";

	prefix(s, it->ts, it->comm, it->tid, it->cpu, true);
	fprintf(s->out, "%*s", (int)indent(it), "");
	switch (it->kind) {
	case LT_ITEM_ENABLE:
	case LT_ITEM_DISABLE:
	case LT_ITEM_PAUSE:
	case LT_ITEM_RESUME:
		fprintf(s->out, "%-7s %-8s depth %u  %s%s", lt_item_name(it->kind),
			lt_action_name(it->action), it->depth, site(s, it->ip, b1, sizeof(b1)), inf);
		break;
	case LT_ITEM_DEFER:
		if (n > 1) {
			fprintf(s->out, "defer   %s x%u   %s", lt_level_name(it->action), n,
				site(s, it->ip, b1, sizeof(b1)));
			break;
		}
		if (it->addr)
			snprintf(b2, sizeof(b2), "addr=0x%llx", (unsigned long long)it->addr);
		else
			snprintf(b2, sizeof(b2), "addr=?");
		fprintf(s->out, "defer   %s%s   %s entry=0x%llx  %s", lt_level_name(it->action),
			s->o.fold ? " x1" : "", b2, (unsigned long long)it->entry,
			site(s, it->ip, b1, sizeof(b1)));
		break;
	case LT_ITEM_FLUSH:
		fprintf(s->out, "flush   completes %llu deferred", (unsigned long long)it->count);
		if (it->ip)
			fprintf(s->out, "  %s", site(s, it->ip, b1, sizeof(b1)));
		fputs(inf, s->out);
		break;
	case LT_ITEM_MAP:
		/* __kernel_map_pages() has no address until its set_memory_valid() call */
		fprintf(s->out, "map     %s", map_name(it));
		if (it->addr)
			fprintf(s->out, " addr=0x%llx", (unsigned long long)it->addr);
		fprintf(s->out, " pages=%llu enable=%d", (unsigned long long)it->count, it->enable);
		break;
	case LT_ITEM_MAP_RET:
		fprintf(s->out, "return  %s", map_name(it));
		if (it->addr)
			fprintf(s->out, " addr=0x%llx pages=%llu", (unsigned long long)it->addr,
				(unsigned long long)it->count);
		break;
	case LT_ITEM_PTE:
		fprintf(s->out, "pte     addr=0x%llx entry=0x%llx%s  %s", (unsigned long long)it->addr,
			(unsigned long long)it->entry,
			it->ev && (it->ev->flags & LT_F_DEFERRED) ? " deferred" : "",
			site(s, it->ip, b1, sizeof(b1)));
		break;
	case LT_ITEM_ACCESS:
		fprintf(s->out, "access  %s addr=0x%llx", func(s, it->ip, b1, sizeof(b1)),
			(unsigned long long)it->addr);
		break;
	case LT_ITEM_LOST:
		fprintf(s->out, "lost    %llu events: state may be incomplete",
			(unsigned long long)it->count);
		break;
	}
	fputc('\n', s->out);
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
	return r->n && r->it.tid == it->tid && r->it.ip == it->ip && r->it.action == it->action &&
	       r->it.depth == it->depth && r->it.section == it->section;
}

static void on_item(void *ctx, const struct lt_item *it)
{
	struct lt_sink_text *s = ctx;

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
		snprintf(s->run.comm, sizeof(s->run.comm), "%s", it->comm ? it->comm : "");
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
	char b1[160], b2[160], b3[160];

	lt_sink_text_flush(s);
	if (s->o.color)
		fputs(RED, s->out);
	prefix(s, hz->ts, hz->comm, hz->tid, hz->cpu, true);
	fprintf(s->out, "HAZARD %s addr=0x%llx section #%llu (%s) deferred at %s, %.3f us before %s",
		lt_hazard_name(hz->kind), (unsigned long long)hz->addr,
		(unsigned long long)hz->section, site(s, hz->section_ip, b1, sizeof(b1)),
		site(s, hz->defer_ip, b2, sizeof(b2)), (double)hz->age_ns / 1000.0,
		hz->kind == LT_HAZARD_CONFIRMED ? func(s, hz->ip, b3, sizeof(b3))
						: "returning to the caller");
	if (s->o.color)
		fputs(RESET, s->out);
	fputc('\n', s->out);
	for (unsigned int i = 0; hz->frames && i < hz->nr_frames; i++)
		fprintf(s->out, "%*s    at %s\n", 12 + 2 + 22 + 1 + 3 + 2, "",
			site(s, hz->frames[i], b1, sizeof(b1)));
}

static void on_anomaly(void *ctx, const struct lt_anomaly *an)
{
	struct lt_sink_text *s = ctx;
	char b1[160];
	unsigned long long c = an->count;

	lt_sink_text_flush(s);
	if (s->o.color)
		fputs(YELLOW, s->out);
	prefix(s, an->ts, an->comm, an->tid, an->cpu, an->kind != LT_ANOM_LOST);
	fprintf(s->out, "ANOMALY %s", lt_anomaly_name(an->kind));
	switch (an->kind) {
	case LT_ANOM_DISABLE_WITHOUT_ENABLE:
		fprintf(s->out, ": no section open");
		break;
	case LT_ANOM_LEAVE_WITH_PENDING:
		fprintf(s->out, ": barriers still pending after the outermost disable (%llu known)", c);
		break;
	case LT_ANOM_OPEN_AT_EXIT:
		fprintf(s->out, ": %llu section%s still open", c, c == 1 ? "" : "s");
		break;
	case LT_ANOM_STATE_MISMATCH:
		fprintf(s->out, ": kernel enable_count=%llu, reconstructed depth %u", c, an->depth);
		break;
	case LT_ANOM_LOST:
		fprintf(s->out, ": %llu events lost", c);
		break;
	}
	if (an->ip)
		fprintf(s->out, "  %s", site(s, an->ip, b1, sizeof(b1)));
	if (s->o.color)
		fputs(RESET, s->out);
	fputc('\n', s->out);
}

void lt_sink_text_ops(struct lt_sink_text *s, struct lt_recon_ops *ops)
{
	ops->ctx = s;
	ops->item = on_item;
	ops->hazard = on_hazard;
	ops->anomaly = on_anomaly;
}

void lt_sink_text_summary(void *sink, const struct lt_stats *st)
{
	struct lt_sink_text *s = sink;
	bool hz = st->hazards_confirmed || st->hazards_potential;

	lt_sink_text_flush(s);
	fprintf(s->out, "--- summary\n");
	fprintf(s->out, "events            %llu\n", (unsigned long long)st->events);
	fprintf(s->out, "sections          %llu (%llu nested, max depth %llu)\n",
		(unsigned long long)st->sections, (unsigned long long)st->nested_sections,
		(unsigned long long)st->max_depth);
	fprintf(s->out, "deferred updates  %llu\n", (unsigned long long)st->deferred_ptes);
	fprintf(s->out, "flushes           %llu\n", (unsigned long long)st->flushes);
	fprintf(s->out, "%shazards           %llu confirmed, %llu potential%s\n",
		hz && s->o.color ? RED : "", (unsigned long long)st->hazards_confirmed,
		(unsigned long long)st->hazards_potential, hz && s->o.color ? RESET : "");
	fprintf(s->out, "lost events       %llu\n", (unsigned long long)st->lost_events);
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
