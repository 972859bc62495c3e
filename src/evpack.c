// SPDX-License-Identifier: GPL-2.0
/*
 * src/evpack.c: packed event records (src/evpack.h; the format is in include/lttrace.h).
 *
 * A record: its type as an unsigned LEB128 number, a byte whose bit i says that word i
 * differs from its reference, then for each such word the difference (word - reference,
 * modulo 2^64) zigzag-coded as an unsigned LEB128 number, then the frames, each as the
 * zigzag-coded difference to the frame before it (the first: to the record's ip). Word 3
 * (aux, nr_frames, seq_hi, seq) is coded with its fields reordered, the sequence number
 * lowest, so that the next number of a CPU's sequence is a small difference.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "evpack.h"

/* Word 3 as the file has it -> the order it is coded in: seq, seq_hi, aux, nr_frames. */
static inline __u64 w3_code(__u64 w)
{
	return (w >> 48) | ((w >> 40 & 0xff) << 16) | ((w & 0xffffffffULL) << 24) |
	       ((w >> 32 & 0xff) << 56);
}

static inline __u64 w3_file(__u64 c)
{
	return (c >> 24 & 0xffffffffULL) | (c >> 56) << 32 | (c >> 16 & 0xff) << 40 |
	       (c & 0xffff) << 48;
}

static inline unsigned int slot_of(__u64 type)
{
	return type < LT_PACK_SLOTS ? (unsigned int)type : 0;
}

static inline __u64 zigzag(__u64 d)
{
	return d << 1 ^ (__u64)((__s64)d >> 63);
}

static inline __u64 unzigzag(__u64 z)
{
	return z >> 1 ^ -(z & 1);
}

static inline __u8 *put_var(__u8 *o, __u64 v)
{
	while (v >= 0x80) {
		*o++ = (__u8)(v | 0x80);
		v >>= 7;
	}
	*o++ = (__u8)v;
	return o;
}

/* NULL if the number is cut by end or longer than 64 bits. */
static const __u8 *get_var_long(const __u8 *p, const __u8 *end, __u64 *v)
{
	__u64 r = 0;

	for (unsigned int shift = 0; p < end; shift += 7) {
		__u8 b = *p++;

		if (shift == 63 && b > 1)
			return NULL;
		r |= (__u64)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = r;
			return p;
		}
	}
	return NULL;
}

/* The 7-bit groups of 8 bytes (little-endian) put together, by three shift-and-merge steps. */
static inline __u64 gather7(__u64 x)
{
	x = (x & 0x007f007f007f007fULL) | (x & 0x7f007f007f007f00ULL) >> 1;
	x = (x & 0x00003fff00003fffULL) | (x & 0x3fff00003fff0000ULL) >> 2;
	return (x & 0x000000000fffffffULL) | (x & 0x0fffffff00000000ULL) >> 4;
}

#ifdef __x86_64__
/*
 * BMI2's parallel bit extract: the bits of x that m selects, put together, in one
 * instruction where gather7() takes twelve. Only called where the CPU has it: the unpacking
 * is built twice, with and without it (lt_evpack_unpack).
 */
static inline __attribute__((target("bmi,bmi2"))) __u64 pext64(__u64 x, __u64 m)
{
	return __builtin_ia32_pext_di(x, m);
}
#else
static inline __u64 pext64(__u64 x, __u64 m)
{
	return x & m;	/* never called: bmi2 is false */
}
#endif

/*
 * Numbers of up to 10 bytes from one 8-byte load (and two more bytes), where the payload has
 * 10 bytes left (roomy: the caller made sure of it): the first byte without its top bit ends
 * the number, and its 7-bit groups are put together by gather7(), or by pext64() if bmi2.
 * The payload's last bytes take the loop.
 */
