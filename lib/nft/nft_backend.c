/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IPTABLES_BACKEND_NFT: the backend table. Changes go through nft_ops.c as one batch per
 * call or transaction; reads come from the generation-checked model (nft_cache.c) and are
 * printed by the same libxtables printer as every backend, as iptables-nft -S prints them
 * (missing built-in chains shown the way nft_xt_fake_builtin_chains shows them).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/table.h>

#include "nft.h"

static struct ic_nft_state *state_of(struct ic_ctx *cx)
{
	return cx->state;
}

static int nomem(struct ic_ctx *cx)
{
	return ic_err_nomem(cx->err, ic_prog(cx));
}

static int nft_apply(struct ic_ctx *cx, const struct ic_op *op, const struct ic_oplog *pending)
{
	if (pending)
		return ic_nft_predicate(cx, state_of(cx), op, pending);
	if (!ic_op_mutates(op->code))
		return ic_nft_predicate(cx, state_of(cx), op, NULL);
	return ic_nft_run(cx, state_of(cx), op, 1);
}

static int nft_commit(struct ic_ctx *cx, const struct ic_oplog *log)
{
	return ic_nft_run(cx, state_of(cx), log->ops, log->n);
}

/* As the other backends check an op when it is logged: the words parse, -N's name, -R's
 * single address. Jumps are resolved at commit, where the parse kept here is used. */
static int nft_validate(struct ic_ctx *cx, struct ic_op *op, struct ic_arena *arena)
{
	struct ic_rules rs;
	int rc;

	if (op->code == IC_OP_NEW_CHAIN) {
		rc = ic_xt_is_target(ic_nft_family(cx), cx->mode, op->chain, cx->err);
		if (rc > 0)
			rc = ic_param_error(cx, "chain name may not clash with target name");
		return rc;
	}
	if (!op->spec)
		return 0;
	rc = ic_nft_parse(cx, op, &rs);
	if (rc)
		return rc;
	if (op->code == IC_OP_REPLACE && rs.n != 1)
		rc = ic_param_error(cx, "Replacement rule does not specify a unique address");
	/* the parse does not depend on the table (jumps are checked at commit): keep it */
	else if (!(op->parsed = (void *)ic_rules_pack(arena, &rs)))
		rc = nomem(cx);
	ic_rules_free(&rs);
	return rc;
}

/* ---- reading ---- */

/* iptables-nft 1.8.9 says this of -S / -L for a chain it cannot show, missing or not, and of
 * a whole table holding such a chain (@chain NULL). */
static int incompatible(struct ic_ctx *cx, const char *table, const char *chain, int code)
{
	return ic_error(cx, code, "%s v%d.%d.%d (%s): %s%s%stable `%s' is incompatible, "
			"use 'nft' tool.", ic_prog(cx), cx->ver_major, cx->ver_minor,
			cx->ver_patch, cx->mode, chain ? "chain `" : "", chain ? chain : "",
			chain ? "' in " : "", table);
}

static int view(struct ic_ctx *cx, const struct ic_oplog *pending, const char *table,
		bool counters, struct ic_nft_table **t)
{
	return ic_nft_view(cx, state_of(cx), pending, table, counters, t);
}

static void view_done(struct ic_ctx *cx, const struct ic_oplog *pending, const char *table)
{
	const struct ic_nft_tabledef *d = ic_nft_tabledef(table);

	/* a model with pending ops on it is not the kernel's */
	if (pending && pending->n && d)
		ic_nft_cache_forget(&state_of(cx)->cache, 1u << (d - ic_nft_tables));
}

static int chain_range(struct ic_ctx *cx, const struct ic_nft_table *t, const char *chain,
		       size_t *first, size_t *last)
{
	const struct ic_nft_chain *c;

	*first = 0;
	*last = t->n;
	if (!chain)
		return 0;
	c = ic_nft_chain_find(t, chain);
	if (!c)
		return incompatible(cx, t->def->name, chain, IPTABLES_ENOTFOUND);
	*first = 0;
	while (t->chains[*first] != c)
		(*first)++;
	*last = *first + 1;
	return 0;
}

