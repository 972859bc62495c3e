/* SPDX-License-Identifier: GPL-2.0 */
/*
 * src/evpack.h: the packed event records of LT_CHUNK_EVENTS_PACKED (include/lttrace.h).
 *
 * A record is the 64-byte event of an LT_CHUNK_EVENTS chunk, taken as eight little-endian
 * words, and its stack frames, each word coded as the difference to the same word of a
 * reference record (the previous record for the timestamp and the pid/tid word, the previous
 * record of the same type for the others). Consecutive records of a kind mostly differ in
 * their timestamp, sequence number and address: a record takes ~8 bytes instead of 64, and
 * the recorder writes an eighth of the file (under debug_pagealloc every page a file gains
 * is a page allocation, mapped and cleared: the recorder's largest cost to the traced
 * system).
 */
#ifndef LT_EVPACK_H
#define LT_EVPACK_H

#include <stddef.h>
#include <linux/types.h>

#include "lazytrace.h"

#define LT_PACK_WORDS	8
#define LT_PACK_SLOTS	32		/* types 1..31 have a reference each, others share slot 0 */
/* type (3) + mask (1) + 8 words and LT_MAX_FRAMES frames of at most 10 bytes each */
#define LT_PACK_MAX_BYTES (4 + 10 * (LT_PACK_WORDS + LT_MAX_FRAMES))

#define LT_PACK_RECORD_MAX (64 + 8 * LT_MAX_FRAMES)

/* The coding state of one chunk: each chunk starts from lt_evpack_reset(). */
struct lt_evpack {
	__u64 ts, ids;				/* the previous record's words 0 and 1 */
	__u64 ref[LT_PACK_SLOTS][LT_PACK_WORDS - 2];	/* words 2..7 by type */
};

void lt_evpack_reset(struct lt_evpack *s);

/*
 * Codes the record w[0..7] (the 64 bytes of an EVENTS record as little-endian words; its
 * nr_frames, byte 28, says how many frames follow) into out, which has room for
 * LT_PACK_MAX_BYTES. Returns the bytes written.
 */
size_t lt_evpack_put(struct lt_evpack *s, const __u64 w[LT_PACK_WORDS], const __u64 *frames,
		     __u8 *out);

/*
 * Decodes the record at p (end: the end of the payload) into out, as the 64 bytes of an
 * EVENTS record followed by its frames. Returns the bytes consumed, 0 if the record is
 * malformed (cut, an overlong number, more than LT_MAX_FRAMES frames, a type that disagrees
 * with its record's). out has room for 64 + 8 * LT_MAX_FRAMES bytes.
 */
size_t lt_evpack_get(struct lt_evpack *s, const __u8 *p, const __u8 *end, __u8 *out);

/*
 * Unpacks a chunk's payload (len bytes, count records) into out (cap bytes) as the payload
 * of a plain EVENTS chunk. Its length, or SIZE_MAX if a record is malformed, the payload
 * holds more or fewer than count records, or they would not fit in cap (less
 * LT_PACK_RECORD_MAX: the largest unpacked record).
 */
size_t lt_evpack_unpack(const __u8 *p, size_t len, __u32 count, __u8 *out, size_t cap);

#endif /* LT_EVPACK_H */
