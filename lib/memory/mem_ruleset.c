/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The memory backend's ruleset: tables of chains of parsed rules, deep-copyable. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "../vec.h"

/* The legacy tables a fresh network namespace has, with their built-in chains. */
struct mem_table_shape {
	const char *name;
	unsigned int hooks;		/* 1 << NF_INET_* */
};

#define HOOK(h) (1u << (h))
static const struct mem_table_shape shapes[] = {
	{ "filter", HOOK(NF_INET_LOCAL_IN) | HOOK(NF_INET_FORWARD) | HOOK(NF_INET_LOCAL_OUT) },
	{ "nat", HOOK(NF_INET_PRE_ROUTING) | HOOK(NF_INET_LOCAL_IN) | HOOK(NF_INET_LOCAL_OUT) |
		 HOOK(NF_INET_POST_ROUTING) },
	{ "mangle", HOOK(NF_INET_PRE_ROUTING) | HOOK(NF_INET_LOCAL_IN) | HOOK(NF_INET_FORWARD) |
		    HOOK(NF_INET_LOCAL_OUT) | HOOK(NF_INET_POST_ROUTING) },
	{ "raw", HOOK(NF_INET_PRE_ROUTING) | HOOK(NF_INET_LOCAL_OUT) },
	{ "security", HOOK(NF_INET_LOCAL_IN) | HOOK(NF_INET_FORWARD) | HOOK(NF_INET_LOCAL_OUT) },
};

static const char *const hook_names[NF_INET_NUMHOOKS] = {
	[NF_INET_PRE_ROUTING] = "PREROUTING",
	[NF_INET_LOCAL_IN] = "INPUT",
	[NF_INET_FORWARD] = "FORWARD",
	[NF_INET_LOCAL_OUT] = "OUTPUT",
	[NF_INET_POST_ROUTING] = "POSTROUTING",
};

static void chain_free(struct ic_mem_chain *c, bool rules)
{
	for (size_t i = 0; rules && i < c->n; i++)
		ic_rule_free(&c->rules[i]);
	free(c->rules);
	c->rules = NULL;
	c->n = c->cap = 0;
}

struct ic_mem_table *ic_mem_table_new(const char *name)
{
	const struct mem_table_shape *s = NULL;
	struct ic_mem_table *t;
	int h;

	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++)
		if (!strcmp(shapes[i].name, name))
			s = &shapes[i];
	if (!s) {
		errno = ENOENT;
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t || IC_VEC_RESERVE(t->chains, t->cap, NF_INET_NUMHOOKS)) {
		free(t);
		errno = ENOMEM;
		return NULL;
	}
	snprintf(t->name, sizeof(t->name), "%s", name);
	for (h = 0; h < NF_INET_NUMHOOKS; h++) {
		struct ic_mem_chain *c;

		if (!(s->hooks & HOOK(h)))
			continue;
		c = &t->chains[t->n++];
		memset(c, 0, sizeof(*c));
		snprintf(c->name, sizeof(c->name), "%s", hook_names[h]);
		c->hook = h;
	}
	t->nbuiltin = t->n;
	return t;
}

static int chain_share(struct ic_mem_chain *dst, const struct ic_mem_chain *src)
{
	*dst = *src;
	dst->rules = NULL;
	dst->n = dst->cap = 0;
	if (src->n && IC_VEC_RESERVE(dst->rules, dst->cap, src->n))
		return -1;
	if (src->n)
		memcpy(dst->rules, src->rules, src->n * sizeof(*src->rules));
	dst->n = src->n;
	return 0;
}

struct ic_mem_table *ic_mem_table_share(const struct ic_mem_table *t)
{
	struct ic_mem_table *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	memcpy(d->name, t->name, sizeof(d->name));
	d->nbuiltin = t->nbuiltin;
	if (IC_VEC_RESERVE(d->chains, d->cap, t->n ? t->n : 1)) {
		free(d);
		return NULL;
	}
	for (; d->n < t->n; d->n++) {
		if (chain_share(&d->chains[d->n], &t->chains[d->n])) {
			ic_mem_table_free_shallow(d);
			return NULL;
		}
	}
	return d;
}

static void table_free(struct ic_mem_table *t, bool rules)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		chain_free(&t->chains[i], rules);
	free(t->chains);
	free(t);
}

void ic_mem_table_free(struct ic_mem_table *t)
{
	table_free(t, true);
}

void ic_mem_table_free_shallow(struct ic_mem_table *t)
{
	table_free(t, false);
}

