/* SPDX-License-Identifier: GPL-2.0 */
/*
 * src/svg_chart.h: a standalone SVG 1.1 grouped bar chart (A vs B per label), e.g. for
 * `compare`: one horizontal bar pair per label, two colours, legend, value labels, an axis
 * with round ticks, error bars where given. Also the XML text escaper shared by the SVG outputs.
 */
#ifndef LT_SVG_CHART_H
#define LT_SVG_CHART_H

#include <stddef.h>
#include <stdio.h>

struct lt_chart_bar {
	const char *label;
	double a, b;
	double err_a, err_b;		/* error bars: a +- err_a (>= 0; 0: none) */
};

/*
 * Writes the chart to out. title, name_a, name_b (legend) and unit (after values and under
 * the axis; "" or NULL for none) are plain text, escaped here. Values may be negative (the
 * axis then spans below 0); n may be 0 (an empty chart saying so). Returns 0, or -1 if out
 * is NULL, bars is NULL with n > 0, a value is not finite, or writing failed.
 */
int lt_svg_bar_chart(FILE *out, const char *title, const char *name_a, const char *name_b,
		     const char *unit, const struct lt_chart_bar *bars, size_t n);

/* Writes s as XML character data or attribute value: & < > " ' escaped, control characters
 * and bytes that are not valid UTF-8 written as '?'. NULL: nothing. */
void lt_svg_escape(FILE *out, const char *s);

#endif /* LT_SVG_CHART_H */
