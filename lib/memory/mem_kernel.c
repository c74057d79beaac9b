/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the kernel refuses when libiptc replaces a table, so that the memory backend refuses
 * it too: a jump loop reachable from a hook (ELOOP), and per rule, in table order, what
 * x_tables checks for each match and target (xt_check_match / xt_check_target: the table it
 * is limited to, the hooks it may be reached from, the protocol it needs), plus the few
 * checkentry rules that common extensions enforce. The hooks a user chain is reached from are
 * the kernel's: the built-in chains that jump or go to it, directly or not.
 *
 * This is a model, not the kernel: extensions it does not list are taken as the kernel takes
 * them when they pass their own checks.
 */
#include <errno.h>
#include <netinet/in.h>		/* before the linux/ headers */
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter/xt_CT.h>
#include <linux/netfilter/xt_TCPMSS.h>
#include <linux/netfilter/xt_addrtype.h>
#include <linux/netfilter/xt_devgroup.h>
#include <linux/netfilter/xt_policy.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter_ipv4/ipt_REJECT.h>
#include <linux/netfilter_ipv6/ip6t_REJECT.h>

#include "mem.h"

#define H(x) (1u << NF_INET_##x)

/* What checkentry sees. */
struct chk {
	const struct ic_mem_table *t;
	const struct ic_rule *r;
	unsigned int hooks;
	const void *data;		/* the extension's data */
	uint8_t nfproto;
};

static uint16_t proto_of(const struct chk *k)
{
	return k->r->invflags & IC_INV_PROTO ? 0 : k->r->proto;
}

static int tcp_reset_needs_tcp(const struct chk *k, bool reset, bool echoreply)
{
	if (echoreply)
		return EINVAL;
	if (reset && proto_of(k) != IPPROTO_TCP)
		return EINVAL;
	return 0;
}

static int chk_reject(const struct chk *k)
{
	if (k->nfproto == NFPROTO_IPV6) {
		const struct ip6t_reject_info *i = k->data;

		return tcp_reset_needs_tcp(k, i->with == IP6T_TCP_RESET,
					   i->with == IP6T_ICMP6_ECHOREPLY);
	}
	const struct ipt_reject_info *i = k->data;

	return tcp_reset_needs_tcp(k, i->with == IPT_TCP_RESET, i->with == IPT_ICMP_ECHOREPLY);
}

/* xt_TCPMSS: PMTU clamping only late enough to know the route; a tcp match for SYN. */
static int chk_tcpmss(const struct chk *k)
{
	const struct xt_tcpmss_info *i = k->data;

	if (i->mss == XT_TCPMSS_CLAMP_PMTU && (k->hooks & ~(H(FORWARD) | H(LOCAL_OUT) |
							    H(POST_ROUTING))))
		return EINVAL;
	for (size_t m = 0; m < k->r->nmatches; m++) {
		const struct xt_entry_match *b = k->r->matches[m].blob;
		const struct xt_tcp *tcp = (const void *)b->data;

		if (!strcmp(b->u.user.name, "tcp") && (tcp->flg_cmp & 0x02) &&
		    !(tcp->invflags & XT_TCP_INV_FLAGS))
			return 0;
	}
	return EINVAL;
}

/* The conntrack helpers the kernel has, by layer-4 protocol (0: both families). */
static const struct { const char *name; uint16_t l4; uint8_t nfproto; } helpers[] = {
	{ "ftp", IPPROTO_TCP, 0 },	{ "tftp", IPPROTO_UDP, 0 },
	{ "sip", IPPROTO_UDP, 0 },	{ "sip", IPPROTO_TCP, 0 },
	{ "amanda", IPPROTO_UDP, 0 },	{ "sane", IPPROTO_TCP, 0 },
	{ "RAS", IPPROTO_UDP, 0 },	{ "Q.931", IPPROTO_TCP, 0 },
	{ "irc", IPPROTO_TCP, NFPROTO_IPV4 },	{ "pptp", IPPROTO_TCP, NFPROTO_IPV4 },
	{ "netbios-ns", IPPROTO_UDP, NFPROTO_IPV4 }, { "snmp", IPPROTO_UDP, NFPROTO_IPV4 },
};

