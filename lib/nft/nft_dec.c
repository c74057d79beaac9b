/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nftnl_rule -> struct ic_rule, as iptables-nft 1.8.9's nft_rule_to_iptables_command_state
 * reads a rule (iptables/nft-shared.c, nft-ipv4.c, nft-ipv6.c): the expressions walked in
 * order with a model of the registers (what was loaded into each, and the bitwise applied);
 * each cmp / range then lands in the rule head or in a synthetic match (tcp, udp, icmp,
 * icmp6, mark, pkttype, ttl, hl, limit) built as libxtables' init leaves it; compat matches
 * and targets are copied; log becomes NFLOG, meta nftrace TRACE; a comment in the rule's
 * userdata (as nft writes it) becomes a comment match, last.
 *
 * Where 1.8.9 reports an error (and iptables-nft then refuses the whole table), and where it
 * silently drops what it does not understand, this returns IPTABLES_EUNSUPPORTED.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/udata.h>
#include <linux/netfilter/nf_log.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/xt_NFLOG.h>
#include <linux/netfilter/xt_comment.h>
#include <linux/netfilter/xt_limit.h>
#include <linux/netfilter/xt_mark.h>
#include <linux/netfilter/xt_pkttype.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv6/ip6t_hl.h>

#include "nft.h"
#include "../xt/xt.h"

#define IP4_PROTOCOL	9
#define IP4_FRAG_OFF	6
#define IP4_TTL		8
#define IP4_SADDR	12
#define IP4_DADDR	16
#define IP6_NEXTHDR	6
#define IP6_HOPLIMIT	7
#define IP6_SADDR	8
#define IP6_DADDR	24
#define TH_FLAGS	13

#define UDATA_TYPE_COMMENT 0	/* nft's and iptables' rule userdata type of a comment */

enum reg_kind { REG_UNDEF, REG_META, REG_PAYLOAD, REG_IMMEDIATE };

/* What a register holds, as struct nft_xt_ctx_reg: a meta key, a payload slice or
 * immediate data, and the bitwise applied to it. */
struct reg {
	enum reg_kind kind;
	uint32_t key;			/* REG_META */
	uint32_t base, offset, len;	/* REG_PAYLOAD */
	uint8_t data[16];		/* REG_IMMEDIATE */
	struct {
		uint8_t mask[16], xor[16];
		bool set;
	} bitwise;
};

struct dec {
	uint8_t nfproto;
	struct ic_rule *r;
	struct reg regs[1 + 16];
	/* the one native tcp or udp match of the rule, filled by successive expressions */
	struct xt_tcp *tcp;
	struct xt_udp *udp;
	struct ic_err *err;
};

/* Parsing stops at the first expression 1.8.9 cannot turn into iptables terms. */
static int unsupported(struct dec *c, const char *why)
{
	int major, minor, patch;

	ic_xt_version(&major, &minor, &patch);
	return ic_err_set(c->err, IPTABLES_EUNSUPPORTED,
			  "%s v%d.%d.%d (%s): Parsing nftables rule failed: %s",
			  c->nfproto == NFPROTO_IPV6 ? "ip6tables" : "iptables", major, minor,
			  patch, IC_NFT_MODE, why);
}

static int nomem(struct dec *c)
{
	return ic_err_nomem(c->err, c->nfproto == NFPROTO_IPV6 ? "ip6tables" : "iptables");
}

/*
 * nft_xt_ctx_get_sreg: NFT_REG_1..4 and NFT_REG32_00..15 on one array the way 1.8.9 maps
 * them (NFT_REG32_00 shares a slot with the verdict register, NFT_REG32_01 with NFT_REG_1).
 */
static struct reg *reg_get(struct dec *c, uint32_t num)
{
	switch (num) {
	case NFT_REG_VERDICT:
		return &c->regs[0];
	case NFT_REG_1:
		return &c->regs[1];
	case NFT_REG_2:
		return &c->regs[5];
	case NFT_REG_3:
		return &c->regs[9];
	case NFT_REG_4:
		return &c->regs[13];
	}
	if (num >= NFT_REG32_00 && num <= NFT_REG32_15)
		return &c->regs[num - NFT_REG32_00];
	return NULL;
}

/* A register about to be written: forget what it held. */
static struct reg *reg_load(struct dec *c, uint32_t num)
{
	struct reg *g = reg_get(c, num);

	if (g) {
		g->kind = REG_UNDEF;
		g->bitwise.set = false;
	}
	return g;
}

/* ---- matches and targets of the rule ---- */

