// SPDX-License-Identifier: GPL-2.0
/*
 * tests/unit/test_render.c: the Perfetto (Chrome trace-event JSON) and SVG timeline sinks and
 * the SVG bar chart. The seed 8 5 noflush timeline (with its hazards) gives exact golden
 * output; a small JSON parser checks that every output parses and that slices and flows are
 * consistent (every B has its E on the same track, in order; every flow end has its start);
 * a small XML checker checks that every SVG is well-formed. Edge cases (sections left open,
 * disable without enable, lost events, several tasks, hostile names) and random streams go
 * through the same checks.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "ksyms.h"
#include "recon.h"
#include "sink_perfetto.h"
#include "sink_svg.h"
#include "svg_chart.h"

#include "streams.h"

static struct stream S1;

/* ------------------------------------------------------------ running a sink */

enum sink_kind { PERFETTO, SVG };

/* Feeds s (then, optionally, lost events after its last event) to a reconstruction with one
 * sink; returns what the sink wrote (malloc'ed). */
static char *run(enum sink_kind kind, const struct stream *s, const struct lt_ksyms *ks,
		 __u64 lost)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	struct lt_recon_ops ops;
	struct lt_sink_perfetto *p = NULL;
	struct lt_sink_svg *v = NULL;
	struct lt_recon *lr;

	if (kind == PERFETTO) {
		p = lt_sink_perfetto_new(out, ks);
		lt_sink_perfetto_ops(p, &ops);
	} else {
		v = lt_sink_svg_new(out, ks);
		lt_sink_svg_ops(v, &ops);
	}
	lr = lt_recon_new(LT_DEFER_FROM_TRACEPOINT, &ops);
	for (int i = 0; i < s->n; i++)
		lt_recon_feed(lr, &s->ev[i], s->fr[i]);
	if (lost)
		lt_recon_lost(lr, s->ev[s->n - 1].ts + 500, lost);
	lt_recon_finish(lr);
	if (kind == PERFETTO) {
		lt_sink_perfetto_summary(p, lt_recon_stats(lr));
		lt_sink_perfetto_free(p);
	} else {
		lt_sink_svg_summary(v, lt_recon_stats(lr));
		lt_sink_svg_free(v);
	}
	lt_recon_free(lr);
	fclose(out);
	return buf;
}

