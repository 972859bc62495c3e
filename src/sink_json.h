/* SPDX-License-Identifier: GPL-2.0 */
/*
 * src/sink_json.h: one JSON object per line (JSON Lines). Field names are a stable contract:
 *
 * Items: {"type": "enable"|"disable"|"pause"|"resume"|"defer"|"flush"|"map"|"map_ret"|"pte"|
 *         "access"|"lost", "ts_ns", "cpu", "pid", "tid", "comm", "depth", "section", ...}
 *   enable/disable/pause/resume: "action", "site", "ip", "pending", "inferred"
 *   defer:   "level" ("pte".."pgd"), "addr" (if known), "entry", "site", "ip", "pending"
 *   flush:   "count", "site", "ip", "pending", "inferred"
 *   map, map_ret: "func" ("__kernel_map_pages"|"set_memory_valid"), "addr", "count" (pages),
 *            "enable", "site", "ip" (map_ret: addr/count/enable only if matched to its entry)
 *   pte:     "addr", "entry", "deferred", "site", "ip", "pending"
 *   access:  "addr", "site", "ip"
 *   lost:    "count"
 * Hazards: {"type":"hazard", "kind":"confirmed"|"potential", "ts_ns", "cpu", "pid", "tid",
 *           "comm", "addr", "section", "section_site", "defer_site", "defer_ts_ns",
 *           "access_site" (the access probe, or the returning function for "potential"),
 *           "age_ns", "stack": [symbolized frames]}
 * Anomalies: {"type":"anomaly", "ts_ns", "cpu", "pid", "tid", "comm", "kind":
 *             "disable_without_enable"|"leave_with_pending"|"open_at_exit"|"state_mismatch"|
 *             "lost", "depth", "count", "site" and "ip" (if known)}; "lost" has pid/tid 0
 * Summary: {"type":"summary", "events", "sections", "nested_sections", "max_depth",
 *           "deferred_ptes", "flushes", "hazards_confirmed", "hazards_potential",
 *           "lost_events", "anomalies"}: integers.
 * Addresses are "0x..." strings, "site" is symbolized ("sym+0x1c4", or the hex address).
 */
#ifndef LT_SINK_JSON_H
#define LT_SINK_JSON_H

#include <stdbool.h>
#include <stdio.h>

#include "recon.h"

struct lt_ksyms;

struct lt_json_opts {
	bool show_pte;		/* "pte" items (default on) */
};

void lt_json_default_opts(struct lt_json_opts *o);

struct lt_sink_json;

/* opts NULL: defaults; ks may be NULL. */
struct lt_sink_json *lt_sink_json_new(FILE *out, const struct lt_json_opts *opts,
				      const struct lt_ksyms *ks);
void lt_sink_json_ops(struct lt_sink_json *s, struct lt_recon_ops *ops);

/* The summary line; sink is a struct lt_sink_json * (fits struct lt_output.summary). */
void lt_sink_json_summary(void *sink, const struct lt_stats *st);
void lt_sink_json_free(struct lt_sink_json *s);

/* Writes str as a JSON string literal, quotes included. */
void lt_json_string(FILE *out, const char *str);

#endif /* LT_SINK_JSON_H */
