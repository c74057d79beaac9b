/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Ops on the nf_tables backend. Each op is checked against the model of its table (the
 * cache), changes the model, and records actions; the actions of a call or a transaction go
 * to the kernel as one batch carrying the generation id the model was read at, so the
 * kernel applies all of them or none. When another writer committed first (ERESTART) the
 * tables are read again and the ops run again on them, a bounded number of times.
 *
 * Which messages, flags and words: as iptables-nft 1.8.9 (nft.c: nft_rule_append,
 * nft_rule_insert, nft_rule_delete, nft_chain_user_add, nft_chain_user_rename, nft_chain_set,
 * nft_xt_builtin_init, nft_strerror). Tables and built-in chains come into being lazily,
 * in the batch of the first op that needs them.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>

#include "nft.h"
#include "../arena.h"
#include "../vec.h"
#include "../xt/xt.h"

#define MAX_TRIES 64		/* a call started again after another writer got in first */
#define MUTE_MIN 16		/* batches touching this many objects are not announced to us */

enum act_kind {
	A_TABLE,		/* NEWTABLE */
	A_CHAIN_BASE,		/* NEWCHAIN of a built-in chain: hook, priority, type, policy */
	A_CHAIN_USER,		/* NEWCHAIN, NLM_F_EXCL */
	A_CHAIN_DEL,		/* DELCHAIN, NLM_F_NONREC */
	A_CHAIN_RENAME,		/* NEWCHAIN by handle with the new name */
	A_POLICY,		/* NEWCHAIN with the policy (and counters) */
	A_CHAIN_ZERO,		/* NEWCHAIN with zero counters */
	A_RULE_ADD,		/* NEWRULE: append, or before a rule (handle or id) */
	A_RULE_REPLACE,		/* NEWRULE, NLM_F_REPLACE of a handle */
	A_RULE_DEL,		/* DELRULE by handle or id */
	A_FLUSH,		/* DELRULE of a whole chain */
};

struct act {
	enum act_kind kind;
	size_t op;
	const struct ic_nft_tabledef *def;
	const char *chain;		/* "" for a table; names live in the work's arena */
	const char *newname;
	const struct ic_nft_builtin *builtin;
	uint64_t handle;		/* chain (rename) or rule (replace, delete) */
	uint32_t id;			/* rule id: of the rule added, or deleted */
	uint64_t pos_handle;		/* A_RULE_ADD: before this rule ... */
	uint32_t pos_id;		/* ... or this rule of the batch; neither: append */
	bool insert;			/* -I: RULE_INSERT in messages */
	bool jumps_builtin;		/* its rule jumps to a built-in chain (the kernel says no) */
	int line;			/* the op's iptables_restore input line, or 0 */
	bool drop, set_counters;
	uint64_t pcnt, bcnt;
	struct nftnl_rule *nr;		/* A_RULE_ADD / A_RULE_REPLACE */
	struct ic_nft_rule *mrule;	/* the model's rule that gets the new handle */
	bool echo;			/* NLM_F_ECHO: its handle comes back (see settle) */
	size_t msg_off, msg_len;	/* its message in the batch last built */
	bool echoed;
	uint64_t echo_handle;
};

struct work {
	struct ic_ctx *cx;
	struct ic_nft_state *st;
	struct act *a;
	size_t n, cap;
	size_t op;			/* index of the op being applied */
	int line;			/* and its iptables_restore input line, or 0 */
	bool reader;			/* a read: tables must be read at one generation */
	size_t objects;			/* chains and rules the acts touch (a flush: each rule) */
	struct ic_arena names;		/* the acts' chain names */
	unsigned touched;		/* tables (bit per ic_nft_tables row) the ops used */
};

static int nomem(struct ic_ctx *cx)
{
	return ic_err_nomem(cx->err, ic_prog(cx));
}

/* iptables-nft's nft_strerror for the function that failed, "iptables: <text>." */
enum nft_fn { FN_OTHER, FN_CHAIN_DEL, FN_CHAIN_ADD, FN_CHAIN_RENAME, FN_INSERT, FN_CHECK,
	      FN_REPLACE, FN_DELETE_NUM, FN_DELETE, FN_CHAIN_SET };

static const char *nft_text(enum nft_fn fn, int err)
{
	static const struct { enum nft_fn fn; int err; const char *text; } tab[] = {
		{ FN_CHAIN_DEL, ENOTEMPTY, "Chain is not empty" },
		{ FN_CHAIN_DEL, EBUSY, "Directory not empty" },
		{ FN_CHAIN_DEL, EMLINK, "Can't delete chain with references left" },
		{ FN_CHAIN_ADD, EEXIST, "Chain already exists" },
		{ FN_CHAIN_RENAME, EEXIST, "File exists" },
		{ FN_INSERT, E2BIG, "Index of insertion too big" },
		{ FN_CHECK, ENOENT, "Bad rule (does a matching rule exist in that chain?)" },
		{ FN_REPLACE, E2BIG, "Index of replacement too big" },
		{ FN_DELETE_NUM, E2BIG, "Index of deletion too big" },
		{ FN_DELETE, ENOENT, "Bad rule (does a matching rule exist in that chain?)" },
		{ FN_CHAIN_SET, ENOENT, "Bad built-in chain name" },
		{ FN_CHAIN_SET, EINVAL, "Bad policy name" },
		{ FN_OTHER, EPERM, "Permission denied (you must be root)" },
		{ FN_OTHER, ENOMEM, "Memory allocation problem" },
		{ FN_OTHER, ENOENT, "No chain/target/match by that name" },
	};

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if ((tab[i].fn == FN_OTHER || tab[i].fn == fn) && tab[i].err == err)
			return tab[i].text;
	return strerror(err);
}

static int code_of(int err)
{
	switch (err) {
	case ENOENT: return IPTABLES_ENOTFOUND;
	case EEXIST: return IPTABLES_EEXIST;
	case E2BIG: return IPTABLES_ERANGE;
	case EBUSY: case ENOTEMPTY: case EMLINK: return IPTABLES_EBUSY;
	case EPERM: case EACCES: return IPTABLES_EPERM;
	case ENOMEM: return IPTABLES_ENOMEM;
	case EINVAL: return IPTABLES_EINVAL;
	case EOPNOTSUPP: return IPTABLES_EUNSUPPORTED;
	default: return IPTABLES_ESYS;
	}
}

static int fail(struct work *w, enum nft_fn fn, int err)
{
	return ic_error(w->cx, code_of(err), "%s: %s.%s", ic_prog(w->cx), nft_text(fn, err),
			err == EINVAL ? " Run `dmesg' for more information." : "");
}

