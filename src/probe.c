// SPDX-License-Identifier: GPL-2.0
/* src/probe.c: detect what the running kernel offers (BTF, lazy_mmu_state, our tracepoints,
 * probe-able functions) and choose lazytrace's mode. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <strings.h>
#include <unistd.h>
#include <bpf/btf.h>

#include "elfnote.h"
#include "ksyms.h"
#include "probe.h"

const char *const lt_fn_names[LT_FN_MAX] = {
	[LT_FN_MAP_PAGES] = "__kernel_map_pages",
	[LT_FN_SET_VALID] = "set_memory_valid",
	[LT_FN_PTE_ENTRY] = "pageattr_pte_entry",
	[LT_FN_CHANGE_RANGE] = "change_page_range",
	[LT_FN_CLEAR_PAGE] = "clear_page",
	[LT_FN_COPY_PAGE] = "copy_page",
};

const char *lt_mode_name(enum lt_mode m)
{
	switch (m) {
	case LT_MODE_TRACEPOINTS: return "tracepoints";
	case LT_MODE_STATE: return "probes+lazy_mmu_state";
	case LT_MODE_FLAG: return "probes+TIF_LAZY_MMU";
	case LT_MODE_DWARF: return "probes+dwarf";
	default: return "none";
	}
}

bool lt_kernel_read_layout(struct lt_kernel *k, const char *kcore_path)
{
	char text[8192], src[64];
	long n;

	if (strcmp(k->machine, "aarch64") != 0) {
		snprintf(k->model.missing, sizeof(k->model.missing), "not an arm64 kernel");
		return false;
	}
	if (!kcore_path)
		kcore_path = "/proc/kcore";
	n = lt_kmodel_read_kcore(kcore_path, text, sizeof(text));
	if (n < 0) {
		snprintf(k->model.missing, sizeof(k->model.missing), "%s: %s%s", kcore_path,
			 strerror((int)-n), n == -EACCES || n == -EPERM ?
			 " (needs CAP_SYS_RAWIO)" : n == -ENOENT ? " (no CONFIG_PROC_KCORE)" : "");
		return false;
	}
	snprintf(src, sizeof(src), "VMCOREINFO (%s)", kcore_path);
	return lt_kmodel_parse_vmcoreinfo(&k->model, text, (size_t)n, src);
}

size_t lt_kernel_code_len(const struct lt_ksyms *ks, __u64 addr, size_t max)
{
	size_t len = 4;

	/* up to the next symbol: kallsyms has no sizes */
	while (len < max) {
		__u64 off;

		if (lt_ksyms_lookup(ks, addr + len, &off) && off == 0)
			break;
		len += 4;
	}
	return len;
}

void lt_kernel_read_code(struct lt_kernel *k, const struct lt_ksyms *ks, const char *kcore_path)
{
	__u64 addr = lt_ksyms_addr(ks, LT_KMODEL_TIF_FUNC);
	unsigned char code[LT_KMODEL_CODE_MAX];
	size_t len;
	int err;

	if (strcmp(k->machine, "aarch64") != 0)
		return;
	if (!addr) {
		snprintf(k->model.tif_source, sizeof(k->model.tif_source),
			 "no %s in kallsyms", LT_KMODEL_TIF_FUNC);
		return;
	}
	len = lt_kernel_code_len(ks, addr, sizeof(code));
	err = lt_kmodel_kcore_mem(kcore_path ? kcore_path : "/proc/kcore", addr, code, len);
	if (err) {
		snprintf(k->model.tif_source, sizeof(k->model.tif_source), "%s's code: /proc/kcore: %s",
			 LT_KMODEL_TIF_FUNC, strerror(-err));
		return;
	}
	lt_kmodel_tif_from_code(&k->model, code, len, LT_KMODEL_TIF_FUNC "'s code (/proc/kcore)");
}

void lt_kernel_apply_model(struct lt_kernel *k)
{
	/* 7.0+: the pending bit is the one queue_pte_barriers() tests */
	if (k->lazy_state && k->model.tif_pending >= 0)
		k->pending_bit = (unsigned int)k->model.tif_pending;
}

