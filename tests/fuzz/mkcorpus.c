// SPDX-License-Identifier: GPL-2.0
/*
 * tests/fuzz/mkcorpus.c: writes the seed corpus of the fuzz targets (`make fuzz-corpus`).
 *
 *   mkcorpus TRACEFILE_DIR RECON_DIR [RECORDING.lt...]
 *
 * TRACEFILE_DIR gets small trace files written with lt_writer from the unit tests' synthetic
 * streams (tests/unit/streams.h): the seed 8 5 scenario per nesting mode on a patched and a
 * stock kernel, a truncated one (no END chunk), a redacted one, one with lost events.
 * RECON_DIR gets the same streams in fuzz_recon's input format, and the first records (about
 * 4 KiB) and, if it has hazards, the records around the first hazardous access of each
 * RECORDING given, with its lost chunks as lost markers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libgen.h>

#include "tracefile.h"
#include "ksyms.h"
#include "streams.h"

static struct stream S;

static void die(const char *what)
{
	fprintf(stderr, "mkcorpus: %s\n", what);
	exit(1);
}

static void build(enum mode m, bool stock, int n, int mm)
{
	struct cur c = { .pid = 71, .tid = 71, .cpu = 1, .ts = 5000000, .stock = stock };

	S.n = 0;
	seed(&S, &c, m, n, mm, true);
	/* a second task on another CPU, interleaved with nothing open */
	c.pid = c.tid = 72;
	c.cpu = 0;
	seed(&S, &c, m, 2, 1, false);
}

static void write_lt(const char *dir, const char *name, bool stock, unsigned int wflags,
		     bool lost, bool abandon, const struct lt_ksyms *ks)
{
	struct lt_file_info info;
	struct lt_writer *w;
	char path[4096], err[512];

	memset(&info, 0, sizeof(info));
	info.caps = stock ? LT_CAP_LAZY_STATE | LT_CAP_MAP_PROBES | LT_CAP_PTE_PROBE |
			    LT_CAP_ACCESS_PROBES
			  : LT_CAP_TRACEPOINTS | LT_CAP_BARRIER_EVENTS | LT_CAP_LAZY_STATE |
			    LT_CAP_MAP_PROBES | LT_CAP_PTE_PROBE | LT_CAP_ACCESS_PROBES;
	info.start_realtime_ns = 1700000000000000000ULL;
	info.start_mono_ns = 4000000;
	snprintf(info.release, sizeof(info.release), "7.2.0-lazytrace");
	snprintf(info.build_id, sizeof(info.build_id), "0123456789abcdef");
	snprintf(info.machine, sizeof(info.machine), "aarch64");
	snprintf(info.mode, sizeof(info.mode), stock ? "kprobes" : "tracepoints");
	snprintf(info.nesting, sizeof(info.nesting), "nested");
	snprintf(info.filters, sizeof(info.filters), "pid=71");
	snprintf(info.attach, sizeof(info.attach), "lazy_mmu_enable: tracepoint\nclear_page: fentry");
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	w = lt_writer_open(path, &info, ks, LT_W_FORCE | LT_W_NOSYNC | wflags, err, sizeof(err));
	if (!w)
		die(err);
	for (int i = 0; i < S.n; i++) {
		if (lt_writer_event(w, &S.ev[i], S.fr[i]) < 0)
			die(lt_writer_error(w));
		if (i == S.n / 3 && lt_writer_flush(w) < 0)
			die(lt_writer_error(w));
		if (lost && i == S.n / 2 && lt_writer_lost(w, S.ev[i].ts + 1, 42) < 0)
			die(lt_writer_error(w));
	}
	if (abandon) {
		lt_writer_flush(w);
		lt_writer_abandon(w);
	} else if (lt_writer_close(w) < 0) {
		die("close");
	}
}

/* fuzz_recon's format: records as "\0, u16 size, bytes", losses as "\xff, u64 ts, u64 n". */
static void put_record(FILE *f, const struct lt_event *ev, const __u64 *frames)
{
	size_t sz = sizeof(*ev) + (frames ? ev->nr_frames * sizeof(__u64) : 0);

	fputc(0, f);
	fputc(sz & 0xff, f);
	fputc(sz >> 8, f);
	fwrite(ev, sizeof(*ev), 1, f);
	if (frames)
		fwrite(frames, sizeof(__u64), ev->nr_frames, f);
}