static int match_push(struct dec *c, struct xt_entry_match *blob, size_t userspacesize)
{
	struct ic_rule *r = c->r;
	struct ic_match *v = realloc(r->matches, (r->nmatches + 1) * sizeof(*v));

	if (!v) {
		free(blob);
		return nomem(c);
	}
	r->matches = v;
	v[r->nmatches].blob = blob;
	v[r->nmatches].userspacesize = userspacesize;
	r->nmatches++;
	return 0;
}

/* nft_create_match: the extension's blob at its highest revision, init run; *data points
 * into it (blobs are not moved once pushed). */
static int match_create(struct dec *c, const char *name, void **data)
{
	struct ic_match m;
	int rc;

	*data = NULL;
	rc = ic_xt_match_new(c->nfproto, name, &m, c->err);
	if (rc == IPTABLES_ENOTFOUND)
		return unsupported(c, "match extension not found");
	if (rc)
		return rc;
	rc = match_push(c, m.blob, m.userspacesize);
	if (!rc)
		*data = m.blob->data;
	return rc;
}

static void target_set(struct dec *c, struct xt_entry_target *t, size_t userspacesize)
{
	struct ic_rule *r = c->r;

	free(r->target);
	r->target = t;
	r->target_userspacesize = userspacesize;
	snprintf(r->jumpto, sizeof(r->jumpto), "%s", t->u.user.name);
	r->is_goto = false;
}

static int target_create(struct dec *c, const char *name, size_t data_size,
			 struct xt_entry_target **t)
{
	size_t usersize;
	int rc = ic_xt_target_new(c->nfproto, name, data_size, t, &usersize, c->err);

	if (rc == IPTABLES_ENOTFOUND)
		return unsupported(c, "target extension not found");
	if (!rc)
		target_set(c, *t, usersize);
	return rc;
}

/* ---- native tcp / udp ---- */

static int tcp_get(struct dec *c, struct xt_tcp **tcp)
{
	int rc = 0;

	if (!c->tcp)
		rc = match_create(c, "tcp", (void **)&c->tcp);
	*tcp = c->tcp;
	return rc;
}

static int udp_get(struct dec *c, struct xt_udp **udp)
{
	int rc = 0;

	if (!c->udp)
		rc = match_create(c, "udp", (void **)&c->udp);
	*udp = c->udp;
	return rc;
}

/* port_match_single_to_range: one compare narrows [lo, hi] or sets both. */
static void port_from_cmp(uint16_t ports[2], uint8_t *invflags, uint8_t invbit, uint32_t op,
			  int port)
{
	if (port < 0)
		return;
	switch (op) {
	case NFT_CMP_NEQ:
		*invflags |= invbit;
		/* fall through */
	case NFT_CMP_EQ:
		ports[0] = ports[1] = port;
		break;
	case NFT_CMP_LT:
		ports[1] = port - 1 > 1 ? port - 1 : 1;
		break;
	case NFT_CMP_LTE:
		ports[1] = port;
		break;
	case NFT_CMP_GT:
		ports[0] = port + 1 < UINT16_MAX ? port + 1 : UINT16_MAX;
		break;
	case NFT_CMP_GTE:
		ports[0] = port;
		break;
	}
}

static void ports_from_range(uint16_t ports[2], uint8_t *invflags, uint8_t invbit,
			     uint32_t op, uint16_t lo, uint16_t hi)
{
	if (op == NFT_RANGE_NEQ)
		*invflags |= invbit;
	ports[0] = lo;
	ports[1] = hi;
}

/* @sport / @dport: -1 when the compare is not about it. */
static int th_ports_cmp(struct dec *c, uint8_t proto, int sport, int dport, uint32_t op)
{
	struct xt_tcp *t;
	struct xt_udp *u;
	int rc;

	if (proto == IPPROTO_TCP) {
		rc = tcp_get(c, &t);
		if (rc)
			return rc;
		port_from_cmp(t->spts, &t->invflags, XT_TCP_INV_SRCPT, op, sport);
		port_from_cmp(t->dpts, &t->invflags, XT_TCP_INV_DSTPT, op, dport);
		return 0;
	}
	rc = udp_get(c, &u);
	if (rc)
		return rc;
	port_from_cmp(u->spts, &u->invflags, XT_UDP_INV_SRCPT, op, sport);
	port_from_cmp(u->dpts, &u->invflags, XT_UDP_INV_DSTPT, op, dport);
	return 0;
}

static int th_ports_range(struct dec *c, uint8_t proto, bool dport, uint32_t op, uint16_t lo,
			  uint16_t hi)
{
	struct xt_tcp *t;
	struct xt_udp *u;
	int rc;

	if (proto == IPPROTO_TCP) {
		rc = tcp_get(c, &t);
		if (!rc)
			ports_from_range(dport ? t->dpts : t->spts, &t->invflags,
					 dport ? XT_TCP_INV_DSTPT : XT_TCP_INV_SRCPT, op, lo, hi);
		return rc;
	}
	rc = udp_get(c, &u);
	if (!rc)
		ports_from_range(dport ? u->dpts : u->spts, &u->invflags,
				 dport ? XT_UDP_INV_DSTPT : XT_UDP_INV_SRCPT, op, lo, hi);
	return rc;
}