/* The running kernel's GNU build id, from the ELF notes in /sys/kernel/notes. */
static void read_build_id(char *out, size_t len)
{
	unsigned char buf[4096];
	const unsigned char *id;
	size_t idlen = 0;
	ssize_t n;
	int fd = open("/sys/kernel/notes", O_RDONLY);

	out[0] = '\0';
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	id = n > 0 ? lt_elfnote_find(buf, (size_t)n, "GNU", NT_GNU_BUILD_ID, &idlen) : NULL;
	for (size_t i = 0; id && i < idlen && 2 * i + 2 < len; i++)
		snprintf(out + 2 * i, 3, "%02x", id[i]);
}

/* The patched kernel's nesting emulation (patch 0003); "" where there is none. */
static void read_nesting(char *out, size_t len)
{
	FILE *f = fopen("/sys/kernel/debug/lazy_mmu/nesting", "r");

	out[0] = '\0';
	if (!f)
		return;
	if (fgets(out, len, f))
		out[strcspn(out, "\n")] = '\0';
	fclose(f);
}

static bool btf_has(const struct btf *btf, const char *name, int kind)
{
	return btf && btf__find_by_name_kind(btf, name, kind) >= 0;
}

/* Whether struct sname has a member mname. */
static bool btf_has_member(const struct btf *btf, const char *sname, const char *mname)
{
	int id = btf ? btf__find_by_name_kind(btf, sname, BTF_KIND_STRUCT) : -1;
	const struct btf_type *t = id >= 0 ? btf__type_by_id(btf, id) : NULL;
	const struct btf_member *m = t ? btf_members(t) : NULL;

	for (int i = 0; m && i < btf_vlen(t); i++)
		if (!strcmp(btf__name_by_offset(btf, m[i].name_off), mname))
			return true;
	return false;
}

void lt_kernel_probe(struct lt_kernel *k, const struct lt_ksyms *ks, const char *btf_path)
{
	struct utsname u;
	struct btf *btf = NULL;

	memset(k, 0, sizeof(*k));
	k->model.tif_pending = -1;
	snprintf(k->model.tif_source, sizeof(k->model.tif_source), "not read");
	k->lazy_bit = -1;
	k->pending_bit = 31;
	if (uname(&u) == 0) {
		snprintf(k->release, sizeof(k->release), "%s", u.release);
		snprintf(k->machine, sizeof(k->machine), "%s", u.machine);
		sscanf(u.release, "%d.%d", &k->major, &k->minor);
	}
	read_build_id(k->build_id, sizeof(k->build_id));
	/* arm64 has one page size for the kernel and user space; VMCOREINFO confirms it */
	if (sysconf(_SC_PAGESIZE) > 0)
		k->model.page_shift = (unsigned int)ffsl(sysconf(_SC_PAGESIZE)) - 1;
	read_nesting(k->nesting, sizeof(k->nesting));
	if (!btf_path)
		btf_path = "/sys/kernel/btf/vmlinux";
	if (access(btf_path, R_OK) == 0)
		btf = btf__parse(btf_path, NULL);
	k->btf = btf != NULL;
	if (btf) {
		int id = btf__find_by_name_kind(btf, "lazy_mmu_state", BTF_KIND_STRUCT);

		k->lazy_state = id >= 0;
		k->lazy_ended = btf_has_member(btf, "lazy_mmu_state", "ended");
		id = btf__find_by_name_kind(btf, "page", BTF_KIND_STRUCT);
		if (id >= 0 && btf__resolve_size(btf, id) > 0)
			k->page_struct_size = btf__resolve_size(btf, id);
		k->model.page_struct_size = k->page_struct_size;
		/* the emulation exists but its debugfs switch is closed to us (not root) */
		if (k->lazy_ended && !k->nesting[0])
			snprintf(k->nesting, sizeof(k->nesting), "unknown");
		k->tracepoints = btf_has(btf, "btf_trace_lazy_mmu_enable", BTF_KIND_TYPEDEF);
		k->barrier_events = btf_has(btf, "btf_trace_lazy_mmu_defer", BTF_KIND_TYPEDEF);
		for (int f = 0; f < LT_FN_MAX; f++)
			k->fn_btf[f] = btf_has(btf, lt_fn_names[f], BTF_KIND_FUNC);
		/* what the page attribute walk's per-PTE callback writes (bpf/kernel_bits.h) */
		k->pte_masks = btf_has_member(btf, "page_change_data", "set_mask") &&
			       btf_has_member(btf, "page_change_data", "clear_mask") &&
			       btf_has_member(btf, "mm_walk", "private");
	}
	for (int f = 0; f < LT_FN_MAX; f++)
		k->fn_sym[f] = ks && lt_ksyms_addr(ks, lt_fn_names[f]) != 0;

	if (strcmp(k->machine, "aarch64") != 0) {
		snprintf(k->why, sizeof(k->why), "%s kernel: lazy MMU barrier batching is arm64-only",
			 k->machine[0] ? k->machine : "unknown");
	} else if (!k->btf) {
		snprintf(k->why, sizeof(k->why), "no kernel BTF (%s): CONFIG_DEBUG_INFO_BTF=y is needed",
			 btf_path);
	} else if (k->lazy_state) {
		k->mode = k->tracepoints ? LT_MODE_TRACEPOINTS : LT_MODE_STATE;
	} else if (k->major > 6 || (k->major == 6 && k->minor >= 16)) {
		/* 6.16-6.19: TIF_LAZY_MMU (bit 31) and TIF_LAZY_MMU_PENDING (bit 32) */
		k->mode = LT_MODE_FLAG;
		k->lazy_bit = 31;
		k->pending_bit = 32;
	} else {
		snprintf(k->why, sizeof(k->why),
			 "Linux %d.%d has no arm64 lazy MMU mode (added in 6.16)", k->major, k->minor);
	}
	btf__free(btf);
}

