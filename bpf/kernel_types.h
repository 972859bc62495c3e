/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bpf/kernel_types.h: the kernel types bpf/lazytrace.bpf.c needs, written by hand in place
 * of a vmlinux.h generated from a kernel's BTF, so that the BPF object builds without a kernel.
 *
 * CO-RE relocates every field access against the running kernel's BTF at load time: the
 * object needs the names of the structs and of the fields it reads, not their layout. So, as
 * bpftool's pid_iter.bpf.c does with its shadow types, each kernel struct here declares only
 * the members the program (or libbpf's bpf_tracing.h) uses, in the kernel's order and with
 * the kernel's types, and carries preserve_access_index. `make check-types` checks every
 * struct and member named here against the lab kernel's BTF (scripts/check-kernel-types).
 *
 * Also here: the fixed-size integer types as vmlinux.h provides them, the uapi enum values
 * the program uses (ABI, numbers from include/uapi/linux/bpf.h), and forward declarations of
 * the structs named by libbpf's bpf_helper_defs.h. The guard is vmlinux.h's: include/lazytrace.h
 * and bpf/bpf_tracing.h test __VMLINUX_H__ to know that the kernel's types are declared.
 */
#ifndef __VMLINUX_H__
#define __VMLINUX_H__

/* --- integer types (include/uapi/asm-generic/int-ll64.h, include/linux/types.h) ---------- */
typedef signed char __s8;
typedef unsigned char __u8;
typedef short int __s16;
typedef short unsigned int __u16;
typedef int __s32;
typedef unsigned int __u32;
typedef long long int __s64;
typedef long long unsigned int __u64;

typedef __s8 s8;
typedef __u8 u8;
typedef __s16 s16;
typedef __u16 u16;
typedef __s32 s32;
typedef __u32 u32;
typedef __s64 s64;
typedef __u64 u64;

typedef __u16 __be16;		/* bpf_helper_defs.h */
typedef __u32 __be32;
typedef __u32 __wsum;

typedef _Bool bool;
enum {
	false = 0,
	true = 1,
};

/* --- uapi enum values (include/uapi/linux/bpf.h) ------------------------------------------ */
enum bpf_map_type {
	BPF_MAP_TYPE_HASH = 1,
	BPF_MAP_TYPE_PERCPU_HASH = 5,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
	BPF_MAP_TYPE_LRU_HASH = 9,
	BPF_MAP_TYPE_RINGBUF = 27,
	BPF_MAP_TYPE_TASK_STORAGE = 29,
};

/* flags for BPF_MAP_UPDATE_ELEM */
enum {
	BPF_ANY = 0,
	BPF_NOEXIST = 1,
};

/* flags for BPF_MAP_CREATE */
enum {
	BPF_F_NO_PREALLOC = 1,
};

/* flags for bpf_task_storage_get() */
enum {
	BPF_LOCAL_STORAGE_GET_F_CREATE = 1,
};

/* flags for bpf_ringbuf_submit() */
enum {
	BPF_RB_NO_WAKEUP = 1,
	BPF_RB_FORCE_WAKEUP = 2,
};

/* what bpf_ringbuf_query() reports */
enum {
	BPF_RB_AVAIL_DATA = 0,
};

/* --- arm64 registers (arch/arm64/include/{uapi/,}asm/ptrace.h) ---------------------------- */
/*
 * bpf_tracing.h reads a kprobe's registers as struct user_pt_regs, the uapi head of arm64's
 * struct pt_regs (PT_REGS_PARMn: regs[n-1], PT_REGS_RET: regs[30], PT_REGS_SP: sp,
 * PT_REGS_IP: pc); pt_regs itself is only the type of the context pointer.
 */
struct user_pt_regs {
	__u64 regs[31];
	__u64 sp;
	__u64 pc;
} __attribute__((preserve_access_index));

struct pt_regs;

/* --- the task's state (arch/arm64/include/asm/thread_info.h, include/linux/sched.h) ------- */
struct thread_info {
	unsigned long flags;		/* TIF_LAZY_MMU_PENDING, TIF_LAZY_MMU (6.16-6.19) */
	union {				/* as in the kernel: with `struct { u32 count, need_resched; } preempt` */
		u64 preempt_count;
	};
} __attribute__((preserve_access_index));

/* 7.0+. The BPF objects read it through kernel_bits.h's lazy_mmu_state___lt (+ ended). */
struct lazy_mmu_state {
	u8 enable_count;
	u8 pause_count;
} __attribute__((preserve_access_index));

/* ... and through task_struct___lt (kernel_bits.h), where lazy_mmu_state is optional. */
struct task_struct {
	struct thread_info thread_info;
	int pid;			/* pid_t: the tid */
	int tgid;			/* pid_t: the process */
	struct lazy_mmu_state lazy_mmu_state;
	unsigned short migration_disabled;	/* migrate_disable() depth */
} __attribute__((preserve_access_index));

/* Only pointers to it are used. */
struct page;

/* --- structs named by bpf_helper_defs.h (libbpf 1.1) -------------------------------------- */
struct __sk_buff;
struct bpf_dynptr;
struct bpf_fib_lookup;
struct bpf_perf_event_data;
struct bpf_perf_event_value;
struct bpf_pidns_info;
struct bpf_redir_neigh;
struct bpf_sk_lookup;
struct bpf_sock;
struct bpf_sock_addr;
struct bpf_sock_ops;
struct bpf_sock_tuple;
struct bpf_spin_lock;
struct bpf_sysctl;
struct bpf_tcp_sock;
struct bpf_timer;
struct bpf_tunnel_key;
struct bpf_xfrm_state;
struct btf_ptr;
struct cgroup;
struct file;
struct inode;
struct iphdr;
struct ipv6hdr;
struct linux_binprm;
struct mptcp_sock;
struct path;
struct seq_file;
struct sk_msg_md;
struct sk_reuseport_md;
struct sockaddr;
struct socket;
struct tcp6_sock;
struct tcp_request_sock;
struct tcp_sock;
struct tcp_timewait_sock;
struct tcphdr;
struct udp6_sock;
struct unix_sock;
struct xdp_md;

#endif /* __VMLINUX_H__ */
