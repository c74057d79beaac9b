/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Transactions and iptables_sync_chain, on every configuration. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static char *cli_S(const struct tcfg *c, const char *table, const char *chain)
{
	char *out;

	ck_assert_int_eq(tsh(&out, NULL, "%s -t %s -S %s", c->cli, table, chain ? chain : ""), 0);
	return out;
}

START_TEST(commit_applies_all)
{
	const struct tcfg *c = &tcfgs[_i];
	iptables *h;
	char *before, *after;

	h = topen(c);
	before = cli_S(c, "filter", NULL);
	ck_assert_int_eq(iptables_begin(h), 0);
	ck_assert_int_eq(iptables_begin(h), IPTABLES_EINVAL);	/* no nesting */
	ck_assert_int_eq(iptables_new_chain(h, "filter", "TX"), 0);
	ck_assert_int_eq(iptables_append(h, "filter", "TX", IPTABLES_SPEC("-j", "RETURN")), 0);
	ck_assert_int_eq(iptables_insert(h, "filter", "INPUT", 1, IPTABLES_SPEC("-j", "TX")), 0);
	ck_assert_int_eq(iptables_append(h, "nat", "POSTROUTING",
					 IPTABLES_SPEC("-o", "eth0", "-j", "MASQUERADE")), 0);
	/* nothing reached the kernel yet */
	after = cli_S(c, "filter", NULL);
	ck_assert_str_eq(before, after);
	free(after);
	if (c->backend == IPTABLES_BACKEND_LIBIPTC) {
		/* reads inside the transaction see its pending changes */
		ck_assert_int_eq(iptables_chain_exists(h, "filter", "TX"), 1);
		ck_assert_int_eq(iptables_exists(h, "filter", "INPUT", IPTABLES_SPEC("-j", "TX")), 1);
		ck_assert_uint_eq(trule_count(h, "TX"), 1);
	}
	ck_assert_msg(iptables_commit(h) == 0, "%s: %s", c->name, iptables_errmsg(h));
	ck_assert_int_eq(iptables_commit(h), IPTABLES_EINVAL);	/* none open */
	ck_assert_int_eq(iptables_exists(h, "filter", "INPUT", IPTABLES_SPEC("-j", "TX")), 1);
	ck_assert_uint_eq(trule_count(h, "TX"), 1);
	after = cli_S(c, "nat", "POSTROUTING");
	ck_assert_ptr_nonnull(strstr(after, "-A POSTROUTING -o eth0 -j MASQUERADE"));
	free(after);
	free(before);
	iptables_free(h);
}
END_TEST

START_TEST(rollback_and_failures_apply_nothing)
{
	const struct tcfg *c = &tcfgs[_i];
	iptables *h;
	char *before, *after;

	h = topen(c);
	ck_assert_int_eq(iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "ACCEPT")), 0);
	before = cli_S(c, "filter", NULL);

	ck_assert_int_eq(iptables_begin(h), 0);
	ck_assert_int_eq(iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "DROP")), 0);
	iptables_rollback(h);
	ck_assert_int_eq(iptables_commit(h), IPTABLES_EINVAL);

	/* a bad rulespec in the middle */
	ck_assert_int_eq(iptables_begin(h), 0);
	ck_assert_int_eq(iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "DROP")), 0);
	ck_assert_int_lt(iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("--bogus")), 0);
	iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "RETURN"));
	ck_assert_int_eq(iptables_commit(h), IPTABLES_EINVAL);

	/* an op that only fails against the table: deleting an absent rule */
	ck_assert_int_eq(iptables_begin(h), 0);
	ck_assert_int_eq(iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "DROP")), 0);
	ck_assert_int_eq(iptables_delete(h, "filter", "INPUT",
					 IPTABLES_SPEC("-p", "udp", "--dport", "9", "-j", "DROP")), 0);
	ck_assert_int_eq(iptables_commit(h), IPTABLES_ENOTFOUND);

	after = cli_S(c, "filter", NULL);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	iptables_free(h);
}
END_TEST

