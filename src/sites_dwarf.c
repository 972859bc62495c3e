// SPDX-License-Identifier: GPL-2.0
/*
 * src/sites_dwarf.c: the probe sites of an arm64 kernel, from its vmlinux (DWARF + ELF).
 *
 * Every lazy MMU helper is `static inline`, and a header inline has one abstract DIE per
 * compile unit that uses it, so each unit is walked in full (libdw's
 * dwarf_func_inline_instances() only sees the unit holding the abstract DIE). One depth-first
 * pass per unit, with an explicit stack of the enclosing DIEs, finds:
 *  - DW_TAG_inlined_subroutine entries whose abstract origin is a helper: one site at the
 *    instance's entry pc;
 *  - out-of-line copies of a helper (GCC emits local ones): one site at their low pc.
 * One probe per real call, not per DIE: an instance nested inside another instance of the
 * same kind (arch_flush_lazy_mmu_mode inside arch_leave_lazy_mmu_mode) runs once per outer
 * call, so only the outer one is kept. GCC also gives a helper's out-of-line cold block (the
 * `bl __lazy_mmu_trace_enable` a static branch jumps to) a second instance of the same helper,
 * nested in the first with the helper's own line as call site: its entry pc runs in the same
 * call, after the outer one's. Instances of different kinds are all kept.
 *
 * The ELF side: link-time addresses are named by the .symtab function containing them (what
 * kallsyms shows at run time, clone suffixes and all), `bl clear_page` / `bl copy_page` are
 * found by scanning the text, and the sites the kernel will refuse (noinstr and entry text,
 * the kprobe blacklist, init text) are listed apart with the reason. Each site gets a few
 * candidate instructions (`tries`), decoded from the text (src/a64.c): the loader moves on
 * to the next only if arm64 kprobes refuse one, so candidates stop before anything that
 * stores, branches or is patched at run time.
 *
 * The kernel also refuses kprobes in a function without an ftrace location (unless it has
 * CONFIG_KPROBE_EVENTS_ON_NOTRACE, which the vmlinux does not tell); the kernel's `inline`
 * implies notrace, so GCC's out-of-line copies of the helpers, and of the inline functions
 * holding them, have none. Sites there are moved to the calls of the function (via = call,
 * see resolve_calls()), on every kernel, so that one table places the same probes
 * everywhere.
 *
 * Works on any host: only ELF and DWARF are read, nothing is executed.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "a64.h"
#include "sites.h"

#define MAX_TRIES	8
#define MAX_DEPTH	128	/* DIE nesting deeper than this is not descended into */

/* ------------------------------------------------------------ names */

/* What a function or an inlined instance is to us, by the name of its abstract origin. */
enum nclass {
	NC_NONE,
	NC_ENABLE,		/* the helpers, probed */
	NC_DISABLE,
	NC_PAUSE,
	NC_RESUME,
	NC_QUEUE,
	NC_ARCH_FLUSH,
	NC_ARCH_LEAVE,
	NC_ARCH_ENTER,
	NC_SET_PTE,		/* functions that set an entry: give the level of a deferral */
	NC_SET_PMD,
	NC_SET_PUD,
	NC_SET_P4D,
	NC_SET_PGD,
};

#define NC_HELPER(c)	((c) >= NC_ENABLE && (c) <= NC_ARCH_ENTER)
#define NC_SETTER(c)	((c) >= NC_SET_PTE && (c) <= NC_SET_PGD)

static const char *const helper_names[] = {
	[NC_ENABLE] = "lazy_mmu_mode_enable",
	[NC_DISABLE] = "lazy_mmu_mode_disable",
	[NC_PAUSE] = "lazy_mmu_mode_pause",
	[NC_RESUME] = "lazy_mmu_mode_resume",
	[NC_QUEUE] = "queue_pte_barriers",
	[NC_ARCH_FLUSH] = "arch_flush_lazy_mmu_mode",
	[NC_ARCH_LEAVE] = "arch_leave_lazy_mmu_mode",
	[NC_ARCH_ENTER] = "arch_enter_lazy_mmu_mode",
};

static enum nclass classify_name(const char *n)
{
	if (!n)
		return NC_NONE;
	for (int c = NC_ENABLE; c <= NC_ARCH_ENTER; c++)
		if (!strcmp(n, helper_names[c]))
			return c;
	/* __set_pte_complete, __set_pte, set_pte_at, set_ptes, __set_ptes_anysz, ... */
	if (!strncmp(n, "set_pte", 7) || !strncmp(n, "__set_pte", 9))
		return NC_SET_PTE;
	if (!strcmp(n, "set_pmd"))
		return NC_SET_PMD;
	if (!strcmp(n, "set_pud"))
		return NC_SET_PUD;
	if (!strcmp(n, "set_p4d"))
		return NC_SET_P4D;
	if (!strcmp(n, "set_pgd"))
		return NC_SET_PGD;
	return NC_NONE;
}

/*
 * The site kind of a helper. The kernel's state decides two of them: with the 7.0+ counters
 * arch_leave only flushes (lazy_mmu_mode_disable is the leave), and arch_enter is empty; on
 * 6.16-6.19 (TIF_LAZY_MMU) arch_enter/arch_leave are the mode's edges.
 */
static int kind_of(enum nclass c, bool tif)
{
	switch (c) {
	case NC_ENABLE: return LT_SITE_ENABLE;
	case NC_DISABLE: return LT_SITE_DISABLE;
	case NC_PAUSE: return LT_SITE_PAUSE;
	case NC_RESUME: return LT_SITE_RESUME;
	case NC_QUEUE: return LT_SITE_DEFER;
	case NC_ARCH_FLUSH: return LT_SITE_FLUSH;
	case NC_ARCH_LEAVE: return tif ? LT_SITE_ARCH_LEAVE : LT_SITE_FLUSH;
	case NC_ARCH_ENTER: return tif ? LT_SITE_ARCH_ENTER : 0;
	default: return 0;
	}
}

/* ------------------------------------------------------------ context */

struct fsym {
	uint64_t addr, size;
	const char *name;
	unsigned char bind;
};

struct xsec {			/* an executable section */
	uint64_t addr, size;
	const unsigned char *data;	/* NULL if the file does not have it (NOBITS) */
};

struct range {
	uint64_t start, end;
	const char *why;	/* areas: the refusal reason; blacklist: the function's name */
};

struct cand {			/* a site found in the DWARF, kind not yet decided */
	struct lt_site s;
	unsigned char nc;	/* enum nclass */
	unsigned char nested;	/* bit 0: inside one of the same kind with counters; bit 1: TIF */
	unsigned char setter;	/* NC_QUEUE: the innermost setter around it (enum nclass) */
	bool copy;		/* an out-of-line copy of the helper, not an inlined instance */
	char dfunc[LT_SITE_NAME];	/* DWARF name of the function, if .symtab has none */
	uint64_t dlow;
};

/*
 * A site in a function without an ftrace location (the kernel refuses kprobes there), set
 * aside until the calls of that function are known. Also what each call of such a function
 * stands for, once decided.
 */
struct pend {
	struct lt_site s;
	const struct fsym *f;	/* the function holding s */
	unsigned char setter;	/* LT_SITE_DEFER: the setter that queues it, NC_NONE if none */
	bool copy;		/* s is the entry of f, f an out-of-line copy of s.helper */
	unsigned char hops;	/* calls between the helper's code and s */
	char chain[LT_SITE_NAME];	/* "f <- caller <- ...", for refusals */
};

struct frame {
	Dwarf_Die die;
	int tag;
	unsigned char nc;
	bool inst;		/* code of some function: an inlined instance or a subprogram */
};

struct ctx {
	const char *path;
	char *err;
	size_t errlen;
	int fd;
	Elf *elf;
	Dwarf *dw;
	uint64_t fsize;

	struct fsym *syms;		/* STT_FUNC symbols, by address */
	size_t nsyms;
	struct xsec *secs;
	size_t nsecs, seccap;
	struct range *areas;		/* linker-delimited text the kernel refuses */
	size_t nareas;
	struct range *black;		/* kprobe blacklist (NOKPROBE_SYMBOL), by function */
	size_t nblack;
	struct range *jumps;		/* jump labels: a NOP or a B, flipped at run time */
	size_t njumps;
	struct range *alts;		/* alternatives: rewritten at boot for the CPU */
	size_t nalts;
	struct range *extab;		/* exception table entries: kprobes refuse them */
	size_t nextab;
	uint64_t stext, etext, clear_page, copy_page;
	uint64_t *ftrace;		/* ftrace locations (patch sites), sorted */
	size_t nftrace;
	bool have_ftrace;		/* false: no mcount_loc table, all functions traceable */
	const struct fsym **byname;	/* syms by name, then address: built when first needed */
	struct pend *pend;		/* sites in functions without an ftrace location */
	size_t npend, pendcap;

	uint64_t *okeys;		/* cache: abstract origin offset + 1 -> enum nclass */
	unsigned char *ovals;
	size_t ocap, on;

	struct cand *cands;
	size_t ncands, candcap;
	bool has_counters, has_arch_enter;
	char root[256];			/* source tree prefix of the DWARF's file names */
	struct frame stack[MAX_DEPTH];
};

__attribute__((format(printf, 3, 4)))
static int fail(struct ctx *c, int ret, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errlen, "%s: %s", c->path, msg);
	return ret;
}


/* ------------------------------------------------------------ ELF */