/* LT_RENDER_OUT=DIR: keep the outputs there, to look at them. */
static void save(const char *name, const char *text)
{
	const char *dir = getenv("LT_RENDER_OUT");
	char path[4096];
	FILE *f;

	if (!dir || !text)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static bool quiet;	/* the checkers' own tests: no messages */

static int count(const char *hay, const char *needle)
{
	int n = 0;
	size_t l = strlen(needle);

	for (const char *p = hay; p && (p = strstr(p, needle)); p += l)
		n++;
	return n;
}

#define say(...) do { if (!quiet) printf(__VA_ARGS__); } while (0)

/* ------------------------------------------------------------ a minimal JSON parser */

struct json {
	const char *p;
	const char *err;	/* first error: where */
};

static void ws(struct json *j)
{
	while (*j->p == ' ' || *j->p == '\n' || *j->p == '\t' || *j->p == '\r')
		j->p++;
}

static bool fail(struct json *j)
{
	if (!j->err)
		j->err = j->p;
	return false;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A string; its contents (escapes kept as written) into out if out. */
static bool jstring(struct json *j, char *out, size_t len)
{
	size_t n = 0;

	if (*j->p != '"')
		return fail(j);
	j->p++;
	while (*j->p != '"') {
		unsigned char c = *j->p;

		if (c < 0x20)
			return fail(j);	/* raw control character, or the end */
		if (c == '\\') {
			char e = j->p[1];

			if (e == 'u') {
				for (int k = 2; k < 6; k++)
					if (!is_hex(j->p[k]))
						return fail(j);
			} else if (!strchr("\"\\/bfnrt", e) || !e) {
				return fail(j);
			}
			if (out && n + 1 < len)
				out[n++] = c;
			j->p++;
			c = *j->p;
		}
		if (out && n + 1 < len)
			out[n++] = c;
		j->p++;
	}
	j->p++;
	if (out)
		out[n] = '\0';
	return true;
}

static bool jnumber(struct json *j)
{
	const char *p = j->p;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (is_digit(*p))
		while (is_digit(*p))
			p++;
	else
		return fail(j);
	if (*p == '.') {
		p++;
		if (!is_digit(*p))
			return fail(j);
		while (is_digit(*p))
			p++;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!is_digit(*p))
			return fail(j);
		while (is_digit(*p))
			p++;
	}
	j->p = p;
	return true;
}

static bool jvalue(struct json *j, int depth);

static bool jobject(struct json *j, int depth)
{
	j->p++;
	ws(j);
	if (*j->p == '}') {
		j->p++;
		return true;
	}
	for (;;) {
		ws(j);
		if (!jstring(j, NULL, 0))
			return false;
		ws(j);
		if (*j->p != ':')
			return fail(j);
		j->p++;
		if (!jvalue(j, depth + 1))
			return false;
		ws(j);
		if (*j->p == '}') {
			j->p++;
			return true;
		}
		if (*j->p != ',')
			return fail(j);
		j->p++;
	}
}

static bool jarray(struct json *j, int depth)
{
	j->p++;
	ws(j);
	if (*j->p == ']') {
		j->p++;
		return true;
	}
	for (;;) {
		if (!jvalue(j, depth + 1))
			return false;
		ws(j);
		if (*j->p == ']') {
			j->p++;
			return true;
		}
		if (*j->p != ',')
			return fail(j);
		j->p++;
	}
}

static bool jvalue(struct json *j, int depth)
{
	ws(j);
	if (depth > 64)
		return fail(j);
	switch (*j->p) {
	case '{': return jobject(j, depth);
	case '[': return jarray(j, depth);
	case '"': return jstring(j, NULL, 0);
	case 't':
		if (strncmp(j->p, "true", 4))
			return fail(j);
		j->p += 4;
		return true;
	case 'f':
		if (strncmp(j->p, "false", 5))
			return fail(j);
		j->p += 5;
		return true;
	case 'n':
		if (strncmp(j->p, "null", 4))
			return fail(j);
		j->p += 4;
		return true;
	default:
		return jnumber(j);
	}
}

/* The whole text is one JSON value (and whitespace). */
static bool json_valid(const char *text)
{
	struct json j = { .p = text };
	bool ok = text && jvalue(&j, 0);

	if (ok) {
		ws(&j);
		ok = *j.p == '\0';
	}
	if (!ok && text)
		say("invalid JSON at offset %ld: %.60s\n", (long)((j.err ? j.err : j.p) - text),
		       j.err ? j.err : j.p);
	return ok;
}

/* ------------------------------------------------------------ trace-event checks */

struct tev {
	char name[256], ph[8], bp[8], id[32], ts[32], pid[16], tid[16], scope[8];
};

/* The top-level fields of the event object at j->p (raw text of numbers). */
static bool parse_event(struct json *j, struct tev *e)
{
	memset(e, 0, sizeof(*e));
	ws(j);
	if (*j->p != '{')
		return fail(j);
	j->p++;
	for (;;) {
		char k[32];
		const char *v;
		char *dst = NULL;
		size_t dlen = 0;

		ws(j);
		if (!jstring(j, k, sizeof(k)))
			return false;
		ws(j);
		if (*j->p != ':')
			return fail(j);
		j->p++;
		ws(j);
		v = j->p;
		if (!jvalue(j, 1))
			return false;
#define F(f) else if (!strcmp(k, #f)) { dst = e->f; dlen = sizeof(e->f); }
		if (0) {}
		F(name) F(ph) F(bp) F(id) F(ts) F(pid) F(tid)
		else if (!strcmp(k, "s")) { dst = e->scope; dlen = sizeof(e->scope); }
#undef F
		if (dst) {
			size_t n = (size_t)(j->p - v);

			if (*v == '"') {	/* without the quotes */
				v++;
				n -= 2;
			}
			if (n >= dlen)
				n = dlen - 1;
			memcpy(dst, v, n);
			dst[n] = '\0';
		}
		ws(j);
		if (*j->p == '}') {
			j->p++;
			return true;
		}
		if (*j->p != ',')
			return fail(j);
		j->p++;
	}
}

struct track {
	char pid[16], tid[16];
	char names[300][256];
	double ts[300];
	int n;
};

struct trace_facts {
	int events, b, e, flows_s, flows_f, instants, counters, meta, global;
	int unbound;		/* flow starts written while no slice was open on the track */
	int errors;
};

/*
 * The trace's structure: "traceEvents" is an array of events; every B has its E on the same
 * (pid, tid), in order, with the same name and not before it; nothing is left open; every
 * "f" has an "s" with its id before it (and binds to the enclosing slice); instants have a
 * scope; every event but metadata has a ts.
 */
static struct trace_facts trace_check(const char *text)
{
	static struct track tracks[64];
	static char flow_ids[4096][32];
	struct trace_facts f = { 0 };
	struct json j = { .p = text ? strstr(text, "\"traceEvents\":[") : NULL };
	int ntracks = 0, nflows = 0;

	if (!j.p) {
		f.errors++;
		return f;
	}
	j.p += strlen("\"traceEvents\":[");
	ws(&j);
	while (*j.p != ']') {
		struct tev e;
		struct track *t = NULL;

		if (!parse_event(&j, &e)) {
			f.errors++;
			return f;
		}
		f.events++;
		ws(&j);
		if (*j.p == ',')
			j.p++;
		ws(&j);
		if (!e.ph[0] || !e.pid[0] || !e.tid[0] || (strcmp(e.ph, "M") && !e.ts[0])) {
			say("event without ph/pid/tid/ts: %s\n", e.name);
			f.errors++;
			continue;
		}
		for (int i = 0; i < ntracks; i++)
			if (!strcmp(tracks[i].pid, e.pid) && !strcmp(tracks[i].tid, e.tid))
				t = &tracks[i];
		if (!t && ntracks < 64) {
			t = &tracks[ntracks++];
			memset(t, 0, sizeof(*t));
			strcpy(t->pid, e.pid);
			strcpy(t->tid, e.tid);
		}
		if (!t) {
			say("too many tracks\n");
			f.errors++;
			continue;
		}
		switch (e.ph[0]) {
		case 'B':
			f.b++;
			if (t->n >= 300) {
				say("too deep\n");
				f.errors++;
				break;
			}
			strcpy(t->names[t->n], e.name);
			t->ts[t->n++] = strtod(e.ts, NULL);
			break;
		case 'E':
			f.e++;
			if (!t->n) {
				say("E without B on %s/%s: %s\n", e.pid, e.tid, e.name);
				f.errors++;
				break;
			}
			t->n--;
			if (strcmp(t->names[t->n], e.name) || strtod(e.ts, NULL) < t->ts[t->n]) {
				say("E %s at %s does not close B %s\n", e.name, e.ts, t->names[t->n]);
				f.errors++;
			}
			break;
		case 's':
			f.flows_s++;
			if (nflows < 4096)
				strcpy(flow_ids[nflows++], e.id);
			if (!t->n)	/* binds to the enclosing slice (approximation: when written) */
				f.unbound++;
			break;
		case 'f': {
			bool found = false;

			f.flows_f++;
			for (int i = 0; i < nflows; i++)
				found |= !strcmp(flow_ids[i], e.id);
			if (!found || strcmp(e.bp, "e")) {
				say("flow end %s without start or bp\n", e.id);
				f.errors++;
			}
			break;
		}
		case 'i':
			f.instants++;
			if (!strcmp(e.scope, "g"))
				f.global++;
			else if (strcmp(e.scope, "t")) {
				say("instant without scope: %s\n", e.name);
				f.errors++;
			}
			break;
		case 'C':
			f.counters++;
			break;
		case 'M':
			f.meta++;
			break;
		default:
			say("unexpected ph %s\n", e.ph);
			f.errors++;
		}
	}
	for (int i = 0; i < ntracks; i++) {
		if (tracks[i].n) {
			say("%d slices left open on %s/%s\n", tracks[i].n, tracks[i].pid,
			       tracks[i].tid);
			f.errors++;
		}
	}
	return f;
}

/* ------------------------------------------------------------ a minimal XML checker */

static bool xml_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-' ||
	       c == '_' || c == ':' || c == '.';
}