void lt_kernel_print(const struct lt_kernel *k, FILE *out)
{
	fprintf(out, "kernel:        %s (%s)\n", k->release, k->machine);
	fprintf(out, "build id:      %s\n", k->build_id[0] ? k->build_id : "unknown");
	fprintf(out, "nesting:       %s\n", k->nesting[0] ? k->nesting :
		"nested (no nesting emulation)");
	fprintf(out, "BTF:           %s\n", k->btf ? "yes" : "no");
	fprintf(out, "lazy_mmu_state: %s%s\n", k->lazy_state ? "yes (7.0+ nesting counters)" : "no",
		k->lazy_ended ? ", with nesting emulation" : "");
	fprintf(out, "tracepoints:   %s\n",
		k->tracepoints ? (k->barrier_events ? "lazy_mmu transitions + defer/flush" :
				  "lazy_mmu transitions") : "none (stock kernel)");
	for (int f = 0; f < LT_FN_MAX; f++) {
		/* clear_page and copy_page are notrace: kprobes, where the kernel allows them */
		bool access = f == LT_FN_CLEAR_PAGE || f == LT_FN_COPY_PAGE;

		fprintf(out, "%-18s %s\n", lt_fn_names[f],
			!access && k->fn_btf[f] ? "fentry/fexit" :
			access && (k->fn_sym[f] || k->fn_btf[f]) ? "kprobe (access probe)" :
			k->fn_sym[f] ? "kprobe" : "absent");
	}
	fprintf(out, "per-PTE update: %s\n", k->pte_masks ?
		"known at the callback's entry (page_change_data's masks in BTF): no fexit or kretprobe" :
		"read at the callback's return (kretprobe, with --kprobes)");
	if (k->lazy_state && k->model.tif_pending >= 0)
		fprintf(out, "pending flag:  TIF_LAZY_MMU_PENDING = bit %u, from %s\n", k->pending_bit,
			k->model.tif_source);
	else
		fprintf(out, "pending flag:  TIF_LAZY_MMU_PENDING = bit %u, %s layout (not read: %s); "
			"checked at the first deferral\n", k->pending_bit,
			k->lazy_state ? "the 7.0+" : "the 6.16-6.19", k->model.tif_source);
	fprintf(out, "struct page:   %llu bytes\n", k->model.page_struct_size);
	lt_kmodel_print(&k->model, out);
	fprintf(out, "mode:          %s\n", lt_mode_name(k->mode));
	if (k->mode == LT_MODE_NONE)
		fprintf(out, "reason:        %s\n", k->why);
}