/* The executable section holding addr, or NULL. */
static const struct xsec *text_sec(struct ctx *c, uint64_t addr)
{
	for (size_t i = 0; i < c->nsecs; i++)
		if (addr >= c->secs[i].addr && addr - c->secs[i].addr < c->secs[i].size)
			return &c->secs[i];
	return NULL;
}

/* The contents at a link-time address, len bytes of one allocated section, or NULL. */
static const unsigned char *at_vaddr(struct ctx *c, uint64_t addr, size_t len)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(c->elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS ||
		    !(sh.sh_flags & SHF_ALLOC) || addr < sh.sh_addr || len > sh.sh_size ||
		    addr - sh.sh_addr > sh.sh_size - len)
			continue;
		d = elf_rawdata(scn, NULL);
		if (!d || d->d_size != sh.sh_size)
			return NULL;
		return (const unsigned char *)d->d_buf + (addr - sh.sh_addr);
	}
	return NULL;
}

/* The instruction at addr, if the file has the text (a debug-only file may not). */
static bool read_insn(struct ctx *c, uint64_t addr, uint32_t *insn)
{
	const struct xsec *x = text_sec(c, addr);
	const unsigned char *p;

	if (!x || !x->data || addr % 4 || x->size - (addr - x->addr) < 4)
		return false;
	p = x->data + (addr - x->addr);
	*insn = p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;	/* A64 is little-endian */
	return true;
}

static uint64_t rd64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static int32_t rd32(const unsigned char *p)
{
	return (int32_t)(p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24);
}

/*
 * n pointers stored from addr on. A relocatable kernel (CONFIG_RELOCATABLE) leaves them 0 in
 * the file and lists them in .rela.dyn as R_AARCH64_RELATIVE with the link-time value as
 * addend; with RELR the value is in place. Unknown ones stay 0.
 */
static void read_pointers(struct ctx *c, uint64_t addr, size_t n, uint64_t *v)
{
	const unsigned char *p = at_vaddr(c, addr, n * 8);
	Elf_Scn *scn = NULL;

	for (size_t i = 0; p && i < n; i++)
		v[i] = rd64(p + 8 * i);
	while ((scn = elf_nextscn(c->elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_RELA || !sh.sh_entsize ||
		    !(d = elf_getdata(scn, NULL)))
			continue;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Rela r;

			if (!gelf_getrela(d, (int)i, &r))
				break;
			if (GELF_R_TYPE(r.r_info) == R_AARCH64_RELATIVE && r.r_offset >= addr &&
			    r.r_offset - addr < n * 8 && (r.r_offset - addr) % 8 == 0 &&
			    !v[(r.r_offset - addr) / 8])
				v[(r.r_offset - addr) / 8] = r.r_addend;
		}
	}
}

static int sym_cmp(const void *a, const void *b)
{
	const struct fsym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int range_cmp(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/*
 * The function symbol kallsyms will name addr by: the nearest function symbol at or below
 * it, preferring among equals one whose size covers addr, then a global one.
 */
static const struct fsym *sym_at(struct ctx *c, uint64_t addr)
{
	size_t lo = 0, hi = c->nsyms;
	const struct fsym *best = NULL;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	for (size_t i = lo; i-- > 0 && c->syms[i].addr == c->syms[lo - 1].addr;) {
		const struct fsym *s = &c->syms[i];
		bool covers = addr < s->addr + s->size, bcovers;

		if (!best) {
			best = s;
			continue;
		}
		bcovers = addr < best->addr + best->size;
		if ((covers && !bcovers) ||
		    (covers == bcovers && s->bind == STB_GLOBAL && best->bind != STB_GLOBAL))
			best = s;
	}
	return best;
}

static const struct range *in_ranges(const struct range *r, size_t n, uint64_t addr)
{
	size_t lo = 0, hi = n;

	/* Sorted by start, non-overlapping enough: check the last starting at or below addr
	 * and its predecessors while they could still cover it. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (r[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i-- > 0 && lo - i <= 8;)
		if (addr >= r[i].start && addr < r[i].end)
			return &r[i];
	return NULL;
}

static int push_range(struct range **v, size_t *n, size_t *cap, uint64_t s, uint64_t e,
		      const char *why)
{
	if (lt_sites_grow((void **)v, cap, *n, sizeof(**v)))
		return -ENOMEM;
	(*v)[(*n)++] = (struct range){ s, e, why };
	return 0;
}

/* Named linker symbols (any type) we need, by name. */
struct specials {
	uint64_t text, stext, etext, clear_page, copy_page;
	uint64_t bl_start, bl_stop, mc_start, mc_stop;
	uint64_t jt_start, jt_stop, ex_start, ex_stop, alt_start, alt_stop;
	uint64_t area[7][2];
	bool have_text, have_bl, have_mc, have_jt, have_ex, have_alt;
	bool area_set[7][2];
};

static const struct {
	const char *start, *end, *why;
} area_syms[7] = {
	{ "__noinstr_text_start", "__noinstr_text_end", "in noinstr/entry text" },
	{ "__entry_text_start", "__entry_text_end", "in noinstr/entry text" },
	{ "__irqentry_text_start", "__irqentry_text_end", "in noinstr/entry text" },
	{ "__kprobes_text_start", "__kprobes_text_end", "function is in the kprobe blacklist" },
	{ "__hyp_text_start", "__hyp_text_end", "in hypervisor text" },
	{ "__hyp_idmap_text_start", "__hyp_idmap_text_end", "in hypervisor text" },
	{ "__idmap_text_start", "__idmap_text_end", "in idmap text" },
};

static void note_special(struct specials *sp, const char *n, const GElf_Sym *s)
{
	uint64_t v = s->st_value;

	if (n[0] != '_' && n[0] != 'c')
		return;
	if (!strcmp(n, "_text")) {
		sp->text = v;
		sp->have_text = true;
	} else if (!strcmp(n, "_stext")) {
		sp->stext = v;
	} else if (!strcmp(n, "_etext")) {
		sp->etext = v;
	} else if (!strcmp(n, "clear_page") && GELF_ST_TYPE(s->st_info) == STT_FUNC &&
		   GELF_ST_BIND(s->st_info) == STB_GLOBAL) {
		sp->clear_page = v;
	} else if (!strcmp(n, "copy_page") && GELF_ST_TYPE(s->st_info) == STT_FUNC &&
		   GELF_ST_BIND(s->st_info) == STB_GLOBAL) {
		sp->copy_page = v;
	} else if (!strcmp(n, "__start_kprobe_blacklist")) {
		sp->bl_start = v;
		sp->have_bl = true;
	} else if (!strcmp(n, "__stop_kprobe_blacklist")) {
		sp->bl_stop = v;
	} else if (!strcmp(n, "__start_mcount_loc")) {
		sp->mc_start = v;
		sp->have_mc = true;
	} else if (!strcmp(n, "__stop_mcount_loc")) {
		sp->mc_stop = v;
	} else if (!strcmp(n, "__start___jump_table")) {
		sp->jt_start = v;
		sp->have_jt = true;
	} else if (!strcmp(n, "__stop___jump_table")) {
		sp->jt_stop = v;
	} else if (!strcmp(n, "__start___ex_table")) {
		sp->ex_start = v;
		sp->have_ex = true;
	} else if (!strcmp(n, "__stop___ex_table")) {
		sp->ex_stop = v;
	} else if (!strcmp(n, "__alt_instructions")) {
		sp->alt_start = v;
		sp->have_alt = true;
	} else if (!strcmp(n, "__alt_instructions_end")) {
		sp->alt_stop = v;
	} else {
		for (int i = 0; i < 7; i++)
			for (int e = 0; e < 2; e++)
				if (!strcmp(n, e ? area_syms[i].end : area_syms[i].start)) {
					sp->area[i][e] = v;
					sp->area_set[i][e] = true;
				}
	}
}

static int load_sections(struct ctx *c, bool *have_debug_info)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	if (elf_getshdrstrndx(c->elf, &shstrndx))
		return fail(c, -ENOEXEC, "truncated or corrupt ELF (%s)", elf_errmsg(-1));
	while ((scn = elf_nextscn(c->elf, scn))) {
		GElf_Shdr sh;
		const char *name;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh))
			return fail(c, -ENOEXEC, "truncated or corrupt ELF (%s)", elf_errmsg(-1));
		if (sh.sh_type != SHT_NOBITS &&
		    (sh.sh_offset > c->fsize || sh.sh_size > c->fsize - sh.sh_offset))
			return fail(c, -ENOEXEC, "truncated (a section ends at byte %llu, the file "
				    "has %llu)", (unsigned long long)(sh.sh_offset + sh.sh_size),
				    (unsigned long long)c->fsize);
		name = elf_strptr(c->elf, shstrndx, sh.sh_name);
		if (name && sh.sh_type != SHT_NOBITS && sh.sh_size &&
		    (!strcmp(name, ".debug_info") || !strcmp(name, ".zdebug_info")))
			*have_debug_info = true;
		if ((sh.sh_type != SHT_PROGBITS && sh.sh_type != SHT_NOBITS) ||
		    (sh.sh_flags & (SHF_ALLOC | SHF_EXECINSTR)) != (SHF_ALLOC | SHF_EXECINSTR) ||
		    !sh.sh_size)
			continue;
		/* NOBITS: a debug-only file (objcopy --only-keep-debug) has no text to decode */
		d = sh.sh_type == SHT_PROGBITS ? elf_rawdata(scn, NULL) : NULL;
		if (sh.sh_type == SHT_PROGBITS && (!d || d->d_size != sh.sh_size))
			return fail(c, -ENOEXEC, "truncated or corrupt section %s", name ? name : "?");
		if (lt_sites_grow((void **)&c->secs, &c->seccap, c->nsecs, sizeof(*c->secs)))
			return fail(c, -ENOMEM, "out of memory");
		c->secs[c->nsecs++] = (struct xsec){ sh.sh_addr, sh.sh_size, d ? d->d_buf : NULL };
	}
	return 0;
}

