#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""ltseq.py FILE.lt: the sequence-number holes of a trace file, read on their own.

An oracle for the reconstruction's gap reports, independent of src/: it parses the file
format of include/lttrace.h (header, chunks, 64-byte event records, packed or not) with
nothing but the format's description, takes each event's CPU and sequence number (LT_F_SEQ, .seq_hi/.seq at
29..31) and prints, one per line, the holes of each CPU's numbers:

    hole CPU TS COUNT       TS: the time of that CPU's record numbered just below the hole
                            (0 if the hole starts the stream), COUNT: numbers missing

then "received N" (event records with a sequence number), "lost_chunks N" (the events the
file's LOST chunks count), "lost_chunk_records N" (how many such records), "evicted_chunks
N TOTAL" (the flight recorder's EVICTED records and the records they say were dropped),
"evicted_list N..." (each EVICTED record's count, in file order), "format VERSION plain=N
packed=M" (the header's format version, and its events chunks of each kind) and
"cpus C:MAXSEQ,...".
"""
import struct
import sys

LT_F_SEQ = 0x80
CHUNK_EVENTS, CHUNK_LOST, CHUNK_EVICTED, CHUNK_EVENTS_PACKED = 2, 3, 6, 8
M64 = (1 << 64) - 1


def leb128(pay, pos):
    v = shift = 0
    while True:
        b = pay[pos]
        pos += 1
        v |= (b & 0x7F) << shift
        if not b & 0x80:
            return v, pos
        shift += 7


def unpack(pay, count):
    """An EVENTS_PACKED payload as the plain EVENTS payload it stands for (lttrace.h)."""
    out = bytearray()
    ts_ids = [0, 0]
    refs = {}
    pos = 0
    for _ in range(count):
        rtype, pos = leb128(pay, pos)
        mask = pay[pos]
        pos += 1
        ref = refs.setdefault(rtype if rtype < 32 else 0, [0] * 6)
        words = ts_ids + ref
        for i in range(8):
            if mask >> i & 1:
                z, pos = leb128(pay, pos)
                words[i] = (words[i] + ((z >> 1) ^ -(z & 1))) & M64
        ts_ids, refs[rtype if rtype < 32 else 0] = words[:2], words[2:]
        c = words[3]	# seq | seq_hi << 16 | aux << 24 | nr_frames << 56
        nf = c >> 56
        w3 = (c >> 24 & 0xFFFFFFFF) | nf << 32 | (c >> 16 & 0xFF) << 40 | (c & 0xFFFF) << 48
        out += struct.pack("<8Q", *(words[:3] + [w3] + words[4:]))
        prev = words[4]
        for _ in range(nf):
            z, pos = leb128(pay, pos)
            prev = (prev + ((z >> 1) ^ -(z & 1))) & M64
            out += struct.pack("<Q", prev)
    if pos != len(pay):
        sys.exit("ltseq: a packed chunk of %d records holds %d bytes more" % (count, len(pay) - pos))
    return bytes(out)


def records(path, fmt):
    """Each chunk's type, record count and payload (packed events unpacked); fmt gets the
    format version and how many events chunks came plain and packed."""
    data = open(path, "rb").read()
    if data[:8] != b"LTTRACE\0":
        sys.exit("ltseq: %s: not a trace file" % path)
    fmt["version"], hlen = struct.unpack_from("<II", data, 8)
    off = hlen
    while off + 28 <= len(data):
        magic, ctype, _flags, _seq, plen, count = struct.unpack_from("<IHHIII", data, off)
        if magic != 0x4B43544C:
            break
        pay = data[off + 28:off + 28 + plen]
        if len(pay) < plen:
            break		# a torn last chunk: what a reader stops at
        off += 28 + plen
        if ctype in (CHUNK_EVENTS, CHUNK_EVENTS_PACKED):
            fmt[ctype] = fmt.get(ctype, 0) + 1
        if ctype == CHUNK_EVENTS_PACKED:
            ctype, pay = CHUNK_EVENTS, unpack(pay, count)
        yield ctype, count, pay


def main():
    per_cpu = {}		# cpu -> [(seq, ts)]
    lost_chunks = lost_records = evicted_chunks = evicted = 0
    evicted_list = []
    fmt = {}
    for ctype, count, pay in records(sys.argv[1], fmt):
        if ctype == CHUNK_LOST:
            lost_records += count
            for i in range(count):
                lost_chunks += struct.unpack_from("<Q", pay, 16 * i + 8)[0]
        if ctype == CHUNK_EVICTED:
            evicted_chunks += count
            for i in range(count):
                evicted_list.append(struct.unpack_from("<Q", pay, 16 * i + 8)[0])
                evicted += evicted_list[-1]
        if ctype != CHUNK_EVENTS:
            continue
        pos = 0
        for _ in range(count):
            ts, = struct.unpack_from("<Q", pay, pos)
            cpu, = struct.unpack_from("<H", pay, pos + 18)
            flags = pay[pos + 22]
            nframes, seq_hi = pay[pos + 28], pay[pos + 29]
            seq_lo, = struct.unpack_from("<H", pay, pos + 30)
            if flags & LT_F_SEQ:
                per_cpu.setdefault(cpu, []).append((seq_hi << 16 | seq_lo, ts))
            pos += 64 + 8 * nframes
    received = 0
    for cpu in sorted(per_cpu):
        recs = sorted(per_cpu[cpu])
        received += len(recs)
        prev_seq, prev_ts = -1, 0
        for seq, ts in recs:
            if seq > prev_seq + 1:
                print("hole %d %d %d" % (cpu, prev_ts, seq - prev_seq - 1))
            prev_seq, prev_ts = seq, ts
    print("received %d" % received)
    print("lost_chunks %d" % lost_chunks)
    print("lost_chunk_records %d" % lost_records)
    print("evicted_chunks %d %d" % (evicted_chunks, evicted))
    print("evicted_list " + " ".join(str(n) for n in evicted_list))
    print("format %d plain=%d packed=%d" % (fmt["version"], fmt.get(CHUNK_EVENTS, 0),
                                            fmt.get(CHUNK_EVENTS_PACKED, 0)))
    print("cpus " + ",".join("%d:%d" % (c, max(s for s, _ in per_cpu[c])) for c in sorted(per_cpu)))


if __name__ == "__main__":
    main()