static int tcp_flags_cmp(struct dec *c, const struct reg *g, uint32_t op, uint8_t flags)
{
	struct xt_tcp *t;
	int rc = tcp_get(c, &t);

	if (rc)
		return rc;
	if (op == NFT_CMP_NEQ)
		t->invflags |= XT_TCP_INV_FLAGS;
	t->flg_cmp = flags;
	t->flg_mask = g->bitwise.set ? g->bitwise.mask[0] : 0xff;
	return 0;
}

/* ---- icmp, ttl / hl ---- */

/* nft_parse_icmp: type at offset 0 (with the code when 2 bytes), or the code alone. */
static int icmp_cmp(struct dec *c, const struct reg *g, const uint8_t *data, uint32_t len)
{
	struct ipt_icmp icmp = { .type = UINT8_MAX, .code = { 0, UINT8_MAX } };
	void *m;
	int rc;

	if (len < 1 || len > 2 || (g->offset == 1 && len != 1))
		return unsupported(c, "unexpected RHS data length");
	if (g->offset == 0) {
		icmp.type = data[0];
		if (len == 2)
			icmp.code[0] = icmp.code[1] = data[1];
	} else if (g->offset == 1) {
		icmp.code[0] = icmp.code[1] = data[0];
	} else {
		return unsupported(c, "unexpected payload offset");
	}
	if (c->nfproto == NFPROTO_IPV6 && icmp.type == UINT8_MAX)
		return unsupported(c, "icmp6 code with any type match not supported");
	rc = match_create(c, c->nfproto == NFPROTO_IPV6 ? "icmp6" : "icmp", &m);
	if (!rc)
		memcpy(m, &icmp, sizeof(icmp));
	return rc;
}

/* nft_parse_hl: ttl (IPv4) or hl (IPv6); <= and >= become < and > of the next value. */
static int hl_cmp(struct dec *c, uint32_t op, uint8_t hl)
{
	struct ip6t_hl_info *info;
	uint8_t mode;
	int rc;

	switch (op) {
	case NFT_CMP_NEQ: mode = IP6T_HL_NE; break;
	case NFT_CMP_EQ: mode = IP6T_HL_EQ; break;
	case NFT_CMP_LT: mode = IP6T_HL_LT; break;
	case NFT_CMP_GT: mode = IP6T_HL_GT; break;
	case NFT_CMP_LTE:
		if (hl == 255)
			return unsupported(c, "invalid ttl field match");
		mode = IP6T_HL_LT;
		hl++;
		break;
	case NFT_CMP_GTE:
		if (hl == 0)
			return unsupported(c, "invalid ttl field match");
		mode = IP6T_HL_GT;
		hl--;
		break;
	default:
		return unsupported(c, "invalid ttl field match");
	}
	/* ipt_ttl_info and ip6t_hl_info share their layout and mode values */
	rc = match_create(c, c->nfproto == NFPROTO_IPV6 ? "hl" : "ttl", (void **)&info);
	if (!rc) {
		info->hop_limit = hl;
		info->mode = mode;
	}
	return rc;
}

/* ---- cmp on a meta key ---- */

/* parse_ifname: a full name (with its NUL) or a prefix, shown as "prefix+". */
static void ifname_set(const char *name, uint32_t len, char *dst, unsigned char *mask)
{
	if (len == 0)
		return;
	if (len > IFNAMSIZ)
		len = IFNAMSIZ;
	memcpy(dst, name, len);
	if (name[len - 1] == '\0') {
		memset(mask, 0xff, strnlen(dst, IFNAMSIZ - 1) + 1);
		return;
	}
	if (len >= IFNAMSIZ - 1) {
		dst[IFNAMSIZ - 1] = '\0';
		return;
	}
	dst[len] = '+';
	dst[len + 1] = '\0';
	memset(mask, 0xff, len);
}

/* parse_invalid_iface: `! -i +` was written as eq "INVAL/D". */
static void ifname_invalid(struct ic_rule *r, char *iface, unsigned char *mask, uint8_t invbit)
{
	if (r->invflags & invbit || strcmp(iface, "INVAL/D"))
		return;
	r->invflags |= invbit;
	strcpy(iface, "+");
	memset(mask, 0, IFNAMSIZ);
	mask[0] = mask[1] = 0xff;
}

