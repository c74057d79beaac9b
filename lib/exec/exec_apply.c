/* SPDX-License-Identifier: GPL-2.0-or-later */
/* apply(): one op, one (or two) iptables runs, with go-iptables' semantics. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"

/*
 * Second opinion on a failure whose text is ambiguous. iptables-nft answers -D N / -R N on an
 * empty chain with "No chain/target/match by that name" where legacy says "Index of deletion
 * too big": when the chain is there, it is a range error. -P on a chain that is missing
 * says "Bad built-in chain name", as for a user chain: when missing, it is ENOTFOUND.
 */
static int refine(struct ic_ctx *cx, const struct ic_op *op, int code, const char *msg)
{
	int ex;

	switch (op->code) {
	case IC_OP_REPLACE:
	case IC_OP_DELETE_NUM:
		if (code != IPTABLES_ENOTFOUND || !strstr(msg, "No chain/target/match"))
			return code;
		ex = ic_exec_chain_exists(cx, op->table, op->chain);
		return ex == 1 ? IPTABLES_ERANGE : code;
	case IC_OP_POLICY:
		if (code != IPTABLES_EINVAL || !strstr(msg, "Bad built-in chain name"))
			return code;
		ex = ic_exec_chain_exists(cx, op->table, op->chain);
		return ex == 0 ? IPTABLES_ENOTFOUND : code;
	default:
		return code;
	}
}

/* The word after the rulespec's last -j/--jump/-g/--goto, or NULL. */
static const char *jump_target(const char *const *spec)
{
	const char *to = NULL;

	for (size_t i = 0; spec && spec[i]; i++)
		if (spec[i + 1] && (!strcmp(spec[i], "-j") || !strcmp(spec[i], "--jump") ||
				    !strcmp(spec[i], "-g") || !strcmp(spec[i], "--goto")))
			to = spec[++i];
	return to;
}

int ic_exec_rule_refusal(const struct ic_op *op, int code, const char *msg)
{
	const char *to;

	/* nft: ENOENT from the kernel; legacy restore: a bare "line N failed" */
	if (!op->spec || !msg || (code != IPTABLES_EEXEC &&
				  (code != IPTABLES_ENOTFOUND || !strstr(msg, "No such file"))))
		return code;
	to = jump_target(op->spec);
	return to && ic_builtin_chain(op->table, to) ? IPTABLES_EINVAL : code;
}

int ic_exec_precheck(struct ic_ctx *cx, const struct ic_op *op)
{
	switch (op->code) {
	case IC_OP_DELETE_CHAIN:
	case IC_OP_CLEAR_AND_DELETE_CHAIN:
		/* iptables-legacy's words; iptables-nft 1.8.9 deletes an empty base chain */
		if (ic_builtin_chain(op->table, op->chain))
			return ic_error(cx, IPTABLES_EINVAL,
					"%s: Invalid argument. Run `dmesg' for more information.",
					ic_prog(cx));
		return 0;
	case IC_OP_RENAME_CHAIN:
		/* libiptc's answer (and iptables-nft's for an existing name); iptables-nft 1.8.9
		 * creates a chain called ACCEPT */
		if (ic_verdict_name(op->arg))
			return ic_error(cx, IPTABLES_EEXIST, "%s: File exists.", ic_prog(cx));
		return 0;
	default:
		return 0;
	}
}

int ic_exec_table_check(struct ic_ctx *cx, const char *table)
{
	struct ic_strv lines = { 0 };
	int rc = ic_exec_list_chains(cx, table, &lines);

	ic_strv_clear(&lines);
	return rc;
}

/* Runs `-t table args... [spec]` for op; failures are classified (and refined) and recorded. */
static int run(struct ic_ctx *cx, const struct ic_op *op, const char *const *args,
	       bool with_spec)
{
	struct ic_spawn_res res;
	char *msg;
	int rc, code;

	rc = ic_exec_raw(cx, op->table, args, with_spec ? op->spec : NULL, &res);
	if (!rc && with_spec)
		rc = ic_exec_refuse_output(cx, &res);
	if (rc || !res.status) {
		ic_spawn_res_free(&res);
		return rc;
	}
	msg = ic_exec_clean_msg(res.err);
	if (!msg) {
		ic_spawn_res_free(&res);
		return ic_error(cx, IPTABLES_ENOMEM, "out of memory");
	}
	code = refine(cx, op, ic_exec_classify(msg, res.status), msg);
	if (with_spec)
		code = ic_exec_rule_refusal(op, code, msg);
	free(msg);
	rc = ic_exec_fail_as(cx, &res, code);
	ic_spawn_res_free(&res);
	return rc;
}

static int rule_check(struct ic_ctx *cx, const char *table, const char *chain,
		      const char *const *spec, bool unparsable_is_absent)
{
	const char *const args[] = { "-C", chain, NULL };
	struct ic_spawn_res res;
	int rc;

	rc = ic_exec_raw(cx, table, args, spec, &res);
	if (rc)
		return rc;
	/* as go-iptables: exit status 1 ("Bad rule...", also for a missing chain) is "no" */
	if (ic_exec_refuse_output(cx, &res))
		rc = IPTABLES_EINVAL;
	else if (res.status == 0)
		rc = 1;
	else if (res.status == 1 || (res.status == 2 && unparsable_is_absent))
		rc = 0;
	else
		rc = ic_exec_fail(cx, &res);
	ic_spawn_res_free(&res);
	return rc;
}

int ic_exec_rule_exists(struct ic_ctx *cx, const char *table, const char *chain,
			 const char *const *spec)
{
	return rule_check(cx, table, chain, spec, false);
}

