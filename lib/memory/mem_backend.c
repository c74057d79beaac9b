/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IPTABLES_BACKEND_MEMORY: an in-memory ruleset per handle, legacy tables as a fresh network
 * namespace has them, rule text through the same libxtables parser and printer as the libiptc
 * backend, and the libiptc backend's results, listings, messages and codes.
 *
 * Every change runs on working copies of the tables it touches, which replace the handle's
 * tables only when every op succeeded and the kernel model accepts the result: one call, or
 * a whole transaction, is all or nothing. Never chosen by AUTO.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"
#include "../iptc/iptc_backend.h"
#include "../xt/xt.h"

struct mem_state {
	struct ic_mem_ruleset rs;
};

static struct ic_mem_ruleset *ruleset_of(struct ic_ctx *cx)
{
	return &((struct mem_state *)cx->state)->rs;
}

static int nomem(struct ic_ctx *cx)
{
	return ic_error(cx, IPTABLES_ENOMEM, "%s: Memory allocation problem.", ic_prog(cx));
}

/* Apply @ops in order and commit them together. The last op's result (1/0 for a predicate)
 * or the first failure. */
static int run_ops(struct ic_ctx *cx, const struct ic_op *ops, size_t n)
{
	struct ic_mem_work w;
	bool mutates = false;
	int rc = 0, result = 0;

	ic_mem_work_init(&w, cx, ruleset_of(cx));
	for (size_t i = 0; i < n && rc >= 0; i++) {
		rc = ic_mem_op_apply(&w, &ops[i]);
		if (rc < 0)
			cx->err->failed_op = i + 1;
		result = rc;
		mutates |= ic_op_mutates(ops[i].code);
	}
	if (rc >= 0 && mutates)
		rc = ic_mem_work_commit(&w);
	ic_mem_work_free(&w);
	return rc < 0 ? rc : result;
}

static int mem_apply(struct ic_ctx *cx, const struct ic_op *op, const struct ic_oplog *pending)
{
	struct ic_mem_work w;
	int rc;

	if (!pending)
		return run_ops(cx, op, 1);
	/* a predicate inside a transaction: it sees the pending ops, which stay pending */
	ic_mem_work_init(&w, cx, ruleset_of(cx));
	rc = ic_mem_replay(&w, pending, op->table);
	if (rc >= 0)
		rc = ic_mem_op_apply(&w, op);
	ic_mem_work_free(&w);
	return rc;
}

static int mem_commit(struct ic_ctx *cx, const struct ic_oplog *log)
{
	return run_ops(cx, log->ops, log->n);
}

/* What the libiptc backend checks when an op is logged: the words parse (jumps are resolved
 * at commit, when the chains created before exist), -N's name, -R's single address. */
static int mem_validate(struct ic_ctx *cx, struct ic_op *op, struct ic_arena *arena)
{
	struct ic_rules rs;
	int rc;

	(void)arena;
	if (op->code == IC_OP_NEW_CHAIN)
		return ic_mem_chain_name_check(cx, op->chain);
	if (!op->spec)
		return 0;
	rc = ic_mem_parse(cx, NULL, op, &rs);
	if (rc)
		return rc;
	if (op->code == IC_OP_REPLACE && rs.n != 1)
		rc = ic_param_error(cx, "Replacement rule does not specify a unique address");
	ic_rules_free(&rs);
	return rc;
}

/* ---- reading ---- */

/* The table as the call must see it: the handle's own, or inside a transaction a working
 * copy with the pending ops of that table applied. */
static int read_table(struct ic_ctx *cx, struct ic_mem_work *w, const struct ic_oplog *pending,
		      const char *table, const struct ic_mem_table **out)
{
	struct ic_mem_table *t = NULL;
	int rc;

	ic_mem_work_init(w, cx, ruleset_of(cx));
	if (!pending) {
		rc = ic_mem_base_table(cx, ruleset_of(cx), table, &t);
	} else {
		rc = ic_mem_work_table(w, table, &t);
		if (!rc)
			rc = ic_mem_replay(w, pending, table);
		if (rc > 0)
			rc = 0;
	}
	*out = t;
	return rc;
}

static int chain_header(struct ic_ctx *cx, const struct ic_mem_chain *c, bool counters,
			struct ic_strv *out)
{
	const char *pol = !ic_mem_chain_builtin(c) ? NULL : c->drop ? "DROP" : "ACCEPT";

	return ic_strv_push_chain(out, c->name, pol, counters, c->pcnt, c->bcnt) ? nomem(cx) : 0;
}

static int chain_rules(struct ic_ctx *cx, const struct ic_mem_chain *c, bool counters,
		       struct ic_strv *out)
{
	char *line;
	int rc;

	for (size_t i = 0; i < c->n; i++) {
		line = NULL;
		rc = ic_xt_format_rule(ic_nfproto_of(cx->proto), cx->mode, c->name, &c->rules[i],
				       counters, &line, cx->err);
		if (rc)
			return rc;
		if (ic_strv_push_owned(out, line))
			return nomem(cx);
	}
	return 0;
}

