/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpf/kernel_bits.h: what both BPF objects (lazytrace.bpf.c, top.bpf.c) read of the running
 * arm64 kernel: the interrupt bits of preempt_count, the PTE bits that make an entry one
 * whose barriers queue_pte_barriers() defers, and CO-RE shadows of the task's lazy MMU state
 * (fields that exist on some kernels only: read behind bpf_core_field_exists()).
 */
#ifndef LT_KERNEL_BITS_H
#define LT_KERNEL_BITS_H

#define HARDIRQ_SOFTIRQ_NMI_MASK 0x00ffff00	/* in_interrupt() of preempt_count */

#define PTE_VALID	(1ULL << 0)
#define PTE_USER	(1ULL << 6)
#define PTE_UXN		(1ULL << 54)

/* pte_valid_not_user(): a valid kernel entry, the only kind whose barriers are deferred. */
static __always_inline bool lt_pte_valid_kernel(__u64 val)
{
	return (val & (PTE_VALID | PTE_USER | PTE_UXN)) == (PTE_VALID | PTE_UXN);
}

struct lazy_mmu_state___lt {
	__u8 enable_count;
	__u8 pause_count;
	__u8 ended;		/* our patch 0003 (flat emulation) */
} __attribute__((preserve_access_index));

struct task_struct___lt {
	struct thread_info thread_info;
	struct lazy_mmu_state___lt lazy_mmu_state;	/* 7.0+ */
} __attribute__((preserve_access_index));

/*
 * bpf_get_current_pid_tgid() without its helper call: the same two fields of the current
 * task, whose pointer the arm64 JIT inlines (trusted, BTF: plain loads). Every program reads
 * it, several times in some; under TCG each helper call is an indirect call and return the
 * emulator looks up (measured in the lab with --prog-stats).
 */
static __always_inline __u64 lt_pid_tgid(void)
{
	struct task_struct *t = bpf_get_current_task_btf();

	return (__u64)(__u32)t->tgid << 32 | (__u32)t->pid;
}

/*
 * arm64's page attribute walk (arch/arm64/mm/pageattr.c): the per-PTE callback writes
 * (old & ~clear_mask) | set_mask, the masks in a struct page_change_data, which reaches
 * pageattr_pte_entry() (6.18+) as its walk's private data and change_page_range() (before)
 * as its data argument. Used only where the loader found both in the kernel's BTF.
 */
struct pgprot___lt {
	__u64 pgprot;
} __attribute__((preserve_access_index));

struct page_change_data___lt {
	struct pgprot___lt set_mask;
	struct pgprot___lt clear_mask;
} __attribute__((preserve_access_index));

struct mm_walk___lt {
	void *private;
} __attribute__((preserve_access_index));

/*
 * The entry a fentry/fexit program's pte_t argument points to: a trusted pointer (BTF), read
 * by a plain load the JIT guards against faults (BPF_PROBE_MEM), where a
 * bpf_probe_read_kernel() is a helper call.
 */
static __always_inline __u64 lt_pte_load(const void *ptep)
{
	return *(const __u64 *)ptep;
}

/*
 * A kprobe's pointer argument as the kernel type it points to (libbpf's bpf_core_cast(),
 * which libbpf before 1.4 lacks): its fields are then plain loads the JIT guards against
 * faults (BPF_PROBE_MEM), where BPF_CORE_READ() makes a bpf_probe_read_kernel() call of each
 * (under TCG about a microsecond a call, measured with --prog-stats). The kfunc is 6.2+ and
 * the verifier makes it a register move.
 */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;
#define lt_core_cast(ptr, type) \
	((typeof(type) *)bpf_rdonly_cast((ptr), bpf_core_type_id_kernel(type)))

#endif /* LT_KERNEL_BITS_H */
