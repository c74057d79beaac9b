/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Argument checks done before any backend runs, so bad input never reaches the kernel, a
 * binary or iptables-restore's line-based input. Messages follow iptables' own wording.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int ipt_param_error(struct iptables *h, const char *fmt, ...)
{
	const char *prog = ipt_prog(h);
	char msg[IPT_ERRMSG_MAX / 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ipt_error(h, IPTABLES_EINVAL,
			 "%s v%d.%d.%d (%s): %s\nTry `%s -h' or '%s --help' for more information.",
			 prog, h->ver_major, h->ver_minor, h->ver_patch,
			 h->mode[0] ? h->mode : "legacy", msg, prog, prog);
}

int ipt_check_word(struct iptables *h, const char *word)
{
	if (!word)
		return ipt_error(h, IPTABLES_EINVAL, "NULL argument");
	if (strchr(word, '\n') || strchr(word, '\r'))
		return ipt_param_error(h, "argument `%s' holds a line break", word);
	return 0;
}

int ipt_check_table(struct iptables *h, const char *table)
{
	if (!table)
		return ipt_error(h, IPTABLES_EINVAL, "NULL table name");
	if (!*table)
		return ipt_param_error(h, "empty table name is not allowed");
	if (strlen(table) > IPT_TABLE_MAXLEN)
		return ipt_param_error(h, "table name `%s' too long (must be under %u chars)", table,
				   IPT_TABLE_MAXLEN + 1);
	for (const char *p = table; *p; p++)
		if (isspace((unsigned char)*p) || !isprint((unsigned char)*p))
			return ipt_param_error(h, "Invalid table name `%s'", table);
	return 0;
}

int ipt_check_chain(struct iptables *h, const char *chain)
{
	if (!chain)
		return ipt_error(h, IPTABLES_EINVAL, "NULL chain name");
	if (!*chain)
		return ipt_param_error(h, "empty chain name is not allowed");
	if (*chain == '-' || *chain == '!')
		return ipt_param_error(h, "chain name not allowed to start with `%c'", *chain);
	if (strlen(chain) > IPT_CHAIN_MAXLEN)
		return ipt_param_error(h, "chain name `%s' too long (must be under %u chars)", chain,
				   IPT_CHAIN_MAXLEN + 1);
	for (const char *p = chain; *p; p++)
		if (isspace((unsigned char)*p) || !isprint((unsigned char)*p))
			return ipt_param_error(h, "Invalid chain name `%s'", chain);
	return 0;
}

int ipt_check_spec(struct iptables *h, const char *const *spec)
{
	size_t n;
	int rc;

	if (!spec)
		return ipt_error(h, IPTABLES_EINVAL, "NULL rulespec");
	for (n = 0; spec[n]; n++) {
		if (n >= IPT_SPEC_MAXWORDS)
			return ipt_param_error(h, "rulespec too long (more than %d words)",
					   IPT_SPEC_MAXWORDS);
		rc = ipt_check_word(h, spec[n]);
		if (rc)
			return rc;
	}
	return 0;
}

char *ipt_resolve_lockfile(const char *opt)
{
	const char *env;

	if (opt && *opt)
		return strdup(opt);
	env = getenv("XTABLES_LOCKFILE");
	if (env && *env)
		return strdup(env);
	return strdup("/run/xtables.lock");
}