struct ic_mem_chain *ic_mem_chain_find(const struct ic_mem_table *t, const char *name)
{
	size_t lo, hi;

	for (lo = 0; lo < t->nbuiltin; lo++)
		if (!strcmp(t->chains[lo].name, name))
			return &t->chains[lo];
	/* user chains are sorted */
	lo = t->nbuiltin;
	hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = strcmp(t->chains[mid].name, name);

		if (!d)
			return &t->chains[mid];
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Index where a user chain named @name belongs. */
static size_t sorted_place(const struct ic_mem_table *t, const char *name)
{
	size_t i = t->nbuiltin;

	while (i < t->n && strcmp(t->chains[i].name, name) < 0)
		i++;
	return i;
}

int ic_mem_chain_add(struct ic_mem_table *t, const char *name)
{
	struct ic_mem_chain *c;
	size_t at;

	if (IC_VEC_RESERVE(t->chains, t->cap, t->n + 1))
		return -1;
	at = sorted_place(t, name);
	memmove(&t->chains[at + 1], &t->chains[at], (t->n - at) * sizeof(*c));
	t->n++;
	c = &t->chains[at];
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->hook = -1;
	return 0;
}

void ic_mem_chain_remove(struct ic_mem_table *t, struct ic_mem_chain *c)
{
	size_t at = (size_t)(c - t->chains);

	chain_free(c, false);
	memmove(c, c + 1, (t->n - at - 1) * sizeof(*c));
	t->n--;
}

bool ic_mem_rule_jumps(const struct ic_rule *r)
{
	return !r->target && r->jumpto[0] && strcmp(r->jumpto, "ACCEPT") &&
	       strcmp(r->jumpto, "DROP") && strcmp(r->jumpto, "QUEUE") &&
	       strcmp(r->jumpto, "RETURN");
}

void ic_mem_chain_rename(struct ic_mem_table *t, struct ic_mem_chain *c, const char *name)
{
	struct ic_mem_chain moved = *c;
	char old[IC_MEM_NAMELEN];
	size_t at = (size_t)(c - t->chains), to;

	memcpy(old, c->name, sizeof(old));
	/* out of its place, then back in at the new one */
	memmove(c, c + 1, (t->n - at - 1) * sizeof(*c));
	t->n--;
	snprintf(moved.name, sizeof(moved.name), "%s", name);
	to = sorted_place(t, moved.name);
	memmove(&t->chains[to + 1], &t->chains[to], (t->n - to) * sizeof(*c));
	t->chains[to] = moved;
	t->n++;
	/* libiptc's jumps point at the chain, not at its name */
	for (size_t i = 0; i < t->n; i++)
		for (size_t k = 0; k < t->chains[i].n; k++) {
			struct ic_rule *r = &t->chains[i].rules[k];

			if (ic_mem_rule_jumps(r) && !strcmp(r->jumpto, old))
				snprintf(r->jumpto, sizeof(r->jumpto), "%s", name);
		}
}

unsigned int ic_mem_references(const struct ic_mem_table *t, const char *name)
{
	unsigned int refs = 0;

	for (size_t i = 0; i < t->n; i++)
		for (size_t k = 0; k < t->chains[i].n; k++) {
			const struct ic_rule *r = &t->chains[i].rules[k];

			refs += ic_mem_rule_jumps(r) && !strcmp(r->jumpto, name);
		}
	return refs;
}

struct ic_mem_table *ic_mem_ruleset_find(const struct ic_mem_ruleset *rs, const char *name)
{
	for (size_t i = 0; i < rs->n; i++)
		if (!strcmp(rs->tables[i]->name, name))
			return rs->tables[i];
	return NULL;
}

int ic_mem_ruleset_put(struct ic_mem_ruleset *rs, struct ic_mem_table *t,
		       struct ic_mem_table **old)
{
	*old = NULL;
	for (size_t i = 0; i < rs->n; i++) {
		if (!strcmp(rs->tables[i]->name, t->name)) {
			*old = rs->tables[i];
			rs->tables[i] = t;
			return 0;
		}
	}
	if (IC_VEC_RESERVE(rs->tables, rs->cap, rs->n + 1))
		return -1;
	rs->tables[rs->n++] = t;
	return 0;
}

void ic_mem_ruleset_clear(struct ic_mem_ruleset *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		ic_mem_table_free(rs->tables[i]);
	free(rs->tables);
	rs->tables = NULL;
	rs->n = rs->cap = 0;
}
