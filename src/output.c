// SPDX-License-Identifier: GPL-2.0
/* src/output.c: the text and JSON sinks behind one struct lt_output. */
#include "output.h"
#include "sink_json.h"
#include "sink_text.h"

static void text_summary(void *ctx, const struct lt_stats *st)
{
	lt_sink_text_flush(ctx);
	lt_sink_text_summary(ctx, st);
}

int lt_output_init(struct lt_output *out, enum lt_output_kind kind, FILE *f, bool color,
		   const struct lt_ksyms *ks)
{
	out->kind = kind;
	if (kind == LT_OUT_JSON) {
		struct lt_json_opts o;
		struct lt_sink_json *s;

		lt_json_default_opts(&o);
		s = lt_sink_json_new(f, &o, ks);
		if (!s)
			return -1;
		lt_sink_json_ops(s, &out->ops);
		out->ctx = s;
		out->summary = lt_sink_json_summary;
	} else {
		struct lt_text_opts o;
		struct lt_sink_text *s;

		lt_text_default_opts(&o);
		o.color = color;
		s = lt_sink_text_new(f, &o, ks);
		if (!s)
			return -1;
		lt_sink_text_ops(s, &out->ops);
		out->ctx = s;
		out->summary = text_summary;
	}
	return 0;
}

void lt_output_fini(struct lt_output *out)
{
	if (out->kind == LT_OUT_JSON)
		lt_sink_json_free(out->ctx);
	else
		lt_sink_text_free(out->ctx);
	out->ctx = NULL;
}
