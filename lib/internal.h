/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal contract between the public API layer (api.c) and the backends.
 *
 * api.c validates every argument, serialises calls on a handle with h->mu, and turns each
 * public call into either a struct ic_op (mutations and predicates, which a transaction can
 * log) or a reader call. Backends never see NULL or over-long names.
 */
#ifndef IC_INTERNAL_H
#define IC_INTERNAL_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "iptables-c.h"

#define IC_HIDDEN __attribute__((visibility("hidden")))

#define IC_TABLE_MAXLEN 31	/* XT_TABLE_MAXNAMELEN - 1 */
#define IC_CHAIN_MAXLEN 28	/* XT_EXTENSION_MAXNAMELEN - 1, as iptables checks */
#define IC_SPEC_MAXWORDS 4096	/* more words than any real rule; refuse beyond */
#define IC_ERRMSG_MAX 1024

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
};

/* True for opcodes that change the ruleset (and so join a transaction). */
bool ic_op_mutates(enum ic_opcode code) IC_HIDDEN;

struct ic_op {
	enum ic_opcode code;
	const char *table;
	const char *chain;		/* NULL for CLEAR_ALL / DELETE_ALL */
	const char *arg;		/* RENAME_CHAIN: new name; POLICY: target */
	int pos;			/* 1-based; INSERT*, REPLACE, DELETE_NUM */
	const char *const *spec;	/* NULL-terminated; rule opcodes only */
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

/* Stats rows: growable array */
struct ic_statv {
	struct iptables_stat *v;
	size_t n, cap;
};
/* Appends a zeroed row and returns it, or NULL on ENOMEM. */
struct iptables_stat *ic_statv_add(struct ic_statv *s) IC_HIDDEN;
void ic_statv_clear(struct ic_statv *s) IC_HIDDEN;

struct iptables;

struct ic_backend {
	const char *name;
	/* Prepare the handle (detect version/mode, allocate h->bdata). */
	int (*open)(struct iptables *h);
	void (*close)(struct iptables *h);
	/* Mutations and predicates, applied at once (outside transactions). */
	int (*apply)(struct iptables *h, const struct ic_op *op);
	/* -S output lines of one chain, or of the whole table when chain == NULL. */
	int (*list)(struct iptables *h, const char *table, const char *chain, bool counters,
		    struct ic_strv *out);
	int (*list_chains)(struct iptables *h, const char *table, struct ic_strv *out);
	int (*stats)(struct iptables *h, const char *table, const char *chain,
		     struct ic_statv *out);
	/* Apply a whole transaction log atomically; NULL means unsupported. */
	int (*commit)(struct iptables *h, const struct ic_op *ops, size_t n);
	/* Optional: check an op at the time it is logged in a transaction (syntax); it may
	 * keep its parse in op->parsed (allocated with ic_txn_alloc) for commit to reuse. */
	int (*validate)(struct iptables *h, struct ic_op *op);
};

extern const struct ic_backend ic_backend_exec IC_HIDDEN;
extern const struct ic_backend ic_backend_libiptc IC_HIDDEN;

/* True when the libiptc backend can work here: legacy tables reachable, libxtables usable. */
bool ic_libiptc_usable(int proto) IC_HIDDEN;

/* The `-A CHAIN ...` lines `iptables -S` would print for @spec, computed in-process through
 * libxtables without touching the kernel (lib/iptc/xt_canon.c). Several lines when -s/-d
 * expand. IPTABLES_EUNSUPPORTED when libxtables cannot be used here. */
int ic_canonical_rule(struct iptables *h, const char *table, const char *chain,
		       const char *const *spec, struct ic_strv *out) IC_HIDDEN;

/* Syntax check of a rule op's words through libxtables, kernel untouched (xt_canon.c):
 * what the exec backend uses to refuse a bad rule when it is logged in a transaction.
 * 0 when fine or when libxtables cannot be used here. */
int ic_rule_syntax_check(struct iptables *h, struct ic_op *op) IC_HIDDEN;

struct ic_errslot;
struct ic_arena_chunk;

struct iptables {
	pthread_mutex_t mu;		/* serialises every call on this handle */
	enum iptables_proto proto;
	enum iptables_backend backend;	/* never AUTO after iptables_new */
	const struct ic_backend *be;
	int timeout_s;
	char *path;			/* exec: binary to run (resolved name or opts.path) */
	char *lockfile;			/* resolved xtables lock path */
	int ver_major, ver_minor, ver_patch;
	char mode[16];			/* "legacy" / "nf_tables" */
	void *bdata;			/* backend private */

	/* transaction */
	bool in_txn;
	int txn_err;			/* first failure inside the transaction, 0 if none */
	struct ic_op *txn_ops;		/* copies; their strings live in txn_arena */
	size_t txn_n, txn_cap;
	struct ic_arena_chunk *txn_arena;

	pthread_mutex_t err_mu;		/* guards errslots */
	struct ic_errslot *errslots;	/* per-thread last failure */
};

/*
 * Errors. Backends report failure through these: they record the message for the calling
 * thread and return the code, so `return ic_error(h, IPTABLES_EINVAL, "...", ...)` works.
 * Messages are iptables' own text, without a trailing newline.
 */
int ic_error(struct iptables *h, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4))) IC_HIDDEN;
int ic_verror(struct iptables *h, int code, const char *fmt, va_list ap) IC_HIDDEN;
/* Same, and records the exec backend's exit status for iptables_exit_status(). */
int ic_error_exit(struct iptables *h, int code, int exit_status, const char *msg) IC_HIDDEN;
/* Set the exit status reported with the calling thread's last failure. */
void ic_error_set_exit_status(struct iptables *h, int exit_status) IC_HIDDEN;
void ic_errslots_free(struct iptables *h) IC_HIDDEN;

/* Name of the CLI for messages: "iptables" / "ip6tables". */
static inline const char *ic_prog(const struct iptables *h)
{
	return h->proto == IPTABLES_IPV6 ? "ip6tables" : "iptables";
}

/* Records iptables' PARAMETER_PROBLEM message, "<prog> vX.Y.Z (<mode>): <msg>" and the
 * "Try `<prog> -h'..." line, and returns IPTABLES_EINVAL. */
int ic_param_error(struct iptables *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3))) IC_HIDDEN;

/* Validation helpers (validate.c); each returns 0 or sets the error and returns EINVAL. */
int ic_check_table(struct iptables *h, const char *table) IC_HIDDEN;
int ic_check_chain(struct iptables *h, const char *chain) IC_HIDDEN;
int ic_check_spec(struct iptables *h, const char *const *spec) IC_HIDDEN;
int ic_check_word(struct iptables *h, const char *word) IC_HIDDEN;

/* Lock path: opts.lockfile, else $XTABLES_LOCKFILE if non-empty, else /run/xtables.lock. */
char *ic_resolve_lockfile(const char *opt) IC_HIDDEN;

#endif
