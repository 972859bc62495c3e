/* SPDX-License-Identifier: GPL-2.0 */
/* src/sites_find.h: find the site table of the running kernel (src/sites_find.c). */
#ifndef LT_SITES_FIND_H
#define LT_SITES_FIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct lt_sitetab;

struct lt_sites_query {
	const char *sites;	/* --sites FILE, or NULL */
	const char *debuginfo;	/* --debuginfo FILE, or NULL: the distributions' places */
	const char *release;	/* uname -r */
	const char *build_id;	/* the running kernel's (hex), "" if unknown: not checked */
	bool no_cache;		/* neither read nor write the per-build-id cache */
};

/* Fills t. 0, or an exit code (LT_EXIT_NO_DEBUGINFO, LT_EXIT_BUILD_ID) with a one-line
 * reason in err. log (may be NULL) gets progress lines and cache warnings. */
int lt_sites_find(const struct lt_sites_query *q, struct lt_sitetab *t, FILE *log, char *err,
		  size_t errlen);

/* The GNU build id of an arm64 ELF file, as lowercase hex. 0, or -errno with a one-line
 * reason in err (-ENOEXEC: not an arm64 ELF; -ENODATA: no build id note). */
int lt_elf_build_id(const char *path, char *hex, size_t len, char *err, size_t errlen);

/* $LAZYTRACE_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/lazytrace. */
void lt_cache_dir(char *out, size_t len);

#endif /* LT_SITES_FIND_H */
