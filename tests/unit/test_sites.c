// SPDX-License-Identifier: GPL-2.0
/*
 * tests/unit/test_sites.c: the site table file (src/sites_file.c): round trip of a table with
 * every kind, condition and via and refused entries, an empty table, every malformed case the
 * reader must refuse with the right line number, a version 1 table, truncation at every byte
 * and single-byte corruption (an error or a valid table, never a crash), the writer's
 * refusals; and the DWARF reader's (src/sites_dwarf.c) errors on files that are not an arm64
 * vmlinux with DWARF.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "sites.h"

static char dir[] = "/tmp/lt-test-sites-XXXXXX";

static const char *tpath(const char *name)
{
	static char bufs[8][256];
	static int k;
	char *b = bufs[k++ & 7];

	snprintf(b, 256, "%s/%s", dir, name);
	return b;
}

static void put(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(text, 1, len, f) != len)
		abort();
	fclose(f);
}

static size_t slurp(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		abort();
	n = fread(buf, 1, cap - 1, f);
	buf[n] = '\0';
	fclose(f);
	return n;
}

static void site(struct lt_site *s, enum lt_site_kind k, __u64 addr, const char *func,
		 __u32 off, const char *helper, const char *where)
{
	memset(s, 0, sizeof(*s));
	s->kind = k;
	s->addr = addr;
	s->tries = 1;
	s->entry_reg = s->val_reg = -1;
	s->func_off = off;
	snprintf(s->func, sizeof(s->func), "%s", func);
	snprintf(s->helper, sizeof(s->helper), "%s", helper);
	snprintf(s->where, sizeof(s->where), "%s", where);
}

/* A table with one site of every kind and two refused ones. */
static void make_table(struct lt_sitetab *t)
{
	static const char *const helpers[LT_SITE_KIND_MAX] = {
		NULL, "lazy_mmu_mode_enable", "lazy_mmu_mode_disable", "lazy_mmu_mode_pause",
		"lazy_mmu_mode_resume", "queue_pte_barriers", "arch_flush_lazy_mmu_mode",
		"clear_page", "copy_page", "arch_enter_lazy_mmu_mode", "arch_leave_lazy_mmu_mode",
	};

	memset(t, 0, sizeof(*t));
	snprintf(t->build_id, sizeof(t->build_id), "0123456789abcdef0123456789abcdef01234567");
	t->text = 0xffff800080000000ull;
	t->state = LT_SITE_STATE_COUNTERS;
	snprintf(t->source, sizeof(t->source), "/usr/lib/debug/boot/vmlinux-7.2.13-arm64");
	t->cap = LT_SITE_KIND_MAX;
	t->sites = calloc(t->cap, sizeof(*t->sites));
	t->refused_cap = 2;
	t->refused = calloc(2, sizeof(*t->refused));
	if (!t->sites || !t->refused)
		abort();
	for (int k = 1; k < LT_SITE_KIND_MAX; k++) {
		struct lt_site *s = &t->sites[t->n++];

		site(s, k, 0xffff800080123400ull + 0x40 * k, k == 3 ? "__set_ptes_anysz.constprop.0" :
		     "__zap_vma_range", 0x100 + k, helpers[k], k == 2 ? "" : "mm/memory.c:1925");
		s->tries = k % 8 + 1;
	}
	t->sites[4].level = 3;
	t->sites[4].entry_reg = 0;
	t->sites[4].val_reg = 30;
	t->sites[4].cond = LT_COND_VALID;
	t->sites[4].via = LT_VIA_CALL;
	t->sites[1].via = LT_VIA_CALL;
	t->sites[2].cond = LT_COND_PTE;
	site(&t->refused[0].site, LT_SITE_ENABLE, 0xffff800080001000ull, "el0_svc", 0x10,
	     "lazy_mmu_mode_enable", "");
	snprintf(t->refused[0].reason, sizeof(t->refused[0].reason), "in noinstr/entry text");
	site(&t->refused[1].site, LT_SITE_CLEAR_PAGE, 0xffff800080002000ull, "do_kp", 0xfffffffc,
	     "clear_page", "");
	snprintf(t->refused[1].reason, sizeof(t->refused[1].reason),
		 "function is in the kprobe blacklist");
	t->nrefused = 2;
}