static void iface_cmp(struct dec *c, const struct nftnl_expr *e, bool out)
{
	struct ic_rule *r = c->r;
	uint8_t invbit = out ? IC_INV_VIA_OUT : IC_INV_VIA_IN;
	char *iface = out ? r->outiface : r->iniface;
	unsigned char *mask = out ? r->outiface_mask : r->iniface_mask;
	uint32_t len;
	const char *name = nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, &len);

	if (nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP) == NFT_CMP_NEQ)
		r->invflags |= invbit;
	ifname_set(name, len, iface, mask);
	ifname_invalid(r, iface, mask, invbit);
}

/* meta iif / oif compare an index, which becomes the name it has here and now. */
static void ifindex_cmp(struct dec *c, const struct nftnl_expr *e, bool out)
{
	struct ic_rule *r = c->r;
	char *iface = out ? r->outiface : r->iniface;
	unsigned char *mask = out ? r->outiface_mask : r->iniface_mask;

	if (nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP) == NFT_CMP_NEQ)
		r->invflags |= out ? IC_INV_VIA_OUT : IC_INV_VIA_IN;
	if (!if_indextoname(nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_DATA), iface))
		iface[0] = '\0';
	memset(mask, 0xff, strlen(iface) + 1);
}

static int mark_cmp(struct dec *c, const struct reg *g, const struct nftnl_expr *e)
{
	struct xt_mark_mtinfo1 *mk;
	int rc = match_create(c, "mark", (void **)&mk);

	if (rc)
		return rc;
	mk->invert = nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP) == NFT_CMP_NEQ;
	mk->mark = nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_DATA);
	mk->mask = ~0u;
	if (g->bitwise.set)
		memcpy(&mk->mask, g->bitwise.mask, sizeof(mk->mask));
	return 0;
}

static int pkttype_cmp(struct dec *c, const struct nftnl_expr *e)
{
	struct xt_pkttype_info *pt;
	int rc = match_create(c, "pkttype", (void **)&pt);

	if (rc)
		return rc;
	pt->invert = nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP) == NFT_CMP_NEQ;
	pt->pkttype = nftnl_expr_get_u8(e, NFTNL_EXPR_CMP_DATA);
	return 0;
}

static int meta_cmp(struct dec *c, const struct reg *g, const struct nftnl_expr *e)
{
	switch (g->key) {
	case NFT_META_L4PROTO:
		c->r->proto = nftnl_expr_get_u8(e, NFTNL_EXPR_CMP_DATA);
		if (nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP) == NFT_CMP_NEQ)
			c->r->invflags |= IC_INV_PROTO;
		return 0;
	case NFT_META_IIF:
	case NFT_META_OIF:
		ifindex_cmp(c, e, g->key == NFT_META_OIF);
		return 0;
	case NFT_META_IIFNAME:
	case NFT_META_OIFNAME:
	case NFT_META_BRI_IIFNAME:
	case NFT_META_BRI_OIFNAME:
		iface_cmp(c, e, g->key == NFT_META_OIFNAME || g->key == NFT_META_BRI_OIFNAME);
		return 0;
	case NFT_META_MARK:
		return mark_cmp(c, g, e);
	case NFT_META_PKTTYPE:
		return pkttype_cmp(c, e);
	}
	return unsupported(c, c->nfproto == NFPROTO_IPV6 ? "unknown ipv6 meta key"
							 : "unknown ipv4 meta key");
}

/* ---- cmp on the network header ---- */

/* Address bytes compared, and the mask: the bitwise's, or one 0xff per loaded byte. */
static void addr_cmp(struct dec *c, const struct reg *g, const struct nftnl_expr *e,
		     union ic_addr *addr, union ic_addr *mask, uint8_t invbit, size_t alen)
{
	uint32_t len;
	const void *data = nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, &len);

	memset(addr, 0, sizeof(*addr));
	memcpy(addr->b, data, len < alen ? len : alen);
	memset(mask, 0, sizeof(*mask));
	if (g->bitwise.set)
		memcpy(mask->b, g->bitwise.mask, alen);
	else
		memset(mask->b, 0xff, g->len < alen ? g->len : alen);
	if (nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP) == NFT_CMP_NEQ)
		c->r->invflags |= invbit;
}

static void proto_cmp(struct dec *c, const struct nftnl_expr *e)
{
	c->r->proto = nftnl_expr_get_u8(e, NFTNL_EXPR_CMP_DATA);
	if (nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP) == NFT_CMP_NEQ)
		c->r->invflags |= IC_INV_PROTO;
}

