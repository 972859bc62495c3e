/* SPDX-License-Identifier: GPL-2.0 */
/*
 * src/progstats.h: --prog-stats: what each BPF program cost, per run, from the kernel's own
 * accounting (BPF_ENABLE_STATS: run count and run time of every program while the returned
 * descriptor is held; the accounting itself adds two clock reads per run). Where a per-event
 * path spends its time, program by program, to cut it.
 */
#ifndef LT_PROGSTATS_H
#define LT_PROGSTATS_H

#include <stdio.h>

struct bpf_object;

/* Turns the accounting on: a descriptor to close at the end, or -1 (said on log). */
int lt_progstats_enable(FILE *log);

/* One line per program of obj that ran: "lazytrace: prog NAME: N runs, T ns, T/N ns/run". */
void lt_progstats_print(struct bpf_object *obj, FILE *log);

#endif /* LT_PROGSTATS_H */
