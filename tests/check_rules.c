/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Rule lifecycle on every configuration, after go-iptables' TestRules, checked against the
 * oracle CLI. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define CFG (&tcfgs[_i])
#define CH "TESTCHAIN"

struct addrs {
	const char *a1, *a2, *a3, *a4, *s1, *s2, *s3, *s4, *any;
};

static const struct addrs v4 = {
	"203.0.113.1/32", "203.0.113.2/32", "203.0.113.3/32", "203.0.113.4/32",
	"192.0.2.0/24", "198.51.100.0/24", "198.51.100.128/25", "10.0.0.0/8", "0.0.0.0/0",
};
static const struct addrs v6 = {
	"2001:db8::1/128", "2001:db8::2/128", "2001:db8::3/128", "2001:db8::4/128",
	"2001:db8:a::/48", "2001:db8:b::/48", "2001:db8:c::/48", "2001:db8:d::/48", "::/0",
};

static const struct addrs *A(const struct tcfg *c)
{
	return c->proto == IPTABLES_IPV6 ? &v6 : &v4;
}

#define SD(s, d) IPTABLES_SPEC("-s", (s), "-d", (d), "-j", "ACCEPT")

static void exists_is(iptables *h, const char *chain, const char *const *spec, int want)
{
	int rc = iptables_exists(h, "filter", chain, spec);

	ck_assert_msg(rc == want, "exists(%s, %s ...) = %d, want %d; errmsg: %s", chain, spec[1],
		      rc, want, iptables_errmsg(h));
}

static char *expect_list(const struct addrs *a, const char *suffix)
{
	char *s;

	ck_assert(asprintf(&s,
			   "-N " CH "\n"
			   "-A " CH " -s %s -d %s %s\n"
			   "-A " CH " -s %s -d %s %s\n"
			   "-A " CH " -s %s -d %s %s\n"
			   "-A " CH " -s %s -d %s %s\n"
			   "-A " CH " -s %s -d %s %s",
			   a->s1, a->a1, suffix, a->s2, a->a2, suffix, a->s2, a->a1, suffix,
			   a->a1, a->s2, suffix, a->a4, a->s4, suffix) >= 0);
	return s;
}

/* go-iptables' TestRules sequence; leaves the chain in the state of its `expected`. */
static void build_go_ruleset(iptables *h, const struct addrs *a)
{
	char **lines;
	size_t n;

	ck_rc(h, iptables_new_chain(h, "filter", CH), 0);
	ck_rc(h, iptables_append(h, "filter", CH, SD(a->s1, a->a1)), 0);
	ck_rc(h, iptables_append_unique(h, "filter", CH, SD(a->s1, a->a1)), 0);
	ck_rc(h, iptables_append(h, "filter", CH, SD(a->s2, a->a1)), 0);
	ck_rc(h, iptables_insert(h, "filter", CH, 2, SD(a->s2, a->a2)), 0);
	ck_rc(h, iptables_insert_unique(h, "filter", CH, 2, SD(a->s2, a->a2)), 0);
	ck_rc(h, iptables_insert(h, "filter", CH, 1, SD(a->s1, a->a2)), 0);
	ck_rc(h, iptables_delete(h, "filter", CH, SD(a->s1, a->a2)), 0);
	ck_rc(h, iptables_insert(h, "filter", CH, 1, SD(a->s1, a->a2)), 0);
	ck_rc(h, iptables_replace(h, "filter", CH, 1, SD(a->s2, a->a2)), 0);
	ck_rc(h, iptables_delete(h, "filter", CH, SD(a->s2, a->a2)), 0);
	ck_rc(h, iptables_append(h, "filter", CH, SD(a->a1, a->s2)), 0);
	ck_rc(h, iptables_list(h, "filter", CH, &lines, &n), 0);
	iptables_strv_free(lines, n);
	ck_rc(h, iptables_append(h, "filter", CH, SD(a->a3, a->s3)), 0);
	ck_rc(h, iptables_append(h, "filter", CH, SD(a->a4, a->s4)), 0);
	ck_rc(h, iptables_delete_by_id(h, "filter", CH, (int)n), 0);
}

