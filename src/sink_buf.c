// SPDX-License-Identifier: GPL-2.0
/* src/sink_buf.c: see sink_buf.h. */
#include <stdbool.h>

#include "sink_buf.h"

void lt_ob_flush(struct lt_obuf *o)
{
	if (o->len)
		fwrite(o->b, 1, o->len, o->f);
	o->len = 0;
}

void lt_ob_mem_slow(struct lt_obuf *o, const char *s, size_t n)
{
	lt_ob_flush(o);
	fwrite(s, 1, n, o->f);
}

void lt_ob_spaces(struct lt_obuf *o, size_t n)
{
	while (n) {
		size_t k = n < 64 ? n : 64;

		memset(lt_ob_room(o, k), ' ', k);
		o->len += k;
		n -= k;
	}
}

/* The digits of v at the end of buf[20]; their count. */
static int digits(__u64 v, char *end)
{
	char *p = end;

	do {
		*--p = '0' + v % 10;
		v /= 10;
	} while (v);
	return (int)(end - p);
}

void lt_ob_u64(struct lt_obuf *o, __u64 v)
{
	char buf[20];
	int n = digits(v, buf + sizeof(buf));

	lt_ob_mem(o, buf + sizeof(buf) - n, n);
}

void lt_ob_u64w(struct lt_obuf *o, __u64 v, int width)
{
	char buf[20];
	int n = digits(v, buf + sizeof(buf));

	if (width > n)
		lt_ob_spaces(o, width - n);
	lt_ob_mem(o, buf + sizeof(buf) - n, n);
}

void lt_ob_hex(struct lt_obuf *o, __u64 v)
{
	static const char hex[] = "0123456789abcdef";
	char buf[16], *p = buf + sizeof(buf);

	do {
		*--p = hex[v & 0xf];
		v >>= 4;
	} while (v);
	lt_ob_mem(o, p, buf + sizeof(buf) - p);
}

void lt_ob_padr(struct lt_obuf *o, const char *s, int width)
{
	size_t n = strlen(s);

	lt_ob_mem(o, s, n);
	if ((size_t)width > n)
		lt_ob_spaces(o, width - n);
}

/*
 * printf rounds the double nearest ns / 1000 to 3 decimals. Below 2^50 ns that double is
 * within a quarter of 0.001 of the exact quotient, which has 3 decimals: the result is the
 * exact quotient, written from integers. Beyond (13 days), printf itself.
 */
static void us(struct lt_obuf *o, bool neg, __u64 mag, int width)
{
	char buf[32], *end = buf + sizeof(buf), *p = end;
	__u64 ip = mag / 1000;
	unsigned int frac = mag % 1000;
	int n;

	*--p = '0' + frac % 10;
	*--p = '0' + frac / 10 % 10;
	*--p = '0' + frac / 100;
	*--p = '.';
	p -= digits(ip, p);
	if (neg)
		*--p = '-';
	n = (int)(end - p);
	if (width > n)
		lt_ob_spaces(o, width - n);
	lt_ob_mem(o, p, n);
}

void lt_ob_us(struct lt_obuf *o, __s64 ns, int width)
{
	__u64 mag = ns < 0 ? -(__u64)ns : (__u64)ns;

	if (mag >= (1ULL << 50)) {
		char buf[64];
		int n = snprintf(buf, sizeof(buf), "%*.3f", width, (double)ns / 1000.0);

		lt_ob_mem(o, buf, n);
		return;
	}
	us(o, ns < 0, mag, width);
}

void lt_ob_us_u(struct lt_obuf *o, __u64 ns, int width)
{
	if (ns >= (1ULL << 50)) {
		char buf[64];
		int n = snprintf(buf, sizeof(buf), "%*.3f", width, (double)ns / 1000.0);

		lt_ob_mem(o, buf, n);
		return;
	}
	us(o, false, ns, width);
}
