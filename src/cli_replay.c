// SPDX-License-Identifier: GPL-2.0
/*
 * src/cli_replay.c: the command lines of the offline commands, `dump`, `stats` and
 * `compare` (see cli.h): options parsed, checked, and handed to replay.h and compare.h.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "compare.h"
#include "replay.h"

static void dump_usage(FILE *f)
{
	fprintf(f,
		"usage: lazytrace dump FILE [--format text|json|perfetto|svg] [--pid PID] [--comm NAME]\n"
		"                      [--cpu N|all] [--from S] [--to S] [--color|--no-color]\n"
		"\n"
		"Print the timeline of a recording (`lazytrace record -o FILE`) through the same\n"
		"reconstruction and output as `lazytrace live`.\n"
		"\n"
		"  -f, --format FMT   text (default: the timeline and a summary), json (one object per\n"
		"                     line, as live --json), perfetto (Chrome trace-event JSON for\n"
		"                     ui.perfetto.dev), svg (a picture of the timeline)\n"
		"  -j, --json         the same as --format json\n"
		"  -p, --pid PID      only this process (tgid)\n"
		"  -c, --comm NAME    only tasks named NAME\n"
		"  -C, --cpu N|all    only what happened on CPU N (default: the recording's --cpu,\n"
		"                     if it had one); every CPU is still reconstructed\n"
		"      --from S       only output from S seconds after the first event on (the\n"
		"                     events before are still reconstructed: the state is right)\n"
		"      --to S         nothing after S seconds after the first event\n"
		"      --color        colour the text even when not on a terminal\n"
		"      --no-color     no colour even on a terminal\n"
		"  -h, --help         this text\n"
		"\n"
		"Exit status: 0 when the file was read to its end, or was truncated (a recording\n"
		"killed or cut by a power-off: every complete chunk is shown, then a notice on\n"
		"stderr); 1 when it cannot be read or is corrupt (what came before the damage is\n"
		"shown, then the reason); 2 for usage errors.\n");
}

int cmd_dump(int argc, char **argv)
{
	enum { OPT_FROM = 256, OPT_TO, OPT_COLOR, OPT_NO_COLOR };
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "pid", required_argument, NULL, 'p' },
		{ "comm", required_argument, NULL, 'c' },
		{ "cpu", required_argument, NULL, 'C' },
		{ "from", required_argument, NULL, OPT_FROM },
		{ "to", required_argument, NULL, OPT_TO },
		{ "color", no_argument, NULL, OPT_COLOR },
		{ "no-color", no_argument, NULL, OPT_NO_COLOR },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct lt_dump_opts o = { .format = LT_DUMP_TEXT, .color = isatty(STDOUT_FILENO),
				  .filter = { .cpu = (__u32)-1 } };
	unsigned long v;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "f:jp:c:C:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (!strcmp(optarg, "text")) {
				o.format = LT_DUMP_TEXT;
			} else if (!strcmp(optarg, "json")) {
				o.format = LT_DUMP_JSON;
			} else if (!strcmp(optarg, "perfetto")) {
				o.format = LT_DUMP_PERFETTO;
			} else if (!strcmp(optarg, "svg")) {
				o.format = LT_DUMP_SVG;
			} else {
				fprintf(stderr, "lazytrace dump: unknown format '%s' (text, json, perfetto or svg)\n",
					optarg);
				return 2;
			}
			break;
		case 'j':
			o.format = LT_DUMP_JSON;
			break;
		case 'p':
			if (lt_cli_uint("dump", "--pid", optarg, 1, INT_MAX, &v))
				return 2;
			o.filter.pid = v;
			break;
		case 'c':
			if (lt_cli_comm("dump", optarg, o.filter.comm))
				return 2;
			break;
		case 'C':
			if (!strcmp(optarg, "all")) {
				o.filter.cpu = (__u32)-1;
				o.filter.all_cpus = true;
				break;
			}
			if (lt_cli_uint("dump", "--cpu", optarg, 0, 4095, &v))
				return 2;
			o.filter.cpu = v;
			break;
		case OPT_FROM:
			if (lt_cli_secs("dump", "--from", optarg, 0, 1e9, &o.filter.from_s))
				return 2;
			o.filter.has_from = true;
			break;
		case OPT_TO:
			if (lt_cli_secs("dump", "--to", optarg, 0, 1e9, &o.filter.to_s))
				return 2;
			o.filter.has_to = true;
			break;
		case OPT_COLOR:
			o.color = true;
			break;
		case OPT_NO_COLOR:
			o.color = false;
			break;
		case 'h':
			dump_usage(stdout);
			return 0;
		default:
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "lazytrace dump: no trace file given (see 'lazytrace dump --help')\n");
		return 2;
	}
	if (optind + 1 < argc) {
		fprintf(stderr, "lazytrace dump: unexpected argument '%s'\n", argv[optind + 1]);
		return 2;
	}
	if (o.filter.has_from && o.filter.has_to && o.filter.from_s > o.filter.to_s) {
		fprintf(stderr, "lazytrace dump: --from is after --to\n");
		return 2;
	}
	return lt_replay_dump(argv[optind], &o, stdout, stderr);
}

static void stats_usage(FILE *f)
{
	fprintf(f,
		"usage: lazytrace stats FILE [--json] [--by site|function]\n"
		"\n"
		"Totals of a recording (the summary of `live`: events, sections, nested_sections,\n"
		"max_depth, deferred_ptes, flushes, hazards_confirmed, hazards_potential,\n"
		"lost_events, anomalies) and a table per call site, the site being where the lazy MMU\n"
		"section was opened (lazy_mmu_mode_enable()'s caller): sections opened there, how many\n"
		"of them nested, deferred PTE updates made in them, flushes in them, the mean and\n"
		"maximum time a deferred update waited for the flush that completed it, and the\n"
		"hazards on their updates.\n"
		"\n"
		"  -b, --by KEY  site (default): symbol+offset; function: the sites of one function\n"
		"                together (offset and clone suffixes such as .constprop.0 dropped)\n"
		"  -j, --json    one JSON object: the totals' keys, \"by\", \"trace\" (the file's\n"
		"                header) and \"sites\": [{\"site\" (the function's name by function),\n"
		"                \"sections\", \"nested\", \"deferred_ptes\", \"flushes\",\n"
		"                \"completed\", \"mean_pending_ns\", \"max_pending_ns\", \"hazards\",\n"
		"                \"hazards_confirmed\", \"hazards_potential\"}]\n"
		"  -h, --help    this text\n"
		"\n"
		"Exit status: 0 when the file was read to its end or was truncated (then everything\n"
		"complete is counted and a notice goes to stderr); 1 when it cannot be read or is\n"
		"corrupt (the figures before the damage are printed, then the reason); 2 for usage\n"
		"errors.\n");
}

int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "by", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	enum lt_site_key by = LT_BY_SITE;
	bool json = false;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "jb:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'b':
			if (lt_cli_by("stats", optarg, &by))
				return 2;
			break;
		case 'h':
			stats_usage(stdout);
			return 0;
		default:
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "lazytrace stats: no trace file given (see 'lazytrace stats --help')\n");
		return 2;
	}
	if (optind + 1 < argc) {
		fprintf(stderr, "lazytrace stats: unexpected argument '%s'\n", argv[optind + 1]);
		return 2;
	}
	return lt_replay_stats(argv[optind], json, by, stdout, stderr);
}

static void compare_usage(FILE *f)
{
	fprintf(f,
		"usage: lazytrace compare A B [OPTION...]\n"
		"       lazytrace compare A1 A2 ... -- B1 B2 ... [OPTION...]\n"
		"\n"
		"Did a change change the batching? Recordings of one workload before and after it (a\n"
		"patch, another kernel, another nesting mode), one or more runs a side: a side is the\n"
		"files before `--` (A) and after it (B), or, without `--`, two arguments, each a file\n"
		"or a directory (its *.lt files, in name order). Per metric (the totals of `stats`;\n"
		"per call site: sections, nested, deferred PTEs, flushes, mean and max pending time,\n"
		"hazards; and deferred PTEs and flushes per second of recording and per section):\n"
		"each side's mean, standard deviation, minimum and maximum over its runs, B - A, the\n"
		"change relative to A with its confidence interval (Welch's, for the difference of the\n"
		"means), and with two runs or more a side, the p-value and verdict of a test:\n"
		"\"significant\" when p < 1 - confidence (the difference is unlikely to be run-to-run\n"
		"noise), else \"not significant\" (no evidence of a change: not proof of none).\n"
		"\n"
		"Sites line up by exact site (symbol+offset) when every recording comes from one kernel\n"
		"build (one build id), by function otherwise; sites found on one side only are listed\n"
		"as such. Recordings that count deferrals differently (the lazy_mmu_defer tracepoint\n"
		"against deferrals inferred from PTE updates) are refused; a side that mixes kernels\n"
		"or nesting modes gets a warning.\n"
		"\n"
		"  -b, --by KEY          site or function (default: site within one build, else\n"
		"                        function)\n"
		"  -t, --test NAME       welch (default: Welch's t-test on the means) or mwu\n"
		"                        (Mann-Whitney U: no assumption on the distribution; exact\n"
		"                        p for small samples)\n"
		"  -c, --confidence P    of the intervals, 0.5..0.999 (default 0.95); significant\n"
		"                        when p < 1 - P\n"
		"  -m, --mixed           compare recordings that count deferrals differently\n"
		"  -j, --json            one JSON object: \"by\", \"test\", \"confidence\", \"a\" and\n"
		"                        \"b\" (the runs' headers), \"totals\" and \"sites\" (each\n"
		"                        with \"site\", \"in\": both, a or b); each figure as {\"a\",\n"
		"                        \"b\" ({n, mean, sd, min, max}), \"delta\", \"ratio\",\n"
		"                        \"change\", \"change_lo\", \"change_hi\", \"stat\", \"df\",\n"
		"                        \"p\", \"verdict\"}, null where undefined; times in ns\n"
		"  -s, --svg OUT         also write a bar chart of the deferred PTE updates per site,\n"
		"                        A against B (the means, error bars of one standard deviation\n"
		"                        with several runs), to OUT (SVG)\n"
		"  -h, --help            this text\n"
		"\n"
		"Exit status: 0 when every file was read to its end or was truncated (notices on\n"
		"stderr); 1 when a file cannot be read or is corrupt, or the recordings do not\n"
		"compare; 2 for usage errors.\n");
}

struct paths {
	char **v;
	size_t n, cap;
};

static int paths_add(struct paths *p, const char *s, size_t len)
{
	if (p->n == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 8;
		char **v = realloc(p->v, ncap * sizeof(*v));

		if (!v)
			return -1;
		p->v = v;
		p->cap = ncap;
	}
	p->v[p->n] = strndup(s, len);
	if (!p->v[p->n])
		return -1;
	p->n++;
	return 0;
}

static void paths_free(struct paths *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

static int is_trace_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 3 && !strcmp(d->d_name + n - 3, ".lt");
}

/* A file as it is, a directory as its *.lt files in name order. 0, 1 (said), -1 (memory). */
static int add_arg(struct paths *p, const char *arg)
{
	struct dirent **ents;
	struct stat st;
	int n, ret = 0;

	if (stat(arg, &st) || !S_ISDIR(st.st_mode))
		return paths_add(p, arg, strlen(arg));	/* a missing file is said when read */
	n = scandir(arg, &ents, is_trace_name, alphasort);
	if (n < 0) {
		fprintf(stderr, "lazytrace: %s: %s\n", arg, strerror(errno));
		return 1;
	}
	if (!n) {
		fprintf(stderr, "lazytrace compare: %s: no recording (*.lt) in the directory\n", arg);
		ret = 1;
	}
	for (int i = 0; i < n; i++) {
		char buf[PATH_MAX];
		int len = snprintf(buf, sizeof(buf), "%s%s%s", arg,
				   arg[strlen(arg) - 1] == '/' ? "" : "/", ents[i]->d_name);

		if (!ret && len > 0 && (size_t)len < sizeof(buf) && paths_add(p, buf, (size_t)len))
			ret = -1;
		free(ents[i]);
	}
	free(ents);
	return ret;
}

