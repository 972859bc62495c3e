// SPDX-License-Identifier: GPL-2.0
/*
 * src/cli_top.c: the command line of `lazytrace top` (see top.h and cli.h).
 */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "ksyms.h"
#include "top.h"

static void top_usage(FILE *f)
{
	fprintf(f,
		"usage: lazytrace top [--interval S] [--duration S] [--once] [--json] [--by site|function]\n"
		"                     [--openmetrics FILE] [--pid PID] [--comm NAME] [--color|--no-color]\n"
		"                     [--hazards] [--source auto|tracepoints|dwarf] [--sites FILE]\n"
		"                     [--debuginfo VMLINUX] [--ready-fd FD] [--prog-stats] [-v]\n"
		"\n"
		"The lazy MMU figures of the running kernel, counted in the kernel (BPF per-CPU maps,\n"
		"each task's state in BPF task storage, in its CPU's slot while it runs): no record\n"
		"per event crosses to user space.\n"
		"Every interval, per call site (where the section was opened): sections, nested,\n"
		"deferred PTE updates, flushes, the mean and maximum time a deferred update waited\n"
		"for its flush; the totals; and log2 histograms of the time pending, the section\n"
		"length and the deferrals a flush completed. The figures mean what `lazytrace\n"
		"stats` reports for a recording of the same tasks. At the end (Ctrl-C, --duration,\n"
		"--once), the totals since the start. Counts from the lazy_mmu tracepoints of\n"
		"kernel-patch/ or, on a stock kernel, from kprobes at the inlined lazy MMU helpers\n"
		"its debug info lists (as `live --source dwarf`).\n"
		"\n"
		"  -i, --interval S    seconds between two tables (default 1)\n"
		"  -d, --duration S    stop after S seconds (default: at Ctrl-C)\n"
		"  -1, --once          one interval, then the totals\n"
		"  -j, --json          one JSON object per interval: \"interval\" (its figures) and\n"
		"                      \"total\" (since the start), each with the totals' keys,\n"
		"                      \"sites\" [{\"site\", \"sections\", \"nested\", \"deferred_ptes\",\n"
		"                      \"flushes\", \"completed\", \"mean_pending_ns\",\n"
		"                      \"max_pending_ns\"}] and \"hist\" ({lo, hi, count} buckets);\n"
		"                      the last has \"final\": true\n"
		"  -b, --by KEY        site (default) or function (as `stats --by function`)\n"
		"  -o, --openmetrics FILE  also rewrite FILE every interval (written beside it, then\n"
		"                      renamed) with the totals since the start in the Prometheus\n"
		"                      text format, for node_exporter's textfile collector\n"
		"  -p, --pid PID       only this process (tgid)\n"
		"  -c, --comm NAME     only tasks named NAME\n"
		"  -s, --source S      auto (default: the tracepoints, else the DWARF sites if the\n"
		"                      kernel's debug info or a site table is found), tracepoints,\n"
		"                      or dwarf\n"
		"      --sites FILE    the site table (`lazytrace sites`) for --source dwarf\n"
		"  -g, --debuginfo VMLINUX  the kernel's vmlinux with DWARF, for --source dwarf\n"
		"  -H, --hazards       also find hazards, exactly as `live` does: each task's pending\n"
		"                      deferred pages kept in task storage (32 at most; more are\n"
		"                      counted as page_overflow), clear_page/copy_page checked against\n"
		"                      them in BPF, and each hazard with its stack through a ring\n"
		"                      buffer: a HAZARDS column and list; in JSON, per site\n"
		"                      \"hazards_confirmed\"/\"hazards_potential\" and per object\n"
		"                      \"hazards\" [records]. It costs kprobes on clear_page and\n"
		"                      copy_page (with DWARF sites: at their call sites) and\n"
		"                      fentry/fexit on the page attribute functions\n"
		"      --color         colour the table even when not on a terminal\n"
		"      --no-color      no colour even on a terminal\n"
		"      --ready-fd FD   write \"ready\\n\" to FD once attached, then close it\n"
		"      --prog-stats    at the end, each BPF program's runs, ns per run and recursion\n"
		"                      misses\n"
		"  -v, --verbose       what was attached, and libbpf's debug output\n"
		"  -h, --help          this text\n"
		"\n"
		"Exit status: 0; 1 when it cannot run here (neither lazy_mmu tracepoints nor DWARF\n"
		"sites, no privilege);\n"
		"2 for usage errors.\n");
}

