/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Faults: the kernel refusing a commit leaves the table as it was; a process killed during a
 * transaction leaves the table before or after, never in between.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static char *table_text(const struct tcfg *c, const char *table)
{
	char *out;

	ck_assert_int_eq(tsh(&out, NULL, "%s -t %s -S", c->cli, table), 0);
	return out;
}

struct refused {
	const char *table, *chain;
	const char *const *spec;
};

START_TEST(kernel_refusal_changes_nothing)
{
	const struct tcfg *c = &tcfgs[_i];
	const struct refused cases[] = {
		/* tcp match without -p tcp: the kernel's checkentry refuses it */
		{ "filter", "INPUT", IPTABLES_SPEC("-m", "tcp", "--dport", "22", "-j", "ACCEPT") },
		/* REJECT is only valid in filter/mangle/raw */
		{ "nat", "PREROUTING", IPTABLES_SPEC("-j", "REJECT") },
		/* a jump to a chain that does not exist */
		{ "filter", "INPUT", IPTABLES_SPEC("-j", "NOSUCHCHAIN") },
	};
	iptables *h;

	h = topen(c);
	ck_assert_int_eq(iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "ACCEPT")), 0);
	ck_assert_int_eq(iptables_append(h, "nat", "PREROUTING", IPTABLES_SPEC("-j", "ACCEPT")), 0);
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		char *before = table_text(c, cases[k].table), *after;
		int rc = iptables_append(h, cases[k].table, cases[k].chain, cases[k].spec);

		ck_assert_msg(rc < 0, "%s: case %zu accepted", c->name, k);
		ck_assert_msg(*iptables_errmsg(h), "%s: case %zu: empty message", c->name, k);
		after = table_text(c, cases[k].table);
		ck_assert_str_eq(before, after);
		free(before);
		free(after);

		/* the same inside a transaction with good changes: none of them lands */
		before = table_text(c, cases[k].table);
		ck_assert_int_eq(iptables_begin(h), 0);
		iptables_append(h, cases[k].table, cases[k].chain, IPTABLES_SPEC("-j", "ACCEPT"));
		iptables_append(h, cases[k].table, cases[k].chain, cases[k].spec);
		rc = iptables_commit(h);
		ck_assert_msg(rc < 0, "%s: case %zu committed", c->name, k);
		after = table_text(c, cases[k].table);
		ck_assert_str_eq(before, after);
		free(before);
		free(after);
	}
	iptables_free(h);
}
END_TEST

static int count_rules(const char *cli)
{
	char *out, *p;
	int n = 0;

	ck_assert_int_eq(tsh(&out, NULL, "%s -S KILL", cli), 0);
	for (p = out; (p = strstr(p, "\n-A ")); p++)
		n++;
	free(out);
	return n;
}

START_TEST(killed_transaction_is_all_or_nothing)
{
	/* libiptc and exec-legacy: both commit through one kernel replace */
	static const int cfg_index[] = { 0, 2 };
	const struct tcfg *c = &tcfgs[cfg_index[_i]];
	const int per_txn = getenv("IPTC_VALGRIND") ? 50 : 500;
	iptables *h;

	h = topen(c);
	ck_assert_int_eq(iptables_new_chain(h, "filter", "KILL"), 0);
	iptables_free(h);
	srand((unsigned)time(NULL));
	for (int round = 0; round < 8; round++) {
		int st, n;
		pid_t pid = fork();

		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			iptables *ch = topen(c);

			for (;;) {
				if (iptables_begin(ch))
					_exit(1);
				for (int i = 0; i < per_txn; i++) {
					char src[32];

					snprintf(src, sizeof(src), "10.1.%d.%d", i / 256, i % 256);
					iptables_append(ch, "filter", "KILL",
							IPTABLES_SPEC("-s", src, "-j", "ACCEPT"));
				}
				if (iptables_commit(ch))
					_exit(2);
			}
		}
		usleep(20000 + rand() % 200000);
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		/* exec: an iptables-restore child may still be finishing its input */
		usleep(100000);
		n = count_rules(c->cli);
		ck_assert_msg(n % per_txn == 0, "%s: %d rules after a kill (not a multiple of %d)",
			      c->name, n, per_txn);
	}
}
END_TEST

Suite *tsuite(void)
{
	Suite *s = suite_create("faults");
	TCase *tc = tcase_create("faults");

	tcase_add_checked_fixture(tc, tns_enter, NULL);
	tcase_set_timeout(tc, 600);
	tcase_add_loop_test(tc, kernel_refusal_changes_nothing, 0, (int)n_tcfgs);
	tcase_add_loop_test(tc, killed_transaction_is_all_or_nothing, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}
