/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A parsed rule, family-neutral: what iptables calls iptables_command_state. The parser
 * (xt_parse.c) produces it, the printer (xt_print.c) consumes it, and each kernel backend
 * encodes it into its own form and decodes its own form back into it (libiptc:
 * lib/iptc/iptc_encode.c; nf_tables: lib/nft/).
 *
 * Match and target blobs are exactly what the kernel's x_tables carry (struct
 * xt_entry_match / xt_entry_target: header with name, revision and size, then the
 * extension's data), so a backend that speaks xt (libiptc, nft_compat) ships them as they
 * are, and the printer hands them to the extensions' save/print callbacks.
 */
#ifndef IC_XT_RULE_H
#define IC_XT_RULE_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netfilter/x_tables.h>

#include "../err.h"

/* IPT_INV_* and IP6T_INV_* have the same values; these are both. */
#define IC_INV_VIA_IN	0x01
#define IC_INV_VIA_OUT	0x02
#define IC_INV_TOS	0x04
#define IC_INV_SRCIP	0x08
#define IC_INV_DSTIP	0x10
#define IC_INV_FRAG	0x20
#define IC_INV_PROTO	0x40

union ic_addr {
	struct in_addr in;
	struct in6_addr in6;
	uint8_t b[16];
};

struct ic_match {
	struct xt_entry_match *blob;	/* malloc'd; blob->u.match_size bytes */
	size_t userspacesize;		/* data bytes -C/-D compare (the extension's); 0 when
					 * decoded from the kernel without asking libxtables */
};

struct ic_rule {
	uint8_t nfproto;		/* NFPROTO_IPV4 / NFPROTO_IPV6 */
	union ic_addr src, smsk, dst, dmsk;
	char iniface[IFNAMSIZ], outiface[IFNAMSIZ];
	unsigned char iniface_mask[IFNAMSIZ], outiface_mask[IFNAMSIZ];
	uint16_t proto;			/* 0 = any */
	bool proto_given;		/* -p was used, even `-p all` (IPv6 legacy: IP6T_F_PROTO) */
	uint8_t invflags;		/* IC_INV_* */
	bool frag;			/* IPv4 -f */
	bool has_tos;			/* IPv6 legacy header's TOS match (no rulespec sets it; */
	uint8_t tos;			/* decoded so that -S shows it as iptables does) */
	bool is_goto;			/* -g rather than -j */
	struct ic_match *matches;	/* in command-line order */
	size_t nmatches;
	/* The target: an extension (target != NULL, jumpto its name), or a standard verdict
	 * or chain (target == NULL, jumpto "ACCEPT"/"DROP"/"RETURN"/chain), or none
	 * (target == NULL, jumpto ""). */
	struct xt_entry_target *target;	/* malloc'd; target->u.target_size bytes */
	size_t target_userspacesize;	/* as ic_match.userspacesize */
	char jumpto[XT_EXTENSION_MAXNAMELEN];
	uint64_t pcnt, bcnt;		/* -c, or the kernel's counters when decoded */
};

/* What the parser returns: several -s/-d addresses expand to several rules (the cartesian
 * product, in iptables' order), identical but for the addresses. */
struct ic_rules {
	struct ic_rule *v;
	size_t n;
};

void ic_rule_free(struct ic_rule *r) IC_HIDDEN;	/* the rule's blobs, not @r itself */
void ic_rules_free(struct ic_rules *rs) IC_HIDDEN;
/* Deep copy; ENOMEM -> IPTABLES_ENOMEM and @dst empty. */
int ic_rule_copy(struct ic_rule *dst, const struct ic_rule *src) IC_HIDDEN;

/* A deep copy living in @arena (never freed alone): a parse kept with a transaction's logged
 * op, so commit does not parse the words again. NULL on ENOMEM. */
struct ic_arena;
const struct ic_rules *ic_rules_pack(struct ic_arena *arena, const struct ic_rules *src)
	IC_HIDDEN;

#endif
