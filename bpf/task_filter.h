/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpf/task_filter.h: --pid and --comm in the kernel, for every BPF object of lazytrace
 * (lazytrace.bpf.c, top.bpf.c): each passes its own read-only filter values, which the
 * loader sets before load, so that with no filter the verifier drops the checks.
 */
#ifndef LT_TASK_FILTER_H
#define LT_TASK_FILTER_H

/* Whether the current task is filtered out. pid_tgid: lt_pid_tgid()'s (kernel_bits.h; used
 * only when want_pid is set). */
static __always_inline bool lt_task_filtered(__u64 pid_tgid, __u32 want_pid,
					     const volatile char *want_comm)
{
	if (want_pid && (pid_tgid >> 32) != want_pid)
		return true;
	if (want_comm[0]) {
		char comm[LT_COMM_LEN];

		bpf_get_current_comm(comm, sizeof(comm));
		for (int i = 0; i < LT_COMM_LEN; i++) {
			if (comm[i] != want_comm[i])
				return true;
			if (!comm[i])
				break;
		}
	}
	return false;
}

#endif /* LT_TASK_FILTER_H */
