/* SPDX-License-Identifier: GPL-2.0 */
/*
 * src/sink_buf.h: an output line built in memory, then written with one fwrite(). The dumps
 * print millions of lines: printf's format parsing, and its floating point for "%.3f",
 * took most of their time. What is formatted here is byte for byte what the printf
 * conversion named next to each function gives.
 */
#ifndef LT_SINK_BUF_H
#define LT_SINK_BUF_H

#include <stdio.h>
#include <string.h>
#include <linux/types.h>

#define LT_OBUF_SIZE 4096

struct lt_obuf {
	FILE *f;
	size_t len;
	char b[LT_OBUF_SIZE];
};

static inline void lt_ob_init(struct lt_obuf *o, FILE *f)
{
	o->f = f;
	o->len = 0;
}

/* Writes what is buffered (call it at the end of each line or record). */
void lt_ob_flush(struct lt_obuf *o);

/* Room for n bytes (n <= LT_OBUF_SIZE), flushing first if need be. */
static inline char *lt_ob_room(struct lt_obuf *o, size_t n)
{
	if (o->len + n > LT_OBUF_SIZE)
		lt_ob_flush(o);
	return o->b + o->len;
}

void lt_ob_mem_slow(struct lt_obuf *o, const char *s, size_t n);

static inline void lt_ob_mem(struct lt_obuf *o, const char *s, size_t n)
{
	if (n > LT_OBUF_SIZE / 2) {
		lt_ob_mem_slow(o, s, n);
		return;
	}
	memcpy(lt_ob_room(o, n), s, n);
	o->len += n;
}

static inline void lt_ob_str(struct lt_obuf *o, const char *s)
{
	lt_ob_mem(o, s, strlen(s));
}

static inline void lt_ob_ch(struct lt_obuf *o, char c)
{
	*lt_ob_room(o, 1) = c;
	o->len++;
}

void lt_ob_spaces(struct lt_obuf *o, size_t n);		/* "%*s" of "" */
void lt_ob_u64(struct lt_obuf *o, __u64 v);			/* "%llu" */
void lt_ob_u64w(struct lt_obuf *o, __u64 v, int width);	/* "%*llu" */
void lt_ob_hex(struct lt_obuf *o, __u64 v);			/* "%llx" */
void lt_ob_padr(struct lt_obuf *o, const char *s, int width);	/* "%-*s" */
/* "%*.3f" of ns / 1000.0 (microseconds with 3 decimals). */
void lt_ob_us(struct lt_obuf *o, __s64 ns, int width);
void lt_ob_us_u(struct lt_obuf *o, __u64 ns, int width);

#endif /* LT_SINK_BUF_H */
