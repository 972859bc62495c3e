// SPDX-License-Identifier: GPL-2.0
/*
 * src/tracefile.c: the lazytrace trace file (include/lttrace.h): writer and streaming reader.
 *
 * Every integer is packed and unpacked byte by byte (little-endian whatever the host). The
 * writer builds chunks in memory and writes them whole; the reader checks a chunk whole
 * (header checksum, payload checksum, record layout) before it returns its first record, and
 * keeps one chunk in memory at a time.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "evpack.h"
#include "ksyms.h"
#include "tracefile.h"

/* The layout the format documents is that of struct lt_event. */
_Static_assert(sizeof(struct lt_event) == 64, "struct lt_event is 64 bytes");
_Static_assert(offsetof(struct lt_event, aux) == 24, "lt_event.aux at 24");
_Static_assert(offsetof(struct lt_event, nr_frames) == 28, "lt_event.nr_frames at 28");
_Static_assert(offsetof(struct lt_event, ip) == 32, "lt_event.ip at 32");
_Static_assert(offsetof(struct lt_event, addr) == 40, "lt_event.addr at 40");
_Static_assert(offsetof(struct lt_event, comm) == 40, "lt_event.comm at 40");
_Static_assert(offsetof(struct lt_event, arg1) == 56, "lt_event.arg1 at 56");

#define EV_BYTES	64
#define SYM_FIXED	12	/* u64 addr, u16 name length, u16 module length */
#define LOST_BYTES	16
#define DROP_BYTES	24	/* LT_CHUNK_DROPPED: ts, count, cause, 0 */
#define END_BYTES	24
#define MAX_SYMBOLS	(4u << 20)	/* per file: more is corruption */
#define PTE_OA_MASK	0x0000fffffffff000ULL

/* ------------------------------------------------------------------ bytes */