/* ---- actions ---- */

static const char *keep_name(struct work *w, const char *name)
{
	size_t len = strlen(name) + 1;
	char *copy = ic_arena_alloc(&w->names, len);

	return copy ? memcpy(copy, name, len) : NULL;
}

static struct act *act_add(struct work *w, enum act_kind kind, const struct ic_nft_table *t,
			   const char *chain)
{
	struct act *a;

	if (IC_VEC_RESERVE(w->a, w->cap, w->n + 1))
		return NULL;
	a = &w->a[w->n++];
	w->objects++;
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->op = w->op;
	a->line = w->line;
	a->def = t->def;
	a->chain = chain ? keep_name(w, chain) : "";
	if (!a->chain) {
		w->n--;
		return NULL;
	}
	return a;
}

static void acts_free(struct work *w)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->a[i].nr)
			nftnl_rule_free(w->a[i].nr);
	w->n = 0;
	w->objects = 0;
	ic_arena_free(&w->names);
}

/* The model's rule @r leaves the chain before the batch is sent: no handle may reach it.
 * r->act names the act that made it, when that act is of this work. */
static void forget_rule(struct work *w, const struct ic_nft_rule *r)
{
	if (r->act && r->act <= w->n && w->a[r->act - 1].mrule == r)
		w->a[r->act - 1].mrule = NULL;
}

/* The table comes into being with the first op that writes into it, as nft_xt_builtin_init
 * makes it. */
static int need_table(struct work *w, struct ic_nft_table *t)
{
	if (t->in_kernel)
		return 0;
	if (!act_add(w, A_TABLE, t, NULL))
		return nomem(w->cx);
	t->in_kernel = true;
	return 0;
}

static const struct ic_nft_builtin *builtin_def(const struct ic_nft_table *t,
						const struct ic_nft_chain *c)
{
	for (size_t i = 0; i < t->def->n; i++)
		if (t->def->chains[i].hook == c->hook)
			return &t->def->chains[i];
	return NULL;
}

static bool chain_live(const struct ic_nft_chain *c)
{
	return c->handle != 0;
}

/* A built-in chain iptables-nft only fakes so far is added, with policy ACCEPT. */
static int need_chain(struct work *w, struct ic_nft_table *t, struct ic_nft_chain *c)
{
	struct act *a;
	int rc = need_table(w, t);

	if (rc || chain_live(c) || c->hook < 0)
		return rc;
	a = act_add(w, A_CHAIN_BASE, t, c->name);
	if (!a)
		return nomem(w->cx);
	a->builtin = builtin_def(t, c);
	c->handle = UINT64_MAX;		/* in the batch: settle() learns the handle */
	return 0;
}

/* ---- parsing and the canonical form ---- */

int ic_nft_parse(struct ic_ctx *cx, const struct ic_op *op, struct ic_rules *out)
{
	/* a jump to a missing chain is nft_prepare's error, not the parser's */
	return ic_op_parse(cx, op, NULL, NULL, ic_nft_compat_rev, out);
}

/* @r as the kernel will get it. */
static int encode(struct work *w, const char *table, const char *chain, const struct ic_rule *r,
		  struct nftnl_rule **nr)
{
	struct ic_rule v6 = *r;

	/* ip6tables-nft 1.8.9 drops -c: its parser fills counters the encoder never reads */
	if (ic_nft_family(w->cx) == NFPROTO_IPV6) {
		v6.pcnt = v6.bcnt = 0;
		r = &v6;
	}
	return ic_nft_encode(ic_nft_family(w->cx), table, chain, r, nr, w->cx->err);
}

/* @r as the kernel will hold it: encoded and decoded again, which is what a later read of
 * the table gives and what -C / -D compare (nft_rule_cmp). */
static int canonical(struct work *w, const char *table, const char *chain,
		     const struct ic_rule *r, struct ic_rule *out)
{
	struct nftnl_rule *enc = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = encode(w, table, chain, r, &enc);
	if (!rc)
		rc = ic_nft_decode(ic_nft_family(w->cx), enc, out, w->cx->err);
	nftnl_rule_free(enc);
	return rc;
}

/* ---- rules ---- */

static bool jumps_builtin(const struct ic_nft_table *t, const struct ic_rule *r)
{
	const struct ic_nft_chain *c = r->target ? NULL : ic_nft_chain_find(t, r->jumpto);

	return c && c->hook >= 0;
}

/* The action of @kind that sends @r to chain @c, with the model's rule it becomes (a->mrule:
 * kept encoded until something reads it). 0 or a recorded code (no action added then). */
static int rule_act(struct work *w, struct ic_nft_table *t, struct ic_nft_chain *c,
		    enum act_kind kind, const struct ic_rule *r, struct act **out)
{
	struct ic_nft_rule *m = calloc(1, sizeof(*m));
	struct act *a = m ? act_add(w, kind, t, c->name) : NULL;
	int rc;

	if (!a) {
		free(m);
		return nomem(w->cx);
	}
	rc = encode(w, t->def->name, c->name, r, &a->nr);
	if (rc) {
		w->n--;
		ic_nft_rule_free(m);
		return rc;
	}
	a->mrule = m;
	m->act = w->n;
	m->enc = a->nr;
	a->jumps_builtin = jumps_builtin(t, r);
	*out = a;
	return 0;
}

/* Insert @r at index @at of @c (@at == c->n: append), in the model and the batch. */
static int rule_add(struct work *w, struct ic_nft_table *t, struct ic_nft_chain *c, size_t at,
		    const struct ic_rule *r)
{
	struct ic_nft_rule *m;
	struct act *a = NULL;
	int rc = rule_act(w, t, c, A_RULE_ADD, r, &a);

	if (rc)
		return rc;
	m = a->mrule;
	m->id = ++w->st->next_id ? w->st->next_id : ++w->st->next_id;
	a->id = m->id;
	a->insert = at < c->n;
	if (at < c->n) {
		a->pos_handle = c->rules[at]->handle;
		a->pos_id = c->rules[at]->handle ? 0 : c->rules[at]->id;
	}
	if (ic_nft_rule_insert(c, at, m, 0)) {
		ic_nft_rule_free(m);
		a->mrule = NULL;
		return nomem(w->cx);
	}
	return 0;
}

static int rule_del(struct work *w, struct ic_nft_table *t, struct ic_nft_chain *c, size_t at)
{
	struct ic_nft_rule *m = c->rules[at];
	struct act *a = act_add(w, A_RULE_DEL, t, c->name);

	if (!a)
		return nomem(w->cx);
	a->handle = m->handle;
	a->id = m->handle ? 0 : m->id;
	forget_rule(w, m);
	ic_nft_rule_remove(c, at);
	return 0;
}

