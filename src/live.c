// SPDX-License-Identifier: GPL-2.0
/*
 * src/live.c: `lazytrace live`: load bpf/lazytrace.bpf.c for what the running kernel offers,
 * consume its ring buffer and drive the reconstruction and an output sink until Ctrl-C or
 * --duration.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lazytrace.h"
#include "lazytrace.skel.h"
#include "caps.h"
#include "kmodel_bpf.h"
#include "ksyms.h"
#include "live.h"
#include "progstats.h"
#include "probe.h"
#include "recon.h"
#include "sites.h"
#include "sites_attach.h"
#include "probe_links.h"
#include "sites_find.h"
#include "source.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* How each probed function is attached; reported at start. */
/* HOW_*_ENTRY: the per-PTE callback's fentry or kprobe alone, the update from the walk's masks */
enum how { HOW_NONE, HOW_FENTRY, HOW_KPROBE, HOW_FENTRY_ENTRY, HOW_KPROBE_ENTRY };

struct plan {
	enum how fn[LT_FN_MAX];
};

struct consumer {
	const struct lt_consumer *sink;
	__u64 bad_records;
};

/*
 * One ring-buffer sample: one or more records back to back (bpf/lazytrace.bpf.c sends its
 * CPU's staged records together), each an lt_event and its nr_frames stack frames.
 */
static int on_record(void *ctx, void *data, size_t size)
{
	struct consumer *c = ctx;

	while (size) {
		const struct lt_event *ev = data;
		const __u64 *frames = NULL;
		size_t len = sizeof(*ev);

		if (size < sizeof(*ev)) {
			c->bad_records++;
			return 0;
		}
		if (ev->nr_frames) {
			len += ev->nr_frames * sizeof(__u64);
			if (size < len) {
				c->bad_records++;
				return 0;
			}
			frames = (const __u64 *)(ev + 1);
		}
		if (c->sink->event(c->sink->ctx, ev, frames) < 0)
			c->bad_records++;
		data = (char *)data + len;
		size -= len;
	}
	return 0;
}

/*
 * Sends what each CPU has staged and not sent yet (flush_stage, run on that CPU): a CPU that
 * stays in one task sends its stage only when full. Offline CPUs have nothing staged. At the
 * end (all), a CPU whose flush interrupted a program writing a record is asked again, or
 * that record and those staged before it would never go out; it is done within microseconds.
 * A kernel that refuses the run is reported once: up to 15 records a CPU (its stage, in
 * bpf/lazytrace.bpf.c) then wait for that CPU's next switch, and may be left out at the end.
 */
static void flush_stages(const struct lazytrace_bpf *s, int ncpus, bool all, FILE *log)
{
	static bool reported;

	for (int cpu = 0; cpu < ncpus; cpu++) {
		for (int tries = 0; tries < 1000; tries++) {
			LIBBPF_OPTS(bpf_test_run_opts, opts, .flags = BPF_F_TEST_RUN_ON_CPU, .cpu = cpu);
			int err = bpf_prog_test_run_opts(bpf_program__fd(s->progs.flush_stage), &opts);

			if (err && errno != ENXIO && !reported) {
				fprintf(log, "lazytrace: cannot run the flush program on CPU %d (%s): records "
					"staged there go out at its next context switch\n", cpu, strerror(errno));
				reported = true;
			}
			if (err || !opts.retval || !all)
				break;
			usleep(100);
		}
	}
}

/* Records the ring buffer could not take, summed over the CPUs: read from the mapped .bss
 * (no syscall: see lost_per_cpu in bpf/lazytrace.bpf.c). */
static __u64 read_lost(const struct lazytrace_bpf *s)
{
	size_t n = sizeof(s->bss->lost_per_cpu) / sizeof(s->bss->lost_per_cpu[0]);
	__u64 total = 0;

	for (size_t i = 0; i < n; i++)
		total += __atomic_load_n(&s->bss->lost_per_cpu[i], __ATOMIC_RELAXED);
	return total;
}

