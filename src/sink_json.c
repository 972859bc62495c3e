// SPDX-License-Identifier: GPL-2.0
/* src/sink_json.c: JSON Lines output (see sink_json.h for the fields). */
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"
#include "sink_buf.h"
#include "sink_json.h"
#include "sink_names.h"

struct lt_sink_json {
	FILE *out;
	struct lt_json_opts o;
	const struct lt_ksyms *ks;
	struct lt_obuf ob;		/* the line being written */
	struct lt_symcache names;
};

void lt_json_default_opts(struct lt_json_opts *o)
{
	o->show_pte = true;
}

struct lt_sink_json *lt_sink_json_new(FILE *out, const struct lt_json_opts *opts,
				      const struct lt_ksyms *ks)
{
	struct lt_sink_json *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->out = out;
	if (opts)
		s->o = *opts;
	else
		lt_json_default_opts(&s->o);
	s->ks = ks;
	lt_ob_init(&s->ob, out);
	lt_symcache_init(&s->names, ks);
	return s;
}

void lt_json_string(FILE *out, const char *str)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)(str ? str : ""); *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", out);
		else if (*p == '\t')
			fputs("\\t", out);
		else if (*p < 0x20 || *p >= 0x7f)	/* bytes, not UTF-8: keep the line valid */
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

/* lt_json_string() into the line. */
static void json_mem(struct lt_obuf *o, const char *str, size_t len)
{
	static const char hex[] = "0123456789abcdef";

	lt_ob_ch(o, '"');
	for (const unsigned char *p = (const unsigned char *)str; len--; p++) {
		char *d = lt_ob_room(o, 6);

		if (*p == '"' || *p == '\\') {
			d[0] = '\\';
			d[1] = *p;
			o->len += 2;
		} else if (*p == '\n' || *p == '\t') {
			d[0] = '\\';
			d[1] = *p == '\n' ? 'n' : 't';
			o->len += 2;
		} else if (*p < 0x20 || *p >= 0x7f) {	/* bytes, not UTF-8: keep the line valid */
			memcpy(d, "\\u00", 4);
			d[4] = hex[*p >> 4];
			d[5] = hex[*p & 0xf];
			o->len += 6;
		} else {
			d[0] = *p;
			o->len++;
		}
	}
	lt_ob_ch(o, '"');
}

static void json_str(struct lt_obuf *o, const char *str)
{
	str = str ? str : "";
	json_mem(o, str, strlen(str));
}

/* ,"k": */
static void key(struct lt_sink_json *s, const char *k)
{
	size_t n = strlen(k);
	char *d = lt_ob_room(&s->ob, n + 4);

	d[0] = ',';
	d[1] = '"';
	memcpy(d + 2, k, n);
	d[n + 2] = '"';
	d[n + 3] = ':';
	s->ob.len += n + 4;
}

static void key_str(struct lt_sink_json *s, const char *k, const char *v)
{
	key(s, k);
	json_str(&s->ob, v);
}

static void key_u64(struct lt_sink_json *s, const char *k, unsigned long long v)
{
	key(s, k);
	lt_ob_u64(&s->ob, v);
}

static void key_hex(struct lt_sink_json *s, const char *k, unsigned long long v)
{
	key(s, k);
	lt_ob_mem(&s->ob, "\"0x", 3);
	lt_ob_hex(&s->ob, v);
	lt_ob_ch(&s->ob, '"');
}

static void key_bool(struct lt_sink_json *s, const char *k, bool v)
{
	key(s, k);
	if (v)
		lt_ob_mem(&s->ob, "true", 4);
	else
		lt_ob_mem(&s->ob, "false", 5);
}

/* A site as lt_ksyms_format() into a 192-byte buffer gives it. */
static void site_str(struct lt_sink_json *s, __u64 ip)
{
	size_t n;
	const char *p = lt_symcache_name(&s->names, ip, 192, false, &n);

	json_mem(&s->ob, p, n);
}

static void key_site(struct lt_sink_json *s, const char *k, __u64 ip)
{
	key(s, k);
	site_str(s, ip);
}

