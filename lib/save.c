/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iptables_save and iptables_get_policy, for every backend: the iptables-save text is
 * composed from what the backend already answers (the -S listing for chains and rules,
 * -v -S for policy counters, stats for rule counters), unless the backend has a save of
 * its own (exec runs the variant's iptables-save).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

struct text {
	char *buf;
	size_t len;
	FILE *f;
};

static int text_open(struct text *t)
{
	t->buf = NULL;
	t->len = 0;
	t->f = open_memstream(&t->buf, &t->len);
	return t->f ? 0 : -1;
}

/* The text, or NULL (and nothing left to free) when writing it failed. */
static char *text_close(struct text *t)
{
	bool failed = ferror(t->f);

	if (fclose(t->f) || failed) {
		free(t->buf);
		return NULL;
	}
	return t->buf;
}

/* "-P CHAIN POLICY -c P B" or "-N CHAIN": the chain's name, and its policy line. */
static bool chain_line(const char *l, char *chain, size_t len, char *pol, size_t plen,
		       unsigned long long *p, unsigned long long *b)
{
	int n = 0;

	*p = *b = 0;
	if (!strncmp(l, "-N ", 3)) {
		snprintf(chain, len, "%s", l + 3);
		snprintf(pol, plen, "-");
		return true;
	}
	if (strncmp(l, "-P ", 3))
		return false;
	if (sscanf(l, "-P %28s %31s -c %llu %llu%n", chain, pol, p, b, &n) == 4 && n)
		return true;
	return sscanf(l, "-P %28s %31s", chain, pol) == 2;
}

static int save_table(struct iptables *h, const struct ic_oplog *pending, const char *table,
		      bool counters, FILE *f)
{
	struct ic_strv with = { 0 }, plain = { 0 };
	struct ic_statv st = { 0 };
	char chain[32], pol[32], cur[32] = "";
	unsigned long long p, b;
	size_t rule = 0, i;
	int rc;

	rc = h->be->list(&h->cx, pending, table, NULL, true, &with);
	if (rc == IPTABLES_EUNSUPPORTED && !strcmp(h->cx.mode, "nf_tables")) {
		/* a table nft wrote what iptables cannot express in: iptables-nft-save says so */
		fprintf(f, "# Table `%s' is incompatible, use 'nft' tool.\n", table);
		rc = 0;
		goto out;
	}
	if (!rc)
		rc = h->be->list(&h->cx, pending, table, NULL, false, &plain);
	if (rc)
		goto out;
	fprintf(f, "*%s\n", table);
	for (i = 0; i < with.n; i++)
		if (chain_line(with.v[i], chain, sizeof(chain), pol, sizeof(pol), &p, &b))
			fprintf(f, ":%s %s [%llu:%llu]\n", chain, pol, p, b);
	for (i = 0; i < plain.n && !rc; i++) {
		const char *l = plain.v[i];

		if (strncmp(l, "-A ", 3))
			continue;
		if (!counters) {
			fprintf(f, "%s\n", l);
			continue;
		}
		/* rule counters come from the chain's stats rows, in the same order */
		if (sscanf(l, "-A %28s", chain) != 1)
			continue;
		if (strcmp(chain, cur)) {
			snprintf(cur, sizeof(cur), "%s", chain);
			ic_statv_clear(&st);
			rule = 0;
			rc = h->be->stats(&h->cx, pending, table, chain, &st);
			if (rc)
				break;
		}
		if (rule < st.n)
			fprintf(f, "[%llu:%llu] %s\n", (unsigned long long)st.v[rule].packets,
				(unsigned long long)st.v[rule].bytes, l);
		else
			fprintf(f, "[0:0] %s\n", l);
		rule++;
	}
	if (!rc)
		fprintf(f, "COMMIT\n");
out:
	ic_statv_clear(&st);
	ic_strv_clear(&with);
	ic_strv_clear(&plain);
	return rc;
}

static int compose(struct iptables *h, const char *table, bool counters, char **text)
{
	struct ic_strv tables = { 0 };
	struct ic_oplog log;
	const struct ic_oplog *pending = ic_txn_pending(h, &log);
	struct text t;
	int rc = 0;

	if (table)
		rc = ic_strv_push(&tables, table);
	else if (!h->be->list_tables)
		return ic_error(&h->cx, IPTABLES_EUNSUPPORTED,
				"the %s backend cannot tell which tables exist", h->be->name);
	else
		rc = h->be->list_tables(&h->cx, pending, &tables);
	if (rc)
		goto out;
	if (text_open(&t)) {
		rc = ic_err_nomem(h->cx.err, ic_prog(&h->cx));
		goto out;
	}
	for (size_t i = 0; i < tables.n && !rc; i++)
		rc = save_table(h, pending, tables.v[i], counters, t.f);
	*text = text_close(&t);
	if (!rc && !*text)
		rc = ic_err_nomem(h->cx.err, ic_prog(&h->cx));
	if (rc) {
		free(*text);
		*text = NULL;
	}
out:
	ic_strv_clear(&tables);
	return rc;
}

IPTABLES_API int iptables_save(iptables *h, const char *table, unsigned flags, char **text)
{
	bool counters = flags & IPTABLES_SAVE_COUNTERS;
	struct ic_err err;
	int rc = 0;

	if (!h)
		return IPTABLES_EINVAL;
	ic_call_begin(h, &err);
	if (!text)
		rc = ic_error(&h->cx, IPTABLES_EINVAL, "NULL output argument");
	else if (flags & ~IPTABLES_SAVE_COUNTERS)
		rc = ic_error(&h->cx, IPTABLES_EINVAL, "unknown flags 0x%x", flags);
	else if (table)
		rc = ic_check_table(&h->cx, table);
	if (!rc) {
		*text = NULL;
		if (h->be->save && !h->in_txn)
			rc = h->be->save(&h->cx, table, counters, text);
		else
			rc = compose(h, table, counters, text);
	}
	return ic_call_end(h, rc);
}

IPTABLES_API int iptables_get_policy(iptables *h, const char *table, const char *chain,
				     char **target, uint64_t *packets, uint64_t *bytes)
{
	struct ic_strv lines = { 0 };
	char name[32], pol[32];
	unsigned long long p, b;
	struct ic_oplog log;
	struct ic_err err;
	int rc;

	if (!h)
		return IPTABLES_EINVAL;
	ic_call_begin(h, &err);
	if (target)
		*target = NULL;
	rc = ic_check_table(&h->cx, table);
	if (!rc)
		rc = ic_check_chain(&h->cx, chain);
	if (!rc)
		rc = h->be->list(&h->cx, ic_txn_pending(h, &log), table, chain, true, &lines);
	if (!rc && (!lines.n ||
		    !chain_line(lines.v[0], name, sizeof(name), pol, sizeof(pol), &p, &b)))
		rc = ic_error(&h->cx, IPTABLES_ESYS, "%s: cannot read the policy of %s",
			      ic_prog(&h->cx), chain);
	if (!rc && !strcmp(pol, "-"))
		rc = ic_error(&h->cx, IPTABLES_EINVAL, "%s: Bad built-in chain name.",
			      ic_prog(&h->cx));
	if (!rc && target && !(*target = strdup(pol)))
		rc = ic_err_nomem(h->cx.err, ic_prog(&h->cx));
	if (!rc) {
		if (packets)
			*packets = p;
		if (bytes)
			*bytes = b;
	}
	ic_strv_clear(&lines);
	return ic_call_end(h, rc);
}

IPTABLES_API int iptables_has_random_fully(iptables *h)
{
	struct ic_err err;
	int rc;

	if (!h)
		return IPTABLES_EINVAL;
	ic_call_begin(h, &err);
	rc = h->be->random_fully ? h->be->random_fully(&h->cx) : ic_random_fully_parses(&h->cx);
	return ic_call_end(h, rc);
}
