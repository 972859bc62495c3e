// SPDX-License-Identifier: GPL-2.0
/*
 * src/record.c: `lazytrace record`: the live loader's records into a trace file
 * (src/tracefile.c), written chunk by chunk so that a crash loses at most the last chunk.
 *
 * --flight-recorder=MIB keeps the last MIB of records in memory instead, and writes them out
 * on the first hazard (the reconstruction runs alongside to notice it), on SIGUSR1 and at exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ksyms.h"
#include "live.h"
#include "probe.h"
#include "record.h"
#include "recon.h"
#include "tracefile.h"

static volatile sig_atomic_t dump_requested;

static void on_usr1(int sig)
{
	(void)sig;
	dump_requested = 1;
}

/* One buffered record in the flight recorder: an event (with frames) or a loss. */
struct fr_rec {
	__u32 len;		/* of the whole record, header included */
	__u32 lost;		/* 0: an event; else a loss (ts, count follow) of cause lost - 1 */
};

struct recorder {
	const struct lt_consumer *also;	/* live output fed the same records, or NULL */
	const char *path;
	unsigned int wflags;
	const struct lt_live_opts *opts;
	struct lt_file_info info;
	struct lt_writer *w;
	int failed;
	__u64 last_flush_ns;
	__u64 since_flush;
	/* flight recorder */
	unsigned char *ring;
	size_t cap, head, used;	/* byte ring of struct fr_rec + payload */
	struct lt_recon *recon;
	bool hazard_seen, dumped_on_hazard;
	__u64 dumps;
	__u64 evicted, evicted_ts;	/* dropped for newer records since the last dump */
	__u64 evicted_by[LT_LOST_CAUSES];	/* ... losses of other causes among them, kept apart */
};

static __u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int open_writer(struct recorder *r)
{
	char err[256];

	r->w = lt_writer_open(r->path, &r->info, r->opts->ksyms, r->wflags, err, sizeof(err));
	if (!r->w) {
		fprintf(stderr, "lazytrace: %s\n", err);
		return -1;
	}
	/* Later opens (flight-recorder dumps) append to this file. */
	return 0;
}

static int check(struct recorder *r, int err)
{
	if (err < 0 && !r->failed) {
		fprintf(stderr, "lazytrace: %s\n", lt_writer_error(r->w));
		r->failed = 1;
	}
	return err;
}

/* --- flight recorder ring ---------------------------------------------------------- */

static void ring_read(const struct recorder *r, size_t pos, void *dst, size_t n)
{
	size_t first = r->cap - pos < n ? r->cap - pos : n;

	memcpy(dst, r->ring + pos, first);
	memcpy((unsigned char *)dst + first, r->ring, n - first);
}

static void ring_write(struct recorder *r, size_t pos, const void *src, size_t n)
{
	size_t first = r->cap - pos < n ? r->cap - pos : n;

	memcpy(r->ring + pos, src, first);
	memcpy(r->ring, (const unsigned char *)src + first, n - first);
}

static void ring_drop_oldest(struct recorder *r)
{
	struct fr_rec h;

	ring_read(r, r->head, &h, sizeof(h));
	r->head = (r->head + h.len) % r->cap;
	r->used -= h.len;
}

/* The oldest record goes for a newer one: counted (an event, or the events a ring-full loss
 * record stood for), so that the dump says how much is missing before it. Losses of the
 * other causes (recursion and kprobe misses, ...) are not records the kernel numbered: they
 * stay causes of their own. */
static void ring_evict_oldest(struct recorder *r)
{
	struct fr_rec h;
	__u64 v[2];

	ring_read(r, r->head, &h, sizeof(h));
	ring_read(r, (r->head + sizeof(h)) % r->cap, v, sizeof(v));	/* ts first either way */
	if (h.lost > 1 && h.lost <= LT_LOST_CAUSES)
		r->evicted_by[h.lost - 1] += v[1];
	else if (h.lost)
		r->evicted += v[1];
	else
		r->evicted++;
	if (v[0] > r->evicted_ts)
		r->evicted_ts = v[0];
	ring_drop_oldest(r);
}

static void ring_push(struct recorder *r, const struct fr_rec *h, const void *a, size_t alen,
		      const void *b, size_t blen)
{
	size_t tail;

	while (r->used + h->len > r->cap)
		ring_evict_oldest(r);
	tail = (r->head + r->used) % r->cap;
	ring_write(r, tail, h, sizeof(*h));
	ring_write(r, (tail + sizeof(*h)) % r->cap, a, alen);
	if (blen)
		ring_write(r, (tail + sizeof(*h) + alen) % r->cap, b, blen);
	r->used += h->len;
}