static int rule_replace(struct work *w, struct ic_nft_table *t, struct ic_nft_chain *c,
			size_t at, const struct ic_rule *r)
{
	struct ic_nft_rule *old = c->rules[at];
	struct act *a = NULL;
	int rc;

	if (!old->handle) {
		/* a rule of this batch: the new one goes before it, then it goes */
		rc = rule_add(w, t, c, at, r);
		return rc ? rc : rule_del(w, t, c, at + 1);
	}
	rc = rule_act(w, t, c, A_RULE_REPLACE, r, &a);
	if (rc)
		return rc;
	a->handle = old->handle;
	forget_rule(w, old);
	ic_nft_rule_set(c, at, a->mrule, 0);
	return 0;
}

static int rules_insert(struct work *w, struct ic_nft_table *t, const struct ic_op *op,
			int pos, const struct ic_rules *rs)
{
	struct ic_nft_chain *c = ic_nft_chain_find(t, op->chain);
	int rc;

	if (!c)
		return fail(w, pos ? FN_INSERT : FN_OTHER, ENOENT);
	if (pos && (size_t)pos - 1 > c->n)
		return fail(w, FN_INSERT, E2BIG);
	rc = need_chain(w, t, c);
	/* several addresses: each goes in at the same place, as iptables -I does */
	for (size_t i = 0; !rc && i < rs->n; i++)
		rc = rule_add(w, t, c, pos ? (size_t)pos - 1 : c->n, &rs->v[i]);
	return rc;
}

/* Where rule @r of @chain is, as -C / -D find it: 1 with *c and *at, 0 when it is not there
 * (or neither is the chain), or a recorded code. */
static int rule_locate(struct work *w, struct ic_nft_table *t, const char *chain,
		       const struct ic_rule *r, struct ic_nft_chain **c, size_t *at)
{
	struct ic_rule want;
	ssize_t i;
	int rc;

	*at = 0;
	*c = ic_nft_chain_find(t, chain);
	if (!*c || !t->in_kernel)
		return 0;
	rc = canonical(w, t->def->name, chain, r, &want);
	if (rc)
		return rc;
	i = ic_nft_rule_find(*c, ic_nft_family(w->cx), &want,
			     ic_nft_rule_key(ic_nft_family(w->cx), &want), w->cx->err);
	ic_rule_free(&want);
	if (i < -1)
		return (int)i;
	if (i >= 0)
		*at = (size_t)i;
	return i >= 0;
}

/* 1 when every rule of @rs is in @chain, 0 when one is not or the chain is absent. */
static int rules_present(struct work *w, struct ic_nft_table *t, const char *chain,
			 const struct ic_rules *rs)
{
	struct ic_nft_chain *c;
	size_t at;
	int rc = 1;

	for (size_t i = 0; i < rs->n && rc == 1; i++)
		rc = rule_locate(w, t, chain, &rs->v[i], &c, &at);
	return rc;
}

static int rules_delete(struct work *w, struct ic_nft_table *t, const char *chain,
			const struct ic_rules *rs)
{
	struct ic_nft_chain *c;
	size_t at;
	int rc;

	for (size_t i = 0; i < rs->n; i++) {
		rc = rule_locate(w, t, chain, &rs->v[i], &c, &at);
		if (rc == 0)
			return fail(w, FN_DELETE, ENOENT);
		if (rc < 0 || (rc = rule_del(w, t, c, at)))
			return rc;
	}
	return 0;
}

static int rules_replace(struct work *w, struct ic_nft_table *t, const struct ic_op *op,
			 const struct ic_rules *rs)
{
	struct ic_nft_chain *c = ic_nft_chain_find(t, op->chain);

	if (rs->n != 1)
		return ic_param_error(w->cx, "Replacement rule does not specify a unique address");
	if (!c)
		return fail(w, FN_REPLACE, ENOENT);
	if ((size_t)op->pos - 1 >= c->n)
		return fail(w, FN_REPLACE, E2BIG);
	return rule_replace(w, t, c, (size_t)op->pos - 1, &rs->v[0]);
}


/* nft_prepare's assert_chain_exists: -j / -g to a chain the table does not have. */
static int jump_target_exists(struct work *w, const struct ic_nft_table *t,
			      const struct ic_rule *r)
{
	if (r->target || !r->jumpto[0] || ic_is_verdict(r->jumpto) || ic_nft_chain_find(t, r->jumpto))
		return 0;
	return ic_param_error(w->cx, "Chain '%s' does not exist", r->jumpto);
}

static int rule_op(struct work *w, struct ic_nft_table *t, const struct ic_op *op)
{
	struct ic_rules parsed = { 0 };
	const struct ic_rules *rs = op->parsed;	/* a logged op's, kept at validate */
	int rc = 0;

	if (!rs) {
		rc = ic_nft_parse(w->cx, op, &parsed);
		rs = &parsed;
	}
	if (!rc)
		rc = jump_target_exists(w, t, &rs->v[0]);
	if (rc) {
		ic_rules_free(&parsed);
		return rc;
	}
	switch (op->code) {
	case IC_OP_APPEND:
		rc = rules_insert(w, t, op, 0, rs);
		break;
	case IC_OP_APPEND_UNIQUE:
		rc = rules_present(w, t, op->chain, rs);
		if (rc == 0)
			rc = rules_insert(w, t, op, 0, rs);
		break;
	case IC_OP_INSERT:
		rc = rules_insert(w, t, op, op->pos, rs);
		break;
	case IC_OP_INSERT_UNIQUE:
		rc = rules_present(w, t, op->chain, rs);
		if (rc == 0)
			rc = rules_insert(w, t, op, op->pos, rs);
		break;
	case IC_OP_REPLACE:
		rc = rules_replace(w, t, op, rs);
		break;
	case IC_OP_DELETE:
		rc = rules_delete(w, t, op->chain, rs);
		break;
	case IC_OP_DELETE_IF_EXISTS:
		rc = rules_present(w, t, op->chain, rs);
		if (rc == 1)
			rc = rules_delete(w, t, op->chain, rs);
		break;
	case IC_OP_CHECK:
		rc = rules_present(w, t, op->chain, rs);
		break;
	default:
		rc = ic_error(w->cx, IPTABLES_EINVAL, "unknown operation %d", (int)op->code);
		break;
	}
	ic_rules_free(&parsed);
	if (rc > 0 && op->code != IC_OP_CHECK)
		rc = 0;
	return rc;
}

