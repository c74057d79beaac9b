/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The memory backend: no kernel, no root, no binary. Each handle owns a ruleset shaped like
 * what the kernel keeps for legacy tables, and every op is carried out the way libiptc and
 * the kernel would carry it out, with the errno they would set, so that the libiptc
 * backend's error table (lib/iptc/iptc_errors.c) gives the very same messages and codes.
 */
#ifndef IC_MEM_H
#define IC_MEM_H

#include <stdbool.h>
#include <stdint.h>

#include "../backend.h"
#include "../xt/xt_rule.h"
/* after <netinet/in.h> (xt_rule.h), which it must not redefine */
#include <linux/netfilter.h>

#define IC_MEM_NAMELEN 32		/* XT_TABLE_MAXNAMELEN, sizeof(xt_chainlabel) */

/* ---- the ruleset (mem_ruleset.c) ---- */

struct ic_mem_chain {
	char name[IC_MEM_NAMELEN];
	int hook;			/* NF_INET_* of a built-in chain, -1 for a user chain */
	bool drop;			/* built-in: policy DROP rather than ACCEPT */
	uint64_t pcnt, bcnt;		/* built-in: policy counters */
	struct ic_rule *rules;
	size_t n, cap;
};

/* Chains in libiptc's order: built-ins by hook number, then user chains sorted by strcmp. */
struct ic_mem_table {
	char name[IC_MEM_NAMELEN];
	struct ic_mem_chain *chains;
	size_t n, cap;
	size_t nbuiltin;
};

struct ic_mem_ruleset {
	struct ic_mem_table **tables;	/* in the order they came into being */
	size_t n, cap;
};

/* A fresh table as a new network namespace has it (built-ins, policy ACCEPT); errno
 * ENOENT when no legacy table has that name, ENOMEM. NULL then. */
struct ic_mem_table *ic_mem_table_new(const char *name) IC_HIDDEN;
/* A copy of the chains that shares the rules' blobs with @t, NULL on ENOMEM: what a run of
 * ops works on. Whoever removes or adds a rule in it keeps track (struct ic_mem_work). */
struct ic_mem_table *ic_mem_table_share(const struct ic_mem_table *t) IC_HIDDEN;
/* Free @t with its rules, or only its own arrays (a shared copy, or the table a shared copy
 * replaced). */
void ic_mem_table_free(struct ic_mem_table *t) IC_HIDDEN;
void ic_mem_table_free_shallow(struct ic_mem_table *t) IC_HIDDEN;

struct ic_mem_chain *ic_mem_chain_find(const struct ic_mem_table *t, const char *name) IC_HIDDEN;
static inline bool ic_mem_chain_builtin(const struct ic_mem_chain *c)
{
	return c->hook >= 0;
}
/* A new empty user chain at its sorted place; 0 or -1 (ENOMEM). */
int ic_mem_chain_add(struct ic_mem_table *t, const char *name) IC_HIDDEN;
/* Remove empty user chain @c. */
void ic_mem_chain_remove(struct ic_mem_table *t, struct ic_mem_chain *c) IC_HIDDEN;
/* Give user chain @c a new name and move it to its sorted place; rules that jump to it
 * follow. */
void ic_mem_chain_rename(struct ic_mem_table *t, struct ic_mem_chain *c, const char *name) IC_HIDDEN;
/* Rules of @t that jump or go to chain @name (libiptc's reference count). */
unsigned int ic_mem_references(const struct ic_mem_table *t, const char *name) IC_HIDDEN;
/* True when @r jumps or goes to a chain (not a verdict, an extension or nothing). */
bool ic_mem_rule_jumps(const struct ic_rule *r) IC_HIDDEN;

/* The table named @name, NULL if it has not come into being. */
struct ic_mem_table *ic_mem_ruleset_find(const struct ic_mem_ruleset *rs, const char *name) IC_HIDDEN;
/* Take @t into the ruleset in place of the table of the same name, handed back in *old
 * (NULL when there was none). 0 or -1 (ENOMEM). */
int ic_mem_ruleset_put(struct ic_mem_ruleset *rs, struct ic_mem_table *t,
		       struct ic_mem_table **old) IC_HIDDEN;
