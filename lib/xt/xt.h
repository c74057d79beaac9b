/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The libxtables layer, as the backends see it: rulespec words -> struct ic_rule (the
 * parser), struct ic_rule -> text (the `-S` printer and the `-L -n -v -x` row), and the few
 * extension facts a backend needs to encode or decode rules. No libiptc type in here: a
 * backend encodes struct ic_rule into its own form (lib/iptc/iptc_encode.c, lib/nft/).
 *
 * libxtables is process-global and reports errors by calling exit_err. Every function here
 * enters it through one door (ic_xt_run, xt_state.c) that takes a process-wide mutex, switches
 * libxtables to the requested family, words its messages for @mode, arms the trap that turns
 * exit_err into an error value, and captures what extensions print. So these functions are
 * thread-safe, never print and never exit; errors come back in @err with iptables' wording
 * ("iptables v1.8.9 (legacy): ..." or "(nf_tables)" after @mode).
 *
 * @nfproto is NFPROTO_IPV4 or NFPROTO_IPV6; @mode is "legacy" or "nf_tables" (NULL: "legacy").
 * None of them may be called from inside another (from a chain_exists callback, say):
 * the mutex is not recursive.
 */
#ifndef IC_XT_H
#define IC_XT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iptables-c.h"
#include "xt_rule.h"
#include <linux/netfilter.h>	/* NFPROTO_* */

/* "Does @chain exist in the table being written?" (for -j/-g to a user chain). */
typedef bool ic_chain_exists_fn(void *arg, const char *chain);

/* The netfilter family of a handle's address family. */
static inline uint8_t ic_nfproto_of(enum iptables_proto p)
{
	return p == IPTABLES_IPV6 ? NFPROTO_IPV6 : NFPROTO_IPV4;
}

/* libxtables' compat_rev hook: may revision @rev of extension @name (@opt: the getsockopt
 * IPT_SO_GET_REVISION_MATCH/TARGET value) be used? 1 yes, 0 no. */
typedef int ic_compat_rev_fn(const char *name, uint8_t rev, int opt);

struct ic_parse_req {
	uint8_t nfproto;
	const char *mode;		/* "legacy" / "nf_tables": used in messages */
	const char *table;		/* required: -t must name it, nat refuses DROP */
	const char *chain;		/* may be NULL: then no chain checks (-i with OUTPUT...) */
	const char *const *spec;	/* NULL-terminated words after `iptables -A CHAIN` */
	/* NULL: a target that is neither a verdict nor a loadable extension is taken as a
	 * chain (no "Couldn't load target"). Called inside the libxtables mutex. */
	ic_chain_exists_fn *chain_exists;
	void *arg;			/* for chain_exists */
	/* NULL: libxtables' default (ask x_tables by getsockopt, as iptables-legacy);
	 * the nft backend passes its nft_compat query. */
	ic_compat_rev_fn *compat_rev;
	/* iptables_restore: messages read as this program's ("iptables-restore") and name
	 * this input line; NULL / 0 otherwise */
	const char *prog;
	int line;
};

/*
 * Parse req->spec as iptables 1.8.9's `iptables -A CHAIN <spec>` does (do_parse,
 * command_default, the target choice of do_command4/6). Several -s/-d addresses give several
 * rules in @out (the cartesian product, in iptables' order). A target that is a user chain
 * (or a verdict) comes back with target == NULL and jumpto set; an extension target with its
 * blob. Returns 0, or IPTABLES_EINVAL / IPTABLES_ENOMEM / IPTABLES_EUNSUPPORTED with
 * iptables' message in @err (e.g. "iptables v1.8.9 (legacy): unknown option \"--foo\"\n
 * Try `iptables -h' or 'iptables --help' for more information."); @out is empty then.
 * Beyond iptables: -h/--help/-V are errors (iptables would print and exit 0), -t must
 * name req->table, -M is ignored, -w/-W/-v are accepted and ignored.
 */
int ic_xt_parse(const struct ic_parse_req *req, struct ic_rules *out, struct ic_err *err)
	IC_HIDDEN;