static __u64 now_ns(void);

/* Drops as counted where they happen, summed since the start: by cause (enum lt_lost_cause). */
struct drops {
	__u64 n[LT_LOST_CAUSES];
};

static void read_drops(struct lazytrace_bpf *s, const struct lt_probe_links *pl,
		       const struct lt_sites_attached *sites, struct drops *d)
{
	memset(d, 0, sizeof(*d));
	d->n[LT_LOST_RING_FULL] = read_lost(s);
	/* with the folded returns their skipped carriers took along (bpf/lazytrace.bpf.c) */
	d->n[LT_LOST_RECURSION] = lt_prog_recursion_misses(s->obj) +
				  __atomic_load_n(&s->bss->lost_folded_skipped, __ATOMIC_RELAXED);
	d->n[LT_LOST_MAP_FULL] = __atomic_load_n(&s->bss->lost_map_full, __ATOMIC_RELAXED);
	d->n[LT_LOST_NAME] = __atomic_load_n(&s->bss->lost_names, __ATOMIC_RELAXED);
	lt_links_missed(pl->links, pl->n, &d->n[LT_LOST_KPROBE], &d->n[LT_LOST_KRETPROBE]);
	lt_links_missed(sites->links, sites->nlinks, &d->n[LT_LOST_KPROBE],
			&d->n[LT_LOST_KRETPROBE]);
}

/* One line at the end, if anything went missing: every cause that counted. */
static void report_drops(const struct drops *d, FILE *log)
{
	static const char *const what[LT_LOST_CAUSES] = {
		[LT_LOST_RING_FULL] = "with the ring buffer full",
		[LT_LOST_RECURSION] = "while another BPF program ran on the CPU",
		[LT_LOST_KPROBE] = "kprobe hits missed",
		[LT_LOST_KRETPROBE] = "kretprobe returns missed",
		[LT_LOST_MAP_FULL] = "PTE updates with the argument map full",
		[LT_LOST_NAME] = "of them task names",
	};
	__u64 total = 0;
	bool first = true;

	for (int c = 0; c < LT_LOST_CAUSES; c++)
		if (c != LT_LOST_NAME)
			total += d->n[c];
	if (!total)
		return;
	fprintf(log, "lazytrace: %llu events lost:", (unsigned long long)total);
	for (int c = 0; c < LT_LOST_CAUSES; c++) {
		if (!d->n[c] || !what[c])
			continue;
		fprintf(log, "%s %llu %s", first ? "" : ",", (unsigned long long)d->n[c], what[c]);
		first = false;
	}
	fputc('\n', log);
}

/* New drops since the last call, by cause, to the sink. */
static void report_losses(struct lazytrace_bpf *s, const struct lt_consumer *sink,
			  const struct lt_probe_links *pl, const struct lt_sites_attached *sites,
			  struct drops *seen)
{
	struct drops now;

