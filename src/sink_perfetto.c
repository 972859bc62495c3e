// SPDX-License-Identifier: GPL-2.0
/* src/sink_perfetto.c: Chrome trace-event JSON for Perfetto (see sink_perfetto.h). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"
#include "sink_json.h"
#include "sink_perfetto.h"
#include "tidtab.h"

#define NBUCKETS 1024	/* power of two */

struct slice {
	__u64 ip, section;
};

struct task {
	struct lt_tidnode node;		/* first: lookup, first-seen order (deterministic end) */
	__u32 pid, tid;
	char comm[LT_COMM_LEN + 1];	/* name written in thread_name ("" none yet) */
	struct slice *open;		/* slices begun and not ended, outermost first */
	unsigned int nopen, cap;
	__u64 pending;			/* the "pending barriers" counter */
	__u64 slice_ts;			/* last B/E: E never goes before its B */
};

struct proc {
	struct proc *hnext;
	__u32 pid;
	bool by_main;			/* named after its main thread (tid == pid) */
};

struct lt_sink_perfetto {
	FILE *out;
	const struct lt_ksyms *ks;
	struct lt_tidtab tasks;
	struct proc *procs[NBUCKETS];
	size_t nprocs;
	bool have_base, closed;
	__u64 base, last_ts;
	__u64 nev;			/* events written */
	__u64 flow_id;
	unsigned int nargs;		/* args written in the current event */
};

/* ---------------------------------------------------------------- writing */

static unsigned int hash32(__u32 v)
{
	return (v * 2654435761u) >> (32 - 10);
}

static void see_ts(struct lt_sink_perfetto *s, __u64 ts)
{
	if (!s->have_base) {
		s->have_base = true;
		s->base = ts;
		s->last_ts = ts;
	}
	if (ts > s->last_ts)
		s->last_ts = ts;
}

/* Microseconds since the first item, exactly: "12.345". */
static void put_ts(struct lt_sink_perfetto *s, __u64 ts)
{
	unsigned long long d;
	const char *sign = "";

	if (ts >= s->base) {
		d = ts - s->base;
	} else {
		d = s->base - ts;
		sign = "-";
	}
	fprintf(s->out, "%s%llu.%03llu", sign, d / 1000, d % 1000);
}

/* {"name":..,"cat":..,"ph":..,"ts":..,"pid":..,"tid":.. (the caller adds fields and ends) */
static void ev_open(struct lt_sink_perfetto *s, const char *name, const char *cat,
		    const char *ph, __u64 ts, __u32 pid, __u32 tid)
{
	fputs(s->nev++ ? ",\n{\"name\":" : "\n{\"name\":", s->out);
	lt_json_string(s->out, name);
	if (cat)
		fprintf(s->out, ",\"cat\":\"%s\"", cat);
	fprintf(s->out, ",\"ph\":\"%s\",\"ts\":", ph);
	put_ts(s, ts);
	fprintf(s->out, ",\"pid\":%u,\"tid\":%u", pid, tid);
}

static void args_open(struct lt_sink_perfetto *s)
{
	fputs(",\"args\":{", s->out);
	s->nargs = 0;
}

static void key(struct lt_sink_perfetto *s, const char *k)
{
	fprintf(s->out, "%s\"%s\":", s->nargs++ ? "," : "", k);
}

static void arg_str(struct lt_sink_perfetto *s, const char *k, const char *v)
{
	key(s, k);
	lt_json_string(s->out, v);
}

static void arg_u64(struct lt_sink_perfetto *s, const char *k, unsigned long long v)
{
	key(s, k);
	fprintf(s->out, "%llu", v);
}

static void arg_hex(struct lt_sink_perfetto *s, const char *k, unsigned long long v)
{
	key(s, k);
	fprintf(s->out, "\"0x%llx\"", v);
}

static void arg_bool(struct lt_sink_perfetto *s, const char *k, bool v)
{
	key(s, k);
	fputs(v ? "true" : "false", s->out);
}

static void arg_site(struct lt_sink_perfetto *s, const char *k, __u64 ip)
{
	char buf[192];

	arg_str(s, k, lt_ksyms_format(s->ks, ip, buf, sizeof(buf)));
}

/* Ends args and the event. */
static void args_close(struct lt_sink_perfetto *s)
{
	fputs("}}", s->out);
}

