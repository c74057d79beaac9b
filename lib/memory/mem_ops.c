/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One struct ic_op carried out on working copies of the memory backend's tables, step for
 * step as lib/iptc/iptc_ops.c runs it through libiptc: the same checks in the same order,
 * failing with the errno libiptc would set, reported through the libiptc backend's own
 * errno -> message table (ic_iptc_fail).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "../iptc/iptc_backend.h"
#include "../vec.h"
#include "../xt/xt.h"

static int fail(struct ic_mem_work *w, enum ic_iptc_fn fn, int err)
{
	return ic_iptc_fail(w->cx, fn, err, NULL);
}

static int nomem(struct ic_ctx *cx)
{
	return ic_error(cx, IPTABLES_ENOMEM, "%s: Memory allocation problem.", ic_prog(cx));
}

/* ---- tables ---- */

int ic_mem_base_table(struct ic_ctx *cx, struct ic_mem_ruleset *rs, const char *table,
		      struct ic_mem_table **out)
{
	struct ic_mem_table *t = ic_mem_ruleset_find(rs, table), *old;

	if (!t) {
		t = ic_mem_table_new(table);
		if (!t)
			return errno == ENOMEM ? nomem(cx)
					       : ic_iptc_fail(cx, IC_IPTC_FN_INIT, ENOENT, table);
		if (ic_mem_ruleset_put(rs, t, &old)) {
			ic_mem_table_free(t);
			return nomem(cx);
		}
	}
	*out = t;
	return 0;
}

void ic_mem_work_init(struct ic_mem_work *w, struct ic_ctx *cx, struct ic_mem_ruleset *base)
{
	memset(w, 0, sizeof(*w));
	w->cx = cx;
	w->base = base;
}

int ic_mem_work_table(struct ic_mem_work *w, const char *table, struct ic_mem_table **out)
{
	struct ic_mem_table *t;
	int rc;

	for (size_t i = 0; i < w->n; i++) {
		if (!strcmp(w->tabs[i]->name, table)) {
			*out = w->tabs[i];
			return 0;
		}
	}
	rc = ic_mem_base_table(w->cx, w->base, table, &t);
	if (rc)
		return rc;
	if (IC_VEC_RESERVE(w->tabs, w->cap, w->n + 1) || !(t = ic_mem_table_share(t)))
		return nomem(w->cx);
	w->tabs[w->n++] = t;
	*out = t;
	return 0;
}

static int track(struct ic_mem_work *w, bool added, size_t more)
{
	int rc = added ? IC_VEC_RESERVE(w->added, w->capadded, w->nadded + more)
		       : IC_VEC_RESERVE(w->removed, w->capremoved, w->nremoved + more);

	return rc ? nomem(w->cx) : 0;
}

int ic_mem_rule_insert(struct ic_mem_work *w, struct ic_mem_chain *c, size_t i,
		       struct ic_rule *r)
{
	if (track(w, true, 1) || IC_VEC_RESERVE(c->rules, c->cap, c->n + 1))
		return nomem(w->cx);
	memmove(&c->rules[i + 1], &c->rules[i], (c->n - i) * sizeof(*r));
	c->rules[i] = *r;
	c->n++;
	w->added[w->nadded++] = *r;
	memset(r, 0, sizeof(*r));
	return 0;
}

int ic_mem_rule_remove(struct ic_mem_work *w, struct ic_mem_chain *c, size_t i)
{
	if (track(w, false, 1))
		return IPTABLES_ENOMEM;
	w->removed[w->nremoved++] = c->rules[i];
	memmove(&c->rules[i], &c->rules[i + 1], (c->n - i - 1) * sizeof(c->rules[0]));
	c->n--;
	return 0;
}

int ic_mem_rule_replace(struct ic_mem_work *w, struct ic_mem_chain *c, size_t i,
			struct ic_rule *r)
{
	if (track(w, false, 1) || track(w, true, 1))
		return IPTABLES_ENOMEM;
	w->removed[w->nremoved++] = c->rules[i];
	w->added[w->nadded++] = *r;
	c->rules[i] = *r;
	memset(r, 0, sizeof(*r));
	return 0;
}

