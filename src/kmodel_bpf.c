// SPDX-License-Identifier: GPL-2.0
/*
 * src/kmodel_bpf.c: the kernel model's second source. Without CAP_SYS_RAWIO /proc/kcore is
 * closed, but the VMCOREINFO note is also in kernel memory (vmcoreinfo_data, a page of text,
 * vmcoreinfo_size bytes long): read_kmem (bpf/lazytrace.bpf.c) copies it out under the
 * CAP_BPF + CAP_PERFMON lazytrace needs anyway, run once with BPF_PROG_TEST_RUN, in an
 * object loaded for that alone before the real one (whose read-only data needs the model).
 */
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lazytrace.h"
#include "lazytrace.skel.h"
#include "kmodel_bpf.h"

/* One copy of len bytes at addr into s->bss->kmem_buf; 0 or -errno. */
static int read_kmem(struct lazytrace_bpf *s, __u64 addr, __u32 len)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	int err;

	s->bss->kmem_addr = addr;
	s->bss->kmem_len = len;
	s->bss->kmem_err = -EINVAL;
	err = bpf_prog_test_run_opts(bpf_program__fd(s->progs.read_kmem), &opts);
	if (err)
		return -errno;
	return s->bss->kmem_err < 0 ? (int)s->bss->kmem_err : 0;
}

/* The pending bit from LT_KMODEL_TIF_FUNC's code, when /proc/kcore could not give it. */
static void read_code(struct lazytrace_bpf *s, struct lt_kernel *k, const struct lt_ksyms *ks)
{
	__u64 addr = lt_ksyms_addr(ks, LT_KMODEL_TIF_FUNC);
	size_t len;
	int err;

	if (k->model.tif_pending >= 0 || !addr)
		return;
	len = lt_kernel_code_len(ks, addr, LT_KMODEL_CODE_MAX);
	err = read_kmem(s, addr, (__u32)len);
	if (err) {
		snprintf(k->model.tif_source, sizeof(k->model.tif_source), "%s's code via BPF: %s",
			 LT_KMODEL_TIF_FUNC, strerror(-err));
		return;
	}
	lt_kmodel_tif_from_code(&k->model, s->bss->kmem_buf, len,
				LT_KMODEL_TIF_FUNC "'s code (kernel memory, via BPF)");
}

bool lt_kernel_read_layout_bpf(struct lt_kernel *k, const struct lt_ksyms *ks)
{
	__u64 data = lt_ksyms_data_addr(ks, "vmcoreinfo_data");
	__u64 size_sym = lt_ksyms_data_addr(ks, "vmcoreinfo_size");
	struct lt_kmodel *m = &k->model;
	struct lazytrace_bpf *s;
	struct bpf_program *prog;
	__u64 text = 0, size = 0;
	char why[96] = "";
	int err;

	if (!data || !size_sym) {
		snprintf(m->missing + strlen(m->missing), sizeof(m->missing) - strlen(m->missing),
			 "; kallsyms has no vmcoreinfo_data (CONFIG_VMCORE_INFO, KALLSYMS_ALL, "
			 "CAP_SYSLOG)");
		return false;
	}
	s = lazytrace_bpf__open();
	if (!s) {
		snprintf(why, sizeof(why), "cannot open the BPF object: %s", strerror(errno));
		goto fail;
	}
	bpf_object__for_each_program(prog, s->obj)
		bpf_program__set_autoload(prog, prog == s->progs.read_kmem);
	/* the ring buffer is created with the object: the smallest size this kernel takes */
	bpf_map__set_max_entries(s->maps.events, (__u32)lt_kmodel_page_size(m) ?: 4096);
	err = lazytrace_bpf__load(s);
	if (err) {
		snprintf(why, sizeof(why), "cannot load read_kmem: %s", strerror(-err));
		goto fail;
	}
	err = read_kmem(s, data, sizeof(text));
	if (!err) {
		memcpy(&text, s->bss->kmem_buf, sizeof(text));
		err = read_kmem(s, size_sym, sizeof(size));
	}
	if (!err) {
		memcpy(&size, s->bss->kmem_buf, sizeof(size));
		if (!text || !size || size > LT_KMEM_MAX)
			err = -ENODATA;
	}
	if (!err)
		err = read_kmem(s, text, (__u32)size);
	if (err) {
		snprintf(why, sizeof(why), "reading VMCOREINFO through BPF: %s", strerror(-err));
		goto fail;
	}
	{
		char buf[LT_KMEM_MAX + 1];
		bool ok;

		memcpy(buf, s->bss->kmem_buf, size);
		buf[size] = '\0';
		ok = lt_kmodel_parse_vmcoreinfo(m, buf, strnlen(buf, size),
						"VMCOREINFO (kernel memory, via BPF)");
		read_code(s, k, ks);
		lazytrace_bpf__destroy(s);
		return ok;
	}
fail:
	lazytrace_bpf__destroy(s);
	snprintf(m->missing + strlen(m->missing), sizeof(m->missing) - strlen(m->missing), "; %s",
		 why);
	return false;
}

void lt_kernel_read_model(struct lt_kernel *k, const struct lt_ksyms *ks)
{
	lt_kernel_read_code(k, ks, NULL);
	if (!lt_kernel_read_layout(k, NULL) && ks && !strcmp(k->machine, "aarch64"))
		lt_kernel_read_layout_bpf(k, ks);
	lt_kernel_apply_model(k);
}
