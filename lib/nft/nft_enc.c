/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * struct ic_rule -> nftnl_rule, as iptables-nft 1.8.9 writes it (nft_ipv4_add / nft_ipv6_add,
 * add_match, add_action in iptables/nft.c and nft-shared.c, whose behaviour this follows, bugs
 * included): interfaces, protocol, addresses, fragment, NFTA_RULE_COMPAT, the matches in
 * command-line order (tcp, udp, mark and limit native when 1.8.9 writes them so, any other
 * as a compat xt match), the counter, then the verdict or target. Every register is
 * NFT_REG_1 but TRACE's, which uses NFT_REG32_01.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter/nf_log.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_tables_compat.h>
#include <linux/netfilter/xt_NFLOG.h>
#include <linux/netfilter/xt_limit.h>
#include <linux/netfilter/xt_mark.h>
#include <linux/netfilter/xt_tcpudp.h>

#include "nft.h"
#include "../xt/xt.h"

/* Offsets in the IPv4 / IPv6 header (struct iphdr, struct ip6_hdr). */
#define IP4_FRAG_OFF	6
#define IP4_SADDR	12
#define IP4_DADDR	16
#define IP6_SADDR	8
#define IP6_DADDR	24
#define TH_FLAGS	13

struct enc {
	uint8_t nfproto;
	const struct ic_rule *r;
	struct nftnl_rule *nr;
	bool nomem;
	struct ic_err *err;
};

static const char *prog_name(uint8_t nfproto)
{
	return nfproto == NFPROTO_IPV6 ? "ip6tables" : "iptables";
}

/* xtables_error(PARAMETER_PROBLEM, ...) as iptables-nft words it. */
static int param_problem(struct enc *c, const char *what)
{
	const char *prog = prog_name(c->nfproto);
	int major, minor, patch;

	ic_xt_version(&major, &minor, &patch);
	c->err->param = true;
	return ic_err_set(c->err, IPTABLES_EINVAL,
			  "%s v%d.%d.%d (%s): %s\nTry `%s -h' or '%s --help' for more information.",
			  prog, major, minor, patch, IC_NFT_MODE, what, prog, prog);
}

/* ---- expression builders: each notes an allocation failure in c->nomem ---- */

static struct nftnl_expr *expr_new(struct enc *c, const char *name)
{
	struct nftnl_expr *e = nftnl_expr_alloc(name);

	if (!e)
		c->nomem = true;
	return e;
}

static void expr_add(struct enc *c, struct nftnl_expr *e)
{
	if (e)
		nftnl_rule_add_expr(c->nr, e);
}

static void set_data(struct enc *c, struct nftnl_expr *e, uint16_t type, const void *data,
		     uint32_t len)
{
	if (nftnl_expr_set(e, type, data, len) < 0)
		c->nomem = true;
}

static void add_meta_load(struct enc *c, uint32_t key)
{
	struct nftnl_expr *e = expr_new(c, "meta");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	expr_add(c, e);
}

static void add_payload(struct enc *c, uint32_t base, uint32_t offset, uint32_t len)
{
	struct nftnl_expr *e = expr_new(c, "payload");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	expr_add(c, e);
}

/* reg1 = reg1 & mask ^ 0 */
static void add_bitwise(struct enc *c, const void *mask, uint32_t len)
{
	static const uint8_t zero[16];
	struct nftnl_expr *e = expr_new(c, "bitwise");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
	set_data(c, e, NFTNL_EXPR_BITWISE_MASK, mask, len);
	set_data(c, e, NFTNL_EXPR_BITWISE_XOR, zero, len);
	expr_add(c, e);
}

static void add_cmp(struct enc *c, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = expr_new(c, "cmp");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	set_data(c, e, NFTNL_EXPR_CMP_DATA, data, len);
	expr_add(c, e);
}

static void add_cmp_u16(struct enc *c, uint32_t op, uint16_t v)
{
	add_cmp(c, op, &v, sizeof(v));
}