static void ev_close(struct lt_sink_perfetto *s)
{
	fputc('}', s->out);
}

/* A probed function's name: "clear_page", not "clear_page+0x0". */
static const char *func(const struct lt_sink_perfetto *s, __u64 ip, char *buf, size_t len)
{
	return lt_ksyms_func(s->ks, ip, buf, len);
}

/* ---------------------------------------------------------------- tasks */

static void task_free(struct lt_sink_perfetto *s, struct task *t)
{
	lt_tidtab_del(&s->tasks, &t->node);
	free(t->open);
	free(t);
}

static struct task *task_get(struct lt_sink_perfetto *s, __u32 tid, __u32 pid)
{
	struct task *t = (struct task *)lt_tidtab_find(&s->tasks, tid);	/* node is first */

	if (t)
		return t;
	if (s->tasks.n >= LT_PERFETTO_MAX_TASKS) {
		struct lt_tidnode *n, *next;

		for (n = s->tasks.head; n; n = next) {
			next = n->next;
			t = (struct task *)n;
			if (!t->nopen && !t->pending)
				task_free(s, t);
		}
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->tid = tid;
	t->pid = pid;
	lt_tidtab_add(&s->tasks, &t->node, tid);
	return t;
}

/* A track per timeline: a CPU's idle task and interrupt context are threads of pid 0 with
 * their lane key, halved to stay a positive 32-bit number, as tid (0x4000xxxx idle,
 * 0x6000xxxx interrupts: no real tid is that high). */
static struct task *lane_get(struct lt_sink_perfetto *s, enum lt_context ctx, __u32 tid,
			     __u32 pid, __u16 cpu)
{
	return ctx == LT_CTX_TASK ? task_get(s, tid, pid)
				  : task_get(s, lt_lane_key(ctx, tid, cpu) >> 1, 0);
}

static void name_event(struct lt_sink_perfetto *s, const char *what, __u32 pid, __u32 tid,
		       const char *name)
{
	fputs(s->nev++ ? ",\n{\"name\":" : "\n{\"name\":", s->out);
	lt_json_string(s->out, what);
	fprintf(s->out, ",\"ph\":\"M\",\"pid\":%u,\"tid\":%u", pid, tid);
	args_open(s);
	arg_str(s, "name", name);
	args_close(s);
}

static void free_procs(struct lt_sink_perfetto *s)
{
	for (unsigned int i = 0; i < NBUCKETS; i++) {
		while (s->procs[i]) {
			struct proc *p = s->procs[i];

			s->procs[i] = p->hnext;
			free(p);
		}
	}
	s->nprocs = 0;
}

/* thread_name when the task's name is first known or changes; process_name from the first
 * named thread of the process, then from its main thread. */
static void name_task(struct lt_sink_perfetto *s, struct task *t, const char *comm)
{
	unsigned int h = hash32(t->pid);
	struct proc *p;
	bool main_thread = t->tid == t->pid;

	if (!comm || !comm[0] || !strncmp(t->comm, comm, LT_COMM_LEN))
		return;
	snprintf(t->comm, sizeof(t->comm), "%.*s", LT_COMM_LEN, comm);
	for (p = s->procs[h]; p && p->pid != t->pid; p = p->hnext)
		;
	if (!p && s->nprocs >= LT_PERFETTO_MAX_TASKS)
		free_procs(s);	/* names are written again as processes come back */
	if (!p && (p = calloc(1, sizeof(*p)))) {
		s->nprocs++;
		p->pid = t->pid;
		p->hnext = s->procs[h];
		s->procs[h] = p;
		name_event(s, "process_name", t->pid, t->tid, t->comm);
		p->by_main = main_thread;
	} else if (p && main_thread) {
		name_event(s, "process_name", t->pid, t->tid, t->comm);
		p->by_main = true;
	}
	name_event(s, "thread_name", t->pid, t->tid, t->comm);
}

/* ---------------------------------------------------------------- slices */

static bool slice_push(struct task *t, __u64 ip, __u64 section)
{
	if (t->nopen == t->cap) {
		unsigned int cap = t->cap ? t->cap * 2 : 4;
		struct slice *n = realloc(t->open, cap * sizeof(*n));

		if (!n)
			return false;
		t->open = n;
		t->cap = cap;
	}
	t->open[t->nopen++] = (struct slice){ .ip = ip, .section = section };
	return true;
}

static __u64 slice_ts(struct task *t, __u64 ts)
{
	if (ts < t->slice_ts)
		ts = t->slice_ts;
	t->slice_ts = ts;
	return ts;
}

static void slice_begin(struct lt_sink_perfetto *s, struct task *t, const struct lt_item *it)
{
	char buf[192];

	if (!slice_push(t, it->ip, it->section))
		return;
	ev_open(s, lt_ksyms_format(s->ks, it->ip, buf, sizeof(buf)), "section", "B",
		slice_ts(t, it->ts), t->pid, t->tid);
	args_open(s);
	arg_u64(s, "section", it->section);
	arg_str(s, "action", lt_action_name(it->action));
	arg_u64(s, "depth", t->nopen);
	if (it->inferred)
		arg_bool(s, "inferred", true);
	args_close(s);
}

/* Ends the innermost slice; it: the disable (NULL at the end of the trace). */
static void slice_end(struct lt_sink_perfetto *s, struct task *t, const struct lt_item *it,
		      __u64 ts)
{
	struct slice sl = t->open[--t->nopen];
	char buf[192];

	ev_open(s, lt_ksyms_format(s->ks, sl.ip, buf, sizeof(buf)), "section", "E",
		slice_ts(t, ts), t->pid, t->tid);
	args_open(s);
	arg_u64(s, "section", sl.section);
	if (it) {
		arg_str(s, "action", lt_action_name(it->action));
		arg_site(s, "site", it->ip);
		if (it->inferred)
			arg_bool(s, "inferred", true);
	} else {
		arg_bool(s, "open_at_end", true);
	}
	args_close(s);
}

/* ---------------------------------------------------------------- callbacks */

static void instant(struct lt_sink_perfetto *s, const struct task *t, const char *name,
		    const char *cat, __u64 ts)
{
	ev_open(s, name, cat, "i", ts, t->pid, t->tid);
	fputs(",\"s\":\"t\"", s->out);
	args_open(s);
}

static void counter(struct lt_sink_perfetto *s, struct task *t, __u64 ts, __u64 pending)
{
	t->pending = pending;
	ev_open(s, "pending barriers", NULL, "C", ts, t->pid, t->tid);
	fprintf(s->out, ",\"id\":%u", t->tid);
	args_open(s);
	arg_u64(s, "pending", pending);
	args_close(s);
}

static const char *map_func(const struct lt_item *it)
{
	if (it->ev && (it->ev->type == LT_MAP_PAGES || it->ev->type == LT_MAP_PAGES_RET))
		return "__kernel_map_pages";
	return "set_memory_valid";
}

static void on_item(void *ctx, const struct lt_item *it)
{
	struct lt_sink_perfetto *s = ctx;
	char name[256], buf[192];
	struct task *t;

	if (s->closed)
		return;
	see_ts(s, it->ts);
	t = lane_get(s, it->ctx, it->tid, it->pid, it->cpu);
	if (!t)
		return;
	name_task(s, t, it->comm);

	/* Sections: follow the depth the reconstruction reports after each item (one enable or
	 * disable item per level; anything else only as a safety net). */
	if (it->depth > t->nopen) {
		unsigned int n = t->nopen;

		while (it->depth > t->nopen) {
			slice_begin(s, t, it);
			if (t->nopen == n)
				break;	/* ENOMEM */
			n = t->nopen;
		}
		if (it->kind == LT_ITEM_ENABLE)
			return;
	} else if (it->depth < t->nopen) {
		while (it->depth < t->nopen)
			slice_end(s, t, it->kind == LT_ITEM_DISABLE ? it : NULL, it->ts);
		if (it->kind == LT_ITEM_DISABLE)
			return;
	}

	switch (it->kind) {
	case LT_ITEM_ENABLE:
	case LT_ITEM_DISABLE:
	case LT_ITEM_PAUSE:
	case LT_ITEM_RESUME:
		snprintf(name, sizeof(name), "%s %s", lt_item_name(it->kind),
			 lt_action_name(it->action));
		instant(s, t, name, "transition", it->ts);
		arg_u64(s, "section", it->section);
		arg_str(s, "action", lt_action_name(it->action));
		arg_u64(s, "depth", it->depth);
		arg_site(s, "site", it->ip);
		if (it->inferred)
			arg_bool(s, "inferred", true);
		args_close(s);
		break;
	case LT_ITEM_DEFER:
		snprintf(name, sizeof(name), "defer %s", lt_level_name(it->action));
		instant(s, t, name, "defer", it->ts);
		if (it->addr)
			arg_hex(s, "addr", it->addr);
		arg_hex(s, "entry", it->entry);
		arg_str(s, "level", lt_level_name(it->action));
		arg_site(s, "site", it->ip);
		arg_u64(s, "section", it->section);
		arg_u64(s, "depth", it->depth);
		args_close(s);
		counter(s, t, it->ts, it->npending);
		break;
	case LT_ITEM_FLUSH:
		instant(s, t, "flush", "flush", it->ts);
		arg_u64(s, "count", it->count);
		if (it->ip)
			arg_site(s, "site", it->ip);
		arg_u64(s, "section", it->section);
		if (it->inferred)
			arg_bool(s, "inferred", true);
		args_close(s);
		counter(s, t, it->ts, 0);
		break;
	case LT_ITEM_MAP:
	case LT_ITEM_MAP_RET:
		snprintf(name, sizeof(name), "%s %s", it->kind == LT_ITEM_MAP ? "map" : "return",
			 map_func(it));
		instant(s, t, name, "map", it->ts);
		if (it->addr)
			arg_hex(s, "addr", it->addr);
		if (it->kind == LT_ITEM_MAP || it->addr) {
			arg_u64(s, "count", it->count);
			arg_bool(s, "enable", it->enable);
		}
		if (it->ip)	/* none from a kretprobe, or for a folded call: the name says it */
			arg_site(s, "site", it->ip);
		args_close(s);
		break;
	case LT_ITEM_PTE:
		instant(s, t, "pte update", "pte", it->ts);
		arg_hex(s, "addr", it->addr);
		arg_hex(s, "entry", it->entry);
		arg_bool(s, "deferred", it->ev && (it->ev->flags & LT_F_DEFERRED));
		arg_site(s, "site", it->ip);
		args_close(s);
		break;
	case LT_ITEM_SWITCH:
		instant(s, t, it->enable ? "switched out (preempted)" : "switched out", "switch",
			it->ts);
		arg_u64(s, "next_tid", it->entry);
		arg_u64(s, "made_visible", it->count);
		arg_u64(s, "section", it->section);
		args_close(s);
		break;
	case LT_ITEM_ACCESS:
		snprintf(name, sizeof(name), "access %s", func(s, it->ip, buf, sizeof(buf)));
		instant(s, t, name, "access", it->ts);
		arg_hex(s, "addr", it->addr);
		arg_site(s, "site", it->ip);
		args_close(s);
		break;
	case LT_ITEM_LOST:
		instant(s, t, "lost", "lost", it->ts);
		arg_u64(s, "count", it->count);
		args_close(s);
		counter(s, t, it->ts, it->npending);	/* 0: the reconstruction forgot them */
		break;
	}
}

static void flow(struct lt_sink_perfetto *s, const struct task *t, const char *ph, __u64 ts,
		 __u64 id)
{
	ev_open(s, "hazard", "hazard", ph, ts, t->pid, t->tid);
	fprintf(s->out, ",\"id\":%llu%s", (unsigned long long)id,
		ph[0] == 'f' ? ",\"bp\":\"e\"" : "");
	ev_close(s);
}

static void on_hazard(void *ctx, const struct lt_hazard *hz)
{
	struct lt_sink_perfetto *s = ctx;
	char name[64], buf[192];
	struct task *t;

	if (s->closed)
		return;
	see_ts(s, hz->ts);
	t = lane_get(s, hz->ctx, hz->tid, hz->pid, hz->cpu);
	if (!t)
		return;
	name_task(s, t, hz->comm);
	snprintf(name, sizeof(name), "HAZARD %s", lt_hazard_name(hz->kind));
	instant(s, t, name, "hazard", hz->ts);
	arg_hex(s, "addr", hz->addr);
	arg_u64(s, "section", hz->section);
	arg_site(s, "section_site", hz->section_ip);
	arg_site(s, "defer_site", hz->defer_ip);
	arg_site(s, "access_site", hz->ip);
	arg_u64(s, "age_ns", hz->age_ns);
	key(s, "stack");
	fputc('[', s->out);
	for (unsigned int i = 0; hz->frames && i < hz->nr_frames; i++) {
		if (i)
			fputc(',', s->out);
		lt_json_string(s->out, lt_ksyms_format(s->ks, hz->frames[i], buf, sizeof(buf)));
	}
	fputc(']', s->out);
	args_close(s);
	s->flow_id++;
	flow(s, t, "s", hz->defer_ts, s->flow_id);
	flow(s, t, "f", hz->ts, s->flow_id);
}

static void on_anomaly(void *ctx, const struct lt_anomaly *an)
{
	struct lt_sink_perfetto *s = ctx;
	char name[64];
	struct task *t;

	if (s->closed)
		return;
	see_ts(s, an->ts);
	if (an->kind == LT_ANOM_LOST) {
		snprintf(name, sizeof(name), "lost %llu events", (unsigned long long)an->count);
		ev_open(s, name, "lost", "i", an->ts, 0, 0);
		fputs(",\"s\":\"g\"", s->out);
		args_open(s);
		arg_u64(s, "count", an->count);
		args_close(s);
		return;
	}
	t = lane_get(s, an->ctx, an->tid, an->pid, an->cpu);
	if (!t)
		return;
	name_task(s, t, an->comm);
	snprintf(name, sizeof(name), "ANOMALY %s", lt_anomaly_name(an->kind));
	instant(s, t, name, "anomaly", an->ts);
	arg_str(s, "kind", lt_anomaly_name(an->kind));
	arg_u64(s, "depth", an->depth);
	arg_u64(s, "count", an->count);
	if (an->ip)
		arg_site(s, "site", an->ip);
	args_close(s);
}

/* ---------------------------------------------------------------- API */

struct lt_sink_perfetto *lt_sink_perfetto_new(FILE *out, const struct lt_ksyms *ks)
{
	struct lt_sink_perfetto *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->out = out;
	s->ks = ks;
	fputs("{\"traceEvents\":[", out);
	return s;
}

void lt_sink_perfetto_ops(struct lt_sink_perfetto *s, struct lt_recon_ops *ops)
{
	ops->ctx = s;
	ops->item = on_item;
	ops->hazard = on_hazard;
	ops->anomaly = on_anomaly;
	ops->completed = NULL;
	ops->item_skip = 0;
}

static void put_stat(FILE *out, const char *k, __u64 v)
{
	fprintf(out, ",\"%s\":%llu", k, (unsigned long long)v);
}

void lt_sink_perfetto_summary(void *sink, const struct lt_stats *st)
{
	struct lt_sink_perfetto *s = sink;

	if (!s || s->closed)
		return;
	for (struct lt_tidnode *n = s->tasks.head; n; n = n->next) {
		struct task *t = (struct task *)n;

		while (t->nopen)
			slice_end(s, t, NULL, s->last_ts);
	}
	s->closed = true;
	fputs("\n],\"displayTimeUnit\":\"ns\",\"otherData\":{\"tool\":\"lazytrace\"", s->out);
	if (st) {
		put_stat(s->out, "events", st->events);
		if (st->unfolded_events)
			put_stat(s->out, "unfolded_events", st->unfolded_events);
		put_stat(s->out, "sections", st->sections);
		put_stat(s->out, "nested_sections", st->nested_sections);
		put_stat(s->out, "max_depth", st->max_depth);
		put_stat(s->out, "deferred_ptes", st->deferred_ptes);
		put_stat(s->out, "flushes", st->flushes);
		put_stat(s->out, "hazards_confirmed", st->hazards_confirmed);
		put_stat(s->out, "hazards_potential", st->hazards_potential);
		put_stat(s->out, "lost_events", st->lost_events);
		put_stat(s->out, "anomalies", st->anomalies);
		if (st->invalid_events)
			put_stat(s->out, "invalid_events", st->invalid_events);
	}
	fputs("}}\n", s->out);
	fflush(s->out);
}

void lt_sink_perfetto_free(struct lt_sink_perfetto *s)
{
	if (!s)
		return;
	if (!s->closed)
		lt_sink_perfetto_summary(s, NULL);
	while (s->tasks.head)
		task_free(s, (struct task *)s->tasks.head);
	free_procs(s);
	free(s);
}