	read_drops(s, pl, sites, &now);
	for (int c = 0; c < LT_LOST_CAUSES; c++) {
		if (now.n[c] > seen->n[c]) {
			sink->dropped(sink->ctx, c, now_ns(), now.n[c] - seen->n[c]);
			seen->n[c] = now.n[c];
		}
	}
}

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* fentry where the function is in BTF (unless --kprobes), kprobe where it is in kallsyms. */
static void make_plan(const struct lt_kernel *k, const struct lt_live_opts *o, bool kprobes_only,
		      struct plan *p)
{
	for (int f = 0; f < LT_FN_MAX; f++) {
		if (k->fn_btf[f] && !kprobes_only && f != LT_FN_CLEAR_PAGE && f != LT_FN_COPY_PAGE)
			p->fn[f] = HOW_FENTRY;
		else if (k->fn_sym[f] || k->fn_btf[f])
			p->fn[f] = HOW_KPROBE;
		else
			p->fn[f] = HOW_NONE;
	}
	/* One per-PTE callback: the newer one if both exist. */
	if (p->fn[LT_FN_PTE_ENTRY] != HOW_NONE)
		p->fn[LT_FN_CHANGE_RANGE] = HOW_NONE;
	/*
	 * Its update known at its entry: no return probe (bpf/lazytrace.bpf.c, pte_masks_entry).
	 * With --no-fold fentry keeps its fexit: a record of each update as read after it, in
	 * order after its deferral's (a kprobe cannot read it after without a kretprobe).
	 */
	for (int f = LT_FN_PTE_ENTRY; f <= LT_FN_CHANGE_RANGE; f++) {
		if (!k->pte_masks || o->pte_at_return)
			break;
		if (p->fn[f] == HOW_KPROBE)
			p->fn[f] = HOW_KPROBE_ENTRY;
		else if (p->fn[f] == HOW_FENTRY && !o->no_fold)
			p->fn[f] = HOW_FENTRY_ENTRY;
	}
}

/* Whether a per-PTE callback attached so can fold its update into its deferral's record:
 * every way but a kprobe with a kretprobe (the kprobe alone knows the update at entry). */
static bool folds_pte(enum how h)
{
	return h != HOW_NONE && h != HOW_KPROBE;
}

static void set_autoload(struct lazytrace_bpf *s, const struct lt_kernel *k, const struct plan *p,
			 bool access)
{
	bool tp = k->tracepoints, bar = k->barrier_events;
#define AUTO(prog, on) bpf_program__set_autoload(s->progs.prog, (on))
	AUTO(tp_enable, tp);
	AUTO(tp_disable, tp);
	AUTO(tp_pause, tp);
	AUTO(tp_resume, tp);
	AUTO(tp_defer, bar);
	AUTO(tp_flush, bar);
	AUTO(fentry_map_pages, p->fn[LT_FN_MAP_PAGES] == HOW_FENTRY);
	AUTO(fexit_map_pages, p->fn[LT_FN_MAP_PAGES] == HOW_FENTRY);
	AUTO(kprobe_map_pages, p->fn[LT_FN_MAP_PAGES] == HOW_KPROBE);
	AUTO(kretprobe_map_pages, p->fn[LT_FN_MAP_PAGES] == HOW_KPROBE);
	AUTO(fentry_set_valid, p->fn[LT_FN_SET_VALID] == HOW_FENTRY);
	AUTO(fexit_set_valid, p->fn[LT_FN_SET_VALID] == HOW_FENTRY);
	AUTO(kprobe_set_valid, p->fn[LT_FN_SET_VALID] == HOW_KPROBE);
	AUTO(kretprobe_set_valid, p->fn[LT_FN_SET_VALID] == HOW_KPROBE);
	AUTO(fentry_pte_entry, p->fn[LT_FN_PTE_ENTRY] == HOW_FENTRY);
	AUTO(fexit_pte_entry, p->fn[LT_FN_PTE_ENTRY] == HOW_FENTRY);
	AUTO(kprobe_pte_entry, p->fn[LT_FN_PTE_ENTRY] == HOW_KPROBE);
	AUTO(kretprobe_pte_entry, p->fn[LT_FN_PTE_ENTRY] == HOW_KPROBE);
	AUTO(kprobe_pte_masks, p->fn[LT_FN_PTE_ENTRY] == HOW_KPROBE_ENTRY);
	AUTO(fentry_pte_masks, p->fn[LT_FN_PTE_ENTRY] == HOW_FENTRY_ENTRY);
	AUTO(fentry_change_page_range, p->fn[LT_FN_CHANGE_RANGE] == HOW_FENTRY);
	AUTO(fexit_change_page_range, p->fn[LT_FN_CHANGE_RANGE] == HOW_FENTRY);
	AUTO(kprobe_change_page_range, p->fn[LT_FN_CHANGE_RANGE] == HOW_KPROBE);
	AUTO(kretprobe_change_page_range, p->fn[LT_FN_CHANGE_RANGE] == HOW_KPROBE);
	AUTO(kprobe_change_range_masks, p->fn[LT_FN_CHANGE_RANGE] == HOW_KPROBE_ENTRY);
	AUTO(fentry_change_range_masks, p->fn[LT_FN_CHANGE_RANGE] == HOW_FENTRY_ENTRY);
	AUTO(kprobe_access, access);
	AUTO(kprobe_site, k->mode == LT_MODE_DWARF);
	AUTO(tp_switch, true);
	AUTO(whoami, true);
	AUTO(flush_stage, true);
#undef AUTO
}

