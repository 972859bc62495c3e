// SPDX-License-Identifier: GPL-2.0
/*
 * tests/unit/test_evpack.c: packed event records (src/evpack.c, LT_CHUNK_EVENTS_PACKED).
 *
 * - The codec: records with every kind of difference (none, small, 2^63, wrapping, types
 *   sharing a reference, full stacks) come back byte for byte; every cut record, an overlong
 *   number, a type its record disagrees with and more than LT_MAX_FRAMES frames are refused.
 * - The recordings captured in the guest (the .lt files of tests/fixtures/{recon,fold,dwarf},
 *   written plain by earlier recorders) written again packed and plain: each reads back
 *   record for record as the original, losses included, and the packed file is the smaller
 *   by the factor the README gives.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "evpack.h"
#include "tracefile.h"

#define REC_MAX (64 + 8 * LT_MAX_FRAMES)

static __u64 rng = 0x243f6a8885a308d3ULL;

static __u64 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void put64le(__u8 *p, __u64 v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (__u8)(v >> 8 * i);
}

/* A word that is often the same as before, often a little off, sometimes anything. */
static __u64 next_word(__u64 prev)
{
	switch (rnd() % 6) {
	case 0:
	case 1:
		return prev;
	case 2:
		return prev + rnd() % 300;
	case 3:
		return prev - rnd() % 70000;
	case 4:
		return prev ^ 1ULL << 63;
	default:
		return rnd() >> (rnd() % 64);
	}
}

/*
 * A chunk's payload unpacked whole (lt_evpack_unpack: on x86-64 with BMI2 a build of the
 * decoder of its own, without a check of the payload's end per number while there is room)
 * gives the records lt_evpack_get() gives, one after the other; and every payload cut short,
 * with the count of the records it holds whole or one more, is refused or gives those.
 */
static void test_unpack(const __u8 *packed, size_t len, int n, const __u8 (*plain)[REC_MAX])
{
	static __u8 flat[20000 * REC_MAX], out[20000 * REC_MAX + REC_MAX];
	static size_t rec_end[20000], flat_end[20000];
	size_t flen = 0, pos = 0;
	struct lt_evpack st;
	int bad = 0;

	/* the records one after the other, and where each ends, packed and not */
	lt_evpack_reset(&st);
	for (int i = 0; i < n; i++) {
		size_t want = 64 + 8 * (size_t)plain[i][28];
		__u8 rec[REC_MAX];

		memcpy(flat + flen, plain[i], want);
		flen += want;
		flat_end[i] = flen;
		pos += lt_evpack_get(&st, packed + pos, packed + len, rec);
		rec_end[i] = pos;
	}
	CHECK_EQ(lt_evpack_unpack(packed, len, (__u32)n, out, sizeof(out)), flen);
	CHECK(!memcmp(out, flat, flen));
	CHECK_EQ(lt_evpack_unpack(packed, len, (__u32)n - 1, out, sizeof(out)), SIZE_MAX);
	CHECK_EQ(lt_evpack_unpack(packed, len, (__u32)n + 1, out, sizeof(out)), SIZE_MAX);
	/* cut: every 97 bytes, then at each of the last 300 */
	for (size_t cut = 1; cut < len; cut += cut + 300 < len ? 97 : 1) {
		int k = 0;

		while (k < n && rec_end[k] <= cut)
			k++;
		/* k records whole: those are the payload only if the cut is at a record's end */
		if (k && rec_end[k - 1] == cut)
			bad += lt_evpack_unpack(packed, cut, (__u32)k, out, sizeof(out)) != flat_end[k - 1] ||
			       memcmp(out, flat, flat_end[k - 1]);
		else
			bad += lt_evpack_unpack(packed, cut, (__u32)k, out, sizeof(out)) != SIZE_MAX;
		if (k < n)
			bad += lt_evpack_unpack(packed, cut, (__u32)k + 1, out, sizeof(out)) != SIZE_MAX;
	}
	CHECK_EQ(bad, 0);
}

