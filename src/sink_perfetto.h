/* SPDX-License-Identifier: GPL-2.0 */
/*
 * src/sink_perfetto.h: Chrome trace-event JSON, opened by the Perfetto UI (ui.perfetto.dev)
 * and chrome://tracing. One JSON object:
 *
 *   {"traceEvents":[ ...events, one a line... ],
 *    "displayTimeUnit":"ns",
 *    "otherData":{"tool":"lazytrace","events":N,"sections":N,...}}   (lt_stats, integers)
 *
 * "ts" is in microseconds relative to the first item (3 decimals, exact); "pid"/"tid" are the
 * task's. Per task, events are written in the order the reconstruction reports them:
 *
 *   ph "M"  process_name (pid) and thread_name (tid), args.name = comm, when the name is known
 *   ph "B"/"E"  a slice per lazy MMU section on the task's track (cat "section"), name = the
 *           opening call site ("update_range_prot+0x1e8"), B args: section, action, depth
 *           (+ inferred); E args: section, action and site of the disable. Every B has its E
 *           on the same track, in order: sections still open at the end get an E at the last
 *           timestamp of the trace (args.open_at_end); a disable without enable has no E.
 *   ph "i", s "t"  instants (thread scope) named "defer pte" (cat "defer": addr, entry,
 *           level, site, section, depth), "flush" (cat "flush": count, site, inferred),
 *           "map <func>" / "return <func>" (cat "map": addr, count, enable, site),
 *           "pte update" (cat "pte"), "access <func>" (cat "access": addr, site),
 *           "enable noop", "pause pause", ... (transitions that open or close nothing),
 *           "lost" (cat "lost": count), "ANOMALY <kind>" (cat "anomaly"),
 *           "HAZARD confirmed" / "HAZARD potential" (cat "hazard": addr, section,
 *           section_site, defer_site, access_site, age_ns, stack) at the access or return
 *   ph "C"  counter "pending barriers" per task ("id" = tid, args.pending), updated at each
 *           deferral, flush and lost item
 *   ph "s"/"f"  one flow arrow per hazard (cat "hazard", name "hazard", "id" 1, 2, ...):
 *           "s" at the deferral's timestamp, "f" ("bp":"e") at the access or return, both on
 *           the task's track
 *   ph "i", s "g"  events lost (the "lost" anomaly): a global instant "lost N events"
 *
 * Addresses are "0x..." strings, sites are symbolized with ks (hex without it).
 */
#ifndef LT_SINK_PERFETTO_H
#define LT_SINK_PERFETTO_H

#include <stdio.h>

#include "recon.h"

struct lt_ksyms;
struct lt_sink_perfetto;

/* Writes the opening '{"traceEvents":[' at once. ks may be NULL. NULL on ENOMEM. */
struct lt_sink_perfetto *lt_sink_perfetto_new(FILE *out, const struct lt_ksyms *ks);

/* Fills ops (ctx = the sink) for lt_recon_new(). */
void lt_sink_perfetto_ops(struct lt_sink_perfetto *s, struct lt_recon_ops *ops);

/* Closes the slices still open, then writes the closing part with st as "otherData" (st may
 * be NULL). sink is the struct lt_sink_perfetto * (fits struct lt_output.summary). Call once,
 * after lt_recon_finish(); later items are ignored. */
void lt_sink_perfetto_summary(void *sink, const struct lt_stats *st);

/* Frees. If lt_sink_perfetto_summary() was not called, writes the closing part first (no
 * statistics) so that the file is still valid JSON: out must then still be open. */
void lt_sink_perfetto_free(struct lt_sink_perfetto *s);

/* Tasks (tids) remembered; beyond, tasks with nothing open are forgotten (their names are
 * then written again if they come back). */
#define LT_PERFETTO_MAX_TASKS	65536

#endif /* LT_SINK_PERFETTO_H */