static int write_file(const struct lt_sitetab *t, const char *path)
{
	FILE *f = fopen(path, "w");
	int r;

	if (!f)
		abort();
	r = lt_sites_write(t, f);
	fclose(f);
	return r;
}

static void test_roundtrip(void)
{
	struct lt_sitetab t, u;
	char err[512], want[300];
	const char *p = tpath("all.sites");

	make_table(&t);
	CHECK_EQ(write_file(&t, p), 0);
	CHECK_EQ(lt_sites_read(p, &u, err, sizeof(err)), 0);
	CHECK_STR(u.build_id, t.build_id);
	CHECK_EQ(u.text, t.text);
	CHECK_EQ(u.state, LT_SITE_STATE_COUNTERS);
	snprintf(want, sizeof(want), "table %s (from %s)", p, t.source);
	CHECK_STR(u.source, want);
	CHECK_EQ(u.n, t.n);
	CHECK_EQ(u.nrefused, 2);
	for (size_t i = 0; i < t.n && i < u.n; i++) {
		const struct lt_site *a = &t.sites[i], *b = &u.sites[i];

		CHECK_EQ(b->kind, a->kind);
		CHECK_EQ(b->addr, a->addr);
		CHECK_EQ(b->tries, a->tries);
		CHECK_EQ(b->level, a->level);
		CHECK_EQ(b->entry_reg, a->entry_reg);
		CHECK_EQ(b->val_reg, a->val_reg);
		CHECK_EQ(b->cond, a->cond);
		CHECK_EQ(b->via, a->via);
		CHECK_EQ(b->func_off, a->func_off);
		CHECK_STR(b->func, a->func);
		CHECK_STR(b->helper, a->helper);
		CHECK_STR(b->where, a->where);
	}
	for (size_t i = 0; i < 2 && i < u.nrefused; i++) {
		CHECK_EQ(u.refused[i].site.kind, t.refused[i].site.kind);
		CHECK_EQ(u.refused[i].site.addr, t.refused[i].site.addr);
		CHECK_EQ(u.refused[i].site.func_off, t.refused[i].site.func_off);
		CHECK_STR(u.refused[i].site.func, t.refused[i].site.func);
		CHECK_STR(u.refused[i].site.helper, t.refused[i].site.helper);
		CHECK_STR(u.refused[i].reason, t.refused[i].reason);
	}
	CHECK_EQ(u.sites[4].entry_reg, 0);
	CHECK_EQ(u.sites[4].val_reg, 30);
	CHECK_EQ(u.sites[4].level, 3);
	CHECK_EQ(u.sites[4].cond, LT_COND_VALID);
	CHECK_EQ(u.sites[4].via, LT_VIA_CALL);
	CHECK_EQ(u.sites[2].cond, LT_COND_PTE);
	CHECK_EQ(u.sites[2].via, LT_VIA_INLINE);
	CHECK_EQ(u.sites[0].cond, LT_COND_NONE);

	/* Written again, the table reads the same (only its source line says where from). */
	{
		char a[8192], b[8192];
		const char *q = tpath("again.sites");

		snprintf(u.source, sizeof(u.source), "%s", t.source);
		CHECK_EQ(write_file(&u, q), 0);
		slurp(p, a, sizeof(a));
		slurp(q, b, sizeof(b));
		CHECK_STR(b, a);
	}
	for (int k = 1; k < LT_SITE_KIND_MAX; k++)
		CHECK(strcmp(lt_site_kind_name(k), "?"));
	CHECK_STR(lt_site_kind_name(LT_SITE_KIND_MAX), "?");
	CHECK_STR(lt_site_kind_name(0), "?");
	CHECK_STR(lt_site_kind_name(LT_SITE_CLEAR_PAGE), "clear_page");
	lt_sites_free(&t);
	lt_sites_free(&u);
	CHECK(!u.sites && !u.n);
}

