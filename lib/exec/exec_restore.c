/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * commit(): a transaction becomes one `<path>-restore --noflush --wait [N]` run, fed a script
 * with a "*table ... COMMIT" section per touched table (iptables-restore replaces each table
 * in one kernel update; an error anywhere aborts the table being parsed).
 *
 * Ops whose effect depends on the current ruleset are decided here, at commit time, by
 * querying the kernel before the script is written: APPEND_UNIQUE / INSERT_UNIQUE add and
 * DELETE_IF_EXISTS deletes only when `-C` (or an earlier op of the same transaction with the
 * same words) says the rule is absent / present; CLEAR_CHAIN becomes -F or -N and
 * CLEAR_AND_DELETE_CHAIN becomes -F + -X or nothing, from the chains `-S` lists, updated by
 * the earlier ops of the transaction. A concurrent writer changing the ruleset between those
 * queries and the restore can make such a decision stale. CHECK and CHAIN_EXISTS are never
 * logged.
 *
 * The restore binaries commit table by table (at each COMMIT line), and some ops cannot be in
 * the same run (an overlong rule line; a rename under iptables-nft-restore: see struct run),
 * so a commit of several tables or runs is made all-or-nothing by a snapshot: each touched
 * table is saved (`<path>-save -c -t T`) first, and if a run fails, the tables that earlier
 * runs (or the failed run before its refused section) committed are reloaded
 * (exec_snapshot.c). Remaining window: a writer that changes one of these tables between the
 * snapshot and the reload loses its change; and what the rules counted in between is lost.
 * One table in one run needs no snapshot: one COMMIT is one kernel update.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec_model.h"
#include "exec_script.h"
#include "lock.h"
#include "vec.h"

/*
 * The commit is a sequence of runs, in op order: restore runs, and single commands for the
 * rare op whose line iptables-restore cannot read whole (exec_script.h). A rename under
 * iptables-nft-restore has a run of its own: it cannot rename a chain created earlier in the
 * same run, nor find the chain by its new name later in it.
 */
#define NO_OP ((size_t)-1)

struct run {
	struct ic_script x;	/* a restore run */
	size_t op;		/* or op @op alone: NO_OP for a restore run */
	const char *words[4];	/* the single command's words before the spec: the op's own
				 * strings, or num */
	char num[16];		/* a rule number: the caller's formatting of it is gone by the
				 * time the run runs */
	bool with_spec;
	bool closed;		/* nothing more joins this restore run */
};

struct commit {
	struct ic_ctx *cx;
	const struct ic_op *ops;
	size_t n;
	bool *emitted;		/* did op i produce a line (for the decided ops) */
	struct xmodel m;
	struct run *runs;
	size_t nruns, cap;
	bool counters;		/* a policy line carries counters: run with --counters */
};

static bool spec_eq(const char *const *a, const char *const *b)
{
	size_t i;

	if (!a || !b)
		return a == b;
	for (i = 0; a[i] && b[i]; i++)
		if (strcmp(a[i], b[i]))
			return false;
	return !a[i] && !b[i];
}

/* What the transaction itself says about rule @spec in @chain before op @i: 1, 0, or -1. */
static int txn_knows(struct commit *c, size_t i, const struct ic_op *q)
{
	const char *name = q->chain;

	while (i--) {
		const struct ic_op *o = &c->ops[i];

		if (!c->emitted[i] || strcmp(o->table, q->table))
			continue;
		if (o->code == IC_OP_CLEAR_ALL)
			return 0;
		if (o->code == IC_OP_RENAME_CHAIN && !strcmp(o->arg, name)) {
			name = o->chain;	/* earlier ops knew the chain by its old name */
			continue;
		}
		if (!o->chain || strcmp(o->chain, name))
			continue;
		switch (o->code) {
		case IC_OP_NEW_CHAIN:
		case IC_OP_CLEAR_CHAIN:
		case IC_OP_DELETE_CHAIN:
		case IC_OP_CLEAR_AND_DELETE_CHAIN:
			return 0;
		case IC_OP_APPEND:
		case IC_OP_APPEND_UNIQUE:
		case IC_OP_INSERT:
		case IC_OP_INSERT_UNIQUE:
		case IC_OP_REPLACE:
			if (spec_eq(o->spec, q->spec))
				return 1;
			break;
		case IC_OP_DELETE:
		case IC_OP_DELETE_IF_EXISTS:
			if (spec_eq(o->spec, q->spec))
				return 0;
			break;
		default:
			break;
		}
	}
	return -1;
}

