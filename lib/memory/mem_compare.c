/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which rule -D and -C find: libiptc's is_same() and target_same() under the mask iptables
 * builds (make_delete_mask): the header fields always, each match's size and name and its
 * data up to the extension's userspacesize, a module target the same way, a verdict by
 * value, a jump by the chain it jumps to. Counters never count.
 */
#include <string.h>

#include "mem.h"

static bool addr_same(const union ic_addr *a, const union ic_addr *b, size_t len)
{
	return memcmp(a->b, b->b, len) == 0;
}

static bool iface_same(const char *a, const unsigned char *am, const char *b,
		       const unsigned char *bm)
{
	for (size_t i = 0; i < IFNAMSIZ; i++)
		if (am[i] != bm[i] || (a[i] & am[i]) != (b[i] & bm[i]))
			return false;
	return true;
}

/* IPv6 also compares the header's flags (IP6T_F_PROTO: -p given, IP6T_F_TOS) and tos. */
static bool v6_header_same(const struct ic_rule *a, const struct ic_rule *b)
{
	return a->proto_given == b->proto_given && a->has_tos == b->has_tos && a->tos == b->tos;
}

static bool header_same(const struct ic_rule *a, const struct ic_rule *b)
{
	bool v6 = a->nfproto == NFPROTO_IPV6;
	size_t alen = v6 ? 16 : 4;

	if (v6 && !v6_header_same(a, b))
		return false;
	return addr_same(&a->src, &b->src, alen) && addr_same(&a->dst, &b->dst, alen) &&
	       addr_same(&a->smsk, &b->smsk, alen) && addr_same(&a->dmsk, &b->dmsk, alen) &&
	       a->proto == b->proto && a->frag == b->frag && a->is_goto == b->is_goto &&
	       a->invflags == b->invflags &&
	       iface_same(a->iniface, a->iniface_mask, b->iniface, b->iniface_mask) &&
	       iface_same(a->outiface, a->outiface_mask, b->outiface, b->outiface_mask);
}

/* @len data bytes compared, of which the first @user count (the mask). */
static bool data_same(const unsigned char *a, const unsigned char *b, size_t len, size_t user)
{
	return memcmp(a, b, len < user ? len : user) == 0;
}

static bool match_same(const struct ic_match *a, const struct ic_match *b)
{
	size_t size = a->blob->u.match_size;

	return size == b->blob->u.match_size &&
	       !strcmp(a->blob->u.user.name, b->blob->u.user.name) &&
	       data_same(a->blob->data, b->blob->data, size - XT_ALIGN(sizeof(*a->blob)),
			 a->userspacesize);
}

enum target_kind { T_FALLTHROUGH, T_VERDICT, T_JUMP, T_MODULE };

static enum target_kind target_kind(const struct ic_rule *r)
{
	if (r->target)
		return T_MODULE;
	if (!r->jumpto[0])
		return T_FALLTHROUGH;
	return ic_mem_rule_jumps(r) ? T_JUMP : T_VERDICT;
}

static bool target_same(const struct ic_rule *a, const struct ic_rule *b)
{
	enum target_kind k = target_kind(a);
	size_t size;

	if (k != target_kind(b))
		return false;
	switch (k) {
	case T_FALLTHROUGH:
		return true;
	case T_VERDICT:
	case T_JUMP:
		return !strcmp(a->jumpto, b->jumpto);
	case T_MODULE:
		size = a->target->u.target_size;
		return size == b->target->u.target_size &&
		       !strcmp(a->target->u.user.name, b->target->u.user.name) &&
		       data_same(a->target->data, b->target->data, size - sizeof(*a->target),
				 a->target_userspacesize);
	}
	return false;
}

bool ic_mem_rule_same(const struct ic_rule *want, const struct ic_rule *have)
{
	if (!header_same(want, have) || want->nmatches != have->nmatches)
		return false;
	for (size_t i = 0; i < want->nmatches; i++)
		if (!match_same(&want->matches[i], &have->matches[i]))
			return false;
	return target_same(want, have);
}