/* Parses the options in one part of the command line (they may come anywhere); its files
 * are then argv[optind..argc-1]. 0, or the exit status. */
static int compare_opts(int argc, char **argv, struct lt_compare_opts *o, bool *help)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "svg", required_argument, NULL, 's' },
		{ "by", required_argument, NULL, 'b' },
		{ "test", required_argument, NULL, 't' },
		{ "confidence", required_argument, NULL, 'c' },
		{ "mixed", no_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	char *end;
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "js:b:t:c:mh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = true;
			break;
		case 's':
			o->svg_path = optarg;
			break;
		case 'b':
			if (lt_cli_by("compare", optarg, &o->by))
				return 2;
			o->by_set = true;
			break;
		case 't':
			if (!strcmp(optarg, "welch")) {
				o->test = LT_TEST_WELCH;
			} else if (!strcmp(optarg, "mwu")) {
				o->test = LT_TEST_MWU;
			} else {
				fprintf(stderr, "lazytrace compare: unknown --test '%s' (welch or mwu)\n",
					optarg);
				return 2;
			}
			break;
		case 'c':
			errno = 0;
			o->conf = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(o->conf >= 0.5 && o->conf <= 0.999)) {
				fprintf(stderr, "lazytrace compare: invalid value '%s' for --confidence (expected 0.5..0.999, e.g. 0.95)\n",
					optarg);
				return 2;
			}
			break;
		case 'm':
			o->mixed = true;
			break;
		case 'h':
			*help = true;
			return 0;
		default:
			return 2;
		}
	}
	return 0;
}