int ic_mem_chain_flush(struct ic_mem_work *w, struct ic_mem_chain *c)
{
	if (track(w, false, c->n))
		return IPTABLES_ENOMEM;
	if (c->n)
		memcpy(&w->removed[w->nremoved], c->rules, c->n * sizeof(*c->rules));
	w->nremoved += c->n;
	c->n = 0;
	return 0;
}

int ic_mem_work_commit(struct ic_mem_work *w)
{
	struct ic_mem_table *old;
	size_t i;
	int err;

	for (i = 0; i < w->n; i++) {
		err = ic_mem_kernel_check(w->tabs[i], ic_nfproto_of(w->cx->proto));
		if (err)
			return fail(w, IC_IPTC_FN_COMMIT, err);
	}
	/* every table is already in the base ruleset: replacing allocates nothing */
	for (i = 0; i < w->n; i++) {
		ic_mem_ruleset_put(w->base, w->tabs[i], &old);
		ic_mem_table_free_shallow(old);
	}
	w->n = 0;
	for (i = 0; i < w->nremoved; i++)
		ic_rule_free(&w->removed[i]);
	w->nremoved = 0;
	w->nadded = 0;
	return 0;
}

void ic_mem_work_free(struct ic_mem_work *w)
{
	for (size_t i = 0; i < w->n; i++)
		ic_mem_table_free_shallow(w->tabs[i]);
	for (size_t i = 0; i < w->nadded; i++)
		ic_rule_free(&w->added[i]);
	free(w->tabs);
	free(w->added);
	free(w->removed);
	memset(w, 0, sizeof(*w));
}

/* ---- parsing ---- */

static bool chain_exists(void *arg, const char *chain)
{
	return ic_mem_chain_find(arg, chain) != NULL;
}

/* Every revision the extensions know is taken to be the kernel's: there is no kernel. */
static int any_revision(const char *name, uint8_t rev, int opt)
{
	(void)name;
	(void)rev;
	(void)opt;
	return 1;
}

int ic_mem_parse(struct ic_ctx *cx, const struct ic_mem_table *t, const struct ic_op *op,
		 struct ic_rules *out)
{
	int rc = ic_op_parse(cx, op, t ? chain_exists : NULL, (void *)t, any_revision, out);

	if (rc)
		return rc;
	/* what libiptc cannot hold, the libiptc backend refuses */
	rc = ic_legacy_entry_check(cx, out);
	if (rc)
		ic_rules_free(out);
	return rc;
}

/* ---- rules ---- */

/* libiptc's iptcc_map_target: a jump to a built-in chain is EINVAL. */
static int map_target(const struct ic_mem_table *t, const struct ic_rule *r)
{
	const struct ic_mem_chain *c;

	if (!ic_mem_rule_jumps(r))
		return 0;
	c = ic_mem_chain_find(t, r->jumpto);
	return c && ic_mem_chain_builtin(c) ? EINVAL : 0;
}

static ssize_t rule_find(const struct ic_mem_chain *c, const struct ic_rule *r)
{
	for (size_t i = 0; i < c->n; i++)
		if (ic_mem_rule_same(r, &c->rules[i]))
			return (ssize_t)i;
	return -1;
}

/* 1 when every rule of @rs is in @chain, 0 when one is not or the chain is absent. */
static int rule_present(struct ic_mem_work *w, struct ic_mem_table *t, const char *chain,
			const struct ic_rules *rs)
{
	struct ic_mem_chain *c = ic_mem_chain_find(t, chain);
	int err;

	for (size_t i = 0; i < rs->n; i++) {
		if (!c)
			return 0;
		err = map_target(t, &rs->v[i]);
		if (err)
			return fail(w, IC_IPTC_FN_OTHER, err);
		if (rule_find(c, &rs->v[i]) < 0)
			return 0;
	}
	return 1;
}

/* Like iptables -I: each rule goes in at the same position (several addresses end up in
 * reverse order); append is an insert at the end. @pos is 1-based, 0 for append. */
