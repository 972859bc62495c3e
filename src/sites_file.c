// SPDX-License-Identifier: GPL-2.0
/*
 * src/sites_file.c: the site table file, so that a host without the kernel's debug package
 * (or a second run on the same kernel) needs no DWARF walk.
 *
 * A line-oriented text file, one record a line, fields separated by one space:
 *
 *	lazytrace-sites 2
 *	build-id <2..40 lowercase hex digits>
 *	text 0x<hex>
 *	state counters|tif|unknown
 *	source <where the table was made from, to the end of the line>	(optional)
 *	site <kind> 0x<addr> <tries> <level> <entry_reg> <val_reg> <cond> <via> <func>+0x<off>
 *	     <helper> <where>						(one line)
 *	refused <kind> 0x<addr> <func>+0x<off> <helper> <reason, to the end of the line>
 *
 * The first line is exactly the magic and version. build-id, text and state come once each,
 * before the first site or refused line; source is informative. <kind> is a name of
 * lt_site_kind_name(); <tries> 1..8; <level> 0..4 (enum lt_level); the registers -1 (not in a
 * register) or 0..30 (x0..x30); <cond> is "-" (always), "pte" or "valid" (enum lt_site_cond:
 * a call that defers only for some values of the entry in <val_reg>); <via> is "inline" or
 * "call" (enum lt_site_via); <where> is "file:line" or "-" when unknown. Names are single
 * tokens of at most LT_SITE_NAME - 1 characters. Lines starting with '#' and empty lines are
 * ignored. Every line ends with '\n': a last line without one is a truncated file.
 *
 * Version 1 had no <cond> and <via>: such a table is refused with a line saying to make it
 * again (made again, its probes sit where kernels without ftrace locations take them).
 *
 * The reader is strict (it may be fed any file): anything else is -EINVAL with an error
 * naming the file and the line ("FILE:LINE: ..."), and leaves the table empty. A file that
 * cannot be opened gives -errno (-ENOENT), a read error -EIO. On success t->source says where
 * this run got its sites: "table FILE (from <the source line>)".
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sites.h"

#define MAGIC		"lazytrace-sites"
#define VERSION		2
#define LINE_MAX_LEN	1024	/* far above the longest valid line (~430 characters) */
#define MAX_TRIES	8
#define MAX_LEVEL	4	/* LT_LVL_PGD */

static const char *const kind_names[LT_SITE_KIND_MAX] = {
	[LT_SITE_ENABLE] = "enable",
	[LT_SITE_DISABLE] = "disable",
	[LT_SITE_PAUSE] = "pause",
	[LT_SITE_RESUME] = "resume",
	[LT_SITE_DEFER] = "defer",
	[LT_SITE_FLUSH] = "flush",
	[LT_SITE_CLEAR_PAGE] = "clear_page",
	[LT_SITE_COPY_PAGE] = "copy_page",
	[LT_SITE_ARCH_ENTER] = "arch_enter",
	[LT_SITE_ARCH_LEAVE] = "arch_leave",
};

static const char *const cond_names[] = {
	[LT_COND_NONE] = "-",
	[LT_COND_PTE] = "pte",
	[LT_COND_VALID] = "valid",
};

static const char *const via_names[] = {
	[LT_VIA_INLINE] = "inline",
	[LT_VIA_CALL] = "call",
};

static const char *const state_names[] = {
	[LT_SITE_STATE_UNKNOWN] = "unknown",
	[LT_SITE_STATE_COUNTERS] = "counters",
	[LT_SITE_STATE_TIF] = "tif",
};

const char *lt_site_kind_name(enum lt_site_kind k)
{
	if ((int)k <= 0 || k >= LT_SITE_KIND_MAX)
		return "?";
	return kind_names[k];
}

static int kind_by_name(const char *s)
{
	for (int k = 1; k < LT_SITE_KIND_MAX; k++)
		if (!strcmp(s, kind_names[k]))
			return k;
	return -1;
}

void lt_sites_free(struct lt_sitetab *t)
{
	free(t->sites);
	free(t->refused);
	t->sites = NULL;
	t->refused = NULL;
	t->n = t->cap = 0;
	t->nrefused = t->refused_cap = 0;
}

