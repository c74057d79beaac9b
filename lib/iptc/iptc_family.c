/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * struct ic_iptc_family for IPv4 (libip4tc, iptc_*) and IPv6 (libip6tc, ip6tc_*).
 * The wrappers only convert entry pointers, so both families share one call table.
 */
#include <libiptc/libiptc.h>
#include <libiptc/libip6tc.h>

#include "iptc_family.h"

/*
 * Defines the entry-typed wrappers of one family: P is the function prefix (iptc / ip6tc),
 * E the entry type (struct ipt_entry / struct ip6t_entry).
 */
#define IC_IPTC_WRAPPERS(P, E)							\
static const void *P##_w_first_rule(const char *chain, struct xtc_handle *h)	\
{										\
	return P##_first_rule(chain, h);					\
}										\
static const void *P##_w_next_rule(const void *prev, struct xtc_handle *h)	\
{										\
	return P##_next_rule((const E *)prev, h);				\
}										\
static const char *P##_w_get_target(const void *e, struct xtc_handle *h)	\
{										\
	return P##_get_target((const E *)e, h);					\
}										\
static int P##_w_insert_entry(const char *chain, const void *e, unsigned int n,	\
			      struct xtc_handle *h)				\
{										\
	return P##_insert_entry(chain, (const E *)e, n, h);			\
}										\
static int P##_w_replace_entry(const char *chain, const void *e, unsigned int n,\
			       struct xtc_handle *h)				\
{										\
	return P##_replace_entry(chain, (const E *)e, n, h);			\
}										\
static int P##_w_append_entry(const char *chain, const void *e,		\
			      struct xtc_handle *h)				\
{										\
	return P##_append_entry(chain, (const E *)e, h);			\
}										\
static int P##_w_check_entry(const char *chain, const void *e,		\
			     unsigned char *mask, struct xtc_handle *h)		\
{										\
	return P##_check_entry(chain, (const E *)e, mask, h);			\
}										\
static int P##_w_delete_entry(const char *chain, const void *e,		\
			      unsigned char *mask, struct xtc_handle *h)	\
{										\
	return P##_delete_entry(chain, (const E *)e, mask, h);			\
}

IC_IPTC_WRAPPERS(iptc, struct ipt_entry)
IC_IPTC_WRAPPERS(ip6tc, struct ip6t_entry)

#define IC_IPTC_FAMILY(P, XT) {							\
	.ops = &P##_ops,							\
	.xt = &XT,								\
	.first_rule = P##_w_first_rule,						\
	.next_rule = P##_w_next_rule,						\
	.get_target = P##_w_get_target,						\
	.insert_entry = P##_w_insert_entry,					\
	.replace_entry = P##_w_replace_entry,					\
	.append_entry = P##_w_append_entry,					\
	.check_entry = P##_w_check_entry,					\
	.delete_entry = P##_w_delete_entry,					\
	.delete_num_entry = P##_delete_num_entry,				\
	.delete_chain = P##_delete_chain,					\
	.rename_chain = P##_rename_chain,					\
	.zero_entries = P##_zero_entries,					\
	.zero_counter = P##_zero_counter,					\
}

static const struct ic_iptc_family ic_iptc_ipv4 = IC_IPTC_FAMILY(iptc, ic_xt_ipv4);
static const struct ic_iptc_family ic_iptc_ipv6 = IC_IPTC_FAMILY(ip6tc, ic_xt_ipv6);

const struct ic_iptc_family *ic_iptc_family_of(enum iptables_proto p)
{
	return p == IPTABLES_IPV6 ? &ic_iptc_ipv6 : &ic_iptc_ipv4;
}