/* Loads op @i's table into the model, with the effect of the earlier ops on it. */
static int load(struct commit *c, size_t i)
{
	const char *table = c->ops[i].table;
	size_t j;
	int rc;

	if (xm_loaded(&c->m, table))
		return 0;
	rc = xm_load(&c->m, table);
	for (j = 0; !rc && j < i; j++)
		if (c->emitted[j] && !strcmp(c->ops[j].table, table))
			rc = xm_apply(&c->m, &c->ops[j]);
	return rc;
}

static int rule_exists(struct commit *c, size_t i)
{
	const struct ic_op *op = &c->ops[i];
	struct xm_chain *ch;
	int rc;

	rc = load(c, i);
	if (rc)
		return rc;
	ch = xm_find(&c->m, op->table, op->chain);
	if (!ch)
		return 0;
	rc = txn_knows(c, i, op);
	if (rc >= 0)
		return rc;
	if (!ch->kname)
		return 0;
	return ic_exec_rule_exists_lax(c->cx, op->table, ch->kname, op->spec);
}

static int chain_exists(struct commit *c, size_t i)
{
	const struct ic_op *op = &c->ops[i];
	int rc = load(c, i);

	if (rc)
		return rc;
	return xm_find(&c->m, op->table, op->chain) != NULL;
}

static struct run *new_run(struct commit *c)
{
	struct run *r;

	if (IC_VEC_RESERVE(c->runs, c->cap, c->nruns + 1))
		return NULL;
	r = &c->runs[c->nruns++];
	memset(r, 0, sizeof(*r));
	r->op = NO_OP;
	return r;
}

static bool nft_mode(const struct ic_ctx *cx)
{
	return !strcmp(cx->mode, "nf_tables");
}

static int line(struct commit *c, size_t i, const char *cmd, const char *a1, const char *a2,
		bool spec)
{
	const struct ic_op *op = &c->ops[i];
	const char *const words[] = { cmd, a1, a2, NULL };
	const char *const *sp = spec ? op->spec : NULL;
	bool alone = nft_mode(c->cx) && !strcmp(cmd, "-E");
	struct run *r = c->nruns ? &c->runs[c->nruns - 1] : NULL;

	c->emitted[i] = true;
	if (!ic_script_fits(words, sp)) {
		r = new_run(c);
		if (!r)
			return ic_error(c->cx, IPTABLES_ENOMEM, "out of memory");
		r->op = i;
		memcpy(r->words, words, sizeof(words));
		if (a2 && a2 != op->arg) {
			snprintf(r->num, sizeof(r->num), "%s", a2);
			r->words[2] = r->num;
		}
		r->with_spec = spec;
		return 0;
	}
	if (!r || r->op != NO_OP || r->closed || (alone && r->x.n))
		r = new_run(c);
	if (!r || ic_script_add(&r->x, op->table, i, words, sp))
		return ic_error(c->cx, IPTABLES_ENOMEM, "out of memory");
	r->closed = alone;
	return 0;
}

/* -P CHAIN TARGET; with counters ":CHAIN TARGET [p:b]", since both variants' restore set
 * policy counters only from that line (iptables-nft ignores -P's -c). */
