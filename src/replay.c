// SPDX-License-Identifier: GPL-2.0
/*
 * src/replay.c: `lazytrace dump`, `stats` and `compare` on trace files (see replay.h).
 *
 * A file's records go through the filters (--pid, --comm: before the reconstruction, like
 * the BPF-side filters of `live`; records after --to are not fed) into lt_recon, whose
 * output is cut to --cpu and the window [--from, --to] before it reaches a sink (outsel.h):
 * the state at --from is right because everything before it was reconstructed too, and a
 * task's timeline on a CPU is right because its events on the others were.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ksyms.h"
#include "output.h"
#include "recon.h"
#include "replay.h"
#include "sink_json.h"
#include "sink_perfetto.h"
#include "sink_svg.h"
#include "svg_chart.h"
#include "outsel.h"
#include "tidtab.h"
#include "tracefile.h"

/* ------------------------------------------------------------------ tid -> comm */

/* The last name seen per task, for --comm: kept in the shared per-task table. */
struct comm_rec {
	struct lt_tidnode node;		/* first: the table's records are cast back */
	char comm[LT_COMM_LEN];
};

static void comm_put(struct lt_tidtab *tab, __u32 tid, const char *comm)
{
	struct comm_rec *r = (struct comm_rec *)lt_tidtab_find(tab, tid);

	if (!r) {
		r = malloc(sizeof(*r));
		if (!r)
			return;	/* the task's records are then filtered out, as if unnamed */
		lt_tidtab_add(tab, &r->node, tid);
	}
	memcpy(r->comm, comm, LT_COMM_LEN);
}

static const char *comm_get(struct lt_tidtab *tab, __u32 tid)
{
	struct comm_rec *r = (struct comm_rec *)lt_tidtab_find(tab, tid);

	return r ? r->comm : NULL;
}

static void comm_free(struct lt_tidtab *tab)
{
	for (struct lt_tidnode *n = tab->head, *next; n; n = next) {
		next = n->next;
		free(n);
	}
	memset(tab, 0, sizeof(*tab));
}

/* ------------------------------------------------------------------ one file, replayed */

struct replay {
	const char *path;
	struct lt_reader *rd;
	const struct lt_file_info *info;
	const struct lt_ksyms *ks;
	struct lt_replay_filter f;
	struct lt_tidtab comms;		/* --comm only: struct comm_rec */
	bool have_base;
	struct lt_outsel sel;		/* --cpu, --from, --to: what of the output is kept */
	__u64 cut;			/* events after --to, not fed */
	struct lt_stats st;		/* the result */
	int state;			/* LT_REC_END, _TRUNCATED or _ERROR */
};

static bool comm_match(const char *a, const char *want)
{
	return a && !strncmp(a, want, LT_COMM_LEN);
}

/*
 * The pid and comm filters, as `live` applies them in BPF: they drop whole tasks, whose
 * state no kept task needs (an interrupt that meets a kept task's deferrals runs while that
 * task is current, so it passes too). --cpu selects output (struct lt_outsel).
 */
static bool wanted(struct replay *rp, const struct lt_event *ev)
{
	const struct lt_replay_filter *f = &rp->f;

	if (ev->type == LT_TASK) {
		char comm[LT_COMM_LEN];

		memcpy(comm, ev->comm, LT_COMM_LEN);
		comm[LT_COMM_LEN - 1] = '\0';
		if (f->comm[0])
			comm_put(&rp->comms, ev->tid, comm);
		return (!f->pid || ev->pid == f->pid) && (!f->comm[0] || comm_match(comm, f->comm));
	}
	if (f->pid && ev->pid != f->pid)
		return false;
	if (f->comm[0] && !comm_match(comm_get(&rp->comms, ev->tid), f->comm))
		return false;
	return true;
}

/* `record --cpu N` records every CPU (the reconstruction needs them all) and notes N in the
 * header's filters ("pid=.. comm=.. cpu=N"): replay selects N's output unless told another. */
static __u32 recorded_cpu(const char *filters)
{
	const char *c = NULL;
	int cpu;

	for (const char *p = filters; (p = strstr(p, " cpu=")); p++)
		c = p;	/* the last: a comm may hold " cpu=" */
	if (c && sscanf(c + 5, "%d", &cpu) == 1 && cpu >= 0)
		return (__u32)cpu;
	return (__u32)-1;
}

static int replay_open(struct replay *rp, const char *path, const struct lt_replay_filter *f,
		       FILE *err)
{
	char msg[512];

	memset(rp, 0, sizeof(*rp));
	rp->path = path;
	if (f)
		rp->f = *f;
	else
		rp->f.cpu = (__u32)-1;
	rp->rd = lt_reader_open(path, msg, sizeof(msg));
	if (!rp->rd) {
		fprintf(err, "lazytrace: %s\n", msg);
		return -1;
	}
	rp->info = lt_reader_info(rp->rd);
	rp->ks = lt_reader_ksyms(rp->rd);
	lt_outsel_init(&rp->sel, NULL);
	rp->sel.cpu = rp->f.cpu;
	if (rp->sel.cpu == (__u32)-1 && !rp->f.all_cpus)
		rp->sel.cpu = recorded_cpu(rp->info->filters);
	return 0;
}