/*
 * lazytrace's own events are left out (self_tgid in bpf/lazytrace.bpf.c): whoami, run here
 * in this process, tells the programs its tgid as the kernel sees it.
 */
static void leave_out_self(struct lazytrace_bpf *s)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	const char *why = NULL;

	if (bpf_prog_test_run_opts(bpf_program__fd(s->progs.whoami), &opts))
		why = strerror(errno);
	else if (s->data->self_tgid == ~0u)
		why = "the test run set nothing";
	if (why)
		fprintf(stderr, "lazytrace: cannot tell the BPF programs this process's id (%s): "
			"its own events are traced too\n", why);
}

static int open_and_load(struct lazytrace_bpf **out, const struct lt_kernel *k,
			 const struct lt_live_opts *o, const struct plan *p, bool access)
{
	struct lazytrace_bpf *s = lazytrace_bpf__open();
	int err;

	if (!s)
		return -errno;
	s->rodata->filter_pid = o->pid;
	memcpy((char *)s->rodata->filter_comm, o->comm, LT_COMM_LEN);
	s->rodata->pending_bit = k->pending_bit;
	s->rodata->lazy_bit = k->lazy_bit;
	s->rodata->access_all = o->all_accesses;
	if (k->model.layout) {
		s->rodata->page_struct_size = k->model.page_struct_size;
		s->rodata->page_offset = k->model.page_offset;
		s->rodata->vmemmap_start = k->model.vmemmap_start;
		s->rodata->vmemmap_end = k->model.vmemmap_end;
		s->rodata->page_shift = k->model.page_shift;
	}
	bpf_map__set_max_entries(s->maps.events, o->ringbuf_kb * 1024);
	/* woken a quarter full; the poll loop's timeout reads the rest (bpf/lazytrace.bpf.c) */
	s->rodata->wakeup_bytes = (__u64)o->ringbuf_kb * 1024 / 4;
	s->rodata->stage_batch = o->batch ? o->batch : 16;
	set_autoload(s, k, p, access);
	/* folded records (include/lazytrace.h): where both programs of a pair are attached */
	s->rodata->fold_set_valid = !o->no_fold && p->fn[LT_FN_MAP_PAGES] != HOW_NONE &&
				    p->fn[LT_FN_SET_VALID] != HOW_NONE;
	s->rodata->fold_pte = !o->no_fold && k->barrier_events &&
			      (folds_pte(p->fn[LT_FN_PTE_ENTRY]) ||
			       folds_pte(p->fn[LT_FN_CHANGE_RANGE]));
	err = lazytrace_bpf__load(s);
	if (err) {
		lazytrace_bpf__destroy(s);
		return err;
	}
	leave_out_self(s);
	*out = s;
	return 0;
}

/* Attach every loaded program; kprobe_access once per access probe, with its cookie. The
 * links go to *pl. */
static int attach(struct lazytrace_bpf *s, const struct lt_live_opts *o, bool call_sites,
		  struct lt_probe_links *pl, FILE *log)
{
	struct bpf_program *prog;
	int attached = 0;