static inline void put16(__u8 *p, __u16 v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static inline void put32(__u8 *p, __u32 v)
{
	for (int i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}

static inline void put64(__u8 *p, __u64 v)
{
	for (int i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

static inline __u16 get16(const __u8 *p)
{
	return (__u16)(p[0] | p[1] << 8);
}

static inline __u32 get32(const __u8 *p)
{
	return (__u32)p[0] | (__u32)p[1] << 8 | (__u32)p[2] << 16 | (__u32)p[3] << 24;
}

static inline __u64 get64(const __u8 *p)
{
	return (__u64)get32(p) | (__u64)get32(p + 4) << 32;
}

/* ------------------------------------------------------------------ CRC-32C */

static __u32 crc_tab[8][256];
#if defined(__x86_64__)
static bool crc_hw;		/* SSE4.2 crc32 instructions */

/*
 * One crc32 instruction at a time is bound by its latency (3 cycles): the reader spent
 * more time checksumming a chunk than decoding it. Long buffers go three lanes of
 * CRC_LANE bytes at a time, each lane its own chain, joined by linearity: the register
 * after A B C is shift(shift(crc(A)) ^ crc(B)) ^ crc(C), where shift() runs the register
 * over CRC_LANE zero bytes, a linear map tabulated a byte of the register at a time.
 */
#define CRC_LANE 4096
static __u32 crc_shift_tab[4][256];

__attribute__((target("sse4.2"))) static __u32 crc_sse42_1(__u32 c, const __u8 *p, size_t len)
{
	__u64 c64 = c;

	for (; len >= 8; p += 8, len -= 8) {
		__u64 v;

		memcpy(&v, p, 8);	/* x86 is little-endian, as the CRC wants */
		c64 = __builtin_ia32_crc32di(c64, v);
	}
	c = (__u32)c64;
	for (; len; p++, len--)
		c = __builtin_ia32_crc32qi(c, *p);
	return c;
}

static void crc_shift_init(void)
{
	static const __u8 zeros[CRC_LANE];
	__u32 col[32];

	for (int i = 0; i < 32; i++)
		col[i] = crc_sse42_1(1u << i, zeros, CRC_LANE);
	for (int k = 0; k < 4; k++) {
		for (int b = 0; b < 256; b++) {
			__u32 v = 0;

			for (int j = 0; j < 8; j++)
				if (b >> j & 1)
					v ^= col[8 * k + j];
			crc_shift_tab[k][b] = v;
		}
	}
}

static inline __u32 crc_shift(__u32 c)
{
	return crc_shift_tab[0][c & 0xff] ^ crc_shift_tab[1][(c >> 8) & 0xff] ^
	       crc_shift_tab[2][(c >> 16) & 0xff] ^ crc_shift_tab[3][c >> 24];
}

__attribute__((target("sse4.2"))) static __u32 crc_sse42(__u32 c, const __u8 *p, size_t len)
{
	for (; len >= 3 * CRC_LANE; p += 3 * CRC_LANE, len -= 3 * CRC_LANE) {
		__u64 a = c, b = 0, d = 0;

		for (size_t i = 0; i < CRC_LANE; i += 8) {
			__u64 va, vb, vd;

			memcpy(&va, p + i, 8);
			memcpy(&vb, p + CRC_LANE + i, 8);
			memcpy(&vd, p + 2 * CRC_LANE + i, 8);
			a = __builtin_ia32_crc32di(a, va);
			b = __builtin_ia32_crc32di(b, vb);
			d = __builtin_ia32_crc32di(d, vd);
		}
		c = crc_shift(crc_shift((__u32)a) ^ (__u32)b) ^ (__u32)d;
	}
	return crc_sse42_1(c, p, len);
}
#elif defined(__aarch64__)
#include <sys/auxv.h>
#ifndef HWCAP_CRC32
#define HWCAP_CRC32 (1 << 7)
#endif
static bool crc_hw;		/* the CRC32 extension (ARMv8.0 optional, 8.1 mandatory) */

/*
 * The recorder checksums every chunk it writes, on the traced machine's CPUs (measured in
 * the lab's emulated arm64 over the benchmark workload: the recorder's CPU time 1.0 s with
 * the table loop, 0.7 s with no checksum at all).
 */
__attribute__((target("+crc"))) static __u32 crc_arm64(__u32 c, const __u8 *p, size_t len)
{
	for (; len >= 8; p += 8, len -= 8) {
		__u64 v;

		memcpy(&v, p, 8);	/* little-endian, as the CRC wants */
		c = __builtin_aarch64_crc32cx(c, v);
	}
	for (; len; p++, len--)
		c = __builtin_aarch64_crc32cb(c, *p);
	return c;
}
#endif

__attribute__((constructor)) static void crc_init(void)
{
	for (__u32 i = 0; i < 256; i++) {
		__u32 c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
		crc_tab[0][i] = c;
	}
	for (__u32 i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			crc_tab[t][i] = (crc_tab[t - 1][i] >> 8) ^ crc_tab[0][crc_tab[t - 1][i] & 0xff];
#if defined(__x86_64__)
	__builtin_cpu_init();
	crc_hw = __builtin_cpu_supports("sse4.2");
	if (crc_hw)
		crc_shift_init();
#elif defined(__aarch64__)
	crc_hw = getauxval(AT_HWCAP) & HWCAP_CRC32;
#endif
}

__u32 lt_crc32c(__u32 crc, const void *buf, size_t len)
{
#if defined(__x86_64__)
	if (crc_hw)
		return ~crc_sse42(~crc, buf, len);
#elif defined(__aarch64__)
	if (crc_hw)
		return ~crc_arm64(~crc, buf, len);
#endif
	return lt_crc32c_sw(crc, buf, len);
}

__u32 lt_crc32c_sw(__u32 crc, const void *buf, size_t len)
{
	const __u8 *p = buf;
	__u32 c = ~crc;

	for (; len >= 8; p += 8, len -= 8) {
		__u32 lo = c ^ get32(p), hi = get32(p + 4);

		c = crc_tab[7][lo & 0xff] ^ crc_tab[6][(lo >> 8) & 0xff] ^
		    crc_tab[5][(lo >> 16) & 0xff] ^ crc_tab[4][lo >> 24] ^
		    crc_tab[3][hi & 0xff] ^ crc_tab[2][(hi >> 8) & 0xff] ^
		    crc_tab[1][(hi >> 16) & 0xff] ^ crc_tab[0][hi >> 24];
	}
	for (; len; p++, len--)
		c = (c >> 8) ^ crc_tab[0][(c ^ *p) & 0xff];
	return ~c;
}

bool lt_file_defer_from_tracepoint(const struct lt_file_info *info)
{
	return info && (info->caps & LT_CAP_BARRIER_EVENTS);
}

/* ------------------------------------------------------------------ growable buffers */

struct buf {
	__u8 *p;
	size_t len, cap;
};

static __u8 *buf_grow(struct buf *b, size_t n)
{
	/* !b->p: n == 0 on an empty buffer (a chunk without payload) still allocates, or NULL
	 * + 0 would be taken for out of memory (and is undefined) */
	if (b->cap - b->len < n || !b->p) {
		size_t ncap = b->cap ? b->cap : 4096;
		__u8 *p;

		while (ncap - b->len < n)
			ncap *= 2;
		p = realloc(b->p, ncap);
		if (!p)
			return NULL;
		b->p = p;
		b->cap = ncap;
	}
	b->len += n;
	return b->p + b->len - n;
}

/*
 * Allocate an empty buffer's steady-state capacity and touch every page now, so that a burst
 * late in a long recording neither allocates nor raises the resident set: the writer's memory
 * is fixed when the file is opened (the soak test holds RSS flat to 256 KiB).
 */
static int buf_reserve(struct buf *b, size_t cap)
{
	__u8 *p = realloc(b->p, cap);

	if (!p)
		return -ENOMEM;
	memset(p + b->len, 0, cap - b->len);
	b->p = p;
	b->cap = cap;
	return 0;
}

/* ------------------------------------------------------------------ u64 -> u32 map */

struct umap {
	__u64 *keys;	/* 0: empty */
	__u32 *vals;
	size_t n, cap;	/* cap: power of two */
};

static size_t umap_slot(const struct umap *m, __u64 key)
{
	size_t i = (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 32) & (m->cap - 1);

	while (m->keys[i] && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static bool umap_get(const struct umap *m, __u64 key, __u32 *val)
{
	size_t i;

	if (!m->cap)
		return false;
	i = umap_slot(m, key);
	if (!m->keys[i])
		return false;
	*val = m->vals[i];
	return true;
}

static int umap_put(struct umap *m, __u64 key, __u32 val)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap) {
		struct umap nm = { .cap = m->cap ? m->cap * 2 : 256 };

		nm.keys = calloc(nm.cap, sizeof(*nm.keys));
		nm.vals = calloc(nm.cap, sizeof(*nm.vals));
		if (!nm.keys || !nm.vals) {
			free(nm.keys);
			free(nm.vals);
			return -ENOMEM;
		}
		for (size_t j = 0; j < m->cap; j++) {
			if (!m->keys[j])
				continue;
			i = umap_slot(&nm, m->keys[j]);
			nm.keys[i] = m->keys[j];
			nm.vals[i] = m->vals[j];
		}
		nm.n = m->n;
		free(m->keys);
		free(m->vals);
		*m = nm;
	}
	i = umap_slot(m, key);
	if (!m->keys[i])
		m->n++;
	m->keys[i] = key;
	m->vals[i] = val;
	return 0;
}

static void umap_free(struct umap *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* ------------------------------------------------------------------ writer */

#define CACHE_SLOTS 4096	/* code address -> stored value, direct-mapped */

struct lt_writer {
	int fd;
	unsigned int flags;
	const struct lt_ksyms *ks;
	char *path;
	__u64 key;			/* redact: key of the data addresses' permutation */
	struct buf out;			/* complete chunks not written yet */
	struct buf ev, sym;		/* payloads being built */
	__u32 ev_count, sym_count;
	size_t ev_plain;		/* the events payload's length unpacked */
	struct lt_evpack pack;		/* the packed events chunk's coding state */
	__u32 seq;
	__u64 events, lost_records;
	struct umap syms;		/* symbol address -> index in the file */
	struct umap nosym;		/* redact: code address without symbol -> index */
	__u32 nsyms, nnosym;
	struct {
		__u64 addr, val;
	} cache[CACHE_SLOTS];
	int err;			/* sticky -errno */
	char msg[512];
};

static int werr(struct lt_writer *w, int err, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (w->err)
		return w->err;
	w->err = err;
	n = snprintf(w->msg, sizeof(w->msg), "%s: ", w->path);
	va_start(ap, fmt);
	vsnprintf(w->msg + n, sizeof(w->msg) - n, fmt, ap);
	va_end(ap);
	return err;
}

static int append_chunk(struct lt_writer *w, __u16 type, const __u8 *payload, size_t len,
			__u32 count)
{
	__u8 *h = buf_grow(&w->out, LT_CHUNK_HDR_LEN + len);

	if (!h)
		return werr(w, -ENOMEM, "out of memory");
	put32(h, LT_CHUNK_MAGIC);
	put16(h + 4, type);
	put16(h + 6, 0);
	put32(h + 8, w->seq++);
	put32(h + 12, (__u32)len);
	put32(h + 16, count);
	put32(h + 20, lt_crc32c(0, payload, len));
	put32(h + 24, lt_crc32c(0, h, 24));
	if (len)
		memcpy(h + LT_CHUNK_HDR_LEN, payload, len);
	return 0;
}

static int write_out(struct lt_writer *w)
{
	size_t done = 0;

	while (done < w->out.len) {
		ssize_t n = write(w->fd, w->out.p + done, w->out.len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return werr(w, -errno, "write: %s", strerror(errno));
		}
		done += (size_t)n;
	}
	w->out.len = 0;
	return 0;
}

/* The symbols, then the events of the current chunk. */
static int end_chunk(struct lt_writer *w)
{
	int err;

	if (w->sym_count) {
		err = append_chunk(w, LT_CHUNK_SYMBOLS, w->sym.p, w->sym.len, w->sym_count);
		if (err)
			return err;
		w->sym.len = 0;
		w->sym_count = 0;
	}
	if (w->ev_count) {
		err = append_chunk(w, w->flags & LT_W_PLAIN ? LT_CHUNK_EVENTS : LT_CHUNK_EVENTS_PACKED,
				   w->ev.p, w->ev.len, w->ev_count);
		if (err)
			return err;
		w->ev.len = 0;
		w->ev_count = 0;
		w->ev_plain = 0;
		lt_evpack_reset(&w->pack);
	}
	if (w->out.len >= LT_W_CHUNK_BYTES)
		return write_out(w);
	return 0;
}

static int add_symbol(struct lt_writer *w, __u64 addr, const char *name, const char *mod)
{
	size_t nl = strnlen(name, LT_SYM_NAME_MAX), ml = strnlen(mod, 255);
	__u8 *p = buf_grow(&w->sym, SYM_FIXED + nl + ml);

	if (!p)
		return werr(w, -ENOMEM, "out of memory");
	put64(p, addr);
	put16(p + 8, (__u16)nl);
	put16(p + 10, (__u16)ml);
	memcpy(p + SYM_FIXED, name, nl);
	memcpy(p + SYM_FIXED + nl, mod, ml);
	w->sym_count++;
	return 0;
}

/* A code address as stored, its symbol queued if the file does not have it yet. */
static int code_addr(struct lt_writer *w, __u64 a, __u64 *out)
{
	size_t slot = (size_t)((a >> 2) ^ (a >> 14)) & (CACHE_SLOTS - 1);
	bool redact = w->flags & LT_W_REDACT;
	const char *name, *mod;
	__u64 sa, v;
	__u32 idx;

	if (!a) {
		*out = 0;
		return 0;
	}
	if (w->cache[slot].addr == a) {
		*out = w->cache[slot].val;
		return 0;
	}
	if (lt_ksyms_resolve(w->ks, a, &sa, &name, &mod)) {
		if (!umap_get(&w->syms, sa, &idx)) {
			idx = w->nsyms;
			if (umap_put(&w->syms, sa, idx))
				return werr(w, -ENOMEM, "out of memory");
			w->nsyms++;
			if (add_symbol(w, redact ? LT_REDACT_SYM_BASE + idx * LT_REDACT_SYM_STRIDE : sa,
				       name, mod))
				return w->err;
		}
		v = redact ? LT_REDACT_SYM_BASE + idx * LT_REDACT_SYM_STRIDE + (a - sa) : a;
	} else if (redact) {
		if (!umap_get(&w->nosym, a, &idx)) {
			idx = w->nnosym;
			if (umap_put(&w->nosym, a, idx))
				return werr(w, -ENOMEM, "out of memory");
			w->nnosym++;
		}
		v = LT_REDACT_NOSYM_BASE + (__u64)idx * 4096;
	} else {
		v = a;
	}
	w->cache[slot].addr = a;
	w->cache[slot].val = v;
	*out = v;
	return 0;
}

/*
 * --redact: data addresses go through a keyed permutation of their 2 MiB blocks (bits 21-47)
 * that keeps the offset inside the block and the region (bits 48-63). Equal addresses stay
 * equal, and so do pages, page offsets and ranges inside a block (hazards still match);
 * where a block lies, and how far apart two blocks are, is hidden: one known address gives
 * away its own block only, not the others (a shift would give away all).
 */
#define RB_LO	21			/* 2 MiB blocks: 512 4K or 32 64K pages */
#define RB_BITS	27			/* bits 21..47 */
#define RB_HALF	14			/* a Feistel network on 28 bits, cycle-walked to 27 */

static __u32 rb_round(__u64 key, unsigned int round, __u32 x)
{
	__u64 h = (x + 1ULL) * 0x9e3779b97f4a7c15ULL ^ (key + round * 0x632be59bd9b4e019ULL);

	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return (__u32)h & ((1u << RB_HALF) - 1);
}

static __u32 rb_permute(__u64 key, __u32 v)
{
	/* a permutation of [0, 2^28); values landing above 2^27 go round again until they
	 * land below (cycle walking): a permutation of [0, 2^27), in at most a few rounds */
	do {
		__u32 l = v >> RB_HALF, r = v & ((1u << RB_HALF) - 1);

		for (unsigned int i = 0; i < 4; i++) {
			__u32 t = r;

			r = l ^ rb_round(key, i, r);
			l = t;
		}
		v = l << RB_HALF | r;
	} while (v >> RB_BITS);
	return v;
}

static __u64 data_addr(const struct lt_writer *w, __u64 a)
{
	__u64 block;

	if (!(w->flags & LT_W_REDACT) || !a)
		return a;
	block = a >> RB_LO & ((1ULL << RB_BITS) - 1);
	return (a & ~(((1ULL << RB_BITS) - 1) << RB_LO)) | (__u64)rb_permute(w->key, block) << RB_LO;
}

/*
 * The record's 64 bytes as eight little-endian words (the layout is include/lttrace.h's),
 * ip already as stored: the packed coder takes the words as they are, and only a plain
 * chunk lays them out as bytes.
 */
static void event_words(const struct lt_writer *w, const struct lt_event *ev, __u64 ip,
			__u64 words[LT_PACK_WORDS])
{
	bool redact = w->flags & LT_W_REDACT;

	words[0] = ev->ts;
	words[1] = ev->pid | (__u64)ev->tid << 32;
	words[2] = ev->type | (__u64)ev->cpu << 16 | (__u64)ev->enable_count << 32 |
		   (__u64)ev->pause_count << 40 | (__u64)ev->flags << 48 |
		   (__u64)ev->action << 56;
	words[3] = ev->aux | (__u64)ev->nr_frames << 32 | (__u64)ev->seq_hi << 40 |
		   (__u64)ev->seq << 48;
	if (ev->type == LT_TASK) {
		words[4] = redact ? 0 : ev->ip;
		words[5] = get64((const __u8 *)ev->comm);
		words[6] = get64((const __u8 *)ev->comm + 8);
		words[7] = 0;
	} else {
		__u64 arg0 = ev->arg0, arg1 = ev->arg1;

		if (redact && (ev->type == LT_DEFER || ev->type == LT_PTE_UPDATE)) {
			arg0 = data_addr(w, arg0);
			arg1 &= ~PTE_OA_MASK;
		}
		words[4] = ip;
		words[5] = data_addr(w, ev->addr);
		words[6] = arg0;
		words[7] = arg1;
	}
}

int lt_writer_event(struct lt_writer *w, const struct lt_event *ev, const __u64 *frames)
{
	unsigned int nf;
	__u64 ip, fr[LT_MAX_FRAMES], words[LT_PACK_WORDS];
	int err;

	if (!w || !ev)
		return -EINVAL;
	if (w->err)
		return w->err;
	nf = ev->nr_frames;
	if (nf > LT_MAX_FRAMES || (nf && !frames))
		return -EINVAL;
	/* A packed chunk's records unpack to what a plain one would hold: the reader's memory
	 * is the same whichever it reads. */
	if (w->ev_plain + EV_BYTES + 8 * nf > LT_W_CHUNK_BYTES ||
	    w->ev.len + LT_PACK_MAX_BYTES > LT_W_CHUNK_BYTES || w->sym.len > LT_W_CHUNK_BYTES) {
		err = end_chunk(w);
		if (err)
			return err;
	}
	err = code_addr(w, ev->type == LT_TASK ? 0 : ev->ip, &ip);
	for (unsigned int i = 0; !err && i < nf; i++)
		err = code_addr(w, frames[i], &fr[i]);
	if (err)
		return err;
	event_words(w, ev, ip, words);
	if (w->flags & LT_W_PLAIN) {
		__u8 *p = buf_grow(&w->ev, EV_BYTES + 8 * nf);

		if (!p)
			return werr(w, -ENOMEM, "out of memory");
		for (unsigned int i = 0; i < LT_PACK_WORDS; i++)
			put64(p + 8 * i, words[i]);
		for (unsigned int i = 0; i < nf; i++)
			put64(p + EV_BYTES + 8 * i, fr[i]);
	} else {
		__u8 *o = buf_grow(&w->ev, LT_PACK_MAX_BYTES);

		if (!o)
			return werr(w, -ENOMEM, "out of memory");
		w->ev.len -= LT_PACK_MAX_BYTES - lt_evpack_put(&w->pack, words, fr, o);
	}
	w->ev_plain += EV_BYTES + 8 * nf;
	w->ev_count++;
	w->events++;
	return 0;
}

static int write_lost(struct lt_writer *w, enum lt_chunk_type type, __u64 ts, __u64 count,
		      __u32 cause)
{
	__u8 rec[DROP_BYTES] = { 0 };
	int err;

	if (!w)
		return -EINVAL;
	if (w->err)
		return w->err;
	err = end_chunk(w);
	if (err)
		return err;
	put64(rec, ts);
	put64(rec + 8, count);
	put32(rec + 16, cause);
	w->lost_records++;
	return append_chunk(w, type, rec, type == LT_CHUNK_DROPPED ? DROP_BYTES : LOST_BYTES, 1);
}

int lt_writer_lost(struct lt_writer *w, __u64 ts, __u64 count)
{
	return write_lost(w, LT_CHUNK_LOST, ts, count, 0);
}

int lt_writer_missed(struct lt_writer *w, __u64 ts, __u64 count)
{
	return write_lost(w, LT_CHUNK_MISSED, ts, count, 0);
}

int lt_writer_evicted(struct lt_writer *w, __u64 ts, __u64 count)
{
	return write_lost(w, LT_CHUNK_EVICTED, ts, count, 0);
}

int lt_writer_dropped(struct lt_writer *w, enum lt_lost_cause cause, __u64 ts, __u64 count)
{
	/* The first three causes have chunk types of their own (older readers know them). */
	if (cause == LT_LOST_RING_FULL)
		return lt_writer_lost(w, ts, count);
	if (cause == LT_LOST_RECURSION)
		return lt_writer_missed(w, ts, count);
	if (cause == LT_LOST_EVICTED)
		return lt_writer_evicted(w, ts, count);
	if (cause >= LT_LOST_CAUSES)
		return -EINVAL;
	return write_lost(w, LT_CHUNK_DROPPED, ts, count, cause);
}

static int do_sync(struct lt_writer *w)
{
	if (w->flags & LT_W_NOSYNC)
		return 0;
	if (fdatasync(w->fd) && errno != EINVAL && errno != EROFS)
		return werr(w, -errno, "fdatasync: %s", strerror(errno));
	return 0;
}

int lt_writer_flush(struct lt_writer *w)
{
	int err;

	if (!w)
		return -EINVAL;
	if (w->err)
		return w->err;
	err = end_chunk(w);
	if (!err)
		err = write_out(w);
	if (!err)
		err = do_sync(w);
	return err;
}

static void writer_free(struct lt_writer *w)
{
	if (w->fd >= 0)
		close(w->fd);
	free(w->out.p);
	free(w->ev.p);
	free(w->sym.p);
	umap_free(&w->syms);
	umap_free(&w->nosym);
	free(w->path);
	free(w);
}

int lt_writer_close(struct lt_writer *w)
{
	__u8 rec[END_BYTES];
	int err;

	if (!w)
		return -EINVAL;
	err = end_chunk(w);
	if (!err) {
		put64(rec, w->events);
		put64(rec + 8, w->lost_records);
		put64(rec + 16, w->seq);
		err = append_chunk(w, LT_CHUNK_END, rec, sizeof(rec), 1);
	}
	if (!err)
		err = write_out(w);
	if (!err)
		err = do_sync(w);
	if (!err && close(w->fd))
		err = werr(w, -errno, "close: %s", strerror(errno));
	w->fd = -1;
	writer_free(w);
	return err;
}

void lt_writer_abandon(struct lt_writer *w)
{
	if (w)
		writer_free(w);
}

const char *lt_writer_error(const struct lt_writer *w)
{
	return w ? w->msg : "";
}

__u64 lt_writer_events(const struct lt_writer *w)
{
	return w ? w->events : 0;
}

/* One header field: u16 tag, u16 length, the value. */
static int put_tlv(struct buf *b, __u16 tag, const void *val, size_t len)
{
	__u8 *p = buf_grow(b, 4 + len);

	if (!p)
		return -ENOMEM;
	put16(p, tag);
	put16(p + 2, (__u16)len);
	memcpy(p + 4, val, len);
	return 0;
}

static int put_str(struct buf *b, __u16 tag, const char *s, size_t max)
{
	return put_tlv(b, tag, s, strnlen(s, max));
}

static int put_u32(struct buf *b, __u16 tag, __u32 v)
{
	__u8 le[4];

	put32(le, v);
	return put_tlv(b, tag, le, sizeof(le));
}

static int put_u64(struct buf *b, __u16 tag, __u64 v)
{
	__u8 le[8];

	put64(le, v);
	return put_tlv(b, tag, le, sizeof(le));
}

static __u64 clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

static int header(struct lt_writer *w, const struct lt_file_info *in)
{
	struct lt_file_info info = { 0 };
	struct buf *b = &w->out;
	__u8 *p;
	int err = 0;

	if (in)
		info = *in;
	if (!info.abi_version)
		info.abi_version = LT_ABI_VERSION;
	if (!info.start_realtime_ns)
		info.start_realtime_ns = clock_ns(CLOCK_REALTIME);
	if (!info.start_mono_ns)
		info.start_mono_ns = clock_ns(CLOCK_MONOTONIC);
	info.flags &= ~LT_FILE_REDACTED;
	if (w->flags & LT_W_REDACT)
		info.flags |= LT_FILE_REDACTED;
	p = buf_grow(b, LT_FILE_HDR_FIXED);
	if (!p)
		return -ENOMEM;
	memcpy(p, LT_FILE_MAGIC, 8);
	/* version 1 has no packed events: its readers refuse the file whole, not mid-way */
	put32(p + 8, w->flags & LT_W_PLAIN ? 1 : LT_FILE_VERSION);
	err = err ?: put_str(b, LT_TAG_RELEASE, info.release, sizeof(info.release));
	err = err ?: put_str(b, LT_TAG_BUILD_ID, info.build_id, sizeof(info.build_id));
	err = err ?: put_str(b, LT_TAG_MACHINE, info.machine, sizeof(info.machine));
	err = err ?: put_str(b, LT_TAG_MODE, info.mode, sizeof(info.mode));
	err = err ?: put_str(b, LT_TAG_ATTACH, info.attach, sizeof(info.attach));
	err = err ?: put_str(b, LT_TAG_NESTING, info.nesting[0] ? info.nesting : "unknown",
			     sizeof(info.nesting));
	err = err ?: put_str(b, LT_TAG_FILTERS, info.filters, sizeof(info.filters));
	err = err ?: put_u32(b, LT_TAG_CAPS, info.caps);
	err = err ?: put_u32(b, LT_TAG_ABI, info.abi_version);
	err = err ?: put_u32(b, LT_TAG_FLAGS, info.flags);
	err = err ?: put_u64(b, LT_TAG_START_REAL, info.start_realtime_ns);
	err = err ?: put_u64(b, LT_TAG_START_MONO, info.start_mono_ns);
	if (info.page_shift)
		err = err ?: put_u32(b, LT_TAG_PAGE_SHIFT, info.page_shift);
	if (info.layout[0])
		err = err ?: put_str(b, LT_TAG_LAYOUT, info.layout, sizeof(info.layout));
	if (err || !buf_grow(b, 4))
		return -ENOMEM;
	put32(b->p + 12, (__u32)b->len);
	put32(b->p + b->len - 4, lt_crc32c(0, b->p, b->len - 4));
	return 0;
}

static __u64 random_key(void)
{
	__u64 k = 0;

	if (getrandom(&k, sizeof(k), 0) != sizeof(k))
		k = clock_ns(CLOCK_MONOTONIC) * 0x9e3779b97f4a7c15ULL ^ (__u64)getpid() << 32;
	return k;
}

struct lt_writer *lt_writer_open(const char *path, const struct lt_file_info *info,
				 const struct lt_ksyms *ks, unsigned int flags, char *err,
				 size_t errlen)
{
	struct lt_writer *w;
	struct stat st;
	int oflags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW;

	if (errlen)
		err[0] = '\0';
	if (!path || !path[0]) {
		snprintf(err, errlen, "no output file given");
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (w)
		w->path = strdup(path);
	if (!w || !w->path) {
		free(w);
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	w->fd = -1;
	w->flags = flags;
	w->ks = ks;
	if (flags & LT_W_REDACT)
		w->key = random_key();
	if (flags & LT_W_FORCE) {
		if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
			snprintf(err, errlen, "%s exists and is not a regular file", path);
			goto fail;
		}
		oflags |= O_TRUNC;
	} else {
		oflags |= O_EXCL;
	}
	w->fd = open(path, oflags, 0600);
	if (w->fd < 0) {
		if (errno == EEXIST)
			snprintf(err, errlen, "%s exists (use --force to overwrite)", path);
		else
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (fstat(w->fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s is not a regular file", path);
		goto fail;
	}
	/* It holds kernel addresses: owner only, whatever the umask or the old file's mode. */
	if (fchmod(w->fd, 0600)) {
		snprintf(err, errlen, "%s: chmod: %s", path, strerror(errno));
		goto fail;
	}
	if (header(w, info)) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	if (write_out(w) || do_sync(w)) {
		snprintf(err, errlen, "%s", w->msg);
		goto fail;
	}
	/*
	 * An events payload never exceeds LT_W_CHUNK_BYTES; the output holds less than that
	 * between calls, plus one events chunk and its symbols (a few KiB after the first chunks).
	 */
	if (buf_reserve(&w->ev, LT_W_CHUNK_BYTES) ||
	    buf_reserve(&w->out, 2 * LT_W_CHUNK_BYTES + (64u << 10))) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	return w;
fail:
	writer_free(w);
	return NULL;
}

/* ------------------------------------------------------------------ reader */

struct lt_reader {
	int fd;
	char *path;
	struct lt_file_info info;
	struct lt_ksyms *ks;
	__u64 size;			/* at open */
	__u64 off;			/* offset of the next chunk */
	__u64 chunk_off;		/* offset of the current chunk */
	__u32 seq;			/* sequence number of the next chunk */
	int state;			/* 1 while reading, then the final LT_REC_* */
	__u16 type;			/* current chunk */
	enum lt_lost_cause lost_cause;	/* of the last LT_REC_LOST */
	__u32 left;			/* records left in it */
	size_t pos;
	struct buf pay;
	struct buf packed;		/* a packed events payload, unpacked into pay */
	__u64 events, chunks, file_events, lost_records, nsyms;
	struct lt_event ev;
	__u64 frames[LT_MAX_FRAMES];
	char msg[512];
};

#define RUNNING 1

static int rfail(struct lt_reader *r, int state, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(r->msg, sizeof(r->msg), "%s: ", r->path);
	va_start(ap, fmt);
	vsnprintf(r->msg + n, sizeof(r->msg) - n, fmt, ap);
	va_end(ap);
	r->state = state;
	return state;
}

static int rtrunc(struct lt_reader *r)
{
	if (!r->chunks)
		return rfail(r, LT_REC_TRUNCATED, "truncated after the header (%llu events read)",
			     (unsigned long long)r->events);
	return rfail(r, LT_REC_TRUNCATED, "truncated after chunk %llu (%llu events read)",
		     (unsigned long long)(r->chunks - 1), (unsigned long long)r->events);
}

/* Reads up to n bytes; the count read (short at end of file), -1 on error. */
static ssize_t read_full(int fd, void *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t k = read(fd, (__u8 *)buf + done, n - done);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (!k)
			break;
		done += (size_t)k;
	}
	return (ssize_t)done;
}

/*
 * A chunk at `from` failed its checks: is it the torn end of an interrupted recording rather
 * than damage? After a power-off the unwritten end of a file reads as zeros, from a block
 * boundary on: true if everything from `from`, or from a 512-byte boundary at or before
 * `end` (where the chunk ends or claims to), to the end of the file is zero.
 */
static bool torn(struct lt_reader *r, __u64 from, __u64 end)
{
	__u8 blk[4096];
	__u64 pos = r->size, last = from;	/* just past the last non-zero byte */

	if (from >= r->size)
		return false;
	while (pos > from) {
		size_t n = pos - from > sizeof(blk) ? sizeof(blk) : (size_t)(pos - from);
		ssize_t k = pread(r->fd, blk, n, (off_t)(pos - n));
		bool found = false;

		if (k != (ssize_t)n)
			return false;
		for (size_t i = n; i > 0; i--) {
			if (blk[i - 1]) {
				last = pos - n + i;
				found = true;
				break;
			}
		}
		if (found)
			break;
		pos -= n;
	}
	if (last == from)
		return true;
	last = (last + 511) & ~511ULL;
	return last < r->size && last <= end;
}

static int bad_chunk(struct lt_reader *r, __u64 claimed_end, const char *what)
{
	if (torn(r, r->chunk_off, claimed_end))
		return rtrunc(r);
	return rfail(r, LT_REC_ERROR, "chunk %u at offset %llu: %s", r->seq,
		     (unsigned long long)r->chunk_off, what);
}

static int load_symbols(struct lt_reader *r, __u32 count)
{
	const __u8 *p = r->pay.p, *end = p + r->pay.len;

	for (__u32 i = 0; i < count; i++) {
		__u16 nl, ml;
		__u64 addr;

		if (end - p < SYM_FIXED)
			goto bad;
		addr = get64(p);
		nl = get16(p + 8);
		ml = get16(p + 10);
		if (!addr || !nl || nl > LT_SYM_NAME_MAX || ml > 255 ||
		    (size_t)(end - p) < SYM_FIXED + (size_t)nl + ml)
			goto bad;
		if (++r->nsyms > MAX_SYMBOLS)
			return rfail(r, LT_REC_ERROR, "chunk %u at offset %llu: more than %u symbols",
				     r->seq, (unsigned long long)r->chunk_off, MAX_SYMBOLS);
		switch (lt_ksyms_add(r->ks, addr, (const char *)p + SYM_FIXED, nl,
				     (const char *)p + SYM_FIXED + nl, ml)) {
		case 0:
			break;
		case -ENOMEM:
			return rfail(r, LT_REC_ERROR, "out of memory");
		default:
			goto bad;
		}
		p += SYM_FIXED + nl + ml;
	}
	if (p != end)
		goto bad;
	lt_ksyms_sort(r->ks);
	return 0;
bad:
	lt_ksyms_sort(r->ks);
	return rfail(r, LT_REC_ERROR, "chunk %u at offset %llu: malformed symbol table", r->seq,
		     (unsigned long long)r->chunk_off);
}

/* Every record whole and the count right, before the first is returned. */
static bool events_ok(const struct lt_reader *r, __u32 count)
{
	size_t pos = 0, len = r->pay.len;

	for (__u32 i = 0; i < count; i++) {
		unsigned int nf;

		if (len - pos < EV_BYTES)
			return false;
		nf = r->pay.p[pos + 28];
		if (nf > LT_MAX_FRAMES || len - pos < EV_BYTES + 8 * (size_t)nf)
			return false;
		pos += EV_BYTES + 8 * (size_t)nf;
	}
	return pos == len;
}

/*
 * A packed events payload (in r->pay) unpacked into r->pay, as a plain one: RUNNING, or an
 * error if it is malformed (a record cut or wrong, not count records, more than a plain
 * payload may hold).
 */
static int unpack_events(struct lt_reader *r, __u32 count)
{
	size_t cap = (size_t)count * LT_PACK_RECORD_MAX, n;
	struct buf t = r->packed;

	if (cap > LT_CHUNK_MAX_PAYLOAD)
		cap = LT_CHUNK_MAX_PAYLOAD;
	cap += LT_PACK_RECORD_MAX;
	r->packed = r->pay;
	r->pay = t;
	r->pay.len = 0;
	if (!buf_grow(&r->pay, cap))
		return rfail(r, LT_REC_ERROR, "out of memory");
	n = lt_evpack_unpack(r->packed.p, r->packed.len, count, r->pay.p, cap);
	if (n > LT_CHUNK_MAX_PAYLOAD)
		return rfail(r, LT_REC_ERROR, "chunk %u at offset %llu: malformed event records",
			     r->seq, (unsigned long long)r->off);
	r->pay.len = n;
	return RUNNING;
}

/* Reads and checks the next chunk: RUNNING with records to return, or a final state. */
static int next_chunk(struct lt_reader *r)
{
	__u8 h[LT_CHUNK_HDR_LEN];
	__u32 len, count, seq;
	__u16 type;
	ssize_t n;

	r->chunk_off = r->off;
	n = read_full(r->fd, h, sizeof(h));
	if (n < 0)
		return rfail(r, LT_REC_ERROR, "read error at offset %llu: %s",
			     (unsigned long long)r->off, strerror(errno));
	if (n == 0)
		return rtrunc(r);
	if ((size_t)n < sizeof(h)) {
		__u8 magic[4];

		/* A cut chunk header: truncated, if what there is of it is one. */
		put32(magic, LT_CHUNK_MAGIC);
		if (memcmp(h, magic, n < 4 ? (size_t)n : 4))
			return bad_chunk(r, r->off + (size_t)n, "bad chunk magic");
		return rtrunc(r);
	}
	if (get32(h) != LT_CHUNK_MAGIC)
		return bad_chunk(r, r->off + sizeof(h), "bad chunk magic");
	if (get32(h + 24) != lt_crc32c(0, h, 24))
		return bad_chunk(r, r->off + sizeof(h), "header checksum mismatch");
	type = get16(h + 4);
	seq = get32(h + 8);
	len = get32(h + 12);
	count = get32(h + 16);
	if (seq != r->seq)
		return rfail(r, LT_REC_ERROR, "chunk %u at offset %llu: out of sequence (%u)", r->seq,
			     (unsigned long long)r->off, seq);
	if (len > LT_CHUNK_MAX_PAYLOAD)
		return rfail(r, LT_REC_ERROR, "chunk %u at offset %llu: payload of %u bytes (at most %u)",
			     r->seq, (unsigned long long)r->off, len, LT_CHUNK_MAX_PAYLOAD);
	if (type < LT_CHUNK_SYMBOLS || type > LT_CHUNK_EVENTS_PACKED ||
	    (type == LT_CHUNK_EVENTS_PACKED && r->info.version < 2))
		return rfail(r, LT_REC_ERROR, "chunk %u at offset %llu: unknown chunk type %u",
			     r->seq, (unsigned long long)r->off, type);
	r->pay.len = 0;
	if (!buf_grow(&r->pay, len))
		return rfail(r, LT_REC_ERROR, "out of memory");
	n = read_full(r->fd, r->pay.p, len);
	if (n < 0)
		return rfail(r, LT_REC_ERROR, "read error at offset %llu: %s",
			     (unsigned long long)r->off, strerror(errno));
	if ((size_t)n < len)
		return rtrunc(r);
	if (get32(h + 20) != lt_crc32c(0, r->pay.p, len))
		return bad_chunk(r, r->off + sizeof(h) + len, "checksum mismatch");

	switch (type) {
	case LT_CHUNK_SYMBOLS:
		if (load_symbols(r, count))
			return r->state;
		break;
	case LT_CHUNK_EVENTS_PACKED:
		if (unpack_events(r, count) != RUNNING)
			return r->state;
		type = LT_CHUNK_EVENTS;
		r->file_events += count;
		break;
	case LT_CHUNK_EVENTS:
		if (!events_ok(r, count))
			return rfail(r, LT_REC_ERROR, "chunk %u at offset %llu: malformed event records",
				     r->seq, (unsigned long long)r->off);
		r->file_events += count;
		break;
	case LT_CHUNK_LOST:
	case LT_CHUNK_MISSED:
	case LT_CHUNK_EVICTED:
		if ((__u64)count * LOST_BYTES != len)
			return rfail(r, LT_REC_ERROR, "chunk %u at offset %llu: malformed lost records",
				     r->seq, (unsigned long long)r->off);
		r->lost_records += count;
		break;
	case LT_CHUNK_DROPPED:
		if ((__u64)count * DROP_BYTES != len)
			return rfail(r, LT_REC_ERROR, "chunk %u at offset %llu: malformed dropped records",
				     r->seq, (unsigned long long)r->off);
		for (__u32 i = 0; i < count; i++) {
			__u32 cause = get32(r->pay.p + i * DROP_BYTES + 16);

			if (cause < LT_LOST_KPROBE || cause >= LT_LOST_CAUSES ||
			    get32(r->pay.p + i * DROP_BYTES + 20))
				return rfail(r, LT_REC_ERROR,
					     "chunk %u at offset %llu: unknown drop cause %u",
					     r->seq, (unsigned long long)r->off, cause);
		}
		r->lost_records += count;
		break;
	case LT_CHUNK_END:
		if (count != 1 || len != END_BYTES)
			return rfail(r, LT_REC_ERROR, "chunk %u at offset %llu: malformed end chunk",
				     r->seq, (unsigned long long)r->off);
		if (get64(r->pay.p) != r->file_events || get64(r->pay.p + 8) != r->lost_records ||
		    get64(r->pay.p + 16) != r->seq)
			return rfail(r, LT_REC_ERROR,
				     "end chunk at offset %llu: the file should hold %llu events in %llu chunks, it holds %llu in %u",
				     (unsigned long long)r->off,
				     (unsigned long long)get64(r->pay.p),
				     (unsigned long long)get64(r->pay.p + 16),
				     (unsigned long long)r->file_events, r->seq);
		break;
	}
	r->off += sizeof(h) + len;
	r->seq++;
	r->chunks++;
	r->type = type;
	r->pos = 0;
	r->left = type == LT_CHUNK_EVENTS || type == LT_CHUNK_LOST || type == LT_CHUNK_MISSED ||
		  type == LT_CHUNK_EVICTED || type == LT_CHUNK_DROPPED ? count : 0;
	if (type == LT_CHUNK_END) {
		__u8 extra;

		n = read_full(r->fd, &extra, 1);
		if (n != 0)
			return rfail(r, LT_REC_ERROR, "data after the end chunk at offset %llu",
				     (unsigned long long)r->off);
		r->msg[0] = '\0';
		r->state = LT_REC_END;
		return LT_REC_END;
	}
	return RUNNING;
}

/* The record at r->pos: the event and its frames (NULL without). */
static const struct lt_event *decode_event(struct lt_reader *r, const __u64 **frames)
{
	const __u8 *p = r->pay.p + r->pos;
	struct lt_event *e = &r->ev;

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/*
	 * The file's layout is the struct's on a little-endian host, and records are 8-byte
	 * aligned in the payload: the record itself, not a copy (copying 64 bytes then reading
	 * fields back stalled on store forwarding). LT_TASK's comm leaves arg1 to zero.
	 */
	const struct lt_event *in = (const struct lt_event *)p;

	r->pos += EV_BYTES + 8 * (size_t)in->nr_frames;
	*frames = in->nr_frames ? (const __u64 *)(p + EV_BYTES) : NULL;
	if (in->type != LT_TASK)
		return in;
	memcpy(e, p, EV_BYTES);
	e->arg1 = 0;
	return e;
#else
	e->ts = get64(p);
	e->pid = get32(p + 8);
	e->tid = get32(p + 12);
	e->type = get16(p + 16);
	e->cpu = get16(p + 18);
	e->enable_count = p[20];
	e->pause_count = p[21];
	e->flags = p[22];
	e->action = p[23];
	e->aux = get32(p + 24);
	e->nr_frames = p[28];
	e->seq_hi = p[29];
	e->seq = get16(p + 30);
	e->ip = get64(p + 32);
	if (e->type == LT_TASK) {
		memcpy(e->comm, p + 40, LT_COMM_LEN);
		e->arg1 = 0;
	} else {
		e->addr = get64(p + 40);
		e->arg0 = get64(p + 48);
		e->arg1 = get64(p + 56);
	}
	for (unsigned int i = 0; i < e->nr_frames; i++)
		r->frames[i] = get64(p + EV_BYTES + 8 * i);
	r->pos += EV_BYTES + 8 * (size_t)e->nr_frames;
	*frames = e->nr_frames ? r->frames : NULL;
	return e;
#endif
}

/* The next record of the events chunk being read (r->left says there is one). */
static inline int next_event(struct lt_reader *r, const struct lt_event **ev,
			     const __u64 **frames)
{
	const struct lt_event *e;
	const __u64 *fr;

	r->left--;
	e = decode_event(r, &fr);
	r->events++;
	if (ev)
		*ev = e;
	if (frames)
		*frames = fr;
	return LT_REC_EVENT;
}

/* lt_reader_next() but for the next record of an events chunk: losses, the next chunk, the end. */
static __attribute__((noinline)) int next_other(struct lt_reader *r, const struct lt_event **ev,
						const __u64 **frames, __u64 *lost_ts,
						__u64 *lost_count)
{
	while (r->state == RUNNING) {
		if (r->left) {
			if (r->type != LT_CHUNK_EVENTS) {
				const __u8 *p = r->pay.p + r->pos;

				r->left--;
				r->lost_cause = r->type == LT_CHUNK_MISSED ? LT_LOST_RECURSION :
						r->type == LT_CHUNK_EVICTED ? LT_LOST_EVICTED :
						r->type == LT_CHUNK_DROPPED ? get32(p + 16) :
						LT_LOST_RING_FULL;
				if (lost_ts)
					*lost_ts = get64(p);
				if (lost_count)
					*lost_count = get64(p + 8);
				r->pos += r->type == LT_CHUNK_DROPPED ? DROP_BYTES : LOST_BYTES;
				return LT_REC_LOST;
			}
			return next_event(r, ev, frames);
		}
		next_chunk(r);
	}
	return r->state;
}

int lt_reader_next(struct lt_reader *r, const struct lt_event **ev, const __u64 **frames,
		   __u64 *lost_ts, __u64 *lost_count)
{
	if (!r)
		return LT_REC_ERROR;
	/* A record of the events chunk being read: this path, called per event, needs no stack
	 * frame (with the rest inlined, saving six registers was a third of it). */
	if (r->state == RUNNING && r->left && r->type == LT_CHUNK_EVENTS)
		return next_event(r, ev, frames);
	return next_other(r, ev, frames, lost_ts, lost_count);
}

static int parse_header(struct lt_reader *r, const __u8 *h, size_t hlen)
{
	struct lt_file_info *in = &r->info;
	size_t pos = LT_FILE_HDR_FIXED, end = hlen - 4;

	while (pos < end) {
		__u16 tag, len;
		const __u8 *v;
		char *str = NULL;
		size_t max = 0;

		if (end - pos < 4)
			return -1;
		tag = get16(h + pos);
		len = get16(h + pos + 2);
		v = h + pos + 4;
		if (end - pos - 4 < len)
			return -1;
		pos += 4 + (size_t)len;
		switch (tag) {
		case LT_TAG_RELEASE: str = in->release; max = sizeof(in->release); break;
		case LT_TAG_BUILD_ID: str = in->build_id; max = sizeof(in->build_id); break;
		case LT_TAG_MACHINE: str = in->machine; max = sizeof(in->machine); break;
		case LT_TAG_MODE: str = in->mode; max = sizeof(in->mode); break;
		case LT_TAG_ATTACH: str = in->attach; max = sizeof(in->attach); break;
		case LT_TAG_NESTING: str = in->nesting; max = sizeof(in->nesting); break;
		case LT_TAG_FILTERS: str = in->filters; max = sizeof(in->filters); break;
		case LT_TAG_LAYOUT: str = in->layout; max = sizeof(in->layout); break;
		case LT_TAG_PAGE_SHIFT:
			/* arm64 pages: 4K, 16K, 64K */
			if (len != 4 || (get32(v) != 12 && get32(v) != 14 && get32(v) != 16))
				return -1;
			in->page_shift = get32(v);
			break;
		case LT_TAG_CAPS:
		case LT_TAG_ABI:
		case LT_TAG_FLAGS:
			if (len != 4)
				return -1;
			if (tag == LT_TAG_CAPS)
				in->caps = get32(v);
			else if (tag == LT_TAG_ABI)
				in->abi_version = get32(v);
			else
				in->flags = get32(v);
			break;
		case LT_TAG_START_REAL:
		case LT_TAG_START_MONO:
			if (len != 8)
				return -1;
			if (tag == LT_TAG_START_REAL)
				in->start_realtime_ns = get64(v);
			else
				in->start_mono_ns = get64(v);
			break;
		default:	/* a later version-1 field */
			break;
		}
		if (str) {
			size_t n = len < max - 1 ? len : max - 1;

			memcpy(str, v, n);
			str[n] = '\0';
			str[strnlen(str, n)] = '\0';
		}
	}
	return 0;
}

struct lt_reader *lt_reader_open(const char *path, char *err, size_t errlen)
{
	struct lt_reader *r = calloc(1, sizeof(*r));
	__u8 fixed[LT_FILE_HDR_FIXED], *h = NULL;
	struct stat st;
	__u32 version, hlen;
	ssize_t n;

	if (errlen)
		err[0] = '\0';
	if (r)
		r->fd = -1;
	if (!r || !(r->path = strdup(path)) || !(r->ks = lt_ksyms_new())) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (fstat(r->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: is a directory", path);
		goto fail;
	}
	r->size = fstat(r->fd, &st) == 0 ? (__u64)st.st_size : 0;
	n = read_full(r->fd, fixed, sizeof(fixed));
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (n == 0) {
		snprintf(err, errlen, "%s: empty file, not a lazytrace trace", path);
		goto fail;
	}
	if (memcmp(fixed, LT_FILE_MAGIC, (size_t)n < 8 ? (size_t)n : 8)) {
		snprintf(err, errlen, "%s: not a lazytrace trace file (bad magic)", path);
		goto fail;
	}
	if (n < (ssize_t)sizeof(fixed)) {
		snprintf(err, errlen, "%s: truncated header (%zd bytes)", path, n);
		goto fail;
	}
	version = get32(fixed + 8);
	hlen = get32(fixed + 12);
	if (version > LT_FILE_VERSION) {
		snprintf(err, errlen, "%s: format version %u is newer than this lazytrace supports (%d)",
			 path, version, LT_FILE_VERSION);
		goto fail;
	}
	if (version == 0) {
		snprintf(err, errlen, "%s: bad format version 0", path);
		goto fail;
	}
	if (hlen < LT_FILE_HDR_FIXED + 4 || hlen > LT_FILE_HDR_MAX) {
		snprintf(err, errlen, "%s: bad header length %u", path, hlen);
		goto fail;
	}
	h = malloc(hlen);
	if (!h) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	memcpy(h, fixed, sizeof(fixed));
	n = read_full(r->fd, h + sizeof(fixed), hlen - sizeof(fixed));
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if ((size_t)n < hlen - sizeof(fixed)) {
		snprintf(err, errlen, "%s: truncated header (%zu of %u bytes)", path,
			 sizeof(fixed) + (size_t)n, hlen);
		goto fail;
	}
	if (get32(h + hlen - 4) != lt_crc32c(0, h, hlen - 4)) {
		snprintf(err, errlen, "%s: header checksum mismatch", path);
		goto fail;
	}
	if (parse_header(r, h, hlen)) {
		snprintf(err, errlen, "%s: malformed header", path);
		goto fail;
	}
	/* records of a newer ABI mean what this reconstruction does not know (folded ones) */
	if (r->info.abi_version > LT_ABI_VERSION) {
		snprintf(err, errlen, "%s: records of ABI %u, newer than this lazytrace reads (%d)",
			 path, r->info.abi_version, LT_ABI_VERSION);
		goto fail;
	}
	free(h);
	r->info.version = version;
	r->off = hlen;
	r->state = RUNNING;
	return r;
fail:
	free(h);
	lt_reader_close(r);
	return NULL;
}

void lt_reader_close(struct lt_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	lt_ksyms_free(r->ks);
	free(r->pay.p);
	free(r->packed.p);
	free(r->path);
	free(r);
}

enum lt_lost_cause lt_reader_lost_cause(const struct lt_reader *r)
{
	return r ? r->lost_cause : LT_LOST_RING_FULL;
}

const struct lt_file_info *lt_reader_info(const struct lt_reader *r)
{
	return &r->info;
}

const struct lt_ksyms *lt_reader_ksyms(const struct lt_reader *r)
{
	return r->ks;
}

const char *lt_reader_error(const struct lt_reader *r)
{
	return r ? r->msg : "";
}

__u64 lt_reader_events(const struct lt_reader *r)
{
	return r ? r->events : 0;
}

__u64 lt_reader_chunks(const struct lt_reader *r)
{
	return r ? r->chunks : 0;
}
