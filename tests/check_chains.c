/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Chain lifecycle on every configuration, checked against the oracle CLI after each change. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define CFG (&tcfgs[_i])

static void chain_present(iptables *h, const char *table, const char *chain, int want)
{
	int rc = iptables_chain_exists(h, table, chain);

	ck_assert_msg(rc == want, "chain_exists(%s, %s) = %d (%s), want %d; errmsg: %s", table,
		      chain, rc, rc < 0 ? iptables_strerror(rc) : "", want, iptables_errmsg(h));
}

/* The chain names of a `-S` listing: the second word of every -P / -N line. */
static char *chains_of_S(const char *listing)
{
	char *copy = strdup(listing), *out = calloc(1, strlen(listing) + 2);
	char *save = NULL, *line, *sp;

	ck_assert(copy && out);
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "-P ", 3) && strncmp(line, "-N ", 3))
			continue;
		sp = strchr(line + 3, ' ');
		if (sp)
			*sp = '\0';
		strcat(out, *out ? " " : "");
		strcat(out, line + 3);
	}
	free(copy);
	return out;
}

static void chains_match_oracle(iptables *h, const struct tcfg *c, const char *table)
{
	char **v = NULL, *want_S, *want, *got;
	size_t n = 0, i;
	int rc;

	rc = iptables_list_chains(h, table, &v, &n);
	ck_rc(h, rc, 0);
	got = calloc(1, 1);
	for (i = 0; i < n; i++) {
		got = realloc(got, strlen(got) + strlen(v[i]) + 2);
		strcat(got, i ? " " : "");
		strcat(got, v[i]);
	}
	ck_assert_msg(v[n] == NULL, "list_chains: array not NULL-terminated");
	iptables_strv_free(v, n);
	want_S = tcli(c, NULL, NULL, "-t %s -S", table);
	want = chains_of_S(want_S);
	ck_assert_msg(strcmp(want, got) == 0, "%s: list_chains(%s) = [%s], oracle -S order [%s]",
		      c->name, table, got, want);
	free(want_S);
	free(want);
	free(got);
}

START_TEST(test_new_exists_delete)
{
	iptables *h;

	h = topen(CFG);
	chain_present(h, "filter", "tchain", 0);
	ck_rc(h, iptables_new_chain(h, "filter", "tchain"), 0);
	chain_present(h, "filter", "tchain", 1);
	chain_present(h, "filter", "INPUT", 1);
	chain_present(h, "filter", "nochain", 0);
	ck_oracle(h, CFG, "filter", NULL, false);
	ck_oracle(h, CFG, "filter", "tchain", false);

	ck_rc(h, iptables_new_chain(h, "filter", "tchain"), IPTABLES_EEXIST);
	ck_assert_str_ne(iptables_errmsg(h), "");
	ck_oracle(h, CFG, "filter", NULL, false);

	ck_rc(h, iptables_delete_chain(h, "filter", "tchain"), 0);
	chain_present(h, "filter", "tchain", 0);
	ck_oracle(h, CFG, "filter", NULL, false);

	ck_rc(h, iptables_delete_chain(h, "filter", "tchain"), IPTABLES_ENOTFOUND);
	iptables_free(h);
}
END_TEST

START_TEST(test_clear_chain)
{
	iptables *h;
	char *s;

	h = topen(CFG);
	/* missing: created */
	ck_rc(h, iptables_clear_chain(h, "filter", "tclear"), 0);
	chain_present(h, "filter", "tclear", 1);
	ck_oracle(h, CFG, "filter", NULL, false);

	ck_rc(h, iptables_append(h, "filter", "tclear", IPTABLES_SPEC("-p", "tcp", "-j", "RETURN")),
	      0);
	ck_rc(h, iptables_append(h, "filter", "tclear", IPTABLES_SPEC("-j", "ACCEPT")), 0);
	ck_oracle(h, CFG, "filter", NULL, false);
	ck_rc(h, iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "tclear")), 0);

	/* existing: flushed, still referenced from INPUT, INPUT untouched */
	ck_rc(h, iptables_clear_chain(h, "filter", "tclear"), 0);
	s = tlist(h, "filter", "tclear", false, NULL);
	ck_assert_str_eq(s, "-N tclear");
	free(s);
	s = tlist(h, "filter", "INPUT", false, NULL);
	ck_assert_str_eq(s, "-P INPUT ACCEPT\n-A INPUT -j tclear");
	free(s);
	ck_oracle(h, CFG, "filter", NULL, false);

	/* built-in chains can be cleared too */
	ck_rc(h, iptables_clear_chain(h, "filter", "INPUT"), 0);
	ck_oracle(h, CFG, "filter", NULL, false);
	s = tlist(h, "filter", "INPUT", false, NULL);
	ck_assert_str_eq(s, "-P INPUT ACCEPT");
	free(s);
	iptables_free(h);
}
END_TEST