	bpf_object__for_each_program(prog, s->obj) {
		if (!bpf_program__autoload(prog) || prog == s->progs.kprobe_access ||
		    prog == s->progs.kprobe_site || prog == s->progs.whoami ||
		    prog == s->progs.flush_stage)
			continue;
		struct bpf_link *l = bpf_program__attach(prog);

		if (!l) {
			fprintf(stderr, "lazytrace: cannot attach %s: %s\n",
				bpf_program__name(prog), strerror(errno));
			return -1;
		}
		if (lt_probe_links_add(pl, l)) {
			fprintf(stderr, "lazytrace: out of memory\n");
			return -1;
		}
		attached++;
	}
	for (int i = 0; i < o->nr_access; i++) {
		LIBBPF_OPTS(bpf_kprobe_opts, kopts, .bpf_cookie =
			    ((__u64)i << LT_ACCESS_INDEX_SHIFT) |
			    (o->access[i].page ? LT_ACCESS_PAGE : 0) | o->access[i].arg);
		struct bpf_link *l;

		/* probes+dwarf: the default clear_page/copy_page probes are their call sites */
		if (call_sites && !o->access[i].required)
			continue;
		l = bpf_program__attach_kprobe_opts(s->progs.kprobe_access, o->access[i].func, &kopts);
		if (!l) {
			if (o->access[i].required) {
				fprintf(stderr, "lazytrace: cannot attach access probe %s: %s\n",
					o->access[i].func, strerror(errno));
				return -1;
			}
			fprintf(log, "lazytrace: access probe %s unavailable (%s)%s\n", o->access[i].func,
				strerror(errno), errno == EINVAL ? ": notrace function on this kernel" : "");
			continue;
		}
		if (lt_probe_links_add(pl, l)) {
			fprintf(stderr, "lazytrace: out of memory\n");
			return -1;
		}
		fprintf(log, "lazytrace: kprobe %s (access, argument %u%s)\n", o->access[i].func,
			o->access[i].arg + 1, o->access[i].page ? ", a struct page" : "");
		attached++;
	}
	return attached;
}

static void report_model(const struct lt_kmodel *m, FILE *log)
{
	char lay[256];

	if (m->layout)
		fprintf(log, "lazytrace: layout %s\n", lt_kmodel_format(m, lay, sizeof(lay)));
	else
		fprintf(log, "lazytrace: memory layout unknown (%s): struct page arguments "
			"(__kernel_map_pages, :page access probes) are not converted to addresses\n",
			m->missing);
}

static void report_plan(const struct lt_kernel *k, const struct plan *p, FILE *log)
{
	fprintf(log, "lazytrace: kernel %s, mode %s\n", k->release, lt_mode_name(k->mode));
	if (k->tracepoints)
		fprintf(log, "lazytrace: tp_btf lazy_mmu_{enable,disable,pause,resume}%s\n",
			k->barrier_events ? ", lazy_mmu_{defer,flush}" : "");
	for (int f = LT_FN_MAP_PAGES; f <= LT_FN_CHANGE_RANGE; f++)
		if (p->fn[f] != HOW_NONE)
			fprintf(log, "lazytrace: %s %s%s\n",
				p->fn[f] == HOW_FENTRY ? "fentry/fexit" :
				p->fn[f] == HOW_KPROBE ? "kprobe/kretprobe" :
				p->fn[f] == HOW_FENTRY_ENTRY ? "fentry" : "kprobe",
				lt_fn_names[f], p->fn[f] == HOW_KPROBE_ENTRY ?
				" (the update from the walk's masks, no kretprobe)" :
				p->fn[f] == HOW_FENTRY_ENTRY ?
				" (the update from the walk's masks, no fexit)" : "");
	fprintf(log, "lazytrace: tp_btf sched_switch (tasks switched out in a section or with "
		"barriers pending)\n");
}