/* A refusal by the kernel of the second table leaves the first as it was, too. */
START_TEST(multi_table_refusal_changes_nothing)
{
	const struct tcfg *c = &tcfgs[_i];
	char *fbefore, *nbefore, *fafter, *nafter;
	iptables *h;

	h = topen(c);
	ck_assert_int_eq(iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "ACCEPT")), 0);
	ck_assert_int_eq(iptables_append(h, "nat", "PREROUTING", IPTABLES_SPEC("-j", "ACCEPT")), 0);
	fbefore = cli_S(c, "filter", NULL);
	nbefore = cli_S(c, "nat", NULL);
	ck_assert_int_eq(iptables_begin(h), 0);
	ck_assert_int_eq(iptables_new_chain(h, "filter", "MT"), 0);
	ck_assert_int_eq(iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "MT")), 0);
	ck_assert_int_eq(iptables_append(h, "nat", "PREROUTING", IPTABLES_SPEC("-j", "REJECT")), 0);
	ck_assert_int_lt(iptables_commit(h), 0);
	fafter = cli_S(c, "filter", NULL);
	nafter = cli_S(c, "nat", NULL);
	ck_assert_str_eq(fbefore, fafter);
	ck_assert_str_eq(nbefore, nafter);
	free(fbefore);
	free(nbefore);
	free(fafter);
	free(nafter);
	iptables_free(h);
}
END_TEST

START_TEST(sync_chain_writes_only_when_needed)
{
	const struct tcfg *c = &tcfgs[_i];
	const char *const *want[] = {
		IPTABLES_SPEC("-p", "tcp", "--dport", "22", "-j", "ACCEPT"),
		IPTABLES_SPEC("-p", "udp", "-m", "comment", "--comment", "a b", "-j", "DROP"),
		IPTABLES_SPEC("-j", "RETURN"),
	};
	iptables *h;
	char *out;

	h = topen(c);
	ck_assert_msg(iptables_sync_chain(h, "filter", "SYNC", want, 3) == 1, "%s: %s", c->name,
		      iptables_errmsg(h));
	ck_assert_uint_eq(trule_count(h, "SYNC"), 3);
	/* counters survive a sync that changes nothing: nothing was rewritten */
	ck_assert_int_eq(tsh(NULL, NULL, "%s -Z SYNC 1 && %s -R SYNC 3 -j RETURN -c 7 700", c->cli,
			     c->cli), 0);
	ck_assert_msg(iptables_sync_chain(h, "filter", "SYNC", want, 3) == 0, "%s: %s", c->name,
		      iptables_errmsg(h));
	ck_assert_int_eq(tsh(&out, NULL, "%s -v -S SYNC 3", c->cli), 0);
	/* ip6tables-nft 1.8.9 ignores -c, so counters cannot show a rewrite there */
	if (strcmp(c->cli, "ip6tables-nft") != 0)
		ck_assert_msg(strstr(out, "-c 7 700"), "%s: chain was rewritten: %s", c->name, out);
	free(out);
	/* different order -> rewritten, exactly the wanted rules */
	const char *const *again[] = { want[2], want[0] };
	ck_assert_int_eq(iptables_sync_chain(h, "filter", "SYNC", again, 2), 1);
	out = cli_S(c, "filter", "SYNC");
	ck_assert_str_eq(out, "-N SYNC\n-A SYNC -j RETURN\n"
			      "-A SYNC -p tcp -m tcp --dport 22 -j ACCEPT\n");
	free(out);
	/* a bad spec changes nothing */
	const char *const *bad[] = { want[0], IPTABLES_SPEC("--bogus") };
	ck_assert_int_eq(iptables_sync_chain(h, "filter", "SYNC", bad, 2), IPTABLES_EINVAL);
	ck_assert_uint_eq(trule_count(h, "SYNC"), 2);
	/* empty list: an empty chain */
	ck_assert_int_eq(iptables_sync_chain(h, "filter", "SYNC", NULL, 0), 1);
	ck_assert_uint_eq(trule_count(h, "SYNC"), 0);
	iptables_free(h);
}
END_TEST


/* ---- nf_tables: the kernel refuses an op in the middle of the batch ---- */

static const struct tcfg *nft_cfg(int i)
{
	size_t k, seen = 0;

	for (k = 0; k < n_tcfgs; k++)
		if (tcfgs[k].backend == IPTABLES_BACKEND_NFT && (int)seen++ == i)
			return &tcfgs[k];
	ck_abort_msg("no nft configuration %d", i);
	return NULL;
}

/* Every table as iptables-nft-save prints it (without its comment lines). */
static char *cli_save(const struct tcfg *c)
{
	char *out;

	ck_assert_int_eq(tsh(&out, NULL, "%s-save | grep -v '^# [GC]'", c->cli), 0);
	return out;
}

/* A ruleset in filter, nat and mangle for the refusals to leave alone. */
static void nft_base_ruleset(const struct tcfg *c)
{
	ck_assert_int_eq(tsh(NULL, NULL, "%s -A INPUT -p tcp --dport 22 -j ACCEPT && "
			     "%s -N KEEP && %s -A KEEP -j RETURN && %s -A INPUT -j KEEP && "
			     "%s -t nat -A POSTROUTING -o lo -j ACCEPT && "
			     "%s -t mangle -A PREROUTING -j ACCEPT", c->cli, c->cli, c->cli, c->cli,
			     c->cli, c->cli), 0);
}