int ic_exec_rule_exists_lax(struct ic_ctx *cx, const char *table, const char *chain,
			     const char *const *spec)
{
	return rule_check(cx, table, chain, spec, true);
}

static int rule_cmd(struct ic_ctx *cx, const struct ic_op *op, const char *cmd, bool pos)
{
	char num[16];
	const char *const args[] = { cmd, op->chain, pos ? num : NULL, NULL };

	snprintf(num, sizeof(num), "%d", op->pos);
	return run(cx, op, args, true);
}

static int chain_cmd(struct ic_ctx *cx, const struct ic_op *op, const char *cmd,
		     const char *arg)
{
	const char *const args[] = { cmd, op->chain, arg, NULL };

	return run(cx, op, args, false);
}

static int add_unique(struct ic_ctx *cx, const struct ic_op *op, const char *cmd, bool pos)
{
	int ex = ic_exec_rule_exists(cx, op->table, op->chain, op->spec);

	if (ex)
		return ex < 0 ? ex : 0;
	return rule_cmd(cx, op, cmd, pos);
}

static int delete_if_exists(struct ic_ctx *cx, const struct ic_op *op)
{
	int ex = ic_exec_rule_exists(cx, op->table, op->chain, op->spec);

	if (ex <= 0)
		return ex;
	return rule_cmd(cx, op, "-D", false);
}

static int clear_chain(struct ic_ctx *cx, const struct ic_op *op)
{
	int rc = chain_cmd(cx, op, "-N", NULL);

	if (rc == IPTABLES_EEXIST)
		rc = chain_cmd(cx, op, "-F", NULL);
	return rc;
}

static int clear_and_delete(struct ic_ctx *cx, const struct ic_op *op)
{
	int rc = ic_exec_chain_exists(cx, op->table, op->chain);

	/* an absent chain is fine, an absent table is not (as on libiptc) */
	if (rc == 0)
		return ic_exec_table_check(cx, op->table);
	if (rc < 0)
		return rc;
	rc = chain_cmd(cx, op, "-F", NULL);
	if (!rc)
		rc = chain_cmd(cx, op, "-X", NULL);
	return rc;
}

/* -P CHAIN TARGET; with counters through a restore run (see exec_restore.c). */
static int policy(struct ic_ctx *cx, const struct ic_op *op)
{
	if (!op->set_counters)
		return chain_cmd(cx, op, "-P", op->arg);
	return ic_exec_commit(cx, op, 1);
}

/* -Z [CHAIN [N]]; iptables-nft zeroes nothing and says nothing past the last rule: refuse it
 * as libiptc does. */
static int zero(struct ic_ctx *cx, const struct ic_op *op)
{
	struct ic_strv lines = { 0 };
	char num[16];
	int rc;

	if (op->pos) {
		rc = ic_exec_list(cx, op->table, op->chain, false, &lines);
		if (!rc && (size_t)op->pos >= lines.n)
			rc = ic_error(cx, IPTABLES_ERANGE, "%s: Index of counter too big.",
				      ic_prog(cx));
		ic_strv_clear(&lines);
		if (rc)
			return rc;
	}
	snprintf(num, sizeof(num), "%d", op->pos);
	return chain_cmd(cx, op, "-Z", op->pos ? num : NULL);
}

int ic_exec_apply(struct ic_ctx *cx, const struct ic_op *op)
{
	int rc = ic_exec_precheck(cx, op);

	if (rc)
		return rc;
	switch (op->code) {
	case IC_OP_APPEND:
		return rule_cmd(cx, op, "-A", false);
	case IC_OP_APPEND_UNIQUE:
		return add_unique(cx, op, "-A", false);
	case IC_OP_INSERT:
		return rule_cmd(cx, op, "-I", true);
	case IC_OP_INSERT_UNIQUE:
		return add_unique(cx, op, "-I", true);
	case IC_OP_REPLACE:
		return rule_cmd(cx, op, "-R", true);
	case IC_OP_DELETE:
		return rule_cmd(cx, op, "-D", false);
	case IC_OP_DELETE_IF_EXISTS:
		return delete_if_exists(cx, op);
	case IC_OP_DELETE_NUM:
		op = &(struct ic_op){ .code = op->code, .table = op->table, .chain = op->chain,
				       .pos = op->pos };
		return rule_cmd(cx, op, "-D", true);
	case IC_OP_CHECK:
		return ic_exec_rule_exists(cx, op->table, op->chain, op->spec);
	case IC_OP_CHAIN_EXISTS:
		return ic_exec_chain_exists(cx, op->table, op->chain);
	case IC_OP_NEW_CHAIN:
		return chain_cmd(cx, op, "-N", NULL);
	case IC_OP_CLEAR_CHAIN:
		return clear_chain(cx, op);
	case IC_OP_DELETE_CHAIN:
		return chain_cmd(cx, op, "-X", NULL);
	case IC_OP_RENAME_CHAIN:
		return chain_cmd(cx, op, "-E", op->arg);
	case IC_OP_CLEAR_AND_DELETE_CHAIN:
		return clear_and_delete(cx, op);
	case IC_OP_POLICY:
		return policy(cx, op);
	case IC_OP_CLEAR_ALL:
		return chain_cmd(cx, op, "-F", NULL);
	case IC_OP_DELETE_ALL:
		return chain_cmd(cx, op, "-X", NULL);
	case IC_OP_FLUSH_CHAIN:
		return chain_cmd(cx, op, "-F", NULL);
	case IC_OP_ZERO:
		return zero(cx, op);
	}
	return ic_error(cx, IPTABLES_EINVAL, "unknown operation %d", (int)op->code);
}