static int policy_line(struct commit *c, size_t i)
{
	const struct ic_op *op = &c->ops[i];
	struct run *r;

	if (!op->set_counters)
		return line(c, i, "-P", op->chain, op->arg, false);
	if (strpbrk(op->arg, " \t\"[]"))
		return ic_error(c->cx, IPTABLES_EINVAL, "%s: Bad policy name.", ic_prog(c->cx));
	c->emitted[i] = true;
	c->counters = true;
	r = c->nruns ? &c->runs[c->nruns - 1] : NULL;
	if (!r || r->op != NO_OP || r->closed)
		r = new_run(c);
	if (!r || ic_script_add_policy(&r->x, op->table, i, op->chain, op->arg,
				       (unsigned long long)op->pcnt, (unsigned long long)op->bcnt))
		return ic_error(c->cx, IPTABLES_ENOMEM, "out of memory");
	return 0;
}

static bool table_missing(struct commit *c, const char *table)
{
	for (size_t i = 0; i < c->m.nt; i++)
		if (!strcmp(c->m.t[i].name, table))
			return c->m.t[i].missing;
	return false;
}

/* Decides whether op @i emits, and what. */
static int plan_op(struct commit *c, size_t i)
{
	const struct ic_op *op = &c->ops[i];
	char num[16];
	int ex;

	snprintf(num, sizeof(num), "%d", op->pos);
	switch (op->code) {
	case IC_OP_APPEND:
		return line(c, i, "-A", op->chain, NULL, true);
	case IC_OP_INSERT:
		return line(c, i, "-I", op->chain, num, true);
	case IC_OP_REPLACE:
		return line(c, i, "-R", op->chain, num, true);
	case IC_OP_DELETE:
		return line(c, i, "-D", op->chain, NULL, true);
	case IC_OP_DELETE_NUM:
		return line(c, i, "-D", op->chain, num, false);
	case IC_OP_APPEND_UNIQUE:
	case IC_OP_INSERT_UNIQUE:
		ex = rule_exists(c, i);
		if (ex)
			return ex < 0 ? ex : 0;
		if (op->code == IC_OP_APPEND_UNIQUE)
			return line(c, i, "-A", op->chain, NULL, true);
		return line(c, i, "-I", op->chain, num, true);
	case IC_OP_DELETE_IF_EXISTS:
		ex = rule_exists(c, i);
		return ex <= 0 ? ex : line(c, i, "-D", op->chain, NULL, true);
	case IC_OP_NEW_CHAIN:
		return line(c, i, "-N", op->chain, NULL, false);
	case IC_OP_CLEAR_CHAIN:
		ex = chain_exists(c, i);
		if (ex < 0)
			return ex;
		return line(c, i, ex ? "-F" : "-N", op->chain, NULL, false);
	case IC_OP_DELETE_CHAIN:
		return line(c, i, "-X", op->chain, NULL, false);
	case IC_OP_RENAME_CHAIN:
		return line(c, i, "-E", op->chain, op->arg, false);
	case IC_OP_CLEAR_AND_DELETE_CHAIN:
		ex = chain_exists(c, i);
		if (ex == 0 && table_missing(c, op->table))
			return ic_exec_table_check(c->cx, op->table);
		if (ex <= 0)
			return ex;
		ex = line(c, i, "-F", op->chain, NULL, false);
		return ex ? ex : line(c, i, "-X", op->chain, NULL, false);
	case IC_OP_POLICY:
		return policy_line(c, i);
	case IC_OP_CLEAR_ALL:
		return line(c, i, "-F", NULL, NULL, false);
	case IC_OP_DELETE_ALL:
		return line(c, i, "-X", NULL, NULL, false);
	case IC_OP_FLUSH_CHAIN:
		return line(c, i, "-F", op->chain, NULL, false);
	case IC_OP_ZERO:
		return line(c, i, "-Z", op->chain, op->pos ? num : NULL, false);
	case IC_OP_CHECK:
	case IC_OP_CHAIN_EXISTS:
		return 0;
	}
	return ic_error(c->cx, IPTABLES_EINVAL, "unknown operation %d", (int)op->code);
}

