/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * struct ic_rule <-> libiptc entries. The entry head is the xt family row's layout
 * (lib/xt/xt_family.c); matches and targets are the rule's blobs as they are. A rule whose
 * target is a verdict or a chain gets the standard target named after it, which libiptc
 * resolves (iptcc_map_target) when the entry is added.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iptables-c.h"
#include "iptc_encode.h"

#define ALIGN8(x) (((x) + 7) & ~(size_t)7)

/* generate_entry() */
static void *entry_build(const struct ic_iptc_family *f, const struct ic_rule *r, size_t size)
{
	const struct ic_xt_layout *l = &f->xt->head;
	struct xt_standard_target std;
	unsigned char *e = calloc(1, size);
	size_t off = l->size, i;

	if (!e)
		return NULL;
	ic_xt_head_fill(f->xt, r, e);
	for (i = 0; i < r->nmatches; i++) {
		memcpy(e + off, r->matches[i].blob, r->matches[i].blob->u.match_size);
		off += r->matches[i].blob->u.match_size;
	}
	ic_xt_head_set_u16(e, l->target_offset, off);
	ic_xt_head_set_u16(e, l->next_offset, size);
	if (r->target) {
		memcpy(e + off, r->target, r->target->u.target_size);
		return e;
	}
	memset(&std, 0, sizeof(std));
	std.target.u.target_size = XT_ALIGN(sizeof(std));
	memcpy(std.target.u.user.name, r->jumpto, sizeof(std.target.u.user.name) - 1);
	memcpy(e + off, &std, sizeof(std));
	return e;
}

/* make_delete_mask(): the head, what each match compares, what the target compares. */
static unsigned char *mask_build(const struct ic_iptc_family *f, const struct ic_rule *r,
				 size_t size)
{
	unsigned char *mask = calloc(1, size), *p;
	size_t i;

	if (!mask)
		return NULL;
	memset(mask, 0xFF, f->xt->head.size);
	p = mask + f->xt->head.size;
	for (i = 0; i < r->nmatches; i++) {
		memset(p, 0xFF, XT_ALIGN(sizeof(struct xt_entry_match)) +
		       r->matches[i].userspacesize);
		p += r->matches[i].blob->u.match_size;
	}
	memset(p, 0xFF, XT_ALIGN(sizeof(struct xt_entry_target)) +
	       (r->target ? r->target_userspacesize : XT_ALIGN(sizeof(int))));
	return mask;
}

int ic_iptc_encode(const struct ic_iptc_family *f, const struct ic_rules *rs,
		   struct ic_iptc_rule *out, struct ic_err *err)
{
	const struct ic_rule *first = &rs->v[0];
	size_t i;

	memset(out, 0, sizeof(*out));
	out->size = ic_xt_entry_size(f->xt, first);
	out->standard = !first->target;
	snprintf(out->jumpto, sizeof(out->jumpto), "%s", first->jumpto);
	out->entries = calloc(rs->n, sizeof(*out->entries));
	out->mask = mask_build(f, first, out->size);
	if (!out->entries || !out->mask)
		goto nomem;
	for (i = 0; i < rs->n; i++) {
		out->entries[i] = entry_build(f, &rs->v[i], out->size);
		if (!out->entries[i])
			goto nomem;
		out->n = i + 1;
	}
	return 0;
nomem:
	ic_iptc_rule_free(out);
	return ic_err_nomem(err, f->xt->prog);
}

void ic_iptc_rule_free(struct ic_iptc_rule *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++)
		free(r->entries[i]);
	free(r->entries);
	free(r->mask);
	memset(r, 0, sizeof(*r));
}