/* argv[from..to-1] into side. 0, or the exit status. */
static int compare_files(char **argv, int from, int to, struct paths *side)
{
	for (int i = from; i < to; i++) {
		int r = add_arg(side, argv[i]);

		if (r < 0) {
			fprintf(stderr, "lazytrace: out of memory\n");
			return 1;
		}
		if (r)
			return r;
	}
	return 0;
}

int cmd_compare(int argc, char **argv)
{
	struct lt_compare_opts o = { .test = LT_TEST_WELCH, .conf = 0.95 };
	struct paths a = { 0 }, b = { 0 };
	bool help = false;
	int sep = 0, ret;

	/* A1 .. -- B1 ..: each part parsed on its own (getopt would take `--` for itself). */
	for (int i = 1; i < argc && !sep; i++)
		if (!strcmp(argv[i], "--"))
			sep = i;
	if (sep) {
		char **rest = argv + sep, *saved = rest[0];

		ret = compare_opts(sep, argv, &o, &help);
		if (!ret && !help)
			ret = compare_files(argv, optind, sep, &a);
		rest[0] = argv[0];	/* the second part's "subcommand name" */
		if (!ret && !help)
			ret = compare_opts(argc - sep, rest, &o, &help);
		if (!ret && !help)
			ret = compare_files(rest, optind, argc - sep, &b);
		rest[0] = saved;
	} else {
		/* A B: two arguments, each a file or a directory. */
		ret = compare_opts(argc, argv, &o, &help);
		if (!ret && !help && argc - optind != 2) {
			fprintf(stderr, "lazytrace compare: expected A B, or A1 A2 ... -- B1 B2 ... (see 'lazytrace compare --help')\n");
			ret = 2;
		}
		if (!ret && !help)
			ret = compare_files(argv, optind, optind + 1, &a);
		if (!ret && !help)
			ret = compare_files(argv, optind + 1, optind + 2, &b);
	}
	if (help) {
		compare_usage(stdout);
		ret = 0;
	} else if (!ret && (!a.n || !b.n)) {
		fprintf(stderr, "lazytrace compare: no recording on side %c (see 'lazytrace compare --help')\n",
			a.n ? 'B' : 'A');
		ret = 2;
	} else if (!ret) {
		ret = lt_compare_run((const char *const *)a.v, a.n, (const char *const *)b.v, b.n, &o,
				     stdout, stderr);
	}
	paths_free(&a);
	paths_free(&b);
	return ret;
}
