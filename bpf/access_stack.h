/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpf/access_stack.h: the kernel stack of an access probe (lazytrace.bpf.c's kprobe_access,
 * top.bpf.c's top_access), for both BPF objects.
 */
#ifndef LT_ACCESS_STACK_H
#define LT_ACCESS_STACK_H

/*
 * frames[LT_MAX_FRAMES]; returns how many were filled. At a function's entry its frame record
 * is not pushed yet, so the frame-pointer walk skips the direct caller: the link register
 * goes in after the first frame. At a call site (LT_ACCESS_CALL_SITE) the walk is complete.
 */
static __always_inline __u8 lt_access_stack(struct pt_regs *ctx, __u64 *frames, bool at_entry)
{
	long n = bpf_get_stack(ctx, frames, (LT_MAX_FRAMES - 1) * sizeof(__u64), 0);

	if (n >= (long)sizeof(__u64) && at_entry) {
		for (int i = LT_MAX_FRAMES - 1; i > 1; i--)
			frames[i] = frames[i - 1];
		frames[1] = PT_REGS_RET(ctx);
		n += sizeof(__u64);
	}
	return n > 0 ? n / sizeof(__u64) : 0;
}

#endif /* LT_ACCESS_STACK_H */
