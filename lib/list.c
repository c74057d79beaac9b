/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The read-only calls: listing rules and chains, counters. */
#include <stdlib.h>
#include <string.h>

#include "core.h"

/* Inside ic_call_begin/end: the table and chain names are checked. */
static int check_names(struct iptables *h, const char *table, const char *chain, bool need_chain)
{
	int rc = ic_check_table(&h->cx, table);

	if (!rc && (chain || need_chain))
		rc = ic_check_chain(&h->cx, chain);
	return rc;
}

/* A NULL output pointer is refused before the call starts. */
static int null_output(iptables *h)
{
	struct ic_err err;

	ic_call_begin(h, &err);
	return ic_call_end(h, ic_error(&h->cx, IPTABLES_EINVAL, "NULL output argument"));
}

static int hand_out(struct ic_ctx *cx, struct ic_strv *s, int rc, char ***lines, size_t *n)
{
	if (rc) {
		ic_strv_clear(s);
		return rc;
	}
	/* an empty result still hands out a valid, NULL-terminated array */
	if (!s->v) {
		s->v = calloc(1, sizeof(char *));
		if (!s->v)
			return ic_err_nomem(cx->err, ic_prog(cx));
	}
	*lines = s->v;
	*n = s->n;
	return 0;
}

static int list_common(iptables *h, const char *table, const char *chain, bool counters,
		       char ***lines, size_t *n)
{
	struct ic_strv s = { 0 };
	struct ic_oplog log;
	struct ic_err err;
	int rc;

	if (!h)
		return IPTABLES_EINVAL;
	if (!lines || !n)
		return null_output(h);
	*lines = NULL;
	*n = 0;
	ic_call_begin(h, &err);
	rc = check_names(h, table, chain, false);
	if (!rc)
		rc = h->be->list(&h->cx, ic_txn_pending(h, &log), table, chain, counters, &s);
	return ic_call_end(h, hand_out(&h->cx, &s, rc, lines, n));
}

IPTABLES_API int iptables_list(iptables *h, const char *table, const char *chain, char ***lines,
			       size_t *n)
{
	return list_common(h, table, chain, false, lines, n);
}

IPTABLES_API int iptables_list_with_counters(iptables *h, const char *table, const char *chain,
					     char ***lines, size_t *n)
{
	return list_common(h, table, chain, true, lines, n);
}

IPTABLES_API int iptables_list_by_id(iptables *h, const char *table, const char *chain, int pos,
				     char **line)
{
	struct ic_strv s = { 0 };
	struct ic_oplog log;
	struct ic_err err;
	int rc;

	if (!h)
		return IPTABLES_EINVAL;
	if (!line)
		return null_output(h);
	*line = NULL;
	ic_call_begin(h, &err);
	rc = check_names(h, table, chain, true);
	if (!rc && pos < 1)
		rc = ic_param_error(&h->cx, "Invalid rule number `%d'", pos);
	if (!rc)
		rc = h->be->list(&h->cx, ic_txn_pending(h, &log), table, chain, false, &s);
	/* line 0 is the chain's -P / -N line */
	if (!rc && (size_t)pos >= s.n)
		rc = ic_error(&h->cx, IPTABLES_ENOTFOUND, "%s: Index of rule too big (%d > %zu).",
			      ic_prog(&h->cx), pos, s.n ? s.n - 1 : 0);
	if (!rc) {
		*line = s.v[pos];
		s.v[pos] = NULL;
	}
	ic_strv_clear(&s);
	return ic_call_end(h, rc);
}

IPTABLES_API int iptables_list_chains(iptables *h, const char *table, char ***chains, size_t *n)
{
	struct ic_strv s = { 0 };
	struct ic_oplog log;
	struct ic_err err;
	int rc;

	if (!h)
		return IPTABLES_EINVAL;
	if (!chains || !n)
		return null_output(h);
	*chains = NULL;
	*n = 0;
	ic_call_begin(h, &err);
	rc = check_names(h, table, NULL, false);
	if (!rc)
		rc = h->be->list_chains(&h->cx, ic_txn_pending(h, &log), table, &s);
	return ic_call_end(h, hand_out(&h->cx, &s, rc, chains, n));
}

IPTABLES_API int iptables_stats(iptables *h, const char *table, const char *chain,
				struct iptables_stat **stats, size_t *n)
{
	struct ic_statv s = { 0 };
	struct ic_oplog log;
	struct ic_err err;
	int rc;

	if (!h)
		return IPTABLES_EINVAL;
	if (!stats || !n)
		return null_output(h);
	*stats = NULL;
	*n = 0;
	ic_call_begin(h, &err);
	rc = check_names(h, table, chain, true);
	if (!rc)
		rc = h->be->stats(&h->cx, ic_txn_pending(h, &log), table, chain, &s);
	if (rc) {
		ic_statv_clear(&s);
	} else {
		*stats = s.v;
		*n = s.n;
	}
	return ic_call_end(h, rc);
}
