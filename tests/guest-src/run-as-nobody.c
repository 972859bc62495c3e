// SPDX-License-Identifier: GPL-2.0
/* run-as-nobody COMMAND [ARG...]: run COMMAND as uid/gid 65534 (busybox has no su). */
#include <stdio.h>
#include <grp.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: run-as-nobody COMMAND [ARG...]\n");
		return 2;
	}
	if (setgroups(0, NULL) || setgid(65534) || setuid(65534)) {
		perror("run-as-nobody: setuid");
		return 126;
	}
	execvp(argv[1], argv + 1);
	perror("run-as-nobody: exec");
	return 127;
}
