// SPDX-License-Identifier: GPL-2.0
/*
 * tests/fuzz/fuzz_tracefile.c: libFuzzer target for the trace file reader and the replay
 * path (`lazytrace dump --format json`, `stats` and `compare`). The input is the whole file: it is
 * written to a memfd (one per process, reopened by path through /proc/self/fd), read to its
 * end with lt_reader_next(), then replayed with lt_replay_dump() and lt_replay_stats(),
 * and compared with itself (two runs a side, text and JSON, by function), output to
 * /dev/null. Built and run by `make fuzz` / `make fuzz-short`.
 *
 * Mutations would almost never get past the CRC-32C checks, so before writing, the header
 * checksum and those of every chunk whose header and payload are in the input are set right,
 * unless the input's last byte is 0x5a (then the checksums stay as they are, and mismatches
 * are exercised too).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "tracefile.h"
#include "compare.h"
#include "replay.h"

static int mfd = -1;
static char path[64];
static FILE *devnull;

static void setup(void)
{
	mfd = memfd_create("lazytrace-fuzz.lt", 0);
	if (mfd < 0) {
		perror("memfd_create");
		abort();
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
	devnull = fopen("/dev/null", "w");
	if (!devnull) {
		perror("/dev/null");
		abort();
	}
}

static __u32 get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (__u32)p[3] << 24;
}

static void put32(uint8_t *p, __u32 v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/* Sets the checksums of include/lttrace.h right where the structure allows. */
static void fix_crcs(uint8_t *b, size_t size)
{
	size_t h, off;

	if (size < LT_FILE_HDR_FIXED || memcmp(b, LT_FILE_MAGIC, 8))
		return;
	h = get32(b + 12);
	if (h < LT_FILE_HDR_FIXED + 4 || h > LT_FILE_HDR_MAX || h > size)
		return;
	put32(b + h - 4, lt_crc32c(0, b, h - 4));
	for (off = h; size - off >= LT_CHUNK_HDR_LEN; ) {
		__u32 plen;

		if (get32(b + off) != LT_CHUNK_MAGIC)
			return;
		plen = get32(b + off + 12);
		if (plen <= LT_CHUNK_MAX_PAYLOAD && plen <= size - off - LT_CHUNK_HDR_LEN)
			put32(b + off + 20, lt_crc32c(0, b + off + LT_CHUNK_HDR_LEN, plen));
		put32(b + off + 24, lt_crc32c(0, b + off, 24));
		if (plen > size - off - LT_CHUNK_HDR_LEN)
			return;
		off += LT_CHUNK_HDR_LEN + plen;
	}
}

static void write_input(const uint8_t *in, size_t size)
{
	uint8_t *data = malloc(size ? size : 1);
	size_t off = 0;

	if (!data)
		abort();
	memcpy(data, in, size);
	if (size && data[size - 1] != 0x5a)
		fix_crcs(data, size);

	if (ftruncate(mfd, 0) < 0)
		abort();
	while (off < size) {
		ssize_t n = pwrite(mfd, data + off, size - off, off);

		if (n <= 0)
			abort();
		off += n;
	}
	free(data);
}

static void read_all(void)
{
	char err[256];
	struct lt_reader *r = lt_reader_open(path, err, sizeof(err));
	const struct lt_event *ev;
	const __u64 *frames;
	__u64 lost_ts, lost_count, sum = 0;
	int rc;

	if (!r)
		return;
	(void)lt_reader_info(r);
	while ((rc = lt_reader_next(r, &ev, &frames, &lost_ts, &lost_count)) > 0) {
		/* Touch what the reader hands out, so ASan sees any bad pointer. */
		if (rc == LT_REC_EVENT) {
			sum += ev->ts + ev->type;
			for (unsigned int i = 0; frames && i < ev->nr_frames; i++)
				sum += frames[i];
		} else {
			sum += lost_ts + lost_count;
		}
	}
	/* A finished reader keeps returning its final state. */
	if (lt_reader_next(r, NULL, NULL, NULL, NULL) != rc)
		abort();
	(void)strlen(lt_reader_error(r));
	(void)lt_reader_events(r);
	(void)lt_reader_chunks(r);
	lt_reader_close(r);
	__asm__ volatile("" : : "r"(sum));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lt_dump_opts o;

	if (mfd < 0)
		setup();
	write_input(data, size);
	read_all();

	memset(&o, 0, sizeof(o));
	o.format = LT_DUMP_JSON;
	o.filter.cpu = (__u32)-1;
	lt_replay_dump(path, &o, devnull, devnull);
	lt_replay_stats(path, false, LT_BY_SITE, devnull, devnull);
	lt_replay_stats(path, true, LT_BY_FUNCTION, devnull, devnull);
	{
		const char *runs[2] = { path, path };
		struct lt_compare_opts co = { .test = LT_TEST_WELCH, .conf = 0.95 };

		lt_compare_run(runs, 2, runs, 1, &co, devnull, devnull);
		co.json = true;
		co.by_set = true;
		co.by = LT_BY_FUNCTION;
		co.test = LT_TEST_MWU;
		lt_compare_run(runs, 2, runs, 2, &co, devnull, devnull);
	}
	fflush(devnull);
	return 0;
}
