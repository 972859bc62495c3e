// SPDX-License-Identifier: GPL-2.0
/*
 * tests/unit/test_tracefile.c: the trace file (src/tracefile.c) and the offline commands
 * (src/replay.c): round trip of a synthetic recording, truncation at every byte, zero-filled
 * tails (power-off), every single-bit flip, empty/foreign/newer/absurd files, mode 0600 and
 * --force, --redact, then golden `dump` text, `stats` and `compare` outputs of the seed 8 5
 * scenario under the nesting modes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "ksyms.h"
#include "recon.h"
#include "compare.h"
#include "replay.h"
#include "tracefile.h"

#include "streams.h"


/* ------------------------------------------------------------ files */

static char dir[] = "/tmp/lt-test-tracefile-XXXXXX";
static struct lt_ksyms *KS;

static const char *tpath(const char *name)
{
	static char bufs[16][256];
	static int k;
	char *b = bufs[k++ & 15];

	snprintf(b, 256, "%s/%s", dir, name);
	return b;
}

static size_t file_read(const char *path, unsigned char *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return 0;
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

static void file_write(const char *path, const unsigned char *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(buf, 1, len, f) != len)
		abort();
	fclose(f);
}

static const struct lt_file_info INFO = {
	.caps = LT_CAP_TRACEPOINTS | LT_CAP_BARRIER_EVENTS | LT_CAP_LAZY_STATE | LT_CAP_MAP_PROBES |
		LT_CAP_PTE_PROBE | LT_CAP_ACCESS_PROBES,
	.start_realtime_ns = 1750000000000000000ULL,
	.start_mono_ns = 4000000,
	.release = "7.2.0-lazytrace",
	.build_id = "0123456789abcdef0123456789abcdef01234567",
	.machine = "aarch64",
	.mode = "tracepoints",
	.nesting = "noflush",
	.filters = "",
	.attach = "tp_btf lazy_mmu_{enable,disable,pause,resume}, lazy_mmu_{defer,flush}\n"
		  "fentry/fexit __kernel_map_pages\nkprobe clear_page (access, argument 1)",
};

/* Writes s (with lost records after `lost_at` events, -1: none), ending a chunk every
 * `every` events. Returns 0 or the writer's error. */
static int write_stream(const char *path, const struct stream *s, const struct lt_file_info *info,
			unsigned int flags, int every, int lost_at, bool close_it)
{
	char err[256];
	struct lt_writer *w = lt_writer_open(path, info, KS, flags | LT_W_NOSYNC, err, sizeof(err));
	int ret = 0;

	if (!w) {
		printf("writer: %s\n", err);
		return -1;
	}
	for (int i = 0; i < s->n && !ret; i++) {
		if (i == lost_at)
			ret = lt_writer_lost(w, s->ev[i].ts - 1, 42);
		if (!ret)
			ret = lt_writer_event(w, &s->ev[i], s->fr[i]);
		if (!ret && every && i % every == every - 1)
			ret = lt_writer_flush(w);
	}
	if (!close_it) {
		if (!ret)
			ret = lt_writer_flush(w);
		lt_writer_abandon(w);
		return ret;
	}
	return ret ?: lt_writer_close(w);
}

/* What a reader returned. */
struct got {
	int state;
	char msg[512];
	int nev, nlost;
	struct lt_event ev[MAX_EV];
	__u64 fr[MAX_EV][LT_MAX_FRAMES];
	int lost_before[8];		/* events read before each lost record */
	__u64 lost_ts[8], lost_count[8];
	bool opened;
};

static struct got G;

static void read_all(const char *path, struct got *g)
{
	struct lt_reader *r;
	const struct lt_event *ev;
	const __u64 *fr;
	__u64 ts, count;
	int k;

	memset(g, 0, sizeof(*g));
	r = lt_reader_open(path, g->msg, sizeof(g->msg));
	if (!r) {
		g->state = LT_REC_ERROR;
		return;
	}
	g->opened = true;
	while ((k = lt_reader_next(r, &ev, &fr, &ts, &count)) > 0) {
		if (k == LT_REC_LOST) {
			if (g->nlost < 8) {
				g->lost_before[g->nlost] = g->nev;
				g->lost_ts[g->nlost] = ts;
				g->lost_count[g->nlost] = count;
			}
			g->nlost++;
			continue;
		}
		if (g->nev < MAX_EV) {
			g->ev[g->nev] = *ev;
			if (fr)
				memcpy(g->fr[g->nev], fr, ev->nr_frames * sizeof(__u64));
		}
		g->nev++;
	}
	g->state = k;
	CHECK_EQ(lt_reader_next(r, NULL, NULL, NULL, NULL), k);	/* sticky */
	snprintf(g->msg, sizeof(g->msg), "%s", lt_reader_error(r));
	lt_reader_close(r);
}

/* The first n records read are those of s. */
static bool same_prefix(const struct got *g, const struct stream *s, int n)
{
	for (int i = 0; i < n && i < MAX_EV; i++) {
		if (memcmp(&g->ev[i], &s->ev[i], sizeof(s->ev[i])))
			return false;
		if (s->ev[i].nr_frames &&
		    memcmp(g->fr[i], s->fr[i], s->ev[i].nr_frames * sizeof(__u64)))
			return false;
	}
	return true;
}

static struct stream S, S2;

static void make_seed(struct stream *s, enum mode m, bool with_map)
{
	struct cur c = { .pid = 71, .tid = 71, .cpu = 1, .ts = 5000000 };

	s->n = 0;
	seed(s, &c, m, 8, 5, with_map);
}

/* ------------------------------------------------------------ round trip */