static int ip4_cmp(struct dec *c, const struct reg *g, const struct nftnl_expr *e)
{
	struct ic_rule *r = c->r;

	switch (g->offset) {
	case IP4_SADDR:
		addr_cmp(c, g, e, &r->src, &r->smsk, IC_INV_SRCIP, 4);
		return 0;
	case IP4_DADDR:
		addr_cmp(c, g, e, &r->dst, &r->dmsk, IC_INV_DSTIP, 4);
		return 0;
	case IP4_PROTOCOL:
		proto_cmp(c, e);
		return 0;
	case IP4_FRAG_OFF:
		/* get_frag: mask and data assumed; eq 0 is "not a fragment" */
		r->frag = true;
		if (g->bitwise.set && nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP) == NFT_CMP_EQ)
			r->invflags |= IC_INV_FRAG;
		return 0;
	case IP4_TTL:
		return hl_cmp(c, nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP),
			      nftnl_expr_get_u8(e, NFTNL_EXPR_CMP_DATA));
	}
	return unsupported(c, "unknown payload offset");
}

static int ip6_cmp(struct dec *c, const struct reg *g, const struct nftnl_expr *e)
{
	struct ic_rule *r = c->r;

	switch (g->offset) {
	case IP6_SADDR:
		addr_cmp(c, g, e, &r->src, &r->smsk, IC_INV_SRCIP, 16);
		return 0;
	case IP6_DADDR:
		addr_cmp(c, g, e, &r->dst, &r->dmsk, IC_INV_DSTIP, 16);
		return 0;
	case IP6_NEXTHDR:
		proto_cmp(c, e);
		/* 1.8.9 falls through into the hop limit case here: an hl match as well */
		/* fall through */
	case IP6_HOPLIMIT:
		return hl_cmp(c, nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP),
			      nftnl_expr_get_u8(e, NFTNL_EXPR_CMP_DATA));
	}
	return unsupported(c, "unknown payload offset");
}

/* ---- cmp / range on the transport header ---- */

static int th_cmp(struct dec *c, const struct reg *g, const struct nftnl_expr *e)
{
	uint8_t proto = c->r->proto;
	uint32_t op = nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP), len, both;
	const uint8_t *data = nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, &len);
	uint16_t port;

	if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6)
		return icmp_cmp(c, g, data, len);
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return unsupported(c, "unsupported layer 4 protocol value");
	if (g->offset == 0 && len == 2) {
		memcpy(&port, data, 2);
		return th_ports_cmp(c, proto, ntohs(port), -1, op);
	}
	if (g->offset == 0 && len == 4) {
		memcpy(&both, data, 4);
		both = ntohl(both);
		return th_ports_cmp(c, proto, both >> 16, both & 0xffff, op);
	}
	if (g->offset == 2 && len == 2) {
		memcpy(&port, data, 2);
		return th_ports_cmp(c, proto, -1, ntohs(port), op);
	}
	if (g->offset == TH_FLAGS && len == 1 && proto == IPPROTO_TCP)
		return tcp_flags_cmp(c, g, op, data[0]);
	/* 1.8.9 skips it silently, which would show a broader rule than the kernel holds */
	return unsupported(c, "unsupported transport header match");
}

static int parse_cmp(struct dec *c, const struct nftnl_expr *e)
{
	const struct reg *g = reg_get(c, nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_SREG));

	if (!g)
		return unsupported(c, "Unknown register requested");
	switch (g->kind) {
	case REG_META:
		return meta_cmp(c, g, e);
	case REG_PAYLOAD:
		if (g->base == NFT_PAYLOAD_NETWORK_HEADER)
			return c->nfproto == NFPROTO_IPV6 ? ip6_cmp(c, g, e) : ip4_cmp(c, g, e);
		if (g->base == NFT_PAYLOAD_TRANSPORT_HEADER)
			return th_cmp(c, g, e);
		return unsupported(c, "cmp on an unsupported payload base");
	case REG_UNDEF:
		return unsupported(c, "cmp sreg undef");
	default:
		return unsupported(c, "cmp sreg has unknown type");
	}
}

static int parse_range(struct dec *c, const struct nftnl_expr *e)
{
	const struct reg *g = reg_get(c, nftnl_expr_get_u32(e, NFTNL_EXPR_RANGE_SREG));
	uint32_t flen, tlen;
	const void *from = nftnl_expr_get(e, NFTNL_EXPR_RANGE_FROM_DATA, &flen);
	const void *to = nftnl_expr_get(e, NFTNL_EXPR_RANGE_TO_DATA, &tlen);
	uint8_t proto = c->r->proto;
	uint16_t lo, hi;

	if (!g)
		return unsupported(c, "Unknown register requested");
	if (g->kind == REG_UNDEF)
		return unsupported(c, "range sreg undef");
	if (g->kind != REG_PAYLOAD)
		return unsupported(c, "range sreg type unsupported");
	if (g->base != NFT_PAYLOAD_TRANSPORT_HEADER)
		return unsupported(c, "range with unknown payload base");
	if (flen != 2 || tlen != 2 || (g->offset != 0 && g->offset != 2) ||
	    (proto != IPPROTO_TCP && proto != IPPROTO_UDP))
		return unsupported(c, "unsupported transport header range");
	memcpy(&lo, from, 2);
	memcpy(&hi, to, 2);
	return th_ports_range(c, proto, g->offset == 2, nftnl_expr_get_u32(e, NFTNL_EXPR_RANGE_OP),
			      ntohs(lo), ntohs(hi));
}