/* ------------------------------------------------------------ writer */

/* A name the reader can take back: one token, not empty, fits its field. */
static bool token_ok(const char *s)
{
	size_t n = strnlen(s, LT_SITE_NAME);

	if (n == 0 || n >= LT_SITE_NAME)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' ||
		    s[i] == '\v' || s[i] == '\f')
			return false;
	return true;
}

static bool site_ok(const struct lt_site *s)
{
	return s->kind > 0 && s->kind < LT_SITE_KIND_MAX && token_ok(s->func) &&
	       token_ok(s->helper) && (!s->where[0] || token_ok(s->where));
}

static bool text_ok(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);

	return n < cap && !strchr(s, '\n') && !strchr(s, '\r');
}

int lt_sites_write(const struct lt_sitetab *t, FILE *f)
{
	size_t idlen = strnlen(t->build_id, sizeof(t->build_id));

	if (idlen < 2 || idlen >= sizeof(t->build_id) || idlen % 2 ||
	    strspn(t->build_id, "0123456789abcdef") != idlen ||
	    (unsigned int)t->state > LT_SITE_STATE_TIF || !text_ok(t->source, sizeof(t->source)))
		return -EINVAL;
	for (size_t i = 0; i < t->n; i++) {
		const struct lt_site *s = &t->sites[i];

		if (!site_ok(s) || s->tries < 1 || s->tries > MAX_TRIES || s->level > MAX_LEVEL ||
		    s->entry_reg < -1 || s->entry_reg > 30 || s->val_reg < -1 || s->val_reg > 30 ||
		    s->cond > LT_COND_VALID || s->via > LT_VIA_CALL)
			return -EINVAL;
	}
	for (size_t i = 0; i < t->nrefused; i++) {
		const struct lt_site_refused *r = &t->refused[i];

		if (!site_ok(&r->site) || !r->reason[0] || !text_ok(r->reason, sizeof(r->reason)))
			return -EINVAL;
	}

	fprintf(f, "%s %d\nbuild-id %s\ntext 0x%" PRIx64 "\nstate %s\n", MAGIC, VERSION,
		t->build_id, (uint64_t)t->text, state_names[t->state]);
	if (t->source[0])
		fprintf(f, "source %s\n", t->source);
	fprintf(f, "# %zu sites, %zu refused\n", t->n, t->nrefused);
	for (size_t i = 0; i < t->n; i++) {
		const struct lt_site *s = &t->sites[i];

		fprintf(f, "site %s 0x%" PRIx64 " %u %u %d %d %s %s %s+0x%x %s %s\n",
			kind_names[s->kind], (uint64_t)s->addr, s->tries, s->level, s->entry_reg,
			s->val_reg, cond_names[s->cond], via_names[s->via], s->func, s->func_off,
			s->helper, s->where[0] ? s->where : "-");
	}
	for (size_t i = 0; i < t->nrefused; i++) {
		const struct lt_site_refused *r = &t->refused[i];
		const struct lt_site *s = &r->site;

		fprintf(f, "refused %s 0x%" PRIx64 " %s+0x%x %s %s\n", kind_names[s->kind],
			(uint64_t)s->addr, s->func, s->func_off, s->helper, r->reason);
	}
	if (fflush(f) || ferror(f))
		return -EIO;
	return 0;
}

/* ------------------------------------------------------------ reader */

struct reader {
	const char *path;
	unsigned int line;
	char *err;
	size_t errlen;
};

__attribute__((format(printf, 2, 3)))
static int bad(struct reader *r, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(r->err, r->errlen, "%s:%u: %s", r->path, r->line, msg);
	return -EINVAL;
}

/* Next space-separated token of *p (NUL-terminated in place), NULL at the end of the line. */
static char *token(char **p)
{
	char *s = *p, *e;

	if (!s || !*s)
		return NULL;
	e = strchr(s, ' ');
	if (e) {
		*e = '\0';
		*p = e + 1;
	} else {
		*p = NULL;
	}
	return s;
}

