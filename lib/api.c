/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The public API: argument checks, per-handle serialisation, backend choice, transaction log.
 * Every rule or chain call becomes a struct ic_op; outside a transaction it is applied at
 * once by the backend, inside one it is validated, copied and applied at commit.
 */
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "core.h"
#include "netns.h"
#include "txn.h"

static int check_arg(struct ic_ctx *cx, enum ic_oparg kind, const char *arg)
{
	switch (kind) {
	case IC_OPARG_NONE:
		return 0;
	case IC_OPARG_CHAIN:
		return arg ? ic_check_chain(cx, arg)
			   : ic_error(cx, IPTABLES_EINVAL, "NULL chain name");
	case IC_OPARG_TARGET:
		return arg ? ic_check_word(cx, arg)
			   : ic_error(cx, IPTABLES_EINVAL, "NULL policy target");
	}
	return 0;
}

/* -Z [CHAIN [N]]: the chain is optional, a rule number needs one, 0 is the whole chain. */
static int check_zero(struct ic_ctx *cx, const struct ic_op *op)
{
	if (op->chain)
		return ic_check_chain(cx, op->chain);
	if (op->pos < 0 || (op->pos && !op->chain))
		return ic_param_error(cx, "Invalid rule number `%d'", op->pos);
	return 0;
}

static int check_op(struct ic_ctx *cx, const struct ic_op *op)
{
	const struct ic_opinfo *info = ic_op_info(op->code);
	int rc = ic_check_table(cx, op->table);

	if (!rc && info->has_chain)
		rc = ic_check_chain(cx, op->chain);
	if (!rc)
		rc = check_arg(cx, info->arg, op->arg);
	if (!rc && info->has_spec)
		rc = ic_check_spec(cx, op->spec);
	if (!rc && op->code == IC_OP_ZERO)
		rc = check_zero(cx, op);
	if (!rc && info->has_pos && op->pos < 1)
		rc = ic_param_error(cx, "Invalid rule number `%d'", op->pos);
	return rc;
}

static int run_op(struct iptables *h, const struct ic_op *op)
{
	struct ic_oplog log;
	struct ic_err err;
	int rc;

	if (!h)
		return IPTABLES_EINVAL;
	ic_call_begin(h, &err);
	rc = check_op(&h->cx, op);
	if (!rc) {
		if (h->in_txn && ic_op_mutates(op->code))
			rc = ic_txn_add(h, op);
		else
			rc = h->be->apply(&h->cx, op, ic_txn_pending(h, &log));
	}
	return ic_call_end(h, rc);
}

static int rule_op(iptables *h, enum ic_opcode code, const char *table, const char *chain,
		   int pos, const char *const *spec)
{
	struct ic_op op = { .code = code, .table = table, .chain = chain, .pos = pos,
			     .spec = spec };
	return run_op(h, &op);
}

static int chain_op(iptables *h, enum ic_opcode code, const char *table, const char *chain,
		    const char *arg)
{
	struct ic_op op = { .code = code, .table = table, .chain = chain, .arg = arg };
	return run_op(h, &op);
}

/* ---- handle ---- */

/* AUTO: the backend that ranks highest here (backend.h); ties go to the registry's order. */
static const struct ic_backend *choose_backend(const struct ic_ctx *cx)
{
	const struct ic_backend *best = NULL;
	enum ic_rank best_rank = IC_RANK_NO, r;

	for (const struct ic_backend *const *b = ic_backends; *b; b++) {
		r = (*b)->probe(cx);
		if (r > best_rank) {
			best = *b;
			best_rank = r;
		}
	}
	return best;
}

static int open_backend(struct iptables *h, const struct iptables_options *opts)
{
	if (opts->backend != IPTABLES_BACKEND_AUTO)
		h->be = ic_backend_find(opts->backend);
	else if (opts->path)
		h->be = ic_backend_for_path();	/* a binary was named */
	else
		h->be = choose_backend(&h->cx);
	if (!h->be)
		return ic_error(&h->cx, opts->backend ? IPTABLES_EUNSUPPORTED : IPTABLES_ENOTFOUND,
				"no iptables backend can run here");
	h->backend = h->be->id;
	return h->be->open(&h->cx);
}

IPTABLES_API int iptables_new(iptables **out, const struct iptables_options *opts)
{
	struct iptables_options def = { 0 };
	struct ic_err err = { 0 };
	struct iptables *h;
	int rc = 0;

	if (!out)
		return IPTABLES_EINVAL;
	*out = NULL;
	if (!opts)
		opts = &def;
	if ((opts->proto && opts->proto != IPTABLES_IPV4 && opts->proto != IPTABLES_IPV6) ||
	    opts->timeout_s < 0 ||
	    (opts->backend != IPTABLES_BACKEND_AUTO && !ic_backend_find(opts->backend)))
		return IPTABLES_EINVAL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return IPTABLES_ENOMEM;
	pthread_mutex_init(&h->mu, NULL);
	pthread_mutex_init(&h->err_mu, NULL);
	h->cx.proto = opts->proto ? opts->proto : IPTABLES_IPV4;
	h->cx.timeout_s = opts->timeout_s;
	h->cx.lockfile = ic_resolve_lockfile(opts->lockfile);
	h->cx.path = opts->path ? strdup(opts->path) : NULL;
	h->cx.netns_fd = -1;
	h->cx.err = &err;
	if (!h->cx.lockfile || (opts->path && !h->cx.path))
		rc = ic_err_nomem(&err, ic_prog(&h->cx));
	else if (opts->netns && (rc = ic_netns_open(opts->netns, &err)) < 0)
		;
	else if (opts->netns)
		h->cx.netns_fd = rc;
	if (rc >= 0)
		rc = open_backend(h, opts);
	h->cx.err = NULL;
	if (rc) {
		ic_new_failed(&err);
		h->be = NULL;
		iptables_free(h);
		return rc;
	}
	*out = h;
	return 0;
}

