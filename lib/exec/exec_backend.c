/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The exec backend: spawn iptables / ip6tables (or opts.path) with --wait. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"

/*
 * "iptables v1.8.9 (nf_tables)", "ip6tables v1.8.9 (legacy)", or "iptables v1.4.21" (no
 * mode: legacy). Returns 0 or -1 when there is no version in the text.
 */
static int parse_version(struct iptables *h, const char *s)
{
	const char *v;
	int n = 0;

	for (v = s; (v = strchr(v, 'v')); v++) {
		if (sscanf(v, "v%d.%d.%d%n", &h->ver_major, &h->ver_minor, &h->ver_patch, &n) == 3)
			break;
	}
	if (!v)
		return -1;
	v += n;
	snprintf(h->mode, sizeof(h->mode), "legacy");
	while (*v == ' ' || *v == '\t')
		v++;
	if (*v == '(') {
		size_t len = 0;

		v++;
		while (isalnum((unsigned char)v[len]) || v[len] == '_')
			len++;
		if (len && len < sizeof(h->mode))
			snprintf(h->mode, sizeof(h->mode), "%.*s", (int)len, v);
	}
	return 0;
}

static int detect_version(struct iptables *h)
{
	char *const argv[] = { h->path, "--version", NULL };
	struct ic_spawn_res res;
	int rc;

	rc = ic_spawn(argv, h->lockfile, NULL, 0, &res);
	if (rc)
		return ic_exec_spawn_fail(h, h->path, rc);
	if (res.status) {
		rc = ic_exec_fail_as(h, &res, IPTABLES_EEXEC);
	} else if (parse_version(h, res.out) && parse_version(h, res.err)) {
		rc = ic_error(h, IPTABLES_EEXEC, "%s: no iptables version in `--version' output",
			       h->path);
	}
	ic_spawn_res_free(&res);
	return rc;
}

static int exec_open(struct iptables *h)
{
	if (!h->path) {
		h->path = strdup(ic_prog(h));
		if (!h->path)
			return ic_error(h, IPTABLES_ENOMEM, "out of memory");
	}
	return detect_version(h);
}

static void exec_close(struct iptables *h)
{
	(void)h;
}

static int exec_list(struct iptables *h, const char *table, const char *chain, bool counters,
		     struct ic_strv *out)
{
	return ic_exec_list(h, table, chain, counters, out);
}

const struct ic_backend ic_backend_exec = {
	.name = "exec",
	.open = exec_open,
	.close = exec_close,
	.apply = ic_exec_apply,
	.list = exec_list,
	.list_chains = ic_exec_list_chains,
	.stats = ic_exec_stats,
	.commit = ic_exec_commit,
	.validate = ic_rule_syntax_check,
};
