/* SPDX-License-Identifier: GPL-2.0 */
/* src/live.h: `lazytrace live`: BPF probes -> ring buffer -> reconstruction -> output. */
#ifndef LT_LIVE_H
#define LT_LIVE_H

#include <stdbool.h>
#include <stdio.h>

#include "lazytrace.h"
#include "source.h"
#include "kmodel.h"
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
	enum lt_source source;
	const char *debuginfo;		/* --debuginfo FILE */
	const char *sites;		/* --sites FILE */
	unsigned int duration_s;	/* 0: until Ctrl-C */
	__u32 pid;			/* 0: all */
	__u32 cpu;			/* (__u32)-1: all */
	char comm[LT_COMM_LEN];		/* "": all */
	unsigned int ringbuf_kb;	/* power of two, >= 4 */
	bool kprobes_only;		/* no fentry/fexit */
	bool all_accesses;		/* report accesses even with no barrier pending */
	bool no_fold;			/* a record per call and update (include/lazytrace.h) */
	bool pte_at_return;		/* per-PTE updates read at the callback's return, not
					 * computed at its entry from the walk's masks */
	int ready_fd;			/* write "ready" here once attached, -1: none */
	bool prog_stats;		/* at the end, each BPF program's cost (progstats.h) */
	unsigned int batch;		/* records a CPU sends to the ring buffer together,
					 * 1-16; 0: 16 (bpf/lazytrace.bpf.c, the stage) */
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

/* What was traced and how: for outputs and the trace file header. */
struct lt_session {
	char release[65];
	int mode;			/* enum lt_mode */
	enum lt_defer_source defer_source;
	char nesting[16];		/* the kernel's nesting emulation, "" if none (nested) */
	char attach[1024];		/* e.g. "tp_btf:lazy_mmu+barriers fentry:set_memory_valid" */
	struct lt_kmodel model;		/* the kernel's memory layout */
	bool folded;			/* records may be folded (include/lazytrace.h, ABI 2) */
};

/* Where the records go: the reconstruction (live) or a trace file (record). */
struct lt_consumer {
	void *ctx;
	int (*start)(void *ctx, const struct lt_session *ses);	/* probes attached; may be NULL */
	int (*event)(void *ctx, const struct lt_event *ev, const __u64 *frames);
	/* count records went missing, noticed at ts: every cause, as the BPF side and the
	 * kernel count them (the ring buffer full, recursion, kprobe misses, ...) */
	void (*dropped)(void *ctx, enum lt_lost_cause cause, __u64 ts, __u64 count);
	int (*tick)(void *ctx);		/* about every 100 ms; may be NULL */
};

/* Load, attach and consume until Ctrl-C or the duration; fills *ses. Returns the exit status. */
int lt_live(const struct lt_live_opts *o, const struct lt_consumer *sink,
	    struct lt_session *ses, FILE *log);

#endif /* LT_LIVE_H */
