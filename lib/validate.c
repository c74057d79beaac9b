/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Argument checks done before any backend runs, so bad input never reaches the kernel, a
 * binary or iptables-restore's line-based input. Messages follow iptables' own wording.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"

/* Inside iptables_restore the program is iptables-restore's and the line is named, as
 * iptables-restore prints its usage errors. */
int ic_param_error(struct ic_ctx *cx, const char *fmt, ...)
{
	const char *prog = cx->input_prog ? cx->input_prog : ic_prog(cx);
	char msg[IC_ERRMSG_MAX / 2], at[48] = "";
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (cx->input_line)
		snprintf(at, sizeof(at), "\nError occurred at line: %d", cx->input_line);
	rc = ic_error(cx, IPTABLES_EINVAL,
		      "%s v%d.%d.%d (%s): %s%s\nTry `%s -h' or '%s --help' for more information.",
		      prog, cx->ver_major, cx->ver_minor, cx->ver_patch,
		      cx->mode[0] ? cx->mode : "legacy", msg, at, prog, prog);
	if (cx->err)
		cx->err->param = true;
	return rc;
}

static const char *const builtin_chains[][6] = {
	{ "filter", "INPUT", "FORWARD", "OUTPUT" },
	{ "nat", "PREROUTING", "INPUT", "OUTPUT", "POSTROUTING" },
	{ "mangle", "PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING" },
	{ "raw", "PREROUTING", "OUTPUT" },
	{ "security", "INPUT", "FORWARD", "OUTPUT" },
};

bool ic_builtin_chain(const char *table, const char *chain)
{
	for (size_t i = 0; i < sizeof(builtin_chains) / sizeof(builtin_chains[0]); i++) {
		if (strcmp(builtin_chains[i][0], table))
			continue;
		for (size_t k = 1; k < 6 && builtin_chains[i][k]; k++)
			if (!strcmp(builtin_chains[i][k], chain))
				return true;
	}
	return false;
}

bool ic_verdict_name(const char *name)
{
	return !strcmp(name, "ACCEPT") || !strcmp(name, "DROP") || !strcmp(name, "RETURN") ||
	       !strcmp(name, "QUEUE");
}

int ic_check_word(struct ic_ctx *cx, const char *word)
{
	if (!word)
		return ic_error(cx, IPTABLES_EINVAL, "NULL argument");
	if (strchr(word, '\n') || strchr(word, '\r'))
		return ic_param_error(cx, "argument `%s' holds a line break", word);
	return 0;
}

int ic_check_table(struct ic_ctx *cx, const char *table)
{
	if (!table)
		return ic_error(cx, IPTABLES_EINVAL, "NULL table name");
	if (!*table)
		return ic_param_error(cx, "empty table name is not allowed");
	if (strlen(table) > IC_TABLE_MAXLEN)
		return ic_param_error(cx, "table name `%s' too long (must be under %u chars)",
				      table, IC_TABLE_MAXLEN + 1);
	for (const char *p = table; *p; p++)
		if (isspace((unsigned char)*p) || !isprint((unsigned char)*p))
			return ic_param_error(cx, "Invalid table name `%s'", table);
	return 0;
}

int ic_check_chain(struct ic_ctx *cx, const char *chain)
{
	if (!chain)
		return ic_error(cx, IPTABLES_EINVAL, "NULL chain name");
	if (!*chain)
		return ic_param_error(cx, "empty chain name is not allowed");
	if (*chain == '-' || *chain == '!')
		return ic_param_error(cx, "chain name not allowed to start with `%c'", *chain);
	if (strlen(chain) > IC_CHAIN_MAXLEN)
		return ic_param_error(cx, "chain name `%s' too long (must be under %u chars)",
				      chain, IC_CHAIN_MAXLEN + 1);
	for (const char *p = chain; *p; p++)
		if (isspace((unsigned char)*p) || !isprint((unsigned char)*p))
			return ic_param_error(cx, "Invalid chain name `%s'", chain);
	return 0;
}

int ic_check_spec(struct ic_ctx *cx, const char *const *spec)
{
	size_t n;
	int rc;

	if (!spec)
		return ic_error(cx, IPTABLES_EINVAL, "NULL rulespec");
	for (n = 0; spec[n]; n++) {
		if (n >= IC_SPEC_MAXWORDS)
			return ic_param_error(cx, "rulespec too long (more than %d words)",
					   IC_SPEC_MAXWORDS);
		rc = ic_check_word(cx, spec[n]);
		if (rc)
			return rc;
	}
	return 0;
}

char *ic_resolve_lockfile(const char *opt)
{
	const char *env;

	if (opt && *opt)
		return strdup(opt);
	env = getenv("XTABLES_LOCKFILE");
	if (env && *env)
		return strdup(env);
	return strdup("/run/xtables.lock");
}
