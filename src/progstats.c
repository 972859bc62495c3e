// SPDX-License-Identifier: GPL-2.0
/*
 * src/progstats.c: --prog-stats (see progstats.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "progstats.h"

int lt_progstats_enable(FILE *log)
{
	int fd = bpf_enable_stats(BPF_STATS_RUN_TIME);

	if (fd < 0)
		fprintf(log, "lazytrace: --prog-stats: cannot turn on BPF run-time statistics: %s\n",
			strerror(errno));
	return fd;
}

/* A loaded program's statistics (a program not loaded, e.g. not autoloaded, has no fd). */
static bool prog_info(const struct bpf_program *p, struct bpf_prog_info *info)
{
	__u32 len = sizeof(*info);
	int fd = bpf_program__fd(p);

	memset(info, 0, sizeof(*info));
	return fd >= 0 && bpf_obj_get_info_by_fd(fd, info, &len) == 0;
}

void lt_progstats_print(struct bpf_object *obj, FILE *log)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, obj) {
		struct bpf_prog_info info;

		if (!prog_info(p, &info) || (!info.run_cnt && !info.recursion_misses))
			continue;
		fprintf(log,
			"lazytrace: prog %s: %llu runs, %llu ns, %llu ns/run, %llu recursion misses\n",
			bpf_program__name(p), (unsigned long long)info.run_cnt,
			(unsigned long long)info.run_time_ns,
			(unsigned long long)(info.run_cnt ? info.run_time_ns / info.run_cnt : 0),
			(unsigned long long)info.recursion_misses);
	}
}

__u64 lt_prog_recursion_misses(struct bpf_object *obj)
{
	struct bpf_program *p;
	__u64 total = 0;

	bpf_object__for_each_program(p, obj) {
		struct bpf_prog_info info;

		if (prog_info(p, &info))
			total += info.recursion_misses;
	}
	return total;
}