START_TEST(test_go_rules)
{
	const struct addrs *a = A(CFG);
	iptables *h;
	char *want, *got, *line;
	int rc;

	h = topen(CFG);
	build_go_ruleset(h, a);

	want = expect_list(a, "-j ACCEPT");
	got = tlist(h, "filter", CH, false, &rc);
	ck_assert_msg(got, "list: %d %s", rc, iptables_errmsg(h));
	ck_assert_str_eq(got, want);
	free(want);
	free(got);
	ck_oracle(h, CFG, "filter", CH, false);
	ck_oracle(h, CFG, "filter", NULL, false);

	want = expect_list(a, "-c 0 0 -j ACCEPT");
	got = tlist(h, "filter", CH, true, &rc);
	ck_assert_msg(got, "list_with_counters: %d %s", rc, iptables_errmsg(h));
	ck_assert_str_eq(got, want);
	free(want);
	free(got);
	ck_oracle(h, CFG, "filter", CH, true);

	ck_rc(h, iptables_list_by_id(h, "filter", CH, 1, &line), 0);
	ck_assert_msg(line, "list_by_id gave NULL");
	ck_assert(asprintf(&want, "-A " CH " -s %s -d %s -j ACCEPT", a->s1, a->a1) >= 0);
	ck_assert_str_eq(line, want);
	free(want);
	free(line);
	ck_rc(h, iptables_list_by_id(h, "filter", CH, 5, &line), 0);
	ck_assert(asprintf(&want, "-A " CH " -s %s -d %s -j ACCEPT", a->a4, a->s4) >= 0);
	ck_assert_str_eq(line, want);
	free(want);
	free(line);
	line = NULL;
	ck_rc(h, iptables_list_by_id(h, "filter", CH, 6, &line), IPTABLES_ENOTFOUND);
	ck_rc(h, iptables_list_by_id(h, "filter", CH, 100, &line), IPTABLES_ENOTFOUND);

	/* delete_if_exists: present, then absent */
	ck_rc(h, iptables_delete_if_exists(h, "filter", CH, SD(a->a1, a->s2)), 0);
	exists_is(h, CH, SD(a->a1, a->s2), 0);
	ck_rc(h, iptables_delete_if_exists(h, "filter", CH, SD(a->a1, a->s2)), 0);
	ck_rc(h, iptables_delete_if_exists(h, "filter", "NOCHAIN", SD(a->a1, a->s2)), 0);
	ck_oracle(h, CFG, "filter", CH, false);
	iptables_free(h);
}
END_TEST

START_TEST(test_exists_and_delete)
{
	const struct addrs *a = A(CFG);
	iptables *h;
	char *s;

	h = topen(CFG);
	ck_rc(h, iptables_new_chain(h, "filter", CH), 0);
	ck_rc(h, iptables_append(h, "filter", CH, SD(a->s1, a->a1)), 0);
	exists_is(h, CH, SD(a->s1, a->a1), 1);
	exists_is(h, CH, SD(a->s1, a->a2), 0);
	exists_is(h, "NOCHAIN", SD(a->s1, a->a1), 0);
	/* the same rule spelled differently is the same rule */
	exists_is(h, CH, IPTABLES_SPEC("--source", a->s1, "--destination", a->a1, "--jump",
				       "ACCEPT"), 1);

	ck_rc(h, iptables_delete(h, "filter", CH, SD(a->s1, a->a2)), IPTABLES_ENOTFOUND);
	ck_assert_str_ne(iptables_errmsg(h), "");
	ck_rc(h, iptables_delete(h, "filter", "NOCHAIN", SD(a->s1, a->a2)), IPTABLES_ENOTFOUND);
	/* past the end: iptables' "Index of deletion too big" */
	ck_rc(h, iptables_delete_by_id(h, "filter", CH, 2), IPTABLES_ERANGE);
	ck_rc(h, iptables_delete_by_id(h, "filter", "NOCHAIN", 1), IPTABLES_ENOTFOUND);
	ck_rc(h, iptables_replace(h, "filter", CH, 3, SD(a->s1, a->a2)), IPTABLES_ERANGE);
	s = tlist(h, "filter", CH, false, NULL);
	ck_assert(s);
	ck_assert_ptr_nonnull(strstr(s, a->s1));
	free(s);
	ck_oracle(h, CFG, "filter", NULL, false);

	/* append_unique twice: one rule */
	ck_rc(h, iptables_append_unique(h, "filter", CH, SD(a->s3, a->a3)), 0);
	ck_rc(h, iptables_append_unique(h, "filter", CH, SD(a->s3, a->a3)), 0);
	ck_rc(h, iptables_insert_unique(h, "filter", CH, 1, SD(a->s3, a->a3)), 0);
	ck_oracle(h, CFG, "filter", CH, false);
	s = tlist(h, "filter", CH, false, NULL);
	ck_assert_msg(strstr(s, a->s3) == strrchr(s, '\n') + 1 + strlen("-A " CH " -s "),
		      "one rule for %s expected, got:\n%s", a->s3, s);
	free(s);

	ck_rc(h, iptables_delete(h, "filter", CH, SD(a->s1, a->a1)), 0);
	ck_rc(h, iptables_delete(h, "filter", CH, SD(a->s3, a->a3)), 0);
	s = tlist(h, "filter", CH, false, NULL);
	ck_assert_str_eq(s, "-N " CH);
	free(s);
	ck_oracle(h, CFG, "filter", NULL, false);
	iptables_free(h);
}
END_TEST