static void add_range_u16(struct enc *c, uint32_t op, uint16_t lo, uint16_t hi)
{
	struct nftnl_expr *e = expr_new(c, "range");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_RANGE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_RANGE_OP, op);
	set_data(c, e, NFTNL_EXPR_RANGE_FROM_DATA, &lo, sizeof(lo));
	set_data(c, e, NFTNL_EXPR_RANGE_TO_DATA, &hi, sizeof(hi));
	expr_add(c, e);
}

/* Compat xt match / target: the kernel keeps the info pointer's buffer, libnftnl owns it. */
static void set_info(struct enc *c, struct nftnl_expr *e, uint16_t type, const void *data,
		     size_t len)
{
	void *info = calloc(1, len ? len : 1);

	if (!info) {
		c->nomem = true;
		return;
	}
	memcpy(info, data, len);
	nftnl_expr_set(e, type, info, len);
}

static void add_compat_match(struct enc *c, const struct xt_entry_match *m)
{
	struct nftnl_expr *e = expr_new(c, "match");
	const char *name = m->u.user.name;

	if (!e)
		return;
	set_data(c, e, NFTNL_EXPR_MT_NAME, name, strnlen(name, sizeof(m->u.user.name) - 1));
	nftnl_expr_set_u32(e, NFTNL_EXPR_MT_REV, m->u.user.revision);
	set_info(c, e, NFTNL_EXPR_MT_INFO, m->data, m->u.match_size - sizeof(*m));
	expr_add(c, e);
}

static void add_compat_target(struct enc *c, const struct xt_entry_target *t)
{
	struct nftnl_expr *e = expr_new(c, "target");
	const char *name = t->u.user.name;

	if (!e)
		return;
	set_data(c, e, NFTNL_EXPR_TG_NAME, name, strnlen(name, sizeof(t->u.user.name) - 1));
	nftnl_expr_set_u32(e, NFTNL_EXPR_TG_REV, t->u.user.revision);
	set_info(c, e, NFTNL_EXPR_TG_INFO, t->data, t->u.target_size - sizeof(*t));
	expr_add(c, e);
}

/* ---- the header part: interfaces, protocol, addresses, fragment ---- */

static uint32_t cmp_op(const struct ic_rule *r, uint8_t invbit)
{
	return r->invflags & invbit ? NFT_CMP_NEQ : NFT_CMP_EQ;
}

/*
 * add_iniface / add_outiface: "eth0" compares "eth0\0", "eth+" the prefix "eth"; a lone "+"
 * loads the name and compares nothing, and "! -i +" compares eq "INVAL/D".
 */
static void add_iface(struct enc *c, uint32_t key, const char *iface, uint32_t op)
{
	char name[IFNAMSIZ + 1] = { 0 };
	size_t len;

	memcpy(name, iface, IFNAMSIZ);
	len = strlen(name);
	add_meta_load(c, key);
	if (name[len - 1] != '+')
		add_cmp(c, op, name, len + 1);
	else if (len > 1)
		add_cmp(c, op, name, len - 1);
	else if (op != NFT_CMP_EQ)
		add_cmp(c, NFT_CMP_EQ, "INVAL/D", sizeof("INVAL/D"));
}

static void add_l4proto(struct enc *c, uint8_t proto, uint32_t op)
{
	add_meta_load(c, NFT_META_L4PROTO);
	add_cmp(c, op, &proto, sizeof(proto));
}

static bool all_zero(const void *p, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++)
		if (b[i])
			return false;
	return true;
}

/*
 * add_addr: a mask of whole 0xff bytes then zeros loads only those bytes (so /0 loads none,
 * which the kernel refuses: 1.8.9's `! -s 0/0` bug); any other mask loads the whole address
 * and masks it with a bitwise.
 */
