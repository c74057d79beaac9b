/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Transactions: between begin and commit, mutating calls are checked and logged (deep
 * copies, the caller's buffers may go away); commit hands the whole log to the backend, which
 * applies it as one update per table, or not at all.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "txn.h"

static void op_free(struct ipt_op *op)
{
	free((char *)op->table);
	free((char *)op->chain);
	free((char *)op->arg);
	ipt_strv_freev((char **)op->spec);
}

static int op_copy(struct ipt_op *dst, const struct ipt_op *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->code = src->code;
	dst->pos = src->pos;
	dst->table = strdup(src->table);
	dst->chain = src->chain ? strdup(src->chain) : NULL;
	dst->arg = src->arg ? strdup(src->arg) : NULL;
	dst->spec = src->spec ? (const char *const *)ipt_strv_dup(src->spec, NULL) : NULL;
	if (!dst->table || (src->chain && !dst->chain) || (src->arg && !dst->arg) ||
	    (src->spec && !dst->spec)) {
		op_free(dst);
		return IPTABLES_ENOMEM;
	}
	return 0;
}

int ipt_txn_add(struct iptables *h, const struct ipt_op *op)
{
	struct ipt_op *nv;
	int rc;

	if (h->txn_err)
		return h->txn_err;
	rc = h->be->validate ? h->be->validate(h, op) : 0;
	if (!rc && h->txn_n == h->txn_cap) {
		size_t ncap = h->txn_cap ? h->txn_cap * 2 : 64;

		nv = realloc(h->txn_ops, ncap * sizeof(*nv));
		if (!nv)
			rc = ipt_error(h, IPTABLES_ENOMEM, "out of memory");
		else {
			h->txn_ops = nv;
			h->txn_cap = ncap;
		}
	}
	if (!rc)
		rc = op_copy(&h->txn_ops[h->txn_n], op);
	if (rc) {
		h->txn_err = rc;
		return rc;
	}
	h->txn_n++;
	return 0;
}

void ipt_txn_clear(struct iptables *h)
{
	size_t i;

	for (i = 0; i < h->txn_n; i++)
		op_free(&h->txn_ops[i]);
	free(h->txn_ops);
	h->txn_ops = NULL;
	h->txn_n = h->txn_cap = 0;
	h->txn_err = 0;
	h->in_txn = false;
}

IPTABLES_API int iptables_begin(iptables *h)
{
	int rc = 0;

	if (!h)
		return IPTABLES_EINVAL;
	pthread_mutex_lock(&h->mu);
	if (h->in_txn)
		rc = ipt_error(h, IPTABLES_EINVAL, "a transaction is already open on this handle");
	else if (!h->be->commit)
		rc = ipt_error(h, IPTABLES_EUNSUPPORTED,
			       "transactions are not supported by the %s backend", h->be->name);
	else
		h->in_txn = true;
	pthread_mutex_unlock(&h->mu);
	return rc;
}

IPTABLES_API int iptables_commit(iptables *h)
{
	int rc;

	if (!h)
		return IPTABLES_EINVAL;
	pthread_mutex_lock(&h->mu);
	if (!h->in_txn)
		rc = ipt_error(h, IPTABLES_EINVAL, "no transaction is open on this handle");
	else if (h->txn_err)
		rc = h->txn_err;	/* its message was recorded when the call failed */
	else if (h->txn_n == 0)
		rc = 0;
	else
		rc = h->be->commit(h, h->txn_ops, h->txn_n);
	ipt_txn_clear(h);
	pthread_mutex_unlock(&h->mu);
	return rc;
}

IPTABLES_API void iptables_rollback(iptables *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->mu);
	ipt_txn_clear(h);
	pthread_mutex_unlock(&h->mu);
}