START_TEST(test_delete_busy)
{
	iptables *h;

	h = topen(CFG);
	ck_rc(h, iptables_new_chain(h, "filter", "tbusy"), 0);
	ck_rc(h, iptables_append(h, "filter", "tbusy", IPTABLES_SPEC("-j", "ACCEPT")), 0);
	ck_rc(h, iptables_delete_chain(h, "filter", "tbusy"), IPTABLES_EBUSY);
	ck_assert_str_ne(iptables_errmsg(h), "");
	chain_present(h, "filter", "tbusy", 1);
	ck_oracle(h, CFG, "filter", NULL, false);

	/* empty but referenced */
	ck_rc(h, iptables_new_chain(h, "filter", "tref"), 0);
	ck_rc(h, iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "tref")), 0);
	ck_rc(h, iptables_delete_chain(h, "filter", "tref"), IPTABLES_EBUSY);
	chain_present(h, "filter", "tref", 1);
	ck_oracle(h, CFG, "filter", NULL, false);
	iptables_free(h);
}
END_TEST

START_TEST(test_rename)
{
	iptables *h;
	char *s;

	h = topen(CFG);
	ck_rc(h, iptables_new_chain(h, "filter", "told"), 0);
	ck_rc(h, iptables_append(h, "filter", "told", IPTABLES_SPEC("-p", "udp", "-j", "DROP")), 0);
	ck_rc(h, iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "told")), 0);
	ck_rc(h, iptables_rename_chain(h, "filter", "told", "tnew"), 0);
	chain_present(h, "filter", "told", 0);
	chain_present(h, "filter", "tnew", 1);
	ck_oracle(h, CFG, "filter", NULL, false);
	s = tlist(h, "filter", "INPUT", false, NULL);
	ck_assert_str_eq(s, "-P INPUT ACCEPT\n-A INPUT -j tnew");
	free(s);
	s = tlist(h, "filter", "tnew", false, NULL);
	ck_assert_str_eq(s, "-N tnew\n-A tnew -p udp -j DROP");
	free(s);

	ck_rc(h, iptables_rename_chain(h, "filter", "nochain", "tother"), IPTABLES_ENOTFOUND);
	ck_rc(h, iptables_new_chain(h, "filter", "tsecond"), 0);
	ck_rc(h, iptables_rename_chain(h, "filter", "tnew", "tsecond"), IPTABLES_EEXIST);
	ck_oracle(h, CFG, "filter", NULL, false);
	iptables_free(h);
}
END_TEST

START_TEST(test_clear_and_delete)
{
	iptables *h;

	h = topen(CFG);
	ck_rc(h, iptables_new_chain(h, "filter", "tcd"), 0);
	ck_rc(h, iptables_append(h, "filter", "tcd", IPTABLES_SPEC("-s", "10.0.0.0/8", "-j",
								    "ACCEPT")),
	      CFG->proto == IPTABLES_IPV4 ? 0 : IPTABLES_EINVAL);
	ck_rc(h, iptables_append(h, "filter", "tcd", IPTABLES_SPEC("-j", "RETURN")), 0);
	ck_rc(h, iptables_clear_and_delete_chain(h, "filter", "tcd"), 0);
	chain_present(h, "filter", "tcd", 0);
	ck_oracle(h, CFG, "filter", NULL, false);
	ck_rc(h, iptables_clear_and_delete_chain(h, "filter", "tcd"), 0);
	ck_rc(h, iptables_clear_and_delete_chain(h, "filter", "neverexisted"), 0);
	ck_oracle(h, CFG, "filter", NULL, false);
	iptables_free(h);
}
END_TEST

START_TEST(test_list_chains_order)
{
	static const char *const names[] = { "zeta", "alpha", "Mid", "beta2", "B-1", "_x" };
	iptables *h;
	size_t i;

	h = topen(CFG);
	chains_match_oracle(h, CFG, "filter");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		ck_rc(h, iptables_new_chain(h, "filter", names[i]), 0);
		ck_rc(h, iptables_new_chain(h, "nat", names[i]), 0);
	}
	chains_match_oracle(h, CFG, "filter");
	chains_match_oracle(h, CFG, "nat");
	chains_match_oracle(h, CFG, "mangle");
	chains_match_oracle(h, CFG, "raw");
	ck_oracle(h, CFG, "filter", NULL, false);
	ck_oracle(h, CFG, "nat", NULL, false);
	ck_oracle(h, CFG, "mangle", NULL, false);
	iptables_free(h);
}
END_TEST