static void add_addr(struct enc *c, uint32_t offset, const union ic_addr *a,
		     const union ic_addr *m, size_t alen, uint32_t op)
{
	bool bitwise = false;
	size_t i, j, len = alen;

	for (i = 0; i < alen; i++) {
		if (m->b[i] != 0xff) {
			bitwise = m->b[i] != 0;
			break;
		}
	}
	for (j = i + 1; !bitwise && j < alen; j++)
		bitwise = m->b[j] != 0;
	if (!bitwise)
		len = i;
	add_payload(c, NFT_PAYLOAD_NETWORK_HEADER, offset, len);
	if (bitwise)
		add_bitwise(c, m->b, len);
	add_cmp(c, op, a->b, len);
}

static void add_frag(struct enc *c)
{
	uint16_t mask = htons(0x1fff);

	add_payload(c, NFT_PAYLOAD_NETWORK_HEADER, IP4_FRAG_OFF, 2);
	add_bitwise(c, &mask, sizeof(mask));
	/* a non-zero fragment offset is a fragment */
	add_cmp_u16(c, c->r->invflags & IC_INV_FRAG ? NFT_CMP_EQ : NFT_CMP_NEQ, 0);
}

static void add_header(struct enc *c)
{
	const struct ic_rule *r = c->r;
	bool v6 = c->nfproto == NFPROTO_IPV6;
	size_t alen = v6 ? sizeof(struct in6_addr) : sizeof(struct in_addr);

	if (r->iniface[0])
		add_iface(c, NFT_META_IIFNAME, r->iniface, cmp_op(r, IC_INV_VIA_IN));
	if (r->outiface[0])
		add_iface(c, NFT_META_OIFNAME, r->outiface, cmp_op(r, IC_INV_VIA_OUT));
	if (r->proto)
		add_l4proto(c, (uint8_t)r->proto, cmp_op(r, IC_INV_PROTO));
	if (!all_zero(&r->src, alen) || !all_zero(&r->smsk, alen) || r->invflags & IC_INV_SRCIP)
		add_addr(c, v6 ? IP6_SADDR : IP4_SADDR, &r->src, &r->smsk, alen,
			 cmp_op(r, IC_INV_SRCIP));
	if (!all_zero(&r->dst, alen) || !all_zero(&r->dmsk, alen) || r->invflags & IC_INV_DSTIP)
		add_addr(c, v6 ? IP6_DADDR : IP4_DADDR, &r->dst, &r->dmsk, alen,
			 cmp_op(r, IC_INV_DSTIP));
	if (!v6 && r->frag)
		add_frag(c);
}

/* add_compat: on every rule, even with protocol 0 */
static void set_compat(struct enc *c)
{
	const struct ic_rule *r = c->r;

	nftnl_rule_set_u32(c->nr, NFTNL_RULE_COMPAT_PROTO, r->proto);
	nftnl_rule_set_u32(c->nr, NFTNL_RULE_COMPAT_FLAGS,
			   r->invflags & IC_INV_PROTO ? NFT_RULE_COMPAT_F_INV : 0);
}

/* ---- native matches ---- */

/* add_nft_limit: the largest unit whose rate is still a whole number, rebuilt from avg. */
static void add_limit(struct enc *c, const struct xt_rateinfo *ri)
{
	static const uint32_t mult[] = {
		XT_LIMIT_SCALE * 24 * 60 * 60,	/* day */
		XT_LIMIT_SCALE * 60 * 60,	/* hour */
		XT_LIMIT_SCALE * 60,		/* minute */
		XT_LIMIT_SCALE,			/* second */
	};
	uint32_t avg = ri->avg ? ri->avg : 1;	/* 0 only from a broken blob */
	struct nftnl_expr *e;
	size_t i;

	for (i = 1; i < sizeof(mult) / sizeof(mult[0]); i++)
		if (avg > mult[i] || mult[i] / avg < mult[i] % avg)
			break;
	e = expr_new(c, "limit");
	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_TYPE, NFT_LIMIT_PKTS);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_FLAGS, 0);
	nftnl_expr_set_u64(e, NFTNL_EXPR_LIMIT_RATE, mult[i - 1] / avg);
	nftnl_expr_set_u64(e, NFTNL_EXPR_LIMIT_UNIT, mult[i - 1] / XT_LIMIT_SCALE);
	nftnl_expr_set_u32(e, NFTNL_EXPR_LIMIT_BURST, ri->burst);
	expr_add(c, e);
}