/* An entity or character reference at p ('&'): its length, 0 if invalid. */
static size_t xml_ref(const char *p)
{
	static const char *const ents[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&apos;" };
	const char *q = p + 2;

	for (size_t i = 0; i < 5; i++)
		if (!strncmp(p, ents[i], strlen(ents[i])))
			return strlen(ents[i]);
	if (p[1] != '#')
		return 0;
	if (*q == 'x') {
		q++;
		if (!is_hex(*q))
			return 0;
		while (is_hex(*q))
			q++;
	} else {
		if (!is_digit(*q))
			return 0;
		while (is_digit(*q))
			q++;
	}
	return *q == ';' ? (size_t)(q - p + 1) : 0;
}

/*
 * Well-formed: an optional declaration, one root element, tags balanced and matching,
 * attributes quoted (no '<', references valid), text with valid references and no raw '>'
 * or control characters. Returns the number of elements, -1 if not well-formed.
 */
static int xml_check(const char *text)
{
	char stack[64][32];
	int depth = 0, elements = 0, roots = 0;
	const char *p = text;

	if (!p)
		return -1;
	if (!strncmp(p, "<?xml ", 6)) {
		p = strstr(p, "?>");
		if (!p)
			return -1;
		p += 2;
	}
	while (*p) {
		if (*p == '<') {
			if (!strncmp(p, "<!--", 4)) {
				p = strstr(p + 4, "-->");
				if (!p)
					return -1;
				p += 3;
				continue;
			}
			if (p[1] == '/') {
				size_t n = 0;

				p += 2;
				while (xml_name_char(p[n]))
					n++;
				if (!depth || n != strlen(stack[depth - 1]) ||
				    strncmp(p, stack[depth - 1], n) || p[n] != '>') {
					say("XML: unbalanced </%.*s> at offset %ld\n", (int)n, p,
					       (long)(p - text));
					return -1;
				}
				depth--;
				p += n + 1;
				continue;
			}
			{
				size_t n = 0;

				p++;
				while (xml_name_char(p[n]))
					n++;
				if (!n || n >= 32 || depth >= 64)
					return -1;
				if (!depth)
					roots++;
				memcpy(stack[depth], p, n);
				stack[depth][n] = '\0';
				elements++;
				p += n;
				for (;;) {	/* attributes */
					size_t an = 0;
					char q;

					while (*p == ' ' || *p == '\n')
						p++;
					if (*p == '>') {
						depth++;
						p++;
						break;
					}
					if (p[0] == '/' && p[1] == '>') {
						p += 2;
						break;
					}
					while (xml_name_char(p[an]))
						an++;
					if (!an || p[an] != '=' || (p[an + 1] != '"' && p[an + 1] != '\''))
						return -1;
					q = p[an + 1];
					p += an + 2;
					while (*p != q) {
						if (!*p || *p == '<' || (unsigned char)*p < 0x20)
							return -1;
						if (*p == '&') {
							size_t r = xml_ref(p);

							if (!r)
								return -1;
							p += r;
							continue;
						}
						p++;
					}
					p++;
				}
			}
			continue;
		}
		if (*p == '&') {
			size_t r = xml_ref(p);

			if (!r) {
				say("XML: bad reference at offset %ld\n", (long)(p - text));
				return -1;
			}
			p += r;
			continue;
		}
		if (*p == '>' || ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t')) {
			say("XML: raw '>' or control character at offset %ld\n", (long)(p - text));
			return -1;
		}
		if (!depth && *p != '\n' && *p != ' ' && *p != '\t')
			return -1;	/* text outside the root */
		p++;
	}
	return depth == 0 && roots == 1 ? elements : -1;
}

/* ------------------------------------------------------------ Perfetto: the golden trace */

#define HEAD "{\"traceEvents\":["
#define I(name, cat, ts) "{\"name\":\"" name "\",\"cat\":\"" cat "\",\"ph\":\"i\",\"ts\":" ts \
	",\"pid\":71,\"tid\":71,\"s\":\"t\",\"args\":{"
#define DEFER(ts, entry, depth, sec, n) \
	I("defer pte", "defer", ts) "\"entry\":\"" entry "\",\"level\":\"pte\"," \
	"\"site\":\"__set_ptes_anysz.constprop.0+0xd4\",\"section\":" sec ",\"depth\":" depth "}},\n" \
	"{\"name\":\"pending barriers\",\"ph\":\"C\",\"ts\":" ts ",\"pid\":71,\"tid\":71," \
	"\"id\":71,\"args\":{\"pending\":" n "}},\n"

static const char PERFETTO_NOFLUSH[] =
HEAD "\n"
"{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":71,\"tid\":71,\"args\":{\"name\":\"sh\"}},\n"
"{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":71,\"tid\":71,\"args\":{\"name\":\"sh\"}},\n"
"{\"name\":\"scenario_write+0x690\",\"cat\":\"section\",\"ph\":\"B\",\"ts\":0.000,\"pid\":71,\"tid\":71,\"args\":{\"section\":1,\"action\":\"enter\",\"depth\":1}},\n"
DEFER("1.000", "0xffff0000c0100000", "1", "1", "1")
DEFER("2.000", "0xffff0000c0100008", "1", "1", "2")
DEFER("3.000", "0xffff0000c0100010", "1", "1", "3")
DEFER("4.000", "0xffff0000c0100018", "1", "1", "4")
DEFER("5.000", "0xffff0000c0100020", "1", "1", "5")
DEFER("6.000", "0xffff0000c0100028", "1", "1", "6")
DEFER("7.000", "0xffff0000c0100030", "1", "1", "7")
DEFER("8.000", "0xffff0000c0100038", "1", "1", "8")
I("map __kernel_map_pages", "map", "9.000") "\"count\":1,\"enable\":true,\"site\":\"__kernel_map_pages+0x0\"}},\n"
I("map set_memory_valid", "map", "10.000") "\"addr\":\"0xffff000012345000\",\"count\":1,\"enable\":true,\"site\":\"set_memory_valid+0x0\"}},\n"
"{\"name\":\"update_range_prot+0x1e8\",\"cat\":\"section\",\"ph\":\"B\",\"ts\":11.000,\"pid\":71,\"tid\":71,\"args\":{\"section\":2,\"action\":\"nest\",\"depth\":2}},\n"
I("pte update", "pte", "12.000") "\"addr\":\"0xffff000012345000\",\"entry\":\"0xffff0000c01048d0\",\"deferred\":false,\"site\":\"pageattr_pte_entry+0x0\"}},\n"
I("defer pte", "defer", "13.000") "\"addr\":\"0xffff000012345000\",\"entry\":\"0xffff0000c01048d0\",\"level\":\"pte\",\"site\":\"pageattr_pte_entry+0x94\",\"section\":2,\"depth\":2}},\n"
"{\"name\":\"pending barriers\",\"ph\":\"C\",\"ts\":13.000,\"pid\":71,\"tid\":71,\"id\":71,\"args\":{\"pending\":9}},\n"
"{\"name\":\"update_range_prot+0x1e8\",\"cat\":\"section\",\"ph\":\"E\",\"ts\":14.000,\"pid\":71,\"tid\":71,\"args\":{\"section\":2,\"action\":\"noflush\",\"site\":\"update_range_prot+0x208\"}},\n"
I("return set_memory_valid", "map", "15.000") "\"addr\":\"0xffff000012345000\",\"count\":1,\"enable\":true,\"site\":\"set_memory_valid+0x0\"}},\n"
I("return __kernel_map_pages", "map", "16.000") "\"addr\":\"0xffff000012345000\",\"count\":1,\"enable\":true,\"site\":\"__kernel_map_pages+0x0\"}},\n"
I("HAZARD potential", "hazard", "16.000") "\"addr\":\"0xffff000012345000\",\"section\":2,\"section_site\":\"update_range_prot+0x1e8\",\"defer_site\":\"pageattr_pte_entry+0x94\",\"access_site\":\"__kernel_map_pages+0x0\",\"age_ns\":3000,\"stack\":[]}},\n"
"{\"name\":\"hazard\",\"cat\":\"hazard\",\"ph\":\"s\",\"ts\":13.000,\"pid\":71,\"tid\":71,\"id\":1},\n"
"{\"name\":\"hazard\",\"cat\":\"hazard\",\"ph\":\"f\",\"ts\":16.000,\"pid\":71,\"tid\":71,\"id\":1,\"bp\":\"e\"},\n"
I("access clear_page", "access", "17.000") "\"addr\":\"0xffff000012345000\",\"site\":\"clear_page+0x0\"}},\n"
I("HAZARD confirmed", "hazard", "17.000") "\"addr\":\"0xffff000012345000\",\"section\":2,\"section_site\":\"update_range_prot+0x1e8\",\"defer_site\":\"pageattr_pte_entry+0x94\",\"access_site\":\"clear_page+0x0\",\"age_ns\":4000,\"stack\":[\"clear_page+0x10\",\"update_range_prot+0x40\",\"scenario_write+0x6b0\"]}},\n"
"{\"name\":\"hazard\",\"cat\":\"hazard\",\"ph\":\"s\",\"ts\":13.000,\"pid\":71,\"tid\":71,\"id\":2},\n"
"{\"name\":\"hazard\",\"cat\":\"hazard\",\"ph\":\"f\",\"ts\":17.000,\"pid\":71,\"tid\":71,\"id\":2,\"bp\":\"e\"},\n"
DEFER("18.000", "0xffff0000c0200000", "1", "1", "10")
DEFER("19.000", "0xffff0000c0200008", "1", "1", "11")
DEFER("20.000", "0xffff0000c0200010", "1", "1", "12")
DEFER("21.000", "0xffff0000c0200018", "1", "1", "13")
DEFER("22.000", "0xffff0000c0200020", "1", "1", "14")
I("flush", "flush", "23.000") "\"count\":14,\"site\":\"scenario_write+0x6f0\",\"section\":1}},\n"
"{\"name\":\"pending barriers\",\"ph\":\"C\",\"ts\":23.000,\"pid\":71,\"tid\":71,\"id\":71,\"args\":{\"pending\":0}},\n"
"{\"name\":\"scenario_write+0x690\",\"cat\":\"section\",\"ph\":\"E\",\"ts\":24.000,\"pid\":71,\"tid\":71,\"args\":{\"section\":1,\"action\":\"leave\",\"site\":\"scenario_write+0x6e0\"}}\n"
"],\"displayTimeUnit\":\"ns\",\"otherData\":{\"tool\":\"lazytrace\",\"events\":26,\"sections\":2,\"nested_sections\":1,\"max_depth\":2,\"deferred_ptes\":14,\"flushes\":1,\"hazards_confirmed\":1,\"hazards_potential\":1,\"lost_events\":0,\"anomalies\":0}}\n";

static void test_perfetto_golden(void)
{
	struct lt_ksyms *ks = lt_ksyms_from_buffer(KALLSYMS, sizeof(KALLSYMS) - 1);
	struct cur c = { .pid = 71, .tid = 71, .cpu = 1, .ts = 5000000 };
	struct trace_facts f;
	char *out;

	S1.n = 0;
	seed(&S1, &c, NOFLUSH, 8, 5, true);
	out = run(PERFETTO, &S1, ks, 0);
	save("seed-noflush.json", out);
	CHECK_STR(out, PERFETTO_NOFLUSH);
	CHECK(json_valid(out));
	f = trace_check(out);
	CHECK_EQ(f.errors, 0);
	CHECK_EQ(f.b, 2);
	CHECK_EQ(f.e, 2);
	CHECK_EQ(f.flows_s, 2);
	CHECK_EQ(f.flows_f, 2);
	CHECK_EQ(f.meta, 2);
	CHECK_EQ(f.counters, 15);	/* 14 deferrals, 1 flush */
	CHECK_EQ(f.global, 0);
	CHECK_EQ(count(out, "\"name\":\"HAZARD confirmed\""), 1);
	CHECK_EQ(count(out, "\"name\":\"HAZARD potential\""), 1);
	free(out);

	/* the golden text itself is a consistent trace */
	CHECK(json_valid(PERFETTO_NOFLUSH));
	CHECK_EQ(trace_check(PERFETTO_NOFLUSH).errors, 0);
	lt_ksyms_free(ks);
}

/* Sections left open, a disable without enable, lost events, two tasks of one process,
 * names that need escaping, no symbols. */
static void test_perfetto_edges(void)
{
	struct cur a = { .pid = 100, .tid = 100, .cpu = 0, .ts = 1000 };
	struct cur b = { .pid = 100, .tid = 101, .cpu = 2, .ts = 1500 };
	struct trace_facts f;
	char *out;

	S1.n = 0;
	add_task(&S1, &b, "worker\"\\\x01<x>");
	add_trans(&S1, &b, LT_DISABLE, LT_ACT_LEAVE, 0, false, IP_LEAVE);	/* no enable */
	add_task(&S1, &a, "main");
	add_trans(&S1, &a, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);
	add_trans(&S1, &b, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);
	add_trans(&S1, &a, LT_ENABLE, LT_ACT_NEST, 2, false, IP_NEST);
	add_defer(&S1, &a, 2, VA_B, ENTRY_B, IP_PTE_DEFER, true);
	add_trans(&S1, &b, LT_DISABLE, LT_ACT_LEAVE, 0, false, IP_LEAVE);
	add_trans(&S1, &a, LT_ENABLE, LT_ACT_NOOP, 2, true, IP_NEST);	/* opens nothing */
	add_access(&S1, &a, 2, true, VA_B, true);
	out = run(PERFETTO, &S1, NULL, 7);	/* a's two sections stay open */
	save("edges.json", out);
	CHECK(json_valid(out));
	f = trace_check(out);
	CHECK_EQ(f.errors, 0);
	CHECK_EQ(f.b, 3);
	CHECK_EQ(f.e, 3);
	CHECK_EQ(count(out, "\"open_at_end\":true"), 2);
	CHECK_EQ(f.flows_s, 1);
	CHECK_EQ(f.flows_f, 1);
	CHECK_EQ(f.global, 1);		/* the lost events */
	CHECK(strstr(out, "{\"name\":\"lost 7 events\",\"cat\":\"lost\",\"ph\":\"i\"") != NULL);
	CHECK(strstr(out, "\"name\":\"ANOMALY disable_without_enable\"") != NULL);
	CHECK(strstr(out, "\"name\":\"ANOMALY open_at_exit\"") != NULL);
	CHECK(strstr(out, "\"name\":\"disable leave\"") != NULL);	/* the lone disable */
	CHECK(strstr(out, "\"name\":\"enable noop\"") != NULL);
	CHECK(strstr(out, "\"args\":{\"name\":\"worker\\\"\\\\\\u0001<x>\"}") != NULL);
	/* process named after its main thread, once the main thread is known */
	CHECK_EQ(count(out, "\"name\":\"process_name\""), 2);
	CHECK(strstr(out, "\"name\":\"process_name\",\"ph\":\"M\",\"pid\":100,\"tid\":100,"
		      "\"args\":{\"name\":\"main\"}") != NULL);
	CHECK(strstr(out, "\"name\":\"0xffff800080123690\",\"cat\":\"section\",\"ph\":\"B\"") !=
	      NULL);
	/* the open slices end at the last timestamp of the trace: the lost events, 1.500 us
	 * after the first item (b's disable at 3500 ns; a's enable before it is at -0.500) */
	CHECK(strstr(out, "\"ph\":\"B\",\"ts\":-0.500,\"pid\":100,\"tid\":100,") != NULL);
	CHECK(strstr(out, "\"ph\":\"E\",\"ts\":5.000,\"pid\":100,\"tid\":100,\"args\":{"
		      "\"section\":") != NULL);
	free(out);

	/* nothing at all: still a valid trace */
	S1.n = 0;
	{
		char *buf = NULL;
		size_t len = 0;
		FILE *o = open_memstream(&buf, &len);
		struct lt_sink_perfetto *p = lt_sink_perfetto_new(o, NULL);

		lt_sink_perfetto_free(p);	/* no summary: free closes it */
		fclose(o);
		CHECK_STR(buf, "{\"traceEvents\":[\n],\"displayTimeUnit\":\"ns\","
			  "\"otherData\":{\"tool\":\"lazytrace\"}}\n");
		CHECK(json_valid(buf));
		free(buf);
	}
}

/* ------------------------------------------------------------ random streams */

struct tee {
	struct lt_recon_ops a, b;
};

static void tee_item(void *ctx, const struct lt_item *it)
{
	struct tee *t = ctx;

	t->a.item(t->a.ctx, it);
	t->b.item(t->b.ctx, it);
}

static void tee_hazard(void *ctx, const struct lt_hazard *hz)
{
	struct tee *t = ctx;

	t->a.hazard(t->a.ctx, hz);
	t->b.hazard(t->b.ctx, hz);
}

static void tee_anomaly(void *ctx, const struct lt_anomaly *an)
{
	struct tee *t = ctx;

	t->a.anomaly(t->a.ctx, an);
	t->b.anomaly(t->b.ctx, an);
}

/* Random records (random names and bytes, timestamps sometimes going back, deep nesting,
 * lost events) into both sinks at once: the JSON must parse with balanced slices, the SVG be
 * well-formed. */
static void test_fuzz(void)
{
	for (int round = 0; round < 6; round++) {
		char *jbuf = NULL, *sbuf = NULL;
		size_t jlen = 0, slen = 0;
		FILE *jo = open_memstream(&jbuf, &jlen), *so = open_memstream(&sbuf, &slen);
		struct lt_sink_perfetto *p = lt_sink_perfetto_new(jo, NULL);
		struct lt_sink_svg *v = lt_sink_svg_new(so, NULL);
		struct tee t;
		struct lt_recon_ops ops = {
			.ctx = &t, .item = tee_item, .hazard = tee_hazard, .anomaly = tee_anomaly,
		};
		struct lt_recon *lr;
		__u64 fr[LT_MAX_FRAMES];
		struct trace_facts f;

		lt_sink_perfetto_ops(p, &t.a);
		lt_sink_svg_ops(v, &t.b);
		lr = lt_recon_new(round % 2 ? LT_DEFER_FROM_PTE_UPDATE : LT_DEFER_FROM_TRACEPOINT,
				  &ops);
		for (int i = 0; i < 3000; i++) {
			struct lt_event e;

			if (rnd() % 10 == 0) {
				unsigned char *q = (unsigned char *)&e;

				for (size_t k = 0; k < sizeof(e); k++)
					q[k] = rnd();
				e.tid = rnd() % 6;
			} else {
				memset(&e, 0, sizeof(e));
				e.type = 1 + rnd() % (LT_TYPE_MAX - 1);
				e.tid = rnd() % 6;
				e.pid = e.tid / 2;
				e.ts = 1000000 + i * 100 - (rnd() % 50 == 0 ? rnd() % 5000 : 0);
				e.action = rnd() % 3 ? rnd() % 11 : 255;
				e.enable_count = round >= 4 ? rnd() % 40 : rnd() % 4;
				e.flags = rnd() & 0x1f;
				e.addr = 0xffff000010000000ULL + (rnd() % 8) * 0x1000;
				e.arg0 = rnd() % 3 ? 0xffff0000c0000000ULL + rnd() % 8 * 8 : rnd() % 4;
				e.arg1 = rnd() % 2;
				e.aux = rnd() % 20;
				e.nr_frames = rnd() % 4 == 0 ? rnd() % LT_MAX_FRAMES : 0;
			}
			for (int k = 0; k < LT_MAX_FRAMES; k++)
				fr[k] = rnd();
			lt_recon_feed(lr, &e, fr);
			if (rnd() % 500 == 0)
				lt_recon_lost(lr, e.ts, 1 + rnd() % 10);
		}
		lt_recon_finish(lr);
		lt_sink_perfetto_summary(p, lt_recon_stats(lr));
		lt_sink_svg_summary(v, lt_recon_stats(lr));
		lt_sink_perfetto_free(p);
		lt_sink_svg_free(v);
		lt_recon_free(lr);
		fclose(jo);
		fclose(so);
		CHECK(json_valid(jbuf));
		f = trace_check(jbuf);
		CHECK_EQ(f.errors, 0);
		CHECK_EQ(f.b, f.e);
		CHECK(f.b > 10);
		CHECK_EQ(f.flows_s, f.flows_f);
		CHECK(xml_check(sbuf) > 0);
		free(jbuf);
		free(sbuf);
	}
}

/* ------------------------------------------------------------ SVG timeline */

static void test_svg(void)
{
	struct lt_ksyms *ks = lt_ksyms_from_buffer(KALLSYMS, sizeof(KALLSYMS) - 1);
	struct cur c = { .pid = 71, .tid = 71, .cpu = 1, .ts = 5000000 };
	struct cur d = { .pid = 80, .tid = 81, .cpu = 2, .ts = 5000500 };
	char *out;

	/* seed 8 5 noflush: one confirmed hazard */
	S1.n = 0;
	seed(&S1, &c, NOFLUSH, 8, 5, false);
	out = run(SVG, &S1, ks, 0);
	save("seed-noflush.svg", out);
	CHECK(xml_check(out) > 0);
	CHECK(out && !strncmp(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\""
			      "http://www.w3.org/2000/svg\" version=\"1.1\"", 89));
	CHECK(strstr(out, ">sh/71<title>pid 71, tid 71</title></text>") != NULL);
	CHECK_EQ(count(out, "class=\"hazard\""), 1);
	CHECK_EQ(count(out, "class=\"hazard potential\""), 0);
	CHECK_EQ(count(out, "<path class=\"hazard-arrow\""), 1);
	CHECK_EQ(count(out, "<rect class=\"sec\""), 2);
	CHECK_EQ(count(out, "<rect class=\"sec open\""), 0);
	CHECK_EQ(count(out, "<polygon class=\"flush\""), 1);
	CHECK_EQ(count(out, "<circle class=\"access\""), 1);
	CHECK_EQ(count(out, "<line class=\"defer\""), 14);
	CHECK(strstr(out, "update_range_prot+0x1e8  section #2  depth 2  3.000 us") != NULL);
	CHECK(strstr(out, ">lazytrace: lazy MMU timeline (20.000 us, 1 task)</text>") != NULL);
	CHECK(strstr(out, ">events 22 | sections 2 (1 nested, max depth 2) | deferred updates 14 |"
		      " flushes 1 | hazards 1 confirmed, 0 potential | lost events 0 |"
		      " anomalies 0</text>") != NULL);
	CHECK(strstr(out, ">0 us</text>") && strstr(out, ">20 us</text>"));
	CHECK(strstr(out, "left out") == NULL);
	CHECK(strstr(out, "Time compressed") == NULL);
	free(out);

	/* with the map calls: a potential hazard too; a second task whose name needs escaping,
	 * left open; lost events */
	S1.n = 0;
	c.ts = 5000000;
	seed(&S1, &c, NOFLUSH, 8, 5, true);
	add_task(&S1, &d, "a<b>&\"c'\xff");
	add_trans(&S1, &d, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);
	add_trans(&S1, &d, LT_ENABLE, LT_ACT_NEST, 2, false, IP_NEST);
	add_trans(&S1, &d, LT_ENABLE, LT_ACT_NEST, 3, false, IP_NEST);
	out = run(SVG, &S1, ks, 3);
	save("seed-noflush-map-2tasks.svg", out);
	CHECK(xml_check(out) > 0);
	CHECK_EQ(count(out, "class=\"hazard\""), 1);
	CHECK_EQ(count(out, "class=\"hazard potential\""), 1);
	CHECK_EQ(count(out, "<path class=\"hazard-arrow\""), 2);
	CHECK(strstr(out, ">a&lt;b&gt;&amp;&quot;c&apos;?/81<title>pid 80, tid 81</title>") != NULL);
	CHECK_EQ(count(out, "<rect class=\"sec open\""), 3);
	CHECK_EQ(count(out, "<line class=\"lost\" x1"), 1);
	CHECK_EQ(count(out, "<polygon class=\"anomaly\" points"), 1);	/* open_at_exit */
	CHECK(strstr(out, "(still open at the end)") != NULL);
	CHECK(strstr(out, "2 tasks)") != NULL);
	free(out);

	/* nothing recorded */
	S1.n = 0;
	{
		char *buf = NULL;
		size_t len = 0;
		FILE *o = open_memstream(&buf, &len);
		struct lt_sink_svg *v = lt_sink_svg_new(o, NULL);

		lt_sink_svg_summary(v, NULL);
		lt_sink_svg_summary(v, NULL);	/* once */
		lt_sink_svg_free(v);
		fclose(o);
		CHECK(xml_check(buf) > 0);
		CHECK_EQ(count(buf, "<svg "), 1);
		CHECK(strstr(buf, "no lazy MMU activity recorded") != NULL);
		free(buf);
	}
	lt_ksyms_free(ks);
}

/* A long trace: more than LT_SVG_MAX_ITEMS marks, two bursts far apart (time compressed),
 * more tasks than lanes. The output stays small and says what was left out. */
static void test_svg_bounds(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&buf, &len);
	struct lt_sink_svg *v = lt_sink_svg_new(o, NULL);
	struct lt_recon_ops ops;
	struct lt_recon *lr;
	struct lt_event e;
	__u64 ts = 1000000000;
	int n = LT_SVG_MAX_ITEMS + 50000;

	lt_sink_svg_ops(v, &ops);
	lr = lt_recon_new(LT_DEFER_FROM_TRACEPOINT, &ops);
	for (int i = 0; i < n; i++) {
		memset(&e, 0, sizeof(e));
		e.pid = e.tid = 7;
		e.flags = LT_F_STATE;
		if (i == n / 2)
			ts += 60ULL * 1000000000;	/* a minute of nothing */
		e.ts = ts += 100;
		if (i % 1000 == 0) {
			e.type = LT_ENABLE;
			e.action = LT_ACT_ENTER;
			e.enable_count = 1;
		} else if (i % 1000 == 999) {
			e.type = LT_DISABLE;
			e.action = LT_ACT_LEAVE;
		} else if (i % 1000 == 998) {
			e.type = LT_FLUSH;
			e.aux = 997;
			e.enable_count = 1;
		} else {
			e.type = LT_DEFER;
			e.enable_count = 1;
			e.flags |= LT_F_PENDING;
			e.arg0 = ENTRY_A + 8 * (i % 1000);
		}
		lt_recon_feed(lr, &e, NULL);
	}
	for (__u32 tid = 1000; tid < 1000 + LT_SVG_MAX_LANES + 10; tid++) {
		memset(&e, 0, sizeof(e));
		e.pid = e.tid = tid;
		e.ts = ts;
		e.type = LT_ENABLE;
		e.action = LT_ACT_ENTER;
		e.enable_count = 1;
		e.flags = LT_F_STATE;
		lt_recon_feed(lr, &e, NULL);
	}
	lt_recon_finish(lr);
	lt_sink_svg_summary(v, lt_recon_stats(lr));
	lt_sink_svg_free(v);
	lt_recon_free(lr);
	fclose(o);
	save("bounds.svg", buf);
	CHECK(xml_check(buf) > 0);
	CHECK(strstr(buf, "items left out (buffer capped at 200000 items)") != NULL);
	CHECK(strstr(buf, "items of tasks beyond the first 200 left out") != NULL);
	CHECK(strstr(buf, "Time compressed: 1 idle gap drawn as hatched bands.") != NULL);
	CHECK(strstr(buf, "60.000 s without events (compressed)") != NULL);
	CHECK_EQ(count(buf, "<rect class=\"gap\""), 1);
	CHECK(len < 4 * 1024 * 1024);	/* marks merged per pixel */
	printf("svg bounds: %zu bytes\n", len);
	free(buf);
}

