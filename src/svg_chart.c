// SPDX-License-Identifier: GPL-2.0
/* src/svg_chart.c: grouped horizontal bar chart in SVG 1.1 (see svg_chart.h). */
#include <math.h>	/* isfinite (a builtin: no libm needed, the Makefile links none) */
#include <stdbool.h>
#include <string.h>

#include "svg_chart.h"

/* Length of the valid UTF-8 sequence at p (2..4), 0 if it is not one. */
static int utf8_len(const unsigned char *p)
{
	int n;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (int i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if (n == 3 && ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] >= 0xa0)))
		return 0;	/* overlong, surrogates */
	if (n == 3 && p[0] == 0xef && p[1] == 0xbf && p[2] >= 0xbe)
		return 0;	/* U+FFFE, U+FFFF: not XML characters */
	if (n == 4 && ((p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] >= 0x90)))
		return 0;
	return n;
}

void lt_svg_escape(FILE *out, const char *str)
{
	const unsigned char *p = (const unsigned char *)str;

	while (p && *p) {
		int n;

		switch (*p) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&apos;", out); break;
		default:
			if (*p >= 0x20 && *p < 0x7f) {
				fputc(*p, out);
			} else if (*p >= 0x80 && (n = utf8_len(p))) {
				fwrite(p, 1, n, out);
				p += n;
				continue;
			} else {
				fputc('?', out);
			}
		}
		p++;
	}
}

static double dabs(double v)
{
	return v < 0 ? -v : v;
}

static double dmin(double a, double b)
{
	return a < b ? a : b;
}

static double dmax(double a, double b)
{
	return a > b ? a : b;
}

/* floor(v) and ceil(v) for |v| well inside the long long range */
static double dfloor(double v)
{
	double f = (double)(long long)v;

	return f > v ? f - 1 : f;
}

static double dceil(double v)
{
	double f = (double)(long long)v;

	return f < v ? f + 1 : f;
}

/* A round step (1, 2 or 5 times a power of ten) near range / target. */
static double nice_step(double range, int target)
{
	double raw = range / target, mag = 1, f;

	if (!(raw > 0))
		return 1;
	while (mag * 10 <= raw)
		mag *= 10;
	while (mag > raw)
		mag /= 10;
	f = raw / mag;
	if (f <= 1.000001)
		f = 1;
	else if (f <= 2.000001)
		f = 2;
	else if (f <= 5.000001)
		f = 5;
	else
		f = 10;
	return f * mag;
}

/* A value as people write it: up to 4 significant digits, no trailing zeros, no "-0". */
static void fmt_num(char *buf, size_t len, double v)
{
	if (dabs(v) < 1e-12)
		v = 0;
	if (dabs(v) >= 1e15 || (v != 0 && dabs(v) < 1e-4)) {
		snprintf(buf, len, "%.3g", v);
		return;
	}
	snprintf(buf, len, "%.4g", v);
	if (strchr(buf, 'e')) {	/* %.4g switched to exponent: print it in full */
		snprintf(buf, len, "%.0f", v);
		return;
	}
}

#define CH_W		720
#define CH_TOP		70	/* title and legend */
#define CH_BAR		14
#define CH_GROUP	(2 * CH_BAR + 12)
#define CH_RIGHT	90	/* room for value labels */
#define COLOR_A		"#4e79a7"
#define COLOR_B		"#f28e2b"

static void text(FILE *out, double x, double y, const char *attrs, const char *s)
{
	fprintf(out, "<text x=\"%.1f\" y=\"%.1f\"%s>", x, y, attrs);
	lt_svg_escape(out, s);
	fputs("</text>\n", out);
}

static void value_label(FILE *out, double x, double y, bool neg, double v, const char *unit)
{
	char num[64], buf[160];

	fmt_num(num, sizeof(num), v);
	snprintf(buf, sizeof(buf), "%s%s%s", num, unit[0] ? " " : "", unit);
	text(out, neg ? x - 4 : x + 4, y, neg ? " class=\"v\" text-anchor=\"end\"" : " class=\"v\"",
	     buf);
}

