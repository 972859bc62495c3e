/* SPDX-License-Identifier: GPL-2.0 */
/*
 * src/sink_names.h: the names of code addresses ("sym+0x1c4"), formatted once per address. A
 * dump names the same few dozen call sites millions of times; a binary search and an
 * snprintf per item was most of what the sinks did besides printing.
 *
 * A name is what lt_ksyms_format() writes into a buffer of LT_SYMCACHE_LEN bytes; a sink
 * with a smaller buffer cuts it as snprintf would. Symbols added to the table (the trace
 * file's, chunk by chunk) drop every cached name.
 */
#ifndef LT_SINK_NAMES_H
#define LT_SINK_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct lt_ksyms;

#define LT_SYMCACHE_LEN		192	/* the largest buffer a sink formats a site into */
#define LT_SYMCACHE_SLOTS	1024	/* direct-mapped */

struct lt_symcache_slot {
	__u64 ip;
	__u32 gen;		/* valid if the cache's */
	__u16 len;
	char s[LT_SYMCACHE_LEN];
};

struct lt_symcache {
	const struct lt_ksyms *ks;
	size_t nsyms;		/* symbols in ks when the names were formatted */
	__u32 gen;
	struct lt_symcache_slot slot[LT_SYMCACHE_SLOTS];
};

/* A zeroed cache for ks (may be NULL: every address is "0x..."). */
void lt_symcache_init(struct lt_symcache *c, const struct lt_ksyms *ks);

/*
 * ip's name as lt_ksyms_format(ks, ip, buf, bufsize) would give it, bufsize <=
 * LT_SYMCACHE_LEN: *len bytes (no NUL), valid until the next call. func: as
 * lt_ksyms_func() (no "+0x0" at a symbol's start).
 */
const char *lt_symcache_name(struct lt_symcache *c, __u64 ip, size_t bufsize, bool func,
			     size_t *len);

#endif /* LT_SINK_NAMES_H */
