/* SPDX-License-Identifier: GPL-2.0 */
/*
 * src/tracefile.h: writing and reading lazytrace trace files (format: include/lttrace.h).
 *
 * Error messages (err buffers, lt_reader_error()) are one line, without a trailing newline,
 * and start with the file's path: "trace.lt: chunk 3 at offset 4096: checksum mismatch".
 */
#ifndef LT_TRACEFILE_H
#define LT_TRACEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "lazytrace.h"
#include "lttrace.h"

struct lt_ksyms;

/* The file header. Strings longer than their buffer are cut. */
struct lt_file_info {
	__u32 version;			/* reader: the file's format version */
	__u32 abi_version;		/* the writer stores LT_ABI_VERSION if 0 */
	__u32 caps;			/* LT_CAP_* */
	__u32 flags;			/* LT_FILE_*; the writer sets LT_FILE_REDACTED itself */
	__u64 start_realtime_ns;	/* the writer stores the time of the open if 0 */
	__u64 start_mono_ns;		/* the writer stores CLOCK_MONOTONIC now if 0 */
	char release[65];
	char build_id[129];		/* hex; "" if unknown */
	char machine[65];
	char mode[32];
	char nesting[16];		/* "" is written as "unknown" */
	char filters[128];
	char attach[1024];
	__u32 page_shift;		/* the traced kernel's PAGE_SHIFT; 0: not recorded (files
					 * before it: every one of them came from a 4K kernel) */
	char layout[256];		/* the kernel model (lt_kmodel_format()), "" if none */
};

/* ------------------------------------------------------------------ writer */

#define LT_W_FORCE	0x01	/* overwrite an existing file (still mode 0600) */
#define LT_W_REDACT	0x02	/* no kernel address in the file (see include/lttrace.h) */
#define LT_W_NOSYNC	0x04	/* lt_writer_flush() does not fdatasync() (tests) */
#define LT_W_PLAIN	0x08	/* events as 64-byte records (format version 1), not packed */

/* A chunk is ended by lt_writer_flush(), lt_writer_lost(), or when its payload reaches this. */
#define LT_W_CHUNK_BYTES	(1u << 20)

struct lt_writer;

/*
 * Creates path with mode 0600 and writes the header. Without LT_W_FORCE an existing path is
 * refused ("PATH exists (use --force to overwrite)"); with it a regular file is truncated
 * and set to 0600 (anything else is refused). ks (may be NULL: addresses without symbols)
 * is the live kallsyms snapshot: it resolves the code addresses of the events and must stay
 * valid until lt_writer_close(). NULL with a message in err on failure.
 */
struct lt_writer *lt_writer_open(const char *path, const struct lt_file_info *info,
				 const struct lt_ksyms *ks, unsigned int flags, char *err,
				 size_t errlen);

/* Appends one record (frames: ev->nr_frames of them, <= LT_MAX_FRAMES). 0, or -errno: a
 * write error is sticky (later calls fail too; lt_writer_error() says why). Buffered: the
 * record reaches the file with the chunk that holds it. */
int lt_writer_event(struct lt_writer *w, const struct lt_event *ev, const __u64 *frames);

/* count events were lost at ts: ends the current chunk, then a LOST chunk. */
int lt_writer_lost(struct lt_writer *w, __u64 ts, __u64 count);

/* The same for recursion misses (a MISSED chunk: events of interrupts only, see lttrace.h). */
int lt_writer_missed(struct lt_writer *w, __u64 ts, __u64 count);

/* The same for records the flight recorder dropped (an EVICTED chunk: a gap of the file). */
int lt_writer_evicted(struct lt_writer *w, __u64 ts, __u64 count);

/* Any cause: the three above by their chunks, the others in a DROPPED chunk. */
int lt_writer_dropped(struct lt_writer *w, enum lt_lost_cause cause, __u64 ts, __u64 count);

/* Ends the current chunk and writes what is buffered, then fdatasync() (unless
 * LT_W_NOSYNC). Call it periodically (every few thousand events or 100 ms). */
int lt_writer_flush(struct lt_writer *w);

/* Flush, END chunk, fdatasync, close; frees w (also on error). 0 or -errno. */
int lt_writer_close(struct lt_writer *w);

/* Closes without the END chunk (what a crash leaves; tests). Frees w. */
void lt_writer_abandon(struct lt_writer *w);

/* The last error, "" if none. */
const char *lt_writer_error(const struct lt_writer *w);

/* Records and chunks written so far. */
__u64 lt_writer_events(const struct lt_writer *w);

/* ------------------------------------------------------------------ reader */

/* What lt_reader_next() returns. */
enum lt_rec {
	LT_REC_ERROR = -2,	/* corrupt or unreadable: lt_reader_error() */
	LT_REC_TRUNCATED = -1,	/* the file ends before its END chunk: lt_reader_error() */
	LT_REC_END = 0,		/* clean end */
	LT_REC_EVENT = 1,
	LT_REC_LOST = 2,
};

struct lt_reader;

/* Opens path and reads its header. NULL with a message in err if it is not a readable
 * lazytrace file of a version this reader knows. */
struct lt_reader *lt_reader_open(const char *path, char *err, size_t errlen);
void lt_reader_close(struct lt_reader *r);

const struct lt_file_info *lt_reader_info(const struct lt_reader *r);

/* After LT_REC_LOST: why those records are missing (the chunk type, or a DROPPED record's
 * cause). */
enum lt_lost_cause lt_reader_lost_cause(const struct lt_reader *r);

/* The symbols read so far (grows as chunks are read; the pointer stays the same). */
const struct lt_ksyms *lt_reader_ksyms(const struct lt_reader *r);

/*
 * The next record. LT_REC_EVENT: *ev and *frames (NULL without frames) stay valid until the
 * next call. LT_REC_LOST: *lost_ts, *lost_count. Any pointer may be NULL. A chunk is checked
 * whole before its first record is returned: records come only from intact chunks. Once END,
 * TRUNCATED or ERROR is returned, it is returned again.
 */
int lt_reader_next(struct lt_reader *r, const struct lt_event **ev, const __u64 **frames,
		   __u64 *lost_ts, __u64 *lost_count);

/* Why the reading stopped: "" after END; for TRUNCATED "PATH: truncated after chunk K (N
 * events read)", for ERROR the reason. */
const char *lt_reader_error(const struct lt_reader *r);

__u64 lt_reader_events(const struct lt_reader *r);	/* event records returned */
__u64 lt_reader_chunks(const struct lt_reader *r);	/* complete chunks read */

/* CRC-32C (Castagnoli) of buf, continuing from crc (0 to start). */
__u32 lt_crc32c(__u32 crc, const void *buf, size_t len);
__u32 lt_crc32c_sw(__u32 crc, const void *buf, size_t len);	/* portable, table-driven */

/* "nested", ... as in the header; defer source from the capabilities. */
bool lt_file_defer_from_tracepoint(const struct lt_file_info *info);

#endif /* LT_TRACEFILE_H */