/* xt_CT: a helper needs a protocol it helps with (every revision starts alike). */
static int chk_ct(const struct chk *k)
{
	const struct xt_ct_target_info *i = k->data;
	char name[sizeof(i->helper) + 1];

	if ((i->flags & XT_CT_NOTRACK) || !i->helper[0])
		return 0;
	memcpy(name, i->helper, sizeof(i->helper));
	name[sizeof(i->helper)] = '\0';
	for (size_t h = 0; h < sizeof(helpers) / sizeof(helpers[0]); h++)
		if (!strcmp(helpers[h].name, name) && helpers[h].l4 == proto_of(k) &&
		    (!helpers[h].nfproto || helpers[h].nfproto == k->nfproto))
			return 0;
	return ENOENT;
}

static int chk_policy(const struct chk *k)
{
	const struct xt_policy_info *i = k->data;

	if ((i->flags & XT_POLICY_MATCH_IN) && (k->hooks & (H(POST_ROUTING) | H(LOCAL_OUT))))
		return EINVAL;
	if ((i->flags & XT_POLICY_MATCH_OUT) && (k->hooks & (H(PRE_ROUTING) | H(LOCAL_IN))))
		return EINVAL;
	return i->len > XT_POLICY_MAX_ELEM ? EINVAL : 0;
}

static int chk_addrtype(const struct chk *k)
{
	const struct xt_addrtype_info_v1 *i = k->data;
	uint32_t in = XT_ADDRTYPE_LIMIT_IFACE_IN, out = XT_ADDRTYPE_LIMIT_IFACE_OUT;

	if ((i->flags & in) && (i->flags & out))
		return EINVAL;
	if ((k->hooks & (H(PRE_ROUTING) | H(LOCAL_IN))) && (i->flags & out))
		return EINVAL;
	if ((k->hooks & (H(POST_ROUTING) | H(LOCAL_OUT))) && (i->flags & in))
		return EINVAL;
	return 0;
}

static int chk_devgroup(const struct chk *k)
{
	const struct xt_devgroup_info *i = k->data;

	if ((i->flags & XT_DEVGROUP_MATCH_SRC) &&
	    (k->hooks & ~(H(PRE_ROUTING) | H(LOCAL_IN) | H(FORWARD))))
		return EINVAL;
	if ((i->flags & XT_DEVGROUP_MATCH_DST) &&
	    (k->hooks & ~(H(FORWARD) | H(LOCAL_OUT) | H(POST_ROUTING))))
		return EINVAL;
	return 0;
}

static int chk_raw_or_mangle(const struct chk *k)
{
	return strcmp(k->t->name, "raw") && strcmp(k->t->name, "mangle") ? EINVAL : 0;
}

static int chk_mangle_or_security(const struct chk *k)
{
	return strcmp(k->t->name, "mangle") && strcmp(k->t->name, "security") ? EINVAL : 0;
}

static int chk_multiport(const struct chk *k)
{
	switch (proto_of(k)) {
	case IPPROTO_TCP: case IPPROTO_UDP: case IPPROTO_UDPLITE: case IPPROTO_SCTP:
	case IPPROTO_DCCP:
		return 0;
	default:
		return EINVAL;
	}
}

static int chk_tcp_or_udp(const struct chk *k)
{
	return proto_of(k) == IPPROTO_TCP || proto_of(k) == IPPROTO_UDP ? 0 : EINVAL;
}

static int chk_no_object(const struct chk *k)
{
	(void)k;
	return ENOENT;
}

static int chk_synproxy(const struct chk *k)
{
	return proto_of(k) == IPPROTO_TCP ? 0 : EINVAL;
}

struct xt_limits {
	const char *name;
	bool target;
	uint8_t nfproto;		/* 0: both families */
	uint8_t revision;		/* checked only when @check is set and this is not 0xff */
	const char *table;		/* NULL: any */
	unsigned int hooks;		/* 0: any */
	uint16_t proto;			/* 0: any */
	int (*check)(const struct chk *k);
};

