/* SPDX-License-Identifier: GPL-2.0 */
/*
 * src/replay_file.h: one trace file replayed. Its records go through the filters (--pid,
 * --comm: before the reconstruction, like the BPF-side filters of `live`; records after --to
 * are not fed) into lt_recon, whose output is cut to --cpu and the window [--from, --to]
 * before it reaches the caller's ops (outsel.h): the state at --from is right because
 * everything before it was reconstructed too, and a task's timeline on a CPU is right
 * because its events on the others were. `dump`, `stats` and `compare` all read files here.
 */
#ifndef LT_REPLAY_FILE_H
#define LT_REPLAY_FILE_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#include "lazytrace.h"
#include "outsel.h"
#include "recon.h"
#include "tidtab.h"
#include "tracefile.h"

struct lt_replay_filter {
	__u32 pid;			/* 0: all */
	__u32 cpu;			/* (__u32)-1: all */
	bool all_cpus;			/* --cpu all: not the recording's --cpu */
	char comm[LT_COMM_LEN];		/* "": all */
	bool has_from, has_to;
	double from_s, to_s;		/* seconds after the file's first event */
};

struct lt_replay {
	const char *path;
	struct lt_reader *rd;
	const struct lt_file_info *info;
	const struct lt_ksyms *ks;
	struct lt_replay_filter f;
	struct lt_tidtab comms;		/* --comm only: the last name per task */
	bool have_base;
	struct lt_outsel sel;		/* --cpu, --from, --to: what of the output is kept */
	__u64 cut;			/* events after --to, not fed */
	__u64 first_ts, last_ts;	/* of the events fed (0, 0: none) */
	struct lt_stats st;		/* the result */
	int state;			/* LT_REC_END, _TRUNCATED or _ERROR */
};

/* Opens path (f: NULL for no filter). 0, or -1 with the reason on err. */
int lt_replay_open(struct lt_replay *rp, const char *path, const struct lt_replay_filter *f,
		   FILE *err);

/* Feeds the whole file into a reconstruction reporting to ops (NULL: figures only). 0, or -1
 * when out of memory (said on err). */
int lt_replay_run(struct lt_replay *rp, const struct lt_recon_ops *ops, FILE *err);

/* After the run: the truncation notice or the error on err. The exit status (0 or 1). */
int lt_replay_status(const struct lt_replay *rp, FILE *err);

void lt_replay_close(struct lt_replay *rp);

/* "complete", "truncated" or "damaged", for a run's state. */
const char *lt_replay_state_name(int state);

#endif /* LT_REPLAY_FILE_H */
