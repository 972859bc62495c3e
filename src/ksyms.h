/* SPDX-License-Identifier: GPL-2.0 */
/*
 * src/ksyms.h: a snapshot of /proc/kallsyms (text symbols only) to symbolize kernel
 * addresses as "sym+0x1c4". Read it once: /proc/kallsyms is slow under emulation.
 */
#ifndef LT_KSYMS_H
#define LT_KSYMS_H

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

/* "sym+0x1c4" ("sym+0x1c4 [module]" for a module), or "0x<hex>" if no symbol; returns buf. */
const char *lt_ksyms_format(const struct lt_ksyms *ks, __u64 addr, char *buf, size_t len);

#endif /* LT_KSYMS_H */
