// SPDX-License-Identifier: GPL-2.0
/*
 * tests/unit/test_top.c: the arithmetic and output of `lazytrace top` without BPF (src/top_snap.c,
 * src/top_report.c): an interval is the difference of two snapshots, site by site, with the
 * maxima kept; sites are named from kallsyms and merged by function as `stats --by function`
 * does; the log2 histogram prints bcc's layout, bucket bounds and scaled bars; the JSON
 * parses to what went in.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "ksyms.h"
#include "top.h"

static const char KALLSYMS[] =
	"ffff800080010000 T _stext\n"
	"ffff80008002bee8 t update_range_prot\n"
	"ffff800080301000 T __set_ptes_anysz.constprop.0\n"
	"ffff800080334000 t vmap_range_noflush\n";

static struct lt_top_site fig(__u64 sections, __u64 deferred, __u64 flushes, __u64 completed,
			       __u64 sum, __u64 max)
{
	return (struct lt_top_site){ .sections = sections, .deferred = deferred,
				     .flushes = flushes, .completed = completed,
				     .pend_sum_ns = sum, .pend_max_ns = max };
}

static char *capture(void (*fn)(FILE *, void *), void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f, arg);
	fclose(f);
	return buf;
}

static void print_hist(FILE *f, void *arg)
{
	lt_top_print_log2_hist(f, arg, "nsecs");
}

static void test_diff_and_names(void)
{
	struct lt_ksyms *ks = lt_ksyms_from_buffer(KALLSYMS, sizeof(KALLSYMS) - 1);
	struct lt_top_snap a = { 0 }, b = { 0 }, iv;
	struct lt_top_site s1 = fig(2, 5, 1, 5, 500, 200), s2 = fig(1, 0, 0, 0, 0, 0);

	CHECK(ks != NULL);
	a.mono_ns = 1000;
	a.t.sections = 3;
	a.t.deferred_ptes = 5;
	a.t.max_depth = 2;
	a.hist[LT_TOP_HIST_PENDING][3] = 5;
	CHECK_EQ(lt_top_snap_add(&a, 0xffff80008002bf00ULL, &s1), 0);	/* update_range_prot+0x18 */
	CHECK_EQ(lt_top_snap_add(&a, 0xffff800080334010ULL, &s2), 0);
	b = a;
	b.v = NULL;
	b.n = b.cap = 0;
	b.mono_ns = 3000;
	b.t.sections = 7;
	b.t.deferred_ptes = 12;
	b.lost_recursion = 2;		/* a is 0: the interval's 2 */
	b.hist[LT_TOP_HIST_PENDING][3] = 9;
	s1 = fig(4, 9, 2, 9, 900, 150);	/* the maximum so far stays 200 where the kernel keeps it */
	s1.pend_max_ns = 200;
	CHECK_EQ(lt_top_snap_add(&b, 0xffff80008002bf00ULL, &s1), 0);
	CHECK_EQ(lt_top_snap_add(&b, 0xffff800080334010ULL, &s2), 0);	/* unchanged: not in iv */
	s1 = fig(2, 3, 1, 3, 300, 50);
	CHECK_EQ(lt_top_snap_add(&b, 0xffff80008030101cULL, &s1), 0);	/* new site */
	CHECK_EQ(lt_top_snap_diff(&b, &a, &iv), 0);
	CHECK_EQ(iv.t.sections, 4);
	CHECK_EQ(iv.t.deferred_ptes, 7);
	CHECK_EQ(iv.t.max_depth, 2);
	CHECK_EQ(iv.lost_recursion, 2);
	CHECK_EQ(iv.hist[LT_TOP_HIST_PENDING][3], 4);
	CHECK_EQ(iv.n, 2);
	lt_top_snap_finish(&iv, ks, LT_BY_SITE);
	CHECK_STR(iv.v[0].name, "update_range_prot+0x18");	/* 4 deferred */
	CHECK_EQ(iv.v[0].v.deferred, 4);
	CHECK_EQ(iv.v[0].v.pend_sum_ns, 400);
	CHECK_EQ(iv.v[0].v.pend_max_ns, 200);
	CHECK_STR(iv.v[1].name, "__set_ptes_anysz.constprop.0+0x1c");
	CHECK_EQ(iv.v[1].v.deferred, 3);
	lt_top_snap_free(&iv);

	/* by function: the two sites of update_range_prot become one, the clone suffix goes */
	s1 = fig(1, 1, 1, 1, 10, 10);
	CHECK_EQ(lt_top_snap_add(&b, 0xffff80008002bf10ULL, &s1), 0);	/* update_range_prot+0x28 */
	s1 = fig(0, 2, 0, 0, 0, 0);
	CHECK_EQ(lt_top_snap_add(&b, 0, &s1), 0);
	lt_top_snap_finish(&b, ks, LT_BY_FUNCTION);
	CHECK_EQ(b.n, 4);
	CHECK_STR(b.v[0].name, "update_range_prot");
	CHECK_EQ(b.v[0].v.sections, 5);
	CHECK_EQ(b.v[0].v.deferred, 10);
	CHECK_EQ(b.v[0].v.pend_max_ns, 200);
	CHECK_STR(b.v[1].name, "__set_ptes_anysz");
	CHECK_STR(b.v[2].name, "(outside any section)");
	CHECK_STR(b.v[3].name, "vmap_range_noflush");
	lt_top_snap_free(&a);
	lt_top_snap_free(&b);
	lt_ksyms_free(ks);
}