/* ---- chains ---- */

static int chain_create(struct work *w, struct ic_nft_table *t, const char *chain)
{
	struct ic_nft_chain *c;
	int rc = ic_xt_is_target(ic_nft_family(w->cx), w->cx->mode, chain, w->cx->err);

	if (rc < 0)
		return rc;
	if (rc)
		return ic_param_error(w->cx, "chain name may not clash with target name");
	if (ic_nft_chain_find(t, chain) || ic_is_verdict(chain))
		return fail(w, FN_CHAIN_ADD, EEXIST);
	rc = need_table(w, t);
	if (rc)
		return rc;
	if (!act_add(w, A_CHAIN_USER, t, chain) || !(c = ic_nft_chain_add(t, chain)))
		return nomem(w->cx);
	c->handle = UINT64_MAX;
	return 0;
}

static int chain_flush(struct work *w, struct ic_nft_table *t, struct ic_nft_chain *c)
{
	if (!chain_live(c) || c->n == 0) {
		ic_nft_chain_flush(c);
		return 0;
	}
	if (!act_add(w, A_FLUSH, t, c->name))
		return nomem(w->cx);
	w->objects += c->n;
	for (size_t i = 0; i < c->n; i++)
		forget_rule(w, c->rules[i]);
	ic_nft_chain_flush(c);
	return 0;
}

static int chain_delete(struct work *w, struct ic_nft_table *t, const char *chain)
{
	struct ic_nft_chain *c = ic_nft_chain_find(t, chain);

	if (!c)
		return fail(w, FN_CHAIN_DEL, ENOENT);
	if (c->hook >= 0)
		return fail(w, FN_OTHER, EINVAL);
	/* a chain that holds rules or is jumped to: the kernel's EBUSY, in its words */
	if (!act_add(w, A_CHAIN_DEL, t, chain))
		return nomem(w->cx);
	ic_nft_chain_remove(t, c);
	return 0;
}

/* A chain created in this batch has no handle to rename it by: its messages so far carry
 * the new name @to (kept in the work's arena) instead. */
static void rename_pending(struct work *w, const struct ic_nft_table *t, const char *from,
			   const char *to)
{
	for (size_t i = 0; i < w->n; i++) {
		struct act *a = &w->a[i];

		if (a->def != t->def)
			continue;
		if (!strcmp(a->chain, from))
			a->chain = to;
		if (a->nr) {
			struct nftnl_expr_iter *it = nftnl_expr_iter_create(a->nr);
			struct nftnl_expr *e;

			nftnl_rule_set_str(a->nr, NFTNL_RULE_CHAIN, a->chain);
			while (it && (e = nftnl_expr_iter_next(it))) {
				const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);

				if (!strcmp(name, "immediate") &&
				    nftnl_expr_is_set(e, NFTNL_EXPR_IMM_CHAIN) &&
				    !strcmp(nftnl_expr_get_str(e, NFTNL_EXPR_IMM_CHAIN), from))
					nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, to);
			}
			nftnl_expr_iter_destroy(it);
		}
	}
}

static int chain_rename(struct work *w, struct ic_nft_table *t, const char *chain,
			const char *name)
{
	struct ic_nft_chain *c;
	struct act *a;

	if (ic_nft_chain_find(t, name) || ic_is_verdict(name))
		return fail(w, FN_CHAIN_RENAME, EEXIST);
	c = ic_nft_chain_find(t, chain);
	if (!c || c->hook >= 0)
		return fail(w, FN_CHAIN_RENAME, ENOENT);
	/* the rules that jump to it are rewritten in the model: they must be decoded */
	if (ic_nft_table_ready(t, ic_nft_family(w->cx), w->cx->err))
		return IPTABLES_ENOMEM;
	if (c->handle == UINT64_MAX) {
		const char *to = keep_name(w, name);

		if (!to)
			return nomem(w->cx);
		rename_pending(w, t, chain, to);
	} else {
		a = act_add(w, A_CHAIN_RENAME, t, chain);
		if (!a)
			return nomem(w->cx);
		a->newname = keep_name(w, name);
		if (!a->newname)
			return nomem(w->cx);
		a->handle = c->handle;
	}
	ic_nft_chain_rename(t, c, name);
	return 0;
}

static int chain_policy(struct work *w, struct ic_nft_table *t, const struct ic_op *op)
{
	struct ic_nft_chain *c = ic_nft_chain_find(t, op->chain);
	struct act *a;
	int rc;

	if (!c)
		return fail(w, FN_CHAIN_SET, ENOENT);
	if (c->hook < 0)
		return ic_error(w->cx, IPTABLES_EINVAL, "%s: Bad built-in chain name.",
				ic_prog(w->cx));
	if (strcmp(op->arg, "ACCEPT") && strcmp(op->arg, "DROP"))
		return fail(w, FN_CHAIN_SET, EINVAL);
	rc = need_chain(w, t, c);
	if (rc)
		return rc;
	a = act_add(w, A_POLICY, t, c->name);
	if (!a)
		return nomem(w->cx);
	a->builtin = builtin_def(t, c);
	a->drop = c->drop = !strcmp(op->arg, "DROP");
	a->set_counters = op->set_counters;
	a->pcnt = c->pcnt = op->set_counters ? op->pcnt : 0;
	a->bcnt = c->bcnt = op->set_counters ? op->bcnt : 0;
	return 0;
}

/* -Z: a built-in chain's counters, and each rule's: the rule again with a zero counter. */
static int chain_zero(struct work *w, struct ic_nft_table *t, struct ic_nft_chain *c, int pos)
{
	struct ic_nft_rule *m;
	int rc;

	if (pos && (size_t)pos > c->n)
		return fail(w, FN_OTHER, E2BIG);
	rc = ic_nft_chain_ready(c, ic_nft_family(w->cx), w->cx->err);
	if (rc)
		return rc;
	if (!pos && c->hook >= 0 && chain_live(c)) {
		if (!act_add(w, A_CHAIN_ZERO, t, c->name))
			return nomem(w->cx);
		c->pcnt = c->bcnt = 0;
	}
	for (size_t k = 0; k < c->n; k++) {
		m = c->rules[k];
		if ((pos && k != (size_t)pos - 1) || m->opaque || !m->handle)
			continue;
		m->r.pcnt = m->r.bcnt = 0;
		if (rule_replace(w, t, c, k, &m->r))
			return IPTABLES_ENOMEM;
	}
	return 0;
}