static int rule_insert(struct ic_mem_work *w, struct ic_mem_table *t, const char *chain,
		       int pos, struct ic_rules *rs)
{
	enum ic_iptc_fn fn = pos ? IC_IPTC_FN_INSERT : IC_IPTC_FN_OTHER;
	struct ic_mem_chain *c;
	int err;

	for (size_t i = 0; i < rs->n; i++) {
		c = ic_mem_chain_find(t, chain);
		if (!c)
			return fail(w, fn, ENOENT);
		if (pos && (size_t)pos - 1 > c->n)
			return fail(w, fn, E2BIG);
		err = map_target(t, &rs->v[i]);
		if (err)
			return fail(w, fn, err);
		if (ic_mem_rule_insert(w, c, pos ? (size_t)pos - 1 : c->n, &rs->v[i]))
			return IPTABLES_ENOMEM;
	}
	return 0;
}

static int rule_delete(struct ic_mem_work *w, struct ic_mem_table *t, const char *chain,
		       const struct ic_rules *rs)
{
	struct ic_mem_chain *c = ic_mem_chain_find(t, chain);
	ssize_t at;
	int err;

	for (size_t i = 0; i < rs->n; i++) {
		if (!c)
			return fail(w, IC_IPTC_FN_DELETE_ENTRY, ENOENT);
		err = map_target(t, &rs->v[i]);
		if (err)
			return fail(w, IC_IPTC_FN_DELETE_ENTRY, err);
		at = rule_find(c, &rs->v[i]);
		if (at < 0)
			return fail(w, IC_IPTC_FN_DELETE_ENTRY, ENOENT);
		if (ic_mem_rule_remove(w, c, (size_t)at))
			return IPTABLES_ENOMEM;
	}
	return 0;
}

static int rule_replace(struct ic_mem_work *w, struct ic_mem_table *t, const struct ic_op *op,
			struct ic_rules *rs)
{
	struct ic_mem_chain *c;
	int err;

	if (rs->n != 1)
		return ic_param_error(w->cx, "Replacement rule does not specify a unique address");
	c = ic_mem_chain_find(t, op->chain);
	if (!c)
		return fail(w, IC_IPTC_FN_REPLACE, ENOENT);
	if ((size_t)op->pos - 1 >= c->n)
		return fail(w, IC_IPTC_FN_REPLACE, E2BIG);
	err = map_target(t, &rs->v[0]);
	if (err)
		return fail(w, IC_IPTC_FN_REPLACE, err);
	return ic_mem_rule_replace(w, c, (size_t)op->pos - 1, &rs->v[0]) ? IPTABLES_ENOMEM : 0;
}

static int rule_op(struct ic_mem_work *w, struct ic_mem_table *t, const struct ic_op *op)
{
	struct ic_rules rs;
	int rc;

	rc = ic_mem_parse(w->cx, t, op, &rs);
	if (rc)
		return rc;
	switch (op->code) {
	case IC_OP_APPEND:
		rc = rule_insert(w, t, op->chain, 0, &rs);
		break;
	case IC_OP_APPEND_UNIQUE:
		rc = rule_present(w, t, op->chain, &rs);
		if (rc == 0)
			rc = rule_insert(w, t, op->chain, 0, &rs);
		break;
	case IC_OP_INSERT:
		rc = rule_insert(w, t, op->chain, op->pos, &rs);
		break;
	case IC_OP_INSERT_UNIQUE:
		rc = rule_present(w, t, op->chain, &rs);
		if (rc == 0)
			rc = rule_insert(w, t, op->chain, op->pos, &rs);
		break;
	case IC_OP_REPLACE:
		rc = rule_replace(w, t, op, &rs);
		break;
	case IC_OP_DELETE:
		rc = rule_delete(w, t, op->chain, &rs);
		break;
	case IC_OP_DELETE_IF_EXISTS:
		rc = rule_present(w, t, op->chain, &rs);
		if (rc == 1)
			rc = rule_delete(w, t, op->chain, &rs);
		break;
	case IC_OP_CHECK:
		rc = rule_present(w, t, op->chain, &rs);
		break;
	default:
		rc = ic_error(w->cx, IPTABLES_EINVAL, "unknown operation %d", (int)op->code);
		break;
	}
	ic_rules_free(&rs);
	if (rc > 0 && op->code != IC_OP_CHECK)
		rc = 0;
	return rc;
}

/* ---- chains ---- */

