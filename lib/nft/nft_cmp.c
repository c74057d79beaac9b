/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iptables-nft 1.8.9's rule equality (nft_rule_cmp), on two rules decoded by ic_nft_decode:
 * is_same (nft_ipv4_is_same / nft_ipv6_is_same), compare_matches, compare_targets, and the
 * jumpto name when either side has no target. Counters never count. Unlike libiptc's,
 * the IPv6 head compares no masks: `ip6tables-nft -C -s 2001:db8::/32` finds a /48 rule.
 */
#include <string.h>

#include "nft.h"

static bool iface_same(const char *a, const unsigned char *am, const char *b,
		       const unsigned char *bm)
{
	for (size_t i = 0; i < IFNAMSIZ; i++)
		if (am[i] != bm[i] || (a[i] & am[i]) != (b[i] & bm[i]))
			return false;
	return true;
}

static bool head_same(uint8_t nfproto, const struct ic_rule *a, const struct ic_rule *b)
{
	bool v6 = nfproto == NFPROTO_IPV6;
	size_t alen = v6 ? sizeof(struct in6_addr) : sizeof(struct in_addr);

	if (memcmp(a->src.b, b->src.b, alen) || memcmp(a->dst.b, b->dst.b, alen))
		return false;
	if (!v6 && (memcmp(a->smsk.b, b->smsk.b, alen) || memcmp(a->dmsk.b, b->dmsk.b, alen)))
		return false;
	return a->proto == b->proto && a->frag == b->frag && a->is_goto == b->is_goto &&
	       a->invflags == b->invflags &&
	       iface_same(a->iniface, a->iniface_mask, b->iniface, b->iniface_mask) &&
	       iface_same(a->outiface, a->outiface_mask, b->outiface, b->outiface_mask);
}

/* memcmp of the first @user data bytes, never past either blob. */
static bool data_same(const void *a, size_t alen, const void *b, size_t blen, size_t user)
{
	if (user > alen || user > blen)
		return alen == blen && !memcmp(a, b, alen);
	return !memcmp(a, b, user);
}

static bool match_same(const struct ic_match *a, const struct ic_match *b)
{
	const struct xt_entry_match *ma = a->blob, *mb = b->blob;

	return !strcmp(ma->u.user.name, mb->u.user.name) &&
	       ma->u.match_size == mb->u.match_size &&
	       data_same(ma->data, ma->u.match_size - sizeof(*ma), mb->data,
			 mb->u.match_size - sizeof(*mb), a->userspacesize);
}

static bool matches_same(const struct ic_rule *a, const struct ic_rule *b)
{
	if (a->nmatches != b->nmatches)
		return false;
	for (size_t i = 0; i < a->nmatches; i++)
		if (!match_same(&a->matches[i], &b->matches[i]))
			return false;
	return true;
}

/* compare_targets, then the jumpto name when either has none (verdicts, chains, nothing) */
static bool target_same(const struct ic_rule *a, const struct ic_rule *b)
{
	const struct xt_entry_target *ta = a->target, *tb = b->target;

	if (!ta || !tb)
		return !ta && !tb && !strcmp(a->jumpto, b->jumpto);
	return a->target_userspacesize == b->target_userspacesize &&
	       !strcmp(ta->u.user.name, tb->u.user.name) &&
	       data_same(ta->data, ta->u.target_size - sizeof(*ta), tb->data,
			 tb->u.target_size - sizeof(*tb), a->target_userspacesize);
}

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
	for (const unsigned char *c = p; n--; c++)
		h = (h ^ *c) * 0x100000001b3ULL;
	return h;
}

uint64_t ic_nft_rule_key(uint8_t nfproto, const struct ic_rule *r)
{
	size_t alen = nfproto == NFPROTO_IPV6 ? sizeof(struct in6_addr) : sizeof(struct in_addr);
	uint64_t h = 0xcbf29ce484222325ULL;
	uint8_t flags[4] = { r->frag, r->is_goto, r->invflags, r->target != NULL };

	h = mix(h, r->src.b, alen);
	h = mix(h, r->dst.b, alen);
	h = mix(h, &r->proto, sizeof(r->proto));
	h = mix(h, flags, sizeof(flags));
	for (size_t i = 0; i < r->nmatches; i++) {
		h = mix(h, r->matches[i].blob->u.user.name, strlen(r->matches[i].blob->u.user.name));
		h = mix(h, &r->matches[i].blob->u.match_size, sizeof(uint16_t));
	}
	if (r->target)
		h = mix(h, r->target->u.user.name, strlen(r->target->u.user.name));
	else
		h = mix(h, r->jumpto, strlen(r->jumpto));
	return h ? h : 1;
}

bool ic_nft_rule_same(uint8_t nfproto, const struct ic_rule *a, const struct ic_rule *b)
{
	return head_same(nfproto, a, b) && matches_same(a, b) && target_same(a, b);
}
