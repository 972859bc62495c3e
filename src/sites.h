/* SPDX-License-Identifier: GPL-2.0 */
/*
 * src/sites.h: the probe sites of the `probes+dwarf` mode. On kernels without our tracepoints
 * every lazy MMU helper is `static inline`; the kernel's DWARF says where each inlined copy
 * (and each out-of-line copy) lies. A site table lists them for one kernel build (keyed by its
 * GNU build id), with link-time addresses: the loader adds the KASLR offset (runtime _text -
 * link-time _text) and places one kprobe per site.
 *
 * Tables come from the debug info (src/sites_dwarf.c, libdw) or from a file written by
 * `lazytrace sites` (src/sites_file.c), so a host without the debug package can use them.
 */
#ifndef LT_SITES_H
#define LT_SITES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>

#include "lazytrace.h"

enum lt_site_kind {
	LT_SITE_ENABLE = 1,	/* lazy_mmu_mode_enable() */
	LT_SITE_DISABLE,	/* lazy_mmu_mode_disable() */
	LT_SITE_PAUSE,		/* lazy_mmu_mode_pause() */
	LT_SITE_RESUME,		/* lazy_mmu_mode_resume() */
	LT_SITE_DEFER,		/* queue_pte_barriers(): defers the barriers if the mode is active */
	LT_SITE_FLUSH,		/* arch_flush_lazy_mmu_mode() (also inside arch_leave_...) */
	LT_SITE_CLEAR_PAGE,	/* a `bl clear_page` instruction: x0 is the page's address */
	LT_SITE_COPY_PAGE,	/* a `bl copy_page`: x0 destination, x1 source */
	LT_SITE_ARCH_ENTER,	/* 6.16-6.19: arch_enter_lazy_mmu_mode() (TIF_LAZY_MMU) */
	LT_SITE_ARCH_LEAVE,	/* 6.16-6.19: arch_leave_lazy_mmu_mode() */
	LT_SITE_KIND_MAX
};

#define LT_SITE_NAME 96

/*
 * A helper is probed at the first instruction of each inlined copy, or, where the kernel
 * refuses kprobes (a function without an ftrace location, e.g. GCC's local copies such as
 * `lazy_mmu_mode_disable` or `__set_ptes_anysz.constprop.0`, unless the kernel has
 * CONFIG_KPROBE_EVENTS_ON_NOTRACE), at each `bl`/`b` that calls the function holding it:
 * there too the state is as it was before the helper ran.
 */
enum lt_site_via {
	LT_VIA_INLINE,		/* first instruction of an inlined copy (or of a traceable
				 * out-of-line copy) */
	LT_VIA_CALL,		/* a bl/b to an out-of-line copy of the helper, or to a function
				 * without an ftrace location that holds it */
};

/* When a deferral site at a call defers: the called function calls queue_pte_barriers()
 * only for some values of its entry argument (val_reg). */
enum lt_site_cond {
	LT_COND_NONE = LT_SITE_COND_NONE,	/* always (the helper itself) */
	LT_COND_PTE = LT_SITE_COND_PTE,		/* pte_valid_not_user(val): __set_pte_complete() */
	LT_COND_VALID = LT_SITE_COND_VALID,	/* val & 1 (PMD/PUD/P4D/PGD valid): set_pmd() and the like */
};

struct lt_site {
	__u64 addr;		/* link-time address of the probe instruction */
	__u8 kind;		/* enum lt_site_kind */
	__u8 tries;		/* candidate instructions from addr (addr, addr+4, ...), >= 1: the
				 * loader takes the first the kernel accepts; all are still inside
				 * the inlined range and before the helper changes any state */
	__u8 level;		/* LT_SITE_DEFER: enum lt_level (pte, pmd, ...) */
	__s8 entry_reg;		/* LT_SITE_DEFER: x-register holding the table entry's address at
				 * addr, -1 if the DWARF does not locate it in a register */
	__s8 val_reg;		/* LT_SITE_DEFER: x-register holding the new entry value, or -1 */
	__u8 cond;		/* LT_SITE_DEFER: enum lt_site_cond (a call of a function that
				 * defers only for some values) */
	__u8 via;		/* enum lt_site_via: how the site stands for the helper */
	__u32 func_off;		/* addr - start of func */
	char func[LT_SITE_NAME];	/* outermost concrete function the site lies in */
	char helper[LT_SITE_NAME];	/* the inlined helper (or called function) */
	char where[LT_SITE_NAME];	/* call site "file:line" of the helper, "" if unknown */
};

/* A site the table knows of but that cannot be probed, with the reason (shown by `probe`). */
struct lt_site_refused {
	struct lt_site site;
	char reason[LT_SITE_NAME];
};

/* What lazy MMU state the kernel keeps (decides how site events are read). */
enum lt_site_state {
	LT_SITE_STATE_UNKNOWN,
	LT_SITE_STATE_COUNTERS,	/* task_struct.lazy_mmu_state (7.0+) */
	LT_SITE_STATE_TIF,	/* TIF_LAZY_MMU flag (6.16-6.19) */
};

struct lt_sitetab {
	char build_id[41];	/* GNU build id of the vmlinux, lowercase hex */
	__u64 text;		/* link-time address of _text */
	char source[256];	/* where the sites came from: the debug-info path or the table file */
	enum lt_site_state state;
	struct lt_site *sites;
	size_t n, cap;
	struct lt_site_refused *refused;
	size_t nrefused, refused_cap;
};

/* Exit codes of the debug-info and site-table errors (documented in the README). */
#define LT_EXIT_NO_DEBUGINFO	3	/* no such file, no DWARF, truncated, not arm64, no build id */
#define LT_EXIT_BUILD_ID	4	/* debug info or table of another kernel build */

/*
 * Read the sites from a vmlinux with DWARF (libdw). On error returns a negative errno-like
 * value and a one-line reason in err (e.g. "vmlinux-7.2: no DWARF (.debug_info missing)").
 */
int lt_sites_from_dwarf(const char *vmlinux, struct lt_sitetab *t, char *err, size_t errlen);

/* The site table file: a small line-oriented text file (format in src/sites_file.c). */
int lt_sites_write(const struct lt_sitetab *t, FILE *f);
int lt_sites_read(const char *path, struct lt_sitetab *t, char *err, size_t errlen);

void lt_sites_free(struct lt_sitetab *t);

/* Append a site, or a site that cannot be probed with the reason: 0 or -ENOMEM. */
int lt_sites_add(struct lt_sitetab *t, const struct lt_site *s);
int lt_sites_add_refused(struct lt_sitetab *t, const struct lt_site *s, const char *reason);

/* Room for element n of the array *v (of *cap elements of size bytes), doubling it: 0 or
 * -ENOMEM (*v unchanged). */
int lt_sites_grow(void **v, size_t *cap, size_t n, size_t size);
const char *lt_site_kind_name(enum lt_site_kind k);	/* "enable", ..., "copy_page" */

#endif /* LT_SITES_H */
