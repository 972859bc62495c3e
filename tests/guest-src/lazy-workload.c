// SPDX-License-Identifier: GPL-2.0
/*
 * lazy-workload: a fixed, timed lazy MMU workload for the benchmarks and the soak test.
 *
 *   lazy-workload [-m MIB] [-r ROUNDS] [-s SEEDS] [-v KIB] [-V MAPS] [-f FORKS] [-t SECONDS] [-i MS]
 *                 [-M US] [-P SLOTS] [-S PAGES]
 *
 * One cycle is:
 *   - ROUNDS times: map MIB MiB of anonymous memory, touch every page, munmap it
 *     (zap_pte_range's lazy section; with debug_pagealloc=on every page allocation and free
 *     maps or unmaps the page through __kernel_map_pages -> set_memory_valid, nested when it
 *     happens inside the zap);
 *   - SEEDS writes of "seed 8 5" to /sys/kernel/debug/lazy_mmu/scenario (the thread's
 *     example, needs the patched kernel);
 *   - MAPS times: create and close a BPF array map of KIB KiB, which the kernel allocates
 *     with vmalloc (vmap_pte_range runs in a lazy section) and frees with vfree;
 *   - FORKS times: fork a child that exits at once and wait for it (its kernel stack is
 *     vmalloc'd: lazy sections in the vmap and vunmap paths, in the parent and the child);
 *   - -P SLOTS: once, a pipe's ring resized to SLOTS pages (F_SETPIPE_SZ): the kernel
 *     allocates its SLOTS struct pipe_buffer (40 bytes each) with kmalloc, in one block of
 *     contiguous pages beyond 8 KiB, which debug_pagealloc maps in one set_memory_valid()
 *     call: 4096 slots are 160 KiB, 64 pages (4K) made valid in one lazy MMU section;
 *   - -S PAGES: once, PAGES pages of memfd_secret() memory mapped, touched and unmapped: the
 *     kernel takes each page out of its linear map when it is faulted in
 *     (set_direct_map_invalid_noflush) and puts it back when it is freed: per-PTE updates
 *     through the page attribute walk on any kernel, stock ones without debug_pagealloc
 *     included, and made by this process (KFENCE's come from whichever task allocates).
 * -M US: a helper process moves the workload from CPU to CPU (its affinity, one online CPU
 * after the other) every US microseconds while it runs, so that its lazy sections and their
 * deferrals are spread over CPUs as a busy machine's scheduler would. Without -t it runs one cycle; with -t it repeats cycles until SECONDS have passed, pausing
 * MS milliseconds after each (-i; a steady rate for soak tests instead of a flat-out one). It
 * prints one line: the counts done and the elapsed CLOCK_MONOTONIC time in nanoseconds,
 * which is what the overhead benchmark compares (the guest's own clock, no shell in it).
 */