/* What `<cli> -t TABLE -A CHAIN WORDS` prints when it fails, with its exit status. */
static char *cli_refusal(const struct tcfg *c, const char *table, const char *chain,
			 const char *words, int *st)
{
	char *err;

	free(tcli(c, st, &err, "-t %s -A %s %s", table, chain, words));
	return err;
}

/* The kernel refuses each of these rules (no NF_QUEUE verdict in nf_tables, no such
 * nfacct object) though they parse: the refusal comes back from the batch. */
static const char *const refused_rules[][2] = {
	{ "-j QUEUE", NULL },
	{ "-m nfacct --nfacct-name nosuchobject", NULL },
};

START_TEST(nft_kernel_refusal_mid_batch)
{
	const struct tcfg *c = nft_cfg(_i / 2);
	const char *words = refused_rules[_i % 2][0];
	char *before, *after, *want, *spec;
	iptables *h;
	int st, rc;

	h = topen(c);
	nft_base_ruleset(c);
	want = cli_refusal(c, "filter", "INPUT", words, &st);
	ck_assert_msg(st == 4, "%s: `%s -A INPUT %s` exit %d: %s", c->name, c->cli, words, st,
		      want);
	before = cli_save(c);
	/* the table is read before: the model must not keep the refused batch's changes */
	ck_assert_uint_eq(trule_count(h, "INPUT"), 2);

	ck_assert_int_eq(iptables_begin(h), 0);
	ck_assert_int_eq(iptables_append(h, "filter", "INPUT",
					 IPTABLES_SPEC("-s", c->proto == IPTABLES_IPV6 ? "2001:db8::1"
						       : "192.0.2.1", "-j", "ACCEPT")), 0);
	ck_assert_int_eq(iptables_new_chain(h, "filter", "TXC"), 0);
	spec = strdup(words);
	{
		const char *w[8];
		int n = 0;

		for (char *save = NULL, *t = strtok_r(spec, " ", &save); t;
		     t = strtok_r(NULL, " ", &save))
			w[n++] = t;
		w[n] = NULL;
		ck_assert_int_eq(iptables_append(h, "filter", "INPUT", w), 0);	/* 3rd op */
	}
	ck_assert_int_eq(iptables_append(h, "filter", "TXC", IPTABLES_SPEC("-j", "RETURN")), 0);
	ck_assert_int_eq(iptables_delete(h, "filter", "KEEP", IPTABLES_SPEC("-j", "RETURN")), 0);
	rc = iptables_commit(h);
	ck_rc(h, rc, IPTABLES_ENOTFOUND);
	ck_assert_msg(!strcmp(iptables_errmsg(h), want), "%s: message\n    want: %s\n    got:  %s",
		      c->name, want, iptables_errmsg(h));
	after = cli_save(c);
	ck_assert_msg(!strcmp(before, after), "%s: the refused transaction changed the ruleset:\n"
		      "--- before\n%s--- after\n%s", c->name, before, after);
	/* and the handle's own view is the kernel's */
	ck_oracle(h, c, "filter", NULL, false);
	ck_assert_int_eq(iptables_chain_exists(h, "filter", "TXC"), 0);
	ck_assert_uint_eq(trule_count(h, "INPUT"), 2);
	ck_assert_uint_eq(trule_count(h, "KEEP"), 1);
	/* the same op alone: the same code and message as iptables-nft */
	rc = iptables_append(h, "filter", "INPUT", (const char *const[]){ "-j", "QUEUE", NULL });
	if (_i % 2 == 0) {
		ck_rc(h, rc, IPTABLES_ENOTFOUND);
		ck_assert_str_eq(iptables_errmsg(h), want);
	}
	/* and the handle still works */
	ck_assert_int_eq(iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "DROP")), 0);
	ck_oracle(h, c, "filter", NULL, false);
	free(spec);
	free(want);
	free(before);
	free(after);
	iptables_free(h);
}
END_TEST