static int chain_header(struct ic_ctx *cx, const struct ic_nft_chain *c, bool counters,
			struct ic_strv *out)
{
	const char *pol = c->hook < 0 ? NULL : c->drop ? "DROP" : "ACCEPT";

	return ic_strv_push_chain(out, c->name, pol, counters, c->pcnt, c->bcnt) ? nomem(cx) : 0;
}

static int chain_rules(struct ic_ctx *cx, const struct ic_nft_chain *c, bool counters,
		       struct ic_strv *out)
{
	char *line;
	int rc;

	for (size_t i = 0; i < c->n; i++) {
		line = NULL;
		rc = ic_xt_format_rule(ic_nft_family(cx), cx->mode, c->name, &c->rules[i]->r,
				       counters, &line, cx->err);
		if (rc)
			return rc;
		if (ic_strv_push_owned(out, line))
			return nomem(cx);
	}
	return 0;
}

static int nft_list(struct ic_ctx *cx, const struct ic_oplog *pending, const char *table,
		    const char *chain, bool counters, struct ic_strv *out)
{
	struct ic_nft_table *t;
	size_t first = 0, last = 0, i;
	int rc;

	rc = view(cx, pending, table, counters, &t);
	if (!rc)
		rc = chain_range(cx, t, chain, &first, &last);
	for (i = first; !rc && i < last; i++)
		if (t->chains[i]->incompatible)
			rc = incompatible(cx, table, chain, t->chains[i]->incompatible);
	for (i = first; !rc && i < last; i++)
		rc = chain_header(cx, t->chains[i], counters, out);
	for (i = first; !rc && i < last; i++)
		rc = chain_rules(cx, t->chains[i], counters, out);
	view_done(cx, pending, table);
	if (rc)
		ic_strv_clear(out);
	return rc;
}

static int nft_list_chains(struct ic_ctx *cx, const struct ic_oplog *pending, const char *table,
			   struct ic_strv *out)
{
	struct ic_nft_table *t;
	int rc;

	rc = view(cx, pending, table, false, &t);
	for (size_t i = 0; !rc && i < t->n; i++)
		if (ic_strv_push(out, t->chains[i]->name))
			rc = nomem(cx);
	view_done(cx, pending, table);
	if (rc)
		ic_strv_clear(out);
	return rc;
}

static int nft_stats(struct ic_ctx *cx, const struct ic_oplog *pending, const char *table,
		     const char *chain, struct ic_statv *out)
{
	const struct ic_nft_chain *c = NULL;
	struct iptables_stat *row;
	struct ic_nft_table *t;
	size_t first = 0, last = 0;
	int rc;

	if (!chain)
		return ic_error(cx, IPTABLES_EINVAL, "NULL chain name");
	rc = view(cx, pending, table, true, &t);
	if (!rc)
		rc = chain_range(cx, t, chain, &first, &last);
	if (!rc) {
		c = t->chains[first];
		if (c->incompatible)
			rc = incompatible(cx, table, c->name, IPTABLES_EUNSUPPORTED);
	}
	for (size_t i = 0; !rc && i < c->n; i++) {
		row = ic_statv_add(out);
		if (!row)
			rc = nomem(cx);
		else
			rc = ic_xt_format_stat(ic_nft_family(cx), cx->mode, &c->rules[i]->r, row,
					       cx->err);
	}
	view_done(cx, pending, table);
	if (rc)
		ic_statv_clear(out);
	return rc;
}

/* The tables that exist, in iptables-nft-save's order. */
static int nft_list_tables(struct ic_ctx *cx, const struct ic_oplog *pending,
			   struct ic_strv *out)
{
	struct ic_nft_table *t;
	int rc = 0;

	for (size_t i = 0; !rc && i < ic_nft_ntables; i++) {
		rc = view(cx, pending, ic_nft_tables[i].name, false, &t);
		if (!rc && t->in_kernel && ic_strv_push(out, ic_nft_tables[i].name))
			rc = nomem(cx);
		view_done(cx, pending, ic_nft_tables[i].name);
	}
	if (rc)
		ic_strv_clear(out);
	return rc;
}

