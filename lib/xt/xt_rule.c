/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Owning and copying a parsed rule (xt_rule.h). */
#include <stdlib.h>
#include <string.h>

#include "iptables-c.h"
#include "xt_rule.h"
#include "../arena.h"

void ic_rule_free(struct ic_rule *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nmatches; i++)
		free(r->matches[i].blob);
	free(r->matches);
	free(r->target);
	memset(r, 0, sizeof(*r));
}

void ic_rules_free(struct ic_rules *rs)
{
	size_t i;

	if (!rs)
		return;
	for (i = 0; i < rs->n; i++)
		ic_rule_free(&rs->v[i]);
	free(rs->v);
	rs->v = NULL;
	rs->n = 0;
}

static void *dup_blob(const void *p, size_t size)
{
	void *c = malloc(size);

	if (c)
		memcpy(c, p, size);
	return c;
}

int ic_rule_copy(struct ic_rule *dst, const struct ic_rule *src)
{
	size_t i;

	*dst = *src;
	dst->matches = NULL;
	dst->nmatches = 0;
	dst->target = NULL;
	if (src->target) {
		dst->target = dup_blob(src->target, src->target->u.target_size);
		if (!dst->target)
			goto nomem;
	}
	if (src->nmatches) {
		dst->matches = calloc(src->nmatches, sizeof(*dst->matches));
		if (!dst->matches)
			goto nomem;
	}
	for (i = 0; i < src->nmatches; i++) {
		dst->matches[i].userspacesize = src->matches[i].userspacesize;
		dst->matches[i].blob = dup_blob(src->matches[i].blob,
						src->matches[i].blob->u.match_size);
		if (!dst->matches[i].blob)
			goto nomem;
		dst->nmatches = i + 1;
	}
	return 0;
nomem:
	ic_rule_free(dst);
	return IPTABLES_ENOMEM;
}

static void *arena_dup(struct ic_arena *a, const void *p, size_t size)
{
	void *c = ic_arena_alloc(a, size);

	if (c)
		memcpy(c, p, size);
	return c;
}

const struct ic_rules *ic_rules_pack(struct ic_arena *a, const struct ic_rules *src)
{
	struct ic_rules *rs = ic_arena_alloc(a, sizeof(*rs));
	struct ic_rule *r;

	if (!rs || !(rs->v = ic_arena_alloc(a, src->n * sizeof(*rs->v) + 1)))
		return NULL;
	rs->n = src->n;
	for (size_t i = 0; i < src->n; i++) {
		r = &rs->v[i];
		*r = src->v[i];
		if (r->target && !(r->target = arena_dup(a, r->target, r->target->u.target_size)))
			return NULL;
		if (r->nmatches && !(r->matches = arena_dup(a, r->matches,
							    r->nmatches * sizeof(*r->matches))))
			return NULL;
		for (size_t k = 0; k < r->nmatches; k++)
			if (!(r->matches[k].blob = arena_dup(a, r->matches[k].blob,
							     r->matches[k].blob->u.match_size)))
				return NULL;
	}
	return rs;
}