static int zero(struct work *w, struct ic_nft_table *t, const struct ic_op *op)
{
	struct ic_nft_chain *c;
	int rc = 0;

	if (!op->chain) {
		for (size_t i = 0; !rc && i < t->n; i++)
			rc = chain_zero(w, t, t->chains[i], 0);
		return rc;
	}
	c = ic_nft_chain_find(t, op->chain);
	if (!c)
		return fail(w, FN_OTHER, ENOENT);
	return chain_zero(w, t, c, op->pos);
}

static int table_delete_chains(struct work *w, struct ic_nft_table *t)
{
	char name[IC_NFT_NAMELEN];
	int rc;

	while (t->n && t->chains[t->n - 1]->hook < 0) {
		/* user chains sort after built-ins: delete from the first user chain */
		size_t i = 0;

		while (t->chains[i]->hook >= 0)
			i++;
		memcpy(name, t->chains[i]->name, sizeof(name));
		rc = chain_delete(w, t, name);
		if (rc)
			return rc;
	}
	return 0;
}

static int chain_op(struct work *w, struct ic_nft_table *t, const struct ic_op *op)
{
	struct ic_nft_chain *c;
	int rc = 0;

	switch (op->code) {
	case IC_OP_DELETE_NUM:
		c = ic_nft_chain_find(t, op->chain);
		/* iptables-nft says ENOENT for a built-in chain it only fakes; every backend
		 * says "index out of range" for an empty chain, and so does this one */
		if (!c)
			return fail(w, FN_DELETE_NUM, ENOENT);
		if ((size_t)op->pos - 1 >= c->n)
			return fail(w, FN_DELETE_NUM, E2BIG);
		return rule_del(w, t, c, (size_t)op->pos - 1);
	case IC_OP_CHAIN_EXISTS:
		return ic_nft_chain_find(t, op->chain) ? 1 : 0;
	case IC_OP_NEW_CHAIN:
		return chain_create(w, t, op->chain);
	case IC_OP_CLEAR_CHAIN:
		c = ic_nft_chain_find(t, op->chain);
		return c ? chain_flush(w, t, c) : chain_create(w, t, op->chain);
	case IC_OP_DELETE_CHAIN:
		return chain_delete(w, t, op->chain);
	case IC_OP_RENAME_CHAIN:
		return chain_rename(w, t, op->chain, op->arg);
	case IC_OP_CLEAR_AND_DELETE_CHAIN:
		c = ic_nft_chain_find(t, op->chain);
		if (!c)
			return 0;
		rc = chain_flush(w, t, c);
		return rc ? rc : chain_delete(w, t, op->chain);
	case IC_OP_POLICY:
		return chain_policy(w, t, op);
	case IC_OP_FLUSH_CHAIN:
		c = ic_nft_chain_find(t, op->chain);
		return c ? chain_flush(w, t, c) : fail(w, FN_OTHER, ENOENT);
	case IC_OP_ZERO:
		return zero(w, t, op);
	case IC_OP_CLEAR_ALL:
		for (size_t i = 0; !rc && i < t->n; i++)
			rc = chain_flush(w, t, t->chains[i]);
		return rc;
	case IC_OP_DELETE_ALL:
		return table_delete_chains(w, t);
	default:
		return rule_op(w, t, op);
	}
}

static int op_apply(struct work *w, const struct ic_op *op)
{
	struct ic_nft_table *t;
	int rc;

	rc = ic_nft_cache_table(w->cx, &w->st->sock, &w->st->cache, op->table, false, w->reader,
				&t);
	if (rc == IPTABLES_ENOTFOUND && op->code == IC_OP_CHAIN_EXISTS)
		return 0;
	if (rc)
		return rc;
	w->touched |= 1u << (t->def - ic_nft_tables);
	return chain_op(w, t, op);
}

/* ---- the batch ---- */

static uint8_t fam(const struct work *w)
{
	return ic_nft_family(w->cx);
}

int ic_nft_put_table(struct ic_nft_batch *b, uint8_t family, const char *table, size_t tag)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;

	if (!t)
		return -1;
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, family);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, table);
	nlh = ic_nft_batch_msg(b, NFT_MSG_NEWTABLE, family, NLM_F_CREATE, 512, tag);
	if (nlh) {
		nftnl_table_nlmsg_build_payload(nlh, t);
		ic_nft_batch_put(b, nlh);
	}
	nftnl_table_free(t);
	return nlh ? 0 : -1;
}

int ic_nft_put_base_chain(struct ic_nft_batch *b, uint8_t family, const char *table,
			  const char *name, const struct ic_nft_builtin *def, bool echo, size_t tag)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	if (!c)
		return -1;
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, family);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, table);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, (uint32_t)def->hook);
	nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, def->prio);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, def->type);
	nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	nlh = ic_nft_batch_msg(b, NFT_MSG_NEWCHAIN, family, NLM_F_CREATE | (echo ? NLM_F_ECHO : 0),
			       1024, tag);
	if (nlh) {
		nftnl_chain_nlmsg_build_payload(nlh, c);
		ic_nft_batch_put(b, nlh);
	}
	nftnl_chain_free(c);
	return nlh ? 0 : -1;
}

static int put_chain(struct work *w, struct ic_nft_batch *b, size_t tag, const struct act *a)
{
	struct nftnl_chain *c;
	struct nlmsghdr *nlh;
	uint16_t type = a->kind == A_CHAIN_DEL ? NFT_MSG_DELCHAIN : NFT_MSG_NEWCHAIN;
	uint16_t flags = a->kind == A_CHAIN_DEL ? NLM_F_NONREC :
			 a->kind == A_CHAIN_USER ? NLM_F_EXCL :
			 a->kind == A_CHAIN_ZERO ? NLM_F_CREATE : 0;

	if (a->kind == A_CHAIN_BASE)
		return ic_nft_put_base_chain(b, fam(w), a->def->name, a->chain, a->builtin, a->echo,
					     tag);
	c = nftnl_chain_alloc();
	if (!c)
		return -1;
	nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, fam(w));
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, a->def->name);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, a->kind == A_CHAIN_RENAME ? a->newname : a->chain);
	switch (a->kind) {
	case A_CHAIN_RENAME:
		nftnl_chain_set_u64(c, NFTNL_CHAIN_HANDLE, a->handle);
		break;
	case A_POLICY:
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, a->drop ? NF_DROP : NF_ACCEPT);
		if (!a->set_counters)
			break;
		/* fall through */
	case A_CHAIN_ZERO:
		nftnl_chain_set_u64(c, NFTNL_CHAIN_PACKETS, a->pcnt);
		nftnl_chain_set_u64(c, NFTNL_CHAIN_BYTES, a->bcnt);
		break;
	default:
		break;
	}
	if (a->echo)
		flags |= NLM_F_ECHO;
	nlh = ic_nft_batch_msg(b, type, fam(w), flags, 1024, tag);
	if (nlh) {
		nftnl_chain_nlmsg_build_payload(nlh, c);
		ic_nft_batch_put(b, nlh);
	}
	nftnl_chain_free(c);
	return nlh ? 0 : -1;
}