#define _GNU_SOURCE	/* sched_setaffinity, CPU_SET */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SCENARIO "/sys/kernel/debug/lazy_mmu/scenario"

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int munmap_round(size_t mib, long page)
{
	size_t len = mib << 20;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		fprintf(stderr, "lazy-workload: mmap %zu MiB: %s\n", mib, strerror(errno));
		return -1;
	}
	for (size_t off = 0; off < len; off += page)
		p[off] = (char)off;
	if (munmap(p, len)) {
		fprintf(stderr, "lazy-workload: munmap: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static int seed_once(void)
{
	static const char cmd[] = "seed 8 5";
	int fd = open(SCENARIO, O_WRONLY);
	ssize_t n;

	if (fd < 0) {
		fprintf(stderr, "lazy-workload: %s: %s\n", SCENARIO, strerror(errno));
		return -1;
	}
	n = write(fd, cmd, sizeof(cmd) - 1);
	close(fd);
	if (n != (ssize_t)sizeof(cmd) - 1) {
		fprintf(stderr, "lazy-workload: seed: %s\n", n < 0 ? strerror(errno) : "short write");
		return -1;
	}
	return 0;
}

static int vmalloc_once(size_t kib)
{
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 4096;
	attr.max_entries = kib / 4;
	fd = syscall(__NR_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
	if (fd < 0) {
		fprintf(stderr, "lazy-workload: BPF array map of %zu KiB: %s\n", kib, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

static int fork_once(void)
{
	pid_t pid = fork();

	if (pid < 0) {
		fprintf(stderr, "lazy-workload: fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0)
		_exit(0);
	return waitpid(pid, NULL, 0) == pid ? 0 : -1;
}

static int pipe_once(unsigned long slots, long page)
{
	int fds[2], ret = 0;

	if (pipe(fds)) {
		fprintf(stderr, "lazy-workload: pipe: %s\n", strerror(errno));
		return -1;
	}
	if (fcntl(fds[0], F_SETPIPE_SZ, (int)(slots * page)) < 0) {
		fprintf(stderr, "lazy-workload: F_SETPIPE_SZ %lu pages: %s\n", slots, strerror(errno));
		ret = -1;
	}
	close(fds[0]);
	close(fds[1]);
	return ret;
}

#ifndef __NR_memfd_secret
#define __NR_memfd_secret 447	/* the generic syscall table's (arm64, x86-64) */
#endif

static int secret_once(unsigned long pages, long page)
{
	size_t len = pages * (size_t)page;
	int fd = (int)syscall(__NR_memfd_secret, 0);
	char *p;

	if (fd < 0) {
		fprintf(stderr, "lazy-workload: memfd_secret: %s\n", strerror(errno));
		return -1;
	}
	if (ftruncate(fd, (off_t)len)) {
		fprintf(stderr, "lazy-workload: ftruncate secret memory: %s\n", strerror(errno));
		close(fd);
		return -1;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "lazy-workload: mmap secret memory: %s\n", strerror(errno));
		close(fd);
		return -1;
	}
	for (size_t off = 0; off < len; off += (size_t)page)
		p[off] = 1;
	munmap(p, len);
	close(fd);
	return 0;
}

static unsigned long num(const char *opt, const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-') {
		fprintf(stderr, "lazy-workload: %s needs a whole number, not '%s'\n", opt, s);
		exit(2);
	}
	return v;
}

/* -M: the helper, until killed: the parent's affinity to one CPU after the other. */
static pid_t start_migrator(unsigned long us)
{
	pid_t parent = getpid(), pid = fork();
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (pid)
		return pid;
	for (long cpu = 0;; cpu = (cpu + 1) % (ncpus > 0 ? ncpus : 1)) {
		struct timespec ts = { us / 1000000, (us % 1000000) * 1000L };
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(parent, sizeof(set), &set) && errno == ESRCH)
			_exit(0);
		nanosleep(&ts, NULL);
	}
}

int main(int argc, char **argv)
{
	unsigned long mib = 16, rounds = 4, seeds = 0, kib = 1024, maps = 0, forks = 0, seconds = 0;
	unsigned long pause_ms = 0, migrate_us = 0, pipe_slots = 0, secret_pages = 0;
	unsigned long long start, end, cycles = 0;
	pid_t migrator = 0;
	long page = sysconf(_SC_PAGESIZE);
	int c;

	while ((c = getopt(argc, argv, "m:r:s:v:V:f:t:i:M:P:S:h")) != -1) {
		switch (c) {
		case 'm': mib = num("-m", optarg); break;
		case 'r': rounds = num("-r", optarg); break;
		case 's': seeds = num("-s", optarg); break;
		case 'v': kib = num("-v", optarg); break;
		case 'V': maps = num("-V", optarg); break;
		case 'f': forks = num("-f", optarg); break;
		case 't': seconds = num("-t", optarg); break;
		case 'i': pause_ms = num("-i", optarg); break;
		case 'M': migrate_us = num("-M", optarg); break;
		case 'P': pipe_slots = num("-P", optarg); break;
		case 'S': secret_pages = num("-S", optarg); break;
		case 'h':
			printf("usage: lazy-workload [-m MIB] [-r ROUNDS] [-s SEEDS] [-v KIB] [-V MAPS] [-f FORKS] [-t SECONDS] [-i MS] [-M US] [-P SLOTS] [-S PAGES]\n");
			return 0;
		default:
			return 2;
		}
	}
	if (optind != argc || (rounds && !mib) || (maps && kib < 64) || page <= 0) {
		fprintf(stderr, "lazy-workload: bad arguments (see -h)\n");
		return 2;
	}
	if (migrate_us) {
		migrator = start_migrator(migrate_us);
		if (migrator < 0) {
			fprintf(stderr, "lazy-workload: fork: %s\n", strerror(errno));
			return 1;
		}
	}
	start = now_ns();
	end = start + seconds * 1000000000ULL;
	if (pipe_slots && pipe_once(pipe_slots, page))
		return 1;
	if (secret_pages && secret_once(secret_pages, page))
		return 1;
	do {
		for (unsigned long i = 0; i < rounds; i++)
			if (munmap_round(mib, page))
				return 1;
		for (unsigned long i = 0; i < seeds; i++)
			if (seed_once())
				return 1;
		for (unsigned long i = 0; i < maps; i++)
			if (vmalloc_once(kib))
				return 1;
		for (unsigned long i = 0; i < forks; i++)
			if (fork_once())
				return 1;
		cycles++;
		if (pause_ms && seconds && now_ns() < end) {
			struct timespec ts = { pause_ms / 1000, (pause_ms % 1000) * 1000000L };

			nanosleep(&ts, NULL);
		}
	} while (seconds && now_ns() < end);
	if (migrator > 0) {
		kill(migrator, SIGKILL);
		waitpid(migrator, NULL, 0);
	}
	printf("lazy-workload: cycles=%llu munmap_mib=%llu seeds=%llu vmalloc_maps=%llu forks=%llu elapsed_ns=%llu\n",
	       cycles, cycles * rounds * mib, cycles * seeds, cycles * maps, cycles * forks,
	       now_ns() - start);
	return 0;
}