static int check_words(struct commit *c, const struct ic_op *op)
{
	const char *w[] = { op->table, op->chain, op->arg };
	size_t i;

	for (i = 0; i < 3; i++)
		if (w[i] && strpbrk(w[i], "\n\r"))
			goto bad;
	for (i = 0; op->spec && op->spec[i]; i++)
		if (strpbrk(op->spec[i], "\n\r"))
			goto bad;
	return 0;
bad:
	return ic_error(c->cx, IPTABLES_EINVAL, "%s: a word holds a newline", ic_prog(c->cx));
}

static int plan(struct commit *c)
{
	size_t i;
	int rc = 0;

	for (i = 0; !rc && i < c->n; i++) {
		rc = check_words(c, &c->ops[i]);
		if (!rc)
			rc = ic_exec_precheck(c->cx, &c->ops[i]);
		if (!rc)
			rc = plan_op(c, i);
		if (!rc)
			rc = xm_apply(&c->m, &c->ops[i]);
	}
	return rc;
}

/* "iptables" -> "iptables-restore", "/sbin/ip6tables-nft" -> "/sbin/ip6tables-nft-restore" */
static char *restore_path(const char *path)
{
	char *p = malloc(strlen(path) + sizeof("-restore"));

	if (p) {
		strcpy(p, path);
		strcat(p, "-restore");
	}
	return p;
}

/* Script line a restore error message names, 0 if none. */
static unsigned int failed_line(const char *msg)
{
	static const char *const marks[] = { ": line ", "\nline ", "Error occurred at line: " };
	unsigned int ln;
	size_t i;

	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		const char *f = strstr(msg, marks[i]);

		if (f && sscanf(f + strlen(marks[i]), "%u", &ln) == 1)
			return ln;
	}
	return 0;
}

/*
 * Classify a failed restore. Legacy prints only "line N failed", and some texts are
 * ambiguous (see exec_apply.c): then the op of line N is examined (exec_diag.c).
 */
static int restore_fail(struct commit *c, const struct ic_script *x, const struct ic_spawn_res *res)
{
	char *msg = ic_exec_clean_msg(res->err);
	int code;
	size_t k, len;
	bool bare, ambiguous;

	if (!msg)
		return ic_error(c->cx, IPTABLES_ENOMEM, "out of memory");
	code = ic_exec_classify(msg, res->status);
	k = ic_script_line_op(x, failed_line(msg));
	len = strlen(msg);
	bare = code == IPTABLES_EEXEC && len > 7 && !strcmp(msg + len - 7, " failed");
	ambiguous = (code == IPTABLES_ENOTFOUND && strstr(msg, "No chain/target/match")) ||
		    (code == IPTABLES_EINVAL && strstr(msg, "Bad built-in chain name"));
	if (k != (size_t)-1 && (bare || ambiguous))
		code = ic_exec_restore_diag(c->cx, c->ops, k, c->emitted, code);
	/* legacy names no errno, but warns of a missing kernel module before "line N failed":
	 * the kernel's ENOENT, as the op alone gets it */
	if (bare && code == IPTABLES_EEXEC && strstr(msg, "missing kernel module?"))
		code = IPTABLES_ENOTFOUND;
	if (k != (size_t)-1)
		code = ic_exec_rule_refusal(&c->ops[k], code, msg);
	free(msg);
	code = ic_exec_fail_as(c->cx, res, code);
	if (k != (size_t)-1)
		c->cx->err->failed_op = k + 1;
	return code;
}

/* Runs restore script @x (with --test: only parses it); on failure, *failed_section is the
 * section refused (or NO_OP). */
