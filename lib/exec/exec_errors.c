/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Map what an iptables binary printed on stderr, and its exit status, to a status code.
 * The texts were observed with iptables-legacy, iptables-nft, ip6tables-legacy and
 * ip6tables-nft 1.8.9 (and their -restore variants); the first matching row wins.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"

#define ANY_STATUS (-1)

struct err_rule {
	const char *needle;	/* substring of the message, NULL: any */
	const char *needle2;	/* second substring that must also be there, or NULL */
	int status;		/* exit status, or ANY_STATUS */
	int code;
};

static const struct err_rule err_rules[] = {
	{ "Permission denied", NULL, ANY_STATUS, IPTABLES_EPERM },
	{ "Operation not permitted", NULL, ANY_STATUS, IPTABLES_EPERM },
	{ "xtables lock", NULL, ANY_STATUS, IPTABLES_ELOCK },
	{ "lock file", NULL, ANY_STATUS, IPTABLES_ELOCK },
	{ "Index of ", " too big", ANY_STATUS, IPTABLES_ERANGE },
	/* restore: legacy "unable to initialize table 'foo'", nft "table name 'foo' invalid" */
	{ "unable to initialize table", NULL, ANY_STATUS, IPTABLES_ENOTFOUND },
	{ "table name '", "' invalid", ANY_STATUS, IPTABLES_ENOTFOUND },
	/* PARAMETER_PROBLEM: unknown option, bad address, unknown match or target... */
	{ NULL, NULL, 2, IPTABLES_EINVAL },
	{ "Chain already exists", NULL, ANY_STATUS, IPTABLES_EEXIST },
	{ "File exists", NULL, ANY_STATUS, IPTABLES_EEXIST },
	{ "Directory not empty", NULL, ANY_STATUS, IPTABLES_EBUSY },
	{ "Device or resource busy", NULL, ANY_STATUS, IPTABLES_EBUSY },
	{ "Too many links", NULL, ANY_STATUS, IPTABLES_EBUSY },
	{ "Bad rule (does a matching rule exist", NULL, ANY_STATUS, IPTABLES_ENOTFOUND },
	{ "No chain/target/match by that name", NULL, ANY_STATUS, IPTABLES_ENOTFOUND },
	{ "does not exist", NULL, ANY_STATUS, IPTABLES_ENOTFOUND },
	{ "No such file or directory", NULL, ANY_STATUS, IPTABLES_ENOTFOUND },
	/* iptables-nft 1.8.9 says this for -S / -L of a chain that does not exist */
	{ "chain `", "' is incompatible, use 'nft' tool", ANY_STATUS, IPTABLES_ENOTFOUND },
	{ "Bad built-in chain name", NULL, ANY_STATUS, IPTABLES_EINVAL },
	/* -P INPUT FOO: "iptables: Bad policy name. Run `dmesg'...", restore "line N failed:
	 * Bad policy name." (nft); as the libiptc backend says */
	{ "Bad policy name", NULL, ANY_STATUS, IPTABLES_EINVAL },
	{ "Cannot allocate memory", NULL, ANY_STATUS, IPTABLES_ENOMEM },
	{ "Memory allocation problem", NULL, ANY_STATUS, IPTABLES_ENOMEM },
	/* the kernel refused the table: legacy "iptables: Invalid argument. Run `dmesg'...",
	 * nft (exit 4) "RULE_APPEND failed (Invalid argument)"; as the libiptc backend says */
	{ "Invalid argument", NULL, ANY_STATUS, IPTABLES_EINVAL },
};

int ic_exec_classify(const char *msg, int status)
{
	size_t i;

	if (status == 0)
		return 0;
	if (status >= 128)
		return IPTABLES_EEXEC;
	for (i = 0; i < sizeof(err_rules) / sizeof(err_rules[0]); i++) {
		const struct err_rule *r = &err_rules[i];

		if (r->status != ANY_STATUS && r->status != status)
			continue;
		if (r->needle && !strstr(msg, r->needle))
			continue;
		if (r->needle2 && !strstr(msg, r->needle2))
			continue;
		return r->code;
	}
	return IPTABLES_EEXEC;
}

static bool is_warning(const char *line)
{
	return !strncmp(line, "# Warning:", 10);
}

char *ic_exec_clean_msg(const char *err)
{
	size_t len = strlen(err);
	char *msg = malloc(len + 1), *d = msg;
	const char *s = err;

	if (!msg)
		return NULL;
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t l = nl ? (size_t)(nl - s) + 1 : strlen(s);

		if (!is_warning(s)) {
			memcpy(d, s, l);
			d += l;
		}
		s += l;
	}
	while (d > msg && (d[-1] == '\n' || d[-1] == '\r'))
		d--;
	*d = '\0';
	return msg;
}

/* A child that failed silently (or was killed) still gets a message. */
static int fail_silent(struct ic_ctx *cx, int code, int status)
{
	char buf[256];

	if (status >= 128)
		snprintf(buf, sizeof(buf), "%s: killed by signal %d", cx->path, status - 128);
	else
		snprintf(buf, sizeof(buf), "%s: exit status %d", cx->path, status);
	return ic_err_set_exit(cx->err, code, status, buf);
}

int ic_exec_fail_as(struct ic_ctx *cx, const struct ic_spawn_res *res, int code)
{
	char *msg = ic_exec_clean_msg(res->err ? res->err : "");

	if (!msg)
		return ic_error(cx, IPTABLES_ENOMEM, "out of memory");
	if (!code)
		code = ic_exec_classify(msg, res->status);
	if (!code)
		code = IPTABLES_EEXEC;
	if (!*msg) {
		free(msg);
		return fail_silent(cx, code, res->status);
	}
	ic_err_set_exit(cx->err, code, res->status, msg);
	free(msg);
	return code;
}

int ic_exec_fail(struct ic_ctx *cx, const struct ic_spawn_res *res)
{
	return ic_exec_fail_as(cx, res, 0);
}

int ic_exec_refuse_output(struct ic_ctx *cx, const struct ic_spawn_res *res)
{
	if (res->status != 0 || res->out_len == 0)
		return 0;
	return ic_err_set_exit(cx->err, IPTABLES_EINVAL, 0,
			      "help or version options (-h, --help, -V) cannot be used in a "
			      "rulespec; nothing was changed");
}