static void test_roundtrip(void)
{
	const char *p = tpath("roundtrip.lt");
	struct lt_reader *r;
	const struct lt_file_info *in;
	char err[256], b1[160], b2[160];
	int lost_at;

	make_seed(&S, NOFLUSH, true);
	/* a second task on another CPU, interleaved at the end */
	{
		struct cur c = { .pid = 90, .tid = 91, .cpu = 3, .ts = S.ev[S.n - 1].ts };

		add_task(&S, &c, "kworker/3:1");
		add_trans(&S, &c, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);
		add_defer(&S, &c, 1, VA_C, ENTRY_C, IP_SETPTES, true);
		add_flush(&S, &c, 0, 1, IP_LEAVE_FLUSH);
		add_trans(&S, &c, LT_DISABLE, LT_ACT_LEAVE, 0, false, IP_LEAVE);
	}
	lost_at = S.n - 3;
	CHECK_EQ(write_stream(p, &S, &INFO, 0, 7, lost_at, true), 0);
	read_all(p, &G);
	CHECK_EQ(G.state, LT_REC_END);
	CHECK_STR(G.msg, "");
	CHECK_EQ(G.nev, S.n);
	CHECK(same_prefix(&G, &S, S.n));
	CHECK_EQ(G.nlost, 1);
	CHECK_EQ(G.lost_before[0], lost_at);
	CHECK_EQ(G.lost_ts[0], S.ev[lost_at].ts - 1);
	CHECK_EQ(G.lost_count[0], 42);

	r = lt_reader_open(p, err, sizeof(err));
	CHECK(r != NULL);
	if (!r)
		return;
	in = lt_reader_info(r);
	CHECK_EQ(in->version, LT_FILE_VERSION);
	CHECK_EQ(in->abi_version, LT_ABI_VERSION);
	CHECK_EQ(in->caps, INFO.caps);
	CHECK_EQ(in->flags, 0);
	CHECK_EQ(in->start_realtime_ns, INFO.start_realtime_ns);
	CHECK_EQ(in->start_mono_ns, INFO.start_mono_ns);
	CHECK_STR(in->release, INFO.release);
	CHECK_STR(in->build_id, INFO.build_id);
	CHECK_STR(in->machine, "aarch64");
	CHECK_STR(in->mode, "tracepoints");
	CHECK_STR(in->nesting, "noflush");
	CHECK_STR(in->attach, INFO.attach);
	CHECK(lt_file_defer_from_tracepoint(in));
	/* every code address symbolizes as it did at recording, chunk by chunk */
	while (lt_reader_next(r, NULL, NULL, NULL, NULL) > 0) {
		const struct lt_ksyms *fks = lt_reader_ksyms(r);

		for (int i = 0; i < S.n; i++) {
			if (S.ev[i].type == LT_TASK)
				continue;
			CHECK_STR(lt_ksyms_format(fks, S.ev[i].ip, b1, sizeof(b1)),
				  lt_ksyms_format(KS, S.ev[i].ip, b2, sizeof(b2)));
			break;
		}
	}
	for (int i = 0; i < S.n; i++) {
		const struct lt_ksyms *fks = lt_reader_ksyms(r);

		if (S.ev[i].type == LT_TASK)
			continue;
		CHECK_STR(lt_ksyms_format(fks, S.ev[i].ip, b1, sizeof(b1)),
			  lt_ksyms_format(KS, S.ev[i].ip, b2, sizeof(b2)));
		for (int f = 0; f < S.ev[i].nr_frames; f++)
			CHECK_STR(lt_ksyms_format(fks, S.fr[i][f], b1, sizeof(b1)),
				  lt_ksyms_format(KS, S.fr[i][f], b2, sizeof(b2)));
	}
	/* only the symbols the file uses */
	CHECK(lt_ksyms_count(lt_reader_ksyms(r)) < lt_ksyms_count(KS));
	CHECK_EQ(lt_reader_events(r), S.n);
	lt_reader_close(r);

	/* an address no symbol covers stays without one, even with symbols below it in the file */
	{
		struct stream *t = &S2;
		struct cur c = { .pid = 5, .tid = 5, .cpu = 0, .ts = 100 };
		struct lt_event *e;

		t->n = 0;
		e = add(t, &c, LT_ACCESS, 0, false);
		e->ip = 0xffff800080600010ULL;			/* weak_fn+0x10 */
		e = add(t, &c, LT_ACCESS, 0, false);
		e->ip = 0xffff800080a00000ULL;			/* 4 MiB past weak_fn: none */
		e = add(t, &c, LT_ACCESS, 0, false);
		e->ip = 0xffff800000001020ULL;			/* a module's */
		CHECK_STR(lt_ksyms_format(KS, t->ev[1].ip, b2, sizeof(b2)), "0xffff800080a00000");
		CHECK_EQ(write_stream(tpath("nosym.lt"), t, &INFO, 0, 0, -1, true), 0);
		r = lt_reader_open(tpath("nosym.lt"), err, sizeof(err));
		CHECK(r != NULL);
		while (r && lt_reader_next(r, NULL, NULL, NULL, NULL) > 0)
			;
		CHECK_STR(lt_ksyms_format(lt_reader_ksyms(r), t->ev[0].ip, b1, sizeof(b1)), "weak_fn+0x10");
		CHECK_STR(lt_ksyms_format(lt_reader_ksyms(r), t->ev[1].ip, b1, sizeof(b1)),
			  "0xffff800080a00000");
		CHECK_STR(lt_ksyms_format(lt_reader_ksyms(r), t->ev[2].ip, b1, sizeof(b1)),
			  "mod_fn+0x20 [lazymod]");
		CHECK_EQ(lt_ksyms_count(lt_reader_ksyms(r)), 2);
		lt_reader_close(r);
	}
}

/* ------------------------------------------------------------ crash consistency */

struct chunk_end {
	size_t end;
	int events;		/* events in the chunks up to here */
	int lost;
};

/* Walks the chunks as include/lttrace.h describes them. */
static int chunk_ends(const unsigned char *b, size_t len, struct chunk_end *ce, int max,
		      size_t *hdr_len)
{
	size_t off;
	int n = 0, events = 0, lost = 0;

	*hdr_len = b[12] | b[13] << 8 | b[14] << 16 | (size_t)b[15] << 24;
	off = *hdr_len;
	while (off + LT_CHUNK_HDR_LEN <= len && n < max) {
		const unsigned char *h = b + off;
		unsigned int type = h[4] | h[5] << 8;
		size_t plen = h[12] | h[13] << 8 | h[14] << 16 | (size_t)h[15] << 24;
		int count = h[16] | h[17] << 8 | h[18] << 16 | h[19] << 24;

		if (type == LT_CHUNK_EVENTS || type == LT_CHUNK_EVENTS_PACKED)
			events += count;
		if (type == LT_CHUNK_LOST)
			lost += count;
		off += LT_CHUNK_HDR_LEN + plen;
		ce[n++] = (struct chunk_end){ .end = off, .events = events, .lost = lost };
	}
	CHECK_EQ(off, len);
	return n;
}

static unsigned char FB[1 << 20], FB2[1 << 20];

