/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Parser and printer together, kernel untouched: the `iptables -S` lines ic_canonical_rule
 * computes in-process through libxtables for a rulespec, and its errors. No root (libxtables
 * assumes the newest extension revisions when it may not ask the kernel).
 */
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "harness.h"

#define W(...) ((const char *const[]){ __VA_ARGS__, NULL })

struct canon_case {
	enum iptables_proto proto;
	const char *table, *chain;
	const char *const *spec;
	const char *want;		/* the lines, '\n'-joined */
};

static const struct canon_case cases[] = {
	{ IPTABLES_IPV4, "filter", "INPUT", W("-p", "tcp", "--dport", "22", "-j", "ACCEPT"),
	  "-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT" },
	{ IPTABLES_IPV4, "filter", "INPUT", W("-s", "10.0.0.1,10.0.0.0/8", "-j", "DROP"),
	  "-A INPUT -s 10.0.0.1/32 -j DROP\n-A INPUT -s 10.0.0.0/8 -j DROP" },
	{ IPTABLES_IPV4, "filter", "FORWARD", W("!", "-i", "eth0", "-o", "eth1", "-j", "RETURN"),
	  "-A FORWARD ! -i eth0 -o eth1 -j RETURN" },
	{ IPTABLES_IPV4, "filter", "INPUT",
	  W("-m", "comment", "--comment", "ssh in", "-j", "ACCEPT"),
	  "-A INPUT -m comment --comment \"ssh in\" -j ACCEPT" },
	/* no ruleset to ask: a target that is no extension is a user chain */
	{ IPTABLES_IPV4, "filter", "OUTPUT", W("-d", "192.0.2.0/24", "-j", "MYCHAIN"),
	  "-A OUTPUT -d 192.0.2.0/24 -j MYCHAIN" },
	{ IPTABLES_IPV4, "nat", "PREROUTING",
	  W("-p", "tcp", "--dport", "80", "-j", "DNAT", "--to-destination", "10.0.0.1:8080"),
	  "-A PREROUTING -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.0.1:8080" },
	{ IPTABLES_IPV6, "filter", "INPUT",
	  W("-s", "2001:db8::1", "-p", "udp", "--sport", "53", "-j", "ACCEPT"),
	  "-A INPUT -s 2001:db8::1/128 -p udp -m udp --sport 53 -j ACCEPT" },
	{ IPTABLES_IPV6, "mangle", "PREROUTING", W("-p", "ipv6-icmp", "-j", "MARK",
						       "--set-mark", "1"),
	  "-A PREROUTING -p ipv6-icmp -j MARK --set-xmark 0x1/0xffffffff" },
};

static struct ic_err e;
static struct ic_ctx cx;

static void ctx_reset(void)
{
	memset(&e, 0, sizeof(e));
	cx = (struct ic_ctx){ .proto = IPTABLES_IPV4, .ver_major = 1, .ver_minor = 8,
			      .ver_patch = 9, .mode = "legacy", .err = &e };
}

START_TEST(canonical_lines)
{
	const struct canon_case *c = &cases[_i];
	struct ic_strv out = { 0 };
	char *got;
	int rc;

	cx.proto = c->proto;
	rc = ic_canonical_rule(&cx, c->table, c->chain, c->spec, &out);
	ck_assert_msg(rc == 0, "case %d: rc %d: %s", _i, rc, e.msg);
	got = tjoin(out.v, out.n);
	ck_assert_str_eq(got, c->want);
	free(got);
	ic_strv_clear(&out);
}
END_TEST

/* Refused words come back as EINVAL with iptables' message, and nothing listed. */
static void refused(enum iptables_proto proto, const char *const *spec, const char *says)
{
	struct ic_strv out = { 0 };
	int rc;

	cx.proto = proto;
	rc = ic_canonical_rule(&cx, "filter", "INPUT", spec, &out);
	ck_assert_int_eq(rc, IPTABLES_EINVAL);
	ck_assert_uint_eq(out.n, 0);
	ck_assert_msg(strstr(e.msg, says), "message `%s' lacks `%s'", e.msg, says);
	ic_strv_clear(&out);
}

START_TEST(unknown_option)
{
	refused(IPTABLES_IPV4, W("--dport", "22", "-j", "ACCEPT"), "unknown option \"--dport\"");
}
END_TEST

START_TEST(bad_port)
{
	refused(IPTABLES_IPV4, W("-p", "tcp", "--dport", "70000", "-j", "ACCEPT"),
		"invalid port/service `70000' specified");
}
END_TEST

START_TEST(missing_argument)
{
	refused(IPTABLES_IPV6, W("-p", "tcp", "-j"), "requires an argument");
}
END_TEST

/* The lines add to what the vector already holds. */
START_TEST(appends_to_out)
{
	struct ic_strv out = { 0 };

	ck_assert_int_eq(ic_strv_push(&out, "-N C"), 0);
	ck_assert_int_eq(ic_canonical_rule(&cx, "filter", "C", W("-j", "ACCEPT"), &out), 0);
	ck_assert_int_eq(ic_canonical_rule(&cx, "filter", "C", W("-j", "DROP"), &out), 0);
	ck_assert_uint_eq(out.n, 3);
	ck_assert_str_eq(out.v[0], "-N C");
	ck_assert_str_eq(out.v[1], "-A C -j ACCEPT");
	ck_assert_str_eq(out.v[2], "-A C -j DROP");
	ic_strv_clear(&out);
}
END_TEST

Suite *tsuite(void)
{
	Suite *s = suite_create("unit_canon");
	TCase *tc = tcase_create("canonical");

	tcase_add_checked_fixture(tc, ctx_reset, NULL);
	tcase_add_loop_test(tc, canonical_lines, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, unknown_option);
	tcase_add_test(tc, bad_port);
	tcase_add_test(tc, missing_argument);
	tcase_add_test(tc, appends_to_out);
	suite_add_tcase(s, tc);
	return s;
}
