// SPDX-License-Identifier: GPL-2.0
/* src/sink_names.c: see sink_names.h. */
#include <string.h>

#include "ksyms.h"
#include "sink_names.h"

void lt_symcache_init(struct lt_symcache *c, const struct lt_ksyms *ks)
{
	c->ks = ks;
	c->nsyms = lt_ksyms_count(ks);
	c->gen = 1;	/* zeroed slots (gen 0) are empty */
}

const char *lt_symcache_name(struct lt_symcache *c, __u64 ip, size_t bufsize, bool func,
			     size_t *len)
{
	struct lt_symcache_slot *sl = &c->slot[((ip >> 2) ^ (ip >> 13)) & (LT_SYMCACHE_SLOTS - 1)];
	size_t n;

	/* The table only grows: a new symbol may be nearer below a cached address. */
	if (lt_ksyms_count(c->ks) != c->nsyms) {
		c->nsyms = lt_ksyms_count(c->ks);
		c->gen++;
	}
	if (sl->gen != c->gen || sl->ip != ip) {
		lt_ksyms_format(c->ks, ip, sl->s, sizeof(sl->s));
		sl->ip = ip;
		sl->gen = c->gen;
		sl->len = (__u16)strlen(sl->s);
	}
	n = sl->len;
	if (bufsize && n > bufsize - 1)
		n = bufsize - 1;	/* snprintf into bufsize bytes */
	if (func && n > 4 && !memcmp(sl->s + n - 4, "+0x0", 4))
		n -= 4;
	*len = n;
	return sl->s;
}
