/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel entries -> text, as iptables-legacy 1.8.9 prints them:
 * the `-A CHAIN ...` line of `iptables -S` / `iptables -v -S`, and the columns of one row of
 * `iptables -L CHAIN -n -v -x`.
 *
 * Everything runs under the libxtables global lock (xt_enter). Our own text and the
 * extensions' save/print output all go to stdout while it is captured, so they come out
 * interleaved in the right order.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xtables.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv6/ip6_tables.h>

#include "xt.h"

#define UNSUPPORTED_REV " [unsupported revision]"

/* A family-independent view of the header of an ipt_entry / ip6t_entry. */
struct ev {
	bool v6;
	const unsigned char *base;
	const void *ip;			/* what extensions get as their `ip` argument */
	size_t hdr;			/* offset of the first match */
	unsigned int target_offset, next_offset;
	const struct xt_counters *ctr;
	uint16_t proto;
	const char *iniface, *outiface;
	const unsigned char *inmask, *outmask;
	const void *src, *dst, *smsk, *dmsk;
	bool inv_src, inv_dst, inv_in, inv_out, inv_proto;
	bool frag, inv_frag;		/* IPv4 only */
	bool has_tos, inv_tos;		/* IPv6 only */
	uint8_t tos;
	bool is_goto;
};

static int ev_init(struct ev *v, int nfproto, const void *e, char *err, size_t errlen)
{
	memset(v, 0, sizeof(*v));
	v->base = e;
	if (nfproto == NFPROTO_IPV6) {
		const struct ip6t_entry *e6 = e;
		const struct ip6t_ip6 *ip = &e6->ipv6;

		v->v6 = true;
		v->ip = ip;
		v->hdr = sizeof(*e6);
		v->target_offset = e6->target_offset;
		v->next_offset = e6->next_offset;
		v->ctr = &e6->counters;
		v->proto = ip->proto;
		v->iniface = ip->iniface;
		v->outiface = ip->outiface;
		v->inmask = ip->iniface_mask;
		v->outmask = ip->outiface_mask;
		v->src = &ip->src;
		v->dst = &ip->dst;
		v->smsk = &ip->smsk;
		v->dmsk = &ip->dmsk;
		v->inv_src = ip->invflags & IP6T_INV_SRCIP;
		v->inv_dst = ip->invflags & IP6T_INV_DSTIP;
		v->inv_in = ip->invflags & IP6T_INV_VIA_IN;
		v->inv_out = ip->invflags & IP6T_INV_VIA_OUT;
		v->inv_proto = ip->invflags & XT_INV_PROTO;
		v->has_tos = ip->flags & IP6T_F_TOS;
		v->inv_tos = ip->invflags & IP6T_INV_TOS;
		v->tos = ip->tos;
		v->is_goto = ip->flags & IP6T_F_GOTO;
	} else {
		const struct ipt_entry *e4 = e;
		const struct ipt_ip *ip = &e4->ip;

		v->ip = ip;
		v->hdr = sizeof(*e4);
		v->target_offset = e4->target_offset;
		v->next_offset = e4->next_offset;
		v->ctr = &e4->counters;
		v->proto = ip->proto;
		v->iniface = ip->iniface;
		v->outiface = ip->outiface;
		v->inmask = ip->iniface_mask;
		v->outmask = ip->outiface_mask;
		v->src = &ip->src;
		v->dst = &ip->dst;
		v->smsk = &ip->smsk;
		v->dmsk = &ip->dmsk;
		v->inv_src = ip->invflags & IPT_INV_SRCIP;
		v->inv_dst = ip->invflags & IPT_INV_DSTIP;
		v->inv_in = ip->invflags & IPT_INV_VIA_IN;
		v->inv_out = ip->invflags & IPT_INV_VIA_OUT;
		v->inv_proto = ip->invflags & XT_INV_PROTO;
		v->frag = ip->flags & IPT_F_FRAG;
		v->inv_frag = ip->invflags & IPT_INV_FRAG;
		v->is_goto = ip->flags & IPT_F_GOTO;
	}
	if (v->target_offset < v->hdr ||
	    v->next_offset < v->target_offset + sizeof(struct xt_entry_target)) {
		snprintf(err, errlen, "malformed rule entry");
		return IPTABLES_EINVAL;
	}
	return 0;
}

static const struct xt_entry_target *ev_target(const struct ev *v)
{
	return (const struct xt_entry_target *)(v->base + v->target_offset);
}

/* Next match after offset *off, or NULL at the target. Rejects sizes that would loop. */
static const struct xt_entry_match *ev_next_match(const struct ev *v, size_t *off, int *rc)
{
	const struct xt_entry_match *m;

	*rc = 0;
	if (*off >= v->target_offset)
		return NULL;
	m = (const struct xt_entry_match *)(v->base + *off);
	if (v->target_offset - *off < sizeof(*m) || m->u.match_size < sizeof(*m) ||
	    m->u.match_size > v->target_offset - *off) {
		*rc = IPTABLES_EINVAL;
		return NULL;
	}
	*off += m->u.match_size;
	return m;
}

/* ---- extension lookup ----
 * xtables_find_match/target hand out a private clone when the registered extension is
 * in use by a parse (->m / ->t set); a clone's ->next points to itself, which would make
 * a revision walk spin. Free such clones and walk the registered list instead. */

static bool ext_same(const char *name, const char *ename, uint8_t efamily, int nfproto)
{
	return !strcmp(name, ename) && (efamily == nfproto || efamily == NFPROTO_UNSPEC);
}

static struct xtables_match *match_lookup(const char *name, int nfproto)
{
	struct xtables_match *clone, *m;

	if (strlen(name) >= XT_EXTENSION_MAXNAMELEN)
		return NULL;		/* xtables_find_match would call exit_err */
	m = xtables_find_match(name, XTF_TRY_LOAD, NULL);
	if (!m || m->next != m)
		return m;
	clone = m;
	for (m = xtables_matches; m; m = m->next)
		if (ext_same(clone->name, m->name, m->family, nfproto))
			break;
	free(clone);
	return m;
}

static struct xtables_match *match_revision(struct xtables_match *first, int rev, int nfproto)
{
	struct xtables_match *m;

	for (m = first; m && ext_same(first->name, m->name, m->family, nfproto); m = m->next)
		if (m->revision == rev)
			return m;
	return NULL;
}

static struct xtables_target *target_lookup(const char *name, int nfproto)
{
	struct xtables_target *clone, *t;

	if (strlen(name) >= XT_EXTENSION_MAXNAMELEN)
		return NULL;
	t = xtables_find_target(name, XTF_TRY_LOAD);
	if (!t || t->next != t)
		return t;
	clone = t;
	for (t = xtables_targets; t; t = t->next)
		if (ext_same(clone->name, t->name, t->family, nfproto))
			break;
	free(clone);
	return t;
}

static struct xtables_target *target_revision(struct xtables_target *first, int rev,
					      int nfproto)
{
	struct xtables_target *t;

	for (t = first; t && ext_same(first->name, t->name, t->family, nfproto); t = t->next)
		if (t->revision == rev)
			return t;
	return NULL;
}