void ic_mem_ruleset_clear(struct ic_mem_ruleset *rs) IC_HIDDEN;

/* ---- rule comparison (mem_compare.c) ---- */

/* libiptc's is_same + target_same with iptables' delete mask: does @have (in the chain) match
 * @want (parsed from the delete/check rulespec)? */
bool ic_mem_rule_same(const struct ic_rule *want, const struct ic_rule *have) IC_HIDDEN;

/* ---- what the kernel refuses at commit (mem_kernel.c) ---- */

/* The kernel's checks of a whole table on replace (loops, each extension's table, hooks and
 * protocol, a few checkentry rules). 0, or the errno the kernel would return. */
int ic_mem_kernel_check(const struct ic_mem_table *t, uint8_t nfproto) IC_HIDDEN;

/* ---- applying ops (mem_ops.c) ---- */

/* Shared copies of the tables a run of ops touches, in first-use order, and the rules the
 * run added and removed: on commit the copies replace the base tables and the removed rules
 * are freed; otherwise the copies go and the added rules are freed. The base ruleset is
 * changed only by ic_mem_work_commit. */
struct ic_mem_work {
	struct ic_ctx *cx;
	struct ic_mem_ruleset *base;
	struct ic_mem_table **tabs;
	size_t n, cap;
	struct ic_rule *added, *removed;
	size_t nadded, capadded, nremoved, capremoved;
};

/* The base ruleset's table @table, brought into being when it is a legacy table's name;
 * 0 or a recorded code (libiptc's "can't initialize" for other names). */
int ic_mem_base_table(struct ic_ctx *cx, struct ic_mem_ruleset *rs, const char *table,
		      struct ic_mem_table **out) IC_HIDDEN;

void ic_mem_work_init(struct ic_mem_work *w, struct ic_ctx *cx, struct ic_mem_ruleset *base) IC_HIDDEN;
/* The working copy of @table (made on first use; a table comes into being in the base
 * ruleset the first time it is named). 0 or a recorded status code. */
int ic_mem_work_table(struct ic_mem_work *w, const char *table, struct ic_mem_table **out) IC_HIDDEN;
/* Rule changes in a working copy: insert @r (taken: the caller's copy is zeroed) at index
 * @i (0..n), remove or replace rule @i, flush a chain. 0 or a recorded ENOMEM. */
int ic_mem_rule_insert(struct ic_mem_work *w, struct ic_mem_chain *c, size_t i,
		       struct ic_rule *r) IC_HIDDEN;
int ic_mem_rule_remove(struct ic_mem_work *w, struct ic_mem_chain *c, size_t i) IC_HIDDEN;
int ic_mem_rule_replace(struct ic_mem_work *w, struct ic_mem_chain *c, size_t i,
			struct ic_rule *r) IC_HIDDEN;
int ic_mem_chain_flush(struct ic_mem_work *w, struct ic_mem_chain *c) IC_HIDDEN;
/* Apply @op to the working copies. 0, 1/0 for predicates, or a recorded negative code. */
int ic_mem_op_apply(struct ic_mem_work *w, const struct ic_op *op) IC_HIDDEN;
/* Apply the ops of @pending that name @table (every op when @table is NULL). */
int ic_mem_replay(struct ic_mem_work *w, const struct ic_oplog *pending, const char *table) IC_HIDDEN;
/* The kernel's verdict on every working table, in first-use order; then the working copies
 * replace the base tables. 0 or a recorded code (nothing replaced then). */
int ic_mem_work_commit(struct ic_mem_work *w) IC_HIDDEN;
void ic_mem_work_free(struct ic_mem_work *w) IC_HIDDEN;

/* iptables -N's check that @chain is not a target's name. 0 or a recorded code. */
int ic_mem_chain_name_check(struct ic_ctx *cx, const char *chain) IC_HIDDEN;

/* Parse a rule op's words against @t (jumps resolved in it), or without a table (@t NULL:
 * what a transaction checks when an op is logged). 0 or a recorded code. */
int ic_mem_parse(struct ic_ctx *cx, const struct ic_mem_table *t, const struct ic_op *op,
		 struct ic_rules *out) IC_HIDDEN;

#endif