/* filter's ops are fine, nat's second op is refused: neither table changes. */
START_TEST(nft_kernel_refusal_second_table)
{
	const struct tcfg *c = nft_cfg(_i);
	char *before, *after, *want;
	iptables *h;
	int st, rc;

	h = topen(c);
	nft_base_ruleset(c);
	want = cli_refusal(c, "nat", "POSTROUTING", "-j QUEUE", &st);
	ck_assert_int_eq(st, 4);
	before = cli_save(c);
	ck_assert_int_eq(iptables_begin(h), 0);
	ck_assert_int_eq(iptables_new_chain(h, "filter", "MT"), 0);
	ck_assert_int_eq(iptables_append(h, "filter", "MT", IPTABLES_SPEC("-j", "RETURN")), 0);
	ck_assert_int_eq(iptables_insert(h, "filter", "INPUT", 1, IPTABLES_SPEC("-j", "MT")), 0);
	ck_assert_int_eq(iptables_delete(h, "filter", "INPUT",
					 IPTABLES_SPEC("-p", "tcp", "--dport", "22", "-j", "ACCEPT")), 0);
	ck_assert_int_eq(iptables_append(h, "nat", "POSTROUTING", IPTABLES_SPEC("-j", "ACCEPT")), 0);
	ck_assert_int_eq(iptables_append(h, "nat", "POSTROUTING", IPTABLES_SPEC("-j", "QUEUE")), 0);
	ck_assert_int_eq(iptables_append(h, "raw", "PREROUTING", IPTABLES_SPEC("-j", "ACCEPT")), 0);
	rc = iptables_commit(h);
	ck_rc(h, rc, IPTABLES_ENOTFOUND);
	ck_assert_msg(!strcmp(iptables_errmsg(h), want), "%s: message\n    want: %s\n    got:  %s",
		      c->name, want, iptables_errmsg(h));
	after = cli_save(c);
	ck_assert_msg(!strcmp(before, after), "%s: the refused transaction changed the ruleset:\n"
		      "--- before\n%s--- after\n%s", c->name, before, after);
	ck_oracle(h, c, "filter", NULL, false);
	ck_oracle(h, c, "nat", NULL, false);
	free(want);
	free(before);
	free(after);
	iptables_free(h);
}
END_TEST

/* The op the kernel refused, by its place: iptables_restore names its line as
 * iptables-nft-restore does, and nothing of the input is applied. */
START_TEST(nft_kernel_refusal_names_the_line)
{
	const struct tcfg *c = nft_cfg(_i);
	const char *in = "*filter\n-A INPUT -s %s -j ACCEPT\n-N TXC\n-A INPUT -j QUEUE\n"
			 "-A TXC -j RETURN\nCOMMIT\n";
	char *text, *before, *after, *err, *cmd;
	iptables *h;
	int st, rc;

	h = topen(c);
	nft_base_ruleset(c);
	ck_assert(asprintf(&text, in, c->proto == IPTABLES_IPV6 ? "2001:db8::1" : "192.0.2.1") > 0);
	before = cli_save(c);
	cmd = tshquote(text);
	st = tsh(NULL, &err, "printf %%s %s | %s-restore --noflush", cmd, c->cli);
	ck_assert_int_eq(st, 4);
	tchomp(err);
	after = cli_save(c);
	ck_assert_str_eq(before, after);
	rc = iptables_restore(h, text, IPTABLES_RESTORE_NOFLUSH);
	ck_assert_int_lt(rc, 0);
	/* iptables-nft-restore: "...(nf_tables): \nline 4: RULE_APPEND failed (...): rule in
	 * chain INPUT"; at the least the line of the op (4) must be named */
	ck_assert_msg(strstr(iptables_errmsg(h), "line 4"), "%s: %s names no line 4: %s (%s)",
		      c->name, "iptables_restore", iptables_errmsg(h), err);
	ck_assert_msg(!strcmp(iptables_errmsg(h), err), "%s: restore message\n    want: %s\n"
		      "    got:  %s", c->name, err, iptables_errmsg(h));
	free(after);
	after = cli_save(c);
	ck_assert_str_eq(before, after);
	free(cmd);
	free(err);
	free(text);
	free(before);
	free(after);
	iptables_free(h);
}
END_TEST

Suite *tsuite(void)
{
	Suite *s = suite_create("txn");
	TCase *tc = tcase_create("txn");
	TCase *nft = tcase_create("nft_refusal");

	tcase_add_checked_fixture(tc, tns_enter, NULL);
	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, commit_applies_all, 0, (int)n_tcfgs);
	tcase_add_loop_test(tc, rollback_and_failures_apply_nothing, 0, (int)n_tcfgs);
	tcase_add_loop_test(tc, multi_table_refusal_changes_nothing, 0, (int)n_tcfgs);
	tcase_add_loop_test(tc, sync_chain_writes_only_when_needed, 0, (int)n_tcfgs);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(nft, tns_enter, NULL);
	tcase_set_timeout(nft, ttimeout(60));
	tcase_add_loop_test(nft, nft_kernel_refusal_mid_batch, 0, 4);
	tcase_add_loop_test(nft, nft_kernel_refusal_second_table, 0, 2);
	tcase_add_loop_test(nft, nft_kernel_refusal_names_the_line, 0, 2);
	suite_add_tcase(s, nft);
	return s;
}
