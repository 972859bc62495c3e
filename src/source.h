/* SPDX-License-Identifier: GPL-2.0 */
/* src/source.h: the source of the lazy MMU events, chosen once (src/source.c). */
#ifndef LT_SOURCE_H
#define LT_SOURCE_H

#include <stdio.h>
#include <linux/types.h>

#include "probe.h"
#include "sites.h"
#include "sites_attach.h"

struct lt_ksyms;

/* Where transitions, deferrals and flushes come from (--source). */
enum lt_source {
	LT_SOURCE_AUTO,		/* tracepoints if the kernel has ours, else DWARF sites if debug
				 * info is found, else probes */
	LT_SOURCE_TRACEPOINTS,	/* our kernel patch's lazy_mmu tracepoints */
	LT_SOURCE_DWARF,	/* kprobes at the inlined helpers the DWARF lists (probes+dwarf) */
	LT_SOURCE_PROBES,	/* function probes only, state read at each (stock kernels) */
};

/* --source VALUE of command cmd (as lt_cli_uint's: "top", or NULL); -1 after a one-line error. */
int lt_parse_source(const char *cmd, const char *s, enum lt_source *out);

/*
 * The source for this kernel (k: what lt_kernel_probe found): tracepoints (0, k unchanged),
 * DWARF sites (0, k->mode LT_MODE_DWARF, *t the site table, *kaslr the running _text minus
 * the table's), or the function probes. Returns 0 or an exit code after one line.
 */
int lt_choose_source(struct lt_kernel *k, enum lt_source source, const char *sites,
		     const char *debuginfo, const struct lt_ksyms *ks, struct lt_sitetab *t,
		     __s64 *kaslr, FILE *log);

/* What lt_sites_attach placed, and what the kernel refused, one line each. */
void lt_report_sites(const struct lt_sitetab *t, const struct lt_sites_attached *a, FILE *log);

#endif /* LT_SOURCE_H */
