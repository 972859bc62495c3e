// SPDX-License-Identifier: GPL-2.0
/* src/tidtab.c: see tidtab.h. */
#include "tidtab.h"

static unsigned int bucket(__u32 tid)
{
	return (tid * 2654435761u) >> (32 - 12);	/* 4096 buckets, Fibonacci hashing */
}

struct lt_tidnode *lt_tidtab_find(struct lt_tidtab *tab, __u32 tid)
{
	struct lt_tidnode **slot = &tab->recent[tid % LT_TIDTAB_RECENT], *n = *slot;

	if (n && n->tid == tid)
		return n;
	for (n = tab->buckets[bucket(tid)]; n; n = n->hnext)
		if (n->tid == tid)
			return *slot = n;
	return NULL;
}

void lt_tidtab_add(struct lt_tidtab *tab, struct lt_tidnode *n, __u32 tid)
{
	unsigned int h = bucket(tid);

	n->tid = tid;
	n->hnext = tab->buckets[h];
	tab->buckets[h] = n;
	n->next = NULL;
	n->prev = tab->tail;
	if (tab->tail)
		tab->tail->next = n;
	else
		tab->head = n;
	tab->tail = n;
	tab->n++;
	tab->recent[tid % LT_TIDTAB_RECENT] = n;
}

void lt_tidtab_del(struct lt_tidtab *tab, struct lt_tidnode *n)
{
	struct lt_tidnode **pp = &tab->buckets[bucket(n->tid)];

	if (tab->recent[n->tid % LT_TIDTAB_RECENT] == n)
		tab->recent[n->tid % LT_TIDTAB_RECENT] = NULL;

	while (*pp && *pp != n)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = n->hnext;
	if (n->prev)
		n->prev->next = n->next;
	else
		tab->head = n->next;
	if (n->next)
		n->next->prev = n->prev;
	else
		tab->tail = n->prev;
	tab->n--;
}
