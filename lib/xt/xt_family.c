/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The IPv4 and IPv6 rows of struct ic_xt_family, and the entry-head code written once. */
#include <arpa/inet.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <xtables.h>

#include "xt_family.h"

/*
 * One numeric address with an optional prefix length ("10.1.2.3", "10.1.2.0/24",
 * "2001:db8::/64"), decimal numbers without leading zeros: what xtables_ip[6]parse_multiple
 * make of it (the address masked; a zero mask makes it the zero address), without the copies,
 * lookups and allocations they go through for lists and host names (a restore of thousands
 * of rules spent a sixth of its parsing there). Anything else goes to libxtables.
 */
static bool decimal(const char *s, const char *end, unsigned max, unsigned *out)
{
	unsigned v = 0;

	if (s == end || end - s > 3 || (*s == '0' && end - s > 1))
		return false;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (unsigned)(*s - '0');
	}
	*out = v;
	return v <= max;
}

/* @spec split at its one '/': the address text into @buf, the prefix length into *bits
 * (@max without one). False when it is not of the simple form. */
static bool simple_split(const char *spec, char *buf, size_t len, unsigned max, unsigned *bits)
{
	const char *slash = strchr(spec, '/'), *end = slash ? slash : spec + strlen(spec);

	if ((size_t)(end - spec) >= len || strpbrk(spec, ", \t\n\v\f\r"))
		return false;
	memcpy(buf, spec, (size_t)(end - spec));
	buf[end - spec] = '\0';
	*bits = max;
	return !slash || decimal(slash + 1, slash + strlen(slash), max, bits);
}

bool ic_xt_simple_addr4(const char *spec, struct in_addr *addr, struct in_addr *mask)
{
	unsigned bits, octet[4];
	char buf[16];
	const char *p = buf, *dot;

	if (!simple_split(spec, buf, sizeof(buf), 32, &bits))
		return false;
	for (int i = 0; i < 4; i++) {
		dot = i < 3 ? strchr(p, '.') : p + strlen(p);
		if (!dot || !decimal(p, dot, 255, &octet[i]))
			return false;
		p = dot + 1;
	}
	mask->s_addr = bits ? htonl(0xFFFFFFFFu << (32 - bits)) : 0;
	addr->s_addr = htonl(octet[0] << 24 | octet[1] << 16 | octet[2] << 8 | octet[3]) &
		       mask->s_addr;
	return true;
}

bool ic_xt_simple_addr6(const char *spec, struct in6_addr *addr, struct in6_addr *mask)
{
	unsigned bits;
	char buf[INET6_ADDRSTRLEN];

	if (!simple_split(spec, buf, sizeof(buf), 128, &bits) ||
	    inet_pton(AF_INET6, buf, addr) != 1)
		return false;
	memset(mask, 0, sizeof(*mask));
	memset(mask->s6_addr, 0xff, bits / 8);
	if (bits % 8)
		mask->s6_addr[bits / 8] = (uint8_t)(0xff << (8 - bits % 8));
	for (int i = 0; i < 16; i++)
		addr->s6_addr[i] &= mask->s6_addr[i];
	return true;
}

static void parse_addrs4(const char *spec, void **addrs, void **masks, unsigned int *n)
{
	struct in_addr a, m;

	if (!ic_xt_simple_addr4(spec, &a, &m)) {
		xtables_ipparse_multiple(spec, (struct in_addr **)addrs, (struct in_addr **)masks,
					 n);
		return;
	}
	*addrs = memcpy(xtables_malloc(sizeof(a)), &a, sizeof(a));
	*masks = memcpy(xtables_malloc(sizeof(m)), &m, sizeof(m));
	*n = 1;
}

static void parse_addrs6(const char *spec, void **addrs, void **masks, unsigned int *n)
{
	struct in6_addr a, m;

	if (!ic_xt_simple_addr6(spec, &a, &m)) {
		xtables_ip6parse_multiple(spec, (struct in6_addr **)addrs,
					  (struct in6_addr **)masks, n);
		return;
	}
	*addrs = memcpy(xtables_malloc(sizeof(a)), &a, sizeof(a));
	*masks = memcpy(xtables_malloc(sizeof(m)), &m, sizeof(m));
	*n = 1;
}

/* A row: E is the entry type, IP its ip member; the rest are the head's own designators. */
#define IC_XT_FAMILY(NF, AF, PROG, ANY, OMIT, PARSE, E, IP, ...) {			\
	.nfproto = NF, .af = AF, .prog = PROG, .any = ANY,				\
	.addr_len = sizeof(((E *)0)->IP.src), .save_omits_by_mask = OMIT,		\
	.parse_addrs = PARSE,								\
	.head = {									\
		.size = sizeof(E),							\
		.src = offsetof(E, IP.src), .dst = offsetof(E, IP.dst),			\
		.smsk = offsetof(E, IP.smsk), .dmsk = offsetof(E, IP.dmsk),		\
		.iniface = offsetof(E, IP.iniface), .outiface = offsetof(E, IP.outiface),	\
		.iniface_mask = offsetof(E, IP.iniface_mask),				\
		.outiface_mask = offsetof(E, IP.outiface_mask),				\
		.proto = offsetof(E, IP.proto), .flags = offsetof(E, IP.flags),		\
		.invflags = offsetof(E, IP.invflags),					\
		.target_offset = offsetof(E, target_offset),				\
		.next_offset = offsetof(E, next_offset),				\
		.counters = offsetof(E, counters),					\
		__VA_ARGS__								\
	},										\
}