/* Write out what the ring holds, oldest first, and empty it. */
static int ring_dump(struct recorder *r)
{
	unsigned char rec[sizeof(struct lt_event) + LT_MAX_FRAMES * sizeof(__u64)];

	if (!r->w && open_writer(r))
		return -1;
	/* What was dropped before this window (since the start, or the last window). */
	if (r->evicted)
		check(r, lt_writer_evicted(r->w, r->evicted_ts, r->evicted));
	for (int c = 0; c < LT_LOST_CAUSES; c++) {
		if (r->evicted_by[c])
			check(r, lt_writer_dropped(r->w, c, r->evicted_ts, r->evicted_by[c]));
		r->evicted_by[c] = 0;
	}
	r->evicted = r->evicted_ts = 0;
	while (r->used) {
		struct fr_rec h;

		ring_read(r, r->head, &h, sizeof(h));
		ring_read(r, (r->head + sizeof(h)) % r->cap, rec, h.len - sizeof(h));
		if (h.lost) {
			__u64 v[2];

			memcpy(v, rec, sizeof(v));
			check(r, lt_writer_dropped(r->w, h.lost - 1, v[0], v[1]));
		} else {
			const struct lt_event *ev = (const void *)rec;

			check(r, lt_writer_event(r->w, ev, ev->nr_frames ? (const __u64 *)(ev + 1) : NULL));
		}
		ring_drop_oldest(r);
	}
	r->dumps++;
	return check(r, lt_writer_flush(r->w));
}

static void on_hazard(void *ctx, const struct lt_hazard *hz)
{
	(void)hz;
	((struct recorder *)ctx)->hazard_seen = true;
}

/* --- consumer ----------------------------------------------------------------------- */

static int rec_start(void *ctx, const struct lt_session *ses)
{
	struct recorder *r = ctx;
	struct lt_kernel k;

	if (r->also && r->also->start && r->also->start(r->also->ctx, ses) < 0)
		return -1;
	lt_kernel_probe(&k, r->opts->ksyms, NULL);
	snprintf(r->info.release, sizeof(r->info.release), "%s", ses->release);
	snprintf(r->info.machine, sizeof(r->info.machine), "%s", k.machine);
	snprintf(r->info.mode, sizeof(r->info.mode), "%s", lt_mode_name(ses->mode));
	snprintf(r->info.attach, sizeof(r->info.attach), "%s", ses->attach);
	snprintf(r->info.nesting, sizeof(r->info.nesting), "%s", k.nesting);
	snprintf(r->info.build_id, sizeof(r->info.build_id), "%s", k.build_id);
	r->info.page_shift = ses->model.page_shift;
	/* without folded records, readers of ABI 1 read the file as well */
	r->info.abi_version = ses->folded ? LT_ABI_VERSION : 1;
	lt_kmodel_format(&ses->model, r->info.layout, sizeof(r->info.layout));
	r->info.caps = (k.tracepoints ? LT_CAP_TRACEPOINTS : 0) |
		       (ses->defer_source == LT_DEFER_FROM_TRACEPOINT ? LT_CAP_BARRIER_EVENTS : 0) |
		       (k.lazy_state ? LT_CAP_LAZY_STATE : 0) | (ses->mode == LT_MODE_FLAG ? LT_CAP_LAZY_FLAG : 0) |
		       (strstr(ses->attach, "set_memory_valid") ? LT_CAP_MAP_PROBES : 0) |
		       (strstr(ses->attach, "pageattr_pte_entry") || strstr(ses->attach, "change_page_range") ?
				LT_CAP_PTE_PROBE : 0) |
		       (r->opts->nr_access ? LT_CAP_ACCESS_PROBES : 0);
	if (r->ring) {
		static const struct lt_recon_ops ops_template;
		struct lt_recon_ops ops = ops_template;

		ops.ctx = r;
		ops.hazard = on_hazard;
		r->recon = lt_recon_new(ses->defer_source, &ops);
		if (!r->recon) {
			fprintf(stderr, "lazytrace: out of memory\n");
			return -1;
		}
		lt_recon_set_nesting(r->recon, ses->nesting);
		lt_recon_set_page_shift(r->recon, ses->model.page_shift);
		return 0;
	}
	return open_writer(r);
}