/* ------------------------------------------------------------ bar chart */

static const char CHART_GOLDEN[] =
"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
"<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"720\" height=\"240\" viewBox=\"0 0 720 240\" font-family=\"sans-serif\" font-size=\"12\">\n"
"<style type=\"text/css\">.t{font-size:16px;font-weight:bold}.v{font-size:11px;fill:#333}.ax{font-size:11px;fill:#555}.g{stroke:#ddd;stroke-width:1}</style>\n"
"<rect x=\"0\" y=\"0\" width=\"720\" height=\"240\" fill=\"#fff\"/>\n"
"<text x=\"10.0\" y=\"22.0\" class=\"t\">seed 8 5: nested vs noflush</text>\n"
"<rect x=\"128.0\" y=\"36\" width=\"12\" height=\"12\" fill=\"#4e79a7\"/>\n"
"<text x=\"146.0\" y=\"46.0\">nested</text>\n"
"<rect x=\"288.0\" y=\"36\" width=\"12\" height=\"12\" fill=\"#f28e2b\"/>\n"
"<text x=\"306.0\" y=\"46.0\">noflush</text>\n"
"<line class=\"g\" x1=\"128.0\" y1=\"66\" x2=\"128.0\" y2=\"196\"/>\n"
"<text x=\"128.0\" y=\"212.0\" class=\"ax\" text-anchor=\"middle\">0</text>\n"
"<line class=\"g\" x1=\"295.3\" y1=\"66\" x2=\"295.3\" y2=\"196\"/>\n"
"<text x=\"295.3\" y=\"212.0\" class=\"ax\" text-anchor=\"middle\">5</text>\n"
"<line class=\"g\" x1=\"462.7\" y1=\"66\" x2=\"462.7\" y2=\"196\"/>\n"
"<text x=\"462.7\" y=\"212.0\" class=\"ax\" text-anchor=\"middle\">10</text>\n"
"<line class=\"g\" x1=\"630.0\" y1=\"66\" x2=\"630.0\" y2=\"196\"/>\n"
"<text x=\"630.0\" y=\"212.0\" class=\"ax\" text-anchor=\"middle\">15</text>\n"
"<line x1=\"128.0\" y1=\"196\" x2=\"630.0\" y2=\"196\" stroke=\"#333\"/>\n"
"<line x1=\"128.0\" y1=\"66\" x2=\"128.0\" y2=\"196\" stroke=\"#333\"/>\n"
"<text x=\"120.0\" y=\"88.0\" text-anchor=\"end\">deferred updates</text>\n"
"<rect x=\"128.0\" y=\"70.0\" width=\"468.5\" height=\"13\" fill=\"#4e79a7\"/>\n"
"<text x=\"600.5\" y=\"81.0\" class=\"v\">14</text>\n"
"<rect x=\"128.0\" y=\"84.0\" width=\"468.5\" height=\"13\" fill=\"#f28e2b\"/>\n"
"<text x=\"600.5\" y=\"95.0\" class=\"v\">14</text>\n"
"<text x=\"120.0\" y=\"128.0\" text-anchor=\"end\">flushes</text>\n"
"<rect x=\"128.0\" y=\"110.0\" width=\"66.9\" height=\"13\" fill=\"#4e79a7\"/>\n"
"<text x=\"198.9\" y=\"121.0\" class=\"v\">2</text>\n"
"<rect x=\"128.0\" y=\"124.0\" width=\"33.5\" height=\"13\" fill=\"#f28e2b\"/>\n"
"<text x=\"165.5\" y=\"135.0\" class=\"v\">1</text>\n"
"<text x=\"120.0\" y=\"168.0\" text-anchor=\"end\">hazards</text>\n"
"<rect x=\"128.0\" y=\"150.0\" width=\"0.0\" height=\"13\" fill=\"#4e79a7\"/>\n"
"<text x=\"132.0\" y=\"161.0\" class=\"v\">0</text>\n"
"<rect x=\"128.0\" y=\"164.0\" width=\"83.7\" height=\"13\" fill=\"#f28e2b\"/>\n"
"<text x=\"215.7\" y=\"175.0\" class=\"v\">2.5</text>\n"
"</svg>\n";