/* iptables' assert_valid_chain_name(): -N refuses the name of a target (ACCEPT, LOG, ...). */
int ic_mem_chain_name_check(struct ic_ctx *cx, const char *chain)
{
	int rc = ic_xt_is_target(ic_nfproto_of(cx->proto), cx->mode, chain, cx->err);

	if (rc < 0)
		return rc;
	return rc ? ic_param_error(cx, "chain name may not clash with target name") : 0;
}

static int chain_create(struct ic_mem_work *w, struct ic_mem_table *t, const char *chain)
{
	int rc = ic_mem_chain_name_check(w->cx, chain);

	if (rc)
		return rc;
	if (ic_mem_chain_find(t, chain) || ic_is_verdict(chain))
		return fail(w, IC_IPTC_FN_CREATE_CHAIN, EEXIST);
	if (strlen(chain) + 1 > IC_MEM_NAMELEN)
		return fail(w, IC_IPTC_FN_CREATE_CHAIN, EINVAL);
	return ic_mem_chain_add(t, chain) ? nomem(w->cx) : 0;
}

static int chain_flush(struct ic_mem_work *w, struct ic_mem_table *t, const char *chain)
{
	struct ic_mem_chain *c = ic_mem_chain_find(t, chain);

	if (!c)
		return fail(w, IC_IPTC_FN_OTHER, ENOENT);
	return ic_mem_chain_flush(w, c) ? IPTABLES_ENOMEM : 0;
}

static int chain_delete(struct ic_mem_work *w, struct ic_mem_table *t, const char *chain)
{
	struct ic_mem_chain *c = ic_mem_chain_find(t, chain);

	if (!c)
		return fail(w, IC_IPTC_FN_OTHER, ENOENT);
	if (ic_mem_chain_builtin(c))
		return fail(w, IC_IPTC_FN_OTHER, EINVAL);
	if (ic_mem_references(t, chain) > 0)
		return fail(w, IC_IPTC_FN_OTHER, EMLINK);
	if (c->n)
		return fail(w, IC_IPTC_FN_OTHER, ENOTEMPTY);
	ic_mem_chain_remove(t, c);
	return 0;
}

static int chain_rename(struct ic_mem_work *w, struct ic_mem_table *t, const char *chain,
			const char *name)
{
	struct ic_mem_chain *c;

	if (ic_mem_chain_find(t, name) || ic_is_verdict(name))
		return fail(w, IC_IPTC_FN_OTHER, EEXIST);
	c = ic_mem_chain_find(t, chain);
	if (!c || ic_mem_chain_builtin(c))
		return fail(w, IC_IPTC_FN_OTHER, ENOENT);
	if (strlen(name) + 1 > IC_MEM_NAMELEN)
		return fail(w, IC_IPTC_FN_OTHER, EINVAL);
	ic_mem_chain_rename(t, c, name);
	return 0;
}

static int chain_policy(struct ic_mem_work *w, struct ic_mem_table *t, const struct ic_op *op)
{
	const char *chain = op->chain, *policy = op->arg;
	struct ic_mem_chain *c = ic_mem_chain_find(t, chain);

	if (!c)
		return fail(w, IC_IPTC_FN_SET_POLICY, ENOENT);
	/* libiptc says ENOENT for a user chain too; the libiptc backend makes it EINVAL */
	if (!ic_mem_chain_builtin(c))
		return ic_error(w->cx, IPTABLES_EINVAL, "%s: Bad built-in chain name.",
				ic_prog(w->cx));
	if (strcmp(policy, "ACCEPT") && strcmp(policy, "DROP"))
		return fail(w, IC_IPTC_FN_SET_POLICY, EINVAL);
	c->drop = !strcmp(policy, "DROP");
	/* no counters given: libiptc's COUNTER_MAP_NOMAP, the kernel starts them at zero */
	c->pcnt = op->set_counters ? op->pcnt : 0;
	c->bcnt = op->set_counters ? op->bcnt : 0;
	return 0;
}

