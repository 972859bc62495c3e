// SPDX-License-Identifier: GPL-2.0
/* src/kmodel.c: the kernel's memory layout from its VMCOREINFO note (see kmodel.h). */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "a64.h"
#include "elfnote.h"
#include "kmodel.h"

/* The value of KEY in VMCOREINFO text ("KEY=VALUE\n"); false if absent or not a number. */
static bool lookup(const char *text, size_t len, const char *key, __u64 *val)
{
	size_t klen = strlen(key), i = 0;

	while (i < len) {
		size_t eol = i;

		while (eol < len && text[eol] != '\n')
			eol++;
		if (eol - i > klen && !memcmp(text + i, key, klen) && text[i + klen] == '=') {
			char num[32], *end;
			size_t n = eol - i - klen - 1;

			if (n == 0 || n >= sizeof(num))
				return false;
			memcpy(num, text + i + klen + 1, n);
			num[n] = '\0';
			errno = 0;
			/* NUMBER() is "%d" or "0x%lx", KERNELOFFSET bare hex: callers use the former */
			*val = strtoull(num, &end, 0);
			return !errno && *end == '\0';
		}
		i = eol + 1;
	}
	return false;
}

static void missing(struct lt_kmodel *m, const char *source, const char *what)
{
	snprintf(m->missing, sizeof(m->missing), "%s has no %s", source, what);
}

bool lt_kmodel_parse_vmcoreinfo(struct lt_kmodel *m, const char *text, size_t len,
				const char *source)
{
	__u64 pagesize, va_bits, start, end, t1sz, size;

	m->layout = false;
	if (!lookup(text, len, "PAGESIZE", &pagesize)) {
		missing(m, source, "PAGESIZE");
		return false;
	}
	if (pagesize != 4096 && pagesize != 16384 && pagesize != 65536) {
		snprintf(m->missing, sizeof(m->missing), "%s: PAGESIZE=%llu is not an arm64 page size",
			 source, (unsigned long long)pagesize);
		return false;
	}
	if (m->page_shift && m->page_shift != (unsigned int)__builtin_ctzll(pagesize)) {
		/* arm64 has one page size for the kernel and user space */
		snprintf(m->missing, sizeof(m->missing), "%s: PAGESIZE=%llu, but user space has %lluK "
			 "pages", source, (unsigned long long)pagesize,
			 (1ULL << m->page_shift) >> 10);
		return false;
	}
	m->page_shift = (unsigned int)__builtin_ctzll(pagesize);
	if (lookup(text, len, "NUMBER(TCR_EL1_T1SZ)", &t1sz) && t1sz >= 12 && t1sz <= 39)
		m->va_bits_actual = (unsigned int)(64 - t1sz);
	if (lookup(text, len, "SIZE(page)", &size) && size >= 32 && size <= 256)
		m->page_struct_size = size;
	if (!lookup(text, len, "NUMBER(VA_BITS)", &va_bits)) {
		missing(m, source, "NUMBER(VA_BITS)");
		return false;
	}
	if (va_bits < 36 || va_bits > 52) {
		snprintf(m->missing, sizeof(m->missing), "%s: VA_BITS=%llu is not an arm64 layout",
			 source, (unsigned long long)va_bits);
		return false;
	}
	m->va_bits = (unsigned int)va_bits;
	/* arch/arm64/include/asm/memory.h: PAGE_OFFSET is _PAGE_OFFSET(VA_BITS) */
	m->page_offset = -(1ULL << va_bits);
	if (!lookup(text, len, "NUMBER(VMEMMAP_START)", &start) ||
	    !lookup(text, len, "NUMBER(VMEMMAP_END)", &end)) {
		missing(m, source, "NUMBER(VMEMMAP_START) and NUMBER(VMEMMAP_END)");
		return false;
	}
	if (start >= end || start < m->page_offset) {
		snprintf(m->missing, sizeof(m->missing), "%s: vmemmap 0x%llx-0x%llx is not above the "
			 "linear map", source, (unsigned long long)start, (unsigned long long)end);
		return false;
	}
	m->vmemmap_start = start;
	m->vmemmap_end = end;
	snprintf(m->source, sizeof(m->source), "%s", source);
	if (!m->page_struct_size) {
		missing(m, source, "SIZE(page) and BTF has no struct page");
		return false;
	}
	m->missing[0] = '\0';
	m->layout = true;
	return true;
}

/* Opens an ELF core file and reads its header: a file descriptor, or -errno (EINVAL: not a
 * 64-bit little-endian ELF core). */
static int core_open(const char *path, Elf64_Ehdr *eh)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (pread(fd, eh, sizeof(*eh), 0) != (ssize_t)sizeof(*eh) ||
	    memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__ ||
	    eh->e_type != ET_CORE || eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum > 4096) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

static bool core_phdr(int fd, const Elf64_Ehdr *eh, unsigned int i, Elf64_Phdr *ph)
{
	return pread(fd, ph, sizeof(*ph), (off_t)(eh->e_phoff + (__u64)i * sizeof(*ph))) ==
	       (ssize_t)sizeof(*ph);
}

