/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One struct ic_op applied to a session's libiptc handle, the way iptables-legacy 1.8.9 runs
 * the matching command (-A, -I, -R, -D, -C, -N, -F, -X, -E, -P) and go-iptables composes
 * them (AppendUnique, ClearChain, ClearAndDeleteChain, ...). Nothing is committed here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iptc_backend.h"
#include "iptc_encode.h"
#include "../xt/xt.h"

/* A parse made when the op was logged (without a table) holds unless it jumps to a chain
 * that does not exist here: then parse again against the table, for iptables' message. */
static struct ic_iptc_rule *cached_parse(struct ic_iptc_session *s, struct ic_iptc_table *t,
					 const struct ic_op *op)
{
	struct ic_iptc_rule *r = op->parsed;

	if (!r || r->n == 0)
		return NULL;
	if (r->standard && r->jumpto[0] && !ic_is_verdict(r->jumpto) &&
	    !s->f->ops->is_chain(r->jumpto, t->xh))
		return NULL;
	return r;
}

struct chain_query {
	const struct ic_iptc_family *f;
	struct xtc_handle *xh;
};

static bool chain_exists(void *arg, const char *chain)
{
	const struct chain_query *q = arg;

	return q->f->ops->is_chain(chain, q->xh);
}

int ic_iptc_rule_parse(struct ic_ctx *cx, const struct ic_op *op, struct xtc_handle *xh,
		       struct ic_iptc_rule *r)
{
	const struct ic_iptc_family *f = ic_iptc_family_of(cx->proto);
	struct chain_query q = { .f = f, .xh = xh };
	struct ic_rules rs;
	int rc;

	memset(r, 0, sizeof(*r));
	rc = ic_op_parse(cx, op, xh ? chain_exists : NULL, &q, NULL, &rs);
	if (rc)
		return rc;
	rc = ic_legacy_entry_check(cx, &rs);
	if (!rc)
		rc = ic_iptc_encode(f, &rs, r, cx->err);
	ic_rules_free(&rs);
	return rc;
}

/* 1 when every entry of @r is in @chain, 0 when one is not or the chain is absent
 * (iptables -C: all of the address combinations must match). */
static int rule_present(struct ic_iptc_session *s, struct ic_iptc_table *t, const char *chain,
			struct ic_iptc_rule *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		errno = 0;
		if (s->f->check_entry(chain, r->entries[i], r->mask, t->xh))
			continue;
		if (errno == ENOENT)
			return 0;
		return ic_iptc_fail(s->cx, IC_IPTC_FN_OTHER, errno, NULL);
	}
	return 1;
}

static int rule_append(struct ic_iptc_session *s, struct ic_iptc_table *t, const char *chain,
		       struct ic_iptc_rule *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		errno = 0;
		if (!s->f->append_entry(chain, r->entries[i], t->xh))
			return ic_iptc_fail(s->cx, IC_IPTC_FN_OTHER, errno, NULL);
	}
	return 0;
}

/* Like iptables -I: every entry goes in at the same position, so several addresses end up
 * in reverse order (`-I INPUT 1 -s A,B` lists B before A). */
static int rule_insert(struct ic_iptc_session *s, struct ic_iptc_table *t, const char *chain, int pos,
		       struct ic_iptc_rule *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		errno = 0;
		if (!s->f->insert_entry(chain, r->entries[i], (unsigned int)pos - 1, t->xh))
			return ic_iptc_fail(s->cx, IC_IPTC_FN_INSERT, errno, NULL);
	}
	return 0;
}

static int rule_delete(struct ic_iptc_session *s, struct ic_iptc_table *t, const char *chain,
		       struct ic_iptc_rule *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		errno = 0;
		if (!s->f->delete_entry(chain, r->entries[i], r->mask, t->xh))
			return ic_iptc_fail(s->cx, IC_IPTC_FN_DELETE_ENTRY, errno, NULL);
	}
	return 0;
}

static int rule_replace(struct ic_iptc_session *s, struct ic_iptc_table *t, const struct ic_op *op,
			struct ic_iptc_rule *r)
{
	if (r->n != 1)
		return ic_param_error(s->cx, "Replacement rule does not specify a unique address");
	errno = 0;
	if (!s->f->replace_entry(op->chain, r->entries[0], (unsigned int)op->pos - 1, t->xh))
		return ic_iptc_fail(s->cx, IC_IPTC_FN_REPLACE, errno, NULL);
	return 0;
}