static int load_build_id(struct ctx *c, struct lt_sitetab *t)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(c->elf, scn))) {
		GElf_Shdr sh;
		GElf_Nhdr nh;
		Elf_Data *d;
		size_t off = 0, noff, doff;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d)
			return fail(c, -ENOEXEC, "truncated or corrupt note section");
		while ((off = gelf_getnote(d, off, &nh, &noff, &doff)) > 0) {
			const unsigned char *desc = (const unsigned char *)d->d_buf + doff;

			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((const char *)d->d_buf + noff, "GNU", 4))
				continue;
			if (nh.n_descsz < 1 || nh.n_descsz * 2 >= sizeof(t->build_id))
				return fail(c, -ENODATA, "GNU build id of %u bytes (at most %zu "
					    "expected)", (unsigned int)nh.n_descsz,
					    (sizeof(t->build_id) - 1) / 2);
			for (size_t i = 0; i < nh.n_descsz; i++) {
				t->build_id[2 * i] = "0123456789abcdef"[desc[i] >> 4];
				t->build_id[2 * i + 1] = "0123456789abcdef"[desc[i] & 15];
			}
			t->build_id[2 * nh.n_descsz] = '\0';
			return 0;
		}
	}
	return fail(c, -ENODATA, "no GNU build id note");
}

/* Reads a table of s32 self-relative instruction offsets (jump labels, exception table,
 * alternatives) into ranges. */