static __u64 secs_ns(double s)
{
	return s >= 1.8e10 ? (__u64)-1 / 2 : (__u64)(s * 1e9 + 0.5);
}

/* Feeds the whole file through the filters into a reconstruction reporting to ops. */
static int replay_run(struct replay *rp, const struct lt_recon_ops *ops, FILE *err)
{
	struct lt_recon_ops sel;
	struct lt_recon *recon;
	const struct lt_event *ev;
	const __u64 *frames;
	__u64 lts, lcount;
	int k;

	if (ops)
		rp->sel.inner = *ops;
	lt_outsel_ops(&rp->sel, &sel);
	recon = lt_recon_new(lt_file_defer_from_tracepoint(rp->info) ? LT_DEFER_FROM_TRACEPOINT
								    : LT_DEFER_FROM_PTE_UPDATE, &sel);
	if (!recon) {
		fprintf(err, "lazytrace: out of memory\n");
		rp->state = LT_REC_ERROR;
		return -1;
	}
	lt_recon_set_nesting(recon, rp->info->nesting);
	lt_recon_set_page_shift(recon, rp->info->page_shift ? rp->info->page_shift : 12);
	while ((k = lt_reader_next(rp->rd, &ev, &frames, &lts, &lcount)) > 0) {
		if (k == LT_REC_LOST) {
			if (rp->sel.has_to && lts > rp->sel.to_ns)
				continue;
			lt_recon_dropped(recon, lt_reader_lost_cause(rp->rd), lts, lcount);
			continue;
		}
		if (!rp->have_base) {	/* the window is relative to the first event */
			rp->have_base = true;
			rp->sel.has_from = rp->f.has_from;
			rp->sel.has_to = rp->f.has_to;
			rp->sel.from_ns = ev->ts + secs_ns(rp->f.from_s);
			rp->sel.to_ns = ev->ts + secs_ns(rp->f.to_s);
		}
		if (rp->sel.has_to && ev->ts > rp->sel.to_ns) {
			rp->cut++;
			continue;
		}
		if (!wanted(rp, ev))
			continue;
		lt_outsel_event(&rp->sel, ev);
		lt_recon_feed(recon, ev, frames);
	}
	rp->state = k;
	rp->sel.drop_open_at_exit = rp->cut;
	lt_recon_finish(recon);
	rp->st = *lt_recon_stats(recon);
	/* The selection's own figures when the output was cut or filtered. */
	if (lt_outsel_active(&rp->sel))
		rp->st = lt_outsel_stats(&rp->sel, &rp->st);
	lt_recon_free(recon);
	return 0;
}

/* The truncation notice or the error, after the output. The exit status. */
static int replay_status(const struct replay *rp, FILE *err)
{
	switch (rp->state) {
	case LT_REC_END:
		return 0;
	case LT_REC_TRUNCATED:
		fprintf(err, "lazytrace: %s\n", lt_reader_error(rp->rd));
		return 0;
	default:
		if (rp->rd && lt_reader_error(rp->rd)[0])
			fprintf(err, "lazytrace: %s\n", lt_reader_error(rp->rd));
		return 1;
	}
}

static void replay_close(struct replay *rp)
{
	lt_reader_close(rp->rd);
	comm_free(&rp->comms);
	rp->rd = NULL;
}

/* ------------------------------------------------------------------ dump */

int lt_replay_dump(const char *path, const struct lt_dump_opts *o, FILE *out, FILE *err)
{
	struct replay rp;
	struct lt_output lo;
	struct lt_sink_perfetto *pf = NULL;
	struct lt_sink_svg *sv = NULL;
	struct lt_recon_ops ops = { 0 };
	int ret;

	if (replay_open(&rp, path, &o->filter, err))
		return 1;
	switch (o->format) {
	case LT_DUMP_TEXT:
	case LT_DUMP_JSON:
		if (lt_output_init(&lo, o->format == LT_DUMP_JSON ? LT_OUT_JSON : LT_OUT_TEXT, out,
				   o->color, rp.ks))
			goto nomem;
		ops = lo.ops;
		break;
	case LT_DUMP_PERFETTO:
		pf = lt_sink_perfetto_new(out, rp.ks);
		if (!pf)
			goto nomem;
		lt_sink_perfetto_ops(pf, &ops);
		break;
	case LT_DUMP_SVG:
		sv = lt_sink_svg_new(out, rp.ks);
		if (!sv)
			goto nomem;
		lt_sink_svg_ops(sv, &ops);
		break;
	}
	replay_run(&rp, &ops, err);
	switch (o->format) {
	case LT_DUMP_TEXT:
	case LT_DUMP_JSON:
		lo.summary(lo.ctx, &rp.st);
		lt_output_fini(&lo);
		break;
	case LT_DUMP_PERFETTO:
		lt_sink_perfetto_summary(pf, &rp.st);
		lt_sink_perfetto_free(pf);
		break;
	case LT_DUMP_SVG:
		lt_sink_svg_summary(sv, &rp.st);
		lt_sink_svg_free(sv);
		break;
	}
	fflush(out);
	ret = replay_status(&rp, err);
	replay_close(&rp);
	return ret;
nomem:
	fprintf(err, "lazytrace: out of memory\n");
	replay_close(&rp);
	return 1;
}

