/* SPDX-License-Identifier: GPL-2.0 */
/*
 * src/ksyms.h: a snapshot of /proc/kallsyms (text symbols only) to symbolize kernel
 * addresses as "sym+0x1c4". Read it once: /proc/kallsyms is slow under emulation.
 */
#ifndef LT_KSYMS_H
#define LT_KSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct lt_ksyms;

/* Loads a kallsyms file (normally "/proc/kallsyms"). NULL and errno on failure. Addresses
 * that read as zero (kptr_restrict) are skipped: the table may then be empty. */
struct lt_ksyms *lt_ksyms_load(const char *path);

/* The same from text in memory ("ffff800080010000 T _stext\n" lines, optional "\t[mod]"). */
struct lt_ksyms *lt_ksyms_from_buffer(const char *buf, size_t len);

void lt_ksyms_free(struct lt_ksyms *ks);

/* Number of text symbols (t, T, w, W) kept. */
size_t lt_ksyms_count(const struct lt_ksyms *ks);

/* The nearest text symbol at or below addr and the offset into it; NULL if none (below the
 * first symbol, 1 MiB or more past the nearest one, or ks NULL). */
const char *lt_ksyms_lookup(const struct lt_ksyms *ks, __u64 addr, __u64 *offset);

/* Address of a text symbol by exact name, 0 if absent. Linear: for a few names at start. */
__u64 lt_ksyms_addr(const struct lt_ksyms *ks, const char *name);

/* Address of one of the few data symbols the snapshot keeps (vmcoreinfo_data,
 * vmcoreinfo_size: built-in only), 0 if absent or not one of those. */
__u64 lt_ksyms_data_addr(const struct lt_ksyms *ks, const char *name);

/* "sym+0x1c4" ("sym+0x1c4 [module]" for a module), or "0x<hex>" if no symbol; returns buf. */
const char *lt_ksyms_format(const struct lt_ksyms *ks, __u64 addr, char *buf, size_t len);

/* --- A table built symbol by symbol (the symbols of a trace file). */

/* An empty table; NULL on ENOMEM. */
struct lt_ksyms *lt_ksyms_new(void);

/* Adds a text symbol (name_len > 0, no NUL in name or mod; mod_len 0: built in). Call
 * lt_ksyms_sort() before the next lookup. 0, -EINVAL (bad arguments, addr 0) or -ENOMEM. */
int lt_ksyms_add(struct lt_ksyms *ks, __u64 addr, const char *name, size_t name_len,
		 const char *mod, size_t mod_len);
void lt_ksyms_sort(struct lt_ksyms *ks);

/* The symbol lt_ksyms_lookup() finds for addr: its address, name and module ("" if built
 * in); any pointer may be NULL. false if none. */
bool lt_ksyms_resolve(const struct lt_ksyms *ks, __u64 addr, __u64 *sym_addr, const char **name,
		      const char **mod);

/* As lt_ksyms_format, without "+0x0" at a symbol's start: a probed function's name. */
const char *lt_ksyms_func(const struct lt_ksyms *ks, __u64 addr, char *buf, size_t len);

#endif /* LT_KSYMS_H */