static void describe(const struct lt_kernel *k, const struct plan *p, const struct lt_sitetab *t,
		     const struct lt_sites_attached *a, struct lt_session *ses)
{
	size_t n = 0;

	snprintf(ses->release, sizeof(ses->release), "%s", k->release);
	snprintf(ses->nesting, sizeof(ses->nesting), "%s", k->nesting);
	ses->model = k->model;
	ses->mode = k->mode;
	ses->defer_source = k->barrier_events || k->mode == LT_MODE_DWARF ? LT_DEFER_FROM_TRACEPOINT
									  : LT_DEFER_FROM_PTE_UPDATE;
	ses->attach[0] = '\0';
	if (k->mode == LT_MODE_DWARF)
		n += snprintf(ses->attach, sizeof(ses->attach),
			      "kprobe:dwarf-sites=%zu (not probed %zu) from %s build-id %s ",
			      lt_sites_probed(a), t->nrefused, t->source, t->build_id);
	if (k->tracepoints)
		n += snprintf(ses->attach + n, sizeof(ses->attach) - n, "tp_btf:lazy_mmu%s ",
			      k->barrier_events ? "+barriers" : "");
	for (int f = LT_FN_MAP_PAGES; f <= LT_FN_CHANGE_RANGE && n < sizeof(ses->attach); f++)
		if (p->fn[f] != HOW_NONE)
			n += snprintf(ses->attach + n, sizeof(ses->attach) - n, "%s:%s ",
				      p->fn[f] == HOW_FENTRY || p->fn[f] == HOW_FENTRY_ENTRY ?
				      "fentry" : "kprobe", lt_fn_names[f]);
	if (n < sizeof(ses->attach))
		n += snprintf(ses->attach + n, sizeof(ses->attach) - n, "tp_btf:sched_switch ");
	if (n && n < sizeof(ses->attach))
		ses->attach[n - 1] = '\0';
}

int lt_live(const struct lt_live_opts *o, const struct lt_consumer *sink,
	    struct lt_session *ses, FILE *log)
{
	struct lazytrace_bpf *s = NULL;
	struct ring_buffer *rb = NULL;
	struct consumer c = { .sink = sink };
	struct lt_kernel k;
	struct plan p;
	struct lt_sitetab sites = { 0 };
	struct lt_sites_attached att = { 0 };
	__s64 kaslr = 0;
	struct lt_probe_links links = { 0 };
	struct drops seen = { 0 };
	int stats_fd = -1, ncpus = libbpf_num_possible_cpus();
	__u64 deadline, flushed = 0;
	bool access;
	int err, ret = 1;

	lt_kernel_probe(&k, o->ksyms, NULL);
	if (k.mode == LT_MODE_NONE) {
		fprintf(stderr, "lazytrace: %s\n", k.why);
		return 1;
	}
	if (lt_caps_check())
		return 1;
	/* A BPF ring buffer is a power of two and a whole number of pages. */
	if (k.model.page_shift && ((__u64)o->ringbuf_kb << 10) % lt_kmodel_page_size(&k.model)) {
		fprintf(stderr, "lazytrace: a ring buffer of %u KiB is not a multiple of this kernel's "
			"%llu KiB pages (--ringbuf-kb)\n", o->ringbuf_kb,
			lt_kmodel_page_size(&k.model) >> 10);
		return 1;
	}
	/* the model: /proc/kcore where it opens, else kernel memory through BPF */
	lt_kernel_read_model(&k, o->ksyms);
	err = lt_choose_source(&k, o->source, o->sites, o->debuginfo, o->ksyms, &sites, &kaslr, log);
	if (err)
		return err;
	make_plan(&k, o, o->kprobes_only, &p);
	access = o->nr_access > 0;
	err = open_and_load(&s, &k, o, &p, access);
	if (err && err != -EPERM && !o->kprobes_only) {
		/* fentry needs a traceable function and trampolines; kprobes work more widely. */
		fprintf(log, "lazytrace: loading with fentry failed (%s); retrying with kprobes\n",
			strerror(-err));
		make_plan(&k, o, true, &p);
		err = open_and_load(&s, &k, o, &p, access);
	}
	if (err) {
		fprintf(stderr, "lazytrace: cannot load BPF programs: %s%s\n", strerror(-err),
			err == -EPERM ? " (run as root, or with CAP_BPF and CAP_PERFMON)" :
			" (-v shows libbpf's log)");
		return 1;
	}
	report_plan(&k, &p, log);
	report_model(&k.model, log);
	if (o->prog_stats)
		stats_fd = lt_progstats_enable(log);
	if (attach(s, o, k.mode == LT_MODE_DWARF, &links, log) < 0)
		goto out;
	if (k.mode == LT_MODE_DWARF) {
		if (lt_sites_attach(&sites, kaslr, s->progs.kprobe_site, s->progs.kprobe_access,
				    access, 0, &att, log))
			goto out;
		lt_report_sites(&sites, &att, log);
	}
	describe(&k, &p, &sites, &att, ses);
	ses->folded = s->rodata->fold_set_valid || s->rodata->fold_pte;
	if (sink->start && sink->start(sink->ctx, ses) < 0)
		goto out;

