// SPDX-License-Identifier: GPL-2.0
/* src/elfnote.c: ELF note lookup (see elfnote.h). */
#include <elf.h>
#include <string.h>

#include "elfnote.h"

const unsigned char *lt_elfnote_find(const unsigned char *notes, size_t len, const char *name,
				     uint32_t type, size_t *desclen)
{
	size_t off = 0, namesz = strlen(name) + 1;

	while (off + sizeof(Elf64_Nhdr) <= len) {
		Elf64_Nhdr nh;
		size_t name_off, desc_off;

		memcpy(&nh, notes + off, sizeof(nh));
		name_off = off + sizeof(nh);
		if (nh.n_namesz > len || nh.n_descsz > len)
			return NULL;
		desc_off = name_off + ((nh.n_namesz + 3) & ~3u);
		if (desc_off + nh.n_descsz > len)
			return NULL;
		if (nh.n_namesz == namesz && !memcmp(notes + name_off, name, namesz) &&
		    (!type || nh.n_type == type)) {
			*desclen = nh.n_descsz;
			return notes + desc_off;
		}
		off = desc_off + ((nh.n_descsz + 3) & ~3u);
	}
	return NULL;
}