/* ---- loads ---- */

static int parse_payload(struct dec *c, const struct nftnl_expr *e)
{
	struct reg *g = reg_load(c, nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_DREG));

	if (!g)
		return unsupported(c, "Unknown register requested");
	g->kind = REG_PAYLOAD;
	g->base = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_BASE);
	g->offset = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET);
	g->len = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_LEN);
	return 0;
}

/* nft_meta_set_to_target: only `meta nftrace set 1` (TRACE) is iptables'. */
static int meta_set(struct dec *c, const struct nftnl_expr *e)
{
	const struct reg *g = reg_get(c, nftnl_expr_get_u32(e, NFTNL_EXPR_META_SREG));
	struct xt_entry_target *t;

	if (!g)
		return unsupported(c, "Unknown register requested");
	if (nftnl_expr_get_u32(e, NFTNL_EXPR_META_KEY) != NFT_META_NFTRACE)
		return unsupported(c, "meta sreg key not supported");
	if (g->kind != REG_IMMEDIATE)
		return unsupported(c, "meta nftrace but reg not immediate");
	if (g->data[0] == 0)
		return unsupported(c, "trace is cleared");
	return target_create(c, "TRACE", 0, &t);
}

static int parse_meta(struct dec *c, const struct nftnl_expr *e)
{
	struct reg *g;

	if (nftnl_expr_is_set(e, NFTNL_EXPR_META_SREG))
		return meta_set(c, e);
	g = reg_load(c, nftnl_expr_get_u32(e, NFTNL_EXPR_META_DREG));
	if (!g)
		return unsupported(c, "Unknown register requested");
	g->kind = REG_META;
	g->key = nftnl_expr_get_u32(e, NFTNL_EXPR_META_KEY);
	return 0;
}

/* The bitwise is remembered on its destination (a copy of the source's load). */
static int parse_bitwise(struct dec *c, const struct nftnl_expr *e)
{
	struct reg *src = reg_get(c, nftnl_expr_get_u32(e, NFTNL_EXPR_BITWISE_SREG));
	struct reg *dst = reg_get(c, nftnl_expr_get_u32(e, NFTNL_EXPR_BITWISE_DREG));
	uint32_t mlen, xlen;
	const void *mask = nftnl_expr_get(e, NFTNL_EXPR_BITWISE_MASK, &mlen);
	const void *xor = nftnl_expr_get(e, NFTNL_EXPR_BITWISE_XOR, &xlen);

	if (!src || !dst)
		return unsupported(c, "Unknown register requested");
	if (nftnl_expr_is_set(e, NFTNL_EXPR_BITWISE_OP) &&
	    nftnl_expr_get_u32(e, NFTNL_EXPR_BITWISE_OP) != NFT_BITWISE_BOOL)
		return unsupported(c, "bitwise shift not supported");
	if (mlen > sizeof(dst->bitwise.mask) || xlen > sizeof(dst->bitwise.xor))
		return unsupported(c, "bitwise mask too large");
	if (dst != src)
		*dst = *src;
	memset(&dst->bitwise, 0, sizeof(dst->bitwise));
	if (mask)
		memcpy(dst->bitwise.mask, mask, mlen);
	if (xor)
		memcpy(dst->bitwise.xor, xor, xlen);
	dst->bitwise.set = true;
	return 0;
}

/* ---- immediate: verdicts, and data for meta set ---- */

static int immediate_data(struct dec *c, const struct nftnl_expr *e)
{
	uint32_t len;
	const void *data = nftnl_expr_get(e, NFTNL_EXPR_IMM_DATA, &len);
	struct reg *g = reg_load(c, nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_DREG));

	if (!g)
		return unsupported(c, "Unknown register requested");
	if (len > sizeof(g->data))
		return unsupported(c, "oversized immediate data");
	memset(g->data, 0, sizeof(g->data));
	memcpy(g->data, data, len);
	g->kind = REG_IMMEDIATE;
	return 0;
}

static void jumpto_set(struct dec *c, const char *name)
{
	snprintf(c->r->jumpto, sizeof(c->r->jumpto), "%s", name ? name : "");
}