/* An upper bound of a rule message's size: 256 bytes an expression, plus the blob of a
 * match or target (NFTNL_EXPR_MT_INFO / TG_INFO; the same attribute of another expression is
 * a few bytes of data, counted too). */
static size_t rule_room(const struct nftnl_rule *nr)
{
	size_t n = 1024;
	struct nftnl_expr_iter *it = nftnl_expr_iter_create(nr);
	struct nftnl_expr *e;
	uint32_t len;

	while (it && (e = nftnl_expr_iter_next(it))) {
		n += 256;
		if (nftnl_expr_is_set(e, NFTNL_EXPR_MT_INFO) &&
		    nftnl_expr_get(e, NFTNL_EXPR_MT_INFO, &len))
			n += len;
	}
	nftnl_expr_iter_destroy(it);
	return n;
}

static int put_rule(struct work *w, struct ic_nft_batch *b, size_t tag, struct act *a)
{
	struct nftnl_rule *r = a->nr, *own = NULL;
	struct nlmsghdr *nlh;
	uint16_t type = NFT_MSG_NEWRULE, flags = NLM_F_CREATE;

	if (!r) {
		r = own = nftnl_rule_alloc();
		if (!r)
			return -1;
		nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, fam(w));
		nftnl_rule_set_str(r, NFTNL_RULE_TABLE, a->def->name);
		nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, a->chain);
	}
	switch (a->kind) {
	case A_RULE_ADD:
		nftnl_rule_set_u32(r, NFTNL_RULE_ID, a->id);
		if (a->pos_handle)
			nftnl_rule_set_u64(r, NFTNL_RULE_POSITION, a->pos_handle);
		else if (a->pos_id)
			nftnl_rule_set_u32(r, NFTNL_RULE_POSITION_ID, a->pos_id);
		else
			flags |= NLM_F_APPEND;
		break;
	case A_RULE_REPLACE:
		nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, a->handle);
		flags |= NLM_F_REPLACE;
		break;
	case A_RULE_DEL:
		type = NFT_MSG_DELRULE;
		flags = 0;
		if (a->handle)
			nftnl_rule_set_u64(r, NFTNL_RULE_HANDLE, a->handle);
		else
			nftnl_rule_set_u32(r, NFTNL_RULE_ID, a->id);
		break;
	default:		/* A_FLUSH */
		type = NFT_MSG_DELRULE;
		flags = 0;
		break;
	}
	if (a->echo)
		flags |= NLM_F_ECHO;
	nlh = ic_nft_batch_msg(b, type, fam(w), flags, rule_room(r), tag);
	if (nlh) {
		nftnl_rule_nlmsg_build_payload(nlh, r);
		ic_nft_batch_put(b, nlh);
		a->msg_off = (size_t)((char *)nlh - b->buf);
		a->msg_len = nlh->nlmsg_len;
	}
	if (own)
		nftnl_rule_free(own);
	return nlh ? 0 : -1;
}

/* The acts that take a handle from their table's counter (nf_tables_alloc_handle): a new
 * chain, a new rule. A replaced rule keeps its handle; a table's comes from elsewhere. */
static bool takes_handle(const struct act *a)
{
	return a->kind == A_CHAIN_BASE || a->kind == A_CHAIN_USER || a->kind == A_RULE_ADD;
}

/* Per table, the first and the last act that take a handle come back echoed: the kernel
 * hands out a table's handles one by one, in batch order, so those two give every other
 * (and check each other). Echoing every message would make the kernel build a copy of
 * each rule for us, which costs as much as installing it. */
static void mark_echoes(struct work *w)
{
	size_t first[IC_NFT_MAX_TABLES], last[IC_NFT_MAX_TABLES];

	for (size_t t = 0; t < ic_nft_ntables; t++)
		first[t] = last[t] = SIZE_MAX;
	for (size_t i = 0; i < w->n; i++) {
		size_t t = (size_t)(w->a[i].def - ic_nft_tables);

		w->a[i].echo = w->a[i].echoed = false;
		if (!takes_handle(&w->a[i]))
			continue;
		if (first[t] == SIZE_MAX)
			first[t] = i;
		last[t] = i;
	}
	for (size_t t = 0; t < ic_nft_ntables; t++)
		if (first[t] != SIZE_MAX)
			w->a[first[t]].echo = w->a[last[t]].echo = true;
}

static int build(struct work *w, struct ic_nft_batch *b)
{
	int rc = 0;

	mark_echoes(w);
	if (ic_nft_batch_begin(b, &w->st->sock, w->st->cache.gen))
		return -1;
	for (size_t i = 0; !rc && i < w->n; i++) {
		struct act *a = &w->a[i];

		switch (a->kind) {
		case A_TABLE:
			rc = ic_nft_put_table(b, fam(w), a->def->name, i);
			break;
		case A_RULE_ADD: case A_RULE_REPLACE: case A_RULE_DEL: case A_FLUSH:
			rc = put_rule(w, b, i, a);
			break;
		default:
			rc = put_chain(w, b, i, a);
			break;
		}
	}
	return rc;
}

/* The handle attribute @type (NFTA_RULE_HANDLE, NFTA_CHAIN_HANDLE) of a NEWRULE / NEWCHAIN. */
static bool handle_of(const struct nlmsghdr *nlh, uint16_t type, uint64_t *h)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
		if (mnl_attr_get_type(a) == type && mnl_attr_validate(a, MNL_TYPE_U64) == 0) {
			*h = be64toh(mnl_attr_get_u64(a));
			return true;
		}
	return false;
}

/* An echoed NEWRULE or NEWCHAIN: the handle its act took. */
static int echo_cb(const struct nlmsghdr *nlh, size_t tag, void *arg)
{
	struct work *w = arg;
	struct act *a = tag < w->n ? &w->a[tag] : NULL;
	uint16_t type = NFNL_MSG_TYPE(nlh->nlmsg_type);

	if (!a || !a->echo)
		return 0;
	if (a->kind == A_RULE_ADD ? type == NFT_MSG_NEWRULE : type == NFT_MSG_NEWCHAIN)
		a->echoed = handle_of(nlh, a->kind == A_RULE_ADD ? NFTA_RULE_HANDLE
								 : NFTA_CHAIN_HANDLE, &a->echo_handle);
	return 0;
}

