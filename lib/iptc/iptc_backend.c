/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The in-process backend: libiptc for the tables, libxtables (xt_*.c) for rule text.
 *
 * Every call is one session: take the xtables lock, read the table(s), apply, commit what
 * changed, free the handles, drop the lock; reads take the lock too, as iptables-legacy does.
 * A commit that fails with EAGAIN (the kernel's table changed since we read it, which only a
 * writer ignoring the lock can cause) is redone from a fresh read, a bounded number of times.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iptc_backend.h"
#include "iptc_encode.h"
#include "../arena.h"
#include "../xt/xt.h"

static bool any_mutation(const struct ic_op *ops, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ic_op_mutates(ops[i].code))
			return true;
	return false;
}

/* After EAGAIN on @t's commit: read it again and re-apply the ops that touch it. */
static int table_redo(struct ic_iptc_session *s, struct ic_iptc_table *t, const struct ic_op *ops,
		      size_t n)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		if (strcmp(ops[i].table, t->name) != 0)
			continue;
		rc = ic_iptc_op_apply(s, &ops[i]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Commit @t, redoing its ops on a fresh read when the kernel says EAGAIN. */
static int commit_one(struct ic_iptc_session *s, struct ic_iptc_table *t, const struct ic_op *ops,
		      size_t n)
{
	int rc, tries;

	for (tries = 0;; tries++) {
		rc = ic_iptc_table_commit(s, t);
		if (rc != IC_IPTC_RETRY)
			return rc;
		if (tries == IC_IPTC_MAX_RETRIES)
			return ic_error(s->cx, IPTABLES_ESYS, "%s: %s.", ic_prog(s->cx),
					 strerror(EAGAIN));
		rc = table_redo(s, t, ops, n);
		if (rc)
			return rc;
	}
}

/* Table @k failed with @rc after 0..k-1 were committed: put those back, keep @rc's message. */
static int undo_committed(struct ic_iptc_session *s, const struct ic_iptc_pristine *p, size_t k, int rc)
{
	struct ic_err failed, why;

	ic_err_capture(&failed, s->cx->err);
	ic_iptc_session_drop(s);
	if (!ic_iptc_pristine_restore(s, p, k)) {
		ic_err_restore(s->cx->err, &failed);
		return rc;
	}
	ic_err_capture(&why, s->cx->err);
	return ic_error(s->cx, rc, "%s\n%s: could not put back the tables committed before: %s",
			failed.msg, ic_prog(s->cx), why.msg);
}

/*
 * Commit every table of the session in the order they were first used. All ops are applied
 * to all handles before the first commit, so a bad op or rule changes nothing. The kernel
 * replaces one table per call, though: when it refuses table k, tables 0..k-1 are already
 * committed, so they are put back from pristine copies read under the same lock before the
 * first commit (iptc_undo.c). A single-table session needs no copy. Other writers that
 * respect the lock cannot interleave; the rollback loses what rules counted meanwhile.
 */
static int commit_tables(struct ic_iptc_session *s, const struct ic_op *ops, size_t n)
{
	struct ic_iptc_pristine p = { 0 };
	size_t i;
	int rc = 0;

	if (s->n > 1) {
		rc = ic_iptc_pristine_read(s, &p);
		if (rc)
			return rc;
	}
	for (i = 0; i < s->n; i++) {
		rc = commit_one(s, &s->tabs[i], ops, n);
		if (rc) {
			if (i > 0)
				rc = undo_committed(s, &p, i, rc);
			break;
		}
	}
	ic_iptc_pristine_free(s, &p);
	return rc;
}

/* Apply @ops in order in one session and commit. Returns the last op's result (1/0 for a
 * predicate) or the first failure; on failure nothing is committed. */
static int run_ops(struct ic_ctx *cx, const struct ic_op *ops, size_t n)
{
	struct ic_iptc_session s;
	int rc, result = 0;
	size_t i;

	rc = ic_iptc_session_begin(&s, cx);
	if (rc)
		return rc;
	for (i = 0; i < n; i++) {
		rc = ic_iptc_op_apply(&s, &ops[i]);
		if (rc < 0) {
			cx->err->failed_op = i + 1;
			goto out;
		}
		result = rc;
	}
	rc = any_mutation(ops, n) ? commit_tables(&s, ops, n) : 0;
out:
	ic_iptc_session_end(&s);
	return rc < 0 ? rc : result;
}

/*
 * Inside a transaction, reads see its pending changes: the log is replayed onto the table
 * just read, in memory; such a handle is never committed.
 */
static int replay_pending(struct ic_iptc_session *s, const struct ic_oplog *pending,
			  const char *table)
{
	int rc;

	if (!pending)
		return 0;
	for (size_t i = 0; i < pending->n; i++) {
		if (table && strcmp(pending->ops[i].table, table) != 0)
			continue;
		rc = ic_iptc_op_apply(s, &pending->ops[i]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int ic_iptc_apply(struct ic_ctx *cx, const struct ic_op *op,
			 const struct ic_oplog *pending)
{
	struct ic_iptc_session s;
	int rc;

	if (!pending)
		return run_ops(cx, op, 1);
	/* a predicate inside a transaction (mutations are logged, never applied here) */
	rc = ic_iptc_session_begin(&s, cx);
	if (rc)
		return rc;
	rc = replay_pending(&s, pending, op->table);
	if (rc >= 0)
		rc = ic_iptc_op_apply(&s, op);
	ic_iptc_session_end(&s);
	return rc;
}

static int ic_iptc_commit(struct ic_ctx *cx, const struct ic_oplog *log)
{
	return run_ops(cx, log->ops, log->n);
}

/* Checks done when an op is logged in a transaction: what iptables refuses before reading
 * the table. Jumps are resolved at commit, when the chains created earlier exist. */
static bool uses_mask(enum ic_opcode code)
{
	return code != IC_OP_APPEND && code != IC_OP_INSERT && code != IC_OP_REPLACE;
}

/* The parse is kept in the logged op, packed in the transaction's arena (the delete/check
 * mask only for the ops that compare rules), so commit does not parse the words again. */
static int ic_iptc_validate(struct ic_ctx *cx, struct ic_op *op, struct ic_arena *arena)
{
	struct ic_iptc_rule r;
	int rc;

	if (op->code == IC_OP_NEW_CHAIN)
		return ic_iptc_chain_name_check(cx, op->chain);
	if (!op->spec)
		return 0;
	rc = ic_iptc_rule_parse(cx, op, NULL, &r);
	if (rc)
		return rc;
	if (op->code == IC_OP_REPLACE && r.n != 1)
		rc = ic_param_error(cx, "Replacement rule does not specify a unique address");
	else if (!(op->parsed = ic_iptc_rule_pack(arena, &r, uses_mask(op->code))))
		rc = ic_err_nomem(cx->err, ic_prog(cx));
	ic_iptc_rule_free(&r);
	return rc;
}

/* ---- reading ---- */

static int nomem(struct ic_ctx *cx)
{
	return ic_error(cx, IPTABLES_ENOMEM, "%s: Memory allocation problem.", ic_prog(cx));
}

/* Names of the chains of @t in iptables' order (built-ins, then user chains sorted), or only
 * @chain, which must exist. */
static int chain_names(struct ic_iptc_session *s, struct ic_iptc_table *t, const char *chain,
		       struct ic_strv *names)
{
	const char *c;

	if (chain) {
		if (!s->f->ops->is_chain(chain, t->xh))
			return ic_iptc_fail(s->cx, IC_IPTC_FN_OTHER, ENOENT, NULL);
		return ic_strv_push(names, chain) ? nomem(s->cx) : 0;
	}
	for (c = s->f->ops->first_chain(t->xh); c; c = s->f->ops->next_chain(t->xh))
		if (ic_strv_push(names, c))
			return nomem(s->cx);
	return 0;
}

/* Session, table handle and chain names: what every reader starts with. */
static int read_begin(struct ic_iptc_session *s, struct ic_ctx *cx,
		      const struct ic_oplog *pending, const char *table, const char *chain,
		      struct ic_iptc_table **t, struct ic_strv *names)
{
	int rc;

	rc = ic_iptc_session_begin(s, cx);
	if (rc)
		return rc;
	rc = ic_iptc_session_table(s, table, t);
	if (!rc)
		rc = replay_pending(s, pending, table);
	if (rc > 0)
		rc = 0;
	if (!rc)
		rc = chain_names(s, *t, chain, names);
	if (rc)
		ic_iptc_session_end(s);
	return rc;
}

/* "-P CHAIN POLICY [-c PKTS BYTES]" or "-N CHAIN". */
static int chain_header(struct ic_iptc_session *s, struct ic_iptc_table *t, const char *chain,
			bool counters, struct ic_strv *out)
{
	struct xt_counters cnt = { 0, 0 };
	const char *pol = NULL;

	if (s->f->ops->builtin(chain, t->xh)) {
		pol = s->f->ops->get_policy(chain, &cnt, t->xh);
		pol = pol ? pol : "";
	}
	return ic_strv_push_chain(out, chain, pol, counters, cnt.pcnt, cnt.bcnt) ? nomem(s->cx) : 0;
}

static int chain_rules(struct ic_iptc_session *s, struct ic_iptc_table *t, const char *chain,
		       bool counters, struct ic_strv *out)
{
	const void *e;
	struct ic_rule r;
	char *line;
	int rc;

	for (e = s->f->first_rule(chain, t->xh); e; e = s->f->next_rule(e, t->xh)) {
		rc = ic_iptc_decode(s->f, t->xh, e, &r, s->cx->err);
		if (rc)
			return rc;
		rc = ic_xt_format_rule(s->f->xt->nfproto, s->cx->mode, chain, &r, counters,
				       &line, s->cx->err);
		ic_rule_free(&r);
		if (rc)
			return rc;
		if (ic_strv_push_owned(out, line))
			return nomem(s->cx);
	}
	return 0;
}

/* As iptables -S [CHAIN]: all -P/-N lines first, then the rules of each chain in order. */
static int ic_iptc_list(struct ic_ctx *cx, const struct ic_oplog *pending, const char *table,
			const char *chain, bool counters, struct ic_strv *out)
{
	struct ic_strv names = { 0 };
	struct ic_iptc_session s;
	struct ic_iptc_table *t;
	size_t i;
	int rc;

	rc = read_begin(&s, cx, pending, table, chain, &t, &names);
	if (rc)
		return rc;
	for (i = 0; i < names.n && !rc; i++)
		rc = chain_header(&s, t, names.v[i], counters, out);
	for (i = 0; i < names.n && !rc; i++)
		rc = chain_rules(&s, t, names.v[i], counters, out);
	ic_iptc_session_end(&s);
	ic_strv_clear(&names);
	if (rc)
		ic_strv_clear(out);
	return rc;
}

static int ic_iptc_list_chains(struct ic_ctx *cx, const struct ic_oplog *pending,
			       const char *table, struct ic_strv *out)
{
	struct ic_iptc_session s;
	struct ic_iptc_table *t;
	int rc;

	rc = read_begin(&s, cx, pending, table, NULL, &t, out);
	if (rc) {
		ic_strv_clear(out);
		return rc;
	}
	ic_iptc_session_end(&s);
	return 0;
}

static int ic_iptc_stats(struct ic_ctx *cx, const struct ic_oplog *pending, const char *table,
			 const char *chain, struct ic_statv *out)
{
	struct ic_strv names = { 0 };
	struct iptables_stat *row;
	struct ic_iptc_session s;
	struct ic_rule r;
	struct ic_iptc_table *t;
	const void *e;
	int rc;

	if (!chain)
		return ic_error(cx, IPTABLES_EINVAL, "NULL chain name");
	rc = read_begin(&s, cx, pending, table, chain, &t, &names);
	if (rc)
		return rc;
	for (e = s.f->first_rule(chain, t->xh); e && !rc; e = s.f->next_rule(e, t->xh)) {
		row = ic_statv_add(out);
		if (!row) {
			rc = nomem(cx);
			break;
		}
		rc = ic_iptc_decode(s.f, t->xh, e, &r, cx->err);
		if (rc)
			break;
		rc = ic_xt_format_stat(s.f->xt->nfproto, cx->mode, &r, row, cx->err);
		ic_rule_free(&r);
	}
	ic_iptc_session_end(&s);
	ic_strv_clear(&names);
	if (rc)
		ic_statv_clear(out);
	return rc;
}

/* ---- handle ---- */

static int ic_iptc_open(struct ic_ctx *cx)
{
	ic_xt_version(&cx->ver_major, &cx->ver_minor, &cx->ver_patch);
	snprintf(cx->mode, sizeof(cx->mode), "legacy");
	return 0;
}

static void ic_iptc_close(struct ic_ctx *cx)
{
	(void)cx;
}

/* Cheap probe, no lock (it only reads): can libiptc read the filter table, and does
 * libxtables load? Errors that say "no legacy tables here" make it unusable; others (say,
 * EPERM) are left for the real calls to report. */
static bool usable(enum iptables_proto proto)
{
	const struct ic_iptc_family *f = ic_iptc_family_of(proto);
	struct ic_err err = { 0 };
	struct xtc_handle *xh;

	errno = 0;
	xh = f->ops->init("filter");
	if (xh) {
		f->ops->free(xh);
	} else {
		switch (errno) {
		case ENOENT:
		case EINVAL:
		case ENOPROTOOPT:
		case EAFNOSUPPORT:
		case EPROTONOSUPPORT:
		case ENOSYS:
			return false;
		default:
			break;
		}
	}
	return ic_xt_usable(f->xt->nfproto, &err) == 0;
}

/* Does legacy table @name hold anything a fresh namespace does not: a rule, a user chain? */
static bool table_holds_rules(const struct ic_iptc_family *f, const char *name)
{
	struct xtc_handle *xh = f->ops->init(name);
	bool held = false;

	if (!xh)
		return false;
	for (const char *c = f->ops->first_chain(xh); c && !held; c = f->ops->next_chain(xh))
		held = !f->ops->builtin(c, xh) || f->first_rule(c, xh) != NULL;
	f->ops->free(xh);
	return held;
}

/* Rules in any legacy table of @proto (the kernel lists the tables that exist). */
static bool legacy_holds_rules(enum iptables_proto proto)
{
	const struct ic_iptc_family *f = ic_iptc_family_of(proto);
	char name[64];
	bool held = false;
	FILE *tables = fopen(proto == IPTABLES_IPV6 ? "/proc/net/ip6_tables_names"
						    : "/proc/net/ip_tables_names", "re");

	if (!tables)
		return false;
	while (!held && fgets(name, sizeof(name), tables)) {
		name[strcspn(name, "\n")] = '\0';
		held = table_holds_rules(f, name);
	}
	fclose(tables);
	return held;
}

/* The system's iptables is the legacy variant -> what it uses; no iptables at all -> legacy
 * tables when they hold rules (the nf_tables backend answers the same for its tables, and
 * wins ties: registry.c); otherwise a fallback. */
static enum ic_rank ic_iptc_probe(const struct ic_ctx *cx)
{
	enum ic_variant v = ic_system_variant(cx->proto);

	if (!usable(cx->proto))
		return IC_RANK_NO;
	if (v == IC_VARIANT_LEGACY || v == IC_VARIANT_OTHER)
		return IC_RANK_SYSTEM;
	if (v == IC_VARIANT_NONE && legacy_holds_rules(cx->proto))
		return IC_RANK_WHERE_RULES_ARE;
	return IC_RANK_FALLBACK;
}

/* Legacy tables have no dry run: the extension must take the option, and the kernel know the
 * flag (NF_NAT_RANGE_PROTO_RANDOM_FULLY, Linux 3.13). */
static int ic_iptc_random_fully(struct ic_ctx *cx)
{
	int rc = ic_random_fully_parses(cx);

	return rc == 1 && !ic_kernel_at_least(3, 13) ? 0 : rc;
}

const struct ic_backend ic_backend_libiptc = {
	.name = "libiptc",
	.id = IPTABLES_BACKEND_LIBIPTC,
	.probe = ic_iptc_probe,
	.open = ic_iptc_open,
	.close = ic_iptc_close,
	.apply = ic_iptc_apply,
	.list = ic_iptc_list,
	.list_chains = ic_iptc_list_chains,
	.stats = ic_iptc_stats,
	.commit = ic_iptc_commit,
	.validate = ic_iptc_validate,
	.list_tables = ic_iptc_list_tables,
	.table_check = ic_iptc_table_check,
	.random_fully = ic_iptc_random_fully,
};
