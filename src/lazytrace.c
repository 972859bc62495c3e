// SPDX-License-Identifier: GPL-2.0
/*
 * src/lazytrace.c: the `lazytrace` command: option parsing and subcommand dispatch.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "kmodel_bpf.h"
#include "ksyms.h"
#include "live.h"
#include "output.h"
#include "outsel.h"
#include "probe.h"
#include "record.h"
#include "cli.h"
#include "sites.h"
#include "sites_find.h"
#include "tracefile.h"

#ifndef LT_VERSION
#define LT_VERSION "0.1"
#endif

static bool verbose;

void lt_cli_set_verbose(bool on)
{
	verbose = on;
}

/* libbpf's own messages only with -v: lazytrace reports failures in one line of its own. */
static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list args)
{
	(void)level;
	if (!verbose)
		return 0;
	return vfprintf(stderr, fmt, args);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: lazytrace [--version] [--help] COMMAND [ARGS]\n"
		"\n"
		"Trace the Linux kernel's lazy MMU mode on arm64: nesting of lazy MMU sections per\n"
		"task, kernel PTE updates whose barriers were deferred, flushes, and mappings used\n"
		"before their barriers ran.\n"
		"\n"
		"commands:\n"
		"  probe    show what the running kernel offers and the mode lazytrace will use\n"
		"  live     trace until Ctrl-C or --duration, printing the timeline\n"
		"  record   trace into a file (-o FILE)\n"
		"  dump     print a recorded timeline: text, json, perfetto or svg\n"
		"  stats    totals and per-call-site figures of a recording\n"
		"  compare  recordings of A against B, one or more runs a side: did it change?\n"
		"  sites    write the DWARF site table of a kernel build (for --sites)\n"
		"  top      figures per site counted in the kernel, shown every interval\n"
		"\n"
		"'lazytrace COMMAND --help' describes each command.\n");
}

struct lt_ksyms *lt_cli_load_ksyms(void)
{
	struct lt_ksyms *ks = lt_ksyms_load("/proc/kallsyms");

	if (!ks)
		fprintf(stderr, "lazytrace: warning: cannot read /proc/kallsyms (%s): addresses stay raw\n",
			strerror(errno));
	return ks;
}

/* What `probe` shows of the DWARF sites: where they came from, how many per helper, which
 * have the entry's address, and those that cannot be probed. */
static void print_sites(const struct lt_sitetab *t, FILE *out)
{
	size_t per[LT_SITE_KIND_MAX] = { 0 }, with_entry = 0;

	for (size_t i = 0; i < t->n; i++) {
		if (t->sites[i].kind < LT_SITE_KIND_MAX)
			per[t->sites[i].kind]++;
		if (t->sites[i].kind == LT_SITE_DEFER && t->sites[i].entry_reg >= 0)
			with_entry++;
	}
	fprintf(out, "sites:         %zu from %s (build id %s)\n", t->n, t->source, t->build_id);
	for (int k = 1; k < LT_SITE_KIND_MAX; k++)
		if (per[k])
			fprintf(out, "  %-12s %zu\n", lt_site_kind_name(k), per[k]);
	fprintf(out, "  deferral sites with the entry's address: %zu of %zu\n", with_entry,
		per[LT_SITE_DEFER]);
	for (size_t i = 0; i < t->nrefused; i++)
		fprintf(out, "  not probed:  %s in %s+0x%x: %s\n", t->refused[i].site.helper,
			t->refused[i].site.func, t->refused[i].site.func_off, t->refused[i].reason);
}