static const char *act_name(enum act_kind k)
{
	static const char *const names[] = {
		[A_TABLE] = "TABLE_ADD", [A_CHAIN_BASE] = "CHAIN_ADD",
		[A_CHAIN_USER] = "CHAIN_USER_ADD", [A_CHAIN_DEL] = "CHAIN_DEL",
		[A_CHAIN_RENAME] = "CHAIN_RENAME", [A_POLICY] = "CHAIN_UPDATE",
		[A_CHAIN_ZERO] = "CHAIN_ZERO", [A_RULE_ADD] = "RULE_APPEND",
		[A_RULE_REPLACE] = "RULE_REPLACE", [A_RULE_DEL] = "RULE_DELETE",
		[A_FLUSH] = "RULE_FLUSH",
	};
	return names[k];
}

/* What iptables-nft prints when the kernel refuses a batch object (mnl_append_error). */
static int kernel_refused(struct work *w, const struct ic_nft_reply *rep)
{
	const struct act *a = rep->err_tag < w->n ? &w->a[rep->err_tag] : NULL;
	const char *what;
	char at[32];
	int code = code_of(rep->err), rc;

	if (!a)
		return ic_error(w->cx, code, "%s v%d.%d.%d (%s): %s", ic_prog(w->cx),
				w->cx->ver_major, w->cx->ver_minor, w->cx->ver_patch,
				w->cx->mode, strerror(rep->err));
	if (a->jumps_builtin)
		code = IPTABLES_EINVAL;	/* one code per case: -j / -g to a built-in chain */
	what = a->kind == A_TABLE ? "table" : a->kind >= A_RULE_ADD ? "rule in chain" : "chain";
	/* iptables-nft-restore names the input line: "...: \nline N: RULE_APPEND failed..." */
	snprintf(at, sizeof(at), "%s", " ");
	if (w->cx->input_prog && a->line > 0)
		snprintf(at, sizeof(at), "\nline %d: ", a->line);
	rc = ic_error(w->cx, code, "%s v%d.%d.%d (%s): %s%s failed (%s): %s %s",
		      w->cx->input_prog ? w->cx->input_prog : ic_prog(w->cx), w->cx->ver_major,
		      w->cx->ver_minor, w->cx->ver_patch, w->cx->mode, at,
		      a->kind == A_RULE_ADD && a->insert ? "RULE_INSERT" : act_name(a->kind),
		      strerror(rep->err), what, a->kind == A_TABLE ? a->def->name : a->chain);
	w->cx->err->failed_op = a->op + 1;
	w->cx->err->at_line = w->cx->input_prog && a->line > 0;
	return rc;
}

/* Table @t's handles from its echoed first and last handle-taking acts: 0, or -1 when they
 * are missing or disagree with the count in between. */
static int table_handles(struct work *w, size_t t)
{
	struct ic_nft_table *mt = &w->st->cache.tables[t];
	size_t first = SIZE_MAX, last = SIZE_MAX, n = 0;
	uint64_t h;

	for (size_t i = 0; i < w->n; i++)
		if ((size_t)(w->a[i].def - ic_nft_tables) == t && takes_handle(&w->a[i])) {
			if (first == SIZE_MAX)
				first = i;
			last = i;
			n++;
		}
	if (!n)
		return 0;
	if (!w->a[first].echoed || !w->a[last].echoed ||
	    w->a[last].echo_handle - w->a[first].echo_handle != n - 1)
		return -1;
	/* backwards: of two chains that got one name in turn, the later one is the model's */
	h = w->a[first].echo_handle + n;
	for (size_t i = w->n; i-- > 0;) {
		struct act *a = &w->a[i];
		struct ic_nft_chain *c;

		if ((size_t)(a->def - ic_nft_tables) != t || !takes_handle(a))
			continue;
		h--;
		if (a->kind == A_RULE_ADD) {
			if (a->mrule) {
				a->mrule->handle = h;
				a->mrule->id = 0;
			}
			continue;
		}
		c = ic_nft_chain_find(mt, a->chain);
		if (c && c->handle == UINT64_MAX)
			c->handle = h;
	}
	return 0;
}

/* Whether @t's model has every handle now. */
static bool table_known(const struct ic_nft_table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct ic_nft_chain *c = t->chains[i];

		if (c->handle == UINT64_MAX)
			return false;
		for (size_t k = 0; k < c->n; k++)
			if (!c->rules[k]->handle && !c->rules[k]->opaque)
				return false;
	}
	return true;
}

/* After our batch landed at generation gen+1 the model is the kernel's once the new rules
 * and chains have their handles: a table where one is missing is read again when next
 * needed. */
static void settle(struct work *w, const struct ic_nft_reply *rep, const struct ic_nft_batch *b)
{
	struct ic_nft_cache *c = &w->st->cache;
	unsigned lost = 0;

	for (size_t i = 0; i < w->n; i++) {
		struct act *a = &w->a[i];
		struct ic_nft_rule *m = a->mrule;

		if (a->kind == A_RULE_REPLACE && m) {
			m->handle = a->handle;
			m->id = 0;
		}
		/* the model's rule keeps the message the kernel got, to decode when first read */
		if (m && m->enc && m->enc == a->nr) {
			m->msg = malloc(a->msg_len);
			if (m->msg)
				memcpy(m->msg, b->buf + a->msg_off, a->msg_len);
			else
				lost |= 1u << (a->def - ic_nft_tables);
			m->enc = NULL;
		}
	}
	ic_nft_cache_committed(c, rep->have_gen ? rep->gen : ic_nft_gen_next(c->gen));
	for (size_t t = 0; t < ic_nft_ntables; t++) {
		if (!(w->touched & (1u << t)) || !c->tables[t].loaded)
			continue;
		if ((lost & (1u << t)) || table_handles(w, t) || !table_known(&c->tables[t]))
			ic_nft_cache_forget(c, 1u << t);
	}
}