static void test_truncation(void)
{
	const char *p = tpath("full.lt"), *q = tpath("cut.lt");
	struct chunk_end ce[256];
	size_t len, hlen;
	int nce, bad = 0, wrong_msg = 0;

	make_seed(&S, NESTED, true);
	CHECK_EQ(write_stream(p, &S, &INFO, 0, 5, 12, true), 0);
	len = file_read(p, FB, sizeof(FB));
	nce = chunk_ends(FB, len, ce, 256, &hlen);
	CHECK(nce > 8);
	for (size_t cut = 0; cut <= len; cut++) {
		int expect_ev = 0, expect_lost = 0, complete = 0;

		file_write(q, FB, cut);
		read_all(q, &G);
		if (cut < hlen) {
			if (G.opened)
				bad++;
			if (cut == 0 && !strstr(G.msg, "empty file"))
				wrong_msg++;
			if (cut > 0 && !strstr(G.msg, "truncated header"))
				wrong_msg++;
			continue;
		}
		for (int i = 0; i < nce; i++) {
			if (ce[i].end <= cut) {
				expect_ev = ce[i].events;
				expect_lost = ce[i].lost;
				complete = i + 1;
			}
		}
		if (cut == len) {
			CHECK_EQ(G.state, LT_REC_END);
		} else if (G.state != LT_REC_TRUNCATED) {
			bad++;
			printf("cut at %zu: state %d (%s)\n", cut, G.state, G.msg);
		} else {
			char want[256];

			if (complete)
				snprintf(want, sizeof(want), "%s: truncated after chunk %d (%d events read)",
					 q, complete - 1, expect_ev);
			else
				snprintf(want, sizeof(want), "%s: truncated after the header (0 events read)", q);
			if (strcmp(G.msg, want)) {
				wrong_msg++;
				printf("cut at %zu: '%s' != '%s'\n", cut, G.msg, want);
			}
		}
		if (G.nev != expect_ev || G.nlost != expect_lost || !same_prefix(&G, &S, G.nev)) {
			bad++;
			printf("cut at %zu: %d events %d lost, expected %d %d\n", cut, G.nev, G.nlost,
			       expect_ev, expect_lost);
		}
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(wrong_msg, 0);

	/*
	 * A power-off: the file has its length but the blocks not yet written read as zeros.
	 * Zeros from every 512-byte boundary on: truncated there, never an error.
	 */
	for (size_t b = (hlen + 511) & ~(size_t)511; b < len; b += 512) {
		int expect = 0;

		memcpy(FB2, FB, b);
		memset(FB2 + b, 0, len - b);
		file_write(q, FB2, len);
		read_all(q, &G);
		for (int i = 0; i < nce; i++)
			if (ce[i].end <= b)
				expect = ce[i].events;
		CHECK_EQ(G.state, LT_REC_TRUNCATED);
		CHECK_EQ(G.nev, expect);
		CHECK(same_prefix(&G, &S, G.nev));
	}
	/* ... or from a chunk boundary, the file extended to whole blocks */
	for (int i = nce - 4; i < nce; i++) {
		size_t padded = (ce[i - 1].end + 4095) & ~(size_t)4095;

		memcpy(FB2, FB, ce[i - 1].end);
		memset(FB2 + ce[i - 1].end, 0, padded - ce[i - 1].end);
		file_write(q, FB2, padded);
		read_all(q, &G);
		CHECK_EQ(G.state, LT_REC_TRUNCATED);
		CHECK_EQ(G.nev, ce[i - 1].events);
	}
	/* ... but zeros with data after them are damage */
	memcpy(FB2, FB, len);
	memset(FB2 + ce[2].end + 28, 0, 8);
	file_write(q, FB2, len);
	read_all(q, &G);
	CHECK_EQ(G.state, LT_REC_ERROR);
	CHECK_EQ(G.nev, ce[2].events);

	/* a writer that stopped without closing: truncated, everything flushed is there */
	CHECK_EQ(write_stream(q, &S, &INFO, LT_W_FORCE, 5, -1, false), 0);
	read_all(q, &G);
	CHECK_EQ(G.state, LT_REC_TRUNCATED);
	CHECK_EQ(G.nev, S.n);
	CHECK(same_prefix(&G, &S, S.n));
}

static void test_bitflips(void)
{
	const char *p = tpath("small.lt"), *q = tpath("flip.lt");
	size_t len;
	int fd, trials = 0, clean = 0, wrong = 0, errors = 0, truncs = 0;
	struct stream *t = &S2;
	struct cur c = { .pid = 7, .tid = 7, .cpu = 0, .ts = 1000 };

	t->n = 0;
	add_task(t, &c, "t");
	add_trans(t, &c, LT_ENABLE, LT_ACT_ENTER, 1, false, IP_ENTER);
	add_defer(t, &c, 1, VA_B, ENTRY_B, IP_PTE_DEFER, true);
	add_access(t, &c, 1, true, VA_B, true);
	add_flush(t, &c, 0, 1, IP_LEAVE_FLUSH);
	add_trans(t, &c, LT_DISABLE, LT_ACT_LEAVE, 0, false, IP_LEAVE);
	CHECK_EQ(write_stream(p, t, &INFO, 0, 3, 4, true), 0);
	len = file_read(p, FB, sizeof(FB));
	file_write(q, FB, len);
	fd = open(q, O_RDWR);
	for (size_t i = 0; i < len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			unsigned char v = FB[i] ^ (1u << bit);

			if (pwrite(fd, &v, 1, i) != 1)
				abort();
			read_all(q, &G);
			trials++;
			if (G.state == LT_REC_END)
				clean++;
			else if (G.state == LT_REC_TRUNCATED)
				truncs++;
			else
				errors++;
			if (G.nev > t->n || !same_prefix(&G, t, G.nev))
				wrong++;
			if (pwrite(fd, &FB[i], 1, i) != 1)
				abort();
		}
	}
	close(fd);
	printf("bit flips: %d trials on %zu bytes: %d errors, %d truncations\n", trials, len,
	       errors, truncs);
	CHECK_EQ(clean, 0);
	CHECK_EQ(wrong, 0);
	CHECK(errors > trials / 2);
	read_all(q, &G);	/* restored */
	CHECK_EQ(G.state, LT_REC_END);
}

/* ------------------------------------------------------------ bad files */

