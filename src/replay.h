/* SPDX-License-Identifier: GPL-2.0 */
/*
 * src/replay.h: the offline commands on one trace file written by `lazytrace record`:
 * `dump` (the timeline, through the same reconstruction and sinks as `live`) and `stats`
 * (totals and a table per call site or per function). `compare` is in compare.h.
 *
 * Exit status: 0 when the file was read to its end, and also when it is truncated (a
 * recording killed or cut by a power-off: everything up to the last complete chunk is used,
 * then "lazytrace: FILE: truncated after chunk K (N events read)" on stderr); 1 when it
 * cannot be used (missing, not a trace, newer format) or is corrupt (a checksum mismatch):
 * what came before the damage is still printed, with the summary, then the reason on stderr.
 */
#ifndef LT_REPLAY_H
#define LT_REPLAY_H

#include <stdbool.h>
#include <stdio.h>

#include "replay_file.h"
#include "sitestats.h"

enum lt_dump_format { LT_DUMP_TEXT, LT_DUMP_JSON, LT_DUMP_PERFETTO, LT_DUMP_SVG };

struct lt_dump_opts {
	enum lt_dump_format format;
	bool color;			/* text only */
	struct lt_replay_filter filter;
};

/* Errors and notices go to err as one line each, prefixed "lazytrace: ". */
int lt_replay_dump(const char *path, const struct lt_dump_opts *o, FILE *out, FILE *err);
int lt_replay_stats(const char *path, bool json, enum lt_site_key by, FILE *out, FILE *err);

#endif /* LT_REPLAY_H */