struct ic_iptc_rule *ic_iptc_rule_pack(struct ic_arena *arena, const struct ic_iptc_rule *r,
				       bool mask)
{
	size_t head = ALIGN8(sizeof(*r) + r->n * sizeof(void *));
	struct ic_iptc_rule *p = ic_arena_alloc(arena, head + (r->n + mask) * ALIGN8(r->size));
	unsigned char *at;
	size_t i;

	if (!p)
		return NULL;
	*p = *r;
	p->entries = (void **)(p + 1);
	at = (unsigned char *)p + head;
	for (i = 0; i < r->n; i++, at += ALIGN8(r->size)) {
		memcpy(at, r->entries[i], r->size);
		p->entries[i] = at;
	}
	p->mask = NULL;
	if (mask) {
		p->mask = at;
		memcpy(at, r->mask, r->size);
	}
	return p;
}

/* ---- decoding ---- */

static int malformed(struct ic_err *err, const char *what)
{
	return ic_err_set(err, IPTABLES_EINVAL, "malformed %s", what);
}

/* Offsets of the matches between the head and the target, checked so no size can loop. */
static int match_count(const unsigned char *e, size_t from, size_t target_offset, size_t *n)
{
	const struct xt_entry_match *m;
	size_t off;

	*n = 0;
	for (off = from; off < target_offset; off += m->u.match_size, (*n)++) {
		m = (const struct xt_entry_match *)(e + off);
		if (target_offset - off < sizeof(*m) || m->u.match_size < sizeof(*m) ||
		    m->u.match_size > target_offset - off)
			return -1;
	}
	return 0;
}

static int decode_matches(const unsigned char *e, size_t from, size_t target_offset,
			  struct ic_rule *r)
{
	const struct xt_entry_match *m;
	size_t off = from, n;

	if (match_count(e, from, target_offset, &n))
		return IPTABLES_EINVAL;
	if (!n)
		return 0;
	r->matches = calloc(n, sizeof(*r->matches));
	if (!r->matches)
		return IPTABLES_ENOMEM;
	for (; r->nmatches < n; off += m->u.match_size, r->nmatches++) {
		m = (const struct xt_entry_match *)(e + off);
		r->matches[r->nmatches].blob = malloc(m->u.match_size);
		if (!r->matches[r->nmatches].blob)
			return IPTABLES_ENOMEM;
		memcpy(r->matches[r->nmatches].blob, m, m->u.match_size);
	}
	return 0;
}

/*
 * Entries read from the kernel carry the standard target with an empty name; entries added
 * to the handle but not committed yet name the chain they jump to. Both are jumps, verdicts
 * or fall-through, named by iptc_get_target.
 */
static int decode_target(const struct ic_iptc_family *f, struct xtc_handle *h, const void *e,
			 const struct xt_entry_target *t, struct ic_rule *r)
{
	const char *name = f->get_target(e, h);

	if (!name)
		name = "";
	snprintf(r->jumpto, sizeof(r->jumpto), "%s", name);
	if ((name[0] && f->ops->is_chain(name, h)) || !t->u.user.name[0])
		return 0;
	r->target = malloc(t->u.target_size);
	if (!r->target)
		return IPTABLES_ENOMEM;
	memcpy(r->target, t, t->u.target_size);
	return 0;
}

int ic_iptc_decode(const struct ic_iptc_family *f, struct xtc_handle *h, const void *e,
		   struct ic_rule *r, struct ic_err *err)
{
	const struct ic_xt_layout *l = &f->xt->head;
	const unsigned char *b = e;
	size_t toff = ic_xt_head_u16(e, l->target_offset);
	size_t next = ic_xt_head_u16(e, l->next_offset);
	const struct xt_entry_target *t = (const struct xt_entry_target *)(b + toff);
	int rc;

	memset(r, 0, sizeof(*r));
	if (toff < l->size || next < toff + sizeof(*t) || t->u.target_size < sizeof(*t) ||
	    t->u.target_size > next - toff)
		return malformed(err, "rule entry");
	ic_xt_head_read(f->xt, e, r);
	rc = decode_matches(b, l->size, toff, r);
	if (!rc)
		rc = decode_target(f, h, e, t, r);
	if (!rc)
		return 0;
	ic_rule_free(r);
	if (rc == IPTABLES_EINVAL)
		return malformed(err, "match in rule entry");
	return ic_err_nomem(err, f->xt->prog);
}