START_TEST(test_change_policy)
{
	iptables *h;
	char *s;

	h = topen(CFG);
	ck_rc(h, iptables_change_policy(h, "filter", "FORWARD", "DROP"), 0);
	ck_oracle(h, CFG, "filter", NULL, false);
	s = tlist(h, "filter", "FORWARD", false, NULL);
	ck_assert_str_eq(s, "-P FORWARD DROP");
	free(s);
	ck_rc(h, iptables_change_policy(h, "mangle", "PREROUTING", "DROP"), 0);
	ck_oracle(h, CFG, "mangle", NULL, false);
	ck_rc(h, iptables_change_policy(h, "filter", "FORWARD", "ACCEPT"), 0);
	ck_oracle(h, CFG, "filter", NULL, false);
	ck_oracle(h, CFG, "filter", NULL, true);
	s = tlist(h, "filter", "FORWARD", false, NULL);
	ck_assert_str_eq(s, "-P FORWARD ACCEPT");
	free(s);
	ck_rc(h, iptables_change_policy(h, "filter", "nochain", "DROP"), IPTABLES_ENOTFOUND);
	iptables_free(h);
}
END_TEST

START_TEST(test_clear_all_delete_all)
{
	iptables *h;
	char *s;

	h = topen(CFG);
	ck_rc(h, iptables_new_chain(h, "filter", "ta"), 0);
	ck_rc(h, iptables_new_chain(h, "filter", "tb"), 0);
	ck_rc(h, iptables_append(h, "filter", "ta", IPTABLES_SPEC("-j", "tb")), 0);
	ck_rc(h, iptables_append(h, "filter", "tb", IPTABLES_SPEC("-p", "tcp", "-j", "ACCEPT")), 0);
	ck_rc(h, iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "ta")), 0);
	ck_rc(h, iptables_append(h, "filter", "OUTPUT", IPTABLES_SPEC("-p", "udp", "-j", "DROP")),
	      0);
	ck_rc(h, iptables_change_policy(h, "filter", "OUTPUT", "DROP"), 0);
	ck_rc(h, iptables_append(h, "nat", "OUTPUT", IPTABLES_SPEC("-p", "udp", "-j", "RETURN")),
	      0);
	ck_oracle(h, CFG, "filter", NULL, false);

	/* delete_all on referenced user chains must fail and change nothing */
	ck_assert_int_lt(iptables_delete_all(h, "filter"), 0);
	chain_present(h, "filter", "ta", 1);
	chain_present(h, "filter", "tb", 1);

	ck_rc(h, iptables_clear_all(h, "filter"), 0);
	ck_oracle(h, CFG, "filter", NULL, false);
	s = tlist(h, "filter", NULL, false, NULL);
	ck_assert_str_eq(s, "-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT DROP\n-N ta\n-N tb");
	free(s);
	/* another table is untouched */
	s = tlist(h, "nat", "OUTPUT", false, NULL);
	ck_assert_str_eq(s, "-P OUTPUT ACCEPT\n-A OUTPUT -p udp -j RETURN");
	free(s);

	ck_rc(h, iptables_delete_all(h, "filter"), 0);
	ck_oracle(h, CFG, "filter", NULL, false);
	s = tlist(h, "filter", NULL, false, NULL);
	ck_assert_str_eq(s, "-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT DROP");
	free(s);
	chain_present(h, "filter", "ta", 0);
	ck_rc(h, iptables_clear_all(h, "filter"), 0);
	ck_rc(h, iptables_delete_all(h, "filter"), 0);
	ck_oracle(h, CFG, "nat", NULL, false);
	iptables_free(h);
}
END_TEST

Suite *tsuite(void)
{
	Suite *s = suite_create("chains");
	TCase *tc = tcase_create("lifecycle");

	tcase_add_checked_fixture(tc, tns_enter, NULL);
	tcase_set_timeout(tc, ttimeout(60));
	tcase_add_loop_test(tc, test_new_exists_delete, 0, (int)n_tcfgs);
	tcase_add_loop_test(tc, test_clear_chain, 0, (int)n_tcfgs);
	tcase_add_loop_test(tc, test_delete_busy, 0, (int)n_tcfgs);
	tcase_add_loop_test(tc, test_rename, 0, (int)n_tcfgs);
	tcase_add_loop_test(tc, test_clear_and_delete, 0, (int)n_tcfgs);
	tcase_add_loop_test(tc, test_list_chains_order, 0, (int)n_tcfgs);
	tcase_add_loop_test(tc, test_change_policy, 0, (int)n_tcfgs);
	tcase_add_loop_test(tc, test_clear_all_delete_all, 0, (int)n_tcfgs);
	suite_add_tcase(s, tc);
	return s;
}