static inline __attribute__((always_inline)) const __u8 *get_var(const __u8 *p, const __u8 *end,
								 __u64 *v, bool roomy, bool bmi2)
{
	if (__builtin_expect(roomy || end - p >= 10, 1)) {
		__u64 x, stop;
		unsigned int n;

		/* (with pext, a one-byte number costs about what this branch would save it) */
		if (!bmi2 && p[0] < 0x80) {
			*v = p[0];
			return p + 1;
		}
		memcpy(&x, p, 8);
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
		x = __builtin_bswap64(x);
#endif
		stop = ~x & 0x8080808080808080ULL;
		if (__builtin_expect(stop != 0, 1)) {
			n = (unsigned int)__builtin_ctzll(stop) + 1;	/* bits up to the last byte's top */
			if (bmi2)	/* the bytes up to that bit: stop ^ (stop - 1) */
				*v = pext64(x, (stop ^ (stop - 1)) & 0x7f7f7f7f7f7f7f7fULL);
			else
				*v = gather7(x & ~0ULL >> (64 - n));	/* n is 8..64 */
			return p + n / 8;
		}
		/* 9 or 10 bytes: a difference of 57 bits or more, a twelfth of the records */
		x = bmi2 ? pext64(x, 0x7f7f7f7f7f7f7f7fULL) : gather7(x);
		if (p[8] < 0x80) {
			*v = x | (__u64)p[8] << 56;
			return p + 9;
		}
		if (p[9] > 1)
			return NULL;	/* longer than 64 bits */
		*v = x | (__u64)(p[8] & 0x7f) << 56 | (__u64)p[9] << 63;
		return p + 10;
	}
	return get_var_long(p, end, v);
}

/* n words to p, little-endian */
static inline void put_words(__u8 *p, const __u64 *v, unsigned int n)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(p, v, 8 * (size_t)n);
#else
	for (unsigned int k = 0; k < n; k++)
		for (int i = 0; i < 8; i++)
			p[8 * k + i] = (__u8)(v[k] >> 8 * i);
#endif
}

void lt_evpack_reset(struct lt_evpack *s)
{
	memset(s, 0, sizeof(*s));
}

size_t lt_evpack_put(struct lt_evpack *s, const __u64 w[LT_PACK_WORDS], const __u64 *frames,
		     __u8 *out)
{
	__u64 type = w[2] & 0xffff, *ref = s->ref[slot_of(type)];
	__u64 v[LT_PACK_WORDS], r[LT_PACK_WORDS];
	unsigned int nf = (unsigned int)(w[3] >> 32 & 0xff), mask = 0;
	__u8 *o = put_var(out, type), *m = o++;

	v[0] = w[0];
	v[1] = w[1];
	v[2] = w[2];
	v[3] = w3_code(w[3]);
	memcpy(v + 4, w + 4, 4 * sizeof(*w));
	r[0] = s->ts;
	r[1] = s->ids;
	memcpy(r + 2, ref, sizeof(s->ref[0]));
	for (unsigned int i = 0; i < LT_PACK_WORDS; i++) {
		if (v[i] == r[i])
			continue;
		mask |= 1u << i;
		o = put_var(o, zigzag(v[i] - r[i]));
	}
	*m = (__u8)mask;
	for (unsigned int i = 0, prev = 0; i < nf; i++, prev = 1)
		o = put_var(o, zigzag(frames[i] - (prev ? frames[i - 1] : w[4])));
	s->ts = v[0];
	s->ids = v[1];
	memcpy(ref, v + 2, sizeof(s->ref[0]));
	return (size_t)(o - out);
}

/*
 * One record; the state is left changed by a malformed one (its chunk is refused whole).
 * *nfp: its frames (read back from out, the byte would wait for the store to complete).
 * roomy: the payload has GET_ROOM bytes left, which no record (cut or whole) reads past.
 */
#define GET_ROOM (10 + 1 + 10 * (LT_PACK_WORDS + LT_MAX_FRAMES))