static int send_batch(struct work *w, struct ic_nft_reply *rep, bool *sent)
{
	struct ic_nft_cache *c = &w->st->cache;
	struct ic_nft_batch b;
	bool mute;
	int rc;

	*sent = false;
	if (w->n == 0)
		return 0;
	if (build(w, &b)) {
		ic_nft_batch_free(&b);
		return nomem(w->cx);
	}
	/* for every listener the kernel writes out each object the batch touches once more */
	mute = w->objects >= MUTE_MIN && ic_nft_events_mute(&c->ev);
	rc = ic_nft_batch_send(w->cx, &w->st->sock, &b, echo_cb, w, rep);
	if (mute)
		ic_nft_cache_unmute(w->cx, &w->st->sock, c, rc == 0 && rep->err == 0,
				    rep->have_gen ? rep->gen : ic_nft_gen_next(c->gen));
	if (!rc && !rep->err)
		settle(w, rep, &b);
	ic_nft_batch_free(&b);
	if (rc)
		return rc;
	*sent = true;
	return 0;
}

/* Before try @k (k >= 1) of a call that lost a race: a short random pause that grows, so
 * that writers hammering one table take turns instead of colliding again. */
static void backoff(int k)
{
	static __thread uint32_t x;	/* our own: the host's rand() sequence is not ours */
	long max_us = 50L << (k < 9 ? k : 9);	/* 100 us .. 25 ms */
	struct timespec ts;

	if (k <= 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (!x)
		x = (uint32_t)ts.tv_nsec | 1;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)(x % (uint32_t)max_us) * 1000L;
	nanosleep(&ts, NULL);
}

static int too_busy(struct ic_ctx *cx)
{
	return ic_error(cx, IPTABLES_EBUSY, "%s: the ruleset kept changing under this call "
			"(%d tries)", ic_prog(cx), MAX_TRIES);
}

/* One try of a run: ops applied to the model, then the batch. */
static int run_once(struct work *w, const struct ic_op *ops, size_t n, struct ic_nft_reply *rep,
		    bool *sent)
{
	int rc, result = 0;

	*sent = false;
	rc = ic_nft_cache_check(w->cx, &w->st->sock, &w->st->cache);
	for (size_t i = 0; i < n && rc >= 0; i++) {
		w->op = i;
		w->line = ops[i].line;
		rc = op_apply(w, &ops[i]);
		if (rc < 0 && rc != IC_NFT_AGAIN)
			w->cx->err->failed_op = i + 1;
		result = rc;
	}
	if (rc >= 0)
		rc = send_batch(w, rep, sent);
	return rc < 0 ? rc : result;
}

int ic_nft_run(struct ic_ctx *cx, struct ic_nft_state *st, const struct ic_op *ops, size_t n)
{
	struct work w = { .cx = cx, .st = st };
	struct ic_nft_reply rep;
	bool sent;
	int rc = 0;

	bool again = false;

	for (int k = 0; k < MAX_TRIES; k++) {
		if (again) {
			/* nothing the batch was computed on changed: the same batch once more */
			again = false;
			rc = send_batch(&w, &rep, &sent);
		} else {
			backoff(k);
			acts_free(&w);
			w.touched = 0;
			rc = run_once(&w, ops, n, &rep, &sent);
		}
		if (rc == IC_NFT_AGAIN) {
			/* what the ops did to the models goes with them */
			ic_nft_cache_forget(&st->cache, w.touched);
			continue;
		}
		if (!sent) {
			/* a failure before anything was sent, or nothing to send */
			if (rc < 0 || w.n)
				ic_nft_cache_forget(&st->cache, w.touched);
			break;
		}
		if (rep.err == 0)
			break;
		if (rep.err != ERESTART) {
			ic_nft_cache_forget(&st->cache, w.touched);
			rc = kernel_refused(&w, &rep);
			break;
		}
		/* another writer was first: was it in our tables? */
		again = ic_nft_cache_still_valid(cx, &st->sock, &st->cache, w.touched);
		rc = IC_NFT_AGAIN;
	}
	if (rc == IC_NFT_AGAIN)
		rc = too_busy(cx);
	acts_free(&w);
	free(w.a);
	return rc;
}

/* Apply @pending's ops of @table (all tables when NULL) to the model; nothing is sent. */
static int replay(struct work *w, const struct ic_oplog *pending, const char *table)
{
	int rc;

	for (size_t i = 0; pending && i < pending->n; i++) {
		if (table && strcmp(pending->ops[i].table, table))
			continue;
		w->op = i;
		w->line = pending->ops[i].line;
		rc = op_apply(w, &pending->ops[i]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int view_once(struct work *w, const struct ic_oplog *pending, const char *table,
		     bool counters, struct ic_nft_table **out)
{
	int rc = ic_nft_cache_check(w->cx, &w->st->sock, &w->st->cache);

	if (!rc)
		rc = ic_nft_cache_table(w->cx, &w->st->sock, &w->st->cache, table, counters, true,
					out);
	if (!rc && pending && pending->n)
		rc = replay(w, pending, table);
	/* readers get every rule decoded (and none that points into this work's acts) */
	if (!rc)
		rc = ic_nft_table_ready(*out, ic_nft_family(w->cx), w->cx->err);
	return rc;
}

int ic_nft_view(struct ic_ctx *cx, struct ic_nft_state *st, const struct ic_oplog *pending,
		const char *table, bool counters, struct ic_nft_table **out)
{
	struct work w = { .cx = cx, .st = st, .reader = true };
	int rc = IC_NFT_AGAIN;

	for (int k = 0; k < MAX_TRIES && rc == IC_NFT_AGAIN; k++) {
		backoff(k);
		acts_free(&w);
		if (k && pending && pending->n)
			ic_nft_cache_forget(&st->cache, w.touched);
		w.touched = 0;
		rc = view_once(&w, pending, table, counters, out);
	}
	if (rc == IC_NFT_AGAIN)
		rc = too_busy(cx);
	acts_free(&w);
	free(w.a);
	return rc;
}

int ic_nft_predicate(struct ic_ctx *cx, struct ic_nft_state *st, const struct ic_op *op,
		     const struct ic_oplog *pending)
{
	struct work w = { .cx = cx, .st = st, .reader = true };
	int rc = IC_NFT_AGAIN;

	for (int k = 0; k < MAX_TRIES && rc == IC_NFT_AGAIN; k++) {
		backoff(k);
		acts_free(&w);
		if (k && pending && pending->n)
			ic_nft_cache_forget(&st->cache, w.touched);
		w.touched = 0;
		rc = ic_nft_cache_check(cx, &st->sock, &st->cache);
		if (!rc)
			rc = replay(&w, pending, op->table);
		if (rc >= 0) {
			w.op = 0;
			rc = op_apply(&w, op);
		}
	}
	if (rc == IC_NFT_AGAIN)
		rc = too_busy(cx);
	acts_free(&w);
	free(w.a);
	/* the model now holds changes the kernel does not */
	if (pending && pending->n)
		ic_nft_cache_forget(&st->cache, w.touched);
	return rc;
}