/* @chain, which must exist, or every chain when NULL: [first, last) of t->chains. */
static int chain_range(struct ic_ctx *cx, const struct ic_mem_table *t, const char *chain,
		       size_t *first, size_t *last)
{
	const struct ic_mem_chain *c;

	*first = 0;
	*last = t->n;
	if (!chain)
		return 0;
	c = ic_mem_chain_find(t, chain);
	if (!c)
		return ic_iptc_fail(cx, IC_IPTC_FN_OTHER, ENOENT, NULL);
	*first = (size_t)(c - t->chains);
	*last = *first + 1;
	return 0;
}

/* As iptables -S [CHAIN]: all -P/-N lines first, then the rules of each chain in order. */
static int mem_list(struct ic_ctx *cx, const struct ic_oplog *pending, const char *table,
		    const char *chain, bool counters, struct ic_strv *out)
{
	const struct ic_mem_table *t;
	struct ic_mem_work w;
	size_t first = 0, last = 0, i;
	int rc;

	rc = read_table(cx, &w, pending, table, &t);
	if (!rc)
		rc = chain_range(cx, t, chain, &first, &last);
	for (i = first; !rc && i < last; i++)
		rc = chain_header(cx, &t->chains[i], counters, out);
	for (i = first; !rc && i < last; i++)
		rc = chain_rules(cx, &t->chains[i], counters, out);
	ic_mem_work_free(&w);
	if (rc)
		ic_strv_clear(out);
	return rc;
}

static int mem_list_chains(struct ic_ctx *cx, const struct ic_oplog *pending, const char *table,
			   struct ic_strv *out)
{
	const struct ic_mem_table *t;
	struct ic_mem_work w;
	int rc;

	rc = read_table(cx, &w, pending, table, &t);
	for (size_t i = 0; !rc && i < t->n; i++)
		if (ic_strv_push(out, t->chains[i].name))
			rc = nomem(cx);
	ic_mem_work_free(&w);
	if (rc)
		ic_strv_clear(out);
	return rc;
}

static int mem_stats(struct ic_ctx *cx, const struct ic_oplog *pending, const char *table,
		     const char *chain, struct ic_statv *out)
{
	const struct ic_mem_table *t;
	const struct ic_mem_chain *c;
	struct iptables_stat *row;
	struct ic_mem_work w;
	size_t first = 0, last = 0;
	int rc;

	if (!chain)
		return ic_error(cx, IPTABLES_EINVAL, "NULL chain name");
	rc = read_table(cx, &w, pending, table, &t);
	if (!rc)
		rc = chain_range(cx, t, chain, &first, &last);
	c = rc ? NULL : &t->chains[first];
	for (size_t i = 0; c && !rc && i < c->n; i++) {
		row = ic_statv_add(out);
		if (!row)
			rc = nomem(cx);
		else
			rc = ic_xt_format_stat(ic_nfproto_of(cx->proto), cx->mode, &c->rules[i], row,
					       cx->err);
	}
	ic_mem_work_free(&w);
	if (rc)
		ic_statv_clear(out);
	return rc;
}

/* ---- handle ---- */

static int mem_open(struct ic_ctx *cx)
{
	ic_xt_version(&cx->ver_major, &cx->ver_minor, &cx->ver_patch);
	snprintf(cx->mode, sizeof(cx->mode), "legacy");
	cx->state = calloc(1, sizeof(struct mem_state));
	return cx->state ? 0 : nomem(cx);
}

static void mem_close(struct ic_ctx *cx)
{
	if (!cx->state)
		return;
	ic_mem_ruleset_clear(ruleset_of(cx));
	free(cx->state);
	cx->state = NULL;
}

/* Only ever on request: AUTO must find where the system's rules are. */
static enum ic_rank mem_probe(const struct ic_ctx *cx)
{
	(void)cx;
	return IC_RANK_NO;
}

/* As the kernel lists legacy tables (/proc/net/ip_tables_names): the newest first. */
static int mem_list_tables(struct ic_ctx *cx, const struct ic_oplog *pending,
			   struct ic_strv *out)
{
	const struct ic_mem_ruleset *rs = ruleset_of(cx);

	for (size_t i = rs->n; i-- > 0;)
		if (ic_strv_push(out, rs->tables[i]->name))
			return ic_err_nomem(cx->err, ic_prog(cx));
	return 0;
}

const struct ic_backend ic_backend_memory = {
	.name = "memory",
	.id = IPTABLES_BACKEND_MEMORY,
	.probe = mem_probe,
	.open = mem_open,
	.close = mem_close,
	.apply = mem_apply,
	.list = mem_list,
	.list_chains = mem_list_chains,
	.stats = mem_stats,
	.commit = mem_commit,
	.validate = mem_validate,
	.list_tables = mem_list_tables,
};
