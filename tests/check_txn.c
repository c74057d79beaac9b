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

Suite *tsuite(void)
{
	Suite *s = suite_create("txn");
	TCase *tc = tcase_create("txn");

	tcase_add_checked_fixture(tc, tns_enter, NULL);
	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, commit_applies_all, 0, (int)n_tcfgs);
	tcase_add_loop_test(tc, rollback_and_failures_apply_nothing, 0, (int)n_tcfgs);
	tcase_add_loop_test(tc, multi_table_refusal_changes_nothing, 0, (int)n_tcfgs);
	tcase_add_loop_test(tc, sync_chain_writes_only_when_needed, 0, (int)n_tcfgs);
	suite_add_tcase(s, tc);
	return s;
}
