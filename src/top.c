// SPDX-License-Identifier: GPL-2.0
/*
 * src/top.c: `lazytrace top`, the engine (see top.h): bpf/top.bpf.c loaded and attached to the
 * lazy_mmu tracepoints, its per-CPU maps read and summed every interval. Reading a per-CPU map
 * keeps kprobe programs from running on that CPU meanwhile (bpf_disable_instrumentation); the
 * tracepoint programs here are raw tracepoints (tp_btf), which that does not stop: reading
 * every interval misses nothing.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "caps.h"
#include "kmodel_bpf.h"
#include "probe.h"
#include "probe_links.h"
#include "progstats.h"
#include "top.h"
#include "top.skel.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

static void add_totals(struct lt_top_totals *d, const struct lt_top_totals *v)
{
	d->events += v->events;
	d->sections += v->sections;
	d->nested_sections += v->nested_sections;
	if (v->max_depth > d->max_depth)
		d->max_depth = v->max_depth;
	d->deferred_ptes += v->deferred_ptes;
	d->flushes += v->flushes;
	d->depth_overflow += v->depth_overflow;
	d->pend_overflow += v->pend_overflow;
	d->hist_overflow += v->hist_overflow;
	d->no_state += v->no_state;
	d->hazards_confirmed += v->hazards_confirmed;
	d->hazards_potential += v->hazards_potential;
	d->page_overflow += v->page_overflow;
	d->hazards_lost += v->hazards_lost;
	for (int h = 0; h < LT_TOP_HIST_NR; h++)
		d->hist_sum[h] += v->hist_sum[h];
}

/* Elements of the per-CPU arrays read with one bpf() call. */
#define READ_CHUNK 64

/*
 * Elements first..first+n-1 (n <= READ_CHUNK) of a per-CPU array map into vals, each one's
 * ncpu values of vsize bytes (a multiple of 8) after the other's: one batch lookup where the
 * kernel takes it, else (*batch cleared) one lookup per element, an element that cannot be
 * read zeroed. Every interval reads a thousand site slots and 192 histogram buckets; under
 * TCG each bpf() call costs tens of microseconds of the traced machine's CPU.
 */
static void read_percpu_range(int fd, __u32 first, __u32 n, size_t vsize, int ncpu, void *vals,
			      bool *batch)
{
	size_t stride = vsize * (size_t)ncpu;
	__u32 keys[READ_CHUNK], count = n, prev = first - 1, out;

	if (*batch) {
		int err = bpf_map_lookup_batch(fd, first ? &prev : NULL, &out, keys, vals, &count,
					       NULL);
		bool ok = (err == 0 || err == -ENOENT) && count == n;

		for (__u32 i = 0; ok && i < n; i++)
			ok = keys[i] == first + i;
		if (ok)
			return;
		*batch = false;
	}
	for (__u32 i = 0; i < n; i++) {
		__u32 k = first + i;
		char *v = (char *)vals + i * stride;

		if (bpf_map_lookup_elem(fd, &k, v))
			memset(v, 0, stride);
	}
}