static void put32le(unsigned char *p, unsigned int v)
{
	for (int i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}

static unsigned int get32le(const unsigned char *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (unsigned int)p[3] << 24;
}

static void rechecksum_chunk(unsigned char *h)
{
	put32le(h + 24, lt_crc32c(0, h, 24));
}

/* The kernel model travels in the header: page size and layout, as the recorder read them. */
static void test_layout(void)
{
	const char *p = tpath("layout.lt"), *q = tpath("layout-bad.lt");
	struct lt_file_info info = INFO;
	struct lt_reader *r;
	char err[256], want[512];
	size_t len, hlen, pos;
	struct chunk_end ce[64];

	info.page_shift = 16;
	snprintf(info.layout, sizeof(info.layout), "page=64K va_bits=52/52 from test");
	make_seed(&S, NOFLUSH, false);
	CHECK_EQ(write_stream(p, &S, &info, 0, 10, -1, true), 0);
	r = lt_reader_open(p, err, sizeof(err));
	CHECK(r != NULL);
	if (r) {
		CHECK_EQ(lt_reader_info(r)->page_shift, 16);
		CHECK_STR(lt_reader_info(r)->layout, "page=64K va_bits=52/52 from test");
		lt_reader_close(r);
	}
	/* a file without them (recorded before they existed) reads with page_shift 0 */
	CHECK_EQ(write_stream(q, &S, &INFO, 0, 10, -1, true), 0);
	r = lt_reader_open(q, err, sizeof(err));
	CHECK(r != NULL);
	if (r) {
		CHECK_EQ(lt_reader_info(r)->page_shift, 0);
		CHECK_STR(lt_reader_info(r)->layout, "");
		lt_reader_close(r);
	}
	/* an impossible page size, checksum valid: the header is malformed */
	len = file_read(p, FB, sizeof(FB));
	chunk_ends(FB, len, ce, 64, &hlen);
	memcpy(FB2, FB, len);
	for (pos = LT_FILE_HDR_FIXED; pos + 4 < hlen - 4;) {
		unsigned int tag = FB2[pos] | FB2[pos + 1] << 8, l = FB2[pos + 2] | FB2[pos + 3] << 8;

		if (tag == LT_TAG_PAGE_SHIFT) {
			CHECK_EQ(l, 4);
			put32le(FB2 + pos + 4, 13);
			break;
		}
		pos += 4 + l;
	}
	put32le(FB2 + hlen - 4, lt_crc32c(0, FB2, hlen - 4));
	file_write(q, FB2, len);
	read_all(q, &G);
	CHECK(!G.opened);
	snprintf(want, sizeof(want), "%s: malformed header", q);
	CHECK_STR(G.msg, want);
}

static void test_bad_files(void)
{
	const char *p = tpath("good.lt"), *q = tpath("bad.lt");
	char want[512];
	size_t len, hlen;
	struct chunk_end ce[64];
	int nce;

	make_seed(&S, FLAT, false);
	CHECK_EQ(write_stream(p, &S, &INFO, 0, 10, -1, true), 0);
	len = file_read(p, FB, sizeof(FB));
	nce = chunk_ends(FB, len, ce, 64, &hlen);

	file_write(q, FB, 0);
	read_all(q, &G);
	CHECK(!G.opened);
	snprintf(want, sizeof(want), "%s: empty file, not a lazytrace trace", q);
	CHECK_STR(G.msg, want);

	file_write(q, (const unsigned char *)"hello world, not a trace\n", 25);
	read_all(q, &G);
	snprintf(want, sizeof(want), "%s: not a lazytrace trace file (bad magic)", q);
	CHECK_STR(G.msg, want);

	read_all(tpath("does-not-exist.lt"), &G);
	snprintf(want, sizeof(want), "%s: No such file or directory", tpath("does-not-exist.lt"));
	CHECK_STR(G.msg, want);

	read_all(dir, &G);
	CHECK(!G.opened && strstr(G.msg, "directory"));

	memcpy(FB2, FB, len);
	put32le(FB2 + 8, 3);
	file_write(q, FB2, len);
	read_all(q, &G);
	snprintf(want, sizeof(want), "%s: format version 3 is newer than this lazytrace supports (2)", q);
	CHECK_STR(G.msg, want);

	/* packed events in a file that says version 1 (whose readers do not know them) */
	CHECK_EQ(get32le(FB + 8), 2);
	memcpy(FB2, FB, len);
	put32le(FB2 + 8, 1);
	put32le(FB2 + hlen - 4, lt_crc32c(0, FB2, hlen - 4));
	file_write(q, FB2, len);
	read_all(q, &G);
	CHECK_EQ(G.state, LT_REC_ERROR);
	CHECK_EQ(G.nev, 0);
	CHECK(strstr(G.msg, "unknown chunk type 8") != NULL);
	/* written plain (LT_W_PLAIN): version 1, EVENTS chunks, the same records */
	CHECK_EQ(write_stream(q, &S, &INFO, LT_W_FORCE | LT_W_PLAIN, 10, -1, true), 0);
	CHECK_EQ(file_read(q, FB2, sizeof(FB2)) > len, 1);
	CHECK_EQ(get32le(FB2 + 8), 1);
	read_all(q, &G);
	CHECK_EQ(G.state, LT_REC_END);
	CHECK_EQ(G.nev, S.n);
	CHECK(same_prefix(&G, &S, S.n));

	memcpy(FB2, FB, len);
	put32le(FB2 + 12, 0xffffffffu);
	file_write(q, FB2, len);
	read_all(q, &G);
	snprintf(want, sizeof(want), "%s: bad header length 4294967295", q);
	CHECK_STR(G.msg, want);

	memcpy(FB2, FB, len);
	FB2[20] ^= 0x40;	/* inside a header field */
	file_write(q, FB2, len);
	read_all(q, &G);
	snprintf(want, sizeof(want), "%s: header checksum mismatch", q);
	CHECK_STR(G.msg, want);

	/* a chunk claiming 2 GiB, with a valid header checksum */
	memcpy(FB2, FB, len);
	put32le(FB2 + ce[1].end + 12, 0x7fffffffu);
	rechecksum_chunk(FB2 + ce[1].end);
	file_write(q, FB2, len);
	read_all(q, &G);
	CHECK_EQ(G.state, LT_REC_ERROR);
	CHECK_EQ(G.nev, ce[1].events);
	snprintf(want, sizeof(want), "%s: chunk 2 at offset %zu: payload of 2147483647 bytes (at most 16777216)",
		 q, ce[1].end);
	CHECK_STR(G.msg, want);

	/* a record count that disagrees with the payload, checksums valid */
	for (int i = 0; i < nce; i++) {
		unsigned char *h = FB2 + (i ? ce[i - 1].end : hlen);

		memcpy(FB2, FB, len);
		if ((h[4] | h[5] << 8) != LT_CHUNK_EVENTS_PACKED)
			continue;
		h[16]++;
		rechecksum_chunk(h);
		file_write(q, FB2, len);
		read_all(q, &G);
		CHECK_EQ(G.state, LT_REC_ERROR);
		CHECK(strstr(G.msg, "malformed event records") != NULL);
		CHECK_EQ(G.nev, i ? ce[i - 1].events : 0);
		break;
	}

	/* a payload byte changed: checksum mismatch, what came before is read */
	memcpy(FB2, FB, len);
	FB2[ce[2].end + LT_CHUNK_HDR_LEN + 5] ^= 1;
	file_write(q, FB2, len);
	read_all(q, &G);
	CHECK_EQ(G.state, LT_REC_ERROR);
	CHECK_EQ(G.nev, ce[2].events);
	snprintf(want, sizeof(want), "%s: chunk 3 at offset %zu: checksum mismatch", q, ce[2].end);
	CHECK_STR(G.msg, want);

	/* chunks swapped: out of sequence */
	{
		size_t a = ce[1].end, b = ce[2].end, c2 = ce[3].end;

		memcpy(FB2, FB, a);
		memcpy(FB2 + a, FB + b, c2 - b);
		memcpy(FB2 + a + (c2 - b), FB + a, b - a);
		memcpy(FB2 + c2, FB + c2, len - c2);
		file_write(q, FB2, len);
		read_all(q, &G);
		CHECK_EQ(G.state, LT_REC_ERROR);
		CHECK(strstr(G.msg, "out of sequence") != NULL);
	}

	/* data after the end */
	memcpy(FB2, FB, len);
	FB2[len] = 'x';
	file_write(q, FB2, len + 1);
	read_all(q, &G);
	CHECK_EQ(G.state, LT_REC_ERROR);
	CHECK_EQ(G.nev, S.n);
	CHECK(strstr(G.msg, "data after the end chunk") != NULL);

	/* the writer refuses nonsense */
	{
		struct lt_writer *w = lt_writer_open(tpath("refuse.lt"), &INFO, KS, LT_W_NOSYNC, want,
						     sizeof(want));
		struct lt_event e = { .type = LT_ACCESS, .nr_frames = LT_MAX_FRAMES + 1 };

		CHECK(w != NULL);
		CHECK_EQ(lt_writer_event(w, &e, NULL), -EINVAL);
		e.nr_frames = 2;
		CHECK_EQ(lt_writer_event(w, &e, NULL), -EINVAL);
		CHECK_EQ(lt_writer_close(w), 0);
		read_all(tpath("refuse.lt"), &G);
		CHECK_EQ(G.state, LT_REC_END);
		CHECK_EQ(G.nev, 0);
	}
}

/* ------------------------------------------------------------ mode and --force */

/* A recording's event ABI: records of a newer one are refused with the reason (their folded
 * records would be shown wrong); ABI 1 (no folded record) and today's are read. */
static void test_abi(void)
{
	struct lt_file_info info = INFO;
	char want[600];
	const char *p = tpath("abi.lt");

	make_seed(&S, NESTED, true);
	for (__u32 abi = 1; abi <= LT_ABI_VERSION + 1; abi++) {
		info.abi_version = abi;
		CHECK_EQ(write_stream(p, &S, &info, LT_W_FORCE, 0, -1, true), 0);
		read_all(p, &G);
		if (abi <= LT_ABI_VERSION) {
			CHECK_EQ(G.state, LT_REC_END);
			CHECK_EQ(G.nev, S.n);
			continue;
		}
		CHECK(!G.opened);
		snprintf(want, sizeof(want), "%s: records of ABI %u, newer than this lazytrace reads (%d)",
			 p, abi, LT_ABI_VERSION);
		CHECK_STR(G.msg, want);
	}
}

static void test_mode_force(void)
{
	const char *p = tpath("mode.lt");
	char err[512], want[512];
	struct lt_writer *w;
	struct stat st;
	mode_t old = umask(0);

	w = lt_writer_open(p, &INFO, KS, LT_W_NOSYNC, err, sizeof(err));
	CHECK(w != NULL);
	CHECK_EQ(lt_writer_close(w), 0);
	CHECK_EQ(stat(p, &st), 0);
	CHECK_EQ(st.st_mode & 07777, 0600);

	/* exists: refused, untouched */
	chmod(p, 0644);
	w = lt_writer_open(p, &INFO, KS, LT_W_NOSYNC, err, sizeof(err));
	CHECK(w == NULL);
	snprintf(want, sizeof(want), "%s exists (use --force to overwrite)", p);
	CHECK_STR(err, want);
	CHECK_EQ(stat(p, &st), 0);
	CHECK_EQ(st.st_mode & 07777, 0644);
	read_all(p, &G);
	CHECK_EQ(G.state, LT_REC_END);

	/* --force: overwritten, and 0600 again */
	file_write(p, (const unsigned char *)"precious data that is long enough", 33);
	chmod(p, 0666);
	make_seed(&S, NESTED, false);
	CHECK_EQ(write_stream(p, &S, &INFO, LT_W_FORCE, 0, -1, true), 0);
	CHECK_EQ(stat(p, &st), 0);
	CHECK_EQ(st.st_mode & 07777, 0600);
	read_all(p, &G);
	CHECK_EQ(G.state, LT_REC_END);
	CHECK_EQ(G.nev, S.n);

	/* whatever the umask */
	umask(0277);
	w = lt_writer_open(tpath("umask.lt"), &INFO, KS, LT_W_NOSYNC, err, sizeof(err));
	CHECK(w != NULL);
	CHECK_EQ(lt_writer_close(w), 0);
	CHECK_EQ(stat(tpath("umask.lt"), &st), 0);
	CHECK_EQ(st.st_mode & 07777, 0600);
	umask(old);

	/* --force does not follow symlinks nor write into what is not a regular file */
	CHECK_EQ(symlink(p, tpath("link.lt")), 0);
	w = lt_writer_open(tpath("link.lt"), &INFO, KS, LT_W_NOSYNC | LT_W_FORCE, err, sizeof(err));
	CHECK(w == NULL);
	snprintf(want, sizeof(want), "%s exists and is not a regular file", tpath("link.lt"));
	CHECK_STR(err, want);
	w = lt_writer_open(dir, &INFO, KS, LT_W_NOSYNC | LT_W_FORCE, err, sizeof(err));
	CHECK(w == NULL);
	w = lt_writer_open(tpath("no/such/dir.lt"), &INFO, KS, LT_W_NOSYNC, err, sizeof(err));
	CHECK(w == NULL);
	snprintf(want, sizeof(want), "%s: No such file or directory", tpath("no/such/dir.lt"));
	CHECK_STR(err, want);
}

/* ------------------------------------------------------------ --redact */

static bool contains_u64(const unsigned char *b, size_t len, __u64 v)
{
	unsigned char le[8];

	for (int i = 0; i < 8; i++)
		le[i] = v >> (8 * i);
	for (size_t i = 0; i + 8 <= len; i++)
		if (!memcmp(b + i, le, 8))
			return true;
	return false;
}

struct hz_log {
	int n;
	char text[4][256];
};

static void hz_cb(void *ctx, const struct lt_hazard *hz)
{
	struct hz_log *l = ctx;

	if (l->n < 4)
		snprintf(l->text[l->n], sizeof(l->text[0]), "%s page+0x%llx", lt_hazard_name(hz->kind),
			 (unsigned long long)(hz->addr & 0xfff));
	l->n++;
}

static void test_redact(void)
{
	const char *p = tpath("redacted.lt");
	struct lt_reader *r;
	char err[256], b1[160], b2[160];
	struct hz_log hl = { 0 };
	struct lt_recon_ops ops = { .ctx = &hl, .hazard = hz_cb };
	struct lt_recon *lr;
	const struct lt_event *ev;
	const __u64 *fr;
	int bad = 0, k, i = 0;
	size_t len;

	make_seed(&S, NOFLUSH, true);
	{
		/* an access in another 2 MiB block than B's, after the section */
		struct cur c = { .pid = 71, .tid = 71, .cpu = 1, .ts = S.ev[S.n - 1].ts };

		add_access(&S, &c, 0, false, VA_C + 0x234, false);
	}
	CHECK_EQ(write_stream(p, &S, &INFO, LT_W_REDACT, 6, -1, true), 0);
	len = file_read(p, FB, sizeof(FB));
	for (int j = 0; j < S.n; j++) {
		const struct lt_event *e = &S.ev[j];

		if (e->type == LT_TASK)
			continue;
		bad += e->ip && contains_u64(FB, len, e->ip);
		bad += e->addr && contains_u64(FB, len, e->addr);
		if (e->type == LT_DEFER || e->type == LT_PTE_UPDATE)
			bad += e->arg0 && contains_u64(FB, len, e->arg0);
		for (int f = 0; f < e->nr_frames; f++)
			bad += contains_u64(FB, len, S.fr[j][f]);
	}
	/* nor any symbol's address */
	bad += contains_u64(FB, len, 0xffff800080123000ULL) + contains_u64(FB, len, 0xffff800080300000ULL);
	CHECK_EQ(bad, 0);

	r = lt_reader_open(p, err, sizeof(err));
	CHECK(r != NULL);
	if (!r)
		return;
	CHECK_EQ(lt_reader_info(r)->flags & LT_FILE_REDACTED, LT_FILE_REDACTED);
	lr = lt_recon_new(LT_DEFER_FROM_TRACEPOINT, &ops);
	while ((k = lt_reader_next(r, &ev, &fr, NULL, NULL)) == LT_REC_EVENT) {
		/* symbol+offset survive */
		if (ev->type != LT_TASK)
			bad += strcmp(lt_ksyms_format(lt_reader_ksyms(r), ev->ip, b1, sizeof(b1)),
				      lt_ksyms_format(KS, S.ev[i].ip, b2, sizeof(b2))) != 0;
		for (int f = 0; f < ev->nr_frames; f++)
			bad += strcmp(lt_ksyms_format(lt_reader_ksyms(r), fr[f], b1, sizeof(b1)),
				      lt_ksyms_format(KS, S.fr[i][f], b2, sizeof(b2))) != 0;
		/* page offsets survive, 0 stays 0 */
		if (ev->type != LT_TASK) {
			bad += (ev->addr & 0xfff) != (S.ev[i].addr & 0xfff);
			bad += !ev->addr != !S.ev[i].addr;
		}
		CHECK_EQ(lt_recon_feed(lr, ev, fr), 0);
		i++;
	}
	CHECK_EQ(k, LT_REC_END);
	CHECK_EQ(i, S.n);
	CHECK_EQ(bad, 0);
	lt_recon_finish(lr);
	/*
	 * Not a shift: A and B lie in different 2 MiB blocks; each moves by its own amount, and
	 * their distance is not kept (one known address does not give away the other).
	 */
	{
		__u64 a0 = 0, a1 = 0, b0 = 0, b1 = 0;
		int j = 0;

		lt_reader_close(r);
		r = lt_reader_open(p, err, sizeof(err));
		while (r && lt_reader_next(r, &ev, &fr, NULL, NULL) == LT_REC_EVENT) {
			if (ev->type != LT_TASK && S.ev[j].addr && !a0) {
				a0 = S.ev[j].addr;
				a1 = ev->addr;
			} else if (ev->type != LT_TASK && S.ev[j].addr && !b0 &&
				   S.ev[j].addr >> 21 != a0 >> 21) {
				b0 = S.ev[j].addr;
				b1 = ev->addr;
			}
			j++;
		}
		CHECK(a0 && b0);
		CHECK(a1 - a0 != b1 - b0);
		CHECK_EQ(a1 & 0x1fffff, a0 & 0x1fffff);		/* offset in the block kept */
		CHECK_EQ(a1 >> 48, a0 >> 48);			/* the region kept */
	}
	/* the same hazards as unredacted: a potential and a confirmed one on B */
	CHECK_EQ(hl.n, 2);
	CHECK_STR(hl.text[0], "potential page+0x0");
	CHECK_STR(hl.text[1], "confirmed page+0x0");
	lt_recon_free(lr);
	lt_reader_close(r);
}

/* ------------------------------------------------------------ dump, stats, compare */

struct cap {
	char *out, *err;
	size_t olen, elen;
	FILE *o, *e;
};

static void cap_open(struct cap *c)
{
	memset(c, 0, sizeof(*c));
	c->o = open_memstream(&c->out, &c->olen);
	c->e = open_memstream(&c->err, &c->elen);
}

static void cap_close(struct cap *c)
{
	fclose(c->o);
	fclose(c->e);
}

static void cap_free(struct cap *c)
{
	free(c->out);
	free(c->err);
}

/* The seed scenario under one nesting mode, as recorded, with a second task around it. */
static void write_mode(const char *path, enum mode m, bool with_map)
{
	struct lt_file_info info = INFO;

	make_seed(&S, m, with_map);
	snprintf(info.nesting, sizeof(info.nesting), "%s", mode_names[m]);
	CHECK_EQ(write_stream(path, &S, &info, 0, 9, -1, true), 0);
}

#include "golden_tracefile.h"

/* Golden outputs are written to $LT_GOLDEN_DIR when set (to review and update them). */
static void save(const char *name, const char *text)
{
	const char *d = getenv("LT_GOLDEN_DIR");
	char p[512];

	if (!d)
		return;
	snprintf(p, sizeof(p), "%s/%s", d, name);
	file_write(p, (const unsigned char *)text, strlen(text));
}

/* text with every occurrence of dir replaced by "DIR" */
static char *undir(const char *text)
{
	size_t dl = strlen(dir), n = 0;
	char *out = malloc(strlen(text) + 1);

	for (const char *t = text; *t;) {
		if (!strncmp(t, dir, dl)) {
			memcpy(out + n, "DIR", 3);
			n += 3;
			t += dl;
		} else {
			out[n++] = *t++;
		}
	}
	out[n] = '\0';
	return out;
}

static int run_dump(const char *path, const struct lt_dump_opts *o, struct cap *c)
{
	int ret;

	cap_open(c);
	ret = lt_replay_dump(path, o, c->o, c->e);
	cap_close(c);
	return ret;
}

static int count_lines(const char *s, const char *prefix)
{
	int n = 0;

	for (const char *l = s; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		n += !strncmp(l, prefix, strlen(prefix));
	return n;
}

static void test_dump(void)
{
	char p[256], q[256];
	struct lt_dump_opts o = { .format = LT_DUMP_TEXT, .filter = { .cpu = (__u32)-1 } };
	struct chunk_end ce[64];
	char want[512];
	size_t len, hlen;
	struct cap c;
	int nce;

	snprintf(p, sizeof(p), "%s", tpath("noflush.lt"));
	snprintf(q, sizeof(q), "%s", tpath("dump-cut.lt"));
	write_mode(p, NOFLUSH, true);
	CHECK_EQ(run_dump(p, &o, &c), 0);
	save("dump.txt", c.out);
	CHECK_STR(c.out, GOLDEN_DUMP);
	CHECK_STR(c.err, "");
	cap_free(&c);

	/* the same through the JSON sink: the lines of live --json */
	o.format = LT_DUMP_JSON;
	CHECK_EQ(run_dump(p, &o, &c), 0);
	CHECK_EQ(count_lines(c.out, "{\"type\":\"hazard\""), 2);
	CHECK(strstr(c.out, "\"section_site\":\"update_range_prot+0x1e8\"") != NULL);
	CHECK(strstr(c.out, "{\"type\":\"summary\",\"events\":26,\"unfolded_events\":0,\"sections\":2,\"nested_sections\":1,"
			    "\"max_depth\":2,\"deferred_ptes\":14,\"flushes\":1,\"hazards_confirmed\":1,"
			    "\"hazards_potential\":1,\"lost_events\":0,\"lost_ring_full\":0,"
			    "\"lost_recursion\":0,\"lost_evicted\":0,\"lost_kprobe_missed\":0,\"lost_kretprobe_missed\":0,\"lost_map_full\":0,\"lost_names\":0,\"gaps\":0,\"anomalies\":0}\n") != NULL);
	cap_free(&c);

	/* Perfetto: the golden trace of the small recording */
	o.format = LT_DUMP_PERFETTO;
	CHECK_EQ(run_dump(tpath("small.lt"), &o, &c), 0);
	save("dump-perfetto.json", c.out);
	CHECK_STR(c.out, GOLDEN_PERFETTO);
	cap_free(&c);

	o.format = LT_DUMP_SVG;
	CHECK_EQ(run_dump(p, &o, &c), 0);
	CHECK(!strncmp(c.out, "<?xml", 5) || !strncmp(c.out, "<svg", 4));
	CHECK(strstr(c.out, "</svg>") != NULL);
	cap_free(&c);

	/* filters: another process, another CPU, another name: nothing but the summary */
	o.format = LT_DUMP_TEXT;
	o.filter.pid = 72;
	CHECK_EQ(run_dump(p, &o, &c), 0);
	CHECK(!strncmp(c.out, "--- summary\nevents            0\n", 31));
	cap_free(&c);
	o.filter.pid = 71;
	o.filter.cpu = 1;
	snprintf(o.filter.comm, sizeof(o.filter.comm), "sh");
	CHECK_EQ(run_dump(p, &o, &c), 0);
	CHECK_STR(c.out, GOLDEN_DUMP);
	cap_free(&c);
	o.filter.cpu = 2;
	CHECK_EQ(run_dump(p, &o, &c), 0);
	CHECK_EQ(count_lines(c.out, " "), 0);
	cap_free(&c);
	o.filter.cpu = (__u32)-1;
	snprintf(o.filter.comm, sizeof(o.filter.comm), "bash");
	CHECK_EQ(run_dump(p, &o, &c), 0);
	CHECK_EQ(count_lines(c.out, " "), 0);
	cap_free(&c);
	memset(o.filter.comm, 0, sizeof(o.filter.comm));
	o.filter.pid = 0;

	/* --from/--to: the window only, with the state reconstructed from the start */
	o.filter.has_from = true;
	o.filter.from_s = 12e-6;	/* first event + 12 us: the nested section's deferral */
	o.filter.has_to = true;
	o.filter.to_s = 16e-6;
	CHECK_EQ(run_dump(p, &o, &c), 0);
	save("dump-window.txt", c.out);
	CHECK_STR(c.out, GOLDEN_WINDOW);
	cap_free(&c);
	o.filter.has_from = o.filter.has_to = false;

	/* truncated: everything complete, the notice, exit 0 */
	len = file_read(p, FB, sizeof(FB));
	nce = chunk_ends(FB, len, ce, 64, &hlen);
	file_write(q, FB, ce[nce - 3].end + 17);
	CHECK_EQ(run_dump(q, &o, &c), 0);
	snprintf(want, sizeof(want), "lazytrace: %s: truncated after chunk %d (%d events read)\n", q,
		 nce - 3, ce[nce - 3].events);
	CHECK_STR(c.err, want);
	CHECK(strstr(c.out, "--- summary\n") != NULL);
	snprintf(want, sizeof(want), "events            %d\n", ce[nce - 3].events);
	CHECK(strstr(c.out, want) != NULL);
	cap_free(&c);

	/* damaged in the middle: what came before, the summary, the reason, exit 1 */
	memcpy(FB2, FB, len);
	FB2[ce[1].end + LT_CHUNK_HDR_LEN + 3] ^= 0x10;
	file_write(q, FB2, len);
	CHECK_EQ(run_dump(q, &o, &c), 1);
	snprintf(want, sizeof(want), "lazytrace: %s: chunk 2 at offset %zu: checksum mismatch\n", q,
		 ce[1].end);
	CHECK_STR(c.err, want);
	snprintf(want, sizeof(want), "events            %d\n", ce[1].events);
	CHECK(strstr(c.out, want) != NULL);
	CHECK(strstr(c.out, "enable  enter    depth 1  scenario_write+0x690\n") != NULL);
	cap_free(&c);

	/* not a trace: the reason only */
	CHECK_EQ(run_dump(tpath("nope.lt"), &o, &c), 1);
	snprintf(want, sizeof(want), "lazytrace: %s: No such file or directory\n", tpath("nope.lt"));
	CHECK_STR(c.err, want);
	CHECK_STR(c.out, "");
	cap_free(&c);
}

/* Sites by function: the offset and the compiler's clone suffixes dropped, the module kept. */
static void test_site_function(void)
{
	static const char *const cases[][2] = {
		{ "update_range_prot+0x1d8", "update_range_prot" },
		{ "__set_ptes_anysz.constprop.0+0xd4", "__set_ptes_anysz" },
		{ "f.isra.0.part.1+0x8 [zsmalloc]", "f [zsmalloc]" },
		{ "zs_map_object+0x0 [zsmalloc]", "zs_map_object [zsmalloc]" },
		{ "g.cold+0x10", "g" },
		{ "(outside any section)", "(outside any section)" },
		{ "0xffff800080001234", "0xffff800080001234" },
	};
	char buf[LT_SITE_NAME_LEN];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		lt_site_function(cases[i][0], buf, sizeof(buf));
		CHECK_STR(buf, cases[i][1]);
	}
	lt_site_function("update_range_prot+0x1d8", buf, 7);	/* cut, terminated */
	CHECK_STR(buf, "update");
}

/* One run a side, as `lazytrace compare A B`. */
static int compare1(const char *a, const char *b, bool json, const char *svg, struct cap *c)
{
	struct lt_compare_opts o = { .test = LT_TEST_WELCH, .conf = 0.95, .json = json,
				     .svg_path = svg };

	return lt_compare_run(&a, 1, &b, 1, &o, c->o, c->e);
}

static void test_stats_compare(void)
{
	char nested[256], flat[256], *u;
	struct cap c;

	snprintf(nested, sizeof(nested), "%s", tpath("nested.lt"));
	snprintf(flat, sizeof(flat), "%s", tpath("flat.lt"));

	write_mode(nested, NESTED, false);
	write_mode(flat, FLAT, false);

	cap_open(&c);
	CHECK_EQ(lt_replay_stats(nested, false, LT_BY_SITE, c.o, c.e), 0);
	cap_close(&c);
	u = undir(c.out);
	save("stats-nested.txt", u);
	CHECK_STR(u, GOLDEN_STATS_NESTED);
	CHECK_STR(c.err, "");
	free(u);
	cap_free(&c);

	cap_open(&c);
	CHECK_EQ(lt_replay_stats(flat, true, LT_BY_SITE, c.o, c.e), 0);
	cap_close(&c);
	u = undir(c.out);
	save("stats-flat.json", u);
	CHECK_STR(u, GOLDEN_STATS_FLAT_JSON);
	free(u);
	cap_free(&c);

	cap_open(&c);
	CHECK_EQ(compare1(nested, flat, false, tpath("cmp.svg"), &c), 0);
	cap_close(&c);
	u = undir(c.out);
	save("compare.txt", u);
	CHECK_STR(u, GOLDEN_COMPARE);
	CHECK_STR(c.err, "");
	free(u);
	cap_free(&c);
	{
		size_t n = file_read(tpath("cmp.svg"), FB, sizeof(FB) - 1);

		FB[n] = '\0';
		CHECK(n > 0 && strstr((char *)FB, "<svg") && strstr((char *)FB, "</svg>"));
		CHECK(strstr((char *)FB, "scenario_write+0x690") != NULL);
		CHECK(strstr((char *)FB, "nested.lt") && strstr((char *)FB, "flat.lt"));
	}

	cap_open(&c);
	CHECK_EQ(compare1(nested, flat, true, NULL, &c), 0);
	cap_close(&c);
	u = undir(c.out);
	save("compare.json", u);
	CHECK_STR(u, GOLDEN_COMPARE_JSON);
	free(u);
	cap_free(&c);

	/* a missing file: exit 1, one line */
	cap_open(&c);
	CHECK_EQ(compare1(nested, tpath("nope.lt"), false, NULL, &c), 1);
	cap_close(&c);
	CHECK_EQ(count_lines(c.err, "lazytrace: "), 1);
	CHECK_STR(c.out, "");
	cap_free(&c);
	cap_open(&c);
	CHECK_EQ(lt_replay_stats(tpath("nope.lt"), false, LT_BY_SITE, c.o, c.e), 1);
	cap_close(&c);
	CHECK_STR(c.out, "");
	cap_free(&c);

	/* a truncated file: counted up to the cut, notice, exit 0 */
	{
		size_t len = file_read(nested, FB, sizeof(FB));

		file_write(tpath("nested-cut.lt"), FB, len - 30);
		cap_open(&c);
		CHECK_EQ(lt_replay_stats(tpath("nested-cut.lt"), false, LT_BY_SITE, c.o, c.e), 0);
		cap_close(&c);
		CHECK(strstr(c.out, "(truncated)") != NULL);
		CHECK(strstr(c.out, "deferred_ptes      14\n") != NULL);
		CHECK(strstr(c.err, "truncated after chunk") != NULL);
		cap_free(&c);
	}
}

static void test_crc(void)
{
	unsigned char buf[1000];

	/* the CRC-32C check value; hardware and table-driven versions agree */
	CHECK_EQ(lt_crc32c(0, "123456789", 9), 0xe3069283u);
	CHECK_EQ(lt_crc32c_sw(0, "123456789", 9), 0xe3069283u);
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 131 + 7);
	for (size_t off = 0; off < 9; off++)
		for (size_t len = 0; len + off <= sizeof(buf); len += 37)
			CHECK_EQ(lt_crc32c(0, buf + off, len), lt_crc32c_sw(0, buf + off, len));
	CHECK_EQ(lt_crc32c(lt_crc32c(0, buf, 100), buf + 100, 900), lt_crc32c_sw(0, buf, 1000));
}