/* expr_gen_range_cmp16: one port, 0:hi (as <= / >), or a range. */
static void add_port_test(struct enc *c, uint16_t lo, uint16_t hi, bool inv)
{
	if (lo == hi)
		add_cmp_u16(c, inv ? NFT_CMP_NEQ : NFT_CMP_EQ, htons(lo));
	else if (lo == 0 && hi < 0xffff)
		add_cmp_u16(c, inv ? NFT_CMP_GT : NFT_CMP_LTE, htons(hi));
	else
		add_range_u16(c, inv ? NFT_RANGE_NEQ : NFT_RANGE_EQ, htons(lo), htons(hi));
}

/*
 * add_nft_tcpudp: one source and one destination port under the same inversion are one
 * 4-byte load and compare (wrong when inverted: "not both" rather than "neither"; 1.8.9).
 */
static void add_ports(struct enc *c, const uint16_t sp[2], bool sinv, const uint16_t dp[2],
		      bool dinv)
{
	uint32_t both;

	if (sp[0] && sp[0] == sp[1] && dp[0] && dp[0] == dp[1] && sinv == dinv) {
		both = htonl((uint32_t)sp[0] << 16 | dp[0]);
		add_payload(c, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 4);
		add_cmp(c, sinv ? NFT_CMP_NEQ : NFT_CMP_EQ, &both, sizeof(both));
		return;
	}
	if (sp[0] || sp[1] < 0xffff) {
		add_payload(c, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 2);
		add_port_test(c, sp[0], sp[1], sinv);
	}
	if (dp[0] || dp[1] < 0xffff) {
		add_payload(c, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
		add_port_test(c, dp[0], dp[1], dinv);
	}
}

static bool ports_all_zero(const uint16_t sp[2], const uint16_t dp[2])
{
	return !sp[0] && sp[1] == 0xffff && !dp[0] && dp[1] == 0xffff;
}

static size_t match_data_len(const struct xt_entry_match *m)
{
	return m->u.match_size - sizeof(*m);
}

/* add_nft_udp: compat when it holds nothing (so `-m udp` stays) or an unknown inversion. */
static int add_udp(struct enc *c, const struct xt_entry_match *m)
{
	const struct xt_udp *u = (const void *)m->data;

	if (match_data_len(m) < sizeof(*u) || u->invflags > XT_UDP_INV_MASK ||
	    (ports_all_zero(u->spts, u->dpts) && !u->invflags)) {
		add_compat_match(c, m);
		return 0;
	}
	if (c->r->proto != IPPROTO_UDP)
		return param_problem(c, "UDP match requires '-p udp'");
	add_ports(c, u->spts, u->invflags & XT_UDP_INV_SRCPT, u->dpts,
		  u->invflags & XT_UDP_INV_DSTPT);
	return 0;
}

static void add_tcp_flags(struct enc *c, uint8_t cmp, uint8_t mask, bool inv)
{
	add_payload(c, NFT_PAYLOAD_TRANSPORT_HEADER, TH_FLAGS, 1);
	add_bitwise(c, &mask, 1);
	add_cmp(c, inv ? NFT_CMP_NEQ : NFT_CMP_EQ, &cmp, 1);
}

/* add_nft_tcp: compat for --tcp-option, an option inversion, or no option at all. */
static int add_tcp(struct enc *c, const struct xt_entry_match *m)
{
	static const uint8_t native_inv = XT_TCP_INV_SRCPT | XT_TCP_INV_DSTPT | XT_TCP_INV_FLAGS;
	const struct xt_tcp *t = (const void *)m->data;

	if (match_data_len(m) < sizeof(*t) || t->invflags & ~native_inv || t->option ||
	    (ports_all_zero(t->spts, t->dpts) && !t->flg_mask && !t->flg_cmp && !t->invflags)) {
		add_compat_match(c, m);
		return 0;
	}
	if (c->r->proto != IPPROTO_TCP)
		return param_problem(c, "TCP match requires '-p tcp'");
	if (t->flg_mask)
		add_tcp_flags(c, t->flg_cmp, t->flg_mask, t->invflags & XT_TCP_INV_FLAGS);
	add_ports(c, t->spts, t->invflags & XT_TCP_INV_SRCPT, t->dpts,
		  t->invflags & XT_TCP_INV_DSTPT);
	return 0;
}

/* add_nft_mark: the blob is read as revision 1's (what the parser makes here). */
static void add_mark(struct enc *c, const struct xt_entry_match *m)
{
	const struct xt_mark_mtinfo1 *mk = (const void *)m->data;

	if (match_data_len(m) < sizeof(*mk)) {
		add_compat_match(c, m);
		return;
	}
	add_meta_load(c, NFT_META_MARK);
	if (mk->mask != 0xffffffff)
		add_bitwise(c, &mk->mask, sizeof(mk->mask));
	add_cmp(c, mk->invert ? NFT_CMP_NEQ : NFT_CMP_EQ, &mk->mark, sizeof(mk->mark));
}

static int add_match(struct enc *c, const struct xt_entry_match *m)
{
	const char *name = m->u.user.name;

	if (!strcmp(name, "limit") && match_data_len(m) >= sizeof(struct xt_rateinfo))
		add_limit(c, (const void *)m->data);
	else if (!strcmp(name, "udp"))
		return add_udp(c, m);
	else if (!strcmp(name, "tcp"))
		return add_tcp(c, m);
	else if (!strcmp(name, "mark"))
		add_mark(c, m);
	else
		add_compat_match(c, m);
	return 0;
}

/* ---- counter and action ---- */

static void add_counter(struct enc *c)
{
	struct nftnl_expr *e = expr_new(c, "counter");

	if (!e)
		return;
	nftnl_expr_set_u64(e, NFTNL_EXPR_CTR_PACKETS, c->r->pcnt);
	nftnl_expr_set_u64(e, NFTNL_EXPR_CTR_BYTES, c->r->bcnt);
	expr_add(c, e);
}

static void add_verdict(struct enc *c, int verdict, const char *chain)
{
	struct nftnl_expr *e = expr_new(c, "immediate");

	if (!e)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, verdict);
	if (chain && nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain) < 0)
		c->nomem = true;
	expr_add(c, e);
}