/* ------------------------------------------------------------------ per-site figures */

struct site {
	__u64 ip;			/* where the section was opened; 0: outside any section */
	char name[160];
	__u64 sections, nested, deferred, flushes, hz_confirmed, hz_potential;
	__u64 completed;		/* deferrals whose flush was seen */
	unsigned __int128 pend_sum;	/* ns, over the completed ones */
	__u64 pend_max;
};

/* Per-site figures from what the reconstruction says: which item opened a section at which
 * site, each item's section site, the deferrals each flush completed. No state of its own. */
struct sites {
	struct site *v;
	size_t n, cap;
	const struct lt_ksyms *ks;
	bool oom;			/* a site could not be added: its figures went to spare */
	struct site spare;
};

/* The figures of the site at ip (0: outside any section), added if new. */
static struct site *site_get(struct sites *s, __u64 ip)
{
	struct site *x;

	for (size_t i = 0; i < s->n; i++)	/* a few dozen call sites */
		if (s->v[i].ip == ip)
			return &s->v[i];
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 16;
		struct site *v = realloc(s->v, ncap * sizeof(*v));

		if (!v) {
			s->oom = true;	/* reported: the per-site figures are incomplete */
			return &s->spare;
		}
		s->v = v;
		s->cap = ncap;
	}
	x = &s->v[s->n++];
	memset(x, 0, sizeof(*x));
	x->ip = ip;
	if (ip)
		lt_ksyms_format(s->ks, ip, x->name, sizeof(x->name));
	else
		snprintf(x->name, sizeof(x->name), "(outside any section)");
	return x;
}

static void s_item(void *ctx, const struct lt_item *it)
{
	struct sites *s = ctx;
	struct site *x;

	switch (it->kind) {
	case LT_ITEM_ENABLE:
		if (!it->opened)
			break;
		x = site_get(s, it->ip);
		x->sections++;
		if (it->depth > 1)
			x->nested++;
		break;
	case LT_ITEM_DEFER:
		site_get(s, it->section_ip)->deferred++;
		break;
	case LT_ITEM_FLUSH:
		site_get(s, it->section_ip)->flushes++;
		break;
	default:
		break;
	}
}

static void s_completed(void *ctx, const struct lt_completion *c)
{
	struct site *d = site_get(ctx, c->section_ip);

	d->completed += c->count;
	d->pend_sum += c->pending_sum_ns;
	if (c->pending_max_ns > d->pend_max)
		d->pend_max = c->pending_max_ns;
}

static void s_hazard(void *ctx, const struct lt_hazard *hz)
{
	struct site *x = site_get(ctx, hz->section ? hz->section_ip : 0);

	if (hz->kind == LT_HAZARD_CONFIRMED)
		x->hz_confirmed++;
	else
		x->hz_potential++;
}

