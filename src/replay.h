/* SPDX-License-Identifier: GPL-2.0 */
/*
 * src/replay.h: the offline commands on trace files written by `lazytrace record`:
 * `dump` (the timeline, through the same reconstruction and sinks as `live`), `stats`
 * (totals and a per-call-site table) and `compare` (two files side by side).
 *
 * Exit status, for all three: 0 when every file was read to its end, and also when a file is
 * truncated (a recording killed or cut by a power-off: everything up to the last complete
 * chunk is used, then "lazytrace: FILE: truncated after chunk K (N events read)" on
 * stderr); 1 when a file cannot be used (missing, not a trace, newer format) or is corrupt
 * (a checksum mismatch): what came before the damage is still printed, with the summary,
 * then the reason on stderr; 2 for usage errors.
 */
#ifndef LT_REPLAY_H
#define LT_REPLAY_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#include "lazytrace.h"

/* Subcommands: argv[0] is the subcommand's name; the process exit status is returned. */
int cmd_dump(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_compare(int argc, char **argv);

/* ------------------------------------------------ the same, callable (unit tests) */

enum lt_dump_format { LT_DUMP_TEXT, LT_DUMP_JSON, LT_DUMP_PERFETTO, LT_DUMP_SVG };

struct lt_replay_filter {
	__u32 pid;			/* 0: all */
	__u32 cpu;			/* (__u32)-1: all */
	bool all_cpus;			/* --cpu all: not the recording's --cpu */
	char comm[LT_COMM_LEN];		/* "": all */
	bool has_from, has_to;
	double from_s, to_s;		/* seconds after the file's first event */
};

struct lt_dump_opts {
	enum lt_dump_format format;
	bool color;			/* text only */
	struct lt_replay_filter filter;
};

/* Errors and notices go to err as one line each, prefixed "lazytrace: ". */
int lt_replay_dump(const char *path, const struct lt_dump_opts *o, FILE *out, FILE *err);
int lt_replay_stats(const char *path, bool json, FILE *out, FILE *err);
int lt_replay_compare(const char *path_a, const char *path_b, bool json, const char *svg_path,
		      FILE *out, FILE *err);

#endif /* LT_REPLAY_H */
