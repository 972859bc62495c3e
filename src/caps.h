/* SPDX-License-Identifier: GPL-2.0 */
/*
 * src/caps.h: least privilege. lazytrace needs CAP_BPF and CAP_PERFMON (BPF tracing programs,
 * kprobes through perf events); CAP_SYSLOG for kallsyms addresses (symbols, DWARF sites, the
 * kernel model through BPF); CAP_SYS_RAWIO only to read /proc/kcore, for which there is a
 * fallback. Root has them all. Once attached, it needs none of them.
 */
#ifndef LT_CAPS_H
#define LT_CAPS_H

#include <stdio.h>

/* 0 if CAP_BPF and CAP_PERFMON are effective; else 1 after one line on stderr naming what is
 * missing. */
int lt_caps_check(void);

/* Drops every capability (effective, permitted, inheritable, ambient): after attaching,
 * reading the ring buffer and writing files need none. Says so on log if it cannot. */
void lt_caps_drop_all(FILE *log);

#endif /* LT_CAPS_H */
