/* SPDX-License-Identifier: GPL-2.0 */
/*
 * src/probe_links.h: the BPF links lazytrace attached, kept so that it can detach them and
 * ask the kernel what its kprobes missed.
 */
#ifndef LT_PROBE_LINKS_H
#define LT_PROBE_LINKS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

struct bpf_link;

struct lt_probe_links {
	struct bpf_link **links;
	size_t n, cap;
};

/* Keeps l (destroyed by lt_probe_links_free). -1 if out of memory (l is destroyed). */
int lt_probe_links_add(struct lt_probe_links *pl, struct bpf_link *l);
void lt_probe_links_free(struct lt_probe_links *pl);

/*
 * Adds to *kprobe and *kretprobe what the kernel's kprobes behind links[0..n) missed since
 * they were attached (a perf link's kprobe.missed, Linux 6.7+): *kprobe for entry probes
 * (hit while another kprobe ran on the CPU), *kretprobe for return probes (the same, or no
 * free return instance: the kernel counts both in one). Links of other kinds count nothing; kernels before 6.7 leave
 * the count at 0 (lazytrace needs 6.16 or later).
 */
void lt_links_missed(struct bpf_link *const *links, size_t n, __u64 *kprobe, __u64 *kretprobe);

#endif /* LT_PROBE_LINKS_H */
