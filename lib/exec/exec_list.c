/* SPDX-License-Identifier: GPL-2.0-or-later */
/* list() and list_chains(): `iptables -S`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"

/*
 * Older iptables-nft printed counters iptables-save style, "[p:b] -A ...". Rewrite such a
 * line the way go-iptables does ("-A ... -c p b") so both modes read alike.
 */
static int fix_counters(char **line)
{
	unsigned long long p, b;
	char *l = *line, *n;
	int used = 0;

	if (l[0] != '[' || sscanf(l, "[%llu:%llu] %n", &p, &b, &used) != 2 || !used)
		return 0;
	if (asprintf(&n, "%s -c %llu %llu", l + used, p, b) < 0)
		return IPTABLES_ENOMEM;
	free(l);
	*line = n;
	return 0;
}

static int run_S(struct ic_ctx *cx, const char *table, const char *chain, bool counters,
		 struct ic_strv *out)
{
	const char *args[4] = { NULL };
	struct ic_spawn_res res;
	size_t i = 0, k;
	int rc;

	if (counters)
		args[i++] = "-v";
	args[i++] = "-S";
	args[i++] = chain;
	rc = ic_exec_run(cx, table, args, NULL, &res);
	if (rc)
		return rc;
	rc = ic_exec_save_lines(res.out, out);
	ic_spawn_res_free(&res);
	for (k = 0; !rc && counters && k < out->n; k++)
		rc = fix_counters(&out->v[k]);
	if (rc)
		return ic_error(cx, rc, "out of memory");
	return 0;
}

int ic_exec_list(struct ic_ctx *cx, const char *table, const char *chain, bool counters,
		  struct ic_strv *out)
{
	return run_S(cx, table, chain, counters, out);
}

/* "-P INPUT ACCEPT" / "-N name": the second word. */
static char *chain_of(const char *line)
{
	const char *s = line + 3, *e;

	e = strchr(s, ' ');
	return strndup(s, e ? (size_t)(e - s) : strlen(s));
}

int ic_exec_list_chains(struct ic_ctx *cx, const char *table, struct ic_strv *out)
{
	struct ic_strv all = { 0 };
	size_t i;
	int rc;

	rc = run_S(cx, table, NULL, false, &all);
	for (i = 0; !rc && i < all.n; i++) {
		const char *l = all.v[i];
		char *name;

		if (strncmp(l, "-P ", 3) && strncmp(l, "-N ", 3))
			break;
		name = chain_of(l);
		if (ic_strv_push_owned(out, name))	/* frees name */
			rc = ic_error(cx, IPTABLES_ENOMEM, "out of memory");
	}
	ic_strv_clear(&all);
	return rc;
}