/* A rule added by the library is seen by the CLI (-C, -D) and the reverse. */
START_TEST(test_cli_interop)
{
	static const char *const spec[] = { "-p", "tcp", "-m", "tcp", "--dport", "22",
					    "-m", "comment", "--comment", "ssh in",
					    "-j", "ACCEPT", NULL };
	iptables *h;
	char *words = tshjoin(spec), *err, *out;
	int st;

	h = topen(CFG);
	ck_rc(h, iptables_append(h, "filter", "INPUT", spec), 0);
	free(tcli(CFG, &st, &err, "-C INPUT %s", words));
	ck_assert_msg(st == 0, "%s: CLI -C did not find our rule (%d): %s", CFG->name, st, err);
	free(err);
	free(tcli(CFG, &st, &err, "-D INPUT %s", words));
	ck_assert_msg(st == 0, "%s: CLI -D did not remove our rule (%d): %s", CFG->name, st, err);
	free(err);
	ck_assert_int_eq(iptables_exists(h, "filter", "INPUT", spec), 0);
	ck_oracle(h, CFG, "filter", "INPUT", false);

	free(tcli(CFG, &st, &err, "-A INPUT %s", words));
	ck_assert_msg(st == 0, "CLI -A failed: %s", err);
	free(err);
	ck_oracle(h, CFG, "filter", "INPUT", false);
	ck_assert_int_eq(iptables_exists(h, "filter", "INPUT", spec), 1);
	ck_rc(h, iptables_delete(h, "filter", "INPUT", spec), 0);
	out = tcli(CFG, &st, NULL, "-S INPUT");
	ck_assert_str_eq(out, "-P INPUT ACCEPT");
	free(out);
	free(tcli(CFG, &st, NULL, "-C INPUT %s", words));
	ck_assert_int_eq(st, 1);
	free(words);
	iptables_free(h);
}
END_TEST

struct srow {
	const char *target, *prot, *opt, *in, *out, *src, *dst, *options;
};

static char *row_str(const char *target, const char *prot, const char *opt, const char *in,
		     const char *out, const char *src, const char *dst, const char *options)
{
	char *s;

	ck_assert(asprintf(&s, "[%s|%s|%s|%s|%s|%s|%s|%s]", target, prot, opt, in, out, src, dst,
			   options) >= 0);
	return s;
}

static void stats_are(iptables *h, const struct tcfg *c, const char *chain,
		      const struct srow *want, size_t nwant)
{
	struct iptables_stat *st = NULL;
	size_t n = 0, i;
	char *g, *w;

	ck_rc(h, iptables_stats(h, "filter", chain, &st, &n), 0);
	ck_assert_msg(n == nwant, "%s: stats rows %zu, want %zu", c->name, n, nwant);
	for (i = 0; i < n; i++) {
		ck_assert_msg(st[i].packets == 0 && st[i].bytes == 0, "row %zu counters", i);
		g = row_str(st[i].target, st[i].protocol, st[i].opt, st[i].in, st[i].out,
			    st[i].source, st[i].destination, st[i].options);
		w = row_str(want[i].target, want[i].prot, want[i].opt, want[i].in, want[i].out,
			    want[i].src, want[i].dst, want[i].options);
		ck_assert_msg(strcmp(g, w) == 0, "%s: stats row %zu\n got %s\nwant %s", c->name,
			      i + 1, g, w);
		free(g);
		free(w);
	}
	iptables_stats_free(st, n);
}

START_TEST(test_stats_go)
{
	const struct addrs *a = A(CFG);
	iptables *h;
	const struct srow want[] = {
		{ "ACCEPT", "0", "--", "*", "*", a->s1, a->a1, "" },
		{ "ACCEPT", "0", "--", "*", "*", a->s2, a->a2, "" },
		{ "ACCEPT", "0", "--", "*", "*", a->s2, a->a1, "" },
		{ "ACCEPT", "0", "--", "*", "*", a->a1, a->s2, "" },
		{ "ACCEPT", "0", "--", "*", "*", a->a4, a->s4, "" },
	};

	h = topen(CFG);
	build_go_ruleset(h, a);
	stats_are(h, CFG, CH, want, 5);
	iptables_free(h);
}
END_TEST