static const char HEAD[] =
	"lazytrace-sites 2\n"
	"build-id 0123456789abcdef0123456789abcdef01234567\n"
	"text 0xffff800080000000\n"
	"state counters\n";
#define SITE "site enable 0xffff800080123440 1 0 -1 -1 - inline f+0x10 lazy_mmu_mode_enable " \
	"mm/x.c:1\n"

static void test_empty(void)
{
	struct lt_sitetab t;
	char err[512];
	const char *p = tpath("empty.sites");

	put(p, HEAD, strlen(HEAD));
	CHECK_EQ(lt_sites_read(p, &t, err, sizeof(err)), 0);
	CHECK_EQ(t.n, 0);
	CHECK_EQ(t.nrefused, 0);
	CHECK_EQ(t.text, 0xffff800080000000ull);
	{
		char want[300];

		snprintf(want, sizeof(want), "table %s", p);	/* no source line */
		CHECK_STR(t.source, want);
	}
	lt_sites_free(&t);

	/* What the writer makes of an empty table reads back too. */
	memset(&t, 0, sizeof(t));
	snprintf(t.build_id, sizeof(t.build_id), "abcd");
	t.state = LT_SITE_STATE_TIF;
	CHECK_EQ(write_file(&t, p), 0);
	CHECK_EQ(lt_sites_read(p, &t, err, sizeof(err)), 0);
	CHECK_STR(t.build_id, "abcd");
	CHECK_EQ(t.state, LT_SITE_STATE_TIF);
	CHECK_EQ(t.n, 0);
	lt_sites_free(&t);

	/* Comments and blank lines are fine anywhere after the first line. */
	{
		char buf[1024];

		snprintf(buf, sizeof(buf), "%s\n# comment\n%s\n", HEAD, SITE);
		put(p, buf, strlen(buf));
		CHECK_EQ(lt_sites_read(p, &t, err, sizeof(err)), 0);
		CHECK_EQ(t.n, 1);
		CHECK_STR(t.sites[0].where, "mm/x.c:1");
		lt_sites_free(&t);
	}
}

/* The file `text` must be refused with -EINVAL and "PATH:LINE: ..." naming line `line`. */
static void bad_case(const char *text, size_t len, unsigned int line, const char *what)
{
	struct lt_sitetab t;
	char err[512], want[300];
	const char *p = tpath("bad.sites");
	int r;

	put(p, text, len);
	memset(&t, 0x5a, sizeof(t));
	r = lt_sites_read(p, &t, err, sizeof(err));
	snprintf(want, sizeof(want), "%s:%u: ", p, line);
	if (r != -EINVAL || strncmp(err, want, strlen(want)) || !strchr(err, ':') ||
	    strchr(err, '\n')) {
		check_failed++;
		printf("FAIL %s: got %d \"%s\", expected -EINVAL at line %u\n", what, r, err, line);
	} else {
		check_passed++;
	}
	CHECK(!t.sites && !t.n && !t.refused && !t.nrefused);
}

static void bad_str(const char *text, unsigned int line, const char *what)
{
	bad_case(text, strlen(text), line, what);
}

/* HEAD then one more line. */
static void bad_line(const char *l, const char *what)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s%s", HEAD, l);
	bad_str(buf, 5, what);
}