int lt_svg_bar_chart(FILE *out, const char *title, const char *name_a, const char *name_b,
		     const char *unit, const struct lt_chart_bar *bars, size_t n)
{
	double lo = 0, hi = 0, step, x0, pw, scale, zero;
	size_t label_chars = 4;
	int label_w, height, axis_y;
	char buf[64];

	if (!out || (n && !bars))
		return -1;
	unit = unit ? unit : "";
	for (size_t i = 0; i < n; i++) {
		size_t l = bars[i].label ? strlen(bars[i].label) : 0;

		if (!isfinite(bars[i].a) || !isfinite(bars[i].b) || !isfinite(bars[i].err_a) ||
		    !isfinite(bars[i].err_b) || bars[i].err_a < 0 || bars[i].err_b < 0)
			return -1;
		lo = dmin(lo, dmin(bars[i].a - bars[i].err_a, bars[i].b - bars[i].err_b));
		hi = dmax(hi, dmax(bars[i].a + bars[i].err_a, bars[i].b + bars[i].err_b));
		if (l > label_chars)
			label_chars = l;
	}
	if (label_chars > 40)
		label_chars = 40;	/* longer labels overflow to the left edge, clipped */
	if (lo == 0 && hi == 0)
		hi = 1;
	if (!isfinite(hi - lo))
		return -1;
	step = nice_step(hi - lo, 5);
	lo = dfloor(lo / step + 1e-9) * step;
	hi = dceil(hi / step - 1e-9) * step;
	if (lo > 0)
		lo = 0;
	if (hi <= lo)
		hi = lo + step;

	label_w = 16 + 7 * (int)label_chars;
	x0 = label_w;
	/* value labels read "N unit": leave them room past the longest bar */
	pw = CH_W - label_w - (unit && 40 + 7 * (int)strlen(unit) > CH_RIGHT ?
				40 + 7 * (int)strlen(unit) : CH_RIGHT);
	scale = pw / (hi - lo);
	zero = x0 + (0 - lo) * scale;
	axis_y = CH_TOP + (int)(n ? n : 1) * CH_GROUP + 6;
	height = axis_y + 44;

	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" "
		"height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n",
		CH_W, height, CH_W, height);
	fputs("<style type=\"text/css\">.t{font-size:16px;font-weight:bold}.v{font-size:11px;"
	      "fill:#333}.ax{font-size:11px;fill:#555}.g{stroke:#ddd;stroke-width:1}</style>\n",
	      out);
	fprintf(out, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n", CH_W,
		height);
	text(out, 10, 22, " class=\"t\"", title ? title : "");

	/* legend */
	fprintf(out, "<rect x=\"%.1f\" y=\"36\" width=\"12\" height=\"12\" fill=\"" COLOR_A
		"\"/>\n", x0);
	text(out, x0 + 18, 46, "", name_a ? name_a : "A");
	fprintf(out, "<rect x=\"%.1f\" y=\"36\" width=\"12\" height=\"12\" fill=\"" COLOR_B
		"\"/>\n", x0 + 160);
	text(out, x0 + 178, 46, "", name_b ? name_b : "B");

	/* grid and axis */
	for (int k = 0; ; k++) {
		double v = lo + k * step, x = x0 + (v - lo) * scale;

		if (v > hi + step * 1e-6)
			break;
		fprintf(out, "<line class=\"g\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n", x,
			CH_TOP - 4, x, axis_y);
		fmt_num(buf, sizeof(buf), v);
		text(out, x, axis_y + 16, " class=\"ax\" text-anchor=\"middle\"", buf);
	}
	fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\"/>\n", x0,
		axis_y, x0 + pw, axis_y);
	fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\"/>\n", zero,
		CH_TOP - 4, zero, axis_y);
	if (unit[0])
		text(out, x0 + pw / 2, axis_y + 34, " class=\"ax\" text-anchor=\"middle\"", unit);
	if (!n)
		text(out, x0 + pw / 2, CH_TOP + CH_GROUP / 2 + 4,
		     " class=\"ax\" text-anchor=\"middle\"", "no data");

	/* one group per label: A above B */
	for (size_t i = 0; i < n; i++) {
		double y = CH_TOP + (double)i * CH_GROUP;
		const double v[2] = { bars[i].a, bars[i].b };
		const double e[2] = { bars[i].err_a, bars[i].err_b };
		static const char *const col[2] = { COLOR_A, COLOR_B };

		text(out, x0 - 8, y + CH_BAR + 4, " text-anchor=\"end\"",
		     bars[i].label ? bars[i].label : "");
		for (int j = 0; j < 2; j++) {
			double xa = zero, xb = zero + v[j] * scale, by = y + j * CH_BAR;

			if (xb < xa) {
				double tmp = xa;

				xa = xb;
				xb = tmp;
			}
			fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" "
				"fill=\"%s\"/>\n", xa, by, xb - xa, CH_BAR - 1, col[j]);
			if (e[j] > 0) {	/* the error bar: a line from v - e to v + e, capped */
				double el = zero + (v[j] - e[j]) * scale, er = zero + (v[j] + e[j]) * scale;
				double my = by + (CH_BAR - 1) / 2.0;

				fprintf(out, "<path d=\"M%.1f %.1fH%.1fM%.1f %.1fV%.1fM%.1f %.1fV%.1f\" "
					"stroke=\"#222\" fill=\"none\"/>\n", el, my, er, el, my - 4,
					my + 4, er, my - 4, my + 4);
				if (v[j] < 0)
					xa = dmin(xa, el);
				else
					xb = dmax(xb, er);
			}
			value_label(out, v[j] < 0 ? xa : xb, by + CH_BAR - 3, v[j] < 0, v[j], unit);
		}
	}
	fputs("</svg>\n", out);
	fflush(out);
	return ferror(out) ? -1 : 0;
}