static int cmd_probe(int argc, char **argv)
{
	enum { OPT_DEBUGINFO = 256, OPT_SITES };
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "btf", required_argument, NULL, 'b' },
		{ "debuginfo", required_argument, NULL, OPT_DEBUGINFO },
		{ "sites", required_argument, NULL, OPT_SITES },
		{ 0 }
	};
	const char *btf = NULL;
	struct lt_sites_query q = { 0 };
	struct lt_sitetab t;
	struct lt_kernel k;
	struct lt_ksyms *ks;
	char err[512];
	int c, rc = 0;

	while ((c = getopt_long(argc, argv, "hb:", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			printf("usage: lazytrace probe [--btf FILE] [--debuginfo FILE | --sites FILE]\n\n"
			       "Show the kernel's BTF, lazy_mmu_state, lazy_mmu tracepoints and the\n"
			       "functions lazytrace probes, the DWARF sites where debug info is found,\n"
			       "then the mode it will use. Exits 1 if the kernel has no arm64 lazy MMU\n"
			       "mode or no BTF; 3 or 4 if the given debug info or site table is unusable\n"
			       "or of another build.\n\n"
			       "  -b, --btf FILE      read kernel BTF from FILE (default /sys/kernel/btf/vmlinux)\n"
			       "      --debuginfo FILE  the running kernel's vmlinux with DWARF\n"
			       "      --sites FILE    a site table made by 'lazytrace sites'\n");
			return 0;
		case 'b':
			btf = optarg;
			break;
		case OPT_DEBUGINFO:
			q.debuginfo = optarg;
			break;
		case OPT_SITES:
			q.sites = optarg;
			break;
		default:
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "lazytrace probe: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	ks = lt_cli_load_ksyms();
	lt_kernel_probe(&k, ks, btf);
	/* the memory layout as live and record will read it: /proc/kcore, else through BPF */
	lt_kernel_read_model(&k, ks);
	q.release = k.release;
	q.build_id = k.build_id;
	memset(&t, 0, sizeof(t));
	err[0] = '\0';
	if (k.mode != LT_MODE_NONE && (!k.tracepoints || q.debuginfo || q.sites)) {
		rc = lt_sites_find(&q, &t, stderr, err, sizeof(err));
		/* live and record use the sites where the kernel has no tracepoints */
		if (!rc && !k.tracepoints && t.state == LT_SITE_STATE_COUNTERS && k.lazy_state)
			k.mode = LT_MODE_DWARF;
	}
	lt_kernel_print(&k, stdout);
	if (!rc && t.build_id[0])
		print_sites(&t, stdout);
	else if (err[0])
		printf("sites:         none: %s\n", err);
	if (rc && !q.debuginfo && !q.sites)
		rc = 0;	/* found nothing by itself: the probes-only modes still work */
	lt_sites_free(&t);
	lt_ksyms_free(ks);
	return k.mode == LT_MODE_NONE ? 1 : rc;
}

/* `live`: records straight into the reconstruction and, through the output selection
 * (--cpu), an output. */
struct live_ctx {
	const struct lt_output *out;
	struct lt_outsel sel;
	struct lt_recon *recon;
};

static int live_start(void *ctx, const struct lt_session *ses)
{
	struct live_ctx *l = ctx;
	struct lt_recon_ops ops;

	lt_outsel_ops(&l->sel, &ops);
	l->recon = lt_recon_new(ses->defer_source, &ops);
	if (!l->recon) {
		fprintf(stderr, "lazytrace: out of memory\n");
		return -1;
	}
	lt_recon_set_nesting(l->recon, ses->nesting);
	lt_recon_set_page_shift(l->recon, ses->model.page_shift);
	return 0;
}

static int live_event(void *ctx, const struct lt_event *ev, const __u64 *frames)
{
	struct live_ctx *l = ctx;

	lt_outsel_event(&l->sel, ev);
	return lt_recon_feed(l->recon, ev, frames);
}

static void live_dropped(void *ctx, enum lt_lost_cause cause, __u64 ts, __u64 count)
{
	lt_recon_dropped(((struct live_ctx *)ctx)->recon, cause, ts, count);
}

static void live_usage(FILE *f)
{
	fprintf(f,
		"usage: lazytrace live [OPTIONS]\n"
		"\n"
		"Trace lazy MMU activity until Ctrl-C or --duration and print each task's timeline:\n"
		"sections with their nesting, deferred PTE updates, flushes, accesses and hazards.\n"
		"\n"
		"  -d, --duration S        stop after S seconds\n"
		"  -j, --json              one JSON object per line; the last is the summary\n"
		"      --no-color          no colour even on a terminal\n"
		"      --color             colour even when not on a terminal\n"
		"  -p, --pid PID           only this process (tgid); lazytrace's own is always\n"
		"                          left out (its output would be traced in turn)\n"
		"  -c, --comm NAME         only tasks named NAME\n"
		"  -C, --cpu N             show only what happened on CPU N (every CPU is traced:\n"
		"                          a task that migrates keeps its state)\n"
		"  -a, --access-probe FUNC:ARG[:page]\n"
		"                          also treat FUNC's argument ARG (1-based) as an accessed\n"
		"                          virtual address, or with :page as a struct page whose\n"
		"                          linear-map address is accessed (repeatable); clear_page:1\n"
		"                          and copy_page:1,2 are probed by default where allowed\n"
		"      --no-default-access don't probe clear_page and copy_page\n"
		"      --all-accesses      report accesses even when no barrier is pending\n"
		"  -k, --kprobes           use kprobes only (no fentry/fexit)\n"
		"      --no-fold           a record for every call and PTE update: not one for a\n"
		"                          __kernel_map_pages() and its set_memory_valid(), nor\n"
		"                          one for a deferral and the update that made it (what\n"
		"                          is shown is the same; readers of event ABI 1 read it;\n"
		"                          fentry reads each per-PTE update at its return)\n"
		"      --pte-at-return     read each per-PTE update at the callback's return\n"
		"                          (fexit, kretprobe) rather than compute it at its entry\n"
		"                          from the walk's masks (where the kernel's BTF has them):\n"
		"                          slower, a check of that computation\n"
		"  -s, --source SRC        where lazy MMU transitions come from: auto (default:\n"
		"                          tracepoints on our patched kernel, else the DWARF sites\n"
		"                          if debug info is found, else probes), tracepoints,\n"
		"                          dwarf (kprobes at every inlined helper; mode\n"
		"                          probes+dwarf) or probes\n"
		"      --debuginfo FILE    the running kernel's vmlinux with DWARF (default: the\n"
		"                          distribution's places, e.g. /usr/lib/debug/boot/\n"
		"                          vmlinux-$(uname -r)); its build id must match\n"
		"      --sites FILE        a site table made by 'lazytrace sites' (no debug info\n"
		"                          needed on this host)\n"
		"      --ringbuf-kb N      ring buffer size in KiB (power of two, a multiple of the\n"
		"                          kernel's page size; default 8192)\n"
		"      --ready-fd FD       write \"ready\" to FD once probes are attached\n"
		"      --prog-stats        at the end, each BPF program's runs, ns per run and recursion\n"
		"                          misses (the kernel's accounting, on while tracing: it costs\n"
		"                          a little)\n"
		"      --record FILE       also record what is shown into FILE (see 'record';\n"
		"                          --force, --redact and --file-version apply)\n"
		"  -v, --verbose           libbpf debug output\n"
		"  -h, --help              this text\n");
}

static int add_access(struct lt_live_opts *o, const char *func, unsigned int arg, bool page,
		      bool required)
{
	if (o->nr_access == LT_MAX_ACCESS_PROBES) {
		fprintf(stderr, "lazytrace: at most %d access probes\n", LT_MAX_ACCESS_PROBES);
		return -1;
	}
	snprintf(o->access[o->nr_access].func, sizeof(o->access[0].func), "%s", func);
	o->access[o->nr_access].arg = arg;
	o->access[o->nr_access].page = page;
	o->access[o->nr_access].required = required;
	o->nr_access++;
	return 0;
}

/* FUNC:ARG[:page] */
static int parse_access(struct lt_live_opts *o, const char *spec)
{
	char func[128], argbuf[16];
	const char *colon = strchr(spec, ':'), *rest;
	unsigned long arg;
	bool page = false;
	size_t n;

	if (!colon || colon == spec || (size_t)(colon - spec) >= sizeof(func)) {
		fprintf(stderr, "lazytrace: invalid --access-probe '%s' (expected FUNC:ARG[:page])\n", spec);
		return -1;
	}
	memcpy(func, spec, colon - spec);
	func[colon - spec] = '\0';
	rest = colon + 1;
	n = strcspn(rest, ":");
	if (rest[n]) {
		if (strcmp(rest + n + 1, "page")) {
			fprintf(stderr, "lazytrace: invalid --access-probe '%s' (expected FUNC:ARG[:page])\n",
				spec);
			return -1;
		}
		page = true;
	}
	if (n >= sizeof(argbuf))
		n = sizeof(argbuf) - 1;
	memcpy(argbuf, rest, n);
	argbuf[n] = '\0';
	if (lt_cli_uint(NULL, "--access-probe", argbuf, 1, 4, &arg))
		return -1;
	return add_access(o, func, arg - 1, page, true);
}

static void record_usage(FILE *f)
{
	fprintf(f,
		"usage: lazytrace record -o FILE [--force] [--redact] [--flight-recorder MIB]\n"
		"                        [--file-version N] [--duration S]\n"
		"                        [filters and probe options of live]\n"
		"\n"
		"Record lazy MMU events to FILE (mode 0600) until Ctrl-C or --duration, for\n"
		"'lazytrace dump', 'stats' and 'compare' anywhere (the file is portable).\n"
		"Chunks are checksummed and flushed about every 100 ms: after a crash, every\n"
		"complete chunk is still readable.\n"
		"\n"
		"  -o, --output FILE       the trace file; never overwritten without --force\n"
		"  -f, --force             overwrite FILE\n"
		"      --redact            store symbol+offset only: no kernel address in the file\n"
		"      --flight-recorder MIB\n"
		"                          keep the last MIB of records in memory; write them on\n"
		"                          the first hazard, on SIGUSR1 and at exit\n"
		"      --file-version N    2 (default): records packed, about 8x smaller; 1: every\n"
		"                          record 64 bytes, for a lazytrace older than the packed\n"
		"                          format (it reads version 1 only)\n"
		"  -d, --duration S        stop after S seconds\n"
		"  -p, --pid PID, -c, --comm NAME, -C, --cpu N, -a, --access-probe FUNC:ARG[:page],\n"
		"      --no-default-access, --all-accesses, -k, --kprobes, --no-fold, --pte-at-return,\n"
		"      -s, --source SRC, --debuginfo FILE, --sites FILE, --ringbuf-kb N,\n"
		"      --ready-fd FD, --prog-stats, -v, --verbose: as for 'lazytrace live'\n"
		"  -h, --help              this text\n");
}

static int cmd_trace(int argc, char **argv, bool recording)
{
	enum { OPT_NO_COLOR = 256, OPT_COLOR, OPT_RINGBUF, OPT_READY, OPT_ALL_ACCESS, OPT_NO_DEFAULT,
	       OPT_REDACT, OPT_FLIGHT, OPT_RECORD, OPT_DEBUGINFO, OPT_SITES, OPT_PROG_STATS,
	       OPT_NO_FOLD, OPT_PTE_AT_RETURN, OPT_FILE_VERSION };
	static const struct option opts[] = {
		{ "duration", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "no-color", no_argument, NULL, OPT_NO_COLOR },
		{ "color", no_argument, NULL, OPT_COLOR },
		{ "pid", required_argument, NULL, 'p' },
		{ "comm", required_argument, NULL, 'c' },
		{ "cpu", required_argument, NULL, 'C' },
		{ "access-probe", required_argument, NULL, 'a' },
		{ "no-default-access", no_argument, NULL, OPT_NO_DEFAULT },
		{ "all-accesses", no_argument, NULL, OPT_ALL_ACCESS },
		{ "kprobes", no_argument, NULL, 'k' },
		{ "no-fold", no_argument, NULL, OPT_NO_FOLD },
		{ "pte-at-return", no_argument, NULL, OPT_PTE_AT_RETURN },
		{ "source", required_argument, NULL, 's' },
		{ "debuginfo", required_argument, NULL, OPT_DEBUGINFO },
		{ "sites", required_argument, NULL, OPT_SITES },
		{ "ringbuf-kb", required_argument, NULL, OPT_RINGBUF },
		{ "ready-fd", required_argument, NULL, OPT_READY },
		{ "prog-stats", no_argument, NULL, OPT_PROG_STATS },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "output", required_argument, NULL, 'o' },
		{ "record", required_argument, NULL, OPT_RECORD },
		{ "force", no_argument, NULL, 'f' },
		{ "redact", no_argument, NULL, OPT_REDACT },
		{ "flight-recorder", required_argument, NULL, OPT_FLIGHT },
		{ "file-version", required_argument, NULL, OPT_FILE_VERSION },
		{ 0 }
	};
	struct lt_live_opts o = { .cpu = (__u32)-1, .ringbuf_kb = 8192, .ready_fd = -1 };
	bool json = false, color = isatty(STDOUT_FILENO), defaults = true;
	const char *path = NULL, *file_opt = NULL;	/* an option of the file written */
	unsigned int wflags = 0, flight = 0;
	char filters[128] = "";
	struct lt_output out;
	unsigned long v;
	int c, ret;

	while ((c = getopt_long(argc, argv, recording ? "d:p:c:C:a:ks:vho:f" : "d:jp:c:C:a:ks:vh", opts,
				NULL)) != -1) {
		/* Options of the other subcommand: getopt_long knows them all. live takes --record
		 * FILE (and --force, --redact) to record what it shows. */
		if (!recording && (c == 'o' || c == OPT_FLIGHT)) {
			/* by name: argv[optind - 1] may be the option's argument */
			fprintf(stderr, "lazytrace live: option '%s' is for 'lazytrace record'\n",
				c == 'o' ? "--output" : "--flight-recorder");
			return 2;
		}
		if (recording && (c == 'j' || c == OPT_COLOR || c == OPT_NO_COLOR)) {
			fprintf(stderr, "lazytrace record: option '%s' is for 'lazytrace live' or 'dump'\n",
				argv[optind - 1]);
			return 2;
		}
		switch (c) {
		case 'd':
			if (lt_cli_uint(NULL, "--duration", optarg, 1, 86400, &v))
				return 2;
			o.duration_s = v;
			break;
		case 'j':
			json = true;
			break;
		case OPT_NO_COLOR:
			color = false;
			break;
		case OPT_COLOR:
			color = true;
			break;
		case 'p':
			if (lt_cli_uint(NULL, "--pid", optarg, 1, INT_MAX, &v))
				return 2;
			o.pid = v;
			break;
		case 'c':
			if (strlen(optarg) >= LT_COMM_LEN || !optarg[0]) {
				fprintf(stderr, "lazytrace: --comm takes a task name of 1 to %d characters\n",
					LT_COMM_LEN - 1);
				return 2;
			}
			snprintf(o.comm, sizeof(o.comm), "%s", optarg);
			break;
		case 'C':
			if (lt_cli_uint(NULL, "--cpu", optarg, 0, 4095, &v))
				return 2;
			o.cpu = v;
			break;
		case 'a':
			if (parse_access(&o, optarg))
				return 2;
			break;
		case OPT_NO_DEFAULT:
			defaults = false;
			break;
		case OPT_ALL_ACCESS:
			o.all_accesses = true;
			break;
		case 'k':
			o.kprobes_only = true;
			break;
		case OPT_NO_FOLD:
			o.no_fold = true;
			break;
		case OPT_PTE_AT_RETURN:
			o.pte_at_return = true;
			break;
		case 's':
			if (lt_parse_source(NULL, optarg, &o.source))
				return 2;
			break;
		case OPT_DEBUGINFO:
			o.debuginfo = optarg;
			break;
		case OPT_SITES:
			o.sites = optarg;
			break;
		case OPT_RINGBUF:
			if (lt_cli_uint(NULL, "--ringbuf-kb", optarg, 4, 1 << 20, &v))
				return 2;
			if (v & (v - 1)) {
				fprintf(stderr, "lazytrace: --ringbuf-kb must be a power of two\n");
				return 2;
			}
			o.ringbuf_kb = v;
			break;
		case OPT_READY:
			if (lt_cli_uint(NULL, "--ready-fd", optarg, 0, INT_MAX, &v))
				return 2;
			o.ready_fd = v;
			break;
		case OPT_PROG_STATS:
			o.prog_stats = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'o':
		case OPT_RECORD:
			if (recording && c == OPT_RECORD) {
				fprintf(stderr, "lazytrace record: use -o FILE\n");
				return 2;
			}
			path = optarg;
			break;
		case 'f':
			wflags |= LT_W_FORCE;
			file_opt = "--force";
			break;
		case OPT_REDACT:
			wflags |= LT_W_REDACT;
			file_opt = "--redact";
			break;
		case OPT_FLIGHT:
			if (lt_cli_uint(NULL, "--flight-recorder", optarg, 1, 4096, &v))
				return 2;
			flight = v;
			break;
		case OPT_FILE_VERSION:
			if (lt_cli_uint(NULL, "--file-version", optarg, 1, LT_FILE_VERSION, &v))
				return 2;
			if (v == 1)
				wflags |= LT_W_PLAIN;
			file_opt = "--file-version";
			break;
		case 'h':
			if (recording)
				record_usage(stdout);
			else
				live_usage(stdout);
			return 0;
		default:	/* getopt_long printed the one-line reason */
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "lazytrace %s: unexpected argument '%s'\n", recording ? "record" : "live",
			argv[optind]);
		return 2;
	}
	if (recording && !path) {
		fprintf(stderr, "lazytrace record: -o FILE is required\n");
		return 2;
	}
	if (!path && file_opt) {	/* live: it would write nothing for the option to shape */
		fprintf(stderr, "lazytrace live: %s applies to --record FILE only\n", file_opt);
		return 2;
	}
	if (defaults && (add_access(&o, "clear_page", 0, false, false) ||
			 add_access(&o, "copy_page", 0, false, false) ||
			 add_access(&o, "copy_page", 1, false, false)))
		return 2;

	o.ksyms = lt_cli_load_ksyms();
	/* every CPU is recorded; cpu=N tells replay which to show */
	snprintf(filters, sizeof(filters), "pid=%u comm=%.*s cpu=%d", o.pid, LT_COMM_LEN, o.comm,
		 o.cpu == (__u32)-1 ? -1 : (int)o.cpu);
	if (recording) {
		ret = lt_record(&o, path, wflags, flight, filters, NULL, stderr);
		lt_ksyms_free((struct lt_ksyms *)o.ksyms);
		return ret;
	}
	/*
	 * live rebuilds and prints every event on the traced machine's CPUs, slower than the
	 * probes make them: a record at a time, so that past the ring's wake-up mark every
	 * record wakes it and the traced code waits for it (in batches of 16, the benchmark
	 * workload ran 2.9x its untraced time instead of 7x, and live lost 54% of its events).
	 */
	o.batch = 1;
	if (lt_output_init(&out, json ? LT_OUT_JSON : LT_OUT_TEXT, stdout, color, o.ksyms)) {
		fprintf(stderr, "lazytrace: out of memory\n");
		return 1;
	}
	{
		struct live_ctx l = { .out = &out };
		struct lt_consumer sink = { .ctx = &l, .start = live_start, .event = live_event,
					    .dropped = live_dropped };
		struct lt_session ses;

		lt_outsel_init(&l.sel, &out.ops);
		l.sel.cpu = o.cpu;
		if (path)	/* --record FILE: the same records into a file */
			ret = lt_record(&o, path, wflags, 0, filters, &sink, stderr);
		else
			ret = lt_live(&o, &sink, &ses, stderr);
		if (l.recon) {
			lt_recon_finish(l.recon);
			if (ret == 0) {
				struct lt_stats st = *lt_recon_stats(l.recon);

				if (lt_outsel_active(&l.sel))
					st = lt_outsel_stats(&l.sel, &st);
				out.summary(out.ctx, &st);
			}
			lt_recon_free(l.recon);
		}
	}
	lt_output_fini(&out);
	lt_ksyms_free((struct lt_ksyms *)o.ksyms);
	return ret;
}

static int cmd_sites(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "debuginfo", required_argument, NULL, 'g' },
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ 0 }
	};
	const char *vmlinux = NULL, *path = NULL;
	struct lt_sitetab t;
	char err[512];
	bool force = false;
	FILE *f = stdout;
	int c, ret = 0;

	while ((c = getopt_long(argc, argv, "hg:o:f", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			printf("usage: lazytrace sites --debuginfo VMLINUX [-o FILE] [--force]\n\n"
			       "Write the probe sites of the probes+dwarf mode for one kernel build: every\n"
			       "inlined lazy MMU helper and every clear_page/copy_page call site, found in\n"
			       "the kernel's DWARF. The table is small, keyed by the build id and readable\n"
			       "anywhere: make it on a workstation, use it with 'live/record --sites FILE'\n"
			       "on a host without the debug package. Exit 3: no usable debug info.\n\n"
			       "  -g, --debuginfo VMLINUX  the kernel's vmlinux with DWARF (any architecture\n"
			       "                           may read it; the kernel must be arm64)\n"
			       "  -o, --output FILE        write there (default: standard output)\n"
			       "  -f, --force              overwrite FILE\n");
			return 0;
		case 'g':
			vmlinux = optarg;
			break;
		case 'o':
			path = optarg;
			break;
		case 'f':
			force = true;
			break;
		default:
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "lazytrace sites: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (!vmlinux) {
		fprintf(stderr, "lazytrace sites: --debuginfo VMLINUX is required\n");
		return 2;
	}
	memset(&t, 0, sizeof(t));
	if (lt_sites_from_dwarf(vmlinux, &t, err, sizeof(err))) {
		fprintf(stderr, "lazytrace: %s\n", err);
		lt_sites_free(&t);
		return LT_EXIT_NO_DEBUGINFO;
	}
	if (path && !force && access(path, F_OK) == 0) {
		fprintf(stderr, "lazytrace: %s exists (use --force to overwrite)\n", path);
		lt_sites_free(&t);
		return 1;
	}
	if (path && !(f = fopen(path, "w"))) {
		fprintf(stderr, "lazytrace: %s: %s\n", path, strerror(errno));
		lt_sites_free(&t);
		return 1;
	}
	if (lt_sites_write(&t, f))
		ret = 1;
	if (path && fclose(f))
		ret = 1;
	if (ret)
		fprintf(stderr, "lazytrace: %s: %s\n", path ? path : "standard output", strerror(errno));
	if (path)
		fprintf(stderr, "lazytrace: %zu sites (%zu not probeable) of build %s written to %s\n",
			t.n, t.nrefused, t.build_id, path);
	lt_sites_free(&t);
	return ret;
}

int main(int argc, char **argv)
{
	const char *cmd;

	libbpf_set_print(print_libbpf);
	if (argc < 2) {
		fprintf(stderr, "usage: lazytrace [--version] [--help] COMMAND [ARGS] (see 'lazytrace --help')\n");
		return 2;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version")) {
		printf("lazytrace %s (event ABI %d)\n", LT_VERSION, LT_ABI_VERSION);
		return 0;
	}
	/* getopt_long of the subcommand sees argv[1..] */
	if (!strcmp(cmd, "probe"))
		return cmd_probe(argc - 1, argv + 1);
	if (!strcmp(cmd, "live"))
		return cmd_trace(argc - 1, argv + 1, false);
	if (!strcmp(cmd, "record"))
		return cmd_trace(argc - 1, argv + 1, true);
	if (!strcmp(cmd, "dump"))
		return cmd_dump(argc - 1, argv + 1);
	if (!strcmp(cmd, "stats"))
		return cmd_stats(argc - 1, argv + 1);
	if (!strcmp(cmd, "compare"))
		return cmd_compare(argc - 1, argv + 1);
	if (!strcmp(cmd, "sites"))
		return cmd_sites(argc - 1, argv + 1);
	if (!strcmp(cmd, "top"))
		return cmd_top(argc - 1, argv + 1);
	fprintf(stderr, "lazytrace: unknown command '%s' (see 'lazytrace --help')\n", cmd);
	return 2;
}