/* Everything the maps hold now, summed over the CPUs. 0, or -errno. */
static int read_snap(struct top_bpf *s, int ncpu, struct lt_top_snap *snap)
{
	struct lt_top_site *sv = calloc(ncpu, sizeof(*sv));
	struct lt_top_totals *tv = calloc(ncpu, sizeof(*tv));
	__u64 *hv = calloc((size_t)ncpu * READ_CHUNK, sizeof(*hv));
	struct lt_top_slot *sl = NULL;
	int fd_sites = bpf_map__fd(s->maps.sites), err = 0;
	__u64 key, next, *prev = NULL;
	__u32 zero = 0;
	bool batch = true;

	memset(snap, 0, sizeof(*snap));
	if (!sv || !tv || !hv) {
		err = -ENOMEM;
		goto out;
	}
	snap->mono_ns = mono_ns();
	if (bpf_map_lookup_elem(bpf_map__fd(s->maps.totals), &zero, tv) == 0)
		for (int c = 0; c < ncpu; c++)
			add_totals(&snap->t, &tv[c]);
	_Static_assert(LT_TOP_HIST_NR * LT_TOP_HIST_SLOTS % READ_CHUNK == 0, "whole chunks");
	for (__u32 k0 = 0; k0 < LT_TOP_HIST_NR * LT_TOP_HIST_SLOTS; k0 += READ_CHUNK) {
		read_percpu_range(bpf_map__fd(s->maps.hist), k0, READ_CHUNK, sizeof(*hv), ncpu, hv,
				  &batch);
		for (__u32 i = 0; i < READ_CHUNK; i++) {
			__u32 k = k0 + i;

			for (int c = 0; c < ncpu; c++)
				snap->hist[k / LT_TOP_HIST_SLOTS][k % LT_TOP_HIST_SLOTS] +=
					hv[(size_t)i * ncpu + c];
		}
	}
	/* the slots: each CPU's copy may hold another site */
	sl = calloc((size_t)ncpu * READ_CHUNK, sizeof(*sl));
	if (!sl) {
		err = -ENOMEM;
		goto out;
	}
	_Static_assert(LT_TOP_SITE_SLOTS % READ_CHUNK == 0, "whole chunks");
	_Static_assert(sizeof(struct lt_top_slot) % 8 == 0, "a per-CPU value as the kernel lays it");
	for (__u32 k0 = 0; k0 < LT_TOP_SITE_SLOTS; k0 += READ_CHUNK) {
		read_percpu_range(bpf_map__fd(s->maps.site_slots), k0, READ_CHUNK, sizeof(*sl), ncpu,
				  sl, &batch);
		for (size_t j = 0; j < (size_t)ncpu * READ_CHUNK; j++)
			if (sl[j].tag && lt_top_snap_merge(snap, sl[j].tag & ~1ULL, &sl[j].v)) {
				err = -ENOMEM;
				goto out;
			}
	}
	snap->sites_full = s->bss->sites_full;
	snap->lost_recursion = lt_prog_recursion_misses(s->obj);
	snap->hazards = s->rodata->hazards;
	snap->sites = bpf_program__autoload(s->progs.top_site);
	while (bpf_map_get_next_key(fd_sites, prev, &next) == 0) {
		struct lt_top_site sum = { 0 };

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd_sites, &key, sv))
			continue;	/* gone meanwhile: entries are never deleted */
		for (int c = 0; c < ncpu; c++)
			lt_top_site_add(&sum, &sv[c]);
		if (lt_top_snap_merge(snap, key, &sum)) {
			err = -ENOMEM;
			goto out;
		}
	}
out:
	free(sv);
	free(tv);
	free(hv);
	free(sl);
	return err;
}

static int open_and_load(struct top_bpf **sp, const struct lt_top_opts *o, const struct lt_kernel *k,
			 bool dwarf)
{
	struct top_bpf *s = top_bpf__open();
	int err;

	if (!s)
		return -errno;
	s->rodata->filter_pid = o->pid;
	memcpy((char *)s->rodata->filter_comm, o->comm, LT_COMM_LEN);
	s->rodata->hazards = o->hazards;
	s->rodata->pending_bit = k->pending_bit;
	if (k->model.page_shift)
		s->rodata->page_shift = k->model.page_shift;
	s->rodata->nesting_noflush = !strcmp(k->nesting, "noflush");
	/* The tracepoints, or the DWARF sites' kprobe program (attached by lt_sites_attach). */
	bpf_program__set_autoload(s->progs.top_enable, !dwarf);
	bpf_program__set_autoload(s->progs.top_disable, !dwarf);
	bpf_program__set_autoload(s->progs.top_pause, !dwarf);
	bpf_program__set_autoload(s->progs.top_resume, !dwarf);
	bpf_program__set_autoload(s->progs.top_defer, !dwarf);
	bpf_program__set_autoload(s->progs.top_flush, !dwarf);
	bpf_program__set_autoload(s->progs.top_site, dwarf);
	/* The switch-out: without --hazards it puts the running task's state back in its task
	 * storage (attached first, below); with them it also drops its kept pages. */
	bpf_program__set_autoattach(s->progs.top_switch, false);
	/* Without --hazards, nothing else: nothing else costs the traced code. */
	bpf_program__set_autoload(s->progs.top_pte_entry, o->hazards);
	bpf_program__set_autoload(s->progs.top_access, o->hazards);
	bpf_program__set_autoload(s->progs.top_map_pages, o->hazards);
	bpf_program__set_autoload(s->progs.top_map_pages_ret, o->hazards);
	bpf_program__set_autoload(s->progs.top_set_valid_ret, o->hazards);
	bpf_program__set_autoload(s->progs.top_pte_exit, o->hazards && dwarf);
	err = top_bpf__load(s);
	if (err) {
		top_bpf__destroy(s);
		return err;
	}
	*sp = s;
	return 0;
}

/*
 * --hazards: the access probes, each a kprobe with the argument that holds the address as its
 * cookie (clear_page(to), copy_page(to, from)). A kernel that refuses them (notrace) leaves
 * only the potential hazards: said once. The links go to *pl.
 */
