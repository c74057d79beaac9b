/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iptables_sync_chain: make a chain hold exactly the given rules. The desired rules are put in
 * `iptables -S` form in-process and compared with the chain's listing, so a chain already in
 * sync costs one read and no kernel write. Otherwise the chain is flushed and refilled in one
 * transaction (one kernel update, or one iptables-restore run).
 */
#include <stdlib.h>
#include <string.h>

#include "txn.h"

/* 1 when @cur (a chain listing: -P/-N line, then rules) equals @want, else 0. */
static int same_rules(const struct ic_strv *cur, const struct ic_strv *want)
{
	if (cur->n != want->n + 1)
		return 0;
	for (size_t i = 0; i < want->n; i++)
		if (strcmp(cur->v[i + 1], want->v[i]) != 0)
			return 0;
	return 1;
}

/* 1 in sync, 0 not (or cannot tell), < 0 error. */
static int in_sync(struct iptables *h, const char *table, const char *chain,
		   const char *const *const *specs, size_t n)
{
	struct ic_strv cur = { 0 }, want = { 0 };
	int rc;

	rc = h->be->list(&h->cx, NULL, table, chain, false, &cur);
	if (rc == IPTABLES_ENOTFOUND)
		return 0;
	for (size_t i = 0; !rc && i < n; i++)
		rc = ic_canonical_rule(&h->cx, table, chain, specs[i], &want);
	if (!rc)
		rc = same_rules(&cur, &want);
	else if (rc == IPTABLES_EUNSUPPORTED)
		rc = 0;
	ic_strv_clear(&cur);
	ic_strv_clear(&want);
	return rc;
}

static int rewrite(struct iptables *h, const char *table, const char *chain,
		   const char *const *const *specs, size_t n)
{
	struct ic_op clear = { .code = IC_OP_CLEAR_CHAIN, .table = table, .chain = chain };
	struct ic_op *ops;
	int rc;

	if (h->in_txn) {
		rc = ic_txn_add(h, &clear);
		for (size_t i = 0; !rc && i < n; i++) {
			struct ic_op add = { .code = IC_OP_APPEND, .table = table, .chain = chain,
					      .spec = specs[i] };
			rc = ic_txn_add(h, &add);
		}
		return rc;
	}
	ops = calloc(n + 1, sizeof(*ops));
	if (!ops)
		return ic_err_nomem(h->cx.err, ic_prog(&h->cx));
	ops[0] = clear;
	for (size_t i = 0; i < n; i++)
		ops[i + 1] = (struct ic_op){ .code = IC_OP_APPEND, .table = table, .chain = chain,
					      .spec = specs[i] };
	rc = h->be->commit(&h->cx, &(struct ic_oplog){ .ops = ops, .n = n + 1 });
	free(ops);
	return rc;
}

IPTABLES_API int iptables_sync_chain(iptables *h, const char *table, const char *chain,
				     const char *const *const *specs, size_t n)
{
	struct ic_err err;
	int rc;

	if (!h)
		return IPTABLES_EINVAL;
	ic_call_begin(h, &err);
	rc = ic_check_table(&h->cx, table);
	if (!rc)
		rc = ic_check_chain(&h->cx, chain);
	if (!rc && n && !specs)
		rc = ic_error(&h->cx, IPTABLES_EINVAL, "NULL rule list");
	for (size_t i = 0; !rc && i < n; i++)
		rc = ic_check_spec(&h->cx, specs[i]);
	/* inside a transaction the kernel's state is not what commit will see: always rewrite */
	if (!rc && !h->in_txn)
		rc = in_sync(h, table, chain, specs, n);
	if (rc == 0)
		rc = rewrite(h, table, chain, specs, n) ?: 1;
	else if (rc == 1)
		rc = 0;
	return ic_call_end(h, rc);
}
