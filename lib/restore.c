/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iptables_restore: iptables-restore input (split by restore_text.c) turned into ops and
 * applied as one transaction, so a failure anywhere, in any table, changes nothing
 * (iptables-restore itself commits table by table). Messages are iptables-restore's.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "restore_text.h"
#include "txn.h"
#include "vec.h"

struct planned {
	struct ic_op op;
	int line;
	size_t logged;			/* 1 + its index in the transaction log, 0 if not there */
};

struct plan {
	struct iptables *h;
	const char *prog;		/* "iptables-restore", "ip6tables-nft-restore", ... */
	char vm[48];			/* "1.8.9 (legacy)" */
	unsigned flags;
	struct planned *v;
	size_t n, cap;
	char **owned;			/* words made here (-c prefixes) */
	size_t nowned, owned_cap;
	int commit_line;		/* the last COMMIT seen */
	bool own_txn;			/* not inside the caller's iptables_begin */
};

static struct ic_ctx *ctx(struct plan *p)
{
	return &p->h->cx;
}

static int param_error(struct plan *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int param_error(struct plan *p, int line, const char *fmt, ...)
{
	struct ic_ctx *cx = ctx(p);
	const char *prog = cx->input_prog;
	int saved = cx->input_line, rc;
	char msg[IC_ERRMSG_MAX / 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cx->input_prog = p->prog;
	cx->input_line = line;
	rc = ic_param_error(cx, "%s", msg);
	cx->input_prog = prog;
	cx->input_line = saved;
	return rc;
}

static int line_failed(struct plan *p, int code, int line)
{
	return ic_error(ctx(p), code, "%s: line %d failed", p->prog, line);
}

static int add(struct plan *p, int line, struct ic_op op)
{
	if (IC_VEC_RESERVE(p->v, p->cap, p->n + 1))
		return ic_err_nomem(ctx(p)->err, p->prog);
	p->v[p->n].op = op;
	p->v[p->n].op.line = line;
	p->v[p->n].line = line;
	p->n++;
	return 0;
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static int chain_line(struct plan *p, const char *table, const struct ic_rline *l)
{
	bool builtin = ic_builtin_chain(table, l->name);
	uint64_t pc = 0, bc = 0;
	int rc = 0;

	if (!builtin)
		rc = add(p, l->line, (struct ic_op){
			.code = (p->flags & IPTABLES_RESTORE_NOFLUSH) ? IC_OP_CLEAR_CHAIN
								     : IC_OP_NEW_CHAIN,
			.table = table, .chain = l->name });
	if (rc || !strcmp(l->policy, "-"))
		return rc;
	if ((p->flags & IPTABLES_RESTORE_COUNTERS) && !ic_rscript_counters(l->counters, &pc, &bc))
		return param_error(p, l->line, "invalid policy counters for chain '%s'", l->name);
	if ((!builtin || (strcmp(l->policy, "ACCEPT") && strcmp(l->policy, "DROP"))) &&
	    !strcmp(ctx(p)->mode, "nf_tables"))
		return ic_error(ctx(p), IPTABLES_EINVAL, "%s: line %d failed: %s.", p->prog, l->line,
				builtin ? "Bad policy name" : "Bad built-in chain name");
	if (!builtin || (strcmp(l->policy, "ACCEPT") && strcmp(l->policy, "DROP")))
		return ic_error(ctx(p), IPTABLES_EINVAL, "%s v%s: Can't set policy `%s' on `%s' "
				"line %d: %s", p->prog, p->vm, l->policy, l->name, l->line,
				builtin ? "Bad policy name" : "Bad built-in chain name");
	return add(p, l->line, (struct ic_op){ .code = IC_OP_POLICY, .table = table,
					       .chain = l->name, .arg = l->policy,
					       .set_counters = (p->flags & IPTABLES_RESTORE_COUNTERS) != 0,
					       .pcnt = pc, .bcnt = bc });
}

/* With --counters, "[p:b] -A ..." carries -c p b into the rule, as --set-counters. */
static const char *const *rule_words(struct plan *p, const struct ic_rline *l, size_t skip)
{
	const char **w;
	size_t n = 0;

	if (!(p->flags & IPTABLES_RESTORE_COUNTERS) || !l->pcnt)
		return (const char *const *)l->words + skip;
	if (IC_VEC_RESERVE(p->owned, p->owned_cap, p->nowned + 1))
		return NULL;
	w = calloc(l->nwords - skip + 4, sizeof(*w));
	if (!w)
		return NULL;
	p->owned[p->nowned++] = (char *)w;
	w[n++] = "-c";
	w[n++] = l->pcnt;
	w[n++] = l->bcnt;
	for (size_t i = skip; i < l->nwords; i++)
		w[n++] = l->words[i];
	return w;
}

static const struct {
	const char *s, *l;
	char c;
} commands[] = {
	{ "-A", "--append", 'A' }, { "-I", "--insert", 'I' }, { "-D", "--delete", 'D' },
	{ "-R", "--replace", 'R' }, { "-C", "--check", 'C' }, { "-N", "--new-chain", 'N' },
	{ "-X", "--delete-chain", 'X' }, { "-F", "--flush", 'F' }, { "-Z", "--zero", 'Z' },
	{ "-E", "--rename-chain", 'E' }, { "-P", "--policy", 'P' },
};

static char command_letter(const char *w)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(w, commands[i].s) || !strcmp(w, commands[i].l))
			return commands[i].c;
	return 0;
}

static int command_line(struct plan *p, const char *table, const struct ic_rline *l)
{
	char c = command_letter(l->words[0]);
	const char *chain = l->nwords > 1 ? l->words[1] : NULL;
	const char *arg = l->nwords > 2 ? l->words[2] : NULL;
	struct ic_op op = { .table = table, .chain = chain };
	const char *const *spec;
	bool num = arg && all_digits(arg);

	if (!c)
		return param_error(p, l->line, "the command must come first on a restore line, "
				   "not `%s'", l->words[0]);
	if (!chain && c != 'X' && c != 'F' && c != 'Z')
		return param_error(p, l->line, "option \"%s\" requires an argument", l->words[0]);
	switch (c) {
	case 'A':
	case 'C':
		op.code = c == 'A' ? IC_OP_APPEND : IC_OP_CHECK;
		spec = rule_words(p, l, 2);
		break;
	case 'I':
		op.code = IC_OP_INSERT;
		op.pos = num ? atoi(arg) : 1;
		spec = rule_words(p, l, num ? 3 : 2);
		break;
	case 'R':
		if (!num)
			return param_error(p, l->line, "option \"-R\" requires a rule number");
		op.code = IC_OP_REPLACE;
		op.pos = atoi(arg);
		spec = rule_words(p, l, 3);
		break;
	case 'D':
		if (num && l->nwords == 3) {
			op.code = IC_OP_DELETE_NUM;
			op.pos = atoi(arg);
			return add(p, l->line, op);
		}
		op.code = IC_OP_DELETE;
		spec = rule_words(p, l, 2);
		break;
	case 'N':
		op.code = IC_OP_NEW_CHAIN;
		return add(p, l->line, op);
	case 'X':
		op.code = chain ? IC_OP_DELETE_CHAIN : IC_OP_DELETE_ALL;
		return add(p, l->line, op);
	case 'F':
		op.code = chain ? IC_OP_FLUSH_CHAIN : IC_OP_CLEAR_ALL;
		return add(p, l->line, op);
	case 'Z':
		op.code = IC_OP_ZERO;
		op.pos = num ? atoi(arg) : 0;
		return add(p, l->line, op);
	case 'E':
		if (!arg)
			return param_error(p, l->line, "-E requires old-chain-name and "
					   "new-chain-name");
		op.code = IC_OP_RENAME_CHAIN;
		op.arg = arg;
		return add(p, l->line, op);
	default: /* 'P' */
		if (!arg)
			return param_error(p, l->line, "-P requires a chain and a policy");
		op.code = IC_OP_POLICY;
		op.arg = arg;
		return add(p, l->line, op);
	}
	if (!spec)
		return ic_err_nomem(ctx(p)->err, p->prog);
	op.spec = spec;
	return add(p, l->line, op);
}

static int table_line(struct plan *p, const struct ic_rline *l)
{
	struct ic_strv chains = { 0 };
	struct ic_oplog log;
	int rc;

	/* iptables-restore initialises the table first: a name the kernel does not know is
	 * refused at its own line */
	rc = ic_check_table(ctx(p), l->name);
	if (!rc && p->h->be->table_check)
		rc = p->h->be->table_check(ctx(p), l->name);
	else if (!rc)
		rc = p->h->be->list_chains(ctx(p), ic_txn_pending(p->h, &log), l->name, &chains);
	ic_strv_clear(&chains);
	if ((rc == IPTABLES_ENOTFOUND || rc == IPTABLES_EINVAL) && !strcmp(ctx(p)->mode, "nf_tables"))
		return param_error(p, l->line, "%s: line %d table name '%s' invalid", p->prog,
				   l->line, l->name);
	if (rc == IPTABLES_ENOTFOUND || rc == IPTABLES_EINVAL)
		return param_error(p, l->line, "%s: unable to initialize table '%s'", p->prog,
				   l->name);
	if (rc)
		return rc;
	if (p->flags & IPTABLES_RESTORE_NOFLUSH)
		return 0;
	rc = add(p, l->line, (struct ic_op){ .code = IC_OP_CLEAR_ALL, .table = l->name });
	return rc ? rc : add(p, l->line, (struct ic_op){ .code = IC_OP_DELETE_ALL,
							 .table = l->name });
}

static int make_plan(struct plan *p, const struct ic_rscript *s)
{
	const char *table = NULL;
	int rc = 0;

	for (size_t i = 0; i < s->n && !rc; i++) {
		const struct ic_rline *l = &s->v[i];

		switch (l->kind) {
		case IC_RLINE_TABLE:
			table = l->name;
			rc = table_line(p, l);
			break;
		case IC_RLINE_CHAIN:
			rc = chain_line(p, table, l);
			break;
		case IC_RLINE_COMMAND:
			rc = command_line(p, table, l);
			break;
		case IC_RLINE_COMMIT:
			p->commit_line = l->line;
			break;
		}
	}
	return rc;
}

/* A failure at commit: the op the backend names, else the last COMMIT. A usage error
 * already tells its line; anything else reads "line N failed", as iptables-restore
 * prints it (without libiptc's text). */
static int commit_failed(struct plan *p, int rc)
{
	struct ic_err *e = ctx(p)->err;
	int line = p->commit_line;
	bool del = false;

	if (e->param)
		return rc;
	if (e->at_line) {
		/* the backend worded it as the variant's restore does, naming the line */
		e->code = IPTABLES_EINVAL;
		return IPTABLES_EINVAL;
	}
	for (size_t i = 0; e->failed_op && i < p->n; i++) {
		if (p->v[i].logged != e->failed_op)
			continue;
		line = p->v[i].line;
		del = p->v[i].op.code == IC_OP_DELETE;
	}
	if (strcmp(ctx(p)->mode, "nf_tables"))
		return line_failed(p, IPTABLES_EINVAL, line);
	/* iptables-nft-restore adds why, in nft_strerror()'s words */
	return ic_error(ctx(p), IPTABLES_EINVAL, "%s: line %d failed: %s", p->prog, line,
			rc == IPTABLES_ENOTFOUND && del
				? "Bad rule (does a matching rule exist in that chain?)."
			: rc == IPTABLES_ENOTFOUND ? "No chain/target/match by that name."
			: rc == IPTABLES_EEXIST ? "File exists."
			: rc == IPTABLES_EBUSY ? "Device or resource busy."
			: "Invalid argument.");
}

/* Log every op; a predicate (-C, or -F's "does the chain exist") runs now on the pending
 * state. A refusal names its line. */
static int log_plan(struct plan *p)
{
	struct iptables *h = p->h;
	struct ic_oplog log;
	int rc = 0;

	for (size_t i = 0; i < p->n && !rc; i++) {
		struct ic_op *op = &p->v[i].op;

		ctx(p)->input_line = p->v[i].line;
		if (op->code == IC_OP_CHECK) {
			rc = h->be->apply(&h->cx, op, ic_txn_pending(h, &log));
			if (rc == 0)
				rc = line_failed(p, IPTABLES_ENOTFOUND, p->v[i].line);
			else if (rc == 1)
				rc = 0;
			continue;
		}
		p->v[i].logged = h->txn_n + 1;
		/* a transaction of its own ends before the script's words are freed */
		rc = p->own_txn ? ic_txn_add_kept(h, op) : ic_txn_add(h, op);
		if (rc && !ctx(p)->err->param && !ctx(p)->err->msg[0])
			rc = line_failed(p, rc, p->v[i].line);
	}
	ctx(p)->input_line = 0;
	return rc;
}

static void plan_free(struct plan *p)
{
	for (size_t i = 0; i < p->nowned; i++)
		free(p->owned[i]);
	free(p->owned);
	free(p->v);
}

static int restore(struct iptables *h, const char *text, unsigned flags)
{
	struct ic_ctx *cx = &h->cx;
	bool v6 = cx->proto == IPTABLES_IPV6, nft = !strcmp(cx->mode, "nf_tables");
	struct plan p = { .h = h, .flags = flags, .own_txn = !h->in_txn };
	struct ic_rscript s;
	struct ic_oplog log;
	int rc;

	p.prog = nft ? (v6 ? "ip6tables-nft-restore" : "iptables-nft-restore")
		     : (v6 ? "ip6tables-restore" : "iptables-restore");
	snprintf(p.vm, sizeof(p.vm), "%d.%d.%d (%s)", cx->ver_major, cx->ver_minor,
		 cx->ver_patch, cx->mode[0] ? cx->mode : "legacy");
	rc = ic_rscript_parse(text, p.prog, p.vm, &s, cx->err);
	if (rc)
		return rc;
	rc = make_plan(&p, &s);
	if (!rc && p.n) {
		cx->input_prog = p.prog;
		if (p.own_txn)
			h->in_txn = true;
		rc = log_plan(&p);
		if (p.own_txn) {
			if (!rc && h->txn_n) {
				rc = h->be->commit(cx, ic_txn_pending(h, &log));
				if (rc < 0)
					rc = commit_failed(&p, rc);
			}
			ic_txn_clear(h);
		}
		cx->input_prog = NULL;
	}
	plan_free(&p);
	ic_rscript_free(&s);
	return rc < 0 ? rc : 0;
}

IPTABLES_API int iptables_restore(iptables *h, const char *text, unsigned flags)
{
	struct ic_err err;
	int rc;

	if (!h)
		return IPTABLES_EINVAL;
	ic_call_begin(h, &err);
	if (!text)
		rc = ic_error(&h->cx, IPTABLES_EINVAL, "NULL restore text");
	else if (flags & ~(IPTABLES_RESTORE_NOFLUSH | IPTABLES_RESTORE_COUNTERS))
		rc = ic_error(&h->cx, IPTABLES_EINVAL, "unknown flags 0x%x", flags);
	else
		rc = restore(h, text, flags);
	return ic_call_end(h, rc);
}