/* add_log: NFLOG as a native log expression. */
static void add_nflog(struct enc *c, const struct xt_entry_target *t)
{
	const struct xt_nflog_info *info = (const void *)t->data;
	size_t room = t->u.target_size - sizeof(*t) - offsetof(struct xt_nflog_info, prefix);
	char prefix[NF_LOG_PREFIXLEN] = "";
	struct nftnl_expr *e;

	/* a decoded blob may carry nft's longer prefix (nft_parse_log's layout) */
	if (t->u.target_size > sizeof(*t) + offsetof(struct xt_nflog_info, prefix))
		snprintf(prefix, sizeof(prefix), "%.*s", (int)room, info->prefix);
	e = expr_new(c, "log");
	if (!e)
		return;
	if (prefix[0] && nftnl_expr_set_str(e, NFTNL_EXPR_LOG_PREFIX, prefix) < 0)
		c->nomem = true;
	nftnl_expr_set_u16(e, NFTNL_EXPR_LOG_GROUP, info->group);
	if (info->flags & XT_NFLOG_F_COPY_LEN)
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOG_SNAPLEN, info->len);
	if (info->threshold)
		nftnl_expr_set_u16(e, NFTNL_EXPR_LOG_QTHRESHOLD, info->threshold);
	expr_add(c, e);
}