long lt_kmodel_read_kcore(const char *path, char *buf, size_t cap)
{
	Elf64_Ehdr eh;
	long ret = -ENODATA;
	int fd = core_open(path, &eh);

	if (fd < 0)
		return fd;
	for (unsigned int i = 0; i < eh.e_phnum && ret == -ENODATA; i++) {
		Elf64_Phdr ph;
		unsigned char *notes;
		const unsigned char *desc;
		size_t dlen;

		if (!core_phdr(fd, &eh, i, &ph)) {
			ret = -EINVAL;
			break;
		}
		if (ph.p_type != PT_NOTE || ph.p_filesz == 0 || ph.p_filesz > (1u << 20))
			continue;
		notes = malloc(ph.p_filesz);
		if (!notes) {
			ret = -ENOMEM;
			break;
		}
		errno = 0;	/* a short read is a truncated file, not a stale error */
		if (pread(fd, notes, ph.p_filesz, (off_t)ph.p_offset) != (ssize_t)ph.p_filesz) {
			free(notes);
			ret = errno ? -errno : -EINVAL;
			break;
		}
		desc = lt_elfnote_find(notes, ph.p_filesz, "VMCOREINFO", 0, &dlen);
		if (desc) {
			size_t n = dlen < cap ? dlen : cap - 1;

			memcpy(buf, desc, n);
			buf[n] = '\0';
			ret = (long)strnlen(buf, n);
		}
		free(notes);
	}
	close(fd);
	return ret;
}

int lt_kmodel_kcore_mem(const char *path, __u64 vaddr, void *buf, size_t len)
{
	Elf64_Ehdr eh;
	int ret = -EFAULT, fd = core_open(path, &eh);

	if (fd < 0)
		return fd;
	for (unsigned int i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		if (!core_phdr(fd, &eh, i, &ph)) {
			ret = -EINVAL;
			break;
		}
		if (ph.p_type != PT_LOAD || vaddr < ph.p_vaddr || vaddr - ph.p_vaddr >= ph.p_filesz ||
		    ph.p_filesz - (vaddr - ph.p_vaddr) < len)
			continue;
		errno = 0;
		ret = pread(fd, buf, len, (off_t)(ph.p_offset + (vaddr - ph.p_vaddr))) == (ssize_t)len ?
		      0 : errno ? -errno : -EFAULT;
		break;
	}
	close(fd);
	return ret;
}

void lt_kmodel_tif_from_code(struct lt_kmodel *m, const void *code, size_t len,
			     const char *source)
{
	uint32_t insn[256];
	size_t n = len / 4 < 256 ? len / 4 : 256;
	int bit;

	memcpy(insn, code, n * 4);
	bit = a64_thread_flag_bit(insn, n);
	if (bit >= 0) {
		m->tif_pending = bit;
		snprintf(m->tif_source, sizeof(m->tif_source), "%s", source);
	} else {
		m->tif_pending = -1;
		snprintf(m->tif_source, sizeof(m->tif_source), "%s: %s", source,
			 bit == -2 ? "tests two thread flags" : "tests no thread flag");
	}
}

__u64 lt_kmodel_page_to_va(const struct lt_kmodel *m, __u64 page)
{
	if (!m->layout || page < m->vmemmap_start || page >= m->vmemmap_end)
		return 0;
	return m->page_offset + ((page - m->vmemmap_start) / m->page_struct_size << m->page_shift);
}

static const char *size_name(unsigned int shift, char *buf, size_t len)
{
	if (!shift)
		snprintf(buf, len, "unknown");
	else
		snprintf(buf, len, "%lluK", (1ULL << shift) >> 10);
	return buf;
}

void lt_kmodel_print(const struct lt_kmodel *m, FILE *out)
{
	char ps[32];

	fprintf(out, "page size:     %s\n", size_name(m->page_shift, ps, sizeof(ps)));
	if (!m->layout) {
		fprintf(out, "layout:        unknown (%s): struct page arguments are not converted "
			"to addresses\n", m->missing[0] ? m->missing : "not read");
		return;
	}
	fprintf(out, "layout:        from %s\n", m->source);
	if (m->va_bits_actual)
		fprintf(out, "VA bits:       %u built, %u in effect\n", m->va_bits, m->va_bits_actual);
	else
		fprintf(out, "VA bits:       %u built, in effect unknown\n", m->va_bits);
	fprintf(out, "linear map:    0x%016" PRIx64 "\n", (uint64_t)m->page_offset);
	fprintf(out, "vmemmap:       0x%016" PRIx64 "-0x%016" PRIx64 "\n",
		(uint64_t)m->vmemmap_start, (uint64_t)m->vmemmap_end);
	fprintf(out, "tags:          top byte ignored; addresses compared untagged\n");
}

const char *lt_kmodel_format(const struct lt_kmodel *m, char *buf, size_t len)
{
	char ps[32], tif[32] = "";

	if (m->tif_pending >= 0)
		snprintf(tif, sizeof(tif), " tif_pending=%d", m->tif_pending);
	if (!m->layout)
		snprintf(buf, len, "page=%s layout=unknown%s", size_name(m->page_shift, ps, sizeof(ps)),
			 tif);
	else
		snprintf(buf, len, "page=%s va_bits=%u/%u page_offset=0x%" PRIx64 " vmemmap=0x%" PRIx64
			 "-0x%" PRIx64 " struct_page=%" PRIu64 "%s from %s",
			 size_name(m->page_shift, ps, sizeof(ps)), m->va_bits, m->va_bits_actual,
			 (uint64_t)m->page_offset, (uint64_t)m->vmemmap_start,
			 (uint64_t)m->vmemmap_end, (uint64_t)m->page_struct_size, tif, m->source);
	return buf;
}