/* -Z [CHAIN [N]]: libiptc's zero_entries / zero_counter (E2BIG past the last rule). */
static int zero(struct ic_mem_work *w, struct ic_mem_table *t, const struct ic_op *op)
{
	struct ic_mem_chain *c;

	if (!op->chain) {
		for (size_t i = 0; i < t->n; i++)
			for (size_t k = 0; k < t->chains[i].n; k++)
				t->chains[i].rules[k].pcnt = t->chains[i].rules[k].bcnt = 0;
		return 0;
	}
	c = ic_mem_chain_find(t, op->chain);
	if (!c)
		return fail(w, IC_IPTC_FN_OTHER, ENOENT);
	if (op->pos && (size_t)op->pos > c->n)
		return fail(w, IC_IPTC_FN_ZERO_NUM, E2BIG);
	for (size_t k = 0; k < c->n; k++)
		if (!op->pos || k == (size_t)op->pos - 1)
			c->rules[k].pcnt = c->rules[k].bcnt = 0;
	return 0;
}

static int table_flush(struct ic_mem_work *w, struct ic_mem_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		if (ic_mem_chain_flush(w, &t->chains[i]))
			return IPTABLES_ENOMEM;
	return 0;
}

/* iptables -X without a chain: every user chain, in order, until one cannot go. */
static int table_delete_chains(struct ic_mem_work *w, struct ic_mem_table *t)
{
	char name[IC_MEM_NAMELEN];
	int rc;

	while (t->n > t->nbuiltin) {
		memcpy(name, t->chains[t->nbuiltin].name, sizeof(name));
		rc = chain_delete(w, t, name);
		if (rc)
			return rc;
	}
	return 0;
}

static int chain_op(struct ic_mem_work *w, struct ic_mem_table *t, const struct ic_op *op)
{
	struct ic_mem_chain *c;
	int rc;

	switch (op->code) {
	case IC_OP_DELETE_NUM:
		c = ic_mem_chain_find(t, op->chain);
		if (!c)
			return fail(w, IC_IPTC_FN_DELETE_NUM, ENOENT);
		if ((size_t)op->pos - 1 >= c->n)
			return fail(w, IC_IPTC_FN_DELETE_NUM, E2BIG);
		return ic_mem_rule_remove(w, c, (size_t)op->pos - 1) ? IPTABLES_ENOMEM : 0;
	case IC_OP_CHAIN_EXISTS:
		return ic_mem_chain_find(t, op->chain) ? 1 : 0;
	case IC_OP_NEW_CHAIN:
		return chain_create(w, t, op->chain);
	case IC_OP_CLEAR_CHAIN:
		if (ic_mem_chain_find(t, op->chain))
			return chain_flush(w, t, op->chain);
		return chain_create(w, t, op->chain);
	case IC_OP_DELETE_CHAIN:
		return chain_delete(w, t, op->chain);
	case IC_OP_RENAME_CHAIN:
		return chain_rename(w, t, op->chain, op->arg);
	case IC_OP_CLEAR_AND_DELETE_CHAIN:
		if (!ic_mem_chain_find(t, op->chain))
			return 0;
		rc = chain_flush(w, t, op->chain);
		return rc ? rc : chain_delete(w, t, op->chain);
	case IC_OP_POLICY:
		return chain_policy(w, t, op);
	case IC_OP_FLUSH_CHAIN:
		return chain_flush(w, t, op->chain);
	case IC_OP_ZERO:
		return zero(w, t, op);
	case IC_OP_CLEAR_ALL:
		return table_flush(w, t);
	case IC_OP_DELETE_ALL:
		return table_delete_chains(w, t);
	default:
		return rule_op(w, t, op);
	}
}

int ic_mem_op_apply(struct ic_mem_work *w, const struct ic_op *op)
{
	struct ic_mem_table *t;
	int rc;

	rc = ic_mem_work_table(w, op->table, &t);
	if (rc == IPTABLES_ENOTFOUND && op->code == IC_OP_CHAIN_EXISTS)
		return 0;	/* no such table: no such chain either */
	if (rc)
		return rc;
	return chain_op(w, t, op);
}

int ic_mem_replay(struct ic_mem_work *w, const struct ic_oplog *pending, const char *table)
{
	int rc;

	if (!pending)
		return 0;
	for (size_t i = 0; i < pending->n; i++) {
		if (table && strcmp(pending->ops[i].table, table) != 0)
			continue;
		rc = ic_mem_op_apply(w, &pending->ops[i]);
		if (rc < 0)
			return rc;
	}
	return 0;
}
