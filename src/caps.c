// SPDX-License-Identifier: GPL-2.0
/* src/caps.c: check and drop capabilities, with the raw syscalls (no libcap to link
 * statically). */
#include <errno.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include "caps.h"

static int get_caps(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };

	return (int)syscall(SYS_capget, &h, d);
}

static int has_cap(const struct __user_cap_data_struct d[2], int cap)
{
	return (d[cap / 32].effective >> (cap % 32)) & 1;
}

int lt_caps_check(void)
{
	struct __user_cap_data_struct d[2] = { 0 };
	int bpf, perfmon;

	if (get_caps(d)) {
		fprintf(stderr, "lazytrace: cannot read the process's capabilities: %s\n",
			strerror(errno));
		return 1;
	}
	bpf = has_cap(d, CAP_BPF);
	perfmon = has_cap(d, CAP_PERFMON);
	if (bpf && perfmon)
		return 0;
	fprintf(stderr, "lazytrace: missing %s%s%s: run as root, or with CAP_BPF and CAP_PERFMON "
		"(+ CAP_SYSLOG for symbols); see CAPABILITIES in lazytrace(8)\n",
		bpf ? "" : "CAP_BPF", !bpf && !perfmon ? " and " : "", perfmon ? "" : "CAP_PERFMON");
	return 1;
}

void lt_caps_drop_all(FILE *log)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { 0 };

	/* ambient first: it cannot hold what permitted no longer has */
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (syscall(SYS_capset, &h, d))
		fprintf(log, "lazytrace: cannot drop capabilities after attaching: %s\n",
			strerror(errno));
}
