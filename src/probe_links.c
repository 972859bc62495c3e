// SPDX-License-Identifier: GPL-2.0
/*
 * src/probe_links.c: the links lazytrace attached, and their kprobes' missed counts.
 *
 * The kernel counts a kprobe hit it could not handle in the kprobe itself (nmissed: it hit
 * while another kprobe ran on that CPU, e.g. in an interrupt taken during one of our
 * programs), and for a kretprobe also the calls whose return it could not catch (no free
 * instance). Neither reaches a BPF program, so neither shows as a hole in the sequence
 * numbers: this is where they are counted. bpf_link_info reports them for perf-event links
 * since Linux 6.7; the build host's <linux/bpf.h> may be older, so the part of the struct
 * read here is declared below (the kernel's uapi layout, include/uapi/linux/bpf.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "probe_links.h"

#define LINK_TYPE_PERF_EVENT	7	/* BPF_LINK_TYPE_PERF_EVENT */
#define PERF_EVENT_KPROBE	3	/* enum bpf_perf_event_type */
#define PERF_EVENT_KRETPROBE	4

/* struct bpf_link_info up to perf_event.kprobe.missed (6.7+). */
struct link_info_kprobe {
	__u32 type;
	__u32 id;
	__u32 prog_id;
	__u32 pad;		/* the union is 8-aligned */
	__u32 perf_type;	/* perf_event.type */
	__u32 pad2;
	__u64 func_name;	/* perf_event.kprobe: 0 = the name is not wanted */
	__u32 name_len;
	__u32 offset;
	__u64 addr;
	__u64 missed;
};
_Static_assert(sizeof(struct link_info_kprobe) == 56, "uapi layout");

int lt_probe_links_add(struct lt_probe_links *pl, struct bpf_link *l)
{
	if (pl->n == pl->cap) {
		size_t cap = pl->cap ? 2 * pl->cap : 64;
		struct bpf_link **n = realloc(pl->links, cap * sizeof(*n));

		if (!n) {
			bpf_link__destroy(l);
			return -1;
		}
		pl->links = n;
		pl->cap = cap;
	}
	pl->links[pl->n++] = l;
	return 0;
}

void lt_probe_links_free(struct lt_probe_links *pl)
{
	for (size_t i = 0; i < pl->n; i++)
		bpf_link__destroy(pl->links[i]);
	free(pl->links);
	memset(pl, 0, sizeof(*pl));
}

void lt_links_missed(struct bpf_link *const *links, size_t n, __u64 *kprobe, __u64 *kretprobe)
{
	for (size_t i = 0; i < n; i++) {
		struct link_info_kprobe info;
		__u32 len = sizeof(info);
		int fd = bpf_link__fd(links[i]);

		memset(&info, 0, sizeof(info));
		if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
			continue;	/* not a BPF link (a libbpf fallback): nothing to ask */
		if (info.type != LINK_TYPE_PERF_EVENT ||
		    (info.perf_type != PERF_EVENT_KPROBE && info.perf_type != PERF_EVENT_KRETPROBE))
			continue;
		if (info.perf_type == PERF_EVENT_KPROBE)
			*kprobe += info.missed;
		else
			*kretprobe += info.missed;
	}
}
