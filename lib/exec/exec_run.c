/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Building an iptables command line and running it. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"
#include "../netns.h"
#include "spec_policy.h"

static size_t count(const char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

/* The op a rule command runs as, for the spec policy (-c is refused with -C and -D). */
static enum ic_opcode rule_code(const char *const *args)
{
	const char *cmd = args && args[0] ? args[0] : "";

	if (!strcmp(cmd, "-D"))
		return IC_OP_DELETE;
	if (!strcmp(cmd, "-C"))
		return IC_OP_CHECK;
	return IC_OP_APPEND;
}

int ic_exec_spawn(struct ic_ctx *cx, char *const argv[], const char *in, size_t in_len,
		  struct ic_spawn_res *res)
{
	int rc, saved;

	/* the child is cloned from this thread, and so is born in its namespace */
	rc = ic_netns_enter(cx, &saved);
	if (rc)
		return rc;
	rc = ic_spawn(cx->err, argv, cx->lockfile, in, in_len, res);
	ic_netns_leave(saved);
	return rc;
}

int ic_exec_raw(struct ic_ctx *cx, const char *table, const char *const *args,
		 const char *const *spec, struct ic_spawn_res *res)
{
	size_t n = 8 + count(args) + count(spec), i = 0, j;
	const char **argv = calloc(n, sizeof(*argv));
	char wait_s[16];
	int rc;

	memset(res, 0, sizeof(*res));
	if (!argv)
		return ic_error(cx, IPTABLES_ENOMEM, "out of memory");
	if (spec) {
		/* iptables' own wording for bad words, before anything runs */
		struct ic_op op = { .table = table, .spec = spec,
				     .chain = args && args[0] ? args[1] : NULL };

		rc = ic_spec_policy_check(cx, rule_code(args), spec);
		if (!rc)
			rc = ic_rule_syntax_check(cx, &op);
		if (rc) {
			/* what the binary would have exited with: PARAMETER_PROBLEM */
			cx->err->exit_status = 2;
			free(argv);
			return rc;
		}
	}
	argv[i++] = cx->path;
	argv[i++] = "--wait";
	if (cx->timeout_s > 0) {
		snprintf(wait_s, sizeof(wait_s), "%d", cx->timeout_s);
		argv[i++] = wait_s;
	}
	if (table) {
		argv[i++] = "-t";
		argv[i++] = table;
	}
	for (j = 0; args && args[j]; j++)
		argv[i++] = args[j];
	/* the spec last: it may end in "--"; the policy check refused any -t in it */
	for (j = 0; spec && spec[j]; j++)
		argv[i++] = spec[j];
	argv[i] = NULL;
	rc = ic_exec_spawn(cx, (char *const *)argv, NULL, 0, res);
	free(argv);
	return rc;
}

int ic_exec_run(struct ic_ctx *cx, const char *table, const char *const *args,
		 const char *const *spec, struct ic_spawn_res *res)
{
	struct ic_spawn_res tmp;
	int rc;

	if (!res)
		res = &tmp;
	rc = ic_exec_raw(cx, table, args, spec, res);
	if (!rc && res->status)
		rc = ic_exec_fail(cx, res);
	if (rc || res == &tmp)
		ic_spawn_res_free(res);
	return rc;
}

/*
 * Where the -S line starting at @s ends: at a newline outside the double quotes
 * xtables_save_string puts around a word (inside them '\\' escapes the next character), so a
 * comment that holds a newline stays in its rule's line.
 */
static size_t save_line_len(const char *s)
{
	bool quoted = false;
	size_t i;

	for (i = 0; s[i] && (quoted || s[i] != '\n'); i++) {
		if (quoted && s[i] == '\\' && s[i + 1])
			i++;
		else if (s[i] == '"')
			quoted = !quoted;
	}
	return i;
}

int ic_exec_save_lines(const char *out, struct ic_strv *lines)
{
	const char *s = out;

	while (*s) {
		size_t l = save_line_len(s);
		char *line;

		if (*s != '#') {
			line = strndup(s, l);
			if (ic_strv_push_owned(lines, line))	/* frees line */
				return IPTABLES_ENOMEM;
		}
		s += l + (s[l] ? 1 : 0);
	}
	return 0;
}

int ic_exec_lines(const char *out, struct ic_strv *lines)
{
	const char *s = out;

	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t l = nl ? (size_t)(nl - s) : strlen(s);
		char *line;

		if (*s != '#') {
			line = strndup(s, l);
			if (ic_strv_push_owned(lines, line))	/* frees line */
				return IPTABLES_ENOMEM;
		}
		s += l + (nl ? 1 : 0);
	}
	return 0;
}

/*
 * As go-iptables: `-S CHAIN 1` succeeds for any existing chain and is cheap for big ones.
 * A missing table is "not there" too.
 */
int ic_exec_chain_exists(struct ic_ctx *cx, const char *table, const char *chain)
{
	const char *const args[] = { "-S", chain, "1", NULL };
	struct ic_spawn_res res;
	int rc;

	rc = ic_exec_raw(cx, table, args, NULL, &res);
	if (rc)
		return rc;
	if (res.status == 0) {
		rc = 1;
	} else {
		rc = ic_exec_fail(cx, &res);
		if (rc == IPTABLES_ENOTFOUND)
			rc = 0;
	}
	ic_spawn_res_free(&res);
	return rc;
}