/* add_meta_nftrace: TRACE sets nftrace from an immediate 1 in NFT_REG32_01. */
static void add_trace(struct enc *c)
{
	struct nftnl_expr *imm = expr_new(c, "immediate"), *meta;

	if (!imm)
		return;
	nftnl_expr_set_u32(imm, NFTNL_EXPR_IMM_DREG, NFT_REG32_01);
	nftnl_expr_set_u8(imm, NFTNL_EXPR_IMM_DATA, 1);
	expr_add(c, imm);
	meta = expr_new(c, "meta");
	if (!meta)
		return;
	nftnl_expr_set_u32(meta, NFTNL_EXPR_META_KEY, NFT_META_NFTRACE);
	nftnl_expr_set_u32(meta, NFTNL_EXPR_META_SREG, NFT_REG32_01);
	expr_add(c, meta);
}

/*
 * A verdict other than ACCEPT / DROP / RETURN (QUEUE) goes out as 1.8.9 sends it: a compat
 * target named after it with the standard target's data, which the kernel refuses (ENOENT).
 */
static void add_standard_as_target(struct enc *c, const char *name)
{
	struct {
		struct xt_entry_target t;
		uint8_t data[XT_ALIGN(sizeof(int))];
	} std;

	memset(&std, 0, sizeof(std));
	std.t.u.target_size = sizeof(std);
	snprintf(std.t.u.user.name, sizeof(std.t.u.user.name), "%s", name);
	add_compat_target(c, &std.t);
}

static void add_action(struct enc *c)
{
	const struct ic_rule *r = c->r;
	const char *name;

	if (r->target) {
		name = r->target->u.user.name;
		if (!strcmp(name, "NFLOG"))
			add_nflog(c, r->target);
		else if (!strcmp(name, "TRACE"))
			add_trace(c);
		else
			add_compat_target(c, r->target);
	} else if (!strcmp(r->jumpto, "ACCEPT")) {
		add_verdict(c, NF_ACCEPT, NULL);
	} else if (!strcmp(r->jumpto, "DROP")) {
		add_verdict(c, NF_DROP, NULL);
	} else if (!strcmp(r->jumpto, "RETURN")) {
		add_verdict(c, NFT_RETURN, NULL);
	} else if (ic_is_verdict(r->jumpto)) {
		add_standard_as_target(c, r->jumpto);
	} else if (r->jumpto[0]) {
		add_verdict(c, r->is_goto ? NFT_GOTO : NFT_JUMP, r->jumpto);
	}
}

/* ---- the rule ---- */

static int encode_body(struct enc *c)
{
	size_t i;
	int rc;

	add_header(c);
	set_compat(c);
	for (i = 0; i < c->r->nmatches; i++) {
		rc = add_match(c, c->r->matches[i].blob);
		if (rc)
			return rc;
	}
	add_counter(c);
	add_action(c);
	return 0;
}

int ic_nft_encode(uint8_t nfproto, const char *table, const char *chain,
		  const struct ic_rule *r, struct nftnl_rule **out, struct ic_err *err)
{
	struct enc c = { .nfproto = nfproto, .r = r, .err = err };
	int rc;

	*out = NULL;
	if (nfproto != NFPROTO_IPV4 && nfproto != NFPROTO_IPV6)
		return ic_err_set(err, IPTABLES_EUNSUPPORTED, "unsupported address family %d",
				  nfproto);
	c.nr = nftnl_rule_alloc();
	if (!c.nr)
		return ic_err_nomem(err, prog_name(nfproto));
	nftnl_rule_set_u32(c.nr, NFTNL_RULE_FAMILY, nfproto);
	if (nftnl_rule_set_str(c.nr, NFTNL_RULE_TABLE, table) < 0 ||
	    nftnl_rule_set_str(c.nr, NFTNL_RULE_CHAIN, chain) < 0)
		c.nomem = true;
	rc = encode_body(&c);
	if (!rc && c.nomem)
		rc = ic_err_nomem(err, prog_name(nfproto));
	if (rc) {
		nftnl_rule_free(c.nr);
		return rc;
	}
	*out = c.nr;
	return 0;
}
