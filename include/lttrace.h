/* SPDX-License-Identifier: GPL-2.0 */
/*
 * include/lttrace.h: the lazytrace trace file (`lazytrace record -o FILE`), format version 2.
 *
 * A file is self-describing and crash-consistent: a header, then chunks, each with its own
 * checksum, each complete chunk readable without the ones after it. Every integer is
 * little-endian with the size given here, whatever the host (written and read byte by byte:
 * a file recorded on the arm64 guest reads on the x86-64 host). Offsets are from the start
 * of the structure they are in.
 *
 * File header
 *   0   8   magic "LTTRACE\0"
 *   8   4   format version: 2, or 1 for a file without LT_CHUNK_EVENTS_PACKED chunks (what
 *           recorders before them wrote). A reader refuses a newer version.
 *   12  4   header length H in bytes, all of it: 16 + fields + 4 (at most 64 KiB)
 *   16  ..  fields, one after the other: u16 tag, u16 length L, L bytes of value
 *   H-4 4   CRC-32C of bytes 0 .. H-4
 *   Strings are UTF-8 without a NUL; integers are u32 (L = 4) or u64 (L = 8). Unknown tags
 *   are skipped (later version-1 writers may add fields). Tags: LT_TAG_*, below.
 *
 * Chunks, from offset H to the end of the file:
 *   0   4   magic LT_CHUNK_MAGIC ("LTCK")
 *   4   2   type (LT_CHUNK_*)
 *   6   2   flags (0)
 *   8   4   sequence number: 0 for the first chunk, then 1, 2, ...
 *   12  4   payload length P (at most LT_CHUNK_MAX_PAYLOAD)
 *   16  4   records in the payload
 *   20  4   CRC-32C of the payload
 *   24  4   CRC-32C of bytes 0 .. 24 of this chunk header
 *   28  P   payload
 *
 * Payloads:
 *   LT_CHUNK_SYMBOLS  records: u64 address, u16 name length N (1..LT_SYM_NAME_MAX), u16
 *             module length M (0: built in), N bytes of name, M bytes of module. Every code
 *             address (ip, stack frames) of an events chunk is resolved by the symbols of
 *             this and the earlier SYMBOLS chunks, which precede it: for each address the
 *             kallsyms text symbol nearest below it (at most 1 MiB below), as at recording.
 *             An address with no such symbol has none in the file either.
 *   LT_CHUNK_EVENTS   records: struct lt_event (include/lazytrace.h) as 64 bytes at the
 *             offsets of that struct, each field little-endian; LT_TASK's comm is the 16
 *             bytes at 40 as they are; then nr_frames (<= LT_MAX_FRAMES) u64 stack frames.
 *   LT_CHUNK_EVENTS_PACKED (version 2) the records of an EVENTS chunk, each coded against
 *             the one before (src/evpack.c), starting afresh in each chunk. Per record:
 *               - its type (bytes 16-17 of the record) as an unsigned LEB128 number;
 *               - a byte M: bit i set if word i differs from its reference, the words
 *                 being the record's eight little-endian u64 at 8 * i, word 3 taken as
 *                 seq | seq_hi << 16 | aux << 24 | nr_frames << 56; the reference of words
 *                 0 and 1 is the previous record's, that of words 2-7 the previous record
 *                 of the same type (types 32 and up: of any such type); all 0 at the
 *                 chunk's start;
 *               - for each bit set, lowest first, (word - reference) modulo 2^64,
 *                 zigzag-coded ((d << 1) ^ (d >> 63 arithmetic)), as unsigned LEB128;
 *               - nr_frames frames, each the zigzag-coded difference to the frame before it
 *                 (the first: to the record's ip), as unsigned LEB128.
 *             A record whose word 2 disagrees with its coded type, a number longer than 64
 *             bits, or records that unpack to more than LT_CHUNK_MAX_PAYLOAD bytes make
 *             the chunk malformed. A recording's events take ~8 bytes each instead of 64.
 *   LT_CHUNK_LOST     records: u64 timestamp (ns, the events' clock), u64 events lost.
 *             Its place among the events chunks is where the loss was noticed.
 *   LT_CHUNK_MISSED   records as LT_CHUNK_LOST, for events the kernel did not run a program
 *             for because another of lazytrace's programs was running on that CPU (a
 *             recursion miss): only events of an interrupt taken meanwhile, which change no
 *             task's lazy MMU state (the reconstruction keeps its state across them).
 *             Readers before it stop at this chunk type.
 *   LT_CHUNK_EVICTED  records as LT_CHUNK_LOST: the flight recorder dropped that many of its
 *             oldest records (events, and the losses noted among them) before what follows:
 *             a gap of the recording, not of the kernel. Readers before it stop here.
 *   LT_CHUNK_DROPPED  records: u64 timestamp, u64 records lost, u32 cause, u32 0: losses of
 *             the other causes (enum lt_lost_cause of include/lazytrace.h, 3 and up:
 *             kprobe and kretprobe misses, a full per-PTE map, task names). A task-name
 *             loss is also in the ring-full count. Readers before it stop here.
 *   LT_CHUNK_END      one record: u64 events, u64 lost records, u64 chunks before this one.
 *             Written by a clean close; without it the file is truncated (a crash, a kill -9,
 *             a power-off): every complete chunk before the cut is still read.
 *
 * Reading stops at the first chunk that fails a check. It is taken for the torn end of an
 * interrupted recording (truncation) when the file ends inside it, or when everything from
 * it, or from a 512-byte boundary inside it, to the end of the file is zero (blocks a
 * power-off left unwritten); otherwise the file is damaged. Records of a chunk are used only
 * once the whole chunk passed its checks.
 *
 * A file recorded with --redact (LT_FILE_REDACTED) holds no kernel address: code addresses
 * are symbol-relative (the i-th symbol of the file sits at LT_REDACT_SYM_BASE + i *
 * LT_REDACT_SYM_STRIDE, offsets into it are kept; an address without symbol becomes
 * LT_REDACT_NOSYM_BASE + 4096 * j for the j-th such address), data addresses (.addr, and
 * .arg0 = the table entry of LT_DEFER and LT_PTE_UPDATE) go through a permutation of their
 * 2 MiB blocks (bits 21-47) keyed at random per file, offsets in the block and bits 48-63
 * kept (equal pages stay equal, page offsets, pages and ranges inside a block
 * stay so: hazards still match), and the output address bits (47:12) of a new PTE value
 * (.arg1 of LT_DEFER and LT_PTE_UPDATE) are cleared. 0 stays 0 ("unknown").
 */
