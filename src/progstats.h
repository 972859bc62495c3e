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
#include <linux/types.h>

struct bpf_object;

/* Turns the accounting on: a descriptor to close at the end, or -1 (said on log). */
int lt_progstats_enable(FILE *log);

/* One line per program of obj that ran or missed:
 * "lazytrace: prog NAME: N runs, T ns, T/N ns/run, M recursion misses". */
void lt_progstats_print(struct bpf_object *obj, FILE *log);

/*
 * Events the kernel did not even run a program of obj for, since it was loaded: a BPF
 * program does not nest on one CPU, so an event that fires while the program runs there
 * (e.g. from an interrupt, or inside an allocation the program made) is skipped and counted
 * in its recursion_misses. Lost as surely as a full ring. Read whether or not --prog-stats.
 */
__u64 lt_prog_recursion_misses(struct bpf_object *obj);

#endif /* LT_PROGSTATS_H */
