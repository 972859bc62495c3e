/* SPDX-License-Identifier: GPL-2.0 */
/*
 * src/sink_text.h: the human timeline. One line per item:
 *
 *       12.345  comm/tid             1  <indent by depth>enable  nest     depth 2  site
 *
 * (microseconds since the first event, task, CPU), hazards and anomalies highlighted, runs of
 * deferrals from one call site folded into one line ("defer   pte x8   site"), a summary
 * block at the end.
 */
#ifndef LT_SINK_TEXT_H
#define LT_SINK_TEXT_H

#include <stdbool.h>
#include <stdio.h>

#include "recon.h"

struct lt_ksyms;

struct lt_text_opts {
	bool color;		/* ANSI colors: hazards red/bold, anomalies yellow */
	bool fold;		/* fold runs of deferrals from one call site (default on) */
	bool show_pte;		/* per-PTE update lines (LT_ITEM_PTE; default off) */
};

/* color on, fold on, show_pte off */
void lt_text_default_opts(struct lt_text_opts *o);

struct lt_sink_text;

/* opts NULL: defaults; ks may be NULL (addresses in hex). Output goes to out (not closed). */
struct lt_sink_text *lt_sink_text_new(FILE *out, const struct lt_text_opts *opts,
				      const struct lt_ksyms *ks);

/* Fills ops (ctx = the sink) for lt_recon_new(). */
void lt_sink_text_ops(struct lt_sink_text *s, struct lt_recon_ops *ops);

/* Writes out a pending folded run (at the end, or before other output to the same FILE). */
void lt_sink_text_flush(struct lt_sink_text *s);

/* The summary block; sink is a struct lt_sink_text * (fits struct lt_output.summary). */
void lt_sink_text_summary(void *sink, const struct lt_stats *st);

/* Flushes and frees. */
void lt_sink_text_free(struct lt_sink_text *s);

#endif /* LT_SINK_TEXT_H */
