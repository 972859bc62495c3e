// SPDX-License-Identifier: GPL-2.0
/*
 * src/replay_file.c: one trace file replayed through the filters into the reconstruction
 * (see replay_file.h).
 */
#include <stdlib.h>
#include <string.h>

#include "replay_file.h"

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


static bool comm_match(const char *a, const char *want)
{
	return a && !strncmp(a, want, LT_COMM_LEN);
}

/*
 * The pid and comm filters, as `live` applies them in BPF: they drop whole tasks, whose
 * state no kept task needs (an interrupt that meets a kept task's deferrals runs while that
 * task is current, so it passes too). --cpu selects output (struct lt_outsel).
 */
static bool wanted(struct lt_replay *rp, const struct lt_event *ev)
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

int lt_replay_open(struct lt_replay *rp, const char *path, const struct lt_replay_filter *f,
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
int lt_replay_run(struct lt_replay *rp, const struct lt_recon_ops *ops, FILE *err)
{
	struct lt_recon_ops sel;
	struct lt_recon *recon;
	const struct lt_event *ev;
	const __u64 *frames;
	__u64 lts, lcount;
	bool selecting;
	int k;

	if (ops)
		rp->sel.inner = *ops;
	/* Whether there is a window is known now, its bounds at the first event: until then
	 * it holds everything. */
	rp->sel.has_from = rp->f.has_from;
	rp->sel.has_to = rp->f.has_to;
	rp->sel.from_ns = 0;
	rp->sel.to_ns = (__u64)-1;
	lt_outsel_ops(&rp->sel, &sel);
	selecting = lt_outsel_active(&rp->sel);
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
		if (selecting)	/* (otherwise its figures are not the result) */
			lt_outsel_event(&rp->sel, ev);
		lt_recon_feed(recon, ev, frames);
		/* The span of what was fed: `compare` figures per second of recording. */
		if (!rp->first_ts || ev->ts < rp->first_ts)
			rp->first_ts = ev->ts;
		if (ev->ts > rp->last_ts)
			rp->last_ts = ev->ts;
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
int lt_replay_status(const struct lt_replay *rp, FILE *err)
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

void lt_replay_close(struct lt_replay *rp)
{
	lt_reader_close(rp->rd);
	comm_free(&rp->comms);
	rp->rd = NULL;
}

const char *lt_replay_state_name(int state)
{
	return state == LT_REC_END ? "complete" : state == LT_REC_TRUNCATED ? "truncated" : "damaged";
}