/* Chunk-sized buffers: the hardware version goes three lanes of 4 KiB at a time. */
static void test_crc_long(void)
{
	static unsigned char big[64 * 1024 + 64];
	__u64 x = 88172645463325252ULL;
	size_t lens[] = { 12287, 12288, 12289, 12295, 24576, 24583, 36863, 40000, 65536 };

	for (size_t i = 0; i < sizeof(big); i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		big[i] = (unsigned char)x;
	}
	for (size_t off = 0; off < 3; off++)
		for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++)
			CHECK_EQ(lt_crc32c(0, big + off, lens[k]), lt_crc32c_sw(0, big + off, lens[k]));
	/* continued from a running value, across a lane boundary */
	CHECK_EQ(lt_crc32c(lt_crc32c(0, big, 5000), big + 5000, 60000),
		 lt_crc32c_sw(0, big, 65000));
	CHECK_EQ(lt_crc32c(0x12345678u, big, 50000), lt_crc32c_sw(0x12345678u, big, 50000));
}

/* ------------------------------------------------------------ losses by cause */

/* Ring-full losses and recursion misses come back as LT_REC_LOST, told apart by the reader,
 * and the reconstruction keeps the tasks' state across misses only. */
static void test_missed(void)
{
	const char *p = tpath("missed.lt");
	char err[512];
	struct lt_writer *w = lt_writer_open(p, &INFO, KS, LT_W_NOSYNC | LT_W_FORCE, err, sizeof(err));
	struct lt_reader *r;
	const struct lt_event *ev;
	__u64 ts = 0, count = 0;
	int k, n = 0;

	CHECK(w != NULL);
	if (!w)
		return;
	CHECK_EQ(lt_writer_missed(w, 100, 7), 0);
	CHECK_EQ(lt_writer_lost(w, 200, 3), 0);
	CHECK_EQ(lt_writer_missed(w, 300, 1), 0);
	CHECK_EQ(lt_writer_close(w), 0);
	r = lt_reader_open(p, err, sizeof(err));
	CHECK(r != NULL);
	if (!r)
		return;
	while ((k = lt_reader_next(r, &ev, NULL, &ts, &count)) > 0) {
		CHECK_EQ(k, LT_REC_LOST);
		n++;
		CHECK_EQ(ts, n * 100);
		CHECK_EQ(count, n == 1 ? 7 : n == 2 ? 3 : 1);
		CHECK_EQ(lt_reader_lost_cause(r), n != 2 ? LT_LOST_RECURSION : LT_LOST_RING_FULL);
	}
	CHECK_EQ(k, LT_REC_END);
	CHECK_EQ(n, 3);
	lt_reader_close(r);
}