IPTABLES_API void iptables_free(iptables *h)
{
	if (!h)
		return;
	ic_txn_clear(h);
	if (h->be && h->be->close)
		h->be->close(&h->cx);
	free(h->cx.path);
	free((char *)h->cx.lockfile);
	if (h->cx.netns_fd >= 0)
		close(h->cx.netns_fd);
	ic_errslots_free(h);
	pthread_mutex_destroy(&h->mu);
	pthread_mutex_destroy(&h->err_mu);
	free(h);
}

IPTABLES_API enum iptables_proto iptables_proto(const iptables *h)
{
	return h ? h->cx.proto : IPTABLES_IPV4;
}

IPTABLES_API enum iptables_backend iptables_backend(const iptables *h)
{
	return h ? h->backend : IPTABLES_BACKEND_EXEC;
}

IPTABLES_API int iptables_version(const iptables *h, int *major, int *minor, int *patch)
{
	if (!h)
		return IPTABLES_EINVAL;
	if (major)
		*major = h->cx.ver_major;
	if (minor)
		*minor = h->cx.ver_minor;
	if (patch)
		*patch = h->cx.ver_patch;
	return 0;
}

IPTABLES_API const char *iptables_mode(const iptables *h)
{
	return h ? h->cx.mode : "";
}

/* ---- rules ---- */

IPTABLES_API int iptables_append(iptables *h, const char *table, const char *chain,
				 const char *const *spec)
{
	return rule_op(h, IC_OP_APPEND, table, chain, 0, spec);
}

IPTABLES_API int iptables_append_unique(iptables *h, const char *table, const char *chain,
					const char *const *spec)
{
	return rule_op(h, IC_OP_APPEND_UNIQUE, table, chain, 0, spec);
}

IPTABLES_API int iptables_insert(iptables *h, const char *table, const char *chain, int pos,
				 const char *const *spec)
{
	return rule_op(h, IC_OP_INSERT, table, chain, pos, spec);
}

IPTABLES_API int iptables_insert_unique(iptables *h, const char *table, const char *chain,
					int pos, const char *const *spec)
{
	return rule_op(h, IC_OP_INSERT_UNIQUE, table, chain, pos, spec);
}

IPTABLES_API int iptables_replace(iptables *h, const char *table, const char *chain, int pos,
				  const char *const *spec)
{
	return rule_op(h, IC_OP_REPLACE, table, chain, pos, spec);
}

IPTABLES_API int iptables_delete(iptables *h, const char *table, const char *chain,
				 const char *const *spec)
{
	return rule_op(h, IC_OP_DELETE, table, chain, 0, spec);
}

IPTABLES_API int iptables_delete_if_exists(iptables *h, const char *table, const char *chain,
					   const char *const *spec)
{
	return rule_op(h, IC_OP_DELETE_IF_EXISTS, table, chain, 0, spec);
}

IPTABLES_API int iptables_delete_by_id(iptables *h, const char *table, const char *chain,
				       int pos)
{
	return rule_op(h, IC_OP_DELETE_NUM, table, chain, pos, NULL);
}

IPTABLES_API int iptables_exists(iptables *h, const char *table, const char *chain,
				 const char *const *spec)
{
	return rule_op(h, IC_OP_CHECK, table, chain, 0, spec);
}

/* ---- chains ---- */

IPTABLES_API int iptables_chain_exists(iptables *h, const char *table, const char *chain)
{
	return chain_op(h, IC_OP_CHAIN_EXISTS, table, chain, NULL);
}

IPTABLES_API int iptables_new_chain(iptables *h, const char *table, const char *chain)
{
	return chain_op(h, IC_OP_NEW_CHAIN, table, chain, NULL);
}

IPTABLES_API int iptables_clear_chain(iptables *h, const char *table, const char *chain)
{
	return chain_op(h, IC_OP_CLEAR_CHAIN, table, chain, NULL);
}

IPTABLES_API int iptables_rename_chain(iptables *h, const char *table, const char *old,
				       const char *new_name)
{
	return chain_op(h, IC_OP_RENAME_CHAIN, table, old, new_name);
}

IPTABLES_API int iptables_delete_chain(iptables *h, const char *table, const char *chain)
{
	return chain_op(h, IC_OP_DELETE_CHAIN, table, chain, NULL);
}

IPTABLES_API int iptables_clear_and_delete_chain(iptables *h, const char *table,
						 const char *chain)
{
	return chain_op(h, IC_OP_CLEAR_AND_DELETE_CHAIN, table, chain, NULL);
}

IPTABLES_API int iptables_clear_all(iptables *h, const char *table)
{
	return chain_op(h, IC_OP_CLEAR_ALL, table, NULL, NULL);
}

IPTABLES_API int iptables_delete_all(iptables *h, const char *table)
{
	return chain_op(h, IC_OP_DELETE_ALL, table, NULL, NULL);
}

IPTABLES_API int iptables_zero(iptables *h, const char *table, const char *chain, int pos)
{
	struct ic_op op = { .code = IC_OP_ZERO, .table = table, .chain = chain, .pos = pos };

	return run_op(h, &op);
}

IPTABLES_API int iptables_change_policy(iptables *h, const char *table, const char *chain,
					const char *target)
{
	return chain_op(h, IC_OP_POLICY, table, chain, target);
}