int cmd_top(int argc, char **argv)
{
	enum { OPT_COLOR = 256, OPT_NO_COLOR, OPT_READY_FD, OPT_PROG_STATS, OPT_SITES };
	static const struct option opts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "duration", required_argument, NULL, 'd' },
		{ "once", no_argument, NULL, '1' },
		{ "json", no_argument, NULL, 'j' },
		{ "by", required_argument, NULL, 'b' },
		{ "openmetrics", required_argument, NULL, 'o' },
		{ "pid", required_argument, NULL, 'p' },
		{ "comm", required_argument, NULL, 'c' },
		{ "color", no_argument, NULL, OPT_COLOR },
		{ "no-color", no_argument, NULL, OPT_NO_COLOR },
		{ "ready-fd", required_argument, NULL, OPT_READY_FD },
		{ "prog-stats", no_argument, NULL, OPT_PROG_STATS },
		{ "hazards", no_argument, NULL, 'H' },
		{ "source", required_argument, NULL, 's' },
		{ "sites", required_argument, NULL, OPT_SITES },
		{ "debuginfo", required_argument, NULL, 'g' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct lt_top_opts o = { .interval_s = 1, .by = LT_BY_SITE, .ready_fd = -1,
				 .color = isatty(STDOUT_FILENO) };
	struct lt_ksyms *ks;
	unsigned long v;
	int c, ret;

	optind = 0;
	while ((c = getopt_long(argc, argv, "i:d:1jb:o:p:c:Hs:g:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (lt_cli_secs("top", "--interval", optarg, 0.1, 1e7, &o.interval_s))
				return 2;
			break;
		case 'd':
			if (lt_cli_secs("top", "--duration", optarg, 0.1, 1e7, &o.duration_s))
				return 2;
			break;
		case '1':
			o.once = true;
			break;
		case 'o':
			o.openmetrics = optarg;
			break;
		case 'j':
			o.json = true;
			break;
		case 'b':
			if (lt_cli_by("top", optarg, &o.by))
				return 2;
			break;
		case 'p':
			if (lt_cli_uint("top", "--pid", optarg, 1, INT_MAX, &v))
				return 2;
			o.pid = (__u32)v;
			break;
		case OPT_READY_FD:
			if (lt_cli_uint("top", "--ready-fd", optarg, 0, INT_MAX, &v))
				return 2;
			o.ready_fd = (int)v;
			break;
		case 'H':
			o.hazards = true;
			break;
		case 'c':
			if (lt_cli_comm("top", optarg, o.comm))
				return 2;
			break;
		case OPT_COLOR:
			o.color = true;
			break;
		case OPT_NO_COLOR:
			o.color = false;
			break;
		case OPT_PROG_STATS:
			o.prog_stats = true;
			break;
		case 'v':
			lt_cli_set_verbose(true);
			o.verbose = true;
			break;
		case 's':
			if (lt_parse_source("top", optarg, &o.source))
				return 2;
			if (o.source == LT_SOURCE_PROBES) {
				fprintf(stderr, "lazytrace top: --source probes has no sections to count "
					"(top needs the tracepoints or the DWARF sites)\n");
				return 2;
			}
			break;
		case OPT_SITES:
			o.sites = optarg;
			break;
		case 'g':
			o.debuginfo = optarg;
			break;
		case 'h':
			top_usage(stdout);
			return 0;
		default:
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "lazytrace top: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (o.json)
		o.color = false;
	ks = lt_cli_load_ksyms();
	o.ksyms = ks;
	ret = lt_top_run(&o);
	lt_ksyms_free(ks);
	return ret;
}