static void sites_free(struct sites *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static __u64 site_hazards(const struct site *x)
{
	return x->hz_confirmed + x->hz_potential;
}

static int cmp_site(const void *a, const void *b)
{
	const struct site *x = a, *y = b;

	if (x->deferred != y->deferred)
		return x->deferred > y->deferred ? -1 : 1;
	if (x->sections != y->sections)
		return x->sections > y->sections ? -1 : 1;
	if (site_hazards(x) != site_hazards(y))
		return site_hazards(x) > site_hazards(y) ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* A file's totals and sites: 0, or 1 (unusable: message printed). */
struct file_stats {
	const char *path;
	struct lt_file_info info;
	struct lt_stats st;
	struct sites s;
	int state;
	int status;
	bool opened;
};

static int collect(struct file_stats *fs, const char *path, FILE *err)
{
	struct replay rp;
	struct lt_recon_ops ops = { .ctx = &fs->s, .item = s_item, .hazard = s_hazard,
				    .completed = s_completed };

	memset(fs, 0, sizeof(*fs));
	fs->path = path;
	fs->state = LT_REC_ERROR;
	if (replay_open(&rp, path, NULL, err)) {
		fs->status = 1;
		return 1;
	}
	fs->opened = true;
	fs->info = *rp.info;
	fs->s.ks = rp.ks;
	replay_run(&rp, &ops, err);
	/* Names are formatted as sites appear, with the symbols read up to there. */
	fs->st = rp.st;
	fs->state = rp.state;
	if (fs->s.oom) {
		fprintf(err, "lazytrace: out of memory\n");
		fs->status = 1;
	}
	fs->status = replay_status(&rp, err) || fs->status;
	fs->s.ks = NULL;
	replay_close(&rp);
	if (fs->s.n > 1)
		qsort(fs->s.v, fs->s.n, sizeof(fs->s.v[0]), cmp_site);
	return fs->status;
}

/* Mean pending time in ns, -1 if nothing completed. */
static double mean_pending(const struct site *x)
{
	return x->completed ? (double)(__u64)(x->pend_sum / x->completed) : -1;
}

struct total {
	const char *key;
	size_t off;
};

static const struct total TOTALS[] = {
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

#define NTOTALS (sizeof(TOTALS) / sizeof(TOTALS[0]))

static unsigned long long total_of(const struct lt_stats *st, size_t i)
{
	return *(const __u64 *)((const char *)st + TOTALS[i].off);
}

static const char *state_name(int state)
{
	return state == LT_REC_END ? "complete" : state == LT_REC_TRUNCATED ? "truncated" : "damaged";
}

static void print_us(FILE *out, int width, double ns)
{
	if (ns < 0)
		fprintf(out, "%*s", width, "-");
	else
		fprintf(out, "%*.3f", width, ns / 1000.0);
}

static void json_kv_str(FILE *out, const char *key, const char *val)
{
	lt_json_string(out, key);
	fputc(':', out);
	lt_json_string(out, val);
}

static void json_file(FILE *out, const struct file_stats *fs)
{
	fputc('{', out);
	json_kv_str(out, "file", fs->path);
	fprintf(out, ",");
	json_kv_str(out, "state", state_name(fs->state));
	fprintf(out, ",");
	json_kv_str(out, "release", fs->info.release);
	fprintf(out, ",");
	json_kv_str(out, "build_id", fs->info.build_id);
	fprintf(out, ",");
	json_kv_str(out, "machine", fs->info.machine);
	fprintf(out, ",");
	json_kv_str(out, "mode", fs->info.mode);
	fprintf(out, ",");
	json_kv_str(out, "nesting", fs->info.nesting);
	fprintf(out, ",\"page_size\":%llu,", 1ULL << (fs->info.page_shift ? fs->info.page_shift : 12));
	json_kv_str(out, "layout", fs->info.layout);
	fprintf(out, ",\"redacted\":%s}", fs->info.flags & LT_FILE_REDACTED ? "true" : "false");
}

int lt_replay_stats(const char *path, bool json, FILE *out, FILE *err)
{
	struct file_stats fs;
	size_t w = 4;

	if (collect(&fs, path, err) && !fs.opened)
		return fs.status;	/* unusable: nothing to print */
	if (json) {
		fprintf(out, "{\"type\":\"stats\",\"trace\":");
		json_file(out, &fs);
		for (size_t i = 0; i < NTOTALS; i++)
			fprintf(out, ",\"%s\":%llu", TOTALS[i].key, total_of(&fs.st, i));
		fprintf(out, ",\"sites\":[");
		for (size_t i = 0; i < fs.s.n; i++) {
			const struct site *x = &fs.s.v[i];

			fprintf(out, "%s{", i ? "," : "");
			json_kv_str(out, "site", x->name);
			fprintf(out, ",\"sections\":%llu,\"nested\":%llu,\"deferred_ptes\":%llu,"
				"\"flushes\":%llu,\"completed\":%llu,",
				(unsigned long long)x->sections, (unsigned long long)x->nested,
				(unsigned long long)x->deferred, (unsigned long long)x->flushes,
				(unsigned long long)x->completed);
			if (x->completed)
				fprintf(out, "\"mean_pending_ns\":%.0f,\"max_pending_ns\":%llu,",
					mean_pending(x), (unsigned long long)x->pend_max);
			else
				fprintf(out, "\"mean_pending_ns\":null,\"max_pending_ns\":null,");
			fprintf(out, "\"hazards\":%llu,\"hazards_confirmed\":%llu,\"hazards_potential\":%llu}",
				(unsigned long long)site_hazards(x), (unsigned long long)x->hz_confirmed,
				(unsigned long long)x->hz_potential);
		}
		fprintf(out, "]}\n");
	} else {
		fprintf(out, "trace    %s (%s%s)\n", path, state_name(fs.state),
			fs.info.flags & LT_FILE_REDACTED ? ", redacted" : "");
		fprintf(out, "kernel   %s %s%s%s\n", fs.info.release[0] ? fs.info.release : "?",
			fs.info.machine, fs.info.build_id[0] ? ", build id " : "", fs.info.build_id);
		fprintf(out, "mode     %s, nesting %s\n", fs.info.mode[0] ? fs.info.mode : "?",
			fs.info.nesting[0] ? fs.info.nesting : "unknown");
		fprintf(out, "layout   %s\n", fs.info.layout[0] ? fs.info.layout :
			"not recorded (4K pages)");
		fprintf(out, "\n");
		for (size_t i = 0; i < NTOTALS; i++)
			fprintf(out, "%-18s %llu\n", TOTALS[i].key, total_of(&fs.st, i));
		for (size_t i = 0; i < fs.s.n; i++)
			if (strlen(fs.s.v[i].name) > w)
				w = strlen(fs.s.v[i].name);
		fprintf(out, "\n%-*s  %8s  %6s  %8s  %7s  %12s  %12s  %7s\n", (int)w, "site", "sections",
			"nested", "deferred", "flushes", "mean pending", "max pending", "hazards");
		for (size_t i = 0; i < fs.s.n; i++) {
			const struct site *x = &fs.s.v[i];

			fprintf(out, "%-*s  %8llu  %6llu  %8llu  %7llu  ", (int)w, x->name,
				(unsigned long long)x->sections, (unsigned long long)x->nested,
				(unsigned long long)x->deferred, (unsigned long long)x->flushes);
			print_us(out, 9, mean_pending(x));
			fprintf(out, " us  ");
			print_us(out, 9, x->completed ? (double)x->pend_max : -1);
			fprintf(out, " us  %7llu\n", (unsigned long long)site_hazards(x));
		}
		if (!fs.s.n)
			fprintf(out, "(no lazy MMU sections)\n");
	}
	fflush(out);
	sites_free(&fs.s);
	return fs.status;
}

/* ------------------------------------------------------------------ compare */

enum metric { M_SECTIONS, M_NESTED, M_DEFERRED, M_FLUSHES, M_MEAN, M_MAX, M_HAZARDS, M_NR };

static const char *const METRIC_KEY[M_NR] = {
	"sections", "nested", "deferred_ptes", "flushes", "mean_pending_ns", "max_pending_ns",
	"hazards",
};

static const char *const METRIC_LABEL[M_NR] = {
	"sections", "nested", "deferred PTEs", "flushes", "mean pending (us)", "max pending (us)",
	"hazards",
};

/* A site's figure, -1 where there is none (no time pending without a completed deferral). */
static double metric(const struct site *x, enum metric m)
{
	if (!x)
		return m == M_MEAN || m == M_MAX ? -1 : 0;
	switch (m) {
	case M_SECTIONS: return (double)x->sections;
	case M_NESTED: return (double)x->nested;
	case M_DEFERRED: return (double)x->deferred;
	case M_FLUSHES: return (double)x->flushes;
	case M_MEAN: return mean_pending(x);
	case M_MAX: return x->completed ? (double)x->pend_max : -1;
	case M_HAZARDS: return (double)site_hazards(x);
	default: return 0;
	}
}

static const struct site *find_site(const struct sites *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->v[i].name, name))
			return &s->v[i];
	return NULL;
}

static double dmax(double a, double b)
{
	return a > b ? a : b;
}

struct row {
	const char *name;
	const struct site *a, *b;
};

static int cmp_row(const void *p, const void *q)
{
	const struct row *x = p, *y = q;
	double dx = dmax(metric(x->a, M_DEFERRED), metric(x->b, M_DEFERRED));
	double dy = dmax(metric(y->a, M_DEFERRED), metric(y->b, M_DEFERRED));
	double sx = dmax(metric(x->a, M_SECTIONS), metric(x->b, M_SECTIONS));
	double sy = dmax(metric(y->a, M_SECTIONS), metric(y->b, M_SECTIONS));

	if (dx != dy)
		return dx > dy ? -1 : 1;
	if (sx != sy)
		return sx > sy ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* One line: label, A, B, delta, ratio. Times (us) with 3 decimals, counts as integers. */
static void cmp_line(FILE *out, const char *label, double a, double b, bool time)
{
	fprintf(out, "  %-21s", label);
	if (time) {
		print_us(out, 12, a);
		print_us(out, 12, b);
		if (a >= 0 && b >= 0)
			fprintf(out, " %+11.3f", (b - a) / 1000.0);
		else
			fprintf(out, " %11s", "-");
	} else {
		fprintf(out, " %11.0f %11.0f %+11.0f", a, b, b - a);
	}
	if (a > 0 && b >= 0)
		fprintf(out, " %8.2f\n", b / a);
	else
		fprintf(out, " %8s\n", "-");
}

static void json_pair(FILE *out, const char *key, double a, double b)
{
	lt_json_string(out, key);
	fputs(":{\"a\":", out);
	if (a >= 0)
		fprintf(out, "%.0f", a);
	else
		fputs("null", out);
	fputs(",\"b\":", out);
	if (b >= 0)
		fprintf(out, "%.0f", b);
	else
		fputs("null", out);
	fputs(",\"delta\":", out);
	if (a >= 0 && b >= 0)
		fprintf(out, "%.0f", b - a);
	else
		fputs("null", out);
	fputs(",\"ratio\":", out);
	if (a > 0 && b >= 0)
		fprintf(out, "%.4f", b / a);
	else
		fputs("null", out);
	fputc('}', out);
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s && s[1] ? s + 1 : p;
}

static int write_svg(const char *svg_path, const struct file_stats *fa,
		     const struct file_stats *fb, const struct row *rows, size_t n, FILE *err)
{
	struct lt_chart_bar *bars = calloc(n ? n : 1, sizeof(*bars));
	FILE *f;
	int ret = 0;

	if (!bars) {
		fprintf(err, "lazytrace: out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		bars[i].label = rows[i].name;
		bars[i].a = metric(rows[i].a, M_DEFERRED);
		bars[i].b = metric(rows[i].b, M_DEFERRED);
	}
	f = fopen(svg_path, "w");
	if (!f) {
		fprintf(err, "lazytrace: %s: %s\n", svg_path, strerror(errno));
		free(bars);
		return 1;
	}
	if (lt_svg_bar_chart(f, "Deferred kernel PTE updates per lazy MMU call site",
			     base_name(fa->path), base_name(fb->path), "deferred PTE updates", bars,
			     n) < 0) {
		fprintf(err, "lazytrace: %s: cannot draw the chart\n", svg_path);
		ret = 1;
	}
	if (fclose(f) && !ret) {
		fprintf(err, "lazytrace: %s: %s\n", svg_path, strerror(errno));
		ret = 1;
	}
	free(bars);
	return ret;
}

int lt_replay_compare(const char *path_a, const char *path_b, bool json, const char *svg_path,
		      FILE *out, FILE *err)
{
	struct file_stats fa, fb;
	struct row *rows = NULL;
	size_t n = 0;
	int ret;

	collect(&fa, path_a, err);
	collect(&fb, path_b, err);
	ret = fa.status || fb.status;
	if (!fa.opened || !fb.opened)
		goto out;	/* a file could not be opened at all */
	rows = calloc(fa.s.n + fb.s.n + 1, sizeof(*rows));
	if (!rows) {
		fprintf(err, "lazytrace: out of memory\n");
		ret = 1;
		goto out;
	}
	for (size_t i = 0; i < fa.s.n; i++)
		rows[n++] = (struct row){ .name = fa.s.v[i].name, .a = &fa.s.v[i],
					  .b = find_site(&fb.s, fa.s.v[i].name) };
	for (size_t i = 0; i < fb.s.n; i++)
		if (!find_site(&fa.s, fb.s.v[i].name))
			rows[n++] = (struct row){ .name = fb.s.v[i].name, .b = &fb.s.v[i] };
	qsort(rows, n, sizeof(*rows), cmp_row);

	if (json) {
		fprintf(out, "{\"type\":\"compare\",\"a\":");
		json_file(out, &fa);
		fprintf(out, ",\"b\":");
		json_file(out, &fb);
		fprintf(out, ",\"totals\":{");
		for (size_t i = 0; i < NTOTALS; i++) {
			if (i)
				fputc(',', out);
			json_pair(out, TOTALS[i].key, (double)total_of(&fa.st, i),
				  (double)total_of(&fb.st, i));
		}
		fprintf(out, "},\"sites\":[");
		for (size_t i = 0; i < n; i++) {
			fprintf(out, "%s{", i ? "," : "");
			json_kv_str(out, "site", rows[i].name);
			for (int m = 0; m < M_NR; m++) {
				fputc(',', out);
				json_pair(out, METRIC_KEY[m], metric(rows[i].a, m), metric(rows[i].b, m));
			}
			fputc('}', out);
		}
		fprintf(out, "]}\n");
	} else {
		fprintf(out, "A  %s (%s, nesting %s, %s)\n", path_a, fa.info.release[0] ? fa.info.release : "?",
			fa.info.nesting[0] ? fa.info.nesting : "unknown", state_name(fa.state));
		fprintf(out, "B  %s (%s, nesting %s, %s)\n", path_b, fb.info.release[0] ? fb.info.release : "?",
			fb.info.nesting[0] ? fb.info.nesting : "unknown", state_name(fb.state));
		fprintf(out, "\n%-23s %11s %11s %11s %8s\n", "totals", "A", "B", "delta", "B/A");
		for (size_t i = 0; i < NTOTALS; i++)
			cmp_line(out, TOTALS[i].key, (double)total_of(&fa.st, i),
				 (double)total_of(&fb.st, i), false);
		for (size_t i = 0; i < n; i++) {
			fprintf(out, "\nsite %s\n", rows[i].name);
			for (int m = 0; m < M_NR; m++)
				cmp_line(out, METRIC_LABEL[m], metric(rows[i].a, m), metric(rows[i].b, m),
					 m == M_MEAN || m == M_MAX);
		}
	}
	fflush(out);
	if (svg_path && write_svg(svg_path, &fa, &fb, rows, n, err))
		ret = 1;
out:
	free(rows);
	sites_free(&fa.s);
	sites_free(&fb.s);
	return ret;
}

/* ------------------------------------------------------------------ command lines */

static int parse_num(const char *cmd, const char *opt, const char *s, unsigned long min,
		     unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max) {
		fprintf(stderr, "lazytrace %s: invalid value '%s' for %s (expected %lu..%lu)\n", cmd, s,
			opt, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_secs(const char *cmd, const char *opt, const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < 0 || v > 1e9) {
		fprintf(stderr, "lazytrace %s: invalid value '%s' for %s (expected seconds, e.g. 1.5)\n",
			cmd, s, opt);
		return -1;
	}
	*out = v;
	return 0;
}

static void dump_usage(FILE *f)
{
	fprintf(f,
		"usage: lazytrace dump FILE [--format text|json|perfetto|svg] [--pid PID] [--comm NAME]\n"
		"                      [--cpu N|all] [--from S] [--to S] [--color|--no-color]\n"
		"\n"
		"Print the timeline of a recording (`lazytrace record -o FILE`) through the same\n"
		"reconstruction and output as `lazytrace live`.\n"
		"\n"
		"  -f, --format FMT   text (default: the timeline and a summary), json (one object per\n"
		"                     line, as live --json), perfetto (Chrome trace-event JSON for\n"
		"                     ui.perfetto.dev), svg (a picture of the timeline)\n"
		"  -j, --json         the same as --format json\n"
		"  -p, --pid PID      only this process (tgid)\n"
		"  -c, --comm NAME    only tasks named NAME\n"
		"  -C, --cpu N|all    only what happened on CPU N (default: the recording's --cpu,\n"
		"                     if it had one); every CPU is still reconstructed\n"
		"      --from S       only output from S seconds after the first event on (the\n"
		"                     events before are still reconstructed: the state is right)\n"
		"      --to S         nothing after S seconds after the first event\n"
		"      --color        colour the text even when not on a terminal\n"
		"      --no-color     no colour even on a terminal\n"
		"  -h, --help         this text\n"
		"\n"
		"Exit status: 0 when the file was read to its end, or was truncated (a recording\n"
		"killed or cut by a power-off: every complete chunk is shown, then a notice on\n"
		"stderr); 1 when it cannot be read or is corrupt (what came before the damage is\n"
		"shown, then the reason); 2 for usage errors.\n");
}

int cmd_dump(int argc, char **argv)
{
	enum { OPT_FROM = 256, OPT_TO, OPT_COLOR, OPT_NO_COLOR };
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "pid", required_argument, NULL, 'p' },
		{ "comm", required_argument, NULL, 'c' },
		{ "cpu", required_argument, NULL, 'C' },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "to", required_argument, NULL, OPT_TO },
		{ "color", no_argument, NULL, OPT_COLOR },
		{ "no-color", no_argument, NULL, OPT_NO_COLOR },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct lt_dump_opts o = { .format = LT_DUMP_TEXT, .color = isatty(STDOUT_FILENO),
				  .filter = { .cpu = (__u32)-1 } };
	unsigned long v;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "f:jp:c:C:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (!strcmp(optarg, "text")) {
				o.format = LT_DUMP_TEXT;
			} else if (!strcmp(optarg, "json")) {
				o.format = LT_DUMP_JSON;
			} else if (!strcmp(optarg, "perfetto")) {
				o.format = LT_DUMP_PERFETTO;
			} else if (!strcmp(optarg, "svg")) {
				o.format = LT_DUMP_SVG;
			} else {
				fprintf(stderr, "lazytrace dump: unknown format '%s' (text, json, perfetto or svg)\n",
					optarg);
				return 2;
			}
			break;
		case 'j':
			o.format = LT_DUMP_JSON;
			break;
		case 'p':
			if (parse_num("dump", "--pid", optarg, 1, INT_MAX, &v))
				return 2;
			o.filter.pid = v;
			break;
		case 'c':
			if (strlen(optarg) >= LT_COMM_LEN || !optarg[0]) {
				fprintf(stderr, "lazytrace dump: --comm takes a task name of 1 to %d characters\n",
					LT_COMM_LEN - 1);
				return 2;
			}
			snprintf(o.filter.comm, sizeof(o.filter.comm), "%s", optarg);
			break;
		case 'C':
			if (!strcmp(optarg, "all")) {
				o.filter.cpu = (__u32)-1;
				o.filter.all_cpus = true;
				break;
			}
			if (parse_num("dump", "--cpu", optarg, 0, 4095, &v))
				return 2;
			o.filter.cpu = v;
			break;
		case OPT_FROM:
			if (parse_secs("dump", "--from", optarg, &o.filter.from_s))
				return 2;
			o.filter.has_from = true;
			break;
		case OPT_TO:
			if (parse_secs("dump", "--to", optarg, &o.filter.to_s))
				return 2;
			o.filter.has_to = true;
			break;
		case OPT_COLOR:
			o.color = true;
			break;
		case OPT_NO_COLOR:
			o.color = false;
			break;
		case 'h':
			dump_usage(stdout);
			return 0;
		default:
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "lazytrace dump: no trace file given (see 'lazytrace dump --help')\n");
		return 2;
	}
	if (optind + 1 < argc) {
		fprintf(stderr, "lazytrace dump: unexpected argument '%s'\n", argv[optind + 1]);
		return 2;
	}
	if (o.filter.has_from && o.filter.has_to && o.filter.from_s > o.filter.to_s) {
		fprintf(stderr, "lazytrace dump: --from is after --to\n");
		return 2;
	}
	return lt_replay_dump(argv[optind], &o, stdout, stderr);
}