/* "0x" and 1..16 hex digits, nothing else. */
static bool parse_hex(const char *s, uint64_t *v)
{
	uint64_t x = 0;
	size_t n;

	if (!s || s[0] != '0' || s[1] != 'x')
		return false;
	s += 2;
	n = strlen(s);
	if (n < 1 || n > 16 || strspn(s, "0123456789abcdefABCDEF") != n)
		return false;
	for (; *s; s++)
		x = x << 4 | (uint64_t)(*s <= '9' ? *s - '0' : (*s | 0x20) - 'a' + 10);
	*v = x;
	return true;
}

/* A decimal integer in [lo, hi]: optional '-', 1..3 digits (all our numbers are small). */
static bool parse_int(const char *s, int lo, int hi, int *v)
{
	int x = 0, neg = 0;
	size_t n;

	if (!s)
		return false;
	if (*s == '-') {
		neg = 1;
		s++;
	}
	n = strlen(s);
	if (n < 1 || n > 3 || strspn(s, "0123456789") != n)
		return false;
	for (; *s; s++)
		x = x * 10 + (*s - '0');
	x = neg ? -x : x;
	if (x < lo || x > hi)
		return false;
	*v = x;
	return true;
}

static int copy_name(struct reader *r, char *dst, const char *s, const char *what)
{
	size_t n;

	if (!s || !*s)
		return bad(r, "missing %s", what);
	n = strlen(s);
	if (n >= LT_SITE_NAME)
		return bad(r, "%s longer than %d characters", what, LT_SITE_NAME - 1);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			return bad(r, "control character or blank in the %s", what);
	memcpy(dst, s, n + 1);
	return 0;
}

