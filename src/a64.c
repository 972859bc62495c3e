// SPDX-License-Identifier: GPL-2.0
/*
 * src/a64.c: the A64 decoding the site finder needs (see src/a64.h). Nothing here needs to
 * be complete: every answer errs on the side that keeps a probe where it was, or refuses it.
 */
#include "a64.h"

static bool is_load(uint32_t i)
{
	if ((i & 0x3b000000) == 0x18000000)		/* LDR/LDRSW/PRFM (literal) */
		return true;
	if ((i & 0x3a000000) == 0x28000000)		/* LDP/STP/LDNP/STNP: L is bit 22 */
		return i & (1u << 22);
	if ((i & 0x3a000000) == 0x38000000) {		/* LDR/STR (register, immediate) */
		unsigned int opc = (i >> 22) & 3;

		if ((i & 0x3b200c00) == 0x38200000)	/* LDADD, SWP, ...: read-modify-write */
			return false;
		return (i & (1u << 26)) ? (opc & 1) : opc != 0;	/* SIMD&FP: opc 10 is STR Q */
	}
	return false;	/* exclusives, acquire/release, SIMD structures, MTE, ...: assume stores */
}

enum a64_class a64_classify(uint32_t i)
{
	unsigned int op0 = (i >> 25) & 0xf;

	if ((op0 & 0xe) == 0xa)				/* branches, exceptions, system */
		return (i & 0xff000000) == 0xd5000000 ? A64_OTHER : A64_BRANCH;
	if ((op0 & 0x5) == 0x4)				/* loads and stores */
		return is_load(i) ? A64_OTHER : A64_STORE;
	if ((op0 & 0xe) == 0x8 || (op0 & 0x7) == 0x5 || (op0 & 0x7) == 0x7)
		return A64_OTHER;			/* data processing */
	return A64_STORE;				/* SVE, SME, unallocated: unknown */
}

bool a64_writes(uint32_t i, int reg)
{
	if (reg < 0)
		return false;
	if ((int)(i & 0x1f) == reg)
		return true;
	if ((i & 0x3a000000) == 0x28000000 && (int)((i >> 10) & 0x1f) == reg)
		return true;
	if (((i & 0x3a000000) == 0x28000000 && (i & (1u << 23))) ||	/* pair, pre/post index */
	    ((i & 0x3b200000) == 0x38000000 && (i & (1u << 10))))	/* single, pre/post index */
		return (int)((i >> 5) & 0x1f) == reg;
	return false;
}

/* Branches, ADR/ADRP and literal loads are simulated by arm64 kprobes, so they are taken;
 * what can be neither single-stepped out of line nor simulated is refused. */
bool a64_kprobe_refuses(uint32_t i)
{
	if ((i & 0x3f800000) == 0x08000000)		/* LDXR/STXR/LDAXR/STLXR (exclusive) */
		return true;
	if ((i & 0x3b200c00) == 0x19000400)		/* CPYx/SETx (memory copy/set) */
		return true;
	if ((i & 0x1c000000) != 0x14000000)
		return false;
	if ((i & 0xff000000) == 0xd4000000)		/* SVC, HVC, SMC, BRK, HLT */
		return true;
	if (i == 0xd69f03e0 || (i & 0xfffffbff) == 0xd69f0bff)	/* ERET, ERETAA/AB */
		return true;
	if ((i & 0xfff8f01f) == 0xd500401f || (i & 0xfff00000) == 0xd5100000)	/* MSR */
		return true;
	if ((i & 0xfff00000) == 0xd5300000)		/* MRS: only that of DAIF is refused */
		return ((i >> 5) & 0xffff) == 0xda11;
	if ((i & 0xfffff01f) == 0xd503201f) {		/* HINT: a whitelist */
		switch (i & 0xfe0) {
		case 0x000:	/* NOP */
		case 0x0e0:	/* XPACLRI */
		case 0x100: case 0x140: case 0x300: case 0x320: case 0x340: case 0x360: /* PACI* */
		case 0x400: case 0x440: case 0x480: case 0x4c0:	/* BTI */
			return false;
		default:
			return true;
		}
	}
	return false;
}

bool a64_bl_or_b(uint32_t i, uint64_t pc, uint64_t *to)
{
	if ((i & 0x7c000000) != 0x14000000)
		return false;
	/* imm26, sign-extended, in instructions */
	*to = pc + (uint64_t)((int64_t)((int32_t)(i << 6) >> 6) * 4);
	return true;
}

bool a64_is_bti(uint32_t i)
{
	return (i & 0xffffff3f) == 0xd503241f;		/* HINT #32, #34, #36, #38 */
}

int a64_thread_flag_bit(const uint32_t *insn, size_t n)
{
	uint32_t task = 0, flags = 0;	/* bit r: x<r> holds current / its flags word */
	int bit = -1;

	for (size_t i = 0; i < n; i++) {
		uint32_t w = insn[i], rt = w & 31, rn = (w >> 5) & 31;

		if ((w & ~31u) == 0xd5384100) {			/* MRS Xt, SP_EL0 */
			task |= 1u << rt;
			flags &= ~(1u << rt);
			continue;
		}
		if ((w & 0xfffffc00) == 0xf9400000 && (task >> rn & 1)) {	/* LDR Xt, [Xn] */
			flags |= 1u << rt;
			task &= ~(1u << rt);
			continue;
		}
		if ((w & 0x7e000000) == 0x36000000 && (flags >> rt & 1)) {	/* TBZ/TBNZ */
			int b = (int)((w >> 31) << 5 | ((w >> 19) & 31));

			if (bit >= 0 && bit != b)
				return -2;
			bit = b;
			continue;
		}
		/* branches write no register; a call clobbers the caller-saved ones */
		if ((w & 0xff000010) == 0x54000000 || (w & 0x7e000000) == 0x34000000 ||
		    (w & 0xfc000000) == 0x14000000)		/* B.cond, CBZ/CBNZ, B */
			continue;
		if ((w & 0xfc000000) == 0x94000000 || (w & 0xfffffc1f) == 0xd63f0000) {	/* BL, BLR */
			task &= ~0x7ffffu;
			flags &= ~0x7ffffu;
			continue;
		}
		if ((w & 0x3b000000) == 0x39000000 && ((w >> 22) & 3) == 0)	/* STR* [Xn, #imm] */
			continue;
		/* any other write of a tracked register ends what it held */
		for (int r = 0; r < 31; r++)
			if (((task | flags) >> r & 1) && a64_writes(w, r)) {
				task &= ~(1u << r);
				flags &= ~(1u << r);
			}
	}
	return bit;
}
