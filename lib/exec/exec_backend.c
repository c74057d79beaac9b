/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The exec backend: spawn iptables / ip6tables (or opts.path) with --wait. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "spec_policy.h"

/*
 * "iptables v1.8.9 (nf_tables)", "ip6tables v1.8.9 (legacy)", or "iptables v1.4.21" (no
 * mode: legacy). Returns 0 or -1 when there is no version in the text.
 */
static int parse_version(struct ic_ctx *cx, const char *s)
{
	const char *v;
	int n = 0;

	for (v = s; (v = strchr(v, 'v')); v++) {
		if (sscanf(v, "v%d.%d.%d%n", &cx->ver_major, &cx->ver_minor, &cx->ver_patch, &n) == 3)
			break;
	}
	if (!v)
		return -1;
	v += n;
	snprintf(cx->mode, sizeof(cx->mode), "legacy");
	while (*v == ' ' || *v == '\t')
		v++;
	if (*v == '(') {
		size_t len = 0;

		v++;
		while (isalnum((unsigned char)v[len]) || v[len] == '_')
			len++;
		if (len && len < sizeof(cx->mode))
			snprintf(cx->mode, sizeof(cx->mode), "%.*s", (int)len, v);
	}
	return 0;
}

static int detect_version(struct ic_ctx *cx)
{
	char *const argv[] = { cx->path, "--version", NULL };
	struct ic_spawn_res res;
	int rc;

	rc = ic_spawn(cx->err, argv, cx->lockfile, NULL, 0, &res);
	if (rc)
		return rc;
	if (res.status) {
		rc = ic_exec_fail_as(cx, &res, IPTABLES_EEXEC);
	} else if (parse_version(cx, res.out) && parse_version(cx, res.err)) {
		rc = ic_error(cx, IPTABLES_EEXEC, "%s: no iptables version in `--version' output",
			       cx->path);
	}
	ic_spawn_res_free(&res);
	return rc;
}

static int exec_open(struct ic_ctx *cx)
{
	if (!cx->path) {
		cx->path = strdup(ic_prog(cx));
		if (!cx->path)
			return ic_error(cx, IPTABLES_ENOMEM, "out of memory");
	}
	return detect_version(cx);
}

/* Exec reads the kernel's state, not a transaction's pending changes (README, limits). */
static int exec_apply(struct ic_ctx *cx, const struct ic_op *op, const struct ic_oplog *pending)
{
	return ic_exec_apply(cx, op);
}

static int exec_list(struct ic_ctx *cx, const struct ic_oplog *pending, const char *table,
		     const char *chain, bool counters, struct ic_strv *out)
{
	return ic_exec_list(cx, table, chain, counters, out);
}

static int exec_list_chains(struct ic_ctx *cx, const struct ic_oplog *pending,
			    const char *table, struct ic_strv *out)
{
	return ic_exec_list_chains(cx, table, out);
}

static int exec_stats(struct ic_ctx *cx, const struct ic_oplog *pending, const char *table,
		      const char *chain, struct ic_statv *out)
{
	return ic_exec_stats(cx, table, chain, out);
}

static int exec_commit(struct ic_ctx *cx, const struct ic_oplog *log)
{
	return ic_exec_commit(cx, log->ops, log->n);
}

static int exec_validate(struct ic_ctx *cx, struct ic_op *op, struct ic_arena *arena)
{
	int rc = ic_spec_policy_check(cx, op->code, op->spec);

	return rc ? rc : ic_rule_syntax_check(cx, op);
}

/* What the binary makes of the rule: `-C` parses it and changes nothing (exit 0: there, 1:
 * not there); an option its extension does not know is a parameter problem (exit 2). The
 * kernel has known the flag since Linux 3.13. */
static int exec_random_fully(struct ic_ctx *cx)
{
	const char *const args[] = { "-C", "POSTROUTING", NULL };
	struct ic_spawn_res res;
	int rc = ic_exec_raw(cx, "nat", args, ic_random_fully_spec, &res);

	if (rc)
		return rc;
	rc = (res.status == 0 || res.status == 1) && ic_kernel_at_least(3, 13);
	ic_spawn_res_free(&res);
	return rc;
}

/* Spawning works wherever the binary does; it is what AUTO picks only when the system's
 * iptables is the nf_tables variant and no in-process backend can write those tables. */
static enum ic_rank exec_probe(const struct ic_ctx *cx)
{
	switch (ic_system_variant(cx->proto)) {
	case IC_VARIANT_NFT:
		return IC_RANK_SYSTEM;
	case IC_VARIANT_NONE:
		return IC_RANK_NO;
	default:
		return IC_RANK_FALLBACK;
	}
}

const struct ic_backend ic_backend_exec = {
	.name = "exec",
	.id = IPTABLES_BACKEND_EXEC,
	.runs_binary = true,
	.probe = exec_probe,
	.open = exec_open,
	.apply = exec_apply,
	.list = exec_list,
	.list_chains = exec_list_chains,
	.stats = exec_stats,
	.commit = exec_commit,
	.validate = exec_validate,
	.save = ic_exec_save,
	.random_fully = exec_random_fully,
};
