// SPDX-License-Identifier: GPL-2.0
/*
 * tests/fuzz/fuzz_recon.c: libFuzzer target for the reconstruction library and the four
 * sinks, fed as `live` feeds them from the ring buffer.
 *
 * Input: one byte of options (bit 0: deferrals from LT_PTE_UPDATE instead of LT_DEFER;
 * bit 1: text colors; bit 2: fold off; bit 3: no PTE lines; bits 4-7 mod 3: nesting; bits
 * 6-7: page size 4K, 16K, 64K, 4K), then a sequence of
 *   0xff, u64 ts, u64 count                   events lost (missing bytes are zero)
 *   0xfe, u64 ts, u64 count                   recursion misses
 *   0xfd, u64 ts, u64 count                   the flight recorder's eviction
 *   0xf9..0xfc, u64 ts, u64 count             drops of the other causes: kprobe and
 *                                             kretprobe misses, full map, lost names
 *   any other byte, u16 size, size bytes      one ring-buffer record (struct lt_event and
 *                                             its frames), cut short at the end of input
 * Records are checked as src/live.c's on_record() checks them (size, nr_frames) and given to
 * lt_recon_feed() with text, JSON, Perfetto and SVG sinks attached, all writing to /dev/null.
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "recon.h"
#include "ksyms.h"
#include "sink_text.h"
#include "sink_json.h"
#include "sink_perfetto.h"
#include "sink_svg.h"

#define MAX_RECORD 1024

static FILE *devnull;
static struct lt_ksyms *ks;

static const char kallsyms[] =
	"ffff800080010000 T _stext\n"
	"ffff800080200000 T lazy_mmu_mode_enable\n"
	"ffff800080200100 T lazy_mmu_mode_disable\n"
	"ffff800080300000 t update_range_prot\n"
	"ffff800080400000 T __kernel_map_pages\n"
	"ffff800080500000 T set_memory_valid\n"
	"ffff800080600000 T clear_page\n"
	"ffff800080700000 T copy_page\n"
	"ffff800000001000 t lt_mod_fn\t[ltmod]\n";

struct fan {
	struct lt_recon_ops sub[4];
};

static void fan_item(void *ctx, const struct lt_item *it)
{
	struct fan *f = ctx;

	for (int i = 0; i < 4; i++)
		if (f->sub[i].item)
			f->sub[i].item(f->sub[i].ctx, it);
}

static void fan_hazard(void *ctx, const struct lt_hazard *hz)
{
	struct fan *f = ctx;

	for (int i = 0; i < 4; i++)
		if (f->sub[i].hazard)
			f->sub[i].hazard(f->sub[i].ctx, hz);
}

static void fan_anomaly(void *ctx, const struct lt_anomaly *an)
{
	struct fan *f = ctx;

	for (int i = 0; i < 4; i++)
		if (f->sub[i].anomaly)
			f->sub[i].anomaly(f->sub[i].ctx, an);
}

static __u64 get_u64(const uint8_t *p, size_t avail)
{
	uint8_t b[8] = { 0 };
	__u64 v;

	memcpy(b, p, avail < 8 ? avail : 8);
	memcpy(&v, b, 8);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lt_text_opts to;
	struct lt_json_opts jo;
	struct lt_sink_text *st;
	struct lt_sink_json *sj;
	struct lt_sink_perfetto *sp;
	struct lt_sink_svg *sv;
	struct lt_recon_ops ops;
	struct lt_recon *r;
	struct fan fan;
	const struct lt_stats *stats;
	uint8_t opt;
	size_t off = 1;

	if (!devnull) {
		devnull = fopen("/dev/null", "w");
		ks = lt_ksyms_from_buffer(kallsyms, sizeof(kallsyms) - 1);
		if (!devnull || !ks)
			abort();
	}
	if (size < 1)
		return 0;
	opt = data[0];

	lt_text_default_opts(&to);
	to.color = opt & 2;
	to.fold = !(opt & 4);
	to.show_pte = !(opt & 8);
	lt_json_default_opts(&jo);
	jo.show_pte = !(opt & 8);
	st = lt_sink_text_new(devnull, &to, ks);
	sj = lt_sink_json_new(devnull, &jo, ks);
	sp = lt_sink_perfetto_new(devnull, ks);
	sv = lt_sink_svg_new(devnull, ks);
	if (!st || !sj || !sp || !sv)
		abort();
	memset(&fan, 0, sizeof(fan));
	lt_sink_text_ops(st, &fan.sub[0]);
	lt_sink_json_ops(sj, &fan.sub[1]);
	lt_sink_perfetto_ops(sp, &fan.sub[2]);
	lt_sink_svg_ops(sv, &fan.sub[3]);
	ops = (struct lt_recon_ops){ .ctx = &fan, .item = fan_item, .hazard = fan_hazard,
				     .anomaly = fan_anomaly };
	r = lt_recon_new(opt & 1 ? LT_DEFER_FROM_PTE_UPDATE : LT_DEFER_FROM_TRACEPOINT, &ops);
	if (!r)
		abort();
	/* site events (LT_F_SITE) derive disables from the nesting semantics: all three */
	lt_recon_set_nesting(r, (opt >> 4) % 3 == 1 ? "flat" : (opt >> 4) % 3 == 2 ? "noflush" : "nested");
	/* the traced kernel's page size: 4K, 16K or 64K (src/kmodel.h) */
	lt_recon_set_page_shift(r, (opt >> 6) == 1 ? 14 : (opt >> 6) == 2 ? 16 : 12);

	while (off < size) {
		uint8_t c = data[off++];

		if (c >= 0xf9) {
			__u64 ts = get_u64(data + off, size - off), n;

			off += size - off < 8 ? size - off : 8;
			n = get_u64(data + off, size - off);
			off += size - off < 8 ? size - off : 8;
			if (c == 0xff)
				lt_recon_lost(r, ts, n);
			else if (c == 0xfe)
				lt_recon_missed(r, ts, n);
			else if (c == 0xfd)
				lt_recon_evicted(r, ts, n);
			else
				lt_recon_dropped(r, LT_LOST_KPROBE + (c - 0xf9), ts, n);
		} else {
			size_t len = 0;
			const struct lt_event *ev;
			const __u64 *frames = NULL;
			void *rec;

			if (off < size)
				len = data[off++];
			if (off < size)
				len |= (size_t)data[off++] << 8;
			if (len > size - off)
				len = size - off;
			if (len > MAX_RECORD)
				len = MAX_RECORD;
			/* A buffer of exactly the record's size (malloc: 8-aligned, as ring-buffer
			 * records are), so that ASan sees a read past its end. */
			rec = malloc(len ? len : 1);
			if (!rec)
				abort();
			memcpy(rec, data + off, len);
			off += len;
			ev = rec;
			/* src/live.c on_record() */
			if (len >= sizeof(*ev) && ev->nr_frames) {
				if (len >= sizeof(*ev) + ev->nr_frames * sizeof(__u64))
					frames = (const __u64 *)(ev + 1);
				else
					len = 0;
			}
			if (len >= sizeof(*ev))
				lt_recon_feed(r, ev, frames);
			free(rec);
		}
	}
	lt_recon_finish(r);
	stats = lt_recon_stats(r);
	(void)lt_recon_comm(r, 1);
	lt_sink_text_flush(st);
	lt_sink_text_summary(st, stats);
	lt_sink_json_summary(sj, stats);
	lt_sink_perfetto_summary(sp, stats);
	lt_sink_svg_summary(sv, stats);
	lt_recon_free(r);
	lt_sink_text_free(st);
	lt_sink_json_free(sj);
	lt_sink_perfetto_free(sp);
	lt_sink_svg_free(sv);
	fflush(devnull);
	return 0;
}
