/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Transactions: between begin and commit, mutating calls are checked and logged (deep
 * copies, the caller's buffers may go away); commit hands the whole log to the backend, which
 * applies it as one update per table, or not at all.
 *
 * Everything a transaction keeps (op copies, the backend's cached parses) lives in one
 * arena (arena.h) freed at commit or rollback.
 */
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "txn.h"
#include "vec.h"

static size_t str_size(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

static const char *str_put(char **p, const char *s)
{
	const char *at = *p;

	if (!s)
		return NULL;
	memcpy(*p, s, strlen(s) + 1);
	*p += strlen(s) + 1;
	return at;
}

/* One arena block: the spec's pointer array, then every string. */
static int op_copy(struct iptables *h, struct ic_op *dst, const struct ic_op *src)
{
	size_t words = 0, size, i;
	const char **spec;
	char *p;

	while (src->spec && src->spec[words])
		words++;
	size = (src->spec ? (words + 1) * sizeof(char *) : 0) + str_size(src->table) +
	       str_size(src->chain) + str_size(src->arg);
	for (i = 0; i < words; i++)
		size += strlen(src->spec[i]) + 1;
	p = ic_arena_alloc(&h->txn_arena, size);
	if (!p)
		return ic_err_nomem(h->cx.err, ic_prog(&h->cx));
	*dst = (struct ic_op){ .code = src->code, .pos = src->pos,
			       .set_counters = src->set_counters, .pcnt = src->pcnt,
			       .bcnt = src->bcnt, .line = src->line };
	if (src->spec) {
		spec = (const char **)p;
		p += (words + 1) * sizeof(char *);
		for (i = 0; i < words; i++)
			spec[i] = str_put(&p, src->spec[i]);
		spec[words] = NULL;
		dst->spec = spec;
	}
	dst->table = str_put(&p, src->table);
	dst->chain = str_put(&p, src->chain);
	dst->arg = str_put(&p, src->arg);
	return 0;
}

static int txn_log(struct iptables *h, const struct ic_op *op, bool kept)
{
	int rc = 0;

	if (h->txn_err)
		return h->txn_err;
	if (IC_VEC_RESERVE(h->txn_ops, h->txn_cap, h->txn_n + 1))
		rc = ic_err_nomem(h->cx.err, ic_prog(&h->cx));
	if (!rc && kept)
		h->txn_ops[h->txn_n] = *op;
	else if (!rc)
		rc = op_copy(h, &h->txn_ops[h->txn_n], op);
	if (!rc && h->be->validate)
		rc = h->be->validate(&h->cx, &h->txn_ops[h->txn_n], &h->txn_arena);
	if (rc) {
		h->txn_err = rc;
		return rc;
	}
	h->txn_n++;
	return 0;
}

int ic_txn_add(struct iptables *h, const struct ic_op *op)
{
	return txn_log(h, op, false);
}

int ic_txn_add_kept(struct iptables *h, const struct ic_op *op)
{
	return txn_log(h, op, true);
}

void ic_txn_clear(struct iptables *h)
{
	free(h->txn_ops);
	h->txn_ops = NULL;
	h->txn_n = h->txn_cap = 0;
	h->txn_err = 0;
	h->in_txn = false;
	ic_arena_free(&h->txn_arena);
}

IPTABLES_API int iptables_begin(iptables *h)
{
	struct ic_err err;
	int rc = 0;

	if (!h)
		return IPTABLES_EINVAL;
	ic_call_begin(h, &err);
	if (h->in_txn)
		rc = ic_error(&h->cx, IPTABLES_EINVAL,
			      "a transaction is already open on this handle");
	else
		h->in_txn = true;
	return ic_call_end(h, rc);
}

IPTABLES_API int iptables_commit(iptables *h)
{
	struct ic_oplog log;
	struct ic_err err;
	int rc;

	if (!h)
		return IPTABLES_EINVAL;
	ic_call_begin(h, &err);
	if (!h->in_txn) {
		rc = ic_error(&h->cx, IPTABLES_EINVAL, "no transaction is open on this handle");
	} else if (h->txn_err) {
		/* its message was filed when the failing call returned: not again, empty */
		rc = h->txn_err;
		ic_txn_clear(h);
		h->cx.err = NULL;
		pthread_mutex_unlock(&h->mu);
		return rc;
	} else if (h->txn_n == 0) {
		rc = 0;
	} else {
		rc = h->be->commit(&h->cx, ic_txn_pending(h, &log));
	}
	ic_txn_clear(h);
	return ic_call_end(h, rc);
}

IPTABLES_API void iptables_rollback(iptables *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->mu);
	ic_txn_clear(h);
	pthread_mutex_unlock(&h->mu);
}

const struct ic_oplog *ic_txn_pending(struct iptables *h, struct ic_oplog *buf)
{
	if (!h->in_txn)
		return NULL;
	buf->ops = h->txn_ops;
	buf->n = h->txn_n;
	return buf;
}