static void begin(struct lt_sink_json *s, const char *type, __u64 ts, __u16 cpu, __u32 pid,
		  __u32 tid, const char *comm)
{
	lt_ob_mem(&s->ob, "{\"type\":", 8);
	json_str(&s->ob, type);
	key_u64(s, "ts_ns", ts);
	key_u64(s, "cpu", cpu);
	key_u64(s, "pid", pid);
	key_u64(s, "tid", tid);
	key_str(s, "comm", comm);
}

static void end(struct lt_sink_json *s)
{
	lt_ob_mem(&s->ob, "}\n", 2);
	lt_ob_flush(&s->ob);
}

static const char *map_func(const struct lt_item *it)
{
	if (it->ev && (it->ev->type == LT_MAP_PAGES || it->ev->type == LT_MAP_PAGES_RET))
		return "__kernel_map_pages";
	return "set_memory_valid";
}

static void on_item(void *ctx, const struct lt_item *it)
{
	struct lt_sink_json *s = ctx;

	if (it->kind == LT_ITEM_PTE && !s->o.show_pte)
		return;
	begin(s, lt_item_name(it->kind), it->ts, it->cpu, it->pid, it->tid, it->comm);
	if (it->ctx != LT_CTX_TASK)
		key_str(s, "context", lt_context_name(it->ctx));
	key_u64(s, "depth", it->depth);
	key_u64(s, "section", it->section);
	switch (it->kind) {
	case LT_ITEM_ENABLE:
	case LT_ITEM_DISABLE:
	case LT_ITEM_PAUSE:
	case LT_ITEM_RESUME:
		key_str(s, "action", lt_action_name(it->action));
		key_site(s, "site", it->ip);
		key_hex(s, "ip", it->ip);
		key_bool(s, "pending", it->pending);
		key_bool(s, "inferred", it->inferred);
		break;
	case LT_ITEM_DEFER:
		key_str(s, "level", lt_level_name(it->action));
		if (it->addr)
			key_hex(s, "addr", it->addr);
		key_hex(s, "entry", it->entry);
		key_site(s, "site", it->ip);
		key_hex(s, "ip", it->ip);
		key_bool(s, "pending", it->pending);
		break;
	case LT_ITEM_FLUSH:
		key_u64(s, "count", it->count);
		key_site(s, "site", it->ip);
		key_hex(s, "ip", it->ip);
		key_bool(s, "pending", it->pending);
		key_bool(s, "inferred", it->inferred);
		break;
	case LT_ITEM_MAP:
	case LT_ITEM_MAP_RET:
		key_str(s, "func", map_func(it));
		if (it->addr)
			key_hex(s, "addr", it->addr);
		if (it->kind == LT_ITEM_MAP || it->addr) {
			key_u64(s, "count", it->count);
			key_bool(s, "enable", it->enable);
		}
		/* none from a kretprobe, or for a call a folded record stood for: "func" says it */
		if (it->ip) {
			key_site(s, "site", it->ip);
			key_hex(s, "ip", it->ip);
		}
		break;
	case LT_ITEM_PTE:
		key_hex(s, "addr", it->addr);
		key_hex(s, "entry", it->entry);
		key_bool(s, "deferred", it->ev && (it->ev->flags & LT_F_DEFERRED));
		/* what the entry was before the update, where the probe read it */
		if (it->ev && (it->ev->aux & LT_PTE_OLD_KNOWN))
			key_str(s, "was", it->ev->aux & LT_PTE_OLD_SAME ? "same" :
					  it->ev->aux & LT_PTE_OLD_VALID ? "valid" : "invalid");
		key_site(s, "site", it->ip);
		key_hex(s, "ip", it->ip);
		key_bool(s, "pending", it->pending);
		break;
	case LT_ITEM_ACCESS:
		key_hex(s, "addr", it->addr);
		key_site(s, "site", it->ip);
		key_hex(s, "ip", it->ip);
		break;
	case LT_ITEM_LOST:
		key_u64(s, "count", it->count);
		break;
	case LT_ITEM_SWITCH:
		key_u64(s, "next_tid", it->entry);
		key_bool(s, "preempted", it->enable);
		key_u64(s, "made_visible", it->count);
		key_bool(s, "pending", it->pending);
		break;
	}
	end(s);
}

