/* SPDX-License-Identifier: GPL-2.0 */
/*
 * src/a64.h: just enough A64 instruction decoding for placing kprobes (src/sites_dwarf.c):
 * whether an instruction may be skipped, whether arm64 kprobes take it, and where a direct
 * branch goes. Encodings from the Arm ARM's top-level table (op0 = bits 28:25).
 */
#ifndef LT_A64_H
#define LT_A64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum a64_class {
	A64_OTHER,	/* computes or loads: skipping it cannot change the lazy MMU state */
	A64_STORE,	/* a store, or anything not proven not to be one */
	A64_BRANCH,	/* leaves the straight line */
};

enum a64_class a64_classify(uint32_t insn);

/* Might the instruction write x<reg>? Conservative: Rd/Rt, Rt2 of a load pair, the base of a
 * writeback load. False for reg < 0. */
bool a64_writes(uint32_t insn, int reg);

/* Does arm64 kprobes' decoder (arch/arm64/kernel/probes/decode-insn.c) refuse it? */
bool a64_kprobe_refuses(uint32_t insn);

/* BL or B (imm26): stores its target (pc + offset) in *to. */
bool a64_bl_or_b(uint32_t insn, uint64_t pc, uint64_t *to);

/* BTI (any of c, j, jc). */
bool a64_is_bti(uint32_t insn);

/*
 * The thread flag a function tests: current's thread_info.flags is loaded from the task
 * pointer in SP_EL0 (MRS Xa, SP_EL0; LDR Xb, [Xa] -- flags is the first word of task_struct)
 * and a bit of it tested with TBZ/TBNZ. Returns that bit, -1 if no such test, -2 if two
 * different bits are tested (the caller cannot tell which is which).
 */
int a64_thread_flag_bit(const uint32_t *insn, size_t n);

#define A64_LOAD_EX(i)		(((i) & 0x3fc00000) == 0x08400000)	/* LDXR, LDAXR, ... */
#define A64_STORE_EX(i)		(((i) & 0x3fc00000) == 0x08000000)	/* STXR, STLXR, ... */

#endif /* LT_A64_H */
