/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libip4tc and libip6tc behind one table, so the backend is written once: libiptc's own
 * struct xtc_ops (iptc_ops / ip6tc_ops) for what it covers, plus the functions it lacks,
 * with entries as untyped pointers (struct ipt_entry / ip6t_entry, laid out as the xt
 * family row's head describes).
 */
#ifndef IC_IPTC_FAMILY_H
#define IC_IPTC_FAMILY_H

#include <stddef.h>
#include <libiptc/xtcshared.h>
#include <linux/netfilter/x_tables.h>

#include "../internal.h"
#include "../xt/xt_family.h"

struct ic_iptc_family {
	const struct xtc_ops *ops;	/* init, free, commit, chains, policies */
	const struct ic_xt_family *xt;	/* nfproto, prog, entry layout */

	const void *(*first_rule)(const char *chain, struct xtc_handle *h);
	const void *(*next_rule)(const void *prev, struct xtc_handle *h);
	const char *(*get_target)(const void *e, struct xtc_handle *h);
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
	int (*delete_chain)(const char *chain, struct xtc_handle *h);
	int (*rename_chain)(const char *oldname, const char *newname, struct xtc_handle *h);
	int (*zero_entries)(const char *chain, struct xtc_handle *h);
	int (*zero_counter)(const char *chain, unsigned int rulenum1, struct xtc_handle *h);
};

const struct ic_iptc_family *ic_iptc_family_of(enum iptables_proto p) IC_HIDDEN;

#endif