static int parse_immediate(struct dec *c, const struct nftnl_expr *e)
{
	int verdict;

	if (nftnl_expr_is_set(e, NFTNL_EXPR_IMM_DATA))
		return immediate_data(c, e);
	verdict = (int)nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT);
	switch (verdict) {
	case NF_ACCEPT:
		jumpto_set(c, "ACCEPT");
		return 0;
	case NF_DROP:
		jumpto_set(c, "DROP");
		return 0;
	case NFT_RETURN:
		jumpto_set(c, "RETURN");
		return 0;
	case NFT_GOTO:
		c->r->is_goto = true;
		/* fall through */
	case NFT_JUMP:
		jumpto_set(c, nftnl_expr_get_str(e, NFTNL_EXPR_IMM_CHAIN));
		return 0;
	case NFT_CONTINUE:
		return 0;
	}
	/* 1.8.9 ignores it, which would show a rule that does not stop where the kernel's does */
	return unsupported(c, "unsupported verdict");
}

/* ---- limit, log, compat match / target ---- */

static int parse_limit(struct dec *c, const struct nftnl_expr *e)
{
	uint64_t rate = nftnl_expr_get_u64(e, NFTNL_EXPR_LIMIT_RATE);
	uint64_t unit = nftnl_expr_get_u64(e, NFTNL_EXPR_LIMIT_UNIT);
	struct xt_rateinfo *ri;
	int rc;

	if (nftnl_expr_get_u32(e, NFTNL_EXPR_LIMIT_TYPE) != NFT_LIMIT_PKTS ||
	    nftnl_expr_get_u32(e, NFTNL_EXPR_LIMIT_FLAGS) != 0)
		return unsupported(c, "unsupported limit");
	if (rate == 0)
		return unsupported(c, "limit rate 0");
	rc = match_create(c, "limit", (void **)&ri);
	if (rc)
		return rc;
	ri->avg = XT_LIMIT_SCALE * unit / rate;
	ri->burst = nftnl_expr_get_u32(e, NFTNL_EXPR_LIMIT_BURST);
	return 0;
}

/* nft_parse_log: xt_nflog_info's layout with nft's longer prefix buffer, no init. */
struct nflog_info_nft {
	uint32_t len;
	uint16_t group, threshold, flags, pad;
	char prefix[NF_LOG_PREFIXLEN];
};

static int parse_log(struct dec *c, const struct nftnl_expr *e)
{
	struct xt_entry_target *t;
	struct nflog_info_nft *info;
	int rc;

	if (!nftnl_expr_is_set(e, NFTNL_EXPR_LOG_GROUP))
		return unsupported(c, "log without group");
	rc = target_create(c, "NFLOG", sizeof(*info), &t);
	if (rc)
		return rc;
	info = (void *)t->data;
	info->group = nftnl_expr_get_u16(e, NFTNL_EXPR_LOG_GROUP);
	info->threshold = nftnl_expr_get_u16(e, NFTNL_EXPR_LOG_QTHRESHOLD);
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOG_SNAPLEN)) {
		info->len = nftnl_expr_get_u32(e, NFTNL_EXPR_LOG_SNAPLEN);
		info->flags = XT_NFLOG_F_COPY_LEN;
	}
	if (nftnl_expr_is_set(e, NFTNL_EXPR_LOG_PREFIX))
		snprintf(info->prefix, sizeof(info->prefix), "%s",
			 nftnl_expr_get_str(e, NFTNL_EXPR_LOG_PREFIX));
	return 0;
}

/* A compat blob's header: name, revision, size; what -C compares comes from libxtables. */
static int compat_blob(struct dec *c, const struct nftnl_expr *e, bool target, void **blob,
		       size_t *userspacesize)
{
	uint16_t name_attr = target ? NFTNL_EXPR_TG_NAME : NFTNL_EXPR_MT_NAME;
	uint16_t rev_attr = target ? NFTNL_EXPR_TG_REV : NFTNL_EXPR_MT_REV;
	uint16_t info_attr = target ? NFTNL_EXPR_TG_INFO : NFTNL_EXPR_MT_INFO;
	const char *name = nftnl_expr_get_str(e, name_attr);
	uint8_t rev = nftnl_expr_get_u32(e, rev_attr);
	size_t hdr = XT_ALIGN(sizeof(struct xt_entry_match)), size;
	uint32_t len = 0;
	const void *info = nftnl_expr_get(e, info_attr, &len);
	struct xt_entry_match *m;
	struct ic_err quiet = { 0 };

	*blob = NULL;
	if (!name || strlen(name) >= sizeof(m->u.user.name) ||
	    ic_xt_ext_sizes(c->nfproto, target, name, rev, &size, userspacesize, &quiet))
		return unsupported(c, target ? "target extension not found"
					     : "match extension not found");
	if (*userspacesize > len)
		*userspacesize = len;
	/* xt_entry_match and xt_entry_target share their header layout */
	m = calloc(1, hdr + len);
	if (!m)
		return nomem(c);
	m->u.match_size = hdr + len;
	m->u.user.revision = rev;
	strcpy(m->u.user.name, name);
	if (len)
		memcpy(m->data, info, len);
	*blob = m;
	return 0;
}

