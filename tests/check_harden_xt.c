/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hardening of the in-process layers (issue 13): what libiptc cannot represent, extensions
 * that exit, out of memory inside libxtables, and iptables' warnings in our messages.
 * The process must never crash or exit; every case comes back as a code.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* ---- 1. rules larger than an x_tables entry can be ---- */

/* The backends whose rules are x_tables entries: libiptc, exec on iptables-legacy (whose
 * binary crashes on such a rule), and memory (which answers as libiptc). */
static const struct tcfg legacy_cfgs[] = {
	{ "libiptc-v4", IPTABLES_BACKEND_LIBIPTC, IPTABLES_IPV4, NULL, "iptables-legacy" },
	{ "libiptc-v6", IPTABLES_BACKEND_LIBIPTC, IPTABLES_IPV6, NULL, "ip6tables-legacy" },
	{ "exec-legacy-v4", IPTABLES_BACKEND_EXEC, IPTABLES_IPV4, "iptables-legacy", "iptables-legacy" },
	{ "exec-legacy-v6", IPTABLES_BACKEND_EXEC, IPTABLES_IPV6, "ip6tables-legacy", "ip6tables-legacy" },
	{ "memory-v4", IPTABLES_BACKEND_MEMORY, IPTABLES_IPV4, NULL, NULL },
	{ "memory-v6", IPTABLES_BACKEND_MEMORY, IPTABLES_IPV6, NULL, NULL },
};
#define N_LEGACY (sizeof(legacy_cfgs) / sizeof(legacy_cfgs[0]))

/*
 * `-m comment --comment <255 chars>` x @n, then -j ACCEPT. An entry is the head (112 bytes
 * for IPv4, 168 for IPv6), 288 bytes per comment match (32-byte header + 256 of data) and
 * the 40-byte standard target; target_offset and next_offset are 16 bits, so IPv4 holds
 * 227 comments (65,528 bytes) and not 228 (65,816), IPv6 226 (65,296) and not 227 (65,584).
 */
static const char **comments_spec(int n)
{
	static char text[256];
	const char **w = calloc((size_t)n * 4 + 3, sizeof(char *));
	int i, k = 0;

	memset(text, 'x', 255);
	for (i = 0; i < n; i++) {
		w[k++] = "-m";
		w[k++] = "comment";
		w[k++] = "--comment";
		w[k++] = text;
	}
	w[k++] = "-j";
	w[k++] = "ACCEPT";
	return w;
}

static int max_comments(const struct tcfg *c)
{
	return c->proto == IPTABLES_IPV6 ? 226 : 227;
}

#define ck_too_large(h, rc)                                                                 \
	do {                                                                                \
		ck_rc(h, rc, IPTABLES_EINVAL);                                              \
		ck_assert_msg(strstr(iptables_errmsg(h), "rule too large"), "%s: %s",       \
			      #rc, iptables_errmsg(h));                                     \
	} while (0)

START_TEST(entry_too_large_refused)
{
	const struct tcfg *c = &legacy_cfgs[_i];
	const char **big = comments_spec(max_comments(c) + 1);
	const char *const *specs[1] = { big };
	const char *const ok[] = { "-j", "ACCEPT", NULL };
	iptables *h;

	if (c->backend != IPTABLES_BACKEND_MEMORY)
		tns_enter();
	h = topen(c);
	ck_rc(h, iptables_append(h, "filter", "INPUT", ok), 0);
	ck_too_large(h, iptables_append(h, "filter", "INPUT", big));
	ck_too_large(h, iptables_append_unique(h, "filter", "INPUT", big));
	ck_too_large(h, iptables_insert(h, "filter", "INPUT", 1, big));
	ck_too_large(h, iptables_insert_unique(h, "filter", "INPUT", 1, big));
	ck_too_large(h, iptables_replace(h, "filter", "INPUT", 1, big));
	ck_too_large(h, iptables_exists(h, "filter", "INPUT", big));
	ck_too_large(h, iptables_delete(h, "filter", "INPUT", big));
	ck_too_large(h, iptables_delete_if_exists(h, "filter", "INPUT", big));
	ck_too_large(h, iptables_sync_chain(h, "filter", "INPUT", specs, 1));
	ck_assert_uint_eq(trule_count(h, "INPUT"), 1);

	/* in a transaction: each op is refused when logged, and the commit lands nothing */
	for (int k = 0; k < 5; k++) {
		ck_rc(h, iptables_begin(h), 0);
		ck_rc(h, iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "DROP")), 0);
		switch (k) {
		case 0:
			ck_too_large(h, iptables_append(h, "filter", "INPUT", big));
			break;
		case 1:
			ck_too_large(h, iptables_insert(h, "filter", "INPUT", 1, big));
			break;
		case 2:
			ck_too_large(h, iptables_delete(h, "filter", "INPUT", big));
			break;
		case 3:
			ck_too_large(h, iptables_replace(h, "filter", "INPUT", 1, big));
			break;
		case 4:
			ck_too_large(h, iptables_sync_chain(h, "filter", "INPUT", specs, 1));
			break;
		}
		ck_assert_int_lt(iptables_commit(h), 0);
		ck_assert_uint_eq(trule_count(h, "INPUT"), 1);
	}
	ck_rc(h, iptables_exists(h, "filter", "INPUT", ok), 1);
	iptables_free(h);
	free(big);
}
END_TEST

/* The largest rule an entry can hold still works, and reads back as iptables-legacy's. */
START_TEST(entry_at_limit_accepted)
{
	const struct tcfg *c = &legacy_cfgs[_i];
	const char **fits = comments_spec(max_comments(c));
	iptables *h;
	char **lines;
	size_t n;

	if (c->backend != IPTABLES_BACKEND_MEMORY)
		tns_enter();
	h = topen(c);
	ck_rc(h, iptables_append(h, "filter", "INPUT", fits), 0);
	ck_rc(h, iptables_exists(h, "filter", "INPUT", fits), 1);
	ck_rc(h, iptables_begin(h), 0);
	ck_rc(h, iptables_insert(h, "filter", "INPUT", 1, fits), 0);
	ck_rc(h, iptables_commit(h), 0);
	ck_assert_uint_eq(trule_count(h, "INPUT"), 2);
	if (c->cli)
		ck_oracle(h, c, "filter", "INPUT", false);
	ck_rc(h, iptables_list(h, "filter", "INPUT", &lines, &n), 0);
	ck_assert_uint_eq(n, 3);
	iptables_strv_free(lines, n);
	ck_rc(h, iptables_delete(h, "filter", "INPUT", fits), 0);
	ck_assert_uint_eq(trule_count(h, "INPUT"), 1);
	iptables_free(h);
	free(fits);
}
END_TEST

Suite *tsuite(void)
{
	Suite *s = suite_create("harden_xt");
	TCase *tc = tcase_create("entry_size");

	tcase_set_timeout(tc, ttimeout(120));
	tcase_add_loop_test(tc, entry_too_large_refused, 0, N_LEGACY);
	tcase_add_loop_test(tc, entry_at_limit_accepted, 0, N_LEGACY);
	suite_add_tcase(s, tc);
	return s;
}
