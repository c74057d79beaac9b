/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Types shared by the core and the backends: ops, string and stats vectors.
 *
 * api.c validates every argument, serialises calls on a handle, and turns each public call
 * into either a struct ic_op (mutations and predicates, which a transaction can log) or a
 * reader call. Backends never see NULL or over-long names.
 */
#ifndef IC_INTERNAL_H
#define IC_INTERNAL_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iptables-c.h"
#include "err.h"


#define IC_TABLE_MAXLEN 31	/* XT_TABLE_MAXNAMELEN - 1 */
#define IC_CHAIN_MAXLEN 28	/* XT_EXTENSION_MAXNAMELEN - 1, as iptables checks */
#define IC_SPEC_MAXWORDS 4096	/* more words than any real rule; refuse beyond */

enum ic_opcode {
	IC_OP_APPEND,
	IC_OP_APPEND_UNIQUE,
	IC_OP_INSERT,
	IC_OP_INSERT_UNIQUE,
	IC_OP_REPLACE,
	IC_OP_DELETE,
	IC_OP_DELETE_IF_EXISTS,
	IC_OP_DELETE_NUM,
	IC_OP_CHECK,			/* returns 1 / 0; absent chain -> 0 */
	IC_OP_CHAIN_EXISTS,		/* returns 1 / 0; an absent table is 0 too */
	IC_OP_NEW_CHAIN,
	IC_OP_CLEAR_CHAIN,		/* flush, creating it when missing */
	IC_OP_DELETE_CHAIN,
	IC_OP_RENAME_CHAIN,		/* arg = new name */
	IC_OP_CLEAR_AND_DELETE_CHAIN,	/* absent -> OK */
	IC_OP_POLICY,			/* arg = target */
	IC_OP_CLEAR_ALL,		/* chain NULL */
	IC_OP_DELETE_ALL,		/* chain NULL */
	IC_OP_FLUSH_CHAIN,		/* -F CHAIN: an absent chain is ENOTFOUND */
	IC_OP_ZERO,			/* -Z: chain NULL = the table, pos 0 = the whole chain */
};

/* True for opcodes that change the ruleset (and so join a transaction). */
bool ic_op_mutates(enum ic_opcode code) IC_HIDDEN;

/* What an op's argument (struct ic_op.arg) is. */
enum ic_oparg {
	IC_OPARG_NONE,
	IC_OPARG_CHAIN,			/* RENAME_CHAIN: the new name */
	IC_OPARG_TARGET,		/* POLICY: ACCEPT, DROP, ... */
};

/* Everything known about an opcode that is not how a backend does it: one row per
 * enum ic_opcode (op.c). */
struct ic_opinfo {
	const char *name;		/* the public call, without "iptables_": "delete_by_id" */
	const char *cmd;		/* iptables' command for it: "-A", "-I", "-D", "-E", ... */
	bool mutates;			/* changes the ruleset; joins a transaction */
	bool has_chain;			/* names a chain (all but CLEAR_ALL / DELETE_ALL) */
	bool has_spec;			/* takes a rulespec */
	bool has_pos;			/* takes a 1-based rule number */
	enum ic_oparg arg;
};

/* The row of @code; NULL for a value outside enum ic_opcode. */
const struct ic_opinfo *ic_op_info(enum ic_opcode code) IC_HIDDEN;

struct ic_op {
	enum ic_opcode code;
	const char *table;
	const char *chain;		/* NULL for CLEAR_ALL / DELETE_ALL */
	const char *arg;		/* RENAME_CHAIN: new name; POLICY: target */
	int pos;			/* 1-based; INSERT*, REPLACE, DELETE_NUM */
	const char *const *spec;	/* NULL-terminated; rule opcodes only */
	bool set_counters;		/* POLICY: also set the chain's counters to pcnt/bcnt */
	uint64_t pcnt, bcnt;
	int line;			/* iptables_restore: the input line it came from, else 0 */
	void *parsed;			/* logged ops: the backend's parse of spec (txn arena) */
};

/* A growable NULL-terminated string vector; what list calls hand back. */
struct ic_strv {
	char **v;
	size_t n, cap;
};
int ic_strv_push(struct ic_strv *s, const char *str) IC_HIDDEN;		/* copies */
int ic_strv_push_owned(struct ic_strv *s, char *str) IC_HIDDEN;		/* takes */
void ic_strv_clear(struct ic_strv *s) IC_HIDDEN;
/* The line `iptables -S` prints for a chain: "-N CHAIN" for a user chain (@policy NULL),
 * "-P CHAIN POLICY", with @counters "-P CHAIN POLICY -c PKTS BYTES". 0 or IPTABLES_ENOMEM. */
int ic_strv_push_chain(struct ic_strv *s, const char *chain, const char *policy, bool counters,
		       uint64_t pcnt, uint64_t bcnt) IC_HIDDEN;

/* ACCEPT, DROP, QUEUE, RETURN: the standard target's verdicts (not chains, not extensions). */
bool ic_is_verdict(const char *name) IC_HIDDEN;

/* Stats rows: growable array */
struct ic_statv {
	struct iptables_stat *v;
	size_t n, cap;
};
/* Appends a zeroed row and returns it, or NULL on ENOMEM. */
struct iptables_stat *ic_statv_add(struct ic_statv *s) IC_HIDDEN;
void ic_statv_clear(struct ic_statv *s) IC_HIDDEN;

struct ic_arena;

/* The `-A CHAIN ...` lines `iptables -S` would print for @spec, computed in-process through
 * libxtables without touching the kernel (lib/xt/xt_canon.c). Several lines when -s/-d
 * expand. IPTABLES_EUNSUPPORTED when libxtables cannot be used here. */
struct ic_ctx;
int ic_canonical_rule(struct ic_ctx *cx, const char *table, const char *chain,
		      const char *const *spec, struct ic_strv *out) IC_HIDDEN;

/* The rule iptables_has_random_fully asks about, `-t nat -A POSTROUTING` with it. */
extern const char *const ic_random_fully_spec[] IC_HIDDEN;
/* 1 when the in-process MASQUERADE extension takes --random-fully and prints it back, 0 when
 * it does not, or a recorded code (xt_canon.c). */
int ic_random_fully_parses(struct ic_ctx *cx) IC_HIDDEN;
/* 1 when the running kernel's release is at least @major.@minor (system.c). */
bool ic_kernel_at_least(int major, int minor) IC_HIDDEN;

/* Syntax check of a rule op's words through libxtables, kernel untouched (xt_canon.c):
 * what the exec backend uses to refuse a bad rule when it is logged in a transaction.
 * 0 when fine or when libxtables cannot be used here. */
int ic_rule_syntax_check(struct ic_ctx *cx, struct ic_op *op) IC_HIDDEN;

/* Refuse a rule libiptc cannot represent (xt_canon.c): an x_tables entry is at most
 * IC_XT_ENTRY_MAX bytes (16-bit target_offset / next_offset), and libiptc overruns its
 * buffers on a larger one (iptables-legacy crashes the same way). 0, or IPTABLES_EINVAL
 * with an iptables-worded message. For the libiptc and memory backends, and the exec
 * backend on iptables-legacy (whose binary would crash). */
struct ic_rules;
int ic_legacy_entry_check(struct ic_ctx *cx, const struct ic_rules *rs) IC_HIDDEN;

/* Lock path: opts.lockfile, else $XTABLES_LOCKFILE if non-empty, else /run/xtables.lock. */
char *ic_resolve_lockfile(const char *opt) IC_HIDDEN;

#endif