static inline __attribute__((always_inline)) size_t get_one(struct lt_evpack *s, const __u8 *p,
							    const __u8 *end, __u8 *out,
							    unsigned int *nfp, bool roomy, bool bmi2)
{
	const __u8 *start = p;
	__u64 type, v[LT_PACK_WORDS], *ref, prev;
	unsigned int mask, nf;

	if (p < end && p[0] < 0x80) {	/* every type there is: one byte */
		type = *p++;
	} else {
		p = get_var(p, end, &type, roomy, bmi2);
		if (!p || type > 0xffff)
			return 0;
	}
	if (p >= end)
		return 0;
	mask = *p++;
	ref = s->ref[slot_of(type)];
	v[0] = s->ts;
	v[1] = s->ids;
	memcpy(v + 2, ref, sizeof(s->ref[0]));
	while (mask) {
		unsigned int i = (unsigned int)__builtin_ctz(mask);
		__u64 d;

		mask &= mask - 1;
		p = get_var(p, end, &d, roomy, bmi2);
		if (!p)
			return 0;
		v[i] += unzigzag(d);
	}
	nf = (unsigned int)(v[3] >> 56);
	if ((v[2] & 0xffff) != type || nf > LT_MAX_FRAMES)
		return 0;
	s->ts = v[0];
	s->ids = v[1];
	memcpy(ref, v + 2, sizeof(s->ref[0]));
	v[3] = w3_file(v[3]);
	put_words(out, v, LT_PACK_WORDS);
	prev = v[4];
	for (unsigned int i = 0; i < nf; i++) {
		__u64 d;

		p = get_var(p, end, &d, roomy, bmi2);
		if (!p)
			return 0;
		prev += unzigzag(d);
		put_words(out + 8 * (LT_PACK_WORDS + i), &prev, 1);
	}
	*nfp = nf;
	return (size_t)(p - start);
}

size_t lt_evpack_get(struct lt_evpack *s, const __u8 *p, const __u8 *end, __u8 *out)
{
	unsigned int nf;

	if (end - p >= GET_ROOM)
		return get_one(s, p, end, out, &nf, true, false);
	return get_one(s, p, end, out, &nf, false, false);
}

/*
 * Records while GET_ROOM bytes are left need no check of the payload's end per number; the
 * last ones do.
 */
static inline __attribute__((always_inline)) size_t unpack(const __u8 *p, size_t len,
							   __u32 count, __u8 *out, size_t cap,
							   bool bmi2)
{
	const __u8 *end = p + len;
	struct lt_evpack st;
	size_t o = 0;

	lt_evpack_reset(&st);
	for (__u32 i = 0; i < count; i++) {
		unsigned int nf;
		size_t n;

		if (cap - o < LT_PACK_RECORD_MAX)
			return SIZE_MAX;
		if (end - p >= GET_ROOM)
			n = get_one(&st, p, end, out + o, &nf, true, bmi2);
		else
			n = get_one(&st, p, end, out + o, &nf, false, bmi2);
		if (!n)
			return SIZE_MAX;
		p += n;
		o += 64 + 8 * (size_t)nf;
	}
	return p == end ? o : SIZE_MAX;
}

static size_t unpack_any(const __u8 *p, size_t len, __u32 count, __u8 *out, size_t cap)
{
	return unpack(p, len, count, out, cap, false);
}

#ifdef __x86_64__
static __attribute__((target("bmi,bmi2"))) size_t unpack_bmi2(const __u8 *p, size_t len,
							  __u32 count, __u8 *out, size_t cap)
{
	return unpack(p, len, count, out, cap, true);
}

/* pext is microcode on AMD's Zen 1 and 2: far slower there than gather7() */
static bool fast_pext(void)
{
	return __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") &&
	       !__builtin_cpu_is("znver1") && !__builtin_cpu_is("znver2");
}
#endif

size_t lt_evpack_unpack(const __u8 *p, size_t len, __u32 count, __u8 *out, size_t cap)
{
#ifdef __x86_64__
	if (fast_pext())
		return unpack_bmi2(p, len, count, out, cap);
#endif
	return unpack_any(p, len, count, out, cap);
}
