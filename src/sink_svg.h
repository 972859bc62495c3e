/* SPDX-License-Identifier: GPL-2.0 */
/*
 * src/sink_svg.h: a standalone SVG 1.1 timeline for people without Perfetto. Items are
 * buffered (at most LT_SVG_MAX_ITEMS; the SVG says how many were left out) and the drawing is
 * written by lt_sink_svg_summary():
 *
 *   title, a summary line (lt_stats), a legend;
 *   a lane per task (first seen first; at most LT_SVG_MAX_LANES), labelled "comm/tid";
 *   sections as bars stacked by depth (row = depth - 1, colour by depth; deeper than
 *   LT_SVG_MAX_ROWS in the last row), hover text: opening site, section id, duration;
 *   under them, deferrals as small ticks, flushes as green triangles, accesses as grey dots,
 *   anomalies as amber triangles, hazards as red circles (class "hazard": filled confirmed,
 *   hollow potential) with a red arrow from the deferral to the access or return;
 *   lost events as dashed orange lines across all lanes;
 *   a time axis (relative to the first event, ticks in ns/us/ms/s).
 *
 * Long traces: when idle gaps take most of the time range, the largest ones are drawn as
 * narrow hatched bands (labelled with their length) and the active parts share the width;
 * marks that fall on one pixel are drawn once and sections shorter than a pixel are 1px wide,
 * so the output stays bounded as well.
 */
#ifndef LT_SINK_SVG_H
#define LT_SINK_SVG_H

#include <stdio.h>

#include "recon.h"

struct lt_ksyms;
struct lt_sink_svg;

#define LT_SVG_MAX_ITEMS	200000	/* buffered marks and sections */
#define LT_SVG_MAX_LANES	200	/* tasks drawn */
#define LT_SVG_MAX_ROWS		12	/* section rows per lane */

/* ks may be NULL (sites in hex); it must live until lt_sink_svg_summary(). NULL on ENOMEM. */
struct lt_sink_svg *lt_sink_svg_new(FILE *out, const struct lt_ksyms *ks);

/* Fills ops (ctx = the sink) for lt_recon_new(). */
void lt_sink_svg_ops(struct lt_sink_svg *s, struct lt_recon_ops *ops);

/* Renders the whole SVG from what was buffered; sections still open end at the last
 * timestamp. sink is the struct lt_sink_svg * (fits struct lt_output.summary); st may be
 * NULL. Writes once: later calls do nothing. */
void lt_sink_svg_summary(void *sink, const struct lt_stats *st);

/* Frees (writes nothing). */
void lt_sink_svg_free(struct lt_sink_svg *s);

#endif /* LT_SINK_SVG_H */
