// SPDX-License-Identifier: GPL-2.0
/*
 * src/replay.c: `lazytrace dump` and `stats` on trace files (see replay.h): the file replayed
 * (replay_file.h) into the sinks of `live`, or counted (sitestats.h) and printed.
 */
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "replay.h"
#include "replay_file.h"
#include "sink_json.h"
#include "sink_perfetto.h"
#include "sink_svg.h"
#include "sitestats.h"

/* ------------------------------------------------------------------ dump */

int lt_replay_dump(const char *path, const struct lt_dump_opts *o, FILE *out, FILE *err)
{
	struct lt_replay rp;
	struct lt_output lo;
	struct lt_sink_perfetto *pf = NULL;
	struct lt_sink_svg *sv = NULL;
	struct lt_recon_ops ops = { 0 };
	int ret;

	if (lt_replay_open(&rp, path, &o->filter, err))
		return 1;
	switch (o->format) {
	case LT_DUMP_TEXT:
	case LT_DUMP_JSON:
		if (lt_output_init(&lo, o->format == LT_DUMP_JSON ? LT_OUT_JSON : LT_OUT_TEXT, out,
				   o->color, rp.ks))
			goto nomem;
		ops = lo.ops;
		break;
	case LT_DUMP_PERFETTO:
		pf = lt_sink_perfetto_new(out, rp.ks);
		if (!pf)
			goto nomem;
		lt_sink_perfetto_ops(pf, &ops);
		break;
	case LT_DUMP_SVG:
		sv = lt_sink_svg_new(out, rp.ks);
		if (!sv)
			goto nomem;
		lt_sink_svg_ops(sv, &ops);
		break;
	}
	lt_replay_run(&rp, &ops, err);
	switch (o->format) {
	case LT_DUMP_TEXT:
	case LT_DUMP_JSON:
		lo.summary(lo.ctx, &rp.st);
		lt_output_fini(&lo);
		break;
	case LT_DUMP_PERFETTO:
		lt_sink_perfetto_summary(pf, &rp.st);
		lt_sink_perfetto_free(pf);
		break;
	case LT_DUMP_SVG:
		lt_sink_svg_summary(sv, &rp.st);
		lt_sink_svg_free(sv);
		break;
	}
	fflush(out);
	ret = lt_replay_status(&rp, err);
	lt_replay_close(&rp);
	return ret;
nomem:
	fprintf(err, "lazytrace: out of memory\n");
	lt_replay_close(&rp);
	return 1;
}

/* ------------------------------------------------------------------ stats */

static void print_us(FILE *out, int width, double ns)
{
	if (ns < 0)
		fprintf(out, "%*s", width, "-");
	else
		fprintf(out, "%*.3f", width, ns / 1000.0);
}

static void stats_json(FILE *out, const struct lt_runstats *rs)
{
	fprintf(out, "{\"type\":\"stats\",\"by\":\"%s\",\"trace\":", lt_site_key_name(rs->by));
	lt_runstats_json_header(out, rs);
	for (size_t i = 0; i < LT_NTOTALS; i++)
		fprintf(out, ",\"%s\":%llu", LT_TOTALS[i].key, lt_total_of(&rs->st, i));
	/* besides the records (events): what folded records stood for (not a figure to compare:
	 * it says how the events were recorded, not what the kernel did) */
	fprintf(out, ",\"unfolded_events\":%llu", (unsigned long long)rs->st.unfolded_events);
	fprintf(out, ",\"sites\":[");
	for (size_t i = 0; i < rs->n; i++) {
		const struct lt_sitefig *x = &rs->v[i];

		fprintf(out, "%s{", i ? "," : "");
		lt_json_string(out, "site");	/* a function's name, by function */
		fputc(':', out);
		lt_json_string(out, x->name);
		fprintf(out, ",\"sections\":%llu,\"nested\":%llu,\"deferred_ptes\":%llu,"
			"\"flushes\":%llu,\"completed\":%llu,",
			(unsigned long long)x->sections, (unsigned long long)x->nested,
			(unsigned long long)x->deferred, (unsigned long long)x->flushes,
			(unsigned long long)x->completed);
		if (x->completed)
			fprintf(out, "\"mean_pending_ns\":%.0f,\"max_pending_ns\":%llu,",
				lt_site_mean_pending(x), (unsigned long long)x->pend_max);
		else
			fprintf(out, "\"mean_pending_ns\":null,\"max_pending_ns\":null,");
		fprintf(out, "\"hazards\":%llu,\"hazards_confirmed\":%llu,\"hazards_potential\":%llu}",
			(unsigned long long)lt_site_hazards(x), (unsigned long long)x->hz_confirmed,
			(unsigned long long)x->hz_potential);
	}
	fprintf(out, "]}\n");
}

static void stats_text(FILE *out, const struct lt_runstats *rs)
{
	const struct lt_file_info *in = &rs->info;
	size_t w = 4;

	fprintf(out, "trace    %s (%s%s)\n", rs->path, lt_replay_state_name(rs->state),
		in->flags & LT_FILE_REDACTED ? ", redacted" : "");
	fprintf(out, "kernel   %s %s%s%s\n", in->release[0] ? in->release : "?", in->machine,
		in->build_id[0] ? ", build id " : "", in->build_id);
	fprintf(out, "mode     %s, nesting %s\n", in->mode[0] ? in->mode : "?",
		in->nesting[0] ? in->nesting : "unknown");
	fprintf(out, "layout   %s\n", in->layout[0] ? in->layout : "not recorded (4K pages)");
	fprintf(out, "\n");
	for (size_t i = 0; i < LT_NTOTALS; i++)
		fprintf(out, "%-18s %llu\n", LT_TOTALS[i].key, lt_total_of(&rs->st, i));
	if (rs->st.unfolded_events)
		fprintf(out, "%-18s %llu\n", "unfolded_events",
			(unsigned long long)rs->st.unfolded_events);
	for (size_t i = 0; i < rs->n; i++)
		if (strlen(rs->v[i].name) > w)
			w = strlen(rs->v[i].name);
	fprintf(out, "\n%-*s  %8s  %6s  %8s  %7s  %12s  %12s  %7s\n", (int)w,
		rs->by == LT_BY_FUNCTION ? "function" : "site", "sections", "nested", "deferred",
		"flushes", "mean pending", "max pending", "hazards");
	for (size_t i = 0; i < rs->n; i++) {
		const struct lt_sitefig *x = &rs->v[i];

		fprintf(out, "%-*s  %8llu  %6llu  %8llu  %7llu  ", (int)w, x->name,
			(unsigned long long)x->sections, (unsigned long long)x->nested,
			(unsigned long long)x->deferred, (unsigned long long)x->flushes);
		print_us(out, 9, lt_site_mean_pending(x));
		fprintf(out, " us  ");
		print_us(out, 9, x->completed ? (double)x->pend_max : -1);
		fprintf(out, " us  %7llu\n", (unsigned long long)lt_site_hazards(x));
	}
	if (!rs->n)
		fprintf(out, "(no lazy MMU sections)\n");
}

int lt_replay_stats(const char *path, bool json, enum lt_site_key by, FILE *out, FILE *err)
{
	struct lt_runstats rs;

	lt_runstats_collect(&rs, path, by, err);
	if (rs.opened) {	/* unusable: nothing to print */
		if (json)
			stats_json(out, &rs);
		else
			stats_text(out, &rs);
		fflush(out);
	}
	lt_runstats_free(&rs);
	return rs.status;
}