static void test_hist(void)
{
	__u64 slots[LT_TOP_HIST_SLOTS] = { 0 };
	char *out;

	slots[0] = 1;
	slots[2] = 4;
	slots[3] = 2;
	CHECK_EQ(lt_top_hist_sum(slots), 7);
	out = capture(print_hist, slots);
	CHECK_STR(out,
		  "                   nsecs : count     distribution\n"
		  "         0 -> 1          : 1        |**********                              |\n"
		  "         2 -> 3          : 0        |                                        |\n"
		  "         4 -> 7          : 4        |****************************************|\n"
		  "         8 -> 15         : 2        |********************                    |\n");
	free(out);
	memset(slots, 0, sizeof(slots));
	out = capture(print_hist, slots);	/* empty: nothing */
	CHECK_STR(out, "");
	free(out);
}

/* --openmetrics: the exact text for a small snapshot; the file replaced whole, no temporary
 * left behind; an unwritable directory is an error. */
static void test_openmetrics(void)
{
	struct lt_top_snap s = { 0 };
	struct lt_top_site v = fig(3, 5, 2, 5, 7500, 4000);
	char dir[] = "/tmp/lt-top-XXXXXX", path[64], *text;
	FILE *devnull = fopen("/dev/null", "w");
	size_t len = 0;
	FILE *f;

	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/top.prom", dir);
	s.t.events = 40;
	s.t.max_depth = 2;
	s.t.hist_overflow = 1;
	s.lost_recursion = 6;
	s.hist[LT_TOP_HIST_PENDING][10] = 3;	/* 1024..2047 ns */
	s.hist[LT_TOP_HIST_PENDING][12] = 1;	/* 4096..8191 ns */
	s.t.hist_sum[LT_TOP_HIST_PENDING] = 7500;
	s.hist[LT_TOP_HIST_BATCH][2] = 2;	/* 4..7 deferrals */
	s.t.hist_sum[LT_TOP_HIST_BATCH] = 10;
	CHECK_EQ(lt_top_snap_add(&s, 0x10, &v), 0);
	snprintf(s.v[0].name, sizeof(s.v[0].name), "odd\"na\\me+0x10");
	CHECK_EQ(lt_top_write_openmetrics(path, &s, LT_BY_SITE, devnull), 0);
	f = fopen(path, "r");
	CHECK(f != NULL);
	if (f) {
		text = malloc(65536);
		len = fread(text, 1, 65535, f);
		text[len] = '\0';
		fclose(f);
		CHECK(strstr(text, "lazytrace_tracepoint_events_total 40\n") != NULL);
		CHECK(strstr(text, "lazytrace_not_counted_total{cause=\"hist_overflow\"} 1\n") != NULL);
		CHECK(strstr(text, "lazytrace_not_counted_total{cause=\"lost_recursion\"} 6\n") != NULL);
		CHECK(strstr(text, "lazytrace_deferred_ptes_total{site=\"odd\\\"na\\\\me+0x10\"} 5\n") != NULL);
		CHECK(strstr(text, "lazytrace_pending_seconds_total{site=\"odd\\\"na\\\\me+0x10\"} 0.000007500\n") != NULL);
		CHECK(strstr(text, "# TYPE lazytrace_pending_max_seconds gauge\n") != NULL);
		CHECK(strstr(text, "lazytrace_pending_time_seconds_bucket{le=\"2.047e-06\"} 3\n"
				   "lazytrace_pending_time_seconds_bucket{le=\"4.095e-06\"} 3\n"
				   "lazytrace_pending_time_seconds_bucket{le=\"8.191e-06\"} 4\n"
				   "lazytrace_pending_time_seconds_bucket{le=\"+Inf\"} 4\n"
				   "lazytrace_pending_time_seconds_sum 0.000007500\n"
				   "lazytrace_pending_time_seconds_count 4\n") != NULL);
		CHECK(strstr(text, "lazytrace_deferrals_per_flush_bucket{le=\"7\"} 2\n"
				   "lazytrace_deferrals_per_flush_bucket{le=\"+Inf\"} 2\n"
				   "lazytrace_deferrals_per_flush_sum 10\n") != NULL);
		CHECK(strstr(text, "lazytrace_section_length_seconds_bucket{le=\"+Inf\"} 0\n"
				   "lazytrace_section_length_seconds_sum 0.000000000\n") != NULL);
		free(text);
	}
	/* written again: replaced, nothing else in the directory */
	CHECK_EQ(lt_top_write_openmetrics(path, &s, LT_BY_FUNCTION, devnull), 0);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "test $(ls %s | wc -l) -eq 1", dir);
		CHECK_EQ(system(cmd), 0);
	}
	snprintf(path, sizeof(path), "%s/no/such/dir.prom", dir);
	CHECK_EQ(lt_top_write_openmetrics(path, &s, LT_BY_SITE, devnull), -1);
	snprintf(path, sizeof(path), "%s/top.prom", dir);
	unlink(path);
	rmdir(dir);
	fclose(devnull);
	lt_top_snap_free(&s);
}