static int parse_match(struct dec *c, const struct nftnl_expr *e)
{
	size_t usersize;
	void *blob;
	int rc = compat_blob(c, e, false, &blob, &usersize);

	return rc ? rc : match_push(c, blob, usersize);
}

static int parse_target(struct dec *c, const struct nftnl_expr *e)
{
	size_t usersize;
	void *blob;
	int rc = compat_blob(c, e, true, &blob, &usersize);

	if (!rc)
		target_set(c, blob, usersize);
	return rc;
}

static int parse_counter(struct dec *c, const struct nftnl_expr *e)
{
	c->r->pcnt = nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_PACKETS);
	c->r->bcnt = nftnl_expr_get_u64(e, NFTNL_EXPR_CTR_BYTES);
	return 0;
}

static int parse_lookup(struct dec *c, const struct nftnl_expr *e)
{
	/* 1.8.9 accepts and drops it for ip / ip6, showing a broader rule than the kernel's */
	return unsupported(c, "set lookup not supported");
}

static const struct {
	const char *name;
	int (*parse)(struct dec *c, const struct nftnl_expr *e);
} expr_parsers[] = {
	{ "counter", parse_counter },
	{ "payload", parse_payload },
	{ "meta", parse_meta },
	{ "bitwise", parse_bitwise },
	{ "cmp", parse_cmp },
	{ "immediate", parse_immediate },
	{ "match", parse_match },
	{ "target", parse_target },
	{ "limit", parse_limit },
	{ "lookup", parse_lookup },
	{ "log", parse_log },
	{ "range", parse_range },
};

static int parse_expr(struct nftnl_expr *e, void *arg)
{
	struct dec *c = arg;
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
	size_t i;

	for (i = 0; name && i < sizeof(expr_parsers) / sizeof(expr_parsers[0]); i++)
		if (!strcmp(name, expr_parsers[i].name))
			return expr_parsers[i].parse(c, e);
	ic_err_set(c->err, IPTABLES_EUNSUPPORTED,
		   "rule uses expression `%s', which iptables cannot express: use the 'nft' tool",
		   name ? name : "?");
	return IPTABLES_EUNSUPPORTED;
}

/* ---- the comment nft keeps in rule userdata ---- */

static int udata_comment_cb(const struct nftnl_udata *attr, void *data)
{
	const char **comment = data;
	const char *value = nftnl_udata_get(attr);
	uint8_t len = nftnl_udata_len(attr);

	if (nftnl_udata_type(attr) != UDATA_TYPE_COMMENT)
		return 0;
	if (len == 0 || value[len - 1] != '\0')
		return -1;
	*comment = value;
	return 0;
}

static int comment_from_udata(struct dec *c, const struct nftnl_rule *nr)
{
	const char *comment = NULL;
	struct xt_comment_info *info;
	uint32_t len;
	const void *data;
	int rc;

	if (!nftnl_rule_is_set(nr, NFTNL_RULE_USERDATA))
		return 0;
	data = nftnl_rule_get_data(nr, NFTNL_RULE_USERDATA, &len);
	if (!data || nftnl_udata_parse(data, len, udata_comment_cb, &comment) < 0 || !comment)
		return 0;
	rc = match_create(c, "comment", (void **)&info);
	if (!rc)
		snprintf(info->comment, sizeof(info->comment), "%s", comment);
	return rc;
}

int ic_nft_decode(uint8_t nfproto, const struct nftnl_rule *nr, struct ic_rule *out,
		  struct ic_err *err)
{
	struct dec c = { .nfproto = nfproto, .r = out, .err = err };
	int rc;

	memset(out, 0, sizeof(*out));
	out->nfproto = nfproto;
	if (nfproto != NFPROTO_IPV4 && nfproto != NFPROTO_IPV6)
		return ic_err_set(err, IPTABLES_EUNSUPPORTED, "unsupported address family %d",
				  nfproto);
	/* the iterator of nftnl_expr_foreach does not modify the rule */
	rc = nftnl_expr_foreach((struct nftnl_rule *)nr, parse_expr, &c);
	if (!rc)
		rc = comment_from_udata(&c, nr);
	if (rc) {
		ic_rule_free(out);
		memset(out, 0, sizeof(*out));
		return rc;
	}
	return 0;
}