#ifndef LTTRACE_H
#define LTTRACE_H

#define LT_FILE_MAGIC		"LTTRACE"	/* 8 bytes with its NUL */
#define LT_FILE_VERSION		2
#define LT_FILE_HDR_FIXED	16		/* magic, version, length */
#define LT_FILE_HDR_MAX		65536

#define LT_CHUNK_MAGIC		0x4b43544cu	/* "LTCK" */
#define LT_CHUNK_HDR_LEN	28
#define LT_CHUNK_MAX_PAYLOAD	(16u << 20)

enum lt_chunk_type {
	LT_CHUNK_SYMBOLS = 1,
	LT_CHUNK_EVENTS = 2,
	LT_CHUNK_LOST = 3,
	LT_CHUNK_END = 4,
	LT_CHUNK_MISSED = 5,
	LT_CHUNK_EVICTED = 6,
	LT_CHUNK_DROPPED = 7,
	LT_CHUNK_EVENTS_PACKED = 8,
};

/* File header fields. */
enum lt_file_tag {
	LT_TAG_RELEASE = 1,	/* string: uname -r of the traced kernel */
	LT_TAG_BUILD_ID = 2,	/* string: its GNU build id in hex, may be empty */
	LT_TAG_MACHINE = 3,	/* string: uname -m ("aarch64") */
	LT_TAG_MODE = 4,	/* string: the mode `probe` reports ("tracepoints", ...) */
	LT_TAG_ATTACH = 5,	/* string: how each probe was attached (free text, one per line) */
	LT_TAG_NESTING = 6,	/* string: "nested", "flat", "noflush" or "unknown" */
	LT_TAG_CAPS = 7,	/* u32: LT_CAP_* */
	LT_TAG_ABI = 8,		/* u32: LT_ABI_VERSION of the recorder's struct lt_event (1 if
				 * no record is folded); a reader refuses a newer one */
	LT_TAG_FLAGS = 9,	/* u32: LT_FILE_* */
	LT_TAG_START_REAL = 10,	/* u64: wall clock at the start, ns since the epoch */
	LT_TAG_START_MONO = 11,	/* u64: CLOCK_MONOTONIC at the start (the events' clock), ns */
	LT_TAG_FILTERS = 12,	/* string: the recording's filters ("pid=71 cpu=1"), may be empty */
	LT_TAG_PAGE_SHIFT = 13,	/* u32: the kernel's PAGE_SHIFT (12, 14, 16); absent in files
				 * written before it, all of them from 4K kernels */
	LT_TAG_LAYOUT = 14,	/* string: the kernel model, src/kmodel.h ("page=16K va_bits=...") */
};

/* What the traced kernel offered (LT_TAG_CAPS). */
#define LT_CAP_TRACEPOINTS	0x01	/* lazy_mmu_{enable,disable,pause,resume} */
#define LT_CAP_BARRIER_EVENTS	0x02	/* lazy_mmu_{defer,flush}: deferrals are LT_DEFER events */
#define LT_CAP_LAZY_STATE	0x04	/* task_struct.lazy_mmu_state (stock 7.0+) */
#define LT_CAP_LAZY_FLAG	0x08	/* TIF_LAZY_MMU only (stock 6.16-6.19) */
#define LT_CAP_MAP_PROBES	0x10	/* __kernel_map_pages / set_memory_valid probed */
#define LT_CAP_PTE_PROBE	0x20	/* per-PTE callback probed */
#define LT_CAP_ACCESS_PROBES	0x40	/* at least one access probe attached */

/* LT_TAG_FLAGS */
#define LT_FILE_REDACTED	0x01

#define LT_SYM_NAME_MAX		1024

#define LT_REDACT_SYM_BASE	0xffff000000000000ULL
#define LT_REDACT_SYM_STRIDE	(1ULL << 24)
#define LT_REDACT_NOSYM_BASE	0x0000100000000000ULL

#endif /* LTTRACE_H */