static int attach_access(struct top_bpf *s, struct lt_probe_links *pl)
{
	static const struct { const char *func; unsigned int arg; } probes[] = {
		{ "clear_page", 0 }, { "copy_page", 0 }, { "copy_page", 1 },
	};
	int attached = 0;

	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		LIBBPF_OPTS(bpf_kprobe_opts, kopts, .bpf_cookie = probes[i].arg);
		struct bpf_link *l = bpf_program__attach_kprobe_opts(s->progs.top_access,
								     probes[i].func, &kopts);

		if (!l) {
			fprintf(stderr, "lazytrace top: access probe %s unavailable (%s): accesses "
				"through it are not checked\n", probes[i].func, strerror(errno));
			continue;
		}
		if (lt_probe_links_add(pl, l))
			return -ENOMEM;
		attached++;
	}
	return attached;
}

static int on_hazard(void *ctx, void *data, size_t size)
{
	struct lt_top_hzlist *l = ctx;

	if (size < sizeof(struct lt_top_hazard))
		return 0;
	return lt_top_hzlist_add(l, data) ? -ENOMEM : 0;
}

/* Prints the interval now - prev (and the totals now); now becomes prev. */
static int report(struct lt_top_snap *prev, struct lt_top_snap *now, const struct lt_top_opts *o,
		  const struct lt_top_hzlist *hz, __u64 start_ns, unsigned long seq, bool final,
		  bool clear)
{
	struct lt_top_snap iv;
	double iv_s = (double)(now->mono_ns - prev->mono_ns) / 1e9;

	if (lt_top_snap_diff(now, prev, &iv)) {
		lt_top_snap_free(&iv);
		lt_top_snap_free(now);
		return -ENOMEM;
	}
	lt_top_snap_finish(&iv, o->ksyms, o->by);
	lt_top_snap_free(prev);
	*prev = *now;	/* by site, unnamed: the next interval subtracts from it */
	{
		struct lt_top_snap cum = *now;

		/* the totals named and grouped on a copy: prev keeps raw sites */
		cum.v = malloc((now->n ? now->n : 1) * sizeof(*cum.v));
		if (!cum.v) {
			lt_top_snap_free(&iv);
			return -ENOMEM;
		}
		memcpy(cum.v, now->v, now->n * sizeof(*cum.v));
		cum.cap = now->n;
		lt_top_snap_finish(&cum, o->ksyms, o->by);
		if (o->json)
			lt_top_print_json(stdout, &iv, &cum, hz, iv_s,
					  (double)(now->mono_ns - start_ns) / 1e9, seq, o, final);
		else
			lt_top_print_text(stdout, &iv, &cum, hz, iv_s, o, final, clear);
		/* A failed write is said and tried again next interval. */
		if (o->openmetrics)
			lt_top_write_openmetrics(o->openmetrics, &cum, o->by, stderr);
		lt_top_snap_free(&cum);
	}
	lt_top_snap_free(&iv);
	return 0;
}