#define ANY 0xff
static const struct xt_limits limits[] = {
	/* targets */
	{ "MASQUERADE", true, 0, ANY, "nat", H(POST_ROUTING), 0, NULL },
	{ "SNAT", true, 0, ANY, "nat", H(POST_ROUTING) | H(LOCAL_IN), 0, NULL },
	{ "DNAT", true, 0, ANY, "nat", H(PRE_ROUTING) | H(LOCAL_OUT), 0, NULL },
	{ "REDIRECT", true, 0, ANY, "nat", H(PRE_ROUTING) | H(LOCAL_OUT), 0, NULL },
	{ "NETMAP", true, 0, ANY, "nat",
	  H(PRE_ROUTING) | H(POST_ROUTING) | H(LOCAL_OUT) | H(LOCAL_IN), 0, NULL },
	{ "SNPT", true, NFPROTO_IPV6, ANY, "mangle", H(LOCAL_IN) | H(POST_ROUTING), 0, NULL },
	{ "DNPT", true, NFPROTO_IPV6, ANY, "mangle", H(PRE_ROUTING) | H(LOCAL_OUT), 0, NULL },
	{ "TPROXY", true, 0, ANY, "mangle", H(PRE_ROUTING), 0, chk_tcp_or_udp },
	{ "TCPMSS", true, 0, ANY, NULL, 0, IPPROTO_TCP, chk_tcpmss },
	{ "TCPOPTSTRIP", true, 0, ANY, "mangle", 0, IPPROTO_TCP, NULL },
	{ "REJECT", true, 0, ANY, "filter", H(LOCAL_IN) | H(FORWARD) | H(LOCAL_OUT), 0,
	  chk_reject },
	{ "CLASSIFY", true, 0, ANY, "mangle", H(LOCAL_OUT) | H(FORWARD) | H(POST_ROUTING), 0,
	  NULL },
	{ "DSCP", true, 0, ANY, "mangle", 0, 0, NULL },
	{ "TOS", true, 0, ANY, "mangle", 0, 0, NULL },
	{ "TTL", true, NFPROTO_IPV4, ANY, "mangle", 0, 0, NULL },
	{ "HL", true, NFPROTO_IPV6, ANY, "mangle", 0, 0, NULL },
	{ "ECN", true, NFPROTO_IPV4, ANY, "mangle", 0, 0, NULL },
	{ "CHECKSUM", true, 0, ANY, "mangle", 0, 0, NULL },
	{ "CT", true, 0, ANY, "raw", 0, 0, chk_ct },
	{ "NOTRACK", true, 0, ANY, "raw", 0, 0, NULL },
	{ "TRACE", true, 0, ANY, "raw", 0, 0, NULL },
	{ "SECMARK", true, 0, ANY, NULL, 0, 0, chk_mangle_or_security },
	{ "CONNSECMARK", true, 0, ANY, NULL, 0, 0, chk_mangle_or_security },
	{ "SYNPROXY", true, 0, ANY, NULL, H(LOCAL_IN) | H(FORWARD), 0, chk_synproxy },
	/* matches */
	{ "tcp", false, 0, ANY, NULL, 0, IPPROTO_TCP, NULL },
	{ "udp", false, 0, ANY, NULL, 0, IPPROTO_UDP, NULL },
	{ "udplite", false, 0, ANY, NULL, 0, IPPROTO_UDPLITE, NULL },
	{ "sctp", false, 0, ANY, NULL, 0, IPPROTO_SCTP, NULL },
	{ "dccp", false, 0, ANY, NULL, 0, IPPROTO_DCCP, NULL },
	{ "icmp", false, NFPROTO_IPV4, ANY, NULL, 0, IPPROTO_ICMP, NULL },
	{ "icmp6", false, NFPROTO_IPV6, ANY, NULL, 0, IPPROTO_ICMPV6, NULL },
	{ "ah", false, NFPROTO_IPV4, ANY, NULL, 0, IPPROTO_AH, NULL },
	{ "esp", false, 0, ANY, NULL, 0, IPPROTO_ESP, NULL },
	{ "mh", false, NFPROTO_IPV6, ANY, NULL, 0, IPPROTO_MH, NULL },
	{ "tcpmss", false, 0, ANY, NULL, 0, IPPROTO_TCP, NULL },
	{ "multiport", false, 0, ANY, NULL, 0, 0, chk_multiport },
	{ "owner", false, 0, ANY, NULL, H(LOCAL_OUT) | H(POST_ROUTING), 0, NULL },
	{ "mac", false, 0, ANY, NULL, H(PRE_ROUTING) | H(LOCAL_IN) | H(FORWARD), 0, NULL },
	{ "eui64", false, NFPROTO_IPV6, ANY, NULL, H(PRE_ROUTING) | H(LOCAL_IN) | H(FORWARD), 0,
	  NULL },
	{ "socket", false, 0, ANY, NULL, H(PRE_ROUTING) | H(LOCAL_IN), 0, NULL },
	{ "rpfilter", false, 0, ANY, NULL, H(PRE_ROUTING), 0, chk_raw_or_mangle },
	{ "policy", false, 0, ANY, NULL, 0, 0, chk_policy },
	{ "addrtype", false, 0, 1, NULL, 0, 0, chk_addrtype },
	{ "devgroup", false, 0, ANY, NULL, 0, 0, chk_devgroup },
	/* xt_nfacct looks its object up by name: a memory ruleset has none (as a fresh
	 * namespace has none), so the kernel's ENOENT, as libiptc reports it */
	{ "nfacct", false, 0, ANY, NULL, 0, 0, chk_no_object },
};