static int restore_run(struct commit *c, const struct ic_script *x, bool test,
		       size_t *failed_section)
{
	struct ic_spawn_res res;
	char wait_s[16], *text, *rpath;
	const char *argv[8];
	size_t len, i = 0;
	int rc;

	*failed_section = NO_OP;
	text = ic_script_text(x, &len);
	rpath = restore_path(c->cx->path);
	if (!text || !rpath) {
		free(text);
		free(rpath);
		return ic_error(c->cx, IPTABLES_ENOMEM, "out of memory");
	}
	argv[i++] = rpath;
	argv[i++] = "--noflush";
	if (c->counters)
		argv[i++] = "--counters";
	if (test)
		argv[i++] = "--test";
	argv[i++] = "--wait";
	if (c->cx->timeout_s > 0) {
		snprintf(wait_s, sizeof(wait_s), "%d", c->cx->timeout_s);
		argv[i++] = wait_s;
	}
	argv[i] = NULL;
	rc = ic_exec_spawn(c->cx, (char *const *)argv, text, len, &res);
	free(text);
	if (!rc && res.status) {
		*failed_section = ic_script_line_section(x, failed_line(res.err));
		rc = restore_fail(c, x, &res);
	} else if (!rc) {
		rc = ic_exec_refuse_output(c->cx, &res);
	}
	ic_spawn_res_free(&res);
	free(rpath);
	return rc;
}

/* An op alone: the command a single call would run. */
static int run_restore(struct commit *c, const struct ic_script *x, size_t *failed_section)
{
	return restore_run(c, x, false, failed_section);
}

static int run_single(struct commit *c, const struct run *r)
{
	const struct ic_op *op = &c->ops[r->op];
	struct ic_spawn_res res;
	int rc;

	rc = ic_exec_raw(c->cx, op->table, r->words, r->with_spec ? op->spec : NULL, &res);
	if (rc)
		return rc;
	rc = res.status ? ic_exec_fail(c->cx, &res) : ic_exec_refuse_output(c->cx, &res);
	ic_spawn_res_free(&res);
	return rc;
}

/* The tables the runs touch, each once. */
struct tables {
	const char **v;
	bool *changed;		/* by a run that committed it */
	size_t n, cap;
};

static int tables_add(struct tables *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->v[i], name))
			return 0;
	if (IC_VEC_RESERVE(t->v, t->cap, t->n + 1))
		return -1;
	t->v[t->n++] = name;
	return 0;
}

static int tables_of(struct commit *c, struct tables *t)
{
	size_t i, j;

	for (i = 0; i < c->nruns; i++) {
		const struct run *r = &c->runs[i];

		if (r->op != NO_OP && tables_add(t, c->ops[r->op].table))
			return -1;
		for (j = 0; r->op == NO_OP && j < r->x.n; j++)
			if (tables_add(t, r->x.s[j].table))
				return -1;
	}
	t->changed = calloc(t->n ? t->n : 1, sizeof(*t->changed));
	return t->changed ? 0 : -1;
}

static void mark_changed(struct tables *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->v[i], name))
			t->changed[i] = true;
}

/*
 * Runs @r and notes the tables it committed: all of them when it succeeded; when a restore
 * run failed, the sections before the refused one (each COMMIT is a kernel update); when we
 * cannot tell which section, all of them.
 */
static int run_one(struct commit *c, const struct run *r, struct tables *t)
{
	size_t k, j;
	int rc;

	if (r->op != NO_OP) {
		rc = run_single(c, r);
		if (!rc)
			mark_changed(t, c->ops[r->op].table);
		return rc;
	}
	rc = run_restore(c, &r->x, &k);
	for (j = 0; j < r->x.n && (!rc || k == NO_OP || j < k); j++)
		mark_changed(t, r->x.s[j].table);
	return rc;
}

/* A run failed with @rc: reload the tables of @snap that earlier runs (or the failed one)
 * committed, keeping @rc's message and exit status. */
static int undo(struct ic_ctx *cx, const struct ic_exec_snap *snap, const bool *changed, int rc)
{
	struct ic_err failed, why;

	ic_err_capture(&failed, cx->err);
	if (!ic_exec_snapshot_reload(cx, snap, changed)) {
		ic_err_restore(cx->err, &failed);
		return rc;
	}
	ic_err_capture(&why, cx->err);
	ic_err_set(cx->err, rc, "%s\n%s: could not put back the tables as they were: %s",
		   failed.msg, ic_prog(cx), why.msg);
	cx->err->exit_status = failed.exit_status;
	return rc;
}

