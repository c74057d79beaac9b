/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * No memory growth: 100,000 calls through the libiptc backend (parse, print, kernel reads,
 * failures and their trapped libxtables errors), both families alternating, leave the
 * resident set where it was after warm-up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"

static long rss_kb(void)
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "%ld %ld", &pages, &resident), 2);
	fclose(f);
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* 10 calls of every kind, successes and failures alike */
static void round_of_calls(iptables *h)
{
	const char *const *rule = IPTABLES_SPEC("-p", "tcp", "--dport", "22", "-m", "conntrack",
						"--ctstate", "NEW", "-j", "LOG", "--log-prefix",
						"x ");
	char **lines;
	size_t n;

	ck_assert_int_eq(iptables_append(h, "filter", "MEM", rule), 0);
	ck_assert_int_eq(iptables_exists(h, "filter", "MEM", rule), 1);
	ck_assert_int_eq(iptables_list(h, "filter", "MEM", &lines, &n), 0);
	iptables_strv_free(lines, n);
	ck_assert_int_eq(iptables_delete(h, "filter", "MEM", rule), 0);
	ck_assert_int_eq(iptables_exists(h, "filter", "MEM", rule), 0);
	ck_assert_int_eq(iptables_append(h, "filter", "MEM", IPTABLES_SPEC("--bogus")),
			 IPTABLES_EINVAL);
	ck_assert_int_eq(iptables_append(h, "filter", "MEM", IPTABLES_SPEC("-m", "nosuch")),
			 IPTABLES_EINVAL);
	ck_assert_int_eq(iptables_delete(h, "filter", "MEM", IPTABLES_SPEC("-j", "DROP")),
			 IPTABLES_ENOTFOUND);
	ck_assert_int_eq(iptables_append(h, "nat", "POSTROUTING",
					 IPTABLES_SPEC("-j", "MASQUERADE")), 0);
	ck_assert_int_eq(iptables_delete_by_id(h, "nat", "POSTROUTING", 1), 0);
}

#ifdef __SANITIZE_ADDRESS__
#define UNDER_ASAN true		/* freed memory sits in ASan's quarantine: RSS only grows */
#else
#define UNDER_ASAN false
#endif

START_TEST(flat_over_100000_calls)
{
	const bool valgrind = getenv("IPTC_VALGRIND") != NULL;
	const int rounds = valgrind ? 50 : 10000;	/* x 10 calls */
	iptables *v4, *v6;
	long before, after;

	v4 = topen(&tcfgs[0]);
	v6 = topen(&tcfgs[1]);
	ck_assert_int_eq(iptables_new_chain(v4, "filter", "MEM"), 0);
	ck_assert_int_eq(iptables_new_chain(v6, "filter", "MEM"), 0);
	for (int i = 0; i < 100; i++)		/* warm-up: extensions loaded, caches filled */
		round_of_calls(i % 2 ? v6 : v4);
	before = rss_kb();
	for (int i = 0; i < rounds; i++)
		round_of_calls(i % 2 ? v6 : v4);
	after = rss_kb();
	/* valgrind and ASan replace malloc: RSS says nothing there, their leak checks do the job */
	if (!valgrind && !UNDER_ASAN)
		ck_assert_msg(after - before < 512, "RSS grew by %ld kB over %d calls",
			      after - before, rounds * 10);
	iptables_free(v4);
	iptables_free(v6);
}
END_TEST

Suite *tsuite(void)
{
	Suite *s = suite_create("memory");
	TCase *tc = tcase_create("memory");

	tcase_add_checked_fixture(tc, tns_enter, NULL);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, flat_over_100000_calls);
	suite_add_tcase(s, tc);
	return s;
}