static int nft_generation(struct ic_ctx *cx, const char *table, uint64_t *gen)
{
	uint32_t g;
	int rc = ic_nft_genid(cx, &state_of(cx)->sock, &g);

	(void)table;
	if (!rc)
		*gen = g;
	return rc;
}

/* ---- handle ---- */

static int nft_open(struct ic_ctx *cx)
{
	struct ic_nft_state *st;
	int rc;

	ic_xt_version(&cx->ver_major, &cx->ver_minor, &cx->ver_patch);
	snprintf(cx->mode, sizeof(cx->mode), IC_NFT_MODE);
	st = calloc(1, sizeof(*st));
	if (!st || ic_nft_cache_init(&st->cache)) {
		free(st);
		return nomem(cx);
	}
	rc = ic_nft_sock_open(cx, &st->sock);
	if (!rc)
		rc = ic_nft_cache_listen(cx, &st->cache);
	if (rc) {
		ic_nft_cache_free(&st->cache);
		ic_nft_sock_close(&st->sock);
		free(st);
		return rc;
	}
	cx->state = st;
	return 0;
}

static void nft_close(struct ic_ctx *cx)
{
	struct ic_nft_state *st = state_of(cx);

	if (!st)
		return;
	ic_nft_cache_free(&st->cache);
	ic_nft_sock_close(&st->sock);
	free(st);
	cx->state = NULL;
}

static int known_table_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct nftnl_table *t = nftnl_table_alloc();
	const char *name;

	if (!t)
		return IPTABLES_ENOMEM;
	if (nftnl_table_nlmsg_parse(nlh, t) == 0 &&
	    (name = nftnl_table_get_str(t, NFTNL_TABLE_NAME)) && ic_nft_tabledef(name))
		*(bool *)arg = true;
	nftnl_table_free(t);
	return 0;
}

/* Can this process talk to nf_tables here, and does it hold a table iptables-nft knows?
 * One table dump on a throwaway socket. */
static bool nft_usable(const struct ic_ctx *cx, bool *holds_tables)
{
	struct ic_ctx probe = *cx;
	struct ic_err err = { 0 };
	struct ic_nft_sock s;
	bool ok;

	*holds_tables = false;
	probe.err = &err;
	if (ic_nft_sock_open(&probe, &s))
		return false;
	ok = ic_nft_dump(&probe, &s, NFT_MSG_GETTABLE, ic_nft_family(cx), NULL, known_table_cb,
			 holds_tables) == 0;
	ic_nft_sock_close(&s);
	return ok && ic_xt_usable(ic_nft_family(cx), &err) == 0;
}

/* The system's iptables is the nf_tables variant -> this backend; no iptables at all ->
 * this one when nf_tables holds iptables tables (a tie with legacy tables that hold rules
 * goes to this row, registry.c) or as the fallback it prefers; legacy -> a fallback. */
static enum ic_rank nft_probe(const struct ic_ctx *cx)
{
	enum ic_variant v = ic_system_variant(cx->proto);
	bool holds;

	if (!nft_usable(cx, &holds))
		return IC_RANK_NO;
	if (v == IC_VARIANT_NFT)
		return IC_RANK_SYSTEM;
	return v == IC_VARIANT_NONE && holds ? IC_RANK_WHERE_RULES_ARE : IC_RANK_FALLBACK;
}

const struct ic_backend ic_backend_nft = {
	.name = "nft",
	.id = IPTABLES_BACKEND_NFT,
	.probe = nft_probe,
	.open = nft_open,
	.close = nft_close,
	.apply = nft_apply,
	.list = nft_list,
	.list_chains = nft_list_chains,
	.stats = nft_stats,
	.commit = nft_commit,
	.validate = nft_validate,
	.list_tables = nft_list_tables,
	.generation = nft_generation,
	.wait_change = ic_nft_wait_change,
	.random_fully = ic_nft_random_fully,
};