int lt_top_run(const struct lt_top_opts *o)
{
	struct top_bpf *s = NULL;
	struct lt_top_snap prev = { 0 }, now;
	struct lt_probe_links links = { 0 };
	struct lt_top_hzlist hz = { 0 };
	struct ring_buffer *rb = NULL;
	struct lt_kernel k;
	struct lt_sitetab sites = { 0 };
	struct lt_sites_attached att = { 0 };
	__s64 kaslr = 0;
	FILE *log = NULL;
	bool dwarf;
	__u64 start, deadline, next;
	unsigned long seq = 0;
	int stats_fd = -1;
	bool tty = isatty(STDOUT_FILENO) && !o->json;
	int ncpu, err, ret = 1;

	lt_kernel_probe(&k, o->ksyms, NULL);
	if (k.mode == LT_MODE_NONE) {
		fprintf(stderr, "lazytrace: %s\n", k.why);
		return 1;
	}
	log = o->verbose ? stderr : fopen("/dev/null", "w");
	if (!log) {
		fprintf(stderr, "lazytrace: /dev/null: %s\n", strerror(errno));
		return 1;
	}
	err = lt_choose_source(&k, o->source, o->sites, o->debuginfo, o->ksyms, &sites, &kaslr, log);
	if (err) {
		ret = err;
		goto out;
	}
	dwarf = k.mode == LT_MODE_DWARF;
	if (!dwarf && (!k.tracepoints || !k.barrier_events)) {
		fprintf(stderr, "lazytrace top: this kernel has no lazy_mmu tracepoints (they come with "
			"kernel-patch/) and no DWARF sites were found for it (--sites, --debuginfo); "
			"top counts from one or the other in the kernel (live and record work without "
			"them)\n");
		goto out;
	}
	if (lt_caps_check())
		goto out;
	ncpu = libbpf_num_possible_cpus();
	if (ncpu <= 0) {
		fprintf(stderr, "lazytrace: cannot count the CPUs: %s\n", strerror(-ncpu));
		goto out;
	}
	if (o->hazards || dwarf)	/* the pending flag's bit and the page size */
		lt_kernel_read_model(&k, o->ksyms);
	err = open_and_load(&s, o, &k, dwarf);
	if (err) {
		fprintf(stderr, "lazytrace: cannot load BPF programs: %s%s\n", strerror(-err),
			err == -EPERM ? " (run as root, or with CAP_BPF and CAP_PERFMON)" :
			" (-v shows libbpf's log)");
		goto out;
	}
	/* on before the first program can run: every run while attached is counted */
	if (o->prog_stats)
		stats_fd = lt_progstats_enable(stderr);
	/* sched_switch before any lazy MMU program: a task's state moves into its CPU's slot
	 * only where its switch-out will move it back (bpf/top.bpf.c, top_state.owner) */
	s->links.top_switch = bpf_program__attach(s->progs.top_switch);
	err = s->links.top_switch ? 0 : -errno;
	if (!err)
		err = top_bpf__attach(s);
	if (err) {
		fprintf(stderr, "lazytrace: cannot attach %s: %s\n", o->hazards ?
			"to the lazy_mmu tracepoints, sched_switch and the page attribute functions" :
			"to the lazy_mmu tracepoints and sched_switch", strerror(-err));
		goto out;
	}
	if (dwarf) {
		/* with --hazards, the table's clear_page/copy_page call sites are the access probes */
		if (lt_sites_attach(&sites, kaslr, s->progs.top_site, s->progs.top_access, o->hazards, 0,
				    &att, log))
			goto out;
		lt_report_sites(&sites, &att, log);
		if (!o->verbose)	/* what top counts from, and what it cannot see, in one line */
			fprintf(stderr, "lazytrace top: %zu DWARF sites from %s, %zu not probed%s\n",
				lt_sites_probed(&att), sites.source, sites.nrefused,
				sites.nrefused ? " (-v lists them)" : "");
	}
	if (o->hazards) {
		if (!dwarf && attach_access(s, &links) < 0)
			goto nomem;
		rb = ring_buffer__new(bpf_map__fd(s->maps.hazard_ring), on_hazard, &hz, NULL);
		if (!rb) {
			fprintf(stderr, "lazytrace: cannot read the hazard ring buffer: %s\n",
				strerror(errno));
			goto out;
		}
	}
	if (o->openmetrics) {	/* from the start, and a path that cannot be written: exit 1 */
		struct lt_top_snap zero = { 0 };

		if (lt_top_write_openmetrics(o->openmetrics, &zero, o->by, stderr))
			goto out;
	}
	lt_caps_drop_all(stderr);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (o->ready_fd >= 0) {
		if (write(o->ready_fd, "ready\n", 6) < 0)
			fprintf(stderr, "lazytrace: cannot signal readiness: %s\n", strerror(errno));
		close(o->ready_fd);
	}
	start = mono_ns();
	prev.mono_ns = start;
	deadline = o->duration_s > 0 ? start + (__u64)(o->duration_s * 1e9) : 0;
	next = start + (__u64)(o->interval_s * 1e9);
	while (!stop) {
		struct timespec nap = { 0, 50 * 1000 * 1000 };
		__u64 t = mono_ns();

		if (deadline && t >= deadline)
			break;
		if (t < next) {
			if (rb) {
				if (ring_buffer__poll(rb, 50) < 0 && errno != EINTR && !stop)
					goto nomem;
			} else {
				nanosleep(&nap, NULL);
			}
			continue;
		}
		next += (__u64)(o->interval_s * 1e9);
		/* the records first: a hazard in the counts has its record in this interval */
		if (rb && ring_buffer__consume(rb) < 0)
			goto nomem;
		if (read_snap(s, ncpu, &now)) {
			lt_top_snap_free(&now);
			goto nomem;
		}
		if (report(&prev, &now, o, rb ? &hz : NULL, start, ++seq, false, tty))
			goto nomem;
		lt_top_hzlist_clear(&hz);
		if (o->once)
			break;
	}
	/* The totals since the start, and what came since the last table. */
	if (rb && ring_buffer__consume(rb) < 0)
		goto nomem;
	if (read_snap(s, ncpu, &now)) {
		lt_top_snap_free(&now);
		goto nomem;
	}
	if (report(&prev, &now, o, rb ? &hz : NULL, start, ++seq, true, false))
		goto nomem;
	if (o->prog_stats)
		lt_progstats_print(s->obj, stderr);
	ret = 0;
	goto out;
nomem:
	fprintf(stderr, "lazytrace: out of memory\n");
out:
	if (stats_fd >= 0)
		close(stats_fd);
	lt_top_snap_free(&prev);
	ring_buffer__free(rb);
	lt_top_hzlist_free(&hz);
	lt_probe_links_free(&links);
	lt_sites_detach(&att);
	lt_sites_free(&sites);
	top_bpf__destroy(s);
	if (log && log != stderr)
		fclose(log);
	return ret;
}
