/* SPDX-License-Identifier: GPL-2.0 */
/* src/live.h: `lazytrace live`: BPF probes -> ring buffer -> reconstruction -> output. */
#ifndef LT_LIVE_H
#define LT_LIVE_H

#include <stdbool.h>
#include <stdio.h>

#include "lazytrace.h"
#include "recon.h"

struct lt_ksyms;

#define LT_MAX_ACCESS_PROBES 16

struct lt_access_probe {
	char func[128];
	unsigned int arg;	/* 0-based argument holding the virtual address */
	bool page;		/* the argument is a struct page *: its linear-map address */
	bool required;		/* given by the user: failing to attach is an error */
};

struct lt_live_opts {
	unsigned int duration_s;	/* 0: until Ctrl-C */
	__u32 pid;			/* 0: all */
	__u32 cpu;			/* (__u32)-1: all */
	char comm[LT_COMM_LEN];		/* "": all */
	unsigned int ringbuf_kb;	/* power of two, >= 4 */
	bool kprobes_only;		/* no fentry/fexit */
	bool all_accesses;		/* report accesses even with no barrier pending */
	int ready_fd;			/* write "ready" here once attached, -1: none */
	struct lt_access_probe access[LT_MAX_ACCESS_PROBES];
	int nr_access;
	const struct lt_ksyms *ksyms;
};

/* An output: the reconstruction's callbacks plus a summary at the end. */
struct lt_output {
	int kind;			/* enum lt_output_kind */
	struct lt_recon_ops ops;
	void *ctx;
	void (*summary)(void *ctx, const struct lt_stats *st);
};

/* Runs until Ctrl-C or the duration; returns the process exit status. */
int lt_live(const struct lt_live_opts *o, const struct lt_output *out, FILE *log);

#endif /* LT_LIVE_H */