static void test_codec(void)
{
	enum { N = 20000 };
	static __u8 packed[N * LT_PACK_MAX_BYTES], plain[N][REC_MAX];
	static __u64 frames[N][LT_MAX_FRAMES];
	__u64 w[LT_PACK_WORDS] = { 0 };
	struct lt_evpack enc, dec;
	size_t len = 0, pos = 0, too_long = 0;
	int bad = 0, cut_ok = 0;

	lt_evpack_reset(&enc);
	for (int i = 0; i < N; i++) {
		static const __u16 types[] = { 1, 5, 6, 11, 12, 13, 31, 32, 200, 0xffff, 0 };
		__u16 type = types[rnd() % (sizeof(types) / sizeof(types[0]))];
		unsigned int nf = rnd() % 4 ? 0 : (unsigned int)(rnd() % (LT_MAX_FRAMES + 1));
		size_t n;

		for (int k = 0; k < LT_PACK_WORDS; k++)
			w[k] = next_word(w[k]);
		w[2] = (w[2] & ~0xffffULL) | type;
		w[3] = (w[3] & ~(0xffULL << 32)) | (__u64)nf << 32;
		for (unsigned int f = 0; f < nf; f++)
			frames[i][f] = f ? next_word(frames[i][f - 1]) : next_word(w[4]);
		for (int k = 0; k < LT_PACK_WORDS; k++)
			put64le(plain[i] + 8 * k, w[k]);
		for (unsigned int f = 0; f < nf; f++)
			put64le(plain[i] + 64 + 8 * f, frames[i][f]);
		n = lt_evpack_put(&enc, w, frames[i], packed + len);
		too_long += n > LT_PACK_MAX_BYTES;
		len += n;
	}
	CHECK_EQ(too_long, 0);

	lt_evpack_reset(&dec);
	for (int i = 0; i < N; i++) {
		struct lt_evpack before = dec;
		__u8 out[REC_MAX];
		size_t n = lt_evpack_get(&dec, packed + pos, packed + len, out), want = 64 + 8 * out[28];

		if (!n || memcmp(out, plain[i], want)) {
			bad++;
			break;
		}
		/* the same record cut anywhere: refused */
		if (i < 300) {
			int refused = 0;

			for (size_t cut = 0; cut < n; cut++) {
				struct lt_evpack st = before;
				__u8 o2[REC_MAX];

				refused += lt_evpack_get(&st, packed + pos, packed + pos + cut, o2) == 0;
			}
			cut_ok += refused == (int)n;
		}
		pos += n;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(pos, len);
	CHECK_EQ(cut_ok, 300);
	printf("codec: %d records, %zu bytes packed (%.1f a record)\n", N, len, (double)len / N);
	test_unpack(packed, len, N, plain);
}

/* Hand-made records the decoder must refuse. */
static void test_refused(void)
{
	struct lt_evpack st;
	__u8 out[REC_MAX];
	/* type 5 (LEB128), no word differs: word 2 of a fresh state is 0, not type 5 */
	static const __u8 wrong_type[] = { 5, 0x00 };
	/* type 0, word 3 (mask bit 3) with nr_frames 17, coded at bit 56 */
	__u8 many_frames[16] = { 0, 0x08 };
	/* a type number of 11 bytes */
	static const __u8 overlong[] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
					 0x80, 0x00, 0x00 };
	/* a 64-bit number whose 10th byte holds more than bit 63 */
	static const __u8 past64[] = { 0, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				       0xff, 0x02 };
	/* type 0x10000: larger than a record's u16 type */
	static const __u8 big_type[] = { 0x80, 0x80, 0x04, 0x00 };
	/* the same record with its largest legal word-0 difference (bit 63, zigzag'd): decodes */
	static const __u8 max_ts[] = { 0, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
				       0xff, 0x01 };
	__u64 v = (__u64)17 << 57;	/* zigzag'd nr_frames 17 of the coded word 3 */
	size_t k = 2;

	while (v >= 0x80) {
		many_frames[k++] = (__u8)(v | 0x80);
		v >>= 7;
	}
	many_frames[k++] = (__u8)v;

	lt_evpack_reset(&st);
	CHECK_EQ(lt_evpack_get(&st, wrong_type, wrong_type + sizeof(wrong_type), out), 0);
	lt_evpack_reset(&st);
	CHECK_EQ(lt_evpack_get(&st, many_frames, many_frames + k, out), 0);
	lt_evpack_reset(&st);
	CHECK_EQ(lt_evpack_get(&st, overlong, overlong + sizeof(overlong), out), 0);
	lt_evpack_reset(&st);
	CHECK_EQ(lt_evpack_get(&st, past64, past64 + sizeof(past64), out), 0);
	lt_evpack_reset(&st);
	CHECK_EQ(lt_evpack_get(&st, big_type, big_type + sizeof(big_type), out), 0);
	lt_evpack_reset(&st);
	CHECK_EQ(lt_evpack_get(&st, max_ts, max_ts + sizeof(max_ts), out), sizeof(max_ts));
	CHECK_EQ(out[7], 0x80);		/* word 0 = -(2^63) = 2^63 */
	CHECK_EQ(out[0], 0);
}

static char dir[] = "/tmp/lt-test-evpack-XXXXXX";

static long fsize(const char *p)
{
	struct stat st;

	return stat(p, &st) ? -1 : (long)st.st_size;
}

