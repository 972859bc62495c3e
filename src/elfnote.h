/* SPDX-License-Identifier: GPL-2.0 */
/* src/elfnote.h: find one ELF note in a buffer of raw notes (a PT_NOTE segment,
 * /sys/kernel/notes): the kernel's build id, its VMCOREINFO. */
#ifndef LT_ELFNOTE_H
#define LT_ELFNOTE_H

#include <stddef.h>
#include <stdint.h>

/* The descriptor of the first note named name (with its NUL) and, if type is not 0, of that
 * type; NULL if none. *desclen gets its length. Malformed sizes end the walk. */
const unsigned char *lt_elfnote_find(const unsigned char *notes, size_t len, const char *name,
				     uint32_t type, size_t *desclen);

#endif /* LT_ELFNOTE_H */
