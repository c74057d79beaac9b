/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal contract between the public API layer (api.c) and the backends.
 *
 * api.c validates every argument, serialises calls on a handle with h->mu, and turns each
 * public call into either a struct ipt_op (mutations and predicates, which a transaction can
 * log) or a reader call. Backends never see NULL or over-long names.
 */
#ifndef IPT_INTERNAL_H
#define IPT_INTERNAL_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "iptables-c.h"

#define IPT_HIDDEN __attribute__((visibility("hidden")))

#define IPT_TABLE_MAXLEN 31	/* XT_TABLE_MAXNAMELEN - 1 */
#define IPT_CHAIN_MAXLEN 28	/* XT_EXTENSION_MAXNAMELEN - 1, as iptables checks */
#define IPT_SPEC_MAXWORDS 4096	/* more words than any real rule; refuse beyond */
#define IPT_ERRMSG_MAX 1024

enum ipt_opcode {
	IPT_OP_APPEND,
	IPT_OP_APPEND_UNIQUE,
	IPT_OP_INSERT,
	IPT_OP_INSERT_UNIQUE,
	IPT_OP_REPLACE,
	IPT_OP_DELETE,
	IPT_OP_DELETE_IF_EXISTS,
	IPT_OP_DELETE_NUM,
	IPT_OP_CHECK,			/* returns 1 / 0; absent chain -> 0 */
	IPT_OP_CHAIN_EXISTS,		/* returns 1 / 0; an absent table is 0 too */
	IPT_OP_NEW_CHAIN,
	IPT_OP_CLEAR_CHAIN,		/* flush, creating it when missing */
	IPT_OP_DELETE_CHAIN,
	IPT_OP_RENAME_CHAIN,		/* arg = new name */
	IPT_OP_CLEAR_AND_DELETE_CHAIN,	/* absent -> OK */
	IPT_OP_POLICY,			/* arg = target */
	IPT_OP_CLEAR_ALL,		/* chain NULL */
	IPT_OP_DELETE_ALL,		/* chain NULL */
};

/* True for opcodes that change the ruleset (and so join a transaction). */
bool ipt_op_mutates(enum ipt_opcode code) IPT_HIDDEN;

struct ipt_op {
	enum ipt_opcode code;
	const char *table;
	const char *chain;		/* NULL for CLEAR_ALL / DELETE_ALL */
	const char *arg;		/* RENAME_CHAIN: new name; POLICY: target */
	int pos;			/* 1-based; INSERT*, REPLACE, DELETE_NUM */
	const char *const *spec;	/* NULL-terminated; rule opcodes only */
	void *parsed;			/* logged ops: the backend's parse of spec (txn arena) */
};

/* A growable NULL-terminated string vector; what list calls hand back. */
struct ipt_strv {
	char **v;
	size_t n, cap;
};
int ipt_strv_push(struct ipt_strv *s, const char *str) IPT_HIDDEN;		/* copies */
int ipt_strv_push_owned(struct ipt_strv *s, char *str) IPT_HIDDEN;		/* takes */
void ipt_strv_clear(struct ipt_strv *s) IPT_HIDDEN;

/* Stats rows: growable array */
struct ipt_statv {
	struct iptables_stat *v;
	size_t n, cap;
};
/* Appends a zeroed row and returns it, or NULL on ENOMEM. */
struct iptables_stat *ipt_statv_add(struct ipt_statv *s) IPT_HIDDEN;
void ipt_statv_clear(struct ipt_statv *s) IPT_HIDDEN;

struct iptables;

struct ipt_backend {
	const char *name;
	/* Prepare the handle (detect version/mode, allocate h->bdata). */
	int (*open)(struct iptables *h);
	void (*close)(struct iptables *h);
	/* Mutations and predicates, applied at once (outside transactions). */
	int (*apply)(struct iptables *h, const struct ipt_op *op);
	/* -S output lines of one chain, or of the whole table when chain == NULL. */
	int (*list)(struct iptables *h, const char *table, const char *chain, bool counters,
		    struct ipt_strv *out);
	int (*list_chains)(struct iptables *h, const char *table, struct ipt_strv *out);
	int (*stats)(struct iptables *h, const char *table, const char *chain,
		     struct ipt_statv *out);
	/* Apply a whole transaction log atomically; NULL means unsupported. */
	int (*commit)(struct iptables *h, const struct ipt_op *ops, size_t n);
	/* Optional: check an op at the time it is logged in a transaction (syntax); it may
	 * keep its parse in op->parsed (allocated with ipt_txn_alloc) for commit to reuse. */
	int (*validate)(struct iptables *h, struct ipt_op *op);
};

