/* SPDX-License-Identifier: GPL-2.0 */
/*
 * src/kmodel.h: the traced kernel's memory layout, read from the kernel once at start.
 *
 * One model for everything that depends on the layout: BPF gets it as read-only data (struct
 * page -> address), the trace file header carries it, the reconstruction takes its page size
 * (page masks), so a recording made on a 16K or 64K kernel replays right anywhere. Nothing
 * here is guessed from a version number: a fact the kernel did not give is 0, reported, and
 * what depends on it is switched off.
 *
 * The source is the kernel's VMCOREINFO note (kernel/vmcore_info.c and
 * arch/arm64/kernel/vmcore_info.c), as crash and drgn read it: from /proc/kcore when that can
 * be read, else copied out of kernel memory by a BPF program (src/live.c).
 */
#ifndef LT_KMODEL_H
#define LT_KMODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>

struct lt_kmodel {
	unsigned int page_shift;	/* PAGE_SHIFT: 12, 14 or 16; 0 = unknown */
	unsigned int va_bits;		/* VA_BITS the kernel was built with (NUMBER(VA_BITS)) */
	unsigned int va_bits_actual;	/* in effect: 64 - NUMBER(TCR_EL1_T1SZ); 0 = unknown */
	__u64 page_offset;		/* start of the linear map: -(1 << VA_BITS) on arm64 */
	__u64 vmemmap_start;		/* NUMBER(VMEMMAP_START), NUMBER(VMEMMAP_END) */
	__u64 vmemmap_end;
	__u64 page_struct_size;		/* sizeof(struct page): SIZE(page), else BTF */
	bool layout;			/* page_offset .. page_struct_size all known */
	int tif_pending;		/* TIF_LAZY_MMU_PENDING as the kernel's code tests it;
					 * -1: not read (tif_source says why) */
	char tif_source[96];
	char source[64];		/* where the layout came from, "" if nowhere */
	char missing[200];		/* why not, when !layout */
};

/* Page size in bytes, 0 if unknown. */
static inline __u64 lt_kmodel_page_size(const struct lt_kmodel *m)
{
	return m->page_shift ? 1ULL << m->page_shift : 0;
}

/*
 * arm64 kernel addresses have all of bits 63:VA_BITS set; with top-byte-ignore a KASAN or MTE
 * tag replaces bits 63:56. Addresses are compared with the top byte set back: the same
 * memory, whatever tag the pointer carried. User addresses (bit 55 clear) are left alone.
 */
static inline __u64 lt_untag(__u64 addr)
{
	return (addr >> 55) & 1 ? addr | 0xff00000000000000ULL : addr;
}

/*
 * Fills the layout fields from VMCOREINFO text ("KEY=VALUE" lines; NUMBER()s in decimal or
 * 0x hex as the kernel prints them). Keeps page_struct_size if the text has no SIZE(page).
 * Returns true if every layout field was found and consistent; otherwise m->missing says
 * which was not.
 */
bool lt_kmodel_parse_vmcoreinfo(struct lt_kmodel *m, const char *text, size_t len,
				const char *source);

/*
 * Reads the VMCOREINFO note of an ELF core file (/proc/kcore) into buf (NUL-terminated).
 * Returns its length, or -errno (EACCES/EPERM: no privilege, ENOENT: no such file, ENODATA:
 * no VMCOREINFO note, EINVAL: not a 64-bit little-endian ELF core).
 */
long lt_kmodel_read_kcore(const char *path, char *buf, size_t cap);

/* Reads len bytes of kernel memory at vaddr from an ELF core file (/proc/kcore) through its
 * PT_LOAD segments. Returns 0 or -errno (EFAULT: no segment holds the range). */
int lt_kmodel_kcore_mem(const char *path, __u64 vaddr, void *buf, size_t len);

/* The code the pending bit is read from: pageattr_pte_entry() sets a kernel PTE through
 * __set_pte() -> queue_pte_barriers(), whose test_thread_flag(TIF_LAZY_MMU_PENDING) is the
 * only thread flag it tests (7.0+). */
#define LT_KMODEL_TIF_FUNC "pageattr_pte_entry"

/* Sets tif_pending/tif_source from that function's code (len bytes, little-endian A64). */
void lt_kmodel_tif_from_code(struct lt_kmodel *m, const void *code, size_t len,
			     const char *source);

/* struct page pointer -> linear-map address, as page_to_virt(); 0 if outside the vmemmap
 * or the layout is unknown. The BPF program computes the same (bpf/lazytrace.bpf.c). */
__u64 lt_kmodel_page_to_va(const struct lt_kmodel *m, __u64 page);

/* One line per fact, for `lazytrace probe`. */
void lt_kmodel_print(const struct lt_kmodel *m, FILE *out);

/* "page=16K va_bits=52/48 page_offset=0x... vmemmap=0x...-0x... struct_page=64 from ..."
 * (the trace file header's LT_TAG_LAYOUT); returns buf. */
const char *lt_kmodel_format(const struct lt_kmodel *m, char *buf, size_t len);

#endif /* LT_KMODEL_H */