static char *chart(int *rc, const char *t, const struct lt_chart_bar *bars, size_t n,
		   const char *unit)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&buf, &len);

	*rc = lt_svg_bar_chart(o, t, "nested", "noflush", unit, bars, n);
	fclose(o);
	return buf;
}

static int count_substr(const char *s, const char *sub)
{
	int n = 0;

	for (const char *p = s; (p = strstr(p, sub)); p += strlen(sub))
		n++;
	return n;
}

static void test_chart(void)
{
	static const struct lt_chart_bar bars[] = {
		{ "deferred updates", 14, 14, 0, 0 },
		{ "flushes", 2, 1, 0, 0 },
		{ "hazards", 0, 2.5, 0, 0 },
	};
	static const struct lt_chart_bar neg[] = {
		{ "delta <&>", -120.5, 37, 0, 0 }, { NULL, 1e6, 0.001, 0, 0 }, { "x", 0, 0, 0, 0 },
	};
	static const struct lt_chart_bar bad[] = { { "nan", 0.0 / 0.0, 1, 0, 0 } };
	/* mean ± sd of repeated runs: the axis reaches 13 + 4 = 17, so its last tick is 20 */
	static const struct lt_chart_bar err[] = { { "scenario_write", 13, 8, 4, 0 } };
	static const struct lt_chart_bar bad_err[] = { { "negative", 1, 1, -1, 0 } };
	int rc;
	char *out;

	out = chart(&rc, "seed 8 5: nested vs noflush", bars, 3, "");
	save("chart.svg", out);
	CHECK_EQ(rc, 0);
	CHECK_STR(out, CHART_GOLDEN);
	CHECK(xml_check(out) > 0);
	free(out);

	out = chart(&rc, "A \"quoted\" title & more", neg, 3, "us");
	save("chart-neg.svg", out);
	CHECK_EQ(rc, 0);
	CHECK(xml_check(out) > 0);
	CHECK(strstr(out, ">delta &lt;&amp;&gt;</text>") != NULL);
	CHECK(strstr(out, ">-120.5 us</text>") != NULL);
	CHECK(strstr(out, ">1000000 us</text>") != NULL);
	CHECK(strstr(out, ">A &quot;quoted&quot; title &amp; more</text>") != NULL);
	free(out);

	out = chart(&rc, "error bars", err, 1, "");
	save("chart-err.svg", out);
	CHECK_EQ(rc, 0);
	CHECK(xml_check(out) > 0);
	CHECK(strstr(out, ">20</text>") != NULL);	/* the axis covers the error bar */
	CHECK_EQ(count_substr(out, "<path d=\"M"), 1);	/* A's only: B's sd is 0 */
	free(out);
	out = chart(&rc, "bad", bad_err, 1, "");
	CHECK_EQ(rc, -1);
	free(out);

	out = chart(&rc, "empty", NULL, 0, NULL);
	CHECK_EQ(rc, 0);
	CHECK(xml_check(out) > 0);
	CHECK(strstr(out, ">no data</text>") != NULL);
	free(out);

	out = chart(&rc, "bad", bad, 1, "");
	CHECK_EQ(rc, -1);
	free(out);
	out = chart(&rc, "bad", NULL, 2, "");
	CHECK_EQ(rc, -1);
	free(out);
	CHECK_EQ(lt_svg_bar_chart(NULL, "t", "a", "b", "", bars, 3), -1);
}

