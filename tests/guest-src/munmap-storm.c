// SPDX-License-Identifier: GPL-2.0
/*
 * munmap-storm [MIB] [ROUNDS]: map MIB MiB of anonymous memory, touch every page, unmap it;
 * ROUNDS times (default 16 MiB, 4 rounds). The unmap runs zap_pte_range() in a lazy MMU
 * section; freeing the pages needs mmu_gather batch pages from __get_free_page(), which with
 * debug_pagealloc=on maps them in a nested section (__kernel_map_pages -> set_memory_valid).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 16;
	int rounds = argc > 2 ? atoi(argv[2]) : 4;
	long page = sysconf(_SC_PAGESIZE);

	if (!mib || rounds <= 0 || page <= 0) {
		fprintf(stderr, "usage: munmap-storm [MIB] [ROUNDS]\n");
		return 2;
	}
	for (int r = 0; r < rounds; r++) {
		size_t len = mib << 20;
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		for (size_t off = 0; off < len; off += page)
			p[off] = (char)off;
		if (munmap(p, len)) {
			perror("munmap");
			return 1;
		}
	}
	printf("munmap-storm: %d rounds of %zu MiB\n", rounds, mib);
	return 0;
}
