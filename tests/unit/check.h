/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tests/unit/check.h: a tiny test harness. CHECK* count passes and failures (a failure prints
 * where and why); check_finish() prints "<name>: N passed, M failed" last and returns the exit
 * status (non-zero on any failure).
 */
#ifndef LT_CHECK_H
#define LT_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond)							\
	do {								\
		if (cond) {						\
			check_passed++;					\
		} else {						\
			check_failed++;					\
			printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		}							\
	} while (0)

#define CHECK_EQ(a, b)							\
	do {								\
		unsigned long long _a = (unsigned long long)(a);	\
		unsigned long long _b = (unsigned long long)(b);	\
		if (_a == _b) {						\
			check_passed++;					\
		} else {						\
			check_failed++;					\
			printf("FAIL %s:%d: %s == %s: %llu (0x%llx) != %llu (0x%llx)\n", \
			       __FILE__, __LINE__, #a, #b, _a, _a, _b, _b); \
		}							\
	} while (0)

#define CHECK_STR(a, b)							\
	do {								\
		const char *_a = (a), *_b = (b);			\
		if (_a && _b && !strcmp(_a, _b)) {			\
			check_passed++;					\
		} else {						\
			check_failed++;					\
			printf("FAIL %s:%d: %s == %s:\n--- got\n%s\n--- expected\n%s\n---\n", \
			       __FILE__, __LINE__, #a, #b, _a ? _a : "(null)", \
			       _b ? _b : "(null)");			\
		}							\
	} while (0)

static inline int check_finish(const char *name)
{
	printf("%s: %d passed, %d failed\n", name, check_passed, check_failed);
	return check_failed ? 1 : 0;
}

#endif /* LT_CHECK_H */