static int load_rel_table(struct ctx *c, uint64_t start, uint64_t stop, size_t esize,
			  int len_off, struct range **v, size_t *n)
{
	size_t cap = 0;
	const unsigned char *p;

	if (stop <= start || (stop - start) % esize || stop - start > (1u << 30))
		return 0;
	p = at_vaddr(c, start, stop - start);
	if (!p)
		return 0;	/* not in the file (e.g. a debug-only vmlinux): nothing known */
	for (uint64_t o = 0; o < stop - start; o += esize) {
		uint64_t insn = start + o + (int64_t)rd32(p + o);
		unsigned int len = len_off >= 0 ? p[o + len_off] : 4;

		if (push_range(v, n, &cap, insn, insn + (len ? len : 4), NULL))
			return fail(c, -ENOMEM, "out of memory");
	}
	if (*n)
		qsort(*v, *n, sizeof(**v), range_cmp);
	return 0;
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The ftrace locations. The mcount_loc table (__start_mcount_loc..__stop_mcount_loc; on
 * arm64 the linker gathers -fpatchable-function-entry's __patchable_function_entries there)
 * has one address per function ftrace may patch. The kernel records ftrace_call_adjust() of
 * each (arch/arm64/kernel/ftrace.c), an address inside the function: with pre-function NOPs
 * (DYNAMIC_FTRACE_WITH_CALL_OPS) the entry lies 8 bytes before the function's symbol and the
 * record after the function's BTI and first NOP; otherwise the entry is the function's first
 * NOP (or its mcount call) and the record 4 bytes on. The layout shows in the symbols: a
 * function starting 8 bytes after the entry. Entries left 0 (unrelocated, or of code the
 * link discarded) are skipped, as the kernel does.
 */
static int load_ftrace(struct ctx *c, uint64_t start, uint64_t stop)
{
	size_t n;

	if (stop <= start || (stop - start) % 8 || stop - start > (1u << 27))
		return 0;
	n = (stop - start) / 8;
	c->ftrace = calloc(n, sizeof(*c->ftrace));
	if (!c->ftrace)
		return fail(c, -ENOMEM, "out of memory");
	read_pointers(c, start, n, c->ftrace);
	for (size_t i = 0; i < n; i++) {
		uint64_t e = c->ftrace[i];
		const struct fsym *f;
		uint32_t insn;

		if (!e)
			continue;
		f = sym_at(c, e + 8);
		if (f && f->addr == e + 8)
			e += 8 + (read_insn(c, e + 8, &insn) && a64_is_bti(insn) ? 8 : 4);
		else
			e += 4;
		c->ftrace[c->nftrace++] = e;
	}
	c->have_ftrace = c->nftrace > 0;
	if (c->nftrace)
		qsort(c->ftrace, c->nftrace, sizeof(*c->ftrace), u64_cmp);
	return 0;
}

static int load_symbols(struct ctx *c, struct lt_sitetab *t)
{
	struct specials sp;
	Elf_Scn *scn = NULL;
	size_t cap = 0, acap = 0, bcap = 0;
	int ret;

	memset(&sp, 0, sizeof(sp));
	while ((scn = elf_nextscn(c->elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d || !sh.sh_entsize)
			return fail(c, -ENOEXEC, "truncated or corrupt symbol table");
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym s;
			const char *n;

			if (!gelf_getsym(d, (int)i, &s))
				break;
			n = elf_strptr(c->elf, sh.sh_link, s.st_name);
			if (!n || !*n)
				continue;
			note_special(&sp, n, &s);
			if (GELF_ST_TYPE(s.st_info) != STT_FUNC || s.st_shndx == SHN_UNDEF)
				continue;
			if (lt_sites_grow((void **)&c->syms, &cap, c->nsyms, sizeof(*c->syms)))
				return fail(c, -ENOMEM, "out of memory");
			c->syms[c->nsyms++] = (struct fsym){ s.st_value, s.st_size, n,
							     GELF_ST_BIND(s.st_info) };
		}
		break;
	}
	if (!c->nsyms && !sp.have_text)
		return fail(c, -ENODATA, "no symbol table (.symtab)");
	if (!sp.have_text)
		return fail(c, -ENOEXEC, "no _text symbol: not a vmlinux");
	if (c->nsyms)
		qsort(c->syms, c->nsyms, sizeof(*c->syms), sym_cmp);
	t->text = sp.text;
	c->stext = sp.stext ? sp.stext : sp.text;
	c->etext = sp.etext;
	c->clear_page = sp.clear_page;
	c->copy_page = sp.copy_page;

	for (int i = 0; i < 7; i++)
		if (sp.area_set[i][0] && sp.area_set[i][1] && sp.area[i][1] > sp.area[i][0] &&
		    push_range(&c->areas, &c->nareas, &acap, sp.area[i][0], sp.area[i][1],
			       area_syms[i].why))
			return fail(c, -ENOMEM, "out of memory");
	if (c->nareas)
		qsort(c->areas, c->nareas, sizeof(*c->areas), range_cmp);

	/* NOKPROBE_SYMBOL(f) stores &f in _kprobe_blacklist; the kernel refuses f's extent. */
	if (sp.have_bl && sp.bl_stop > sp.bl_start && (sp.bl_stop - sp.bl_start) % 8 == 0 &&
	    sp.bl_stop - sp.bl_start < (1u << 24)) {
		size_t n = (sp.bl_stop - sp.bl_start) / 8;
		uint64_t *v = calloc(n, sizeof(*v));

		if (!v)
			return fail(c, -ENOMEM, "out of memory");
		read_pointers(c, sp.bl_start, n, v);
		for (size_t i = 0; i < n; i++) {
			const struct fsym *f = v[i] ? sym_at(c, v[i]) : NULL;

			if (f && f->addr == v[i] &&
			    push_range(&c->black, &c->nblack, &bcap, f->addr,
				       f->addr + (f->size ? f->size : 4), f->name)) {
				free(v);
				return fail(c, -ENOMEM, "out of memory");
			}
		}
		free(v);
		if (c->nblack)
			qsort(c->black, c->nblack, sizeof(*c->black), range_cmp);
	}
	if (sp.have_mc && (ret = load_ftrace(c, sp.mc_start, sp.mc_stop)))
		return ret;
	/* struct jump_entry { s32 code, target; long key; }: the code is a NOP or a B,
	 * rewritten when the key flips. struct exception_table_entry { s32 insn, fixup;
	 * s16 type, data; }. struct alt_instr { s32 orig, alt; u16 cap; u8 orig_len, alt_len; }. */
	if (sp.have_jt && (ret = load_rel_table(c, sp.jt_start, sp.jt_stop, 16, -1, &c->jumps,
						  &c->njumps)))
		return ret;
	if (sp.have_alt && (ret = load_rel_table(c, sp.alt_start, sp.alt_stop, 12, 10, &c->alts,
						   &c->nalts)))
		return ret;
	if (sp.have_ex && (ret = load_rel_table(c, sp.ex_start, sp.ex_stop, 12, -1, &c->extab,
						  &c->nextab)))
		return ret;
	return 0;
}

/* Is the instruction at addr one the kernel rewrites (so the file does not tell)? */
static bool patched_at(struct ctx *c, uint64_t addr)
{
	return in_ranges(c->jumps, c->njumps, addr) || in_ranges(c->alts, c->nalts, addr);
}

/* Would arm64 kprobes take a probe at addr? Decodes the instruction; also refused: exception
 * table entries, jump labels, and anything inside an exclusive load/store sequence (found by
 * scanning back at most 128 bytes, not before the function's start, as the kernel does). */
static bool kprobe_takes(struct ctx *c, uint64_t addr)
{
	const struct fsym *f;
	uint32_t i;

	if (!read_insn(c, addr, &i))
		return true;	/* no text in the file: the kernel will tell */
	if (a64_kprobe_refuses(i) || in_ranges(c->extab, c->nextab, addr))
		return false;
	if (in_ranges(c->jumps, c->njumps, addr))
		return false;	/* jump_label_text_reserved() */
	f = sym_at(c, addr);
	if (!f)
		return true;
	for (uint64_t a = addr; a > f->addr && addr - a < 128;) {
		a -= 4;
		if (!read_insn(c, a, &i))
			break;
		if (A64_STORE_EX(i))
			break;
		if (A64_LOAD_EX(i))
			return false;
	}
	return true;
}

/* The end of kallsyms' extent of f: the next function symbol above its start. */
static uint64_t sym_end(struct ctx *c, const struct fsym *f)
{
	for (const struct fsym *g = f + 1; g < c->syms + c->nsyms; g++)
		if (g->addr > f->addr)
			return g->addr;
	return f->addr + (f->size ? f->size : 4);
}

static bool has_ftrace(struct ctx *c, const struct fsym *f)
{
	uint64_t end = sym_end(c, f);
	size_t lo = 0, hi = c->nftrace;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->ftrace[mid] < f->addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->nftrace && c->ftrace[lo] < end;
}

/*
 * Does the kernel take kprobes in f? Without CONFIG_KPROBE_EVENTS_ON_NOTRACE it refuses
 * them in a function whose extent holds no ftrace location (kernel/trace/trace_kprobe.c:
 * within_notrace_func()), unless the name has a suffix ("f.constprop.0", "f.cold") and the
 * function the part before the '.' names has one: kallsyms_lookup_name() finds the lowest
 * of that name. The vmlinux does not say whether the option is set, so the stricter rule is
 * applied to every kernel. Without an mcount_loc table nothing is known: all are taken.
 */
static bool traceable(struct ctx *c, const struct fsym *f)
{
	const struct fsym *base = NULL;
	const char *dot;
	size_t len;

	if (!c->have_ftrace || !f || has_ftrace(c, f))
		return true;
	dot = strchr(f->name, '.');
	if (!dot)
		return false;
	len = dot - f->name;
	for (size_t i = 0; i < c->nsyms; i++)	/* rare: a few suffixed functions per kernel */
		if (!strncmp(c->syms[i].name, f->name, len) && !c->syms[i].name[len]) {
			base = &c->syms[i];
			break;
		}
	return base && has_ftrace(c, base);
}

/* ------------------------------------------------------------ DWARF helpers */

/* enum nclass of an inlined instance or concrete copy, by its abstract origin (cached: a
 * header inline's instances in one unit share it) or its own name. */
static int origin_class(struct ctx *c, Dwarf_Die *d, unsigned char *out)
{
	Dwarf_Attribute a;
	Dwarf_Die o;
	uint64_t key;
	size_t h;

	if (!dwarf_attr(d, DW_AT_abstract_origin, &a) || !dwarf_formref_die(&a, &o)) {
		*out = classify_name(dwarf_diename(d));
		return 0;
	}
	key = dwarf_dieoffset(&o) + 1;
	if (c->ocap) {
		for (h = (key * 0x9e3779b97f4a7c15ull) >> 20 & (c->ocap - 1); c->okeys[h];
		     h = (h + 1) & (c->ocap - 1))
			if (c->okeys[h] == key) {
				*out = c->ovals[h];
				return 0;
			}
	}
	*out = classify_name(dwarf_diename(&o));
	if (*out == NC_NONE) {	/* the name may be one more hop away (specification) */
		Dwarf_Attribute na;
		const char *n = dwarf_formstring(dwarf_attr_integrate(&o, DW_AT_name, &na));

		*out = classify_name(n);
	}
	if ((c->on + 1) * 2 > c->ocap) {	/* keep the table at most half full */
		size_t ncap = c->ocap ? c->ocap * 2 : 1 << 14;
		uint64_t *nk = calloc(ncap, sizeof(*nk));
		unsigned char *nv = malloc(ncap);

		if (!nk || !nv) {
			free(nk);
			free(nv);
			return fail(c, -ENOMEM, "out of memory");
		}
		for (size_t i = 0; i < c->ocap; i++) {
			if (!c->okeys[i])
				continue;
			for (h = (c->okeys[i] * 0x9e3779b97f4a7c15ull) >> 20 & (ncap - 1); nk[h];
			     h = (h + 1) & (ncap - 1))
				;
			nk[h] = c->okeys[i];
			nv[h] = c->ovals[i];
		}
		free(c->okeys);
		free(c->ovals);
		c->okeys = nk;
		c->ovals = nv;
		c->ocap = ncap;
	}
	for (h = (key * 0x9e3779b97f4a7c15ull) >> 20 & (c->ocap - 1); c->okeys[h];
	     h = (h + 1) & (c->ocap - 1))
		;
	c->okeys[h] = key;
	c->ovals[h] = *out;
	c->on++;
	return 0;
}

static const char *die_name(Dwarf_Die *d)
{
	Dwarf_Attribute a;

	return dwarf_formstring(dwarf_attr_integrate(d, DW_AT_name, &a));
}

/*
 * The entry address of code described by a DIE: DW_AT_entry_pc (an address, or in DWARF 5 an
 * offset from the start), else DW_AT_low_pc, else the lowest address of DW_AT_ranges. False
 * for a DIE without code.
 */
static bool die_entry(Dwarf_Die *d, Dwarf_Addr *pc, Dwarf_Addr *first)
{
	Dwarf_Addr base, start, end, low = (Dwarf_Addr)-1, lowpc;
	Dwarf_Attribute a;
	ptrdiff_t off = 0;
	bool any = false;

	while ((off = dwarf_ranges(d, off, &base, &start, &end)) > 0) {
		if (end <= start)
			continue;
		if (!any)
			*first = start;
		any = true;
		if (start < low)
			low = start;
	}
	if (!any)
		return false;
	if (dwarf_attr(d, DW_AT_entry_pc, &a)) {
		Dwarf_Word w;

		if (dwarf_whatform(&a) == DW_FORM_addr || dwarf_whatform(&a) == DW_FORM_addrx ||
		    dwarf_whatform(&a) == DW_FORM_GNU_addr_index) {
			if (dwarf_formaddr(&a, pc) == 0)
				return true;
		} else if (dwarf_formudata(&a, &w) == 0) {
			*pc = (dwarf_lowpc(d, &lowpc) == 0 ? lowpc : *first) + w;
			return true;
		}
	}
	if (dwarf_lowpc(d, pc) == 0)
		return true;
	*pc = low;
	return true;
}

/* The x-register a parameter is in at pc, or -1: only a location that is exactly one
 * register (DW_OP_reg0..30, DW_OP_regx) counts. */
static int param_reg(Dwarf_Die *param, Dwarf_Addr pc)
{
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t n;

	if (!dwarf_attr(param, DW_AT_location, &a) ||
	    dwarf_getlocation_addr(&a, pc, &ops, &n, 1) != 1 || n != 1)
		return -1;
	if (ops[0].atom >= DW_OP_reg0 && ops[0].atom <= DW_OP_reg30)
		return ops[0].atom - DW_OP_reg0;
	if (ops[0].atom == DW_OP_regx && ops[0].number <= 30)
		return (int)ops[0].number;
	return -1;
}

/* A parameter's constant value at pc: DW_AT_const_value, or a location that is a literal
 * (DW_OP_lit<n> or DW_OP_const*u, then DW_OP_stack_value). */
static bool param_const(Dwarf_Die *param, Dwarf_Addr pc, uint64_t *v)
{
	Dwarf_Attribute a;
	Dwarf_Word w;
	Dwarf_Op *ops;
	size_t n;

	if (dwarf_attr(param, DW_AT_const_value, &a))
		return dwarf_formudata(&a, &w) == 0 && (*v = w, true);
	if (!dwarf_attr(param, DW_AT_location, &a) ||
	    dwarf_getlocation_addr(&a, pc, &ops, &n, 1) != 1 || n != 2 ||
	    ops[1].atom != DW_OP_stack_value)
		return false;
	if (ops[0].atom >= DW_OP_lit0 && ops[0].atom <= DW_OP_lit31) {
		*v = ops[0].atom - DW_OP_lit0;
		return true;
	}
	if (ops[0].atom == DW_OP_const1u || ops[0].atom == DW_OP_const2u ||
	    ops[0].atom == DW_OP_const4u || ops[0].atom == DW_OP_constu) {
		*v = ops[0].number;
		return true;
	}
	return false;
}

/* Is the parameter's type (through typedefs and qualifiers) a pointer? */
static bool param_is_pointer(Dwarf_Die *param)
{
	Dwarf_Attribute a;
	Dwarf_Die t = *param;

	for (int i = 0; i < 8; i++) {
		if (!dwarf_attr_integrate(&t, DW_AT_type, &a) || !dwarf_formref_die(&a, &t))
			return false;
		switch (dwarf_tag(&t)) {
		case DW_TAG_pointer_type:
			return true;
		case DW_TAG_typedef: case DW_TAG_const_type: case DW_TAG_volatile_type:
		case DW_TAG_restrict_type: case DW_TAG_atomic_type:
			continue;
		default:
			return false;
		}
	}
	return false;
}

static const char *const entry_names[] = { "entryp", "ptep", "pmdp", "pudp", "p4dp", "pgdp" };
static const char *const val_names[] = { "val", "pte", "pmd", "pud", "p4d", "pgd" };

static bool name_in(const char *n, const char *const *v, size_t nv)
{
	for (size_t i = 0; n && i < nv; i++)
		if (!strcmp(n, v[i]))
			return true;
	return false;
}

/* What a deferral site knows of its update: the level and the registers of the entry's
 * address and new value, and the parameters they came from (checked at later candidates). */
struct defer {
	int level;
	int entry_reg, val_reg;
	int setter;		/* the innermost setter (enum nclass), NC_NONE if none */
	Dwarf_Die entry_p, val_p;
};

/*
 * Innermost first, through the queue_pte_barriers instance and the enclosing instances (or
 * function) that set an entry (__set_pte_complete, set_pmd, ...): the level from the `level`
 * parameter's constant or else the setter's name; the registers from parameters named like
 * the entry pointer and the value (a pointer and a non-pointer), located in a register at pc.
 * Only setters are searched: other functions' `pte`/`pmd` are often something else.
 */
static void defer_info(struct frame *st, int sp, Dwarf_Addr pc, struct defer *df)
{
	bool have_level = false;

	df->level = 0;
	df->entry_reg = df->val_reg = -1;
	df->setter = NC_NONE;
	for (int j = sp; j >= 1; j--) {
		Dwarf_Die ch;
		int r;

		if (!st[j].inst || (j != sp && !NC_SETTER(st[j].nc) && st[j].nc != NC_QUEUE))
			continue;
		if (df->setter == NC_NONE && NC_SETTER(st[j].nc))
			df->setter = st[j].nc;
		if (!have_level && NC_SETTER(st[j].nc)) {
			df->level = st[j].nc - NC_SET_PTE;
			have_level = true;
		}
		for (r = dwarf_child(&st[j].die, &ch); r == 0; r = dwarf_siblingof(&ch, &ch)) {
			const char *n;
			uint64_t v;

			if (dwarf_tag(&ch) != DW_TAG_formal_parameter)
				continue;
			n = die_name(&ch);
			if (!n)
				continue;
			if (!have_level && !strcmp(n, "level") && param_const(&ch, pc, &v) &&
			    v <= 4) {
				df->level = (int)v;
				have_level = true;
			} else if (df->entry_reg < 0 && name_in(n, entry_names, 6) &&
				   param_is_pointer(&ch)) {
				df->entry_reg = param_reg(&ch, pc);
				df->entry_p = ch;
			} else if (df->val_reg < 0 && name_in(n, val_names, 6) &&
				   !param_is_pointer(&ch)) {
				df->val_reg = param_reg(&ch, pc);
				df->val_p = ch;
			}
		}
		if (st[j].tag == DW_TAG_subprogram)
			break;
	}
}

/*
 * Candidate instructions: addr, then each next one while the previous is safe to skip (no
 * store, no branch, not rewritten at boot, does not clobber a register the site reads) and
 * the next is still inside the instance and sees the registers where addr does.
 */
static int count_tries(struct ctx *c, Dwarf_Die *inst, uint64_t addr, struct defer *df)
{
	int tries = 1;

	for (uint64_t a = addr; tries < MAX_TRIES; a += 4) {
		uint32_t i;

		if (!read_insn(c, a, &i) || a64_classify(i) != A64_OTHER || patched_at(c, a))
			break;
		if (dwarf_haspc(inst, a + 4) != 1)
			break;
		if (df && (a64_writes(i, df->entry_reg) || a64_writes(i, df->val_reg) ||
			   (df->entry_reg >= 0 && param_reg(&df->entry_p, a + 4) != df->entry_reg) ||
			   (df->val_reg >= 0 && param_reg(&df->val_p, a + 4) != df->val_reg)))
			break;
		tries++;
	}
	return tries;
}

/*
 * "mm/memory.c", not the build machine's absolute path. The source tree's prefix is learnt
 * from the first absolute name under include/linux/ in a unit's file table; generated files
 * lie under the unit's DW_AT_comp_dir (the object tree); relative names lose "./", "../".
 */
static void learn_root(struct ctx *c, Dwarf_Die *cu)
{
	Dwarf_Files *files;
	size_t n;

	if (c->root[0] || dwarf_getsrcfiles(cu, &files, &n))
		return;
	for (size_t i = 0; i < n; i++) {
		const char *f = dwarf_filesrc(files, i, NULL, NULL);
		const char *q = f && f[0] == '/' ? strstr(f, "/include/linux/") : NULL;

		if (q && (size_t)(q + 1 - f) < sizeof(c->root)) {
			memcpy(c->root, f, q + 1 - f);
			c->root[q + 1 - f] = '\0';
			return;
		}
	}
}

static const char *source_rel(struct ctx *c, Dwarf_Die *cu, const char *p)
{
	size_t rl = strlen(c->root);
	const char *dir = dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &(Dwarf_Attribute){ 0 }));
	size_t dl = dir ? strlen(dir) : 0;

	if (rl && !strncmp(p, c->root, rl))
		return p + rl;
	if (dl && !strncmp(p, dir, dl) && p[dl] == '/')
		return p + dl + 1;
	while (!strncmp(p, "./", 2) || !strncmp(p, "../", 3))
		p += p[1] == '/' ? 2 : 3;
	return p;
}

