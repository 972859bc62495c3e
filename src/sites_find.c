// SPDX-License-Identifier: GPL-2.0
/*
 * src/sites_find.c: find the site table of the running kernel (probes+dwarf).
 *
 * In order: --sites FILE; the table cached for this build id; --debuginfo FILE; the places
 * distributions install the kernel's DWARF. A table made from debug info is cached per build
 * id, so the 1-2 minute DWARF walk of a distribution vmlinux happens once per kernel build.
 * Debug info or a table of another build is refused, naming both build ids: its addresses
 * would be wrong.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sites.h"
#include "sites_find.h"

int lt_elf_build_id(const char *path, char *hex, size_t len, char *err, size_t errlen)
{
	Elf *elf = NULL;
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	int fd, ret = -ENODATA;

	hex[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
		snprintf(err, errlen, "%s: not an ELF file", path);
		ret = -ENOEXEC;
		goto out;
	}
	if (eh.e_machine != EM_AARCH64) {
		snprintf(err, errlen, "%s: not an arm64 ELF (machine %u)", path, eh.e_machine);
		ret = -ENOEXEC;
		goto out;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		size_t off = 0, noff, doff;
		GElf_Nhdr nh;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d) {
			snprintf(err, errlen, "%s: truncated (note section unreadable)", path);
			ret = -ENOEXEC;
			goto out;
		}
		while ((off = gelf_getnote(d, off, &nh, &noff, &doff)) > 0) {
			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((char *)d->d_buf + noff, "GNU", 4))
				continue;
			for (size_t i = 0; i < nh.n_descsz && 2 * i + 2 < len; i++)
				snprintf(hex + 2 * i, 3, "%02x",
					 ((unsigned char *)d->d_buf)[doff + i]);
			ret = 0;
			goto out;
		}
	}
	snprintf(err, errlen, "%s: no GNU build id note", path);
out:
	if (elf)
		elf_end(elf);
	close(fd);
	return ret;
}

void lt_cache_dir(char *out, size_t len)
{
	const char *c = getenv("LAZYTRACE_CACHE"), *x = getenv("XDG_CACHE_HOME"),
		   *h = getenv("HOME");

	if (c && *c)
		snprintf(out, len, "%s", c);
	else if (x && *x)
		snprintf(out, len, "%s/lazytrace", x);
	else
		snprintf(out, len, "%s/.cache/lazytrace", h && *h ? h : "/root");
}

static void cache_path(const char *build_id, char *out, size_t len)
{
	char dir[256];

	lt_cache_dir(dir, sizeof(dir));
	snprintf(out, len, "%s/sites/%s.sites", dir, build_id);
}

/* mkdir -p of path's directory. */
static int mkdirs(const char *path)
{
	char tmp[512];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

/* Written under a temporary name and renamed: a reader never sees half a table. */
static void cache_store(const struct lt_sitetab *t, FILE *log)
{
	char path[512], tmp[560];
	FILE *f;

	cache_path(t->build_id, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
	if (mkdirs(path) || !(f = fopen(tmp, "w"))) {
		fprintf(log, "lazytrace: warning: cannot cache the site table in %s: %s\n", path,
			strerror(errno));
		return;
	}
	if (lt_sites_write(t, f) || fclose(f) || rename(tmp, path)) {
		fprintf(log, "lazytrace: warning: cannot cache the site table in %s: %s\n", path,
			strerror(errno));
		unlink(tmp);
	}
}

static bool exists(const char *p)
{
	return access(p, R_OK) == 0;
}

/* Where distributions put the kernel's DWARF (Debian, Ubuntu, Fedora), by release and by
 * build id. */
static bool default_debuginfo(const char *release, const char *build_id, char *out, size_t len)
{
	const char *fmts[] = {
		"/usr/lib/debug/boot/vmlinux-%s",
		"/usr/lib/debug/lib/modules/%s/vmlinux",
		"/boot/vmlinux-%s",
		"/lib/modules/%s/build/vmlinux",
	};

	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		snprintf(out, len, fmts[i], release);
		if (exists(out))
			return true;
	}
	if (strlen(build_id) > 2) {
		snprintf(out, len, "/usr/lib/debug/.build-id/%.2s/%s.debug", build_id, build_id + 2);
		if (exists(out))
			return true;
	}
	return false;
}

static int refuse_other_build(const char *what, const char *have, const char *want, char *err,
			      size_t errlen)
{
	snprintf(err, errlen, "%s is of another kernel build (build id %s; the running kernel's is %s)",
		 what, have, want);
	return LT_EXIT_BUILD_ID;
}

int lt_sites_find(const struct lt_sites_query *q, struct lt_sitetab *t, FILE *log, char *err,
		  size_t errlen)
{
	char path[512], id[129], why[640];
	int r;

	memset(t, 0, sizeof(*t));
	err[0] = '\0';
	if (q->sites) {
		r = lt_sites_read(q->sites, t, err, errlen);
		if (r)
			return LT_EXIT_NO_DEBUGINFO;
		if (q->build_id[0] && strcmp(t->build_id, q->build_id)) {
			snprintf(why, sizeof(why), "site table %s", q->sites);
			r = refuse_other_build(why, t->build_id, q->build_id, err, errlen);
			lt_sites_free(t);
			return r;
		}
		return 0;
	}
	if (q->build_id[0] && !q->no_cache) {
		cache_path(q->build_id, path, sizeof(path));
		if (exists(path) && lt_sites_read(path, t, why, sizeof(why)) == 0 &&
		    !strcmp(t->build_id, q->build_id))
			return 0;
		lt_sites_free(t);
		memset(t, 0, sizeof(*t));
	}
	if (q->debuginfo)
		snprintf(path, sizeof(path), "%s", q->debuginfo);
	else if (!default_debuginfo(q->release, q->build_id, path, sizeof(path))) {
		snprintf(err, errlen, "no debug info for %s: install its DWARF (Debian: "
			 "linux-image-%s-dbg) or give --debuginfo FILE or --sites FILE",
			 q->release, q->release);
		return LT_EXIT_NO_DEBUGINFO;
	}
	r = lt_elf_build_id(path, id, sizeof(id), err, errlen);
	if (r)
		return LT_EXIT_NO_DEBUGINFO;
	if (q->build_id[0] && strcmp(id, q->build_id)) {
		snprintf(why, sizeof(why), "debug info %s", path);
		return refuse_other_build(why, id, q->build_id, err, errlen);
	}
	if (!q->no_cache) {
		char cached[512];

		cache_path(id, cached, sizeof(cached));
		if (exists(cached) && lt_sites_read(cached, t, why, sizeof(why)) == 0 &&
		    !strcmp(t->build_id, id))
			return 0;
		lt_sites_free(t);
		memset(t, 0, sizeof(*t));
	}
	if (log)
		fprintf(log, "lazytrace: reading the sites from %s (once per kernel build)\n", path);
	r = lt_sites_from_dwarf(path, t, err, errlen);
	if (r)
		return LT_EXIT_NO_DEBUGINFO;
	if (!q->no_cache)
		cache_store(t, log ? log : stderr);
	return 0;
}
