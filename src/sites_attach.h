/* SPDX-License-Identifier: GPL-2.0 */
/* src/sites_attach.h: place the kprobes of a site table (src/sites_attach.c). */
#ifndef LT_SITES_ATTACH_H
#define LT_SITES_ATTACH_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#include "sites.h"

struct bpf_program;
struct bpf_link;

struct lt_sites_attached {
	size_t probed[LT_SITE_KIND_MAX];	/* sites placed, per kind */
	size_t moved;				/* placed at a later candidate instruction */
	struct bpf_link **links;
	size_t nlinks, cap;
};

/*
 * Places one kprobe per site at addr + kaslr (the running _text minus the table's):
 * site_prog (kprobe_site) for the helpers, access_prog (kprobe_access) for the clear_page /
 * copy_page call sites if access. Sites the kernel refuses are appended to t->refused with
 * the reason. 0, or -1 after a one-line error (no kprobe PMU, no privilege, no memory).
 */
int lt_sites_attach(struct lt_sitetab *t, __s64 kaslr, struct bpf_program *site_prog,
		    struct bpf_program *access_prog, bool access, __u32 access_index,
		    struct lt_sites_attached *a, FILE *log);
void lt_sites_detach(struct lt_sites_attached *a);

/* Sites placed, every kind. */
size_t lt_sites_probed(const struct lt_sites_attached *a);

#endif /* LT_SITES_ATTACH_H */