static void put_lost(FILE *f, __u64 ts, __u64 n)
{
	fputc(0xff, f);
	fwrite(&ts, 8, 1, f);
	fwrite(&n, 8, 1, f);
}

static FILE *create(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		die(path);
	return f;
}

static void write_rec(const char *dir, const char *name, bool stock, bool lost)
{
	FILE *f = create(dir, name);

	fputc(stock ? 1 : 0, f);
	for (int i = 0; i < S.n; i++) {
		put_record(f, &S.ev[i], S.fr[i]);
		if (lost && i == S.n / 2)
			put_lost(f, S.ev[i].ts + 1, 42);
	}
	fclose(f);
}

/* Records of a recording: from the first, and around its first hazardous access. */
static void from_recording(const char *dir, const char *lt)
{
	char err[512], name[512], *base, *dup = strdup(lt);
	struct lt_reader *r;
	const struct lt_event *ev;
	const __u64 *frames;
	__u64 lts, ln, idx = 0, hz = (__u64)-1;
	size_t bytes = 0;
	FILE *f;
	int rc;

	/* pass 1: the first LT_ACCESS with frames (the BPF side sends them for hazards) */
	r = lt_reader_open(lt, err, sizeof(err));
	if (!r)
		die(err);
	while ((rc = lt_reader_next(r, &ev, &frames, &lts, &ln)) > 0) {
		if (rc == LT_REC_EVENT && ev->type == LT_ACCESS && ev->nr_frames) {
			hz = idx;
			break;
		}
		idx++;
	}
	lt_reader_close(r);

	base = basename(dup);
	if (strrchr(base, '.'))
		*strrchr(base, '.') = 0;
	for (int pass = 0; pass < (hz != (__u64)-1 ? 2 : 1); pass++) {
		__u64 from = pass ? (hz > 30 ? hz - 30 : 0) : 0;

		r = lt_reader_open(lt, err, sizeof(err));
		if (!r)
			die(err);
		snprintf(name, sizeof(name), "%s-%s.rec", base, pass ? "hazard" : "start");
		f = create(dir, name);
		fputc(lt_file_defer_from_tracepoint(lt_reader_info(r)) ? 0 : 1, f);
		idx = 0;
		bytes = 0;
		while (bytes < 4096 && (rc = lt_reader_next(r, &ev, &frames, &lts, &ln)) > 0) {
			if (idx++ < from)
				continue;
			if (rc == LT_REC_LOST) {
				put_lost(f, lts, ln);
				bytes += 17;
			} else {
				put_record(f, ev, frames);
				bytes += 3 + sizeof(*ev) + (frames ? 8 * ev->nr_frames : 0);
			}
		}
		fclose(f);
		lt_reader_close(r);
	}
	free(dup);
}

int main(int argc, char **argv)
{
	struct lt_ksyms *ks;

	if (argc < 3)
		die("usage: mkcorpus TRACEFILE_DIR RECON_DIR [RECORDING.lt...]");
	ks = lt_ksyms_from_buffer(KALLSYMS, sizeof(KALLSYMS) - 1);
	if (!ks)
		die("ksyms");
	for (int m = NESTED; m <= NOFLUSH; m++) {
		char name[64];

		build(m, false, 8, 5);
		snprintf(name, sizeof(name), "seed-%s.lt", mode_names[m]);
		write_lt(argv[1], name, false, 0, false, false, ks);
		snprintf(name, sizeof(name), "seed-%s.rec", mode_names[m]);
		write_rec(argv[2], name, false, m == NOFLUSH);
		build(m, true, 8, 5);
		snprintf(name, sizeof(name), "stock-%s.lt", mode_names[m]);
		write_lt(argv[1], name, true, 0, false, false, ks);
		snprintf(name, sizeof(name), "stock-%s.rec", mode_names[m]);
		write_rec(argv[2], name, true, false);
	}
	build(NOFLUSH, false, 3, 2);
	write_lt(argv[1], "truncated.lt", false, 0, false, true, ks);
	write_lt(argv[1], "redacted.lt", false, LT_W_REDACT, false, false, ks);
	write_lt(argv[1], "lost.lt", false, 0, true, false, ks);
	write_lt(argv[1], "nosyms.lt", false, 0, false, false, NULL);
	for (int i = 3; i < argc; i++)
		from_recording(argv[2], argv[i]);
	lt_ksyms_free(ks);
	return 0;
}
