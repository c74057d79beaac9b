/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What differs between IPv4 and IPv6, as data: one row per family (iptables' model is
 * xt_cmd_parse_ops / nft_family_ops). Code that handles rules is written once against a row.
 *
 * The head of a kernel rule entry (struct ipt_entry / ip6t_entry) is described by where it
 * keeps each field of struct ic_rule: extensions' callbacks get such a head (its ip part is at
 * offset 0, so the same pointer serves as `ip` and as `entry`), and the libiptc backend's
 * entries start with one.
 */
#ifndef IC_XT_FAMILY_H
#define IC_XT_FAMILY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xt_rule.h"	/* first: glibc's net/if.h and netinet/in.h before the kernel's */
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv6/ip6_tables.h>

union ic_xt_head {
	struct ipt_entry e4;
	struct ip6t_entry e6;
};

/* Offsets into the entry head; a flag bit or offset of 0 means "none in this family". */
struct ic_xt_layout {
	size_t size;
	size_t src, dst, smsk, dmsk;
	size_t iniface, outiface, iniface_mask, outiface_mask;
	size_t proto, flags, invflags, tos;
	size_t target_offset, next_offset, counters;
	uint8_t f_frag, f_goto, f_proto, f_tos;
};

struct ic_xt_family {
	uint8_t nfproto;
	int af;				/* AF_INET / AF_INET6 */
	const char *prog;		/* "iptables" / "ip6tables" */
	size_t addr_len;		/* 4 / 16 */
	const char *any;		/* the address -s/-d default to */
	/* -S leaves out an address whose mask is 0 (IPv6), or only 0/0 (IPv4) */
	bool save_omits_by_mask;
	/* xtables_ipparse_multiple / xtables_ip6parse_multiple: malloc'd arrays of @n
	 * addresses and masks (struct in_addr / in6_addr); raises on a bad address */
	void (*parse_addrs)(const char *spec, void **addrs, void **masks, unsigned int *n);
	struct ic_xt_layout head;
};

extern const struct ic_xt_family ic_xt_ipv4 IC_HIDDEN;
extern const struct ic_xt_family ic_xt_ipv6 IC_HIDDEN;

/* The row of @nfproto, or NULL when it is neither IPv4 nor IPv6. */
const struct ic_xt_family *ic_xt_family(uint8_t nfproto) IC_HIDDEN;

/* Write @r's header fields into @head (f->head.size bytes, zeroed first): addresses, masks,
 * interfaces, protocol, flags, inversions, counters. Offsets are left 0. */
void ic_xt_head_fill(const struct ic_xt_family *f, const struct ic_rule *r, void *head) IC_HIDDEN;
/* The reverse: @r's header fields from @head (matches and target untouched). */
void ic_xt_head_read(const struct ic_xt_family *f, const void *head, struct ic_rule *r) IC_HIDDEN;

/* The head's target_offset / next_offset (both __u16 in either family). */
uint16_t ic_xt_head_u16(const void *head, size_t off) IC_HIDDEN;
void ic_xt_head_set_u16(void *head, size_t off, uint16_t v) IC_HIDDEN;

/* The largest entry x_tables can describe: libiptc and the kernel keep an entry's
 * target_offset and next_offset in 16 bits (struct ipt_entry / ip6t_entry). */
#define IC_XT_ENTRY_MAX 0xFFFFu

/* Bytes of the legacy (x_tables) entry for @r: the head, every match blob, the target blob
 * or the standard target. What iptables' generate_entry makes and libiptc takes. */
size_t ic_xt_entry_size(const struct ic_xt_family *f, const struct ic_rule *r) IC_HIDDEN;

/* One numeric address with an optional decimal prefix length ("10.1.2.0/24", "2001:db8::1"),
 * as xtables_ip[6]parse_multiple read it (masked; a zero mask gives the zero address). False
 * for anything else (lists, names, dotted masks, leading zeros): libxtables reads those. */
struct in_addr;
struct in6_addr;
bool ic_xt_simple_addr4(const char *spec, struct in_addr *addr, struct in_addr *mask) IC_HIDDEN;
bool ic_xt_simple_addr6(const char *spec, struct in6_addr *addr, struct in6_addr *mask)
	IC_HIDDEN;

#endif