/* The checkers themselves catch what they are meant to catch. */
static void test_checkers(void)
{
	quiet = true;
	CHECK(json_valid("{\"a\":[1,-2.5e3,\"x\\u00e9\",true,null,{}]}"));
	CHECK(!json_valid("{\"a\":[1,]}"));
	CHECK(!json_valid("{\"a\":\"tab\there\"}"));
	CHECK(!json_valid("{\"a\":01}"));
	CHECK(!json_valid("{\"a\":1}}"));
	CHECK(!json_valid("{\"a\":\"\\x\"}"));
	CHECK_EQ(trace_check("{\"traceEvents\":[{\"name\":\"a\",\"ph\":\"B\",\"ts\":1,\"pid\":1,"
			     "\"tid\":1},{\"name\":\"a\",\"ph\":\"E\",\"ts\":2,\"pid\":1,\"tid\":2}]}")
		 .errors, 2);	/* E on another track, B left open */
	CHECK_EQ(trace_check("{\"traceEvents\":[{\"name\":\"h\",\"ph\":\"f\",\"bp\":\"e\",\"id\":3,"
			     "\"ts\":2,\"pid\":1,\"tid\":1}]}").errors, 1);
	CHECK_EQ(xml_check("<?xml version=\"1.0\"?>\n<a x=\"1\"><b/>t&amp;<c>&#x41;</c></a>\n"), 3);
	CHECK_EQ(xml_check("<a><b></a></b>"), -1);
	CHECK_EQ(xml_check("<a>x & y</a>"), -1);
	CHECK_EQ(xml_check("<a t=\"<\"/>"), -1);
	CHECK_EQ(xml_check("<a/><b/>"), -1);
	CHECK_EQ(xml_check("<a>"), -1);
	quiet = false;
}

