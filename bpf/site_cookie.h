/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpf/site_cookie.h: the attach cookie of a DWARF site's kprobe (src/sites_attach.c), read by
 * lazytrace.bpf.c's kprobe_site and top.bpf.c's top_site:
 *   bits  0-31  site index in the table      bits 32-39  event type (LT_ENABLE..LT_FLUSH)
 *   bits 40-47  LT_DEFER: level              bits 48-53  LT_DEFER: entry register + 1
 *   bits 54-59  LT_DEFER: value register + 1 (0: not located)
 *   bits 60-61  LT_DEFER: condition on the value (a call of a function that defers only
 *               for a valid entry: LT_SITE_COND_PTE, LT_SITE_COND_VALID)
 * Needs kernel_bits.h.
 */
#ifndef LT_SITE_COOKIE_H
#define LT_SITE_COOKIE_H

static __always_inline unsigned int lt_site_type(__u64 cookie)
{
	return (cookie >> 32) & 0xff;
}

/* LT_DEFER: enum lt_site_cond, 0 for a deferral site that defers whatever the value */
static __always_inline unsigned int lt_site_cond(__u64 cookie)
{
	return (cookie >> 60) & 0x3;
}

struct regs_scratch {
	__u64 x[31];
};
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct regs_scratch);
} scratch SEC(".maps");

/*
 * The deferral's entry address and new value, from the registers the cookie names (0 where
 * it names none). A register chosen at run time: the general registers are copied to a map
 * value, which may be indexed by a variable (the context may not).
 */
static __always_inline void lt_site_regs(struct pt_regs *ctx, __u64 cookie, __u64 *entry,
					 __u64 *val)
{
	unsigned int ereg = (cookie >> 48) & 0x3f, vreg = (cookie >> 54) & 0x3f;
	__u32 zero = 0;
	struct regs_scratch *s;

	*entry = *val = 0;
	if (!ereg && !vreg)
		return;
	s = bpf_map_lookup_elem(&scratch, &zero);
	if (!s || bpf_probe_read_kernel(s, sizeof(*s), ctx))
		return;
	if (ereg - 1 < 31)
		*entry = s->x[ereg - 1];
	if (vreg - 1 < 31)
		*val = s->x[vreg - 1];
}

/* At a call of a function that defers only for some values: whether this one does not. */
static __always_inline bool lt_site_no_deferral(__u64 cookie, __u64 val)
{
	unsigned int cond = lt_site_cond(cookie);

	if (cond == LT_SITE_COND_PTE)
		return !lt_pte_valid_kernel(val);
	if (cond == LT_SITE_COND_VALID)
		return !(val & PTE_VALID);
	return false;
}

#endif /* LT_SITE_COOKIE_H */