/*
 * Several runs or tables: snapshot the tables, run, reload what was committed on failure.
 * iptables-nft takes no lock, so a reload there can undo what another writer did meanwhile:
 * the first run is parsed with --test before anything is committed, so that what the
 * parser refuses (the most common failure) never reaches a put-back.
 */
static int run_guarded(struct commit *c)
{
	struct tables t = { 0 };
	struct ic_exec_snap snap;
	size_t i;
	int rc;

	if (nft_mode(c->cx) && c->runs[0].op == NO_OP) {
		rc = restore_run(c, &c->runs[0].x, true, &i);
		if (rc)
			return rc;
	}
	if (tables_of(c, &t)) {
		rc = ic_error(c->cx, IPTABLES_ENOMEM, "out of memory");
		goto out;
	}
	rc = ic_exec_snapshot(c->cx, t.v, t.n, &snap);
	if (rc)
		goto out;
	for (i = 0; !rc && i < c->nruns; i++)
		rc = run_one(c, &c->runs[i], &t);
	if (rc)
		rc = undo(c->cx, &snap, t.changed, rc);
	ic_exec_snapshot_free(&snap);
out:
	free(t.v);
	free(t.changed);
	return rc;
}

static int commit(struct ic_ctx *cx, const struct ic_op *ops, size_t n)
{
	struct commit c = { .cx = cx, .ops = ops, .n = n, .m = { .cx = cx } };
	size_t k;
	int rc;

	c.emitted = calloc(n ? n : 1, sizeof(*c.emitted));
	if (!c.emitted)
		return ic_error(cx, IPTABLES_ENOMEM, "out of memory");
	rc = plan(&c);
	if (!rc && (c.nruns > 1 || (c.nruns == 1 && c.runs[0].x.n > 1)))
		rc = run_guarded(&c);
	else if (!rc && c.nruns == 1 && c.runs[0].op != NO_OP)
		rc = run_single(&c, &c.runs[0]);
	else if (!rc && c.nruns == 1)
		rc = run_restore(&c, &c.runs[0].x, &k);
	xm_free(&c.m);
	for (k = 0; k < c.nruns; k++)
		ic_script_free(&c.runs[k].x);
	free(c.runs);
	free(c.emitted);
	return rc;
}

/*
 * Under iptables-legacy the whole commit, from the first query to the last put-back, holds
 * the xtables lock, so no other writer's change can fall between our snapshot and a put-back,
 * and a busy lock costs one timeout, before anything ran. The programs we run meanwhile lock
 * a private file instead (the real one they would wait for, for ever). iptables-nft takes no
 * lock: there a put-back can still undo a change made during the commit (README, limits).
 */
int ic_exec_commit(struct ic_ctx *cx, const struct ic_op *ops, size_t n)
{
	const char *lockfile = cx->lockfile;
	char priv[64];
	int lock, pfd, rc;

	if (nft_mode(cx))
		return commit(cx, ops, n);
	lock = ic_lock_acquire(cx->err, cx->lockfile, cx->timeout_s);
	if (lock == IPTABLES_ELOCK)
		return lock;
	pfd = lock < 0 ? -1 : ic_lock_private(cx->err, priv, sizeof(priv));
	if (pfd < 0) {
		/* a lock file we cannot open (not root, say): the programs report it in their
		 * own words, as they do outside a transaction */
		ic_lock_release(lock);
		memset(cx->err, 0, sizeof(*cx->err));
		return commit(cx, ops, n);
	}
	cx->lockfile = priv;
	rc = commit(cx, ops, n);
	cx->lockfile = lockfile;
	close(pfd);
	ic_lock_release(lock);
	return rc;
}
