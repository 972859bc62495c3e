// SPDX-License-Identifier: GPL-2.0
/*
 * run-with-caps CAPS COMMAND [ARG...]: run COMMAND as uid/gid 65534 holding exactly CAPS
 * (comma-separated names without "cap_": bpf,perfmon,syslog; "none" for none), as a
 * distribution grants a tracer capabilities without root. Busybox has no setpriv or capsh.
 * The capabilities are made ambient, so that they survive the exec of a plain binary.
 */
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

static const struct { const char *name; int cap; } names[] = {
	{ "bpf", CAP_BPF }, { "perfmon", CAP_PERFMON }, { "syslog", CAP_SYSLOG },
	{ "sys_rawio", CAP_SYS_RAWIO }, { "sys_admin", CAP_SYS_ADMIN },
	{ "dac_read_search", CAP_DAC_READ_SEARCH }, { "sys_resource", CAP_SYS_RESOURCE },
};

int main(int argc, char **argv)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { 0 };
	int want[64], n = 0;
	char *list, *tok, *save = NULL;

	if (argc < 3) {
		fprintf(stderr, "usage: run-with-caps CAP[,CAP...]|none COMMAND [ARG...]\n");
		return 2;
	}
	list = strdup(argv[1]);
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		size_t i;

		if (!strcmp(tok, "none"))
			continue;
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (!strcmp(tok, names[i].name))
				break;
		if (i == sizeof(names) / sizeof(names[0]) || n == 64) {
			fprintf(stderr, "run-with-caps: unknown capability '%s'\n", tok);
			return 2;
		}
		want[n++] = names[i].cap;
	}
	/* keep the permitted set across setuid, then narrow it to CAPS */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) || setgroups(0, NULL) || setgid(65534) ||
	    setuid(65534)) {
		perror("run-with-caps: setuid");
		return 126;
	}
	for (int i = 0; i < n; i++) {
		d[want[i] / 32].permitted |= 1u << (want[i] % 32);
		d[want[i] / 32].effective |= 1u << (want[i] % 32);
		d[want[i] / 32].inheritable |= 1u << (want[i] % 32);
	}
	if (syscall(SYS_capset, &h, d)) {
		perror("run-with-caps: capset");
		return 126;
	}
	for (int i = 0; i < n; i++)
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, want[i], 0, 0)) {
			perror("run-with-caps: ambient");
			return 126;
		}
	execvp(argv[2], argv + 2);
	perror("run-with-caps: exec");
	return 127;
}