const struct ic_xt_family ic_xt_ipv4 =
	IC_XT_FAMILY(NFPROTO_IPV4, AF_INET, "iptables", "0.0.0.0/0", false, parse_addrs4,
		     struct ipt_entry, ip, .f_frag = IPT_F_FRAG, .f_goto = IPT_F_GOTO);

const struct ic_xt_family ic_xt_ipv6 =
	IC_XT_FAMILY(NFPROTO_IPV6, AF_INET6, "ip6tables", "::0/0", true, parse_addrs6,
		     struct ip6t_entry, ipv6, .tos = offsetof(struct ip6t_entry, ipv6.tos),
		     .f_goto = IP6T_F_GOTO, .f_proto = IP6T_F_PROTO, .f_tos = IP6T_F_TOS);

const struct ic_xt_family *ic_xt_family(uint8_t nfproto)
{
	if (nfproto == NFPROTO_IPV4)
		return &ic_xt_ipv4;
	if (nfproto == NFPROTO_IPV6)
		return &ic_xt_ipv6;
	return NULL;
}

static bool flag(uint8_t flags, uint8_t bit)
{
	return bit && (flags & bit);
}

void ic_xt_head_fill(const struct ic_xt_family *f, const struct ic_rule *r, void *head)
{
	const struct ic_xt_layout *l = &f->head;
	unsigned char *h = head;
	struct xt_counters c = { .pcnt = r->pcnt, .bcnt = r->bcnt };
	uint8_t flags = 0;

	memset(h, 0, l->size);
	memcpy(h + l->src, &r->src, f->addr_len);
	memcpy(h + l->dst, &r->dst, f->addr_len);
	memcpy(h + l->smsk, &r->smsk, f->addr_len);
	memcpy(h + l->dmsk, &r->dmsk, f->addr_len);
	memcpy(h + l->iniface, r->iniface, IFNAMSIZ);
	memcpy(h + l->outiface, r->outiface, IFNAMSIZ);
	memcpy(h + l->iniface_mask, r->iniface_mask, IFNAMSIZ);
	memcpy(h + l->outiface_mask, r->outiface_mask, IFNAMSIZ);
	memcpy(h + l->proto, &r->proto, sizeof(r->proto));
	if (r->frag)
		flags |= l->f_frag;
	if (r->is_goto)
		flags |= l->f_goto;
	if (r->proto_given)
		flags |= l->f_proto;
	if (r->has_tos && l->tos) {
		flags |= l->f_tos;
		h[l->tos] = r->tos;
	}
	h[l->flags] = flags;
	h[l->invflags] = r->invflags;
	memcpy(h + l->counters, &c, sizeof(c));
}

void ic_xt_head_read(const struct ic_xt_family *f, const void *head, struct ic_rule *r)
{
	const struct ic_xt_layout *l = &f->head;
	const unsigned char *h = head;
	struct xt_counters c;
	uint8_t flags = h[l->flags];

	r->nfproto = f->nfproto;
	memset(&r->src, 0, sizeof(r->src));
	memset(&r->dst, 0, sizeof(r->dst));
	memset(&r->smsk, 0, sizeof(r->smsk));
	memset(&r->dmsk, 0, sizeof(r->dmsk));
	memcpy(&r->src, h + l->src, f->addr_len);
	memcpy(&r->dst, h + l->dst, f->addr_len);
	memcpy(&r->smsk, h + l->smsk, f->addr_len);
	memcpy(&r->dmsk, h + l->dmsk, f->addr_len);
	memcpy(r->iniface, h + l->iniface, IFNAMSIZ);
	memcpy(r->outiface, h + l->outiface, IFNAMSIZ);
	memcpy(r->iniface_mask, h + l->iniface_mask, IFNAMSIZ);
	memcpy(r->outiface_mask, h + l->outiface_mask, IFNAMSIZ);
	memcpy(&r->proto, h + l->proto, sizeof(r->proto));
	r->invflags = h[l->invflags];
	r->frag = flag(flags, l->f_frag);
	r->is_goto = flag(flags, l->f_goto);
	r->proto_given = flag(flags, l->f_proto);
	r->has_tos = flag(flags, l->f_tos);
	r->tos = l->tos ? h[l->tos] : 0;
	memcpy(&c, h + l->counters, sizeof(c));
	r->pcnt = c.pcnt;
	r->bcnt = c.bcnt;
}

uint16_t ic_xt_head_u16(const void *head, size_t off)
{
	uint16_t v;

	memcpy(&v, (const unsigned char *)head + off, sizeof(v));
	return v;
}

void ic_xt_head_set_u16(void *head, size_t off, uint16_t v)
{
	memcpy((unsigned char *)head + off, &v, sizeof(v));
}

size_t ic_xt_entry_size(const struct ic_xt_family *f, const struct ic_rule *r)
{
	size_t size = f->head.size, i;

	for (i = 0; i < r->nmatches; i++)
		size += r->matches[i].blob->u.match_size;
	return size + (r->target ? r->target->u.target_size
				 : XT_ALIGN(sizeof(struct xt_standard_target)));
}