static void test_malformed(void)
{
	char buf[4096], name[200];

	bad_str("", 1, "empty file");
	bad_str("lazytrace-sites 3\n", 1, "newer version");
	bad_str("lazytrace-sites 0\n", 1, "version 0");
	bad_str("lazytrace-sites 1\n", 1, "version 1");
	bad_str("lazytrace-sites x\n", 1, "bad version");
	bad_str("lazytrace-sites\n", 1, "no version");
	bad_str("lazytrace-sites 2 extra\n", 1, "trailing after version");
	bad_str("lazytrace-trace 1\n", 1, "other magic");
	bad_str("\x7f" "ELF\x02\x01\x01", 1, "binary file");

	/* Missing header lines: at the first record, or one past the end. */
	bad_str("lazytrace-sites 2\ntext 0x0\nstate counters\n" SITE, 4, "no build-id (site)");
	bad_str("lazytrace-sites 2\ntext 0x0\nstate counters\n", 4, "no build-id (eof)");
	bad_str("lazytrace-sites 2\nbuild-id abcd\nstate tif\n" SITE, 4, "no text (site)");
	bad_str("lazytrace-sites 2\nbuild-id abcd\nstate tif\n", 4, "no text (eof)");
	bad_str("lazytrace-sites 2\nbuild-id abcd\ntext 0x1\n", 4, "no state");
	bad_str("lazytrace-sites 2\nbuild-id abcd\nbuild-id abcd\n", 3, "second build-id");

	/* Header values. */
	bad_str("lazytrace-sites 2\nbuild-id ABCD\n", 2, "upper-case build id");
	bad_str("lazytrace-sites 2\nbuild-id abc\n", 2, "odd build id");
	bad_str("lazytrace-sites 2\nbuild-id \n", 2, "empty build id");
	bad_str("lazytrace-sites 2\nbuild-id 0123456789abcdef0123456789abcdef0123456789\n", 2,
		"build id too long");
	bad_str("lazytrace-sites 2\ntext ffff0000\n", 2, "text without 0x");
	bad_str("lazytrace-sites 2\ntext 0x\n", 2, "text 0x only");
	bad_str("lazytrace-sites 2\ntext 0x10000000000000000\n", 2, "text too wide");
	bad_str("lazytrace-sites 2\ntext 0x1 0x2\n", 2, "text twice");
	bad_str("lazytrace-sites 2\nstate lazy\n", 2, "bad state");
	bad_str("lazytrace-sites 2\nsource\n", 2, "empty source");
	bad_str("lazytrace-sites 2\nflavour x\n", 2, "unknown record");

	/* Site fields. */
	bad_line("site enable\n", "no address");
	bad_line("site bogus 0x1 1 0 -1 -1 - inline f+0x0 h -\n", "unknown kind");
	bad_line("site 0x1 1 0 -1 -1 - inline f+0x0 h -\n", "kind missing");
	bad_line("site enable 0xg 1 0 -1 -1 - inline f+0x0 h -\n", "bad address");
	bad_line("site enable 12 1 0 -1 -1 - inline f+0x0 h -\n", "address without 0x");
	bad_line("site enable 0x1 0 0 -1 -1 - inline f+0x0 h -\n", "tries 0");
	bad_line("site enable 0x1 9 0 -1 -1 - inline f+0x0 h -\n", "tries 9");
	bad_line("site enable 0x1 1x 0 -1 -1 - inline f+0x0 h -\n", "tries not a number");
	bad_line("site enable 0x1 1 5 -1 -1 - inline f+0x0 h -\n", "level 5");
	bad_line("site enable 0x1 1 0 31 -1 - inline f+0x0 h -\n", "entry reg 31");
	bad_line("site enable 0x1 1 0 -1 -2 - inline f+0x0 h -\n", "val reg -2");
	bad_line("site enable 0x1 1 0 -1 - - inline f+0x0 h -\n", "val reg '-'");
	bad_line("site enable 0x1 1 0 -1 -1 - inline f h -\n", "function without offset");
	bad_line("site enable 0x1 1 0 -1 -1 - inline f+16 h -\n", "decimal offset");
	bad_line("site enable 0x1 1 0 -1 -1 - inline f+0x100000000 h -\n",
		 "offset over 32 bits");
	bad_line("site enable 0x1 1 0 -1 -1 - inline +0x0 h -\n", "empty function");
	bad_line("site enable 0x1 1 0 -1 -1 - inline f+0x0\n", "no helper");
	bad_line("site enable 0x1 1 0 -1 -1 - inline f+0x0 h\n", "no call site");
	bad_line("site enable 0x1 1 0 -1 -1 - inline f+0x0 h - x\n", "trailing field");
	bad_line("site enable 0x1 1 0 -1 -1 - inline f+0x0 h  -\n", "two spaces");
	bad_line("site enable 0x1 1 0 -1 -1 - inline f+0x0 h\t-\n", "tab in a name");
	bad_line("site enable 0x1 1 0 -1 -1 inline f+0x0 h -\n", "no condition");
	bad_line("site enable 0x1 1 0 -1 -1 none inline f+0x0 h -\n", "condition 'none'");
	bad_line("site enable 0x1 1 0 -1 -1 PTE inline f+0x0 h -\n", "condition 'PTE'");
	bad_line("site enable 0x1 1 0 -1 -1 0 inline f+0x0 h -\n", "condition '0'");
	bad_line("site enable 0x1 1 0 -1 -1 pte f+0x0 h -\n", "no via");
	bad_line("site enable 0x1 1 0 -1 -1 - - f+0x0 h -\n", "via '-'");
	bad_line("site enable 0x1 1 0 -1 -1 - inlined f+0x0 h -\n", "via 'inlined'");
	bad_line("site enable 0x1 1 0 -1 -1 - 1 f+0x0 h -\n", "via '1'");
	bad_line("site enable 0x1 1 0 -1 -1 valid\n", "line ends after the condition");
	bad_line("site enable 0x1 1 0 -1 -1 -1 -1 f+0x0 h -\n", "version 1 fields");
	bad_line("refused enable 0x1 f+0x0 h\n", "refused without reason");
	bad_line("refused enable 0x1 f+0x0 h \n", "refused with empty reason");
	bad_line("refused copy 0x1 f+0x0 h why\n", "refused with unknown kind");
	bad_line("refused enable 0x1 f h why\n", "refused without offset");

	/* Over-long fields and lines. */
	memset(name, 'a', LT_SITE_NAME);
	name[LT_SITE_NAME] = '\0';
	snprintf(buf, sizeof(buf), "site enable 0x1 1 0 -1 -1 - inline %s+0x0 h -\n", name);
	bad_line(buf, "function name of 96 characters");
	snprintf(buf, sizeof(buf), "site enable 0x1 1 0 -1 -1 - inline f+0x0 %s -\n", name);
	bad_line(buf, "helper of 96 characters");
	snprintf(buf, sizeof(buf), "site enable 0x1 1 0 -1 -1 - inline f+0x0 h %s\n", name);
	bad_line(buf, "call site of 96 characters");
	snprintf(buf, sizeof(buf), "refused enable 0x1 f+0x0 h %s\n", name);
	bad_line(buf, "reason of 96 characters");
	{
		char big[3000];

		memset(big, 'x', sizeof(big) - 2);
		big[sizeof(big) - 2] = '\n';
		big[sizeof(big) - 1] = '\0';
		bad_line(big, "line of 3000 characters");
	}
	{
		char ok[2048];

		/* The longest names the writer makes are fine. */
		struct lt_sitetab t;
		char err[512];

		name[LT_SITE_NAME - 1] = '\0';
		snprintf(ok, sizeof(ok), "%ssite enable 0x1 1 0 -1 -1 valid call %s+0xffffffff %s "
			 "%s\nrefused enable 0x1 %s+0x0 %s %s\n", HEAD, name, name, name, name, name,
			 name);
		put(tpath("long.sites"), ok, strlen(ok));
		CHECK_EQ(lt_sites_read(tpath("long.sites"), &t, err, sizeof(err)), 0);
		CHECK_EQ(strlen(t.n ? t.sites[0].func : ""), LT_SITE_NAME - 1);
		CHECK_EQ(t.n ? t.sites[0].func_off : 0, 0xffffffffu);
		CHECK_EQ(t.n ? t.sites[0].cond : 0, LT_COND_VALID);
		CHECK_EQ(t.n ? t.sites[0].via : 0, LT_VIA_CALL);
		lt_sites_free(&t);
	}

	/* A truncated last line, a NUL byte, a CR. */
	snprintf(buf, sizeof(buf), "%s%s", HEAD, SITE);
	bad_case(buf, strlen(buf) - 1, 5, "no newline at the end");
	bad_case(buf, strlen(buf) - 20, 5, "cut in the middle of a line");
	bad_case("lazytrace-sites 2", 17, 1, "first line cut");
	{
		static const char nul[] = "lazytrace-sites 2\nbuild-id ab\0cd\n";

		bad_case(nul, sizeof(nul) - 1, 2, "NUL byte");
	}
	bad_str("lazytrace-sites 2\r\n", 1, "CRLF");
}