static const struct xt_limits *limits_of(const char *name, uint8_t revision, bool target,
					 uint8_t nfproto)
{
	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		const struct xt_limits *l = &limits[i];

		if (l->target == target && l->name[0] == name[0] && !strcmp(l->name, name) &&
		    (!l->nfproto || l->nfproto == nfproto) &&
		    (l->revision == ANY || l->revision == revision))
			return l;
	}
	return NULL;
}

/* xt_check_match / xt_check_target, then the extension's own checkentry. */
static int ext_check(struct chk *k, const char *name, uint8_t revision, bool target,
		     const void *data)
{
	const struct xt_limits *l = limits_of(name, revision, target, k->nfproto);

	if (!l)
		return 0;
	if (l->table && strcmp(l->table, k->t->name))
		return EINVAL;
	if (l->hooks && (k->hooks & ~l->hooks))
		return EINVAL;
	if (l->proto && (l->proto != k->r->proto || (k->r->invflags & IC_INV_PROTO)))
		return EINVAL;
	k->data = data;
	return l->check ? l->check(k) : 0;
}

static int rule_check(struct chk *k)
{
	const struct ic_rule *r = k->r;
	int err;

	for (size_t m = 0; m < r->nmatches; m++) {
		const struct xt_entry_match *b = r->matches[m].blob;

		err = ext_check(k, b->u.user.name, b->u.user.revision, false, b->data);
		if (err)
			return err;
	}
	if (!r->target)
		return 0;
	return ext_check(k, r->target->u.user.name, r->target->u.user.revision, true,
			 r->target->data);
}

/* ---- reachability and loops (the kernel's mark_source_chains) ---- */

struct walk {
	const struct ic_mem_table *t;
	unsigned int *hooks;
	bool *on_path;
};

static int visit(struct walk *wk, size_t ci, unsigned int hook)
{
	const struct ic_mem_chain *c = &wk->t->chains[ci];
	int err;

	if (wk->on_path[ci])
		return ELOOP;
	if (wk->hooks[ci] & hook)
		return 0;
	wk->hooks[ci] |= hook;
	wk->on_path[ci] = true;
	for (size_t i = 0; i < c->n; i++) {
		const struct ic_mem_chain *to;

		if (!ic_mem_rule_jumps(&c->rules[i]))
			continue;
		to = ic_mem_chain_find(wk->t, c->rules[i].jumpto);
		if (!to)
			continue;
		err = visit(wk, (size_t)(to - wk->t->chains), hook);
		if (err)
			return err;
	}
	wk->on_path[ci] = false;
	return 0;
}

int ic_mem_kernel_check(const struct ic_mem_table *t, uint8_t nfproto)
{
	struct walk wk = { .t = t };
	struct chk k = { .t = t, .nfproto = nfproto };
	int err = 0;

	wk.hooks = calloc(t->n ? t->n : 1, sizeof(*wk.hooks));
	wk.on_path = calloc(t->n ? t->n : 1, sizeof(*wk.on_path));
	if (!wk.hooks || !wk.on_path) {
		err = ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < t->nbuiltin && !err; i++)
		err = visit(&wk, i, 1u << t->chains[i].hook);
	for (size_t i = 0; i < t->n && !err; i++) {
		k.hooks = wk.hooks[i];
		for (size_t j = 0; j < t->chains[i].n && !err; j++) {
			k.r = &t->chains[i].rules[j];
			err = rule_check(&k);
		}
	}
out:
	free(wk.hooks);
	free(wk.on_path);
	return err;
}
