/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The public API: argument checks, per-handle serialisation, backend choice, transaction log.
 * Every rule or chain call becomes a struct ic_op; outside a transaction it is applied at
 * once by the backend, inside one it is validated, copied and applied at commit.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "txn.h"

bool ic_op_mutates(enum ic_opcode code)
{
	return code != IC_OP_CHECK && code != IC_OP_CHAIN_EXISTS;
}

static bool op_has_spec(enum ic_opcode c)
{
	return c <= IC_OP_DELETE_IF_EXISTS || c == IC_OP_CHECK;
}

static bool op_has_pos(enum ic_opcode c)
{
	return c == IC_OP_INSERT || c == IC_OP_INSERT_UNIQUE || c == IC_OP_REPLACE ||
	       c == IC_OP_DELETE_NUM;
}

static int check_op(struct iptables *h, const struct ic_op *op)
{
	bool whole_table = op->code == IC_OP_CLEAR_ALL || op->code == IC_OP_DELETE_ALL;
	int rc = ic_check_table(h, op->table);

	if (!rc && !whole_table)
		rc = ic_check_chain(h, op->chain);
	if (!rc && op->code == IC_OP_RENAME_CHAIN)
		rc = ic_check_chain(h, op->arg);
	if (!rc && op->code == IC_OP_POLICY)
		rc = op->arg ? ic_check_word(h, op->arg)
			     : ic_error(h, IPTABLES_EINVAL, "NULL policy target");
	if (!rc && op_has_spec(op->code))
		rc = ic_check_spec(h, op->spec);
	if (!rc && op_has_pos(op->code) && op->pos < 1)
		rc = ic_param_error(h, "Invalid rule number `%d'", op->pos);
	return rc;
}

static int run_op(struct iptables *h, const struct ic_op *op)
{
	int rc;

	if (!h)
		return IPTABLES_EINVAL;
	pthread_mutex_lock(&h->mu);
	rc = check_op(h, op);
	if (!rc) {
		if (h->in_txn && ic_op_mutates(op->code))
			rc = ic_txn_add(h, op);
		else
			rc = h->be->apply(h, op);
	}
	pthread_mutex_unlock(&h->mu);
	return rc;
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

static const struct ic_backend *backend_ops(enum iptables_backend b)
{
	return b == IPTABLES_BACKEND_LIBIPTC ? &ic_backend_libiptc : &ic_backend_exec;
}

/*
 * AUTO: ask the system's iptables what it is. nf_tables -> exec (libiptc cannot see those
 * rules); legacy or no binary at all -> libiptc when legacy tables are reachable.
 */
static int choose_backend(struct iptables *h)
{
	int rc;

	h->backend = IPTABLES_BACKEND_EXEC;
	h->be = &ic_backend_exec;
	rc = h->be->open(h);
	if (rc == 0 && strcmp(h->mode, "nf_tables") == 0)
		return 0;
	if (!ic_libiptc_usable(h->proto))
		return rc;
	if (rc == 0)
		h->be->close(h);
	free(h->path);
	h->path = NULL;
	h->backend = IPTABLES_BACKEND_LIBIPTC;
	h->be = &ic_backend_libiptc;
	return h->be->open(h);
}

IPTABLES_API int iptables_new(iptables **out, const struct iptables_options *opts)
{
	struct iptables_options def = { 0 };
	struct iptables *h;
	int rc;

	if (!out)
		return IPTABLES_EINVAL;
	*out = NULL;
	if (!opts)
		opts = &def;
	if ((opts->proto && opts->proto != IPTABLES_IPV4 && opts->proto != IPTABLES_IPV6) ||
	    opts->backend > IPTABLES_BACKEND_EXEC || opts->timeout_s < 0)
		return IPTABLES_EINVAL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return IPTABLES_ENOMEM;
	pthread_mutex_init(&h->mu, NULL);
	pthread_mutex_init(&h->err_mu, NULL);
	h->proto = opts->proto ? opts->proto : IPTABLES_IPV4;
	h->timeout_s = opts->timeout_s;
	h->lockfile = ic_resolve_lockfile(opts->lockfile);
	h->path = opts->path ? strdup(opts->path) : NULL;
	if (!h->lockfile || (opts->path && !h->path)) {
		rc = IPTABLES_ENOMEM;
		goto fail;
	}
	if (opts->backend == IPTABLES_BACKEND_AUTO && !opts->path) {
		rc = choose_backend(h);
	} else {
		h->backend = opts->backend == IPTABLES_BACKEND_LIBIPTC ? IPTABLES_BACKEND_LIBIPTC
								       : IPTABLES_BACKEND_EXEC;
		h->be = backend_ops(h->backend);
		rc = h->be->open(h);
	}
	if (rc)
		goto fail;
	*out = h;
	return 0;
fail:
	h->be = NULL;
	iptables_free(h);
	return rc;
}

IPTABLES_API void iptables_free(iptables *h)
{
	if (!h)
		return;
	ic_txn_clear(h);
	if (h->be)
		h->be->close(h);
	free(h->path);
	free(h->lockfile);
	ic_errslots_free(h);
	pthread_mutex_destroy(&h->mu);
	pthread_mutex_destroy(&h->err_mu);
	free(h);
}

IPTABLES_API enum iptables_proto iptables_proto(const iptables *h)
{
	return h ? h->proto : IPTABLES_IPV4;
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
		*major = h->ver_major;
	if (minor)
		*minor = h->ver_minor;
	if (patch)
		*patch = h->ver_patch;
	return 0;
}

IPTABLES_API const char *iptables_mode(const iptables *h)
{
	return h ? h->mode : "";
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
	if (!new_name)
		return h ? ic_error(h, IPTABLES_EINVAL, "NULL chain name") : IPTABLES_EINVAL;
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

IPTABLES_API int iptables_change_policy(iptables *h, const char *table, const char *chain,
					const char *target)
{
	if (!target)
		return h ? ic_error(h, IPTABLES_EINVAL, "NULL policy target") : IPTABLES_EINVAL;
	return chain_op(h, IC_OP_POLICY, table, chain, target);
}
