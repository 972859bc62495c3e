// SPDX-License-Identifier: GPL-2.0
/*
 * src/top_snap.c: the arithmetic of `lazytrace top`'s snapshots (see top.h): what one interval
 * added, sites named and grouped by function as `stats` does it. No BPF here: unit tested.
 */
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"
#include "top.h"

int lt_top_snap_add(struct lt_top_snap *s, __u64 ip, const struct lt_top_site *v)
{
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 32;
		struct lt_top_row *r = realloc(s->v, ncap * sizeof(*r));

		if (!r)
			return -1;
		s->v = r;
		s->cap = ncap;
	}
	memset(&s->v[s->n], 0, sizeof(s->v[0]));
	s->v[s->n].ip = ip;
	s->v[s->n].v = *v;
	s->n++;
	return 0;
}

int lt_top_snap_merge(struct lt_top_snap *s, __u64 ip, const struct lt_top_site *v)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].ip == ip) {
			lt_top_site_add(&s->v[i].v, v);
			return 0;
		}
	return lt_top_snap_add(s, ip, v);
}

void lt_top_site_add(struct lt_top_site *d, const struct lt_top_site *v)
{
	d->sections += v->sections;
	d->nested += v->nested;
	d->deferred += v->deferred;
	d->flushes += v->flushes;
	d->completed += v->completed;
	d->pend_sum_ns += v->pend_sum_ns;
	if (v->pend_max_ns > d->pend_max_ns)
		d->pend_max_ns = v->pend_max_ns;
	d->hz_confirmed += v->hz_confirmed;
	d->hz_potential += v->hz_potential;
}

int lt_top_hzlist_add(struct lt_top_hzlist *l, const struct lt_top_hazard *h)
{
	if (l->n >= LT_TOP_HZ_LISTED) {
		l->unlisted++;
		return 0;
	}
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 16;
		struct lt_top_hazard *v = realloc(l->v, ncap * sizeof(*v));

		if (!v)
			return -1;
		l->v = v;
		l->cap = ncap;
	}
	l->v[l->n++] = *h;
	return 0;
}

void lt_top_hzlist_clear(struct lt_top_hzlist *l)
{
	l->n = 0;
	l->unlisted = 0;
}

void lt_top_hzlist_free(struct lt_top_hzlist *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static const struct lt_top_row *find_ip(const struct lt_top_snap *s, __u64 ip)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].ip == ip)
			return &s->v[i];
	return NULL;
}

static __u64 minus(__u64 a, __u64 b)
{
	return a > b ? a - b : 0;
}

int lt_top_snap_diff(const struct lt_top_snap *now, const struct lt_top_snap *prev,
		     struct lt_top_snap *out)
{
	memset(out, 0, sizeof(*out));
	out->mono_ns = now->mono_ns;
	out->hazards = now->hazards;
	out->sites = now->sites;
	out->t = now->t;
	out->t.events = minus(now->t.events, prev->t.events);
	out->t.sections = minus(now->t.sections, prev->t.sections);
	out->t.nested_sections = minus(now->t.nested_sections, prev->t.nested_sections);
	out->t.deferred_ptes = minus(now->t.deferred_ptes, prev->t.deferred_ptes);
	out->t.flushes = minus(now->t.flushes, prev->t.flushes);
	out->t.depth_overflow = minus(now->t.depth_overflow, prev->t.depth_overflow);
	out->t.pend_overflow = minus(now->t.pend_overflow, prev->t.pend_overflow);
	out->t.hist_overflow = minus(now->t.hist_overflow, prev->t.hist_overflow);
	out->t.no_state = minus(now->t.no_state, prev->t.no_state);
	out->t.hazards_confirmed = minus(now->t.hazards_confirmed, prev->t.hazards_confirmed);
	out->t.hazards_potential = minus(now->t.hazards_potential, prev->t.hazards_potential);
	out->t.page_overflow = minus(now->t.page_overflow, prev->t.page_overflow);
	out->t.hazards_lost = minus(now->t.hazards_lost, prev->t.hazards_lost);
	for (int h = 0; h < LT_TOP_HIST_NR; h++)
		out->t.hist_sum[h] = minus(now->t.hist_sum[h], prev->t.hist_sum[h]);
	out->sites_full = minus(now->sites_full, prev->sites_full);
	out->lost_recursion = minus(now->lost_recursion, prev->lost_recursion);
	for (int h = 0; h < LT_TOP_HIST_NR; h++)
		for (int k = 0; k < LT_TOP_HIST_SLOTS; k++)
			out->hist[h][k] = minus(now->hist[h][k], prev->hist[h][k]);
	for (size_t i = 0; i < now->n; i++) {
		const struct lt_top_row *p = find_ip(prev, now->v[i].ip);
		struct lt_top_site d = now->v[i].v;

		if (p) {
			d.sections = minus(d.sections, p->v.sections);
			d.nested = minus(d.nested, p->v.nested);
			d.deferred = minus(d.deferred, p->v.deferred);
			d.flushes = minus(d.flushes, p->v.flushes);
			d.completed = minus(d.completed, p->v.completed);
			d.pend_sum_ns = minus(d.pend_sum_ns, p->v.pend_sum_ns);
			d.hz_confirmed = minus(d.hz_confirmed, p->v.hz_confirmed);
			d.hz_potential = minus(d.hz_potential, p->v.hz_potential);
		}
		if (!d.sections && !d.deferred && !d.flushes && !d.completed && !d.hz_confirmed &&
		    !d.hz_potential)
			continue;	/* nothing in this interval */
		if (lt_top_snap_add(out, now->v[i].ip, &d))
			return -1;
	}
	return 0;
}

static int cmp_row(const void *a, const void *b)
{
	const struct lt_top_row *x = a, *y = b;

	if (x->v.deferred != y->v.deferred)
		return x->v.deferred > y->v.deferred ? -1 : 1;
	if (x->v.sections != y->v.sections)
		return x->v.sections > y->v.sections ? -1 : 1;
	return strcmp(x->name, y->name);
}

void lt_top_snap_finish(struct lt_top_snap *s, const struct lt_ksyms *ks, enum lt_site_key by)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n; i++) {
		struct lt_top_row *r = &s->v[i];

		if (!r->ip)
			snprintf(r->name, sizeof(r->name), "(outside any section)");
		else if (ks)
			lt_ksyms_format(ks, r->ip, r->name, sizeof(r->name));
		else
			snprintf(r->name, sizeof(r->name), "0x%llx", (unsigned long long)r->ip);
	}
	if (by == LT_BY_FUNCTION) {
		for (size_t i = 0; i < s->n; i++) {
			struct lt_top_row x = s->v[i], *d = NULL;

			if (x.ip)
				lt_site_function(s->v[i].name, x.name, sizeof(x.name));
			for (size_t j = 0; j < n; j++)
				if (!strcmp(s->v[j].name, x.name)) {
					d = &s->v[j];
					break;
				}
			if (!d) {
				s->v[n++] = x;
				continue;
			}
			lt_top_site_add(&d->v, &x.v);
		}
		s->n = n;
	}
	if (s->n > 1)
		qsort(s->v, s->n, sizeof(s->v[0]), cmp_row);
}

void lt_top_snap_free(struct lt_top_snap *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

__u64 lt_top_hist_sum(const __u64 *slots)
{
	__u64 n = 0;

	for (int k = 0; k < LT_TOP_HIST_SLOTS; k++)
		n += slots[k];
	return n;
}
