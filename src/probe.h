/* SPDX-License-Identifier: GPL-2.0 */
/* src/probe.h: what the running kernel offers for tracing lazy MMU mode, and which mode
 * lazytrace uses on it. */
#ifndef LT_PROBE_H
#define LT_PROBE_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#include "kmodel.h"

struct lt_ksyms;

/* Functions lazytrace probes, beyond the tracepoints. */
enum lt_fn {
	LT_FN_MAP_PAGES,	/* __kernel_map_pages (CONFIG_DEBUG_PAGEALLOC) */
	LT_FN_SET_VALID,	/* set_memory_valid */
	LT_FN_PTE_ENTRY,	/* pageattr_pte_entry (6.18+) */
	LT_FN_CHANGE_RANGE,	/* change_page_range (6.16, 6.17) */
	LT_FN_CLEAR_PAGE,	/* access probes: notrace, kprobes only */
	LT_FN_COPY_PAGE,
	LT_FN_MAX
};

extern const char *const lt_fn_names[LT_FN_MAX];

enum lt_mode {
	LT_MODE_NONE,		/* no arm64 lazy MMU mode: lazytrace cannot run */
	LT_MODE_TRACEPOINTS,	/* patched kernel: lazy_mmu tracepoints + probes */
	LT_MODE_STATE,		/* stock 7.0+: probes, nesting from task_struct.lazy_mmu_state */
	LT_MODE_FLAG,		/* stock 6.16-6.19: probes, TIF_LAZY_MMU flag only (no depth) */
	LT_MODE_DWARF,		/* kprobes at every inlined lazy MMU helper the kernel's DWARF
				 * lists (src/sites.h), state read at each */
};

struct lt_kernel {
	char release[65];
	char machine[65];
	char build_id[129];		/* GNU build id (/sys/kernel/notes), hex; "" if unknown */
	char nesting[16];		/* /sys/kernel/debug/lazy_mmu/nesting; "" if absent */
	int major, minor;
	bool btf;			/* /sys/kernel/btf/vmlinux */
	bool lazy_state;		/* task_struct.lazy_mmu_state in BTF */
	bool lazy_ended;		/* lazy_mmu_state.ended: nesting emulation (patch 0003) */
	bool tracepoints;		/* lazy_mmu_{enable,disable,pause,resume} */
	bool barrier_events;		/* lazy_mmu_{defer,flush} */
	bool fn_btf[LT_FN_MAX];		/* in BTF: fentry/fexit possible */
	bool fn_sym[LT_FN_MAX];		/* in kallsyms: kprobe possible */
	bool pte_masks;			/* struct page_change_data's masks and mm_walk.private
					 * in BTF: a per-PTE update known at its callback's entry */
	unsigned long long page_struct_size;	/* sizeof(struct page), from BTF */
	struct lt_kmodel model;		/* memory layout (src/kmodel.h) */
	unsigned int pending_bit;	/* TIF_LAZY_MMU_PENDING */
	int lazy_bit;			/* TIF_LAZY_MMU, -1 if none */
	enum lt_mode mode;
	char why[160];			/* LT_MODE_NONE: the reason */
};

/* Fills *k from uname, /sys/kernel/btf/vmlinux (or btf_path) and the kallsyms snapshot. */
void lt_kernel_probe(struct lt_kernel *k, const struct lt_ksyms *ks, const char *btf_path);
void lt_kernel_print(const struct lt_kernel *k, FILE *out);

#define LT_KMODEL_CODE_MAX 1024	/* bytes of LT_KMODEL_TIF_FUNC read at most */

/* Bytes from addr to the next kallsyms symbol, at most max. */
size_t lt_kernel_code_len(const struct lt_ksyms *ks, __u64 addr, size_t max);

/* Reads LT_KMODEL_TIF_FUNC's code from /proc/kcore (or kcore_path) into k->model's TIF fields;
 * k->model.tif_source says why not when it cannot. */
void lt_kernel_read_code(struct lt_kernel *k, const struct lt_ksyms *ks, const char *kcore_path);

/* Uses what the model read (the pending bit) in place of the layout's default. */
void lt_kernel_apply_model(struct lt_kernel *k);
const char *lt_mode_name(enum lt_mode m);

/* After lt_kernel_probe(), once per run: reads the memory layout from /proc/kcore (or
 * kcore_path) into k->model; false and
 * k->model.missing set if it cannot (then src/live.c asks BPF for the note). */
bool lt_kernel_read_layout(struct lt_kernel *k, const char *kcore_path);

#endif /* LT_PROBE_H */