static int rule_op(struct ic_iptc_session *s, struct ic_iptc_table *t, const struct ic_op *op)
{
	struct ic_iptc_rule own, *r = cached_parse(s, t, op);
	int rc;

	if (!r) {
		rc = ic_iptc_rule_parse(s->cx, op, t->xh, &own);
		if (rc)
			return rc;
		r = &own;
	}
	switch (op->code) {
	case IC_OP_APPEND:
		rc = rule_append(s, t, op->chain, r);
		break;
	case IC_OP_APPEND_UNIQUE:
		rc = rule_present(s, t, op->chain, r);
		if (rc == 0)
			rc = rule_append(s, t, op->chain, r);
		break;
	case IC_OP_INSERT:
		rc = rule_insert(s, t, op->chain, op->pos, r);
		break;
	case IC_OP_INSERT_UNIQUE:
		rc = rule_present(s, t, op->chain, r);
		if (rc == 0)
			rc = rule_insert(s, t, op->chain, op->pos, r);
		break;
	case IC_OP_REPLACE:
		rc = rule_replace(s, t, op, r);
		break;
	case IC_OP_DELETE:
		rc = rule_delete(s, t, op->chain, r);
		break;
	case IC_OP_DELETE_IF_EXISTS:
		rc = rule_present(s, t, op->chain, r);
		if (rc == 1)
			rc = rule_delete(s, t, op->chain, r);
		break;
	case IC_OP_CHECK:
		rc = rule_present(s, t, op->chain, r);
		break;
	default:
		rc = ic_error(s->cx, IPTABLES_EINVAL, "unknown operation %d", (int)op->code);
		break;
	}
	if (r == &own)
		ic_iptc_rule_free(&own);
	if (rc > 0 && op->code != IC_OP_CHECK)
		rc = 0;
	return rc;
}

/* iptables' assert_valid_chain_name(): -N refuses the name of a target (ACCEPT, LOG, ...). */
int ic_iptc_chain_name_check(struct ic_ctx *cx, const char *chain)
{
	int rc = ic_xt_is_target(ic_iptc_family_of(cx->proto)->xt->nfproto, cx->mode, chain,
				 cx->err);

	if (rc < 0)
		return rc;
	if (rc)
		return ic_param_error(cx, "chain name may not clash with target name");
	return 0;
}

static int chain_create(struct ic_iptc_session *s, struct ic_iptc_table *t, const char *chain)
{
	int rc = ic_iptc_chain_name_check(s->cx, chain);

	if (rc)
		return rc;
	errno = 0;
	if (!s->f->ops->create_chain(chain, t->xh))
		return ic_iptc_fail(s->cx, IC_IPTC_FN_CREATE_CHAIN, errno, NULL);
	return 0;
}

static int chain_flush(struct ic_iptc_session *s, struct ic_iptc_table *t, const char *chain)
{
	errno = 0;
	if (!s->f->ops->flush_entries(chain, t->xh))
		return ic_iptc_fail(s->cx, IC_IPTC_FN_OTHER, errno, NULL);
	return 0;
}

static int chain_delete(struct ic_iptc_session *s, struct ic_iptc_table *t, const char *chain)
{
	errno = 0;
	if (!s->f->delete_chain(chain, t->xh))
		return ic_iptc_fail(s->cx, IC_IPTC_FN_OTHER, errno, NULL);
	return 0;
}

static int chain_policy(struct ic_iptc_session *s, struct ic_iptc_table *t, const struct ic_op *op)
{
	struct xt_counters cnt = { .pcnt = op->pcnt, .bcnt = op->bcnt };
	const char *chain = op->chain, *policy = op->arg;
	int rc;

	errno = 0;
	if (s->f->ops->set_policy(chain, policy, op->set_counters ? &cnt : NULL, t->xh))
		return 0;
	rc = ic_iptc_fail(s->cx, IC_IPTC_FN_SET_POLICY, errno, NULL);
	/* "Bad built-in chain name" for a user chain: it exists, the request is wrong */
	if (rc == IPTABLES_ENOTFOUND && s->f->ops->is_chain(chain, t->xh))
		rc = ic_error(s->cx, IPTABLES_EINVAL, "%s: Bad built-in chain name.",
			       ic_prog(s->cx));
	return rc;
}

