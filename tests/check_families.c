/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The libiptc backend with IPv4 and IPv6 handles used alternately in one process: the
 * family-specific extensions (MASQUERADE, TCPMSS, REJECT, SNAT, ...) must resolve for both,
 * in any order. Each listing must equal the oracle's -S of the same rule added by the CLI. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"

struct item {
	int fam;		/* 4 or 6 */
	const char *table, *chain;
	const char *spec[16];
};

static const struct item items[] = {
	{ 4, "nat", "POSTROUTING", { "-o", "eth0", "-j", "MASQUERADE" } },
	{ 6, "nat", "POSTROUTING", { "-o", "eth0", "-j", "MASQUERADE" } },
	{ 4, "mangle", "FORWARD", { "-p", "tcp", "--tcp-flags", "SYN,RST", "SYN", "-j", "TCPMSS",
				    "--clamp-mss-to-pmtu" } },
	{ 6, "mangle", "FORWARD", { "-p", "tcp", "--tcp-flags", "SYN,RST", "SYN", "-j", "TCPMSS",
				    "--clamp-mss-to-pmtu" } },
	{ 4, "filter", "INPUT", { "-j", "LOG", "--log-prefix", "v4 drop: " } },
	{ 6, "filter", "INPUT", { "-j", "LOG", "--log-prefix", "v6 drop: ", "--log-level",
				  "warning" } },
	{ 4, "filter", "INPUT", { "-p", "tcp", "-j", "REJECT", "--reject-with",
				  "icmp-host-prohibited" } },
	{ 6, "filter", "INPUT", { "-p", "tcp", "-j", "REJECT", "--reject-with",
				  "icmp6-adm-prohibited" } },
	{ 4, "filter", "FORWARD", { "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j",
				    "ACCEPT" } },
	{ 6, "filter", "FORWARD", { "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j",
				    "ACCEPT" } },
	{ 4, "filter", "INPUT", { "-p", "icmp", "--icmp-type", "echo-request", "-j", "ACCEPT" } },
	{ 6, "filter", "INPUT", { "-p", "ipv6-icmp", "--icmpv6-type", "echo-request", "-j",
				  "ACCEPT" } },
	{ 4, "nat", "PREROUTING", { "-p", "tcp", "--dport", "80", "-j", "DNAT",
				    "--to-destination", "192.0.2.10:8080" } },
	{ 6, "nat", "PREROUTING", { "-p", "tcp", "--dport", "80", "-j", "DNAT",
				    "--to-destination", "[2001:db8::10]:8080" } },
	{ 4, "nat", "POSTROUTING", { "-s", "10.0.0.0/8", "-j", "SNAT", "--to-source",
				     "192.0.2.1" } },
	{ 6, "nat", "POSTROUTING", { "-s", "fd00::/8", "-j", "SNAT", "--to-source",
				     "2001:db8::1" } },
	{ 4, "nat", "PREROUTING", { "-p", "udp", "--dport", "53", "-j", "REDIRECT", "--to-ports",
				    "5353" } },
	{ 6, "nat", "PREROUTING", { "-p", "udp", "--dport", "53", "-j", "REDIRECT", "--to-ports",
				    "5353" } },
	{ 4, "mangle", "POSTROUTING", { "-p", "tcp", "-j", "TCPMSS", "--set-mss", "1400",
					"--tcp-flags", "SYN,RST", "SYN" } },
	{ 6, "mangle", "POSTROUTING", { "-p", "tcp", "--tcp-flags", "SYN,RST", "SYN", "-j",
					"TCPMSS", "--set-mss", "1380" } },
};

#define N_ITEMS (sizeof(items) / sizeof(items[0]))

static const struct tcfg *cfg_of(int fam)
{
	size_t i;

	for (i = 0; i < n_tcfgs; i++)
		if (tcfgs[i].backend == IPTABLES_BACKEND_LIBIPTC &&
		    tcfgs[i].proto == (fam == 6 ? IPTABLES_IPV6 : IPTABLES_IPV4))
			return &tcfgs[i];
	ck_abort_msg("no libiptc config for IPv%d", fam);
	return NULL;
}

/* Add with the library, list; flush; add with the CLI; the oracle's -S must equal ours. */
static void check_item(iptables *h4, iptables *h6, const struct item *it)
{
	const struct tcfg *c = cfg_of(it->fam);
	iptables *h = it->fam == 6 ? h6 : h4;
	char *words = tshjoin(it->spec), *ours, *oracle, *err, *again;
	int rc, st;

	rc = iptables_append(h, it->table, it->chain, it->spec);
	ck_assert_msg(rc == 0, "IPv%d -t %s -A %s %s: %d (%s): %s", it->fam, it->table, it->chain,
		      words, rc, iptables_strerror(rc), iptables_errmsg(h));
	ours = tlist(h, it->table, it->chain, false, &rc);
	ck_assert_msg(ours, "IPv%d list %s %s: %d: %s", it->fam, it->table, it->chain, rc,
		      iptables_errmsg(h));
	ck_assert_int_eq(iptables_exists(h, it->table, it->chain, it->spec), 1);
	free(tcli(c, &st, &err, "-t %s -F %s", it->table, it->chain));
	ck_assert_msg(st == 0, "flush: %s", err);
	free(err);
	free(tcli(c, &st, &err, "-t %s -A %s %s", it->table, it->chain, words));
	ck_assert_msg(st == 0, "oracle refused `%s`: %s", words, err);
	free(err);
	oracle = tcli(c, &st, NULL, "-t %s -S %s", it->table, it->chain);
	ck_assert_msg(strcmp(ours, oracle) == 0,
		      "IPv%d -t %s %s `%s`\n--- oracle\n%s\n--- library\n%s", it->fam, it->table,
		      it->chain, words, oracle, ours);
	again = tlist(h, it->table, it->chain, false, &rc);
	ck_assert_msg(again && strcmp(again, oracle) == 0,
		      "IPv%d CLI-added `%s`: library lists\n%s\noracle\n%s", it->fam, words,
		      again ? again : iptables_errmsg(h), oracle);
	rc = iptables_delete(h, it->table, it->chain, it->spec);
	ck_assert_msg(rc == 0, "IPv%d delete of CLI-added `%s`: %d: %s", it->fam, words, rc,
		      iptables_errmsg(h));
	free(words);
	free(ours);
	free(oracle);
	free(again);
}

