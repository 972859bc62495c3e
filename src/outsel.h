/* SPDX-License-Identifier: GPL-2.0 */
/*
 * src/outsel.h: the output selection. --cpu and the --from/--to window pick what the
 * reconstruction says, never what it is fed: a task that migrates keeps its enables and
 * flushes whatever CPU they ran on, so its timeline is the same with or without a filter,
 * and the kept output is a subset of the unfiltered one, item for item. The figures of a
 * selection are counted from the items it keeps (stats of the selection, not of the run).
 */
#ifndef LT_OUTSEL_H
#define LT_OUTSEL_H

#include <stdbool.h>
#include <linux/types.h>

#include "recon.h"

struct lt_outsel {
	__u32 cpu;			/* (__u32)-1: all */
	bool has_from, has_to;
	__u64 from_ns, to_ns;		/* absolute; set once the first event is known */
	bool drop_open_at_exit;		/* output cut at --to: sections open there are no anomaly */
	struct lt_recon_ops inner;	/* where the kept output goes */
	struct lt_stats st;		/* figures of the kept output */
};

/* A selection of everything, passing to inner. */
void lt_outsel_init(struct lt_outsel *s, const struct lt_recon_ops *inner);

/* Whether it selects anything out (then its figures, not the reconstruction's, are the
 * result). */
bool lt_outsel_active(const struct lt_outsel *s);

/* The ops to hand the reconstruction; cpu, has_from and has_to are set before (from_ns and
 * to_ns may come later): a selection of everything hands it inner's own. */
void lt_outsel_ops(struct lt_outsel *s, struct lt_recon_ops *ops);

/* An event fed to the reconstruction: counted in the selection's events if it is in it. */
void lt_outsel_event(struct lt_outsel *s, const struct lt_event *ev);

/* The selection's figures, with what only the reconstruction knows (invalid records). */
struct lt_stats lt_outsel_stats(const struct lt_outsel *s, const struct lt_stats *run);

#endif /* LT_OUTSEL_H */