/*
 * The `-A CHAIN ...` line `iptables -S` prints for @r (with @counters, as `iptables -v -S`:
 * "... -c PKTS BYTES" before the target). @r is a parsed rule or one a backend decoded from
 * the kernel. A decoder gives a verdict as target NULL, jumpto "ACCEPT"/"DROP"/"RETURN"/
 * "QUEUE"; a jump as target NULL, jumpto the chain, is_goto for -g; no target as target
 * NULL, jumpto ""; an extension target as its blob (jumpto its name, for the stats row).
 * Match blobs need no userspacesize here.
 * Returns 0 and a malloc'd line without newline in *line, or an error in @err.
 */
int ic_xt_format_rule(uint8_t nfproto, const char *mode, const char *chain,
		      const struct ic_rule *r, bool counters, char **line, struct ic_err *err)
	IC_HIDDEN;

/* The row of iptables_stats for @r: the columns of `iptables -L CHAIN -n -v -x`, with
 * source/destination in CIDR form ("!" prefixed when inverted), target = r->jumpto.
 * Returns 0 with every string of *row malloc'd, or an error in @err and *row zeroed. */
int ic_xt_format_stat(uint8_t nfproto, const char *mode, const struct ic_rule *r,
		      struct iptables_stat *row, struct ic_err *err) IC_HIDDEN;

/* A fresh match blob for extension @name at its highest usable revision, with the
 * extension's init run: what iptables-nft's nft_create_match does before turning native
 * expressions back into a match. Returns 0 with *out filled (blob malloc'd), or
 * IPTABLES_ENOTFOUND ("Couldn't load match `NAME'") / other codes in @err. */
int ic_xt_match_new(uint8_t nfproto, const char *name, struct ic_match *out,
		    struct ic_err *err) IC_HIDDEN;

/* A fresh target blob for extension @name at its highest usable revision, its data zeroed
 * and the extension's init NOT run: what iptables-nft builds from native expressions
 * (nft_parse_log for NFLOG, nft_meta_set_to_target for TRACE). @data_size: bytes of data
 * after the header (0: the extension's size). Returns 0 with *out malloc'd and
 * *userspacesize set, or IPTABLES_ENOTFOUND ("Couldn't load target `NAME'") / other codes. */
int ic_xt_target_new(uint8_t nfproto, const char *name, size_t data_size,
		     struct xt_entry_target **out, size_t *userspacesize, struct ic_err *err)
	IC_HIDDEN;

/* For decoding a kernel blob of extension @name (a target when @target) at @revision:
 * *size = the extension's data size (XT_ALIGNed, what follows struct xt_entry_match /
 * xt_entry_target), *userspacesize = the data bytes -C/-D compare. IPTABLES_ENOTFOUND
 * ("Can't find library for match `NAME'") when libxtables has no such extension/revision. */
int ic_xt_ext_sizes(uint8_t nfproto, bool target, const char *name, uint8_t revision,
		    size_t *size, size_t *userspacesize, struct ic_err *err) IC_HIDDEN;

/*
 * A rule op's words parsed as ic_xt_parse does, the request made from the handle (family,
 * mode, iptables_restore's program and line) and the op (table, chain, words): what every
 * kernel backend does first. @chain_exists / @arg and @compat_rev as in struct ic_parse_req.
 * An empty result is refused too ("cannot parse the rulespec"). 0 with @out filled, or a
 * code in cx->err and @out empty.
 */
struct ic_ctx;
struct ic_op;
int ic_op_parse(struct ic_ctx *cx, const struct ic_op *op, ic_chain_exists_fn *chain_exists,
		void *arg, ic_compat_rev_fn *compat_rev, struct ic_rules *out) IC_HIDDEN;

/* iptables -N's check: 1 when @name is a target's name (ACCEPT, LOG, ...: a chain may not be
 * named so), 0 when not, or an error code in @err. */
int ic_xt_is_target(uint8_t nfproto, const char *mode, const char *name, struct ic_err *err)
	IC_HIDDEN;

/* 0 when libxtables can serve @nfproto in this process, or IPTABLES_EUNSUPPORTED in @err. */
int ic_xt_usable(uint8_t nfproto, struct ic_err *err) IC_HIDDEN;

/* Version of the libxtables we were built against (pkg-config's xtables version, e.g. 1.8.9),
 * for iptables_version. Needs no lock. */
void ic_xt_version(int *major, int *minor, int *patch) IC_HIDDEN;

#endif
