/* SPDX-License-Identifier: GPL-2.0 */
/* src/kmodel_bpf.h: the kernel model from kernel memory, through BPF (kmodel_bpf.c). */
#ifndef LT_KMODEL_BPF_H
#define LT_KMODEL_BPF_H

#include <stdbool.h>

#include "ksyms.h"
#include "probe.h"

/* Fills k->model from the VMCOREINFO note in kernel memory, found through kallsyms; false
 * with the reason appended to k->model.missing. Needs CAP_BPF + CAP_PERFMON. */
bool lt_kernel_read_layout_bpf(struct lt_kernel *k, const struct lt_ksyms *ks);

/* The whole model, as live, record, top and probe read it: the code's facts (the pending
 * flag's bit), the memory layout from /proc/kcore where it opens, else from kernel memory
 * through BPF, then applied to k. */
void lt_kernel_read_model(struct lt_kernel *k, const struct lt_ksyms *ks);

#endif /* LT_KMODEL_BPF_H */