static void set_where(struct ctx *c, Dwarf_Die *cu, char *where, const char *file,
		      unsigned int line)
{
	const char *rel;
	size_t n;
	char *s;

	if (!file)
		return;
	learn_root(c, cu);
	rel = source_rel(c, cu, file);
	n = strlen(rel);
	if (n > 80)		/* keep the end: the file name and its directory */
		rel += n - 80;
	snprintf(where, LT_SITE_NAME, "%s:%u", rel, line);
	for (s = where; *s; s++)	/* one token in the site file */
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			*s = '?';
}

static void call_site(struct ctx *c, Dwarf_Die *cu, Dwarf_Die *d, char *where)
{
	Dwarf_Attribute a;
	Dwarf_Word file, line;
	Dwarf_Files *files;
	size_t nfiles;

	if (!dwarf_attr(d, DW_AT_call_file, &a) || dwarf_formudata(&a, &file) ||
	    !dwarf_attr(d, DW_AT_call_line, &a) || dwarf_formudata(&a, &line) ||
	    dwarf_getsrcfiles(cu, &files, &nfiles) || file >= nfiles)
		return;
	set_where(c, cu, where, dwarf_filesrc(files, file, NULL, NULL), (unsigned int)line);
}

/* ------------------------------------------------------------ the walk */

static int add_cand(struct ctx *c, struct frame *st, int sp)
{
	struct frame *f = &st[sp];
	struct cand *k;
	struct defer df;
	Dwarf_Addr addr, first, low;
	int outer = 1;

	if (!die_entry(&f->die, &addr, &first) || !text_sec(c, addr))
		return 0;	/* no code, or code the link discarded */
	if (f->nc == NC_ARCH_ENTER)
		c->has_arch_enter = true;
	if (lt_sites_grow((void **)&c->cands, &c->candcap, c->ncands, sizeof(*c->cands)))
		return fail(c, -ENOMEM, "out of memory");
	k = &c->cands[c->ncands++];
	memset(k, 0, sizeof(*k));
	k->nc = f->nc;
	k->copy = f->tag == DW_TAG_subprogram;
	for (int m = 0; m < 2; m++) {
		int kind = kind_of(f->nc, m);

		for (int j = 1; kind && j < sp; j++)
			if (st[j].inst && kind_of(st[j].nc, m) == kind)
				k->nested |= 1 << m;
	}
	k->s.addr = addr;
	snprintf(k->s.helper, sizeof(k->s.helper), "%s", helper_names[f->nc]);
	k->s.entry_reg = k->s.val_reg = -1;
	if (f->tag == DW_TAG_inlined_subroutine)
		call_site(c, &st[0].die, &f->die, k->s.where);
	if (f->nc == NC_QUEUE) {
		defer_info(st, sp, addr, &df);
		k->s.level = df.level;
		k->s.entry_reg = df.entry_reg;
		k->s.val_reg = df.val_reg;
		k->setter = df.setter;
	}
	k->s.tries = count_tries(c, &f->die, addr, f->nc == NC_QUEUE ? &df : NULL);

	/* The outermost function, for when .symtab does not name the address. */
	while (outer < sp && st[outer].tag != DW_TAG_subprogram)
		outer++;
	snprintf(k->dfunc, sizeof(k->dfunc), "%s", die_name(&st[outer].die) ?: "?");
	if (dwarf_lowpc(&st[outer].die, &low) == 0)
		k->dlow = low;
	else
		k->dlow = die_entry(&st[outer].die, &low, &first) ? first : addr;
	return 0;
}

static bool has_code(Dwarf_Die *d)
{
	return dwarf_hasattr(d, DW_AT_low_pc) || dwarf_hasattr(d, DW_AT_ranges);
}

