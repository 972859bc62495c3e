// SPDX-License-Identifier: GPL-2.0
/*
 * src/sitestats.c: a recording's figures, whole and per call site (see sitestats.h).
 */
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"
#include "replay_file.h"
#include "sink_json.h"
#include "sitestats.h"

/* The figures of the site at ip (0: outside any section), added if new. */
static struct lt_sitefig *site_get(struct lt_runstats *rs, __u64 ip)
{
	struct lt_sitefig *x;

	for (size_t i = 0; i < rs->n; i++)	/* a few dozen call sites */
		if (rs->v[i].ip == ip)
			return &rs->v[i];
	if (rs->n == rs->cap) {
		size_t ncap = rs->cap ? rs->cap * 2 : 16;
		struct lt_sitefig *v = realloc(rs->v, ncap * sizeof(*v));

		if (!v) {
			rs->oom = true;	/* reported: the per-site figures are incomplete */
			return &rs->spare;
		}
		rs->v = v;
		rs->cap = ncap;
	}
	x = &rs->v[rs->n++];
	memset(x, 0, sizeof(*x));
	x->ip = ip;
	/* Named now, with the symbols read up to here (a module's may come later). */
	if (ip)
		lt_ksyms_format(rs->ks, ip, x->name, sizeof(x->name));
	else
		snprintf(x->name, sizeof(x->name), "(outside any section)");
	return x;
}

static void s_item(void *ctx, const struct lt_item *it)
{
	struct lt_runstats *rs = ctx;
	struct lt_sitefig *x;

	switch (it->kind) {
	case LT_ITEM_ENABLE:
		if (!it->opened)
			break;
		x = site_get(rs, it->ip);
		x->sections++;
		if (it->depth > 1)
			x->nested++;
		break;
	case LT_ITEM_DEFER:
		site_get(rs, it->section_ip)->deferred++;
		break;
	case LT_ITEM_FLUSH:
		site_get(rs, it->section_ip)->flushes++;
		break;
	default:
		break;
	}
}

static void s_completed(void *ctx, const struct lt_completion *c)
{
	struct lt_sitefig *d = site_get(ctx, c->section_ip);

	d->completed += c->count;
	d->pend_sum += c->pending_sum_ns;
	if (c->pending_max_ns > d->pend_max)
		d->pend_max = c->pending_max_ns;
}

static void s_hazard(void *ctx, const struct lt_hazard *hz)
{
	struct lt_sitefig *x = site_get(ctx, hz->section ? hz->section_ip : 0);

	if (hz->kind == LT_HAZARD_CONFIRMED)
		x->hz_confirmed++;
	else
		x->hz_potential++;
}

__u64 lt_site_hazards(const struct lt_sitefig *x)
{
	return x->hz_confirmed + x->hz_potential;
}

double lt_site_mean_pending(const struct lt_sitefig *x)
{
	return x->completed ? (double)(__u64)(x->pend_sum / x->completed) : -1;
}