static void stats_usage(FILE *f)
{
	fprintf(f,
		"usage: lazytrace stats FILE [--json]\n"
		"\n"
		"Totals of a recording (the summary of `live`: events, sections, nested_sections,\n"
		"max_depth, deferred_ptes, flushes, hazards_confirmed, hazards_potential,\n"
		"lost_events, anomalies) and a table per call site, the site being where the lazy MMU\n"
		"section was opened (lazy_mmu_mode_enable()'s caller): sections opened there, how many\n"
		"of them nested, deferred PTE updates made in them, flushes in them, the mean and\n"
		"maximum time a deferred update waited for the flush that completed it, and the\n"
		"hazards on their updates.\n"
		"\n"
		"  -j, --json   one JSON object: the totals' keys, \"trace\" (the file's header) and\n"
		"               \"sites\": [{\"site\", \"sections\", \"nested\", \"deferred_ptes\",\n"
		"               \"flushes\", \"completed\", \"mean_pending_ns\", \"max_pending_ns\",\n"
		"               \"hazards\", \"hazards_confirmed\", \"hazards_potential\"}]\n"
		"  -h, --help   this text\n"
		"\n"
		"Exit status: 0 when the file was read to its end or was truncated (then everything\n"
		"complete is counted and a notice goes to stderr); 1 when it cannot be read or is\n"
		"corrupt (the figures before the damage are printed, then the reason); 2 for usage\n"
		"errors.\n");
}