/* The index of s in names[0..n), -1 if none (or no token). */
static int name_index(const char *s, const char *const *names, int n)
{
	for (int i = 0; s && i < n; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

/* <kind> 0x<addr>: the fields every record starts with. */
static int parse_kind_addr(struct reader *r, char **p, struct lt_site *s)
{
	char *k = token(p), *a = token(p);
	uint64_t addr;
	int kind;

	if (!k)
		return bad(r, "missing kind");
	kind = kind_by_name(k);
	if (kind < 0)
		return bad(r, "unknown site kind '%.32s'", k);
	if (!parse_hex(a, &addr))
		return bad(r, "bad address (expected 0x<hex>)");
	s->kind = kind;
	s->addr = addr;
	return 0;
}

/* <func>+0x<off>: split at the last '+' (names have none, but be safe). */
static int parse_func(struct reader *r, char *tok, struct lt_site *s)
{
	char *plus = tok ? strrchr(tok, '+') : NULL;
	uint64_t off;

	if (!plus)
		return bad(r, "bad function (expected <func>+0x<offset>)");
	*plus = '\0';
	if (!parse_hex(plus + 1, &off) || off > UINT32_MAX)
		return bad(r, "bad function offset");
	s->func_off = off;
	return copy_name(r, s->func, tok, "function name");
}

int lt_sites_grow(void **v, size_t *cap, size_t n, size_t size)
{
	void *nv;
	size_t nc;

	if (n < *cap)
		return 0;
	nc = *cap ? *cap * 2 : 64;
	nv = realloc(*v, nc * size);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = nc;
	return 0;
}

int lt_sites_add(struct lt_sitetab *t, const struct lt_site *s)
{
	if (lt_sites_grow((void **)&t->sites, &t->cap, t->n, sizeof(*s)))
		return -ENOMEM;
	t->sites[t->n++] = *s;
	return 0;
}

int lt_sites_add_refused(struct lt_sitetab *t, const struct lt_site *s, const char *reason)
{
	struct lt_site_refused *v;

	if (lt_sites_grow((void **)&t->refused, &t->refused_cap, t->nrefused, sizeof(*v)))
		return -ENOMEM;
	v = &t->refused[t->nrefused++];
	v->site = *s;
	snprintf(v->reason, sizeof(v->reason), "%s", reason);
	return 0;
}

static int parse_site(struct reader *r, char *p, struct lt_sitetab *t)
{
	struct lt_site s;
	int tries, level, ereg, vreg, cond, via, ret;
	char *where = NULL;

	memset(&s, 0, sizeof(s));
	ret = parse_kind_addr(r, &p, &s);
	if (ret)
		return ret;
	if (!parse_int(token(&p), 1, MAX_TRIES, &tries))
		return bad(r, "bad tries (expected 1..%d)", MAX_TRIES);
	if (!parse_int(token(&p), 0, MAX_LEVEL, &level))
		return bad(r, "bad level (expected 0..%d)", MAX_LEVEL);
	if (!parse_int(token(&p), -1, 30, &ereg))
		return bad(r, "bad entry register (expected -1..30)");
	if (!parse_int(token(&p), -1, 30, &vreg))
		return bad(r, "bad value register (expected -1..30)");
	cond = name_index(token(&p), cond_names, 3);
	if (cond < 0)
		return bad(r, "bad condition (expected -, pte or valid)");
	via = name_index(token(&p), via_names, 2);
	if (via < 0)
		return bad(r, "bad via (expected inline or call)");
	ret = parse_func(r, token(&p), &s);
	if (!ret)
		ret = copy_name(r, s.helper, token(&p), "helper name");
	if (!ret)
		ret = copy_name(r, s.where, where = token(&p), "call site");
	if (ret)
		return ret;
	if (p)
		return bad(r, "trailing fields after the call site");
	if (!strcmp(where, "-"))
		s.where[0] = '\0';
	s.tries = tries;
	s.level = level;
	s.entry_reg = ereg;
	s.val_reg = vreg;
	s.cond = cond;
	s.via = via;
	if (lt_sites_add(t, &s))
		return bad(r, "out of memory");
	return 0;
}

static int parse_refused(struct reader *r, char *p, struct lt_sitetab *t)
{
	struct lt_site_refused v;
	int ret;

	memset(&v, 0, sizeof(v));
	ret = parse_kind_addr(r, &p, &v.site);
	if (!ret)
		ret = parse_func(r, token(&p), &v.site);
	if (!ret)
		ret = copy_name(r, v.site.helper, token(&p), "helper name");
	if (ret)
		return ret;
	if (!p || !*p)
		return bad(r, "missing reason");
	if (strlen(p) >= sizeof(v.reason))
		return bad(r, "reason longer than %zu characters", sizeof(v.reason) - 1);
	strcpy(v.reason, p);
	v.site.tries = 1;
	v.site.entry_reg = v.site.val_reg = -1;
	if (lt_sites_add_refused(t, &v.site, v.reason))
		return bad(r, "out of memory");
	return 0;
}

enum { HAVE_ID = 1, HAVE_TEXT = 2, HAVE_STATE = 4, HAVE_SOURCE = 8, HAVE_HEADER = 7 };

static int parse_header(struct reader *r, const char *key, char *p, struct lt_sitetab *t,
			unsigned int *have, char *orig, size_t origlen)
{
	unsigned int bit;

	if (!strcmp(key, "build-id"))
		bit = HAVE_ID;
	else if (!strcmp(key, "text"))
		bit = HAVE_TEXT;
	else if (!strcmp(key, "state"))
		bit = HAVE_STATE;
	else if (!strcmp(key, "source"))
		bit = HAVE_SOURCE;
	else
		return bad(r, "unknown record '%.32s'", key);
	if (*have & bit)
		return bad(r, "second '%s' line", key);
	*have |= bit;
	if (bit == HAVE_SOURCE) {
		if (!p || !*p)
			return bad(r, "empty source");
		if (strlen(p) >= origlen)
			return bad(r, "source longer than %zu characters", origlen - 1);
		strcpy(orig, p);
		return 0;
	}
	if (!p || !*p || strchr(p, ' '))
		return bad(r, "'%s' takes one value", key);
	if (bit == HAVE_ID) {
		size_t n = strlen(p);

		if (n < 2 || n >= sizeof(t->build_id) || n % 2 ||
		    strspn(p, "0123456789abcdef") != n)
			return bad(r, "bad build id (expected 2..%zu lowercase hex digits)",
				   sizeof(t->build_id) - 1);
		memcpy(t->build_id, p, n + 1);
	} else if (bit == HAVE_TEXT) {
		uint64_t v;

		if (!parse_hex(p, &v))
			return bad(r, "bad text address (expected 0x<hex>)");
		t->text = v;
	} else {
		int s;

		for (s = LT_SITE_STATE_UNKNOWN; s <= LT_SITE_STATE_TIF; s++)
			if (!strcmp(p, state_names[s]))
				break;
		if (s > LT_SITE_STATE_TIF)
			return bad(r, "bad state '%.32s' (expected counters, tif or unknown)", p);
		t->state = s;
	}
	return 0;
}

static const char *missing(unsigned int have)
{
	return !(have & HAVE_ID) ? "build-id" : !(have & HAVE_TEXT) ? "text" : "state";
}

static int read_lines(struct reader *r, FILE *f, struct lt_sitetab *t, char *orig,
		      size_t origlen)
{
	char buf[LINE_MAX_LEN + 2];
	unsigned int have = 0;
	int ret;

	while (fgets(buf, sizeof(buf), f)) {
		size_t len = strlen(buf);
		char *p, *key;

		r->line++;
		/* fgets stops after a newline, at the end of the file or of buf; a NUL byte
		 * inside the line makes strlen stop short of the newline. */
		if (len == 0 || buf[len - 1] != '\n') {
			if (feof(f))
				return bad(r, "truncated line (no newline at the end of the file)");
			if (len == sizeof(buf) - 1)
				return bad(r, "line longer than %d characters", LINE_MAX_LEN);
			return bad(r, "NUL byte in the line");
		}
		buf[--len] = '\0';
		if (r->line == 1) {
			int v;

			p = buf;
			key = token(&p);
			if (!key || strcmp(key, MAGIC))
				return bad(r, "not a lazytrace site table");
			if (!parse_int(p, 0, 999, &v))
				return bad(r, "bad version");
			if (v == 1)
				return bad(r, "site table version 1; make it again with 'lazytrace "
					   "sites'");
			if (v != VERSION)
				return bad(r, "site table version %d (this lazytrace reads %d)", v,
					   VERSION);
			continue;
		}
		if (len == 0 || buf[0] == '#')
			continue;
		p = buf;
		key = token(&p);
		if (!key || !*key)
			return bad(r, "empty record");
		if (!strcmp(key, "site") || !strcmp(key, "refused")) {
			if ((have & HAVE_HEADER) != HAVE_HEADER)
				return bad(r, "'%s' before the '%s' line", key, missing(have));
			ret = key[0] == 's' ? parse_site(r, p, t) : parse_refused(r, p, t);
		} else {
			ret = parse_header(r, key, p, t, &have, orig, origlen);
		}
		if (ret)
			return ret;
	}
	if (ferror(f)) {
		snprintf(r->err, r->errlen, "%s: %s", r->path, strerror(errno ? errno : EIO));
		return -EIO;
	}
	if (r->line == 0) {
		r->line = 1;
		return bad(r, "empty file");
	}
	if ((have & HAVE_HEADER) != HAVE_HEADER) {
		r->line++;
		return bad(r, "no '%s' line", missing(have));
	}
	return 0;
}

int lt_sites_read(const char *path, struct lt_sitetab *t, char *err, size_t errlen)
{
	struct reader r = { .path = path, .err = err, .errlen = errlen };
	char orig[sizeof(t->source)] = "";
	FILE *f;
	int ret;

	memset(t, 0, sizeof(*t));
	f = fopen(path, "r");
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	ret = read_lines(&r, f, t, orig, sizeof(orig));
	fclose(f);
	if (ret) {
		lt_sites_free(t);
		memset(t, 0, sizeof(*t));
		return ret;
	}
	/* Where this run got its sites: the table, and what the table was made from. */
	if (orig[0])
		snprintf(t->source, sizeof(t->source), "table %.*s (from %.*s)", 120, path,
			 (int)sizeof(t->source) - 140, orig);
	else
		snprintf(t->source, sizeof(t->source), "table %.*s", 240, path);
	return 0;
}