/* Writes what r reads to path (flags: LT_W_PLAIN or 0); the number of records, -1 on error. */
static long rewrite(const char *src, const char *path, unsigned int flags)
{
	char err[512];
	struct lt_reader *r = lt_reader_open(src, err, sizeof(err));
	struct lt_writer *w;
	const struct lt_event *ev;
	const __u64 *fr;
	__u64 ts, count;
	long n = 0;
	int k;

	if (!r)
		return -1;
	w = lt_writer_open(path, lt_reader_info(r), NULL, flags | LT_W_FORCE | LT_W_NOSYNC, err,
			   sizeof(err));
	if (!w) {
		lt_reader_close(r);
		return -1;
	}
	while ((k = lt_reader_next(r, &ev, &fr, &ts, &count)) > 0) {
		if (k == LT_REC_LOST)
			k = lt_writer_dropped(w, lt_reader_lost_cause(r), ts, count);
		else
			k = lt_writer_event(w, ev, fr);
		if (k < 0)
			break;
		n++;
	}
	lt_reader_close(r);
	if (lt_writer_close(w) < 0 || k < 0)
		return -1;
	return n;
}

/* The records of a and b, events and losses, are the same, in the same order. */
static long same_records(const char *a, const char *b)
{
	char err[512];
	struct lt_reader *ra = lt_reader_open(a, err, sizeof(err));
	struct lt_reader *rb = lt_reader_open(b, err, sizeof(err));
	long n = 0;

	if (!ra || !rb) {
		n = -1;
		goto out;
	}
	for (;;) {
		const struct lt_event *ea, *eb;
		const __u64 *fa, *fb;
		__u64 ta, ca, tb, cb;
		int ka = lt_reader_next(ra, &ea, &fa, &ta, &ca);
		int kb = lt_reader_next(rb, &eb, &fb, &tb, &cb);

		if (ka != kb) {
			n = -1;
			break;
		}
		if (ka <= 0)
			break;
		if (ka == LT_REC_EVENT &&
		    (memcmp(ea, eb, sizeof(*ea)) ||
		     (ea->nr_frames && memcmp(fa, fb, 8 * ea->nr_frames)))) {
			n = -1;
			break;
		}
		if (ka == LT_REC_LOST &&
		    (ta != tb || ca != cb || lt_reader_lost_cause(ra) != lt_reader_lost_cause(rb))) {
			n = -1;
			break;
		}
		n++;
	}
out:
	if (ra)
		lt_reader_close(ra);
	if (rb)
		lt_reader_close(rb);
	return n;
}

static void test_fixtures(void)
{
	static const char *const dirs[] = { "recon", "fold", "dwarf" };
	const char *base = getenv("LT_FIXTURES_ROOT") ? getenv("LT_FIXTURES_ROOT") : "tests/fixtures";
	long plain_bytes = 0, packed_bytes = 0, records = 0;
	int files = 0;

	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		char path[512];
		struct dirent *de;
		DIR *dp;

		snprintf(path, sizeof(path), "%s/%s", base, dirs[d]);
		dp = opendir(path);
		CHECK(dp != NULL);
		if (!dp)
			continue;
		while ((de = readdir(dp))) {
			char src[1024], pk[600], pl[600];
			size_t l = strlen(de->d_name);
			long n, np, nl;

			if (l < 4 || strcmp(de->d_name + l - 3, ".lt"))
				continue;
			snprintf(src, sizeof(src), "%s/%s", path, de->d_name);
			snprintf(pk, sizeof(pk), "%s/packed.lt", dir);
			snprintf(pl, sizeof(pl), "%s/plain.lt", dir);
			n = rewrite(src, pk, 0);
			CHECK(n > 500);
			CHECK_EQ(rewrite(src, pl, LT_W_PLAIN), n);
			np = same_records(src, pk);
			nl = same_records(src, pl);
			CHECK_EQ(np, n);
			CHECK_EQ(nl, n);
			if (np != n || nl != n)
				printf("  differs: %s\n", src);
			plain_bytes += fsize(pl);
			packed_bytes += fsize(pk);
			records += n;
			files++;
		}
		closedir(dp);
	}
	CHECK(files >= 8);
	/* ~8 bytes a record against 64 (README, "Trace files") */
	CHECK(packed_bytes * 6 < plain_bytes);
	printf("fixtures: %d files, %ld records: plain %ld bytes, packed %ld (%.1f bytes a record, %.1fx smaller)\n",
	       files, records, plain_bytes, packed_bytes, (double)packed_bytes / (double)records,
	       (double)plain_bytes / (double)packed_bytes);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_codec();
	test_refused();
	test_fixtures();
	{
		char p[600];

		snprintf(p, sizeof(p), "%s/packed.lt", dir);
		unlink(p);
		snprintf(p, sizeof(p), "%s/plain.lt", dir);
		unlink(p);
		rmdir(dir);
	}
	return check_finish("test_evpack");
}