int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	bool json = false;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			stats_usage(stdout);
			return 0;
		default:
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "lazytrace stats: no trace file given (see 'lazytrace stats --help')\n");
		return 2;
	}
	if (optind + 1 < argc) {
		fprintf(stderr, "lazytrace stats: unexpected argument '%s'\n", argv[optind + 1]);
		return 2;
	}
	return lt_replay_stats(argv[optind], json, stdout, stderr);
}

static void compare_usage(FILE *f)
{
	fprintf(f,
		"usage: lazytrace compare A B [--json] [--svg OUT]\n"
		"\n"
		"Two recordings side by side (e.g. the same workload under two nesting modes or two\n"
		"kernels): the totals and the per-call-site figures of `lazytrace stats` for A and\n"
		"B, with the difference B - A and the ratio B/A (\"-\" where A is 0). Call sites are\n"
		"matched by name (symbol+offset), so recordings from different boots compare.\n"
		"\n"
		"  -j, --json      one JSON object: \"a\", \"b\" (the files' headers), \"totals\" and\n"
		"                  \"sites\", each figure as {\"a\", \"b\", \"delta\", \"ratio\"} (null\n"
		"                  where undefined); times in ns\n"
		"  -s, --svg OUT   also write a bar chart of the deferred PTE updates per call site,\n"
		"                  A against B, to OUT (SVG)\n"
		"  -h, --help      this text\n"
		"\n"
		"Exit status: 0 when both files were read to their end or were truncated (notices on\n"
		"stderr); 1 when either cannot be read or is corrupt; 2 for usage errors.\n");
}

int cmd_compare(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "svg", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *svg = NULL;
	bool json = false;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "js:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 's':
			svg = optarg;
			break;
		case 'h':
			compare_usage(stdout);
			return 0;
		default:
			return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "lazytrace compare: expected two trace files (see 'lazytrace compare --help')\n");
		return 2;
	}
	return lt_replay_compare(argv[optind], argv[optind + 1], json, svg, stdout, stderr);
}