/* Every cause of loss goes through the file and comes back with its cause and count: the
 * first three in their own chunk types, the others in DROPPED chunks; replayed, each is
 * counted apart (lost names only among the ring-full ones), and a DROPPED record with a
 * cause this reader does not know stops the reading with a one-line error. */
static void test_drop_causes(void)
{
	static const struct { enum lt_lost_cause cause; __u64 count; } W[] = {
		{ LT_LOST_RING_FULL, 5 }, { LT_LOST_KPROBE, 11 }, { LT_LOST_RECURSION, 2 },
		{ LT_LOST_KRETPROBE, 3 }, { LT_LOST_MAP_FULL, 7 }, { LT_LOST_NAME, 4 },
		{ LT_LOST_EVICTED, 13 },
	};
	const char *p = tpath("drops.lt");
	char err[512];
	struct lt_writer *w = lt_writer_open(p, &INFO, KS, LT_W_NOSYNC | LT_W_FORCE, err, sizeof(err));
	struct lt_reader *r;
	__u64 ts = 0, count = 0;
	size_t len, n = 0;
	struct cap c;
	int k;

	CHECK(w != NULL);
	if (!w)
		return;
	for (size_t i = 0; i < sizeof(W) / sizeof(W[0]); i++)
		CHECK_EQ(lt_writer_dropped(w, W[i].cause, 1000 * (i + 1), W[i].count), 0);
	CHECK_EQ(lt_writer_dropped(w, LT_LOST_CAUSES, 9000, 1), -EINVAL);
	CHECK_EQ(lt_writer_close(w), 0);

	r = lt_reader_open(p, err, sizeof(err));
	CHECK(r != NULL);
	if (!r)
		return;
	while ((k = lt_reader_next(r, NULL, NULL, &ts, &count)) > 0 && n < 8) {
		CHECK_EQ(k, LT_REC_LOST);
		CHECK_EQ(ts, 1000 * (n + 1));
		CHECK_EQ(count, W[n].count);
		CHECK_EQ(lt_reader_lost_cause(r), W[n].cause);
		n++;
	}
	CHECK_EQ(k, LT_REC_END);
	CHECK_EQ(n, sizeof(W) / sizeof(W[0]));
	lt_reader_close(r);

	cap_open(&c);
	CHECK_EQ(lt_replay_stats(p, true, LT_BY_SITE, c.o, c.e), 0);
	cap_close(&c);
	/* 5 + 11 + 2 + 3 + 7 + 13 = 41, the 4 names among the 5 ring-full ones; gaps: the
	 * ring-full loss, the kretprobe and map losses and the eviction (misses keep state). */
	CHECK(strstr(c.out, "\"lost_events\":41,\"lost_ring_full\":5,\"lost_recursion\":2,"
			    "\"lost_evicted\":13,\"lost_kprobe_missed\":11,"
			    "\"lost_kretprobe_missed\":3,\"lost_map_full\":7,\"lost_names\":4,"
			    "\"gaps\":4,") != NULL);
	cap_free(&c);

	/* A cause from a newer writer: the DROPPED chunk holding the kprobe misses (the first
	 * one in the file) gets cause 9, its checksums made right again. */
	len = file_read(p, FB, sizeof(FB));
	for (size_t off = 0; off + 28 + 24 <= len; off++) {
		if (!memcmp(FB + off, "LTCK", 4) && FB[off + 4] == LT_CHUNK_DROPPED) {
			put32le(FB + off + 28 + 16, 9);
			put32le(FB + off + 20, lt_crc32c(0, FB + off + 28, 24));
			rechecksum_chunk(FB + off);
			break;
		}
	}
	file_write(tpath("drops-bad.lt"), FB, len);
	read_all(tpath("drops-bad.lt"), &G);
	CHECK_EQ(G.state, LT_REC_ERROR);
	CHECK(strstr(G.msg, "unknown drop cause 9") != NULL);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	KS = lt_ksyms_from_buffer(KALLSYMS, sizeof(KALLSYMS) - 1);
	test_crc();
	test_crc_long();
	test_roundtrip();
	test_truncation();
	test_bitflips();
	test_layout();
	test_bad_files();
	test_abi();
	test_mode_force();
	test_redact();
	test_dump();
	test_stats_compare();
	test_site_function();
	test_missed();
	test_drop_causes();
	lt_ksyms_free(KS);
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			printf("cannot remove %s\n", dir);
	}
	return check_finish("test_tracefile");
}