static int cmp_site(const void *a, const void *b)
{
	const struct lt_sitefig *x = a, *y = b;

	if (x->deferred != y->deferred)
		return x->deferred > y->deferred ? -1 : 1;
	if (x->sections != y->sections)
		return x->sections > y->sections ? -1 : 1;
	if (lt_site_hazards(x) != lt_site_hazards(y))
		return lt_site_hazards(x) > lt_site_hazards(y) ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Compiler-made copies of a function: "f.constprop.0", "f.isra.0.part.1", "f.cold". A
 * kernel function's own name has no '.', so the name ends at the first one. */
void lt_site_function(const char *site, char *buf, size_t len)
{
	const char *plus = strstr(site, "+0x");
	const char *mod = plus ? strstr(plus, " [") : NULL;
	size_t sym;

	if (!len)
		return;
	if (!plus || plus == site) {	/* "(outside any section)", "0xffff..." */
		snprintf(buf, len, "%s", site);
		return;
	}
	sym = (size_t)(plus - site);
	for (size_t i = 1; i < sym; i++)
		if (site[i] == '.') {
			sym = i;
			break;
		}
	snprintf(buf, len, "%.*s%s", (int)sym, site, mod ? mod : "");
}

/* Merges the sites of each function into one (the first site's ip stays). */
static void group_by_function(struct lt_runstats *rs)
{
	size_t n = 0;

	for (size_t i = 0; i < rs->n; i++) {
		struct lt_sitefig x = rs->v[i], *d = NULL;

		if (x.ip)
			lt_site_function(rs->v[i].name, x.name, sizeof(x.name));
		for (size_t j = 0; j < n; j++)
			if (!strcmp(rs->v[j].name, x.name)) {
				d = &rs->v[j];
				break;
			}
		if (!d) {
			rs->v[n++] = x;
			continue;
		}
		d->sections += x.sections;
		d->nested += x.nested;
		d->deferred += x.deferred;
		d->flushes += x.flushes;
		d->hz_confirmed += x.hz_confirmed;
		d->hz_potential += x.hz_potential;
		d->completed += x.completed;
		d->pend_sum += x.pend_sum;
		if (x.pend_max > d->pend_max)
			d->pend_max = x.pend_max;
	}
	rs->n = n;
}

int lt_runstats_collect(struct lt_runstats *rs, const char *path, enum lt_site_key by,
			FILE *err)
{
	struct lt_replay rp;
	struct lt_recon_ops ops = { .ctx = rs, .item = s_item, .hazard = s_hazard,
				    .completed = s_completed,
				    /* what s_item() counts: the rest is not built */
				    .item_skip = ~(1u << LT_ITEM_ENABLE | 1u << LT_ITEM_DEFER |
						   1u << LT_ITEM_FLUSH) };

	memset(rs, 0, sizeof(*rs));
	rs->path = path;
	rs->by = by;
	rs->state = LT_REC_ERROR;
	if (lt_replay_open(&rp, path, NULL, err)) {
		rs->status = 1;
		return 1;
	}
	rs->opened = true;
	rs->info = *rp.info;
	rs->ks = rp.ks;
	lt_replay_run(&rp, &ops, err);
	rs->st = rp.st;
	rs->state = rp.state;
	rs->span_ns = rp.last_ts - rp.first_ts;
	if (rs->oom) {
		fprintf(err, "lazytrace: out of memory\n");
		rs->status = 1;
	}
	rs->status = lt_replay_status(&rp, err) || rs->status;
	rs->ks = NULL;
	lt_replay_close(&rp);
	if (by == LT_BY_FUNCTION)
		group_by_function(rs);
	if (rs->n > 1)
		qsort(rs->v, rs->n, sizeof(rs->v[0]), cmp_site);
	return rs->status;
}

void lt_runstats_by_function(struct lt_runstats *rs)
{
	if (rs->by == LT_BY_FUNCTION)
		return;
	rs->by = LT_BY_FUNCTION;
	group_by_function(rs);
	if (rs->n > 1)
		qsort(rs->v, rs->n, sizeof(rs->v[0]), cmp_site);
}

void lt_runstats_free(struct lt_runstats *rs)
{
	free(rs->v);
	rs->v = NULL;
	rs->n = rs->cap = 0;
}

const struct lt_sitefig *lt_runstats_find(const struct lt_runstats *rs, const char *name)
{
	for (size_t i = 0; i < rs->n; i++)
		if (!strcmp(rs->v[i].name, name))
			return &rs->v[i];
	return NULL;
}

const struct lt_total LT_TOTALS[] = {
	{ "events", offsetof(struct lt_stats, events) },
	{ "sections", offsetof(struct lt_stats, sections) },
	{ "nested_sections", offsetof(struct lt_stats, nested_sections) },
	{ "max_depth", offsetof(struct lt_stats, max_depth) },
	{ "deferred_ptes", offsetof(struct lt_stats, deferred_ptes) },
	{ "flushes", offsetof(struct lt_stats, flushes) },
	{ "hazards_confirmed", offsetof(struct lt_stats, hazards_confirmed) },
	{ "hazards_potential", offsetof(struct lt_stats, hazards_potential) },
	{ "lost_events", offsetof(struct lt_stats, lost_events) },
	{ "lost_ring_full", offsetof(struct lt_stats, lost_ring_full) },
	{ "lost_recursion", offsetof(struct lt_stats, lost_recursion) },
	{ "lost_evicted", offsetof(struct lt_stats, lost_evicted) },
	{ "lost_kprobe_missed", offsetof(struct lt_stats, lost_kprobe_missed) },
	{ "lost_kretprobe_missed", offsetof(struct lt_stats, lost_kretprobe_missed) },
	{ "lost_map_full", offsetof(struct lt_stats, lost_map_full) },
	{ "lost_names", offsetof(struct lt_stats, lost_names) },
	{ "gaps", offsetof(struct lt_stats, gaps) },
	{ "anomalies", offsetof(struct lt_stats, anomalies) },
};

const size_t LT_NTOTALS = sizeof(LT_TOTALS) / sizeof(LT_TOTALS[0]);

unsigned long long lt_total_of(const struct lt_stats *st, size_t i)
{
	return *(const __u64 *)((const char *)st + LT_TOTALS[i].off);
}

static void json_kv_str(FILE *out, const char *key, const char *val, bool comma)
{
	if (comma)
		fputc(',', out);
	lt_json_string(out, key);
	fputc(':', out);
	lt_json_string(out, val);
}

void lt_runstats_json_header(FILE *out, const struct lt_runstats *rs)
{
	const struct lt_file_info *in = &rs->info;

	fputc('{', out);
	json_kv_str(out, "file", rs->path, false);
	json_kv_str(out, "state", lt_replay_state_name(rs->state), true);
	json_kv_str(out, "release", in->release, true);
	json_kv_str(out, "build_id", in->build_id, true);
	json_kv_str(out, "machine", in->machine, true);
	json_kv_str(out, "mode", in->mode, true);
	json_kv_str(out, "nesting", in->nesting, true);
	fprintf(out, ",\"page_size\":%llu", 1ULL << (in->page_shift ? in->page_shift : 12));
	json_kv_str(out, "layout", in->layout, true);
	fprintf(out, ",\"redacted\":%s,\"abi\":%u,\"span_ns\":%llu}",
		in->flags & LT_FILE_REDACTED ? "true" : "false", in->abi_version,
		(unsigned long long)rs->span_ns);
}

const char *lt_site_key_name(enum lt_site_key by)
{
	return by == LT_BY_FUNCTION ? "function" : "site";
}
