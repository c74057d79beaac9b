/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lib/xt/xt_family.c's fast path for one numeric address (ic_xt_simple_addr4/6): for every
 * form it takes, the same address and mask as libxtables' xtables_ip[6]parse_multiple, which
 * iptables uses; every other form is left to libxtables. No root.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xtables.h>

#include "harness.h"
#include "xt/xt_family.h"

static void same4(const char *spec)
{
	struct in_addr a, m, *la, *lm;
	unsigned int n;

	ck_assert_msg(ic_xt_simple_addr4(spec, &a, &m), "`%s' not taken", spec);
	xtables_ipparse_multiple(spec, &la, &lm, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_msg(a.s_addr == la->s_addr && m.s_addr == lm->s_addr,
		      "`%s': %08x/%08x, libxtables %08x/%08x", spec, ntohl(a.s_addr),
		      ntohl(m.s_addr), ntohl(la->s_addr), ntohl(lm->s_addr));
	free(la);
	free(lm);
}

static void same6(const char *spec)
{
	struct in6_addr a, m, *la, *lm;
	unsigned int n;

	ck_assert_msg(ic_xt_simple_addr6(spec, &a, &m), "`%s' not taken", spec);
	xtables_ip6parse_multiple(spec, &la, &lm, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_msg(!memcmp(&a, la, sizeof(a)) && !memcmp(&m, lm, sizeof(m)),
		      "`%s' differs from libxtables", spec);
	free(la);
	free(lm);
}

START_TEST(simple_ipv4_as_libxtables)
{
	static const char *const ok[] = {
		"0.0.0.0", "255.255.255.255", "10.1.2.3", "10.1.2.3/32", "10.1.2.3/24",
		"10.1.2.3/0", "192.168.0.1/1", "1.2.3.4/31", "100.200.10.0/8", "0.0.0.0/0",
	};
	static const char *const left[] = {
		"10.1.2.3,10.1.2.4", "host.example", "10.1.2", "010.1.2.3", "10.1.2.3/024",
		"10.1.2.3/255.255.255.0", "10.1.2.3/33", "256.1.2.3", "10.1.2.3/", " 10.1.2.3",
		"10..2.3", "10.1.2.3.4", "1.2.3.4/-1", "", "10.1.2.3/8/8", "0x0a.1.2.3",
	};
	char buf[32];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		same4(ok[i]);
	for (unsigned bits = 0; bits <= 32; bits++) {
		snprintf(buf, sizeof(buf), "203.0.113.%u/%u", 77 + bits, bits);
		same4(buf);
	}
	srandom(4);
	for (int i = 0; i < 2000; i++) {
		snprintf(buf, sizeof(buf), "%ld.%ld.%ld.%ld/%ld", random() % 256, random() % 256,
			 random() % 256, random() % 256, random() % 33);
		same4(buf);
	}
	for (size_t i = 0; i < sizeof(left) / sizeof(left[0]); i++) {
		struct in_addr a, m;

		ck_assert_msg(!ic_xt_simple_addr4(left[i], &a, &m), "`%s' taken", left[i]);
	}
}
END_TEST

START_TEST(simple_ipv6_as_libxtables)
{
	static const char *const ok[] = {
		"::", "::1", "2001:db8::1", "2001:db8::1/128", "2001:db8::1/64", "2001:db8::1/0",
		"fe80::1:2:3:4/10", "::ffff:10.1.2.3", "2001:db8:0:0:0:0:0:1/127", "ff02::2/8",
	};
	static const char *const left[] = {
		"2001:db8::1,2001:db8::2", "host.example", "2001:db8::1/129", "2001:db8::1/064",
		"2001:db8::1/ffff::", "2001:db8::1/", "2001:db8:::1", "", " ::1", "::1/8/8",
	};
	char buf[64];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		same6(ok[i]);
	for (unsigned bits = 0; bits <= 128; bits++) {
		snprintf(buf, sizeof(buf), "2001:db8:%x:ffff:ffff:ffff:ffff:ffff/%u", bits, bits);
		same6(buf);
	}
	for (size_t i = 0; i < sizeof(left) / sizeof(left[0]); i++) {
		struct in6_addr a, m;

		ck_assert_msg(!ic_xt_simple_addr6(left[i], &a, &m), "`%s' taken", left[i]);
	}
}
END_TEST

Suite *tsuite(void)
{
	Suite *s = suite_create("unit_addr");
	TCase *tc = tcase_create("addr");

	tcase_set_timeout(tc, ttimeout(60));
	tcase_add_test(tc, simple_ipv4_as_libxtables);
	tcase_add_test(tc, simple_ipv6_as_libxtables);
	suite_add_tcase(s, tc);
	return s;
}