/* Looks at st[sp]; returns whether its children can hold code (1), 0 if not, < 0 on error. */
static int visit(struct ctx *c, struct frame *st, int sp)
{
	struct frame *f = &st[sp];
	int ret;

	f->tag = dwarf_tag(&f->die);
	f->nc = NC_NONE;
	f->inst = false;
	switch (f->tag) {
	case DW_TAG_subprogram:
		if (!has_code(&f->die))
			return 0;	/* a declaration or an abstract inline: no addresses */
		/* fall through */
	case DW_TAG_inlined_subroutine:
		f->inst = true;
		ret = origin_class(c, &f->die, &f->nc);
		if (ret)
			return ret;
		if (NC_HELPER(f->nc) && (ret = add_cand(c, st, sp)))
			return ret;
		return 1;
	case DW_TAG_lexical_block:
		return 1;
	case DW_TAG_structure_type:
		if (!c->has_counters) {
			const char *n = dwarf_diename(&f->die);

			c->has_counters = n && !strcmp(n, "lazy_mmu_state");
		}
		return 0;
	default:
		return 0;
	}
}

static int walk_unit(struct ctx *c, Dwarf_Die *cudie)
{
	struct frame *st = c->stack;
	int sp = 1, r;

	st[0].die = *cudie;
	st[0].tag = DW_TAG_compile_unit;
	st[0].inst = false;
	st[0].nc = NC_NONE;
	r = dwarf_child(&st[0].die, &st[1].die);
	if (r)
		return r < 0 ? fail(c, -ENOEXEC, "corrupt DWARF: %s", dwarf_errmsg(-1)) : 0;
	for (;;) {
		r = visit(c, st, sp);
		if (r < 0)
			return r;
		if (r > 0 && sp + 1 < MAX_DEPTH) {
			r = dwarf_child(&st[sp].die, &st[sp + 1].die);
			if (r < 0)
				return fail(c, -ENOEXEC, "corrupt DWARF: %s", dwarf_errmsg(-1));
			if (r == 0) {
				sp++;
				continue;
			}
		}
		for (;;) {	/* next sibling, or back up */
			r = dwarf_siblingof(&st[sp].die, &st[sp].die);
			if (r < 0)
				return fail(c, -ENOEXEC, "corrupt DWARF: %s", dwarf_errmsg(-1));
			if (r == 0)
				break;
			if (--sp == 0)
				return 0;
		}
	}
}

static int walk_dwarf(struct ctx *c)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie;
	Dwarf_Half version;
	uint8_t type;
	int r;

	while ((r = dwarf_get_units(c->dw, cu, &cu, &version, &type, &cudie, NULL)) == 0) {
		if (type != DW_UT_compile && type != DW_UT_partial)
			continue;
		r = walk_unit(c, &cudie);
		if (r)
			return r;
	}
	if (r < 0)
		return fail(c, -ENOEXEC, "corrupt DWARF: %s", dwarf_errmsg(-1));
	return 0;
}

/* ------------------------------------------------------------ the table */

/* Not init or exit code, nor the head before _stext. */
static bool runtime_text(struct ctx *c, uint64_t addr)
{
	return addr >= c->stext && (!c->etext || addr < c->etext);
}

/* Why the kernel will not take a probe anywhere in this site's function, or NULL. */
static const char *refusal(struct ctx *c, const struct lt_site *s, const struct fsym *f)
{
	const struct range *r = in_ranges(c->areas, c->nareas, s->addr);
	const char *dot;

	if (r)
		return r->why;
	if (!runtime_text(c, s->addr))
		return "not in the kernel's run-time text (init or exit code)";
	if (in_ranges(c->black, c->nblack, s->addr))
		return "function is in the kprobe blacklist";
	/* The kernel also checks "f" for a clone "f.constprop.0". */
	dot = f ? strchr(f->name, '.') : NULL;
	for (size_t i = 0; dot && i < c->nblack; i++)
		if (!strncmp(c->black[i].why, f->name, dot - f->name) &&
		    c->black[i].why[dot - f->name] == '\0')
			return "function is in the kprobe blacklist";
	return NULL;
}

/* Why arm64 kprobes take none of the site's candidate instructions, or NULL. */
static const char *insn_refusal(struct ctx *c, const struct lt_site *s)
{
	for (int i = 0; i < s->tries; i++)
		if (kprobe_takes(c, s->addr + 4 * i))
			return NULL;
	return "arm64 kprobes refuse every candidate instruction";
}

/*
 * Names the site's function (func/func_off by .symtab, what kallsyms shows, else by the
 * DWARF function) and files the site: among the refused (for why, or a reason of the
 * kernel's), set aside if the kernel refuses kprobes in its function for want of an ftrace
 * location (resolve_calls() moves it to the calls of that function), else among the sites.
 */
static int place(struct ctx *c, struct lt_sitetab *t, struct pend *p, const char *dfunc,
		 uint64_t dlow, const char *why)
{
	struct lt_site *s = &p->s;
	const struct fsym *f = sym_at(c, s->addr);

	if (f && (s->addr < f->addr + f->size || !f->size)) {
		snprintf(s->func, sizeof(s->func), "%s", f->name);
		s->func_off = (uint32_t)(s->addr - f->addr);
	} else {
		snprintf(s->func, sizeof(s->func), "%s", dfunc && *dfunc ? dfunc : "?");
		s->func_off = dlow <= s->addr ? (uint32_t)(s->addr - dlow) : 0;
	}
	for (char *q = s->func; *q; q++)
		if ((unsigned char)*q <= ' ')
			*q = '?';
	if (!why)
		why = refusal(c, s, f);
	if (!why && !traceable(c, f)) {
		char chain[LT_SITE_NAME];

		p->f = f;
		snprintf(chain, sizeof(chain), "%s", p->chain);
		if (p->hops)
			snprintf(p->chain, sizeof(p->chain), "%.60s <- %.30s", chain, f->name);
		else
			snprintf(p->chain, sizeof(p->chain), "%.90s", f->name);
		if (lt_sites_grow((void **)&c->pend, &c->pendcap, c->npend, sizeof(*p)))
			return fail(c, -ENOMEM, "out of memory");
		c->pend[c->npend++] = *p;
		return 0;
	}
	if (!why)
		why = insn_refusal(c, s);
	if (why ? lt_sites_add_refused(t, s, why) : lt_sites_add(t, s))
		return fail(c, -ENOMEM, "out of memory");
	return 0;
}

static void line_of(struct ctx *c, uint64_t addr, char *where)
{
	Dwarf_Die cu;
	Dwarf_Line *l;
	int line;

	if (!dwarf_addrdie(c->dw, addr, &cu) || !(l = dwarf_getsrc_die(&cu, addr)) ||
	    dwarf_lineno(l, &line))
		return;
	set_where(c, &cu, where, dwarf_linesrc(l, NULL, NULL), (unsigned int)line);
}

/* Calls `bl`/`b` to the targets (sorted) in any kernel text, init text too. */
typedef int (*call_fn)(struct ctx *c, struct lt_sitetab *t, void *arg, uint64_t pc,
		       uint64_t to);