extern const struct ipt_backend ipt_backend_exec IPT_HIDDEN;
extern const struct ipt_backend ipt_backend_libiptc IPT_HIDDEN;

/* True when the libiptc backend can work here: legacy tables reachable, libxtables usable. */
bool ipt_libiptc_usable(int proto) IPT_HIDDEN;

/* The `-A CHAIN ...` lines `iptables -S` would print for @spec, computed in-process through
 * libxtables without touching the kernel (lib/iptc/xt_canon.c). Several lines when -s/-d
 * expand. IPTABLES_EUNSUPPORTED when libxtables cannot be used here. */
int ipt_canonical_rule(struct iptables *h, const char *table, const char *chain,
		       const char *const *spec, struct ipt_strv *out) IPT_HIDDEN;

/* Syntax check of a rule op's words through libxtables, kernel untouched (xt_canon.c):
 * what the exec backend uses to refuse a bad rule when it is logged in a transaction.
 * 0 when fine or when libxtables cannot be used here. */
int ipt_rule_syntax_check(struct iptables *h, struct ipt_op *op) IPT_HIDDEN;

struct ipt_errslot;
struct ipt_arena_chunk;

struct iptables {
	pthread_mutex_t mu;		/* serialises every call on this handle */
	enum iptables_proto proto;
	enum iptables_backend backend;	/* never AUTO after iptables_new */
	const struct ipt_backend *be;
	int timeout_s;
	char *path;			/* exec: binary to run (resolved name or opts.path) */
	char *lockfile;			/* resolved xtables lock path */
	int ver_major, ver_minor, ver_patch;
	char mode[16];			/* "legacy" / "nf_tables" */
	void *bdata;			/* backend private */

	/* transaction */
	bool in_txn;
	int txn_err;			/* first failure inside the transaction, 0 if none */
	struct ipt_op *txn_ops;		/* copies; their strings live in txn_arena */
	size_t txn_n, txn_cap;
	struct ipt_arena_chunk *txn_arena;

	pthread_mutex_t err_mu;		/* guards errslots */
	struct ipt_errslot *errslots;	/* per-thread last failure */
};

/*
 * Errors. Backends report failure through these: they record the message for the calling
 * thread and return the code, so `return ipt_error(h, IPTABLES_EINVAL, "...", ...)` works.
 * Messages are iptables' own text, without a trailing newline.
 */
int ipt_error(struct iptables *h, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4))) IPT_HIDDEN;
int ipt_verror(struct iptables *h, int code, const char *fmt, va_list ap) IPT_HIDDEN;
/* Same, and records the exec backend's exit status for iptables_exit_status(). */
int ipt_error_exit(struct iptables *h, int code, int exit_status, const char *msg) IPT_HIDDEN;
/* Set the exit status reported with the calling thread's last failure. */
void ipt_error_set_exit_status(struct iptables *h, int exit_status) IPT_HIDDEN;
void ipt_errslots_free(struct iptables *h) IPT_HIDDEN;

/* Name of the CLI for messages: "iptables" / "ip6tables". */
static inline const char *ipt_prog(const struct iptables *h)
{
	return h->proto == IPTABLES_IPV6 ? "ip6tables" : "iptables";
}

/* Records iptables' PARAMETER_PROBLEM message, "<prog> vX.Y.Z (<mode>): <msg>" and the
 * "Try `<prog> -h'..." line, and returns IPTABLES_EINVAL. */
int ipt_param_error(struct iptables *h, const char *fmt, ...)
	__attribute__((format(printf, 2, 3))) IPT_HIDDEN;

/* Validation helpers (validate.c); each returns 0 or sets the error and returns EINVAL. */
int ipt_check_table(struct iptables *h, const char *table) IPT_HIDDEN;
int ipt_check_chain(struct iptables *h, const char *chain) IPT_HIDDEN;
int ipt_check_spec(struct iptables *h, const char *const *spec) IPT_HIDDEN;
int ipt_check_word(struct iptables *h, const char *word) IPT_HIDDEN;

/* Lock path: opts.lockfile, else $XTABLES_LOCKFILE if non-empty, else /run/xtables.lock. */
char *ipt_resolve_lockfile(const char *opt) IPT_HIDDEN;

#endif
