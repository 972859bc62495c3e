// SPDX-License-Identifier: GPL-2.0
/*
 * src/sites_attach.c: one kprobe per site of the table (probes+dwarf), placed by address.
 *
 * By address, not by name: GCC's local copies (`queue_pte_barriers`, `__set_ptes_anysz.
 * constprop.0`, ...) share names in kallsyms, and the kernel refuses an ambiguous symbol.
 * The kprobe PMU takes a raw address (config1 = 0, config2 = address); libbpf then links
 * the program to the perf event with the site's cookie. arm64 refuses kprobes on some
 * instructions: a refused site is retried at the next candidate the table lists (still in
 * the inlined range, before any state changes), else reported by name with the reason.
 */
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "lazytrace.h"
#include "sites.h"
#include "sites_attach.h"

static int kprobe_pmu_type(void)
{
	FILE *f = fopen("/sys/bus/event_source/devices/kprobe/type", "r");
	int type = -1;

	if (!f)
		return -1;
	if (fscanf(f, "%d", &type) != 1)
		type = -1;
	fclose(f);
	return type;
}

static int open_kprobe(int pmu, __u64 addr)
{
	struct perf_event_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = pmu;
	attr.config1 = 0;		/* no function name: config2 is an address */
	attr.config2 = addr;
	attr.sample_period = 1;
	attr.wakeup_events = 1;
	fd = syscall(__NR_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/* The event type a site reports, in the cookie (see kprobe_site in bpf/lazytrace.bpf.c). */
static int site_event_type(enum lt_site_kind k)
{
	switch (k) {
	case LT_SITE_ENABLE: return LT_ENABLE;
	case LT_SITE_DISABLE: return LT_DISABLE;
	case LT_SITE_PAUSE: return LT_PAUSE;
	case LT_SITE_RESUME: return LT_RESUME;
	case LT_SITE_DEFER: return LT_DEFER;
	case LT_SITE_FLUSH: return LT_FLUSH;
	default: return 0;
	}
}

static __u64 site_cookie(const struct lt_site *s, size_t index)
{
	__u64 c = (__u32)index | (__u64)site_event_type(s->kind) << 32;

	if (s->kind == LT_SITE_DEFER) {
		c |= (__u64)s->level << 40;
		if (s->entry_reg >= 0 && s->entry_reg <= 30)
			c |= (__u64)(s->entry_reg + 1) << 48;
		if (s->val_reg >= 0 && s->val_reg <= 30)
			c |= (__u64)(s->val_reg + 1) << 54;
		c |= (__u64)(s->cond & 3) << 60;
	}
	return c;
}

static int push_link(struct lt_sites_attached *a, struct bpf_link *l)
{
	if (lt_sites_grow((void **)&a->links, &a->cap, a->nlinks, sizeof(*a->links)))
		return -ENOMEM;
	a->links[a->nlinks++] = l;
	return 0;
}

/* Tries the site's candidates in order; the link, or NULL with the last error in *err. */
static struct bpf_link *attach_one(struct bpf_program *prog, int pmu, __u64 addr,
				   unsigned int tries, __u64 cookie, int *err, __u64 *placed)
{
	for (unsigned int i = 0; i < (tries ? tries : 1); i++) {
		LIBBPF_OPTS(bpf_perf_event_opts, po, .bpf_cookie = cookie);
		struct bpf_link *l;
		int fd = open_kprobe(pmu, addr + 4 * i);

		if (fd < 0) {
			*err = -fd;
			if (*err != EINVAL && *err != EILSEQ)
				return NULL;	/* not the instruction's fault: no use trying the next */
			continue;
		}
		l = bpf_program__attach_perf_event_opts(prog, fd, &po);
		if (!l) {
			*err = errno;
			close(fd);
			return NULL;
		}
		*placed = addr + 4 * i;
		return l;
	}
	return NULL;
}

int lt_sites_attach(struct lt_sitetab *t, __s64 kaslr, struct bpf_program *site_prog,
		    struct bpf_program *access_prog, bool access, __u32 access_index,
		    struct lt_sites_attached *a, FILE *log)
{
	size_t n = t->n;
	int pmu = kprobe_pmu_type();

	memset(a, 0, sizeof(*a));
	if (pmu < 0) {
		fprintf(stderr, "lazytrace: no kprobe PMU (/sys/bus/event_source/devices/kprobe): "
			"CONFIG_KPROBES and CONFIG_PERF_EVENTS are needed for probes+dwarf\n");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		const struct lt_site *s = &t->sites[i];
		bool is_access = s->kind == LT_SITE_CLEAR_PAGE || s->kind == LT_SITE_COPY_PAGE;
		struct bpf_program *prog = is_access ? access_prog : site_prog;
		struct bpf_link *l;
		__u64 placed = 0, cookie;
		int err = 0;
		char why[LT_SITE_NAME];

		if (s->kind == LT_SITE_ARCH_ENTER || s->kind == LT_SITE_ARCH_LEAVE) {
			if (lt_sites_add_refused(t, s, "TIF_LAZY_MMU kernels (6.16-6.19) are not supported yet"))
				return -1;
			continue;
		}
		if (is_access && !access)
			continue;
		/* Access call sites: argument 1 is in x0; copy_page's source (x1) as well. */
		cookie = is_access ? ((__u64)access_index << LT_ACCESS_INDEX_SHIFT) | LT_ACCESS_CALL_SITE :
				   site_cookie(s, i);
		l = attach_one(prog, pmu, s->addr + kaslr, s->tries, cookie, &err, &placed);
		if (l && s->kind == LT_SITE_COPY_PAGE) {
			struct bpf_link *l2;
			__u64 p2;

			if (push_link(a, l))
				return -1;
			l2 = attach_one(prog, pmu, placed, 1, cookie | 1, &err, &p2);
			l = l2;
		}
		if (!l) {
			if (err == EPERM || err == EACCES) {
				fprintf(stderr, "lazytrace: cannot place kprobes: %s (needs CAP_PERFMON "
					"and CAP_BPF, or root)\n", strerror(err));
				return -1;
			}
			snprintf(why, sizeof(why), "kprobe refused: %s", strerror(err));
			if (lt_sites_add_refused(t, s, why))
				return -1;
			continue;
		}
		if (push_link(a, l))
			return -1;
		a->probed[s->kind]++;
		if (placed != s->addr + kaslr)
			a->moved++;
	}
	(void)log;
	return 0;
}

size_t lt_sites_probed(const struct lt_sites_attached *a)
{
	size_t total = 0;

	for (int i = 0; i < LT_SITE_KIND_MAX; i++)
		total += a->probed[i];
	return total;
}

void lt_sites_detach(struct lt_sites_attached *a)
{
	for (size_t i = 0; i < a->nlinks; i++)
		bpf_link__destroy(a->links[i]);
	free(a->links);
	memset(a, 0, sizeof(*a));
}
