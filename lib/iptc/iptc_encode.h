/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * struct ic_rule <-> libiptc entries (struct ipt_entry / ip6t_entry): iptables'
 * generate_entry and make_delete_mask one way, what its print_rule reads the other.
 */
#ifndef IC_IPTC_ENCODE_H
#define IC_IPTC_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <libiptc/xtcshared.h>

#include "../arena.h"
#include "../xt/xt_rule.h"
#include "iptc_family.h"

/* A parsed rulespec as libiptc takes it: one complete entry per address combination, all
 * of one size, and the delete/check mask they share. */
struct ic_iptc_rule {
	size_t n;
	void **entries;
	size_t size;			/* next_offset of every entry */
	unsigned char *mask;		/* NULL in a packed copy made without it */
	char jumpto[XT_EXTENSION_MAXNAMELEN];
	bool standard;			/* a verdict, a chain or no target (not an extension) */
};

/* Encode @rs (the parser's output, n >= 1). 0, or IPTABLES_ENOMEM with @err set. */
int ic_iptc_encode(const struct ic_iptc_family *f, const struct ic_rules *rs,
		   struct ic_iptc_rule *out, struct ic_err *err) IC_HIDDEN;
void ic_iptc_rule_free(struct ic_iptc_rule *r) IC_HIDDEN;
/* A copy of @r in one block of @arena, with the mask only when @mask. NULL: out of memory. */
struct ic_iptc_rule *ic_iptc_rule_pack(struct ic_arena *arena, const struct ic_iptc_rule *r,
				       bool mask) IC_HIDDEN;

/* Entry @e, read from @h, as a rule: header fields, counters, match and target blobs; a
 * standard target becomes target NULL with jumpto the verdict or chain iptc_get_target
 * names. 0, or IPTABLES_EINVAL ("malformed rule entry") / IPTABLES_ENOMEM in @err. */
int ic_iptc_decode(const struct ic_iptc_family *f, struct xtc_handle *h, const void *e,
		   struct ic_rule *r, struct ic_err *err) IC_HIDDEN;

#endif