/*
 * Timestamps at both ends of the u64 range: two sections 1 ns long, 2^64 - 2 ns apart (the
 * gap is compressed, a tick every ns). The axis's tick loop ran `k <= last` with last =
 * UINT64_MAX and never ended (found by `make fuzz`). SIGALRM fails the test instead of
 * hanging it.
 */
static void test_svg_extreme_times(void)
{
	const __u64 ts[] = { 0, 1, ~0ULL - 1, ~0ULL };
	char *buf = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&buf, &len);
	struct lt_sink_svg *v = lt_sink_svg_new(o, NULL);
	struct lt_recon_ops ops;
	struct lt_recon *lr;

	alarm(20);
	lt_sink_svg_ops(v, &ops);
	lr = lt_recon_new(LT_DEFER_FROM_TRACEPOINT, &ops);
	for (unsigned int i = 0; i < 4; i++) {
		struct lt_event e;

		memset(&e, 0, sizeof(e));
		e.ts = ts[i];
		e.pid = e.tid = 5;
		e.flags = LT_F_STATE;
		e.type = i % 2 ? LT_DISABLE : LT_ENABLE;
		e.action = i % 2 ? LT_ACT_LEAVE : LT_ACT_ENTER;
		e.enable_count = !(i % 2);
		CHECK_EQ(lt_recon_feed(lr, &e, NULL), 0);
	}
	lt_recon_finish(lr);
	lt_sink_svg_summary(v, lt_recon_stats(lr));
	fclose(o);
	alarm(0);
	CHECK(xml_check(buf) > 0);
	CHECK_EQ(count(buf, "<rect class=\"sec\""), 2);
	lt_sink_svg_free(v);
	lt_recon_free(lr);
	free(buf);
}

int main(void)
{
	test_checkers();
	test_perfetto_golden();
	test_perfetto_edges();
	test_fuzz();
	test_svg();
	test_svg_bounds();
	test_svg_extreme_times();
	test_chart();
	return check_finish("test_render");
}
