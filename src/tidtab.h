/* SPDX-License-Identifier: GPL-2.0 */
/*
 * src/tidtab.h: a table of per-task records keyed by tid, for the reconstruction and the
 * sinks that keep per-task state: a hash for lookup and a list in first-seen order (for
 * deterministic reports and oldest-first eviction). The record embeds struct lt_tidnode as
 * its first member; the table owns no memory.
 */
#ifndef LT_TIDTAB_H
#define LT_TIDTAB_H

#include <stddef.h>
#include <linux/types.h>

#define LT_TIDTAB_BUCKETS 4096
#define LT_TIDTAB_RECENT 64

struct lt_tidnode {
	struct lt_tidnode *hnext;		/* hash chain */
	struct lt_tidnode *prev, *next;		/* first-seen order */
	__u32 tid;
};

struct lt_tidtab {
	struct lt_tidnode *buckets[LT_TIDTAB_BUCKETS];
	/* The last record found per tid % LT_TIDTAB_RECENT: a few tasks make most events, and
	 * a hash chain walk per event showed in `stats`. */
	struct lt_tidnode *recent[LT_TIDTAB_RECENT];
	struct lt_tidnode *head, *tail;		/* oldest first */
	size_t n;
};

struct lt_tidnode *lt_tidtab_find(struct lt_tidtab *tab, __u32 tid);
/* Appends n (not in the table) as the newest record for tid. */
void lt_tidtab_add(struct lt_tidtab *tab, struct lt_tidnode *n, __u32 tid);
/* Unlinks n; the caller frees its record. */
void lt_tidtab_del(struct lt_tidtab *tab, struct lt_tidnode *n);

#endif /* LT_TIDTAB_H */