static int scan_calls(struct ctx *c, struct lt_sitetab *t, const uint64_t *to_v, size_t nto,
		      call_fn fn, void *arg)
{
	if (!nto)
		return 0;
	for (size_t k = 0; k < c->nsecs; k++) {
		const struct xsec *x = &c->secs[k];

		if (!x->data)
			continue;
		for (uint64_t o = 0; o + 4 <= x->size; o += 4) {
			const unsigned char *p = x->data + o;
			uint32_t i = p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
			uint64_t pc = x->addr + o, to;
			size_t lo = 0, hi = nto;
			int ret;

			if (!a64_bl_or_b(i, pc, &to) || to < to_v[0] || to > to_v[nto - 1])
				continue;
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;

				if (to_v[mid] < to)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (lo == nto || to_v[lo] != to)
				continue;
			ret = fn(c, t, arg, pc, to);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* `bl clear_page` / `bl copy_page` (and tail calls, `b`): x0 (and x1) are the pages. */
static int page_call(struct ctx *c, struct lt_sitetab *t, void *arg, uint64_t pc, uint64_t to)
{
	struct pend p;

	(void)arg;
	if (!runtime_text(c, pc))
		return 0;	/* init code: over before anyone traces */
	memset(&p, 0, sizeof(p));
	p.s.addr = pc;
	p.s.kind = to == c->clear_page ? LT_SITE_CLEAR_PAGE : LT_SITE_COPY_PAGE;
	p.s.tries = 1;
	p.s.entry_reg = p.s.val_reg = -1;
	snprintf(p.s.helper, sizeof(p.s.helper), "%s",
		 to == c->clear_page ? "clear_page" : "copy_page");
	line_of(c, pc, p.s.where);
	return place(c, t, &p, NULL, pc, NULL);
}

/* ------------------------------------------------------------ calls of notrace functions */

/*
 * A site in a function F the kernel refuses kprobes in (no ftrace location) is probed at
 * each `bl F` / `b F` in functions it takes them in: at the call the state is as it was
 * before F ran. That stands for the site only where one call of F is one helper call:
 *  - F is an out-of-line copy of a helper (`lazy_mmu_mode_disable`, `queue_pte_barriers`):
 *    a call of it is that helper, whatever F holds inside (the flush of a disable: the
 *    reconstruction infers it);
 *  - F holds exactly one deferral and nothing else (`__set_ptes_anysz.constprop.0`,
 *    `pmd_populate.isra.0`): a call defers, or, when a setter decides (__set_pte_complete:
 *    the new PTE is valid kernel; set_pmd/set_pud: the entry is valid), defers for some
 *    values of F's argument; the site then carries the condition and the register that
 *    argument arrives in, and without such a register the calls are refused.
 * Anything else (two deferrals, an inlined enable, a clear_page call whose address F
 * computes) a call cannot tell, and F's sites are refused. A caller without an ftrace
 * location is followed the same way, up to MAX_HOPS calls.
 */
#define MAX_HOPS	3

enum { CTX_NONE, CTX_SETTER, CTX_ALL };	/* what a call's own DWARF context gives */

struct target {
	uint64_t addr;		/* F */
	const struct fsym *f;
	struct pend tmpl;	/* what a call of F stands for */
	const char *why;	/* calls of F are refused, for this reason */
	int ctx;		/* CTX_*: read at each call (the copy of a deferral: all of it) */
	size_t first, n;	/* F's sites in the round's list */
	size_t ncalls, ninit;	/* calls of F in the run-time text, in init text */
};

static int pend_cmp(const void *a, const void *b)
{
	const struct pend *x = a, *y = b;

	if (x->f->addr != y->f->addr)
		return x->f->addr < y->f->addr ? -1 : 1;
	if (x->s.addr != y->s.addr)
		return x->s.addr < y->s.addr ? -1 : 1;
	return (int)x->s.kind - (int)y->s.kind;
}

static int cond_of(int setter)
{
	switch (setter) {
	case NC_SET_PTE: return LT_COND_PTE;		/* __set_pte_complete() */
	case NC_SET_PMD: case NC_SET_PUD: return LT_COND_VALID;
	default: return LT_COND_NONE;	/* set_p4d() and set_pgd() always queue */
	}
}

/* The concrete DWARF function one of whose ranges starts at addr. */
static bool func_die(struct ctx *c, uint64_t addr, Dwarf_Die *out)
{
	Dwarf_Die cu, d;

	if (!dwarf_addrdie(c->dw, addr, &cu) || dwarf_child(&cu, &d))
		return false;
	do {
		Dwarf_Addr base, start, end;
		ptrdiff_t off = 0;

		if (dwarf_tag(&d) != DW_TAG_subprogram)
			continue;
		while ((off = dwarf_ranges(&d, off, &base, &start, &end)) > 0)
			if (start == addr && end > start) {
				*out = d;
				return true;
			}
	} while (dwarf_siblingof(&d, &d) == 0);
	return false;
}

/*
 * The registers that hold, when F is entered, the new entry value and the entry's address:
 * F's own parameters named like them (pte ... pgd or val; ptep ... pgdp or entryp), each
 * exactly one register at F's first instruction, so that they are there at a call too
 * (preferring the names of the deferral's level). A deferral that is itself a call of a
 * conditional function (hops > 0) needs the value passed on: only the parameter found in
 * that call's register there counts.
 */
static void entry_regs(struct ctx *c, const struct fsym *f, const struct pend *d,
		       struct lt_site *s)
{
	bool through = d->hops && d->s.cond;
	Dwarf_Die fd, ch;
	int r;

	s->entry_reg = s->val_reg = -1;
	if (!func_die(c, f->addr, &fd))
		return;
	for (r = dwarf_child(&fd, &ch); r == 0; r = dwarf_siblingof(&ch, &ch)) {
		const char *n;
		int reg;

		if (dwarf_tag(&ch) != DW_TAG_formal_parameter || !(n = die_name(&ch)))
			continue;
		if (name_in(n, val_names, 6) && !param_is_pointer(&ch)) {
			if (through && param_reg(&ch, d->s.addr) != d->s.val_reg)
				continue;
			reg = param_reg(&ch, f->addr);
			if (reg >= 0 && (s->val_reg < 0 || !strcmp(n, val_names[s->level + 1])))
				s->val_reg = reg;
		} else if (name_in(n, entry_names, 6) && param_is_pointer(&ch)) {
			if (through && d->s.entry_reg >= 0 &&
			    param_reg(&ch, d->s.addr) != d->s.entry_reg)
				continue;
			reg = param_reg(&ch, f->addr);
			if (reg >= 0 && (s->entry_reg < 0 || !strcmp(n, entry_names[s->level + 1])))
				s->entry_reg = reg;
		}
	}
}

/*
 * The DWARF scopes around pc, outermost first from st[1] (st[0] the unit), as the walk
 * keeps them: subprograms, inlined instances and blocks whose ranges hold pc. Returns the
 * index of the innermost, 0 if none.
 */
static int scopes_at(struct ctx *c, uint64_t pc, struct frame *st)
{
	int sp = 0, r;

	if (!dwarf_addrdie(c->dw, pc, &st[0].die))
		return 0;
	st[0].tag = DW_TAG_compile_unit;
	st[0].inst = false;
	st[0].nc = NC_NONE;
	for (r = dwarf_child(&st[0].die, &st[1].die); r == 0;) {
		struct frame *f = &st[sp + 1];

		f->tag = dwarf_tag(&f->die);
		if ((f->tag == DW_TAG_subprogram || f->tag == DW_TAG_inlined_subroutine ||
		     f->tag == DW_TAG_lexical_block) && dwarf_haspc(&f->die, pc) == 1) {
			f->inst = f->tag != DW_TAG_lexical_block;
			f->nc = NC_NONE;
			if (f->inst && origin_class(c, &f->die, &f->nc))
				return -1;
			if (++sp + 2 >= MAX_DEPTH)
				break;	/* keeps room for call_defer()'s frame */
			r = dwarf_child(&f->die, &st[sp + 1].die);
		} else {
			r = dwarf_siblingof(&f->die, &f->die);
		}
	}
	return sp;
}

/* What defer_info() says at a call: the setters (and their parameters) the call lies in. */
static int call_defer(struct ctx *c, uint64_t pc, struct defer *df)
{
	struct frame *st = c->stack;
	int sp = scopes_at(c, pc, st);

	df->level = 0;
	df->entry_reg = df->val_reg = -1;
	df->setter = NC_NONE;
	if (sp < 0)
		return fail(c, -ENOMEM, "out of memory");
	if (sp == 0 || sp + 1 >= MAX_DEPTH)
		return 0;
	st[sp + 1].inst = false;	/* not an instance: only the setters around it count */
	st[sp + 1].nc = NC_NONE;
	st[sp + 1].tag = 0;
	defer_info(st, sp + 1, pc, df);
	return 0;
}

__attribute__((format(printf, 4, 5)))
static int refuse_pend(struct ctx *c, struct lt_sitetab *t, const struct pend *p,
		       const char *fmt, ...)
{
	char why[LT_SITE_NAME];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (lt_sites_add_refused(t, &p->s, why))
		return fail(c, -ENOMEM, "out of memory");
	return 0;
}

/* What a call of F stands for (g->tmpl), or F's sites refused (g->f stays NULL). */
static int plan_target(struct ctx *c, struct lt_sitetab *t, struct pend *v, size_t n,
		       struct target *g)
{
	const struct fsym *f = v[0].f;
	const struct pend *copy = NULL, *d = NULL;
	size_t ndefer = 0;
	bool deep = false;
	int ret = 0;

	for (size_t i = 0; i < n; i++) {
		deep |= v[i].hops >= MAX_HOPS;
		if (v[i].copy && v[i].s.addr == f->addr) {
			copy = &v[i];
		} else if (v[i].s.kind == LT_SITE_DEFER) {
			d = &v[i];
			ndefer++;
		}
	}
	for (size_t i = 0; i < n && !ret; i++) {
		if (deep)
			ret = refuse_pend(c, t, &v[i], "no ftrace location in %s", v[i].chain);
		else if (!copy && ndefer > 1 && v[i].s.kind == LT_SITE_DEFER)
			ret = refuse_pend(c, t, &v[i], "several deferrals inside %.40s, which "
					  "kprobes cannot reach", f->name);
		else if (!copy && (ndefer != 1 || n != 1))
			ret = refuse_pend(c, t, &v[i], "%.40s has no ftrace location and a call of "
					  "it is not one %.30s", f->name, v[i].s.helper);
	}
	if (ret || deep || (!copy && (ndefer != 1 || n != 1)))
		return ret;
	g->addr = f->addr;
	g->f = f;
	if (copy) {
		g->tmpl = *copy;
		g->tmpl.s.cond = LT_COND_NONE;
		g->ctx = copy->s.kind == LT_SITE_DEFER ? CTX_ALL : CTX_NONE;
		return 0;
	}
	g->tmpl = *d;
	g->tmpl.s.cond = d->s.cond ? d->s.cond : cond_of(d->setter);
	entry_regs(c, f, d, &g->tmpl.s);
	if (g->tmpl.s.cond && g->tmpl.s.val_reg < 0)
		g->why = "conditional deferral without the entry value in a register";
	g->ctx = g->tmpl.s.cond ? CTX_NONE : CTX_SETTER;
	return 0;
}

static int target_cmp(const void *a, const void *b)
{
	const struct target *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

struct round {
	struct target *g;
	size_t ng;
};

/* A `bl F` / `b F`: a site like F's template there, or on up if the caller is notrace too. */
static int target_call(struct ctx *c, struct lt_sitetab *t, void *arg, uint64_t pc,
		       uint64_t to)
{
	struct round *rd = arg;
	struct target key = { .addr = to }, *g;
	const struct fsym *caller = sym_at(c, pc);
	struct pend p;

	g = bsearch(&key, rd->g, rd->ng, sizeof(key), target_cmp);
	if (!g || (caller && caller->addr == g->addr))
		return 0;	/* F's own loop back to its start */
	if (!runtime_text(c, pc)) {
		g->ninit++;
		return 0;
	}
	g->ncalls++;
	p = g->tmpl;
	p.s.addr = pc;
	p.s.tries = 1;
	p.s.via = LT_VIA_CALL;
	p.s.where[0] = '\0';
	p.copy = false;
	p.setter = NC_NONE;
	p.hops++;
	line_of(c, pc, p.s.where);
	if (g->ctx == CTX_ALL || (g->ctx == CTX_SETTER && !g->why && !traceable(c, caller))) {
		struct defer df;
		int ret = call_defer(c, pc, &df);

		if (ret)
			return ret;
		p.setter = df.setter;
		if (g->ctx == CTX_ALL) {
			p.s.level = df.level;
			p.s.entry_reg = df.entry_reg;
			p.s.val_reg = df.val_reg;
		}
	}
	return place(c, t, &p, NULL, pc, g->why);
}

/*
 * Moves the sites set aside by place() to the calls of their functions, a round per call
 * level: each round plans a target per function, then finds all their calls in one pass
 * over the text. Sites of a function nothing calls directly are refused.
 */
static int resolve_calls(struct ctx *c, struct lt_sitetab *t)
{
	while (c->npend) {
		struct pend *v = c->pend;
		size_t n = c->npend, w = 0;
		struct round rd = { NULL, 0 };
		uint64_t *to = NULL;
		int ret = 0;

		c->pend = NULL;
		c->npend = c->pendcap = 0;
		qsort(v, n, sizeof(*v), pend_cmp);
		for (size_t i = 0; i < n; i++) {	/* one per address and kind (two units) */
			if (w && !pend_cmp(&v[w - 1], &v[i]))
				v[w - 1].copy |= v[i].copy;
			else
				v[w++] = v[i];
		}
		n = w;
		rd.g = calloc(n, sizeof(*rd.g));
		to = calloc(n, sizeof(*to));
		if (!rd.g || !to)
			ret = fail(c, -ENOMEM, "out of memory");
		for (size_t i = 0, j; !ret && i < n; i = j) {
			struct target *g = &rd.g[rd.ng];	/* zeroed */

			for (j = i + 1; j < n && v[j].f->addr == v[i].f->addr; j++)
				;
			ret = plan_target(c, t, v + i, j - i, g);
			if (!ret && g->f) {
				g->first = i;
				g->n = j - i;
				to[rd.ng++] = g->addr;
			}
		}
		if (!ret)
			ret = scan_calls(c, t, to, rd.ng, target_call, &rd);
		for (size_t i = 0; !ret && i < rd.ng; i++) {
			const struct target *g = &rd.g[i];

			for (size_t k = 0; !g->ncalls && !ret && k < g->n; k++)
				ret = refuse_pend(c, t, &v[g->first + k], "%.50s has no ftrace "
						  "location and %s", g->f->name, g->ninit ?
						  "only init code calls it" : "no direct calls");
		}
		free(v);
		free(rd.g);
		free(to);
		if (ret)
			return ret;
	}
	return 0;
}

static int site_cmp(const void *a, const void *b)
{
	const struct lt_site *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return (int)x->kind - (int)y->kind;
}

static int refused_cmp(const void *a, const void *b)
{
	return site_cmp(&((const struct lt_site_refused *)a)->site,
			&((const struct lt_site_refused *)b)->site);
}

/* Sorted by address; one entry per address and kind (a copy of the DIE tree in two units,
 * or two instances starting at one instruction, is one call). */
static void sort_unique(struct lt_sitetab *t)
{
	size_t w = 0;

	if (t->n)
		qsort(t->sites, t->n, sizeof(*t->sites), site_cmp);
	for (size_t i = 0; i < t->n; i++)
		if (!w || site_cmp(&t->sites[w - 1], &t->sites[i]))
			t->sites[w++] = t->sites[i];
	t->n = w;
	w = 0;
	if (t->nrefused)
		qsort(t->refused, t->nrefused, sizeof(*t->refused), refused_cmp);
	for (size_t i = 0; i < t->nrefused; i++)
		if (!w || refused_cmp(&t->refused[w - 1], &t->refused[i]))
			t->refused[w++] = t->refused[i];
	t->nrefused = w;
}

static int build_table(struct ctx *c, struct lt_sitetab *t)
{
	uint64_t pages[2] = { c->clear_page, c->copy_page };
	struct pend p;
	bool tif;
	int ret;

	t->state = c->has_counters ? LT_SITE_STATE_COUNTERS :
		   c->has_arch_enter ? LT_SITE_STATE_TIF : LT_SITE_STATE_UNKNOWN;
	tif = t->state == LT_SITE_STATE_TIF;
	for (size_t i = 0; i < c->ncands; i++) {
		struct cand *k = &c->cands[i];
		int kind = kind_of(k->nc, tif);

		if (!kind || (k->nested & (1 << tif)))
			continue;
		memset(&p, 0, sizeof(p));
		p.s = k->s;
		p.s.kind = kind;
		p.s.via = LT_VIA_INLINE;
		p.setter = k->setter;
		p.copy = k->copy;
		ret = place(c, t, &p, k->dfunc, k->dlow, NULL);
		if (ret)
			return ret;
	}
	if (pages[0] > pages[1]) {	/* scan_calls() wants them sorted, and not 0 */
		pages[0] = c->copy_page;
		pages[1] = c->clear_page;
	}
	ret = scan_calls(c, t, pages + !pages[0], 2 - !pages[0], page_call, NULL);
	if (!ret)
		ret = resolve_calls(c, t);
	if (ret)
		return ret;
	sort_unique(t);
	return 0;
}

/* ------------------------------------------------------------ entry point */

static void ctx_free(struct ctx *c)
{
	free(c->syms);
	free(c->secs);
	free(c->areas);
	free(c->black);
	free(c->jumps);
	free(c->alts);
	free(c->extab);
	free(c->okeys);
	free(c->ovals);
	free(c->cands);
	free(c->ftrace);
	free(c->byname);
	free(c->pend);
	if (c->dw)
		dwarf_end(c->dw);
	if (c->elf)
		elf_end(c->elf);
	if (c->fd >= 0)
		close(c->fd);
	free(c);
}

static int open_vmlinux(struct ctx *c, struct lt_sitetab *t)
{
	bool have_debug_info = false;
	struct stat stt;
	size_t shnum;
	GElf_Ehdr eh;
	int ret;

	c->fd = open(c->path, O_RDONLY | O_CLOEXEC);
	if (c->fd < 0) {
		ret = errno;
		return fail(c, -ret, "%s", strerror(ret));
	}
	if (fstat(c->fd, &stt) || !S_ISREG(stt.st_mode))
		return fail(c, -ENOEXEC, "not a regular file");
	c->fsize = stt.st_size;
	elf_version(EV_CURRENT);
	c->elf = elf_begin(c->fd, ELF_C_READ_MMAP, NULL);
	if (!c->elf || elf_kind(c->elf) != ELF_K_ELF)
		return fail(c, -ENOEXEC, "not an ELF file");
	if (!gelf_getehdr(c->elf, &eh))
		return fail(c, -ENOEXEC, "truncated ELF header");
	if (eh.e_machine != EM_AARCH64)
		return fail(c, -ENOEXEC, "not an arm64 ELF (machine %u)", eh.e_machine);
	if (gelf_getclass(c->elf) != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB)
		return fail(c, -ENOEXEC, "not a 64-bit little-endian ELF");
	/* libelf quietly shows no sections when their headers lie past the end of the file */
	if (eh.e_shoff > c->fsize || (uint64_t)eh.e_shnum * eh.e_shentsize > c->fsize - eh.e_shoff)
		return fail(c, -ENOEXEC, "truncated (the section headers end at byte %llu, the "
			    "file has %llu)", (unsigned long long)eh.e_shoff +
			    (unsigned long long)eh.e_shnum * eh.e_shentsize,
			    (unsigned long long)c->fsize);
	if (elf_getshdrnum(c->elf, &shnum) || !shnum)
		return fail(c, -ENOEXEC, "corrupt ELF (no section headers)");
	ret = load_sections(c, &have_debug_info);
	if (!ret)
		ret = load_build_id(c, t);
	if (ret)
		return ret;
	if (!have_debug_info)
		return fail(c, -ENODATA, "no DWARF (.debug_info missing): install the kernel's "
			    "-dbg package");
	ret = load_symbols(c, t);
	if (ret)
		return ret;
	c->dw = dwarf_begin_elf(c->elf, DWARF_C_READ, NULL);
	if (!c->dw)
		return fail(c, -ENOEXEC, "unreadable DWARF: %s", dwarf_errmsg(-1));
	return 0;
}

int lt_sites_from_dwarf(const char *vmlinux, struct lt_sitetab *t, char *err, size_t errlen)
{
	struct ctx *c = calloc(1, sizeof(*c));
	int ret;

	memset(t, 0, sizeof(*t));
	if (errlen)
		err[0] = '\0';
	if (!c) {
		snprintf(err, errlen, "%s: out of memory", vmlinux);
		return -ENOMEM;
	}
	c->path = vmlinux;
	c->err = err;
	c->errlen = errlen;
	c->fd = -1;
	ret = open_vmlinux(c, t);
	if (!ret)
		ret = walk_dwarf(c);
	if (!ret)
		ret = build_table(c, t);
	if (!ret)
		snprintf(t->source, sizeof(t->source), "%s", vmlinux);
	ctx_free(c);
	if (ret) {
		lt_sites_free(t);
		memset(t, 0, sizeof(*t));
	}
	return ret;
}