static int rec_event(void *ctx, const struct lt_event *ev, const __u64 *frames)
{
	struct recorder *r = ctx;

	if (r->also)
		r->also->event(r->also->ctx, ev, frames);
	if (r->failed)
		return 0;
	if (r->ring) {
		struct fr_rec h = { .len = sizeof(h) + sizeof(*ev) + ev->nr_frames * sizeof(__u64) };

		if (ev->nr_frames > LT_MAX_FRAMES)
			return -EINVAL;
		ring_push(r, &h, ev, sizeof(*ev), frames, ev->nr_frames * sizeof(__u64));
		lt_recon_feed(r->recon, ev, frames);
		if (r->hazard_seen && !r->dumped_on_hazard) {
			r->dumped_on_hazard = true;
			fprintf(stderr, "lazytrace: flight recorder: hazard, writing the last records\n");
			return ring_dump(r);
		}
		return 0;
	}
	r->since_flush++;
	return check(r, lt_writer_event(r->w, ev, frames));
}

/* Losses, by cause: noted in the flight recorder's ring, or in the file. */
static void rec_dropped(void *ctx, enum lt_lost_cause cause, __u64 ts, __u64 count)
{
	struct recorder *r = ctx;

	if (r->also)
		r->also->dropped(r->also->ctx, cause, ts, count);
	if (r->failed)
		return;
	if (r->ring) {
		struct fr_rec h = { .len = sizeof(h) + 2 * sizeof(__u64), .lost = cause + 1 };
		__u64 v[2] = { ts, count };

		ring_push(r, &h, v, sizeof(v), NULL, 0);
		lt_recon_dropped(r->recon, cause, ts, count);
		return;
	}
	check(r, lt_writer_dropped(r->w, cause, ts, count));
}

/* Every ~100 ms: end the chunk, so that a crash loses at most this much. */
static int rec_tick(void *ctx)
{
	struct recorder *r = ctx;

	if (r->failed)
		return -1;
	if (r->ring) {
		if (dump_requested) {
			dump_requested = 0;
			fprintf(stderr, "lazytrace: flight recorder: SIGUSR1, writing the last records\n");
			return ring_dump(r);
		}
		return 0;
	}
	if (r->since_flush) {
		r->since_flush = 0;
		r->last_flush_ns = mono_ns();
		return check(r, lt_writer_flush(r->w));
	}
	return 0;
}

int lt_record(const struct lt_live_opts *o, const char *path, unsigned int wflags,
	      unsigned int flight_mib, const char *filters, const struct lt_consumer *also, FILE *log)
{
	struct recorder r = { .path = path, .wflags = wflags, .opts = o, .also = also };
	struct lt_consumer sink = { .ctx = &r, .start = rec_start, .event = rec_event,
				    .dropped = rec_dropped, .tick = rec_tick };
	struct lt_session ses;
	struct stat st;
	int ret;

	/* Fail before loading anything. */
	if (!(wflags & LT_W_FORCE) && lstat(path, &st) == 0) {
		fprintf(stderr, "lazytrace: %s exists (use --force to overwrite)\n", path);
		return 1;
	}
	snprintf(r.info.filters, sizeof(r.info.filters), "%s", filters);
	if (flight_mib) {
		r.cap = (size_t)flight_mib << 20;
		r.ring = malloc(r.cap);
		if (!r.ring) {
			fprintf(stderr, "lazytrace: cannot allocate a %u MiB flight recorder\n", flight_mib);
			return 1;
		}
		signal(SIGUSR1, on_usr1);
	}
	ret = lt_live(o, &sink, &ses, log);
	if (r.ring) {
		if (ret == 0 && !r.failed && (r.used || !r.w))
			ring_dump(&r);	/* at exit */
		lt_recon_free(r.recon);
		free(r.ring);
	}
	if (r.w) {
		__u64 n = lt_writer_events(r.w);

		if (lt_writer_close(r.w) < 0 && !r.failed) {
			fprintf(stderr, "lazytrace: %s: cannot finish the file\n", path);
			r.failed = 1;
		}
		if (!r.failed)
			fprintf(log, "lazytrace: %llu records written to %s%s\n", (unsigned long long)n, path,
				r.ring ? " (flight recorder)" : "");
	}
	return ret ? ret : r.failed ? 1 : 0;
}