START_TEST(test_stats_rich)
{
	bool six = CFG->proto == IPTABLES_IPV6;
	const struct addrs *a = A(CFG);
	iptables *h;
	char notsrc[64];
	const struct srow want[] = {
		{ "ACCEPT", "6", "--", "eth+", "*", a->s1, a->a1, "tcp dpt:22 /* a b */" },
		{ "", "17", "--", "*", "*", notsrc, a->any, "" },
		{ "LOG", "0", "--", "*", "*", a->a4, a->s2,
		  "LOG flags 0 level 4 prefix \"x y: \"" },
		{ CH "2", "0", "--", "*", "lo", a->any, a->any, "" },
		{ "DROP", six ? "58" : "1", "--", "*", "*", a->any, a->any,
		  six ? "ipv6-icmptype 128" : "icmptype 8" },
	};

	snprintf(notsrc, sizeof(notsrc), "!%s", a->s2);
	h = topen(CFG);
	ck_rc(h, iptables_new_chain(h, "filter", CH), 0);
	ck_rc(h, iptables_new_chain(h, "filter", CH "2"), 0);
	ck_rc(h, iptables_append(h, "filter", CH,
				 IPTABLES_SPEC("-s", a->s1, "-d", a->a1, "-i", "eth+", "-p", "tcp",
					       "--dport", "22", "-m", "comment", "--comment",
					       "a b", "-j", "ACCEPT")), 0);
	ck_rc(h, iptables_append(h, "filter", CH, IPTABLES_SPEC("!", "-s", a->s2, "-p", "udp")),
	      0);
	ck_rc(h, iptables_append(h, "filter", CH,
				 IPTABLES_SPEC("-s", a->a4, "-d", a->s2, "-j", "LOG",
					       "--log-prefix", "x y: ")), 0);
	ck_rc(h, iptables_append(h, "filter", CH, IPTABLES_SPEC("-o", "lo", "-j", CH "2")), 0);
	if (six)
		ck_rc(h, iptables_append(h, "filter", CH,
					 IPTABLES_SPEC("-p", "ipv6-icmp", "--icmpv6-type",
						       "echo-request", "-j", "DROP")), 0);
	else
		ck_rc(h, iptables_append(h, "filter", CH,
					 IPTABLES_SPEC("-p", "icmp", "--icmp-type", "8", "-j",
						       "DROP")), 0);
	ck_oracle(h, CFG, "filter", CH, false);
	stats_are(h, CFG, CH, want, 5);
	iptables_free(h);
}
END_TEST

START_TEST(test_stats_fragment)
{
	iptables *h;
	const struct srow want[] = {
		{ "DROP", "1", "-f", "*", "*", "10.0.0.0/8", "0.0.0.0/0", "icmptype 8" },
		{ "", "0", "!f", "*", "*", "0.0.0.0/0", "0.0.0.0/0", "" },
	};

	h = topen(CFG);
	ck_rc(h, iptables_append(h, "filter", "INPUT",
				 IPTABLES_SPEC("-f", "-s", "10.0.0.0/8", "-p", "icmp",
					       "--icmp-type", "8", "-j", "DROP")), 0);
	ck_rc(h, iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("!", "-f")), 0);
	ck_oracle(h, CFG, "filter", "INPUT", false);
	stats_are(h, CFG, "INPUT", want, 2);
	iptables_free(h);
}
END_TEST

START_TEST(test_stats_empty_and_absent)
{
	struct iptables_stat *st = NULL;
	iptables *h;
	size_t n = 99;

	h = topen(CFG);
	ck_rc(h, iptables_stats(h, "filter", "INPUT", &st, &n), 0);
	ck_assert_uint_eq(n, 0);
	iptables_stats_free(st, n);
	ck_rc(h, iptables_stats(h, "filter", "NOCHAIN", &st, &n), IPTABLES_ENOTFOUND);
	iptables_free(h);
}
END_TEST

Suite *tsuite(void)
{
	Suite *s = suite_create("rules");
	TCase *tc = tcase_create("lifecycle");
	TCase *v4 = tcase_create("ipv4-only");
	size_t i;

	tcase_add_checked_fixture(tc, tns_enter, NULL);
	tcase_set_timeout(tc, ttimeout(60));
	tcase_add_loop_test(tc, test_go_rules, 0, (int)n_tcfgs);
	tcase_add_loop_test(tc, test_exists_and_delete, 0, (int)n_tcfgs);
	tcase_add_loop_test(tc, test_cli_interop, 0, (int)n_tcfgs);
	tcase_add_loop_test(tc, test_stats_go, 0, (int)n_tcfgs);
	tcase_add_loop_test(tc, test_stats_rich, 0, (int)n_tcfgs);
	tcase_add_loop_test(tc, test_stats_empty_and_absent, 0, (int)n_tcfgs);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(v4, tns_enter, NULL);
	tcase_set_timeout(v4, ttimeout(60));
	for (i = 0; i < n_tcfgs; i++)
		if (tcfgs[i].proto == IPTABLES_IPV4)
			tcase_add_loop_test(v4, test_stats_fragment, (int)i, (int)i + 1);
	suite_add_tcase(s, v4);
	return s;
}