	rb = ring_buffer__new(bpf_map__fd(s->maps.events), on_record, &c, NULL);
	if (!rb) {
		fprintf(stderr, "lazytrace: cannot open the ring buffer: %s\n", strerror(errno));
		goto out;
	}
	/* Attached, ring buffer mapped, files open: nothing from here on needs a capability. */
	lt_caps_drop_all(log);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (o->ready_fd >= 0) {
		/* Tells a waiting caller (tests, scripts) that probes are attached. */
		if (write(o->ready_fd, "ready\n", 6) < 0)
			fprintf(log, "lazytrace: cannot signal readiness: %s\n", strerror(errno));
		close(o->ready_fd);
	}
	fprintf(log, "lazytrace: tracing%s; Ctrl-C to stop\n", o->duration_s ? " for the given duration" : "");
	deadline = o->duration_s ? now_ns() + o->duration_s * 1000000000ULL : 0;
	while (!stop && (!deadline || now_ns() < deadline)) {
		err = ring_buffer__poll(rb, 100);
		/* what the CPUs staged, every 100 ms at most (an IPI each) */
		if (now_ns() - flushed >= 100000000ULL) {
			flush_stages(s, ncpus, false, log);
			flushed = now_ns();
		}
		/* the programs wake us only a quarter full: read what came meanwhile */
		if (err >= 0)
			err = ring_buffer__consume(rb);
		if (err < 0 && err != -EINTR) {
			fprintf(stderr, "lazytrace: ring buffer poll: %s\n", strerror(-err));
			goto out;
		}
		report_losses(s, sink, &links, &att, &seen);
		if (sink->tick && sink->tick(sink->ctx) < 0)
			goto out;
	}
	/* Drain what is left, staged included, then count what was lost up to here. */
	flush_stages(s, ncpus, true, log);
	ring_buffer__consume(rb);
	report_losses(s, sink, &links, &att, &seen);
	report_drops(&seen, log);
	if (s->bss->pte_masks_mismatch)
		fprintf(log, "lazytrace: %llu per-PTE updates computed at the callback's entry were not "
			"what the kernel wrote (its deferral's value): the records of the others that "
			"did not defer may be wrong too; --pte-at-return reads them\n",
			(unsigned long long)s->bss->pte_masks_mismatch);
	if (o->prog_stats)
		lt_progstats_print(s->obj, log);
	if (c.bad_records)
		fprintf(log, "lazytrace: %llu malformed records skipped\n", (unsigned long long)c.bad_records);
	ret = 0;
out:
	ring_buffer__free(rb);
	lt_probe_links_free(&links);
	lt_sites_detach(&att);
	if (stats_fd >= 0)
		close(stats_fd);
	lazytrace_bpf__destroy(s);
	lt_sites_free(&sites);
	return ret;
}