static void run_order(const size_t *order, size_t n)
{
	iptables *h4, *h6;
	size_t k;

	h4 = topen(cfg_of(4));
	h6 = topen(cfg_of(6));
	for (k = 0; k < n; k++)
		check_item(h4, h6, &items[order[k]]);
	iptables_free(h4);
	iptables_free(h6);
}

START_TEST(test_alternate_v4_first)
{
	size_t order[N_ITEMS], k;

	for (k = 0; k < N_ITEMS; k++)
		order[k] = k;
	run_order(order, N_ITEMS);
}
END_TEST

START_TEST(test_alternate_v6_first)
{
	size_t order[N_ITEMS], k;

	for (k = 0; k < N_ITEMS; k++)
		order[k] = k ^ 1;	/* items come in (v4, v6) pairs */
	run_order(order, N_ITEMS);
}
END_TEST

/* All of one family, then all of the other, then the first again. */
START_TEST(test_blocks)
{
	size_t order[N_ITEMS + N_ITEMS / 2], k, n = 0;
	int first = _i == 0 ? 4 : 6;

	for (k = 0; k < N_ITEMS; k++)
		if (items[k].fam == first)
			order[n++] = k;
	for (k = 0; k < N_ITEMS; k++)
		if (items[k].fam != first)
			order[n++] = k;
	for (k = 0; k < N_ITEMS; k++)
		if (items[k].fam == first)
			order[n++] = k;
	run_order(order, n);
}
END_TEST

/* Two handles of the same family next to handles of the other. */
START_TEST(test_many_handles)
{
	iptables *a4, *b4, *a6, *b6;
	char *s4, *s6;

	a6 = topen(cfg_of(6));
	a4 = topen(cfg_of(4));
	b6 = topen(cfg_of(6));
	b4 = topen(cfg_of(4));
	ck_rc(a6, iptables_append(a6, "nat", "POSTROUTING", IPTABLES_SPEC("-j", "MASQUERADE")), 0);
	ck_rc(a4, iptables_append(a4, "nat", "POSTROUTING", IPTABLES_SPEC("-j", "MASQUERADE")), 0);
	ck_assert_int_eq(iptables_exists(b6, "nat", "POSTROUTING",
					 IPTABLES_SPEC("-j", "MASQUERADE")), 1);
	ck_assert_int_eq(iptables_exists(b4, "nat", "POSTROUTING",
					 IPTABLES_SPEC("-j", "MASQUERADE")), 1);
	iptables_free(a4);
	iptables_free(a6);
	ck_rc(b4, iptables_append(b4, "nat", "POSTROUTING", IPTABLES_SPEC("-j", "SNAT",
									"--to-source",
									"192.0.2.1")), 0);
	ck_rc(b6, iptables_append(b6, "nat", "POSTROUTING", IPTABLES_SPEC("-j", "SNAT",
									"--to-source",
									"2001:db8::1")), 0);
	s4 = tlist(b4, "nat", "POSTROUTING", false, NULL);
	s6 = tlist(b6, "nat", "POSTROUTING", false, NULL);
	ck_assert_str_eq(s4, "-P POSTROUTING ACCEPT\n-A POSTROUTING -j MASQUERADE\n"
			 "-A POSTROUTING -j SNAT --to-source 192.0.2.1");
	ck_assert_str_eq(s6, "-P POSTROUTING ACCEPT\n-A POSTROUTING -j MASQUERADE\n"
			 "-A POSTROUTING -j SNAT --to-source 2001:db8::1");
	ck_oracle(b4, cfg_of(4), "nat", NULL, false);
	ck_oracle(b6, cfg_of(6), "nat", NULL, false);
	free(s4);
	free(s6);
	iptables_free(b4);
	iptables_free(b6);
}
END_TEST

Suite *tsuite(void)
{
	Suite *s = suite_create("families");
	TCase *tc = tcase_create("libiptc-both-families");

	tcase_add_checked_fixture(tc, tns_enter, NULL);
	tcase_set_timeout(tc, ttimeout(60));
	tcase_add_test(tc, test_alternate_v4_first);
	tcase_add_test(tc, test_alternate_v6_first);
	tcase_add_loop_test(tc, test_blocks, 0, 2);
	tcase_add_test(tc, test_many_handles);
	suite_add_tcase(s, tc);
	return s;
}
