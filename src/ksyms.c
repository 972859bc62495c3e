// SPDX-License-Identifier: GPL-2.0
/* src/ksyms.c: /proc/kallsyms snapshot: a sorted array of text symbols, binary search. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ksyms.h"

#define MAX_OFFSET	0x100000	/* no kernel function is 1 MiB long */

struct ksym {
	__u64 addr;
	size_t name;		/* offsets into the string pool */
	size_t mod;		/* 0: built in (pool[0] is "") */
};

/* Data symbols kept beside the text ones: the kernel model's sources (src/kmodel_bpf.c). */
static const char *const data_names[] = { "vmcoreinfo_data", "vmcoreinfo_size" };
#define NDATA (sizeof(data_names) / sizeof(data_names[0]))

struct lt_ksyms {
	__u64 data[NDATA];	/* addresses of data_names[], 0 if absent */
	struct ksym *syms;
	size_t nr;
	char *pool;
	size_t cap;		/* syms allocated (lt_ksyms_add) */
	size_t pool_used, pool_cap;
};

static int cmp_sym(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* Stable for equal addresses: keep the file's first name first. */
	return x->name < y->name ? -1 : x->name > y->name;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

struct lt_ksyms *lt_ksyms_from_buffer(const char *buf, size_t len)
{
	struct lt_ksyms *ks = calloc(1, sizeof(*ks));
	size_t cap = 0, used = 1, i = 0;

	if (!ks)
		return NULL;
	/* The pool never needs more than the text itself plus a NUL per field. */
	ks->pool = malloc(len + 1);
	if (!ks->pool)
		goto fail;
	ks->pool[0] = '\0';
	while (i < len) {
		size_t eol = i, p, ns, ne, ms = 0, me = 0;
		__u64 addr = 0;
		int digits = 0, d;
		char type;

		while (eol < len && buf[eol] != '\n')
			eol++;
		p = i;
		i = eol + 1;
		while (p < eol && (d = hexval(buf[p])) >= 0 && digits < 16) {
			addr = addr << 4 | (__u64)d;
			p++, digits++;
		}
		if (!digits || p + 3 > eol || (buf[p] != ' ' && buf[p] != '\t'))
			continue;
		type = buf[p + 1];
		if (buf[p + 2] != ' ' && buf[p + 2] != '\t')
			continue;
		if (!addr)
			continue;
		ns = p + 3;
		ne = ns;
		while (ne < eol && buf[ne] != ' ' && buf[ne] != '\t' && buf[ne] != '\r')
			ne++;
		if (ne == ns)
			continue;
		if (type != 't' && type != 'T' && type != 'w' && type != 'W') {
			for (size_t k = 0; k < NDATA; k++)
				if (ne - ns == strlen(data_names[k]) &&
				    !memcmp(buf + ns, data_names[k], ne - ns) && eol - ne <= 1)
					ks->data[k] = addr;
			continue;
		}
		p = ne;
		while (p < eol && (buf[p] == ' ' || buf[p] == '\t'))
			p++;
		if (p < eol && buf[p] == '[') {
			ms = p + 1;
			me = ms;
			while (me < eol && buf[me] != ']')
				me++;
		}
		if (ks->nr == cap) {
			size_t ncap = cap ? cap * 2 : 4096;
			struct ksym *s = realloc(ks->syms, ncap * sizeof(*s));

			if (!s)
				goto fail;
			ks->syms = s;
			cap = ncap;
		}
		ks->syms[ks->nr].addr = addr;
		ks->syms[ks->nr].name = used;
		memcpy(ks->pool + used, buf + ns, ne - ns);
		used += ne - ns;
		ks->pool[used++] = '\0';
		ks->syms[ks->nr].mod = 0;
		if (me > ms) {
			ks->syms[ks->nr].mod = used;
			memcpy(ks->pool + used, buf + ms, me - ms);
			used += me - ms;
			ks->pool[used++] = '\0';
		}
		ks->nr++;
	}
	if (ks->nr)
		qsort(ks->syms, ks->nr, sizeof(*ks->syms), cmp_sym);
	ks->cap = cap;
	ks->pool_used = used;
	ks->pool_cap = len + 1;
	return ks;
fail:
	lt_ksyms_free(ks);
	errno = ENOMEM;
	return NULL;
}

struct lt_ksyms *lt_ksyms_load(const char *path)
{
	size_t cap = 1 << 20, len = 0;
	char *buf = NULL;
	struct lt_ksyms *ks;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	buf = malloc(cap);
	if (!buf)
		goto nomem;
	for (;;) {
		ssize_t n;

		if (len == cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb)
				goto nomem;
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			err = errno;
			free(buf);
			close(fd);
			errno = err;
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	ks = lt_ksyms_from_buffer(buf, len);
	err = errno;
	free(buf);
	errno = err;
	return ks;
nomem:
	free(buf);
	close(fd);
	errno = ENOMEM;
	return NULL;
}

void lt_ksyms_free(struct lt_ksyms *ks)
{
	if (!ks)
		return;
	free(ks->syms);
	free(ks->pool);
	free(ks);
}

size_t lt_ksyms_count(const struct lt_ksyms *ks)
{
	return ks ? ks->nr : 0;
}

static const struct ksym *find(const struct lt_ksyms *ks, __u64 addr)
{
	size_t lo = 0, hi;
	const struct ksym *s;

	if (!ks || !ks->nr || addr < ks->syms[0].addr)
		return NULL;
	hi = ks->nr;
	/* Last index with syms[i].addr <= addr. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	/* Aliases at one address: the first one in the file. */
	while (lo && ks->syms[lo - 1].addr == ks->syms[lo].addr)
		lo--;
	s = &ks->syms[lo];
	if (addr - s->addr >= MAX_OFFSET)
		return NULL;
	return s;
}

const char *lt_ksyms_lookup(const struct lt_ksyms *ks, __u64 addr, __u64 *offset)
{
	const struct ksym *s = find(ks, addr);

	if (!s)
		return NULL;
	if (offset)
		*offset = addr - s->addr;
	return ks->pool + s->name;
}

__u64 lt_ksyms_addr(const struct lt_ksyms *ks, const char *name)
{
	if (!ks || !name)
		return 0;
	for (size_t i = 0; i < ks->nr; i++)
		if (!strcmp(ks->pool + ks->syms[i].name, name))
			return ks->syms[i].addr;
	return 0;
}

__u64 lt_ksyms_data_addr(const struct lt_ksyms *ks, const char *name)
{
	for (size_t k = 0; ks && name && k < NDATA; k++)
		if (!strcmp(data_names[k], name))
			return ks->data[k];
	return 0;
}

const char *lt_ksyms_format(const struct lt_ksyms *ks, __u64 addr, char *buf, size_t len)
{
	const struct ksym *s = find(ks, addr);

	if (!len)
		return buf;
	if (!s)
		snprintf(buf, len, "0x%llx", (unsigned long long)addr);
	else if (s->mod)
		snprintf(buf, len, "%s+0x%llx [%s]", ks->pool + s->name,
			 (unsigned long long)(addr - s->addr), ks->pool + s->mod);
	else
		snprintf(buf, len, "%s+0x%llx", ks->pool + s->name,
			 (unsigned long long)(addr - s->addr));
	return buf;
}

/* ---------------------------------------------------------------- built symbol by symbol */

struct lt_ksyms *lt_ksyms_new(void)
{
	struct lt_ksyms *ks = calloc(1, sizeof(*ks));

	if (!ks)
		return NULL;
	ks->pool = malloc(256);
	if (!ks->pool) {
		free(ks);
		return NULL;
	}
	ks->pool[0] = '\0';
	ks->pool_used = 1;
	ks->pool_cap = 256;
	return ks;
}

static int pool_add(struct lt_ksyms *ks, const char *s, size_t len, size_t *off)
{
	if (ks->pool_cap - ks->pool_used < len + 1) {
		size_t ncap = ks->pool_cap ? ks->pool_cap : 256;
		char *p;

		while (ncap - ks->pool_used < len + 1)
			ncap *= 2;
		p = realloc(ks->pool, ncap);
		if (!p)
			return -ENOMEM;
		ks->pool = p;
		ks->pool_cap = ncap;
	}
	*off = ks->pool_used;
	memcpy(ks->pool + ks->pool_used, s, len);
	ks->pool_used += len;
	ks->pool[ks->pool_used++] = '\0';
	return 0;
}

int lt_ksyms_add(struct lt_ksyms *ks, __u64 addr, const char *name, size_t name_len,
		 const char *mod, size_t mod_len)
{
	struct ksym *k;

	if (!ks || !addr || !name || !name_len || memchr(name, '\0', name_len) ||
	    (mod_len && (!mod || memchr(mod, '\0', mod_len))))
		return -EINVAL;
	if (ks->nr == ks->cap) {
		size_t ncap = ks->cap ? ks->cap * 2 : 64;
		struct ksym *s = realloc(ks->syms, ncap * sizeof(*s));

		if (!s)
			return -ENOMEM;
		ks->syms = s;
		ks->cap = ncap;
	}
	k = &ks->syms[ks->nr];
	k->addr = addr;
	k->mod = 0;
	if (pool_add(ks, name, name_len, &k->name))
		return -ENOMEM;
	if (mod_len && pool_add(ks, mod, mod_len, &k->mod))
		return -ENOMEM;
	ks->nr++;
	return 0;
}

void lt_ksyms_sort(struct lt_ksyms *ks)
{
	if (ks && ks->nr > 1)
		qsort(ks->syms, ks->nr, sizeof(*ks->syms), cmp_sym);
}

bool lt_ksyms_resolve(const struct lt_ksyms *ks, __u64 addr, __u64 *sym_addr, const char **name,
		      const char **mod)
{
	const struct ksym *s = find(ks, addr);

	if (!s)
		return false;
	if (sym_addr)
		*sym_addr = s->addr;
	if (name)
		*name = ks->pool + s->name;
	if (mod)
		*mod = ks->pool + s->mod;
	return true;
}

const char *lt_ksyms_func(const struct lt_ksyms *ks, __u64 addr, char *buf, size_t len)
{
	size_t n;

	lt_ksyms_format(ks, addr, buf, len);
	n = strlen(buf);
	if (n > 4 && !strcmp(buf + n - 4, "+0x0"))
		buf[n - 4] = '\0';
	return buf;
}