static void on_hazard(void *ctx, const struct lt_hazard *hz)
{
	struct lt_sink_json *s = ctx;

	begin(s, "hazard", hz->ts, hz->cpu, hz->pid, hz->tid, hz->comm);
	if (hz->ctx != LT_CTX_TASK)
		key_str(s, "context", lt_context_name(hz->ctx));
	if (hz->in_irq)
		key_bool(s, "in_irq", true);
	key_str(s, "kind", lt_hazard_name(hz->kind));
	key_str(s, "class", lt_hazard_class_name(hz->cls));
	key_str(s, "evidence", lt_hazard_evidence_name(hz->evidence));
	key_hex(s, "addr", hz->addr);
	key_u64(s, "section", hz->section);
	key_site(s, "section_site", hz->section_ip);
	key_site(s, "defer_site", hz->defer_ip);
	key_u64(s, "defer_ts_ns", hz->defer_ts);
	key_site(s, "access_site", hz->ip);
	key_u64(s, "age_ns", hz->age_ns);
	lt_ob_str(&s->ob, ",\"stack\":[");
	for (unsigned int i = 0; hz->frames && i < hz->nr_frames; i++) {
		if (i)
			lt_ob_ch(&s->ob, ',');
		site_str(s, hz->frames[i]);
	}
	lt_ob_ch(&s->ob, ']');
	end(s);
}

static void on_anomaly(void *ctx, const struct lt_anomaly *an)
{
	struct lt_sink_json *s = ctx;

	begin(s, "anomaly", an->ts, an->cpu, an->pid, an->tid, an->comm);
	if (an->ctx != LT_CTX_TASK)
		key_str(s, "context", lt_context_name(an->ctx));
	key_str(s, "kind", lt_anomaly_name(an->kind));
	if (an->kind == LT_ANOM_LOST) {
		key_str(s, "cause", lt_lost_cause_name(an->cause));
		key_bool(s, "cpu_known", an->cpu_known);
	}
	key_u64(s, "depth", an->depth);
	key_u64(s, "count", an->count);
	if (an->ip) {
		key_site(s, "site", an->ip);
		key_hex(s, "ip", an->ip);
	}
	end(s);
}

void lt_sink_json_ops(struct lt_sink_json *s, struct lt_recon_ops *ops)
{
	ops->ctx = s;
	ops->item = on_item;
	ops->hazard = on_hazard;
	ops->anomaly = on_anomaly;
	ops->completed = NULL;
	ops->item_skip = 0;
}

void lt_sink_json_summary(void *sink, const struct lt_stats *st)
{
	struct lt_sink_json *s = sink;

	lt_ob_str(&s->ob, "{\"type\":\"summary\"");
	key_u64(s, "events", st->events);
	key_u64(s, "unfolded_events", st->unfolded_events);
	key_u64(s, "sections", st->sections);
	key_u64(s, "nested_sections", st->nested_sections);
	key_u64(s, "max_depth", st->max_depth);
	key_u64(s, "deferred_ptes", st->deferred_ptes);
	key_u64(s, "flushes", st->flushes);
	key_u64(s, "hazards_confirmed", st->hazards_confirmed);
	key_u64(s, "hazards_potential", st->hazards_potential);
	key_u64(s, "lost_events", st->lost_events);
	key_u64(s, "lost_ring_full", st->lost_ring_full);
	key_u64(s, "lost_recursion", st->lost_recursion);
	key_u64(s, "lost_evicted", st->lost_evicted);
	key_u64(s, "lost_kprobe_missed", st->lost_kprobe_missed);
	key_u64(s, "lost_kretprobe_missed", st->lost_kretprobe_missed);
	key_u64(s, "lost_map_full", st->lost_map_full);
	key_u64(s, "lost_names", st->lost_names);
	key_u64(s, "gaps", st->gaps);
	key_u64(s, "anomalies", st->anomalies);
	end(s);
	fflush(s->out);
}

void lt_sink_json_free(struct lt_sink_json *s)
{
	free(s);
}