/* A table of the first format (no <cond>, no <via>) is refused at its first line, saying
 * what to do. */
static void test_version1(void)
{
	static const char v1[] =
		"lazytrace-sites 1\n"
		"build-id 0123456789abcdef0123456789abcdef01234567\n"
		"text 0xffff800080000000\n"
		"state counters\n"
		"site disable 0xffff8000802523f0 1 0 -1 -1 lazy_mmu_mode_disable+0x0 "
		"lazy_mmu_mode_disable -\n";
	struct lt_sitetab t;
	char err[512], want[300];
	const char *p = tpath("v1.sites");

	put(p, v1, strlen(v1));
	CHECK_EQ(lt_sites_read(p, &t, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "%s:1: site table version 1; make it again with 'lazytrace "
		 "sites'", p);
	CHECK_STR(err, want);
	CHECK(!t.sites && !t.n);
}

/* Every prefix of a valid file is an error naming a line or (cut at a line end after the
 * header) a valid table; every single-byte change as well. Neither crashes nor leaks. */
static void test_truncation_corruption(void)
{
	struct lt_sitetab t;
	char text[8192], err[512];
	const char *p = tpath("all.sites"), *q = tpath("cut.sites");
	size_t n;
	int bad = 0;

	make_table(&t);
	CHECK_EQ(write_file(&t, p), 0);
	lt_sites_free(&t);
	n = slurp(p, text, sizeof(text));
	for (size_t len = 0; len < n; len++) {
		int r;

		put(q, text, len);
		r = lt_sites_read(q, &t, err, sizeof(err));
		if (r == 0 ? !(len && text[len - 1] == '\n') : r != -EINVAL || !strstr(err, q))
			bad++;
		lt_sites_free(&t);
	}
	CHECK_EQ(bad, 0);
	for (size_t i = 0; i < n; i++) {
		static const char subst[] = { 0, ' ', '\n', 'x', '-', '9', '+', (char)0xff };
		char c = text[i];

		for (size_t j = 0; j < sizeof(subst); j++) {
			int r;

			text[i] = subst[j];
			put(q, text, n);
			r = lt_sites_read(q, &t, err, sizeof(err));
			if (r && (r != -EINVAL || !strstr(err, q)))
				bad++;
			lt_sites_free(&t);
		}
		text[i] = c;
	}
	CHECK_EQ(bad, 0);
}

static void test_missing_and_writer(void)
{
	struct lt_sitetab t;
	char err[512];
	FILE *f = fopen("/dev/null", "w");

	CHECK_EQ(lt_sites_read(tpath("nonexistent.sites"), &t, err, sizeof(err)), -ENOENT);
	CHECK(strstr(err, "nonexistent.sites") != NULL);

	make_table(&t);
	CHECK_EQ(lt_sites_write(&t, f), 0);
	snprintf(t.sites[1].func, sizeof(t.sites[1].func), "two words");
	CHECK_EQ(lt_sites_write(&t, f), -EINVAL);
	snprintf(t.sites[1].func, sizeof(t.sites[1].func), "tab\there");
	CHECK_EQ(lt_sites_write(&t, f), -EINVAL);
	t.sites[1].func[0] = '\0';
	CHECK_EQ(lt_sites_write(&t, f), -EINVAL);
	snprintf(t.sites[1].func, sizeof(t.sites[1].func), "ok");
	snprintf(t.sites[1].where, sizeof(t.sites[1].where), "a b.c:1");
	CHECK_EQ(lt_sites_write(&t, f), -EINVAL);
	t.sites[1].where[0] = '\0';
	snprintf(t.refused[0].reason, sizeof(t.refused[0].reason), "two\nlines");
	CHECK_EQ(lt_sites_write(&t, f), -EINVAL);
	snprintf(t.refused[0].reason, sizeof(t.refused[0].reason), "fine, with spaces");
	t.sites[0].tries = 0;
	CHECK_EQ(lt_sites_write(&t, f), -EINVAL);
	t.sites[0].tries = 1;
	t.sites[0].entry_reg = 31;
	CHECK_EQ(lt_sites_write(&t, f), -EINVAL);
	t.sites[0].entry_reg = -1;
	t.sites[0].cond = LT_COND_VALID + 1;
	CHECK_EQ(lt_sites_write(&t, f), -EINVAL);
	t.sites[0].cond = LT_COND_NONE;
	t.sites[0].via = LT_VIA_CALL + 1;
	CHECK_EQ(lt_sites_write(&t, f), -EINVAL);
	t.sites[0].via = LT_VIA_INLINE;
	t.sites[0].kind = LT_SITE_KIND_MAX;
	CHECK_EQ(lt_sites_write(&t, f), -EINVAL);
	t.sites[0].kind = LT_SITE_ENABLE;
	snprintf(t.build_id, sizeof(t.build_id), "XYZ");
	CHECK_EQ(lt_sites_write(&t, f), -EINVAL);
	snprintf(t.build_id, sizeof(t.build_id), "abcdef");
	CHECK_EQ(lt_sites_write(&t, f), 0);
	lt_sites_free(&t);
	fclose(f);
}

/* lt_sites_from_dwarf on files that are not an arm64 vmlinux with DWARF: one line, the right
 * error, an empty table. */
static void dwarf_case(const char *path, int want, const char *needle)
{
	struct lt_sitetab t;
	char err[512] = "";
	int r = lt_sites_from_dwarf(path, &t, err, sizeof(err));

	if (r != want || !strstr(err, needle) || strchr(err, '\n') || strncmp(err, path,
									       strlen(path))) {
		check_failed++;
		printf("FAIL dwarf %s: got %d \"%s\", expected %d \"...%s...\"\n", path, r, err,
		       want, needle);
	} else {
		check_passed++;
	}
	CHECK(!t.sites && !t.n && !t.refused);
}

/* A 64-bit little-endian ELF header (no sections) for machine m. */
static void elf_header(unsigned char *h, unsigned int m)
{
	memset(h, 0, 64);
	memcpy(h, "\x7f" "ELF\x02\x01\x01", 7);
	h[16] = 2;		/* ET_EXEC */
	h[18] = m & 0xff;
	h[19] = m >> 8;
	h[20] = 1;		/* EV_CURRENT */
	h[52] = 64;		/* e_ehsize */
	h[58] = 64;		/* e_shentsize */
}

/*
 * A small arm64 ELF with a section name table and, as asked, a build id note and a
 * .debug_info (whose contents do not matter: the checks before the DWARF walk come first).
 * bad_offset moves the note past the end of the file.
 */
static void tiny_elf(const char *path, bool note, bool debug, bool bad_offset)
{
	static const char names[] = "\0.shstrtab\0.note.gnu.build-id\0.debug_info";
	unsigned char buf[1024];
	Elf64_Ehdr *eh = (Elf64_Ehdr *)buf;
	Elf64_Shdr sh[4];
	Elf64_Nhdr nh = { .n_namesz = 4, .n_descsz = 20, .n_type = NT_GNU_BUILD_ID };
	size_t off = sizeof(*eh), n = 1;

	memset(buf, 0, sizeof(buf));
	memset(sh, 0, sizeof(sh));
	elf_header(buf, EM_AARCH64);
	memcpy(buf + off, names, sizeof(names));
	sh[n++] = (Elf64_Shdr){ .sh_name = 1, .sh_type = SHT_STRTAB, .sh_offset = off,
				 .sh_size = sizeof(names), .sh_addralign = 1 };
	off += (sizeof(names) + 7) & ~7ul;
	if (note) {
		memcpy(buf + off, &nh, sizeof(nh));
		memcpy(buf + off + sizeof(nh), "GNU", 4);
		for (int i = 0; i < 20; i++)
			buf[off + sizeof(nh) + 4 + i] = 0xa0 + i;
		sh[n++] = (Elf64_Shdr){ .sh_name = 11, .sh_type = SHT_NOTE, .sh_flags = SHF_ALLOC,
					 .sh_offset = bad_offset ? 1 << 20 : off, .sh_size = 36,
					 .sh_addralign = 4 };
		off += 40;
	}
	if (debug) {
		memset(buf + off, 0x55, 16);
		sh[n++] = (Elf64_Shdr){ .sh_name = 30, .sh_type = SHT_PROGBITS, .sh_offset = off,
					 .sh_size = 16, .sh_addralign = 1 };
		off += 16;
	}
	eh->e_shoff = off;
	eh->e_shnum = n;
	eh->e_shstrndx = 1;
	memcpy(buf + off, sh, n * sizeof(sh[0]));
	put(path, (char *)buf, off + n * sizeof(sh[0]));
}

static void test_dwarf_errors(void)
{
	unsigned char h[64];

	dwarf_case(tpath("nonexistent-vmlinux"), -ENOENT, "No such file");
	put(tpath("text"), "hello\n", 6);
	dwarf_case(tpath("text"), -ENOEXEC, "not an ELF file");
	elf_header(h, 62);	/* EM_X86_64 */
	put(tpath("x86"), (char *)h, 64);
	dwarf_case(tpath("x86"), -ENOEXEC, "not an arm64 ELF (machine 62)");
	elf_header(h, 183);	/* EM_AARCH64, but nothing in it */
	put(tpath("bare"), (char *)h, 64);
	dwarf_case(tpath("bare"), -ENOEXEC, "corrupt ELF (no section headers)");
	put(tpath("cut"), (char *)h, 40);
	dwarf_case(tpath("cut"), -ENOEXEC, tpath("cut"));
	h[40] = 0x00;		/* section headers at 1 MiB: past the end of the file */
	h[42] = 0x10;
	h[60] = 3;		/* e_shnum */
	put(tpath("shoff"), (char *)h, 64);
	dwarf_case(tpath("shoff"), -ENOEXEC, "truncated (the section headers end at byte");
	tiny_elf(tpath("noid"), false, true, false);
	dwarf_case(tpath("noid"), -ENODATA, "no GNU build id note");
	tiny_elf(tpath("nodwarf"), true, false, false);
	dwarf_case(tpath("nodwarf"), -ENODATA,
		   "no DWARF (.debug_info missing): install the kernel's -dbg package");
	tiny_elf(tpath("nosyms"), true, true, false);
	dwarf_case(tpath("nosyms"), -ENODATA, "no symbol table");
	tiny_elf(tpath("cutnote"), true, true, true);
	dwarf_case(tpath("cutnote"), -ENOEXEC, "truncated (a section ends at byte");
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_roundtrip();
	test_empty();
	test_malformed();
	test_version1();
	test_truncation_corruption();
	test_missing_and_writer();
	test_dwarf_errors();
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			printf("cannot remove %s\n", dir);
	}
	return check_finish("test_sites");
}