/* iptables -Z [CHAIN [N]]: counters of one rule, one chain, or every chain. */
static int zero(struct ic_iptc_session *s, struct ic_iptc_table *t, const char *chain, int pos)
{
	const char *c;

	errno = 0;
	if (pos) {
		if (!s->f->zero_counter(chain, (unsigned int)pos, t->xh))
			return ic_iptc_fail(s->cx, IC_IPTC_FN_ZERO_NUM, errno, NULL);
		return 0;
	}
	if (chain) {
		if (!s->f->zero_entries(chain, t->xh))
			return ic_iptc_fail(s->cx, IC_IPTC_FN_OTHER, errno, NULL);
		return 0;
	}
	for (c = s->f->ops->first_chain(t->xh); c; c = s->f->ops->next_chain(t->xh))
		if (!s->f->zero_entries(c, t->xh))
			return ic_iptc_fail(s->cx, IC_IPTC_FN_OTHER, errno, NULL);
	return 0;
}

/* iptables -F without a chain: every chain, built-ins too. */
static int table_flush(struct ic_iptc_session *s, struct ic_iptc_table *t)
{
	const char *c;
	int rc;

	for (c = s->f->ops->first_chain(t->xh); c; c = s->f->ops->next_chain(t->xh)) {
		rc = chain_flush(s, t, c);
		if (rc)
			return rc;
	}
	return 0;
}

/* iptables -X without a chain: every user chain (names copied first: deleting moves the
 * chain iterator). */
static int table_delete_chains(struct ic_iptc_session *s, struct ic_iptc_table *t)
{
	struct ic_strv names = { 0 };
	const char *c;
	size_t i;
	int rc = 0;

	for (c = s->f->ops->first_chain(t->xh); c && !rc; c = s->f->ops->next_chain(t->xh))
		if (!s->f->ops->builtin(c, t->xh))
			rc = ic_strv_push(&names, c);
	if (rc)
		rc = ic_error(s->cx, rc, "%s: Memory allocation problem.", ic_prog(s->cx));
	for (i = 0; i < names.n && !rc; i++)
		rc = chain_delete(s, t, names.v[i]);
	ic_strv_clear(&names);
	return rc;
}

static int chain_op(struct ic_iptc_session *s, struct ic_iptc_table *t, const struct ic_op *op)
{
	const char *chain = op->chain;
	int rc;

	switch (op->code) {
	case IC_OP_DELETE_NUM:
		errno = 0;
		if (!s->f->delete_num_entry(chain, (unsigned int)op->pos - 1, t->xh))
			return ic_iptc_fail(s->cx, IC_IPTC_FN_DELETE_NUM, errno, NULL);
		return 0;
	case IC_OP_CHAIN_EXISTS:
		return s->f->ops->is_chain(chain, t->xh) ? 1 : 0;
	case IC_OP_NEW_CHAIN:
		return chain_create(s, t, chain);
	case IC_OP_CLEAR_CHAIN:
		if (s->f->ops->is_chain(chain, t->xh))
			return chain_flush(s, t, chain);
		return chain_create(s, t, chain);
	case IC_OP_DELETE_CHAIN:
		return chain_delete(s, t, chain);
	case IC_OP_RENAME_CHAIN:
		errno = 0;
		if (!s->f->rename_chain(chain, op->arg, t->xh))
			return ic_iptc_fail(s->cx, IC_IPTC_FN_OTHER, errno, NULL);
		return 0;
	case IC_OP_CLEAR_AND_DELETE_CHAIN:
		if (!s->f->ops->is_chain(chain, t->xh))
			return 0;
		rc = chain_flush(s, t, chain);
		return rc ? rc : chain_delete(s, t, chain);
	case IC_OP_POLICY:
		return chain_policy(s, t, op);
	case IC_OP_FLUSH_CHAIN:
		return chain_flush(s, t, chain);
	case IC_OP_ZERO:
		return zero(s, t, chain, op->pos);
	case IC_OP_CLEAR_ALL:
		return table_flush(s, t);
	case IC_OP_DELETE_ALL:
		return table_delete_chains(s, t);
	default:
		return rule_op(s, t, op);
	}
}

int ic_iptc_op_apply(struct ic_iptc_session *s, const struct ic_op *op)
{
	struct ic_iptc_table *t;
	int rc;

	rc = ic_iptc_session_table(s, op->table, &t);
	if (rc == IPTABLES_ENOTFOUND && op->code == IC_OP_CHAIN_EXISTS)
		return 0;	/* no such table: no such chain either */
	if (rc)
		return rc;
	return chain_op(s, t, op);
}
