/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libip4tc and libip6tc behind one table of functions, so callers are family-agnostic. */
#ifndef IC_TC_FAMILY_H
#define IC_TC_FAMILY_H

#include <stddef.h>
#include <libiptc/xtcshared.h>
#include <linux/netfilter/x_tables.h>

#include "../internal.h"

/* Entries are struct ipt_entry or struct ip6t_entry; both keep the layout
 * { family header; unsigned int nfcache; __u16 target_offset; __u16 next_offset; ...;
 *   struct xt_counters counters; unsigned char elems[0]; } after the family header. */
struct ic_iptc_family {
	int nfproto;			/* NFPROTO_IPV4 / NFPROTO_IPV6 */
	const char *prog;		/* "iptables" / "ip6tables" */
	size_t entry_size;		/* sizeof(struct ipt_entry) / sizeof(struct ip6t_entry) */

	struct xtc_handle *(*init)(const char *table);
	void (*free)(struct xtc_handle *h);
	int (*commit)(struct xtc_handle *h);
	const char *(*first_chain)(struct xtc_handle *h);
	const char *(*next_chain)(struct xtc_handle *h);
	const void *(*first_rule)(const char *chain, struct xtc_handle *h);
	const void *(*next_rule)(const void *prev, struct xtc_handle *h);
	const char *(*get_target)(const void *e, struct xtc_handle *h);
	int (*builtin)(const char *chain, struct xtc_handle *const h);
	int (*is_chain)(const char *chain, struct xtc_handle *const h);
	const char *(*get_policy)(const char *chain, struct xt_counters *c,
				  struct xtc_handle *h);
	int (*set_policy)(const char *chain, const char *policy, struct xt_counters *c,
			  struct xtc_handle *h);
	int (*insert_entry)(const char *chain, const void *e, unsigned int rulenum0,
			    struct xtc_handle *h);
	int (*replace_entry)(const char *chain, const void *e, unsigned int rulenum0,
			     struct xtc_handle *h);
	int (*append_entry)(const char *chain, const void *e, struct xtc_handle *h);
	int (*check_entry)(const char *chain, const void *e, unsigned char *mask,
			   struct xtc_handle *h);
	int (*delete_entry)(const char *chain, const void *e, unsigned char *mask,
			    struct xtc_handle *h);
	int (*delete_num_entry)(const char *chain, unsigned int rulenum0, struct xtc_handle *h);
	int (*flush_entries)(const char *chain, struct xtc_handle *h);
	int (*zero_entries)(const char *chain, struct xtc_handle *h);
	int (*create_chain)(const char *chain, struct xtc_handle *h);
	int (*delete_chain)(const char *chain, struct xtc_handle *h);
	int (*rename_chain)(const char *oldname, const char *newname, struct xtc_handle *h);
	int (*get_references)(unsigned int *ref, const char *chain, struct xtc_handle *h);
	struct xt_counters *(*read_counter)(const char *chain, unsigned int rulenum1,
					    struct xtc_handle *h);
	int (*zero_counter)(const char *chain, unsigned int rulenum1, struct xtc_handle *h);
	const char *(*strerror)(int err);
};

extern const struct ic_iptc_family ic_iptc_ipv4 IC_HIDDEN;
extern const struct ic_iptc_family ic_iptc_ipv6 IC_HIDDEN;

static inline const struct ic_iptc_family *ic_iptc_family_of(enum iptables_proto p)
{
	return p == IPTABLES_IPV6 ? &ic_iptc_ipv6 : &ic_iptc_ipv4;
}

#endif