/* --hazards: rows merged by ip (the slots and the hash map both hold a site), the list's
 * bound, the JSON and text of a hazard, the counters in the text format only with it. */
struct hz_print {
	struct lt_top_snap *s;
	struct lt_top_hzlist *hz;
	struct lt_top_opts *o;
	bool json;
};

static void print_hz(FILE *f, void *arg)
{
	struct hz_print *p = arg;

	if (p->json)
		lt_top_print_json(f, p->s, p->s, p->hz, 1.0, 2.0, 1, p->o, false);
	else
		lt_top_print_text(f, p->s, p->s, p->hz, 1.0, p->o, false, false);
}

static void test_hazards(void)
{
	struct lt_ksyms *ks = lt_ksyms_from_buffer(KALLSYMS, sizeof(KALLSYMS) - 1);
	struct lt_top_snap s = { 0 };
	struct lt_top_site v = fig(3, 5, 2, 5, 7500, 4000), w = fig(1, 1, 0, 0, 0, 0);
	struct lt_top_hzlist hz = { 0 };
	struct lt_top_opts o = { .by = LT_BY_SITE, .ksyms = ks, .hazards = true };
	struct lt_top_hazard h = {
		.ts = 5000, .defer_ts = 1000, .addr = 0xfff0000002b3b000ULL,
		.site = 0xffff80008002bf1cULL, .defer_ip = 0xffff80008002bf00ULL,
		.ip = 0xffff800080301000ULL, .pid = 61, .tid = 62, .cpu = 1,
		.kind = LT_TOP_HZ_CONFIRMED, .translation = 1, .nr_frames = 2,
		.comm = "sh", .frames = { 0xffff800080301000ULL, 0xffff800080334010ULL },
	};
	struct hz_print p = { .s = &s, .hz = &hz, .o = &o };
	char *out;

	v.hz_confirmed = 1;
	v.hz_potential = 2;
	w.hz_potential = 1;
	CHECK_EQ(lt_top_snap_merge(&s, 0xffff80008002bf1cULL, &v), 0);
	CHECK_EQ(lt_top_snap_merge(&s, 0xffff80008002bf1cULL, &w), 0);	/* the same site */
	CHECK_EQ(s.n, 1);
	CHECK_EQ(s.v[0].v.sections, 4);
	CHECK_EQ(s.v[0].v.hz_potential, 3);
	CHECK_EQ(s.v[0].v.pend_max_ns, 4000);
	s.hazards = true;
	s.t.hazards_confirmed = 1;
	s.t.hazards_potential = 3;
	s.t.page_overflow = 32;
	lt_top_snap_finish(&s, ks, LT_BY_SITE);
	for (int i = 0; i < LT_TOP_HZ_LISTED + 2; i++)
		CHECK_EQ(lt_top_hzlist_add(&hz, &h), 0);
	CHECK_EQ(hz.n, LT_TOP_HZ_LISTED);
	CHECK_EQ(hz.unlisted, 2);
	lt_top_hzlist_clear(&hz);
	CHECK_EQ(hz.n + hz.unlisted, 0);
	CHECK_EQ(lt_top_hzlist_add(&hz, &h), 0);

	p.json = true;
	out = capture(print_hz, &p);
	CHECK(strstr(out, "\"hazards_confirmed\":1,\"hazards_potential\":3,\"page_overflow\":32,"
			  "\"hazards_lost\":0,\"sites\":[") != NULL);
	CHECK(strstr(out, "\"site\":\"update_range_prot+0x34\",\"sections\":4,\"nested\":0,"
			  "\"deferred_ptes\":6,\"flushes\":2,\"completed\":5,\"hazards\":4,"
			  "\"hazards_confirmed\":1,\"hazards_potential\":3,") != NULL);
	CHECK(strstr(out, ",\"hazards\":[{\"ts_ns\":5000,\"cpu\":1,\"pid\":61,\"tid\":62,"
			  "\"comm\":\"sh\",\"kind\":\"confirmed\",\"class\":\"translation\","
			  "\"evidence\":\"entry\",\"addr\":\"0xfff0000002b3b000\","
			  "\"section_site\":\"update_range_prot+0x34\","
			  "\"defer_site\":\"update_range_prot+0x18\",\"defer_ts_ns\":1000,"
			  "\"access_site\":\"__set_ptes_anysz.constprop.0+0x0\",\"age_ns\":4000,"
			  "\"stack\":[\"__set_ptes_anysz.constprop.0+0x0\",\"vmap_range_noflush+0x10\"]}],"
			  "\"hazards_unlisted\":0}\n") != NULL);
	free(out);
	p.json = false;
	out = capture(print_hz, &p);
	CHECK(strstr(out, "hazards: 1 confirmed (an access before the barrier), 3 potential") != NULL);
	CHECK(strstr(out, ", tracepoint hits 0\n") != NULL);
	CHECK(strstr(out, "32 deferred pages past the task's room") != NULL);
	CHECK(strstr(out, "  HAZARDS\n") != NULL);
	CHECK(strstr(out, "\nconfirmed translation page 0xfff0000002b3b000 pid 61 tid 62 (sh) cpu 1: "
			  "deferred at update_range_prot+0x18 in the section of update_range_prot+0x34, "
			  "4.000 us before __set_ptes_anysz.constprop.0+0x0\n"
			  "    __set_ptes_anysz.constprop.0+0x0\n    vmap_range_noflush+0x10\n") != NULL);
	free(out);
	s.sites = true;	/* counted from DWARF sites: the hits are theirs */
	out = capture(print_hz, &p);
	CHECK(strstr(out, ", DWARF site hits 0\n") != NULL);
	free(out);
	/* without --hazards: no column, no hazard keys */
	s.hazards = false;
	o.hazards = false;
	p.hz = NULL;
	p.json = true;
	out = capture(print_hz, &p);
	CHECK(strstr(out, "hazard") == NULL);
	free(out);
	lt_top_hzlist_free(&hz);
	lt_top_snap_free(&s);
	lt_ksyms_free(ks);
}

int main(void)
{
	test_diff_and_names();
	test_hist();
	test_openmetrics();
	test_hazards();
	return check_finish("test_top");
}
