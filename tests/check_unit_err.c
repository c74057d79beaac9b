/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lib/err.c and ic_param_error: the error sink, capture/restore, prefixes. No root. */
#include <string.h>

#include "backend.h"
#include "harness.h"

static struct ic_err e;

/* Every test starts from a sink with nothing in it. */
static void sink_reset(void)
{
	memset(&e, 0, sizeof(e));
}

START_TEST(set_records_code_and_message)
{
	ck_assert_int_eq(ic_err_set(&e, IPTABLES_EINVAL, "bad %s #%d", "thing", 3),
			 IPTABLES_EINVAL);
	ck_assert_int_eq(e.code, IPTABLES_EINVAL);
	ck_assert_int_eq(e.exit_status, 0);
	ck_assert_str_eq(e.msg, "bad thing #3");
}
END_TEST

START_TEST(set_drops_trailing_newlines)
{
	ic_err_set(&e, IPTABLES_EEXEC, "iptables: No chain/target/match by that name.\n\n");
	ck_assert_str_eq(e.msg, "iptables: No chain/target/match by that name.");
	ic_err_set(&e, IPTABLES_EEXEC, "two\nlines\n");
	ck_assert_str_eq(e.msg, "two\nlines");
}
END_TEST

START_TEST(set_replaces_an_earlier_failure)
{
	ic_err_set_exit(&e, IPTABLES_EEXEC, 4, "first");
	ic_err_set(&e, IPTABLES_ENOTFOUND, "second");
	ck_assert_int_eq(e.code, IPTABLES_ENOTFOUND);
	ck_assert_int_eq(e.exit_status, 0);
	ck_assert_str_eq(e.msg, "second");
}
END_TEST

START_TEST(overlong_message_is_cut)
{
	char big[3 * IC_ERRMSG_MAX];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ic_err_set(&e, IPTABLES_EINVAL, "%s", big);
	ck_assert_uint_eq(strlen(e.msg), IC_ERRMSG_MAX - 1);
}
END_TEST

START_TEST(set_exit_takes_the_text_as_it_is)
{
	ck_assert_int_eq(ic_err_set_exit(&e, IPTABLES_EEXEC, 2, "100% %s %d"), IPTABLES_EEXEC);
	ck_assert_str_eq(e.msg, "100% %s %d");
	ck_assert_int_eq(e.exit_status, 2);
	ic_err_set_exit(&e, IPTABLES_EEXEC, 1, NULL);
	ck_assert_str_eq(e.msg, "");
	ck_assert_int_eq(e.exit_status, 1);
}
END_TEST

START_TEST(no_sink_still_returns_the_code)
{
	ck_assert_int_eq(ic_err_set(NULL, IPTABLES_EINVAL, "x"), IPTABLES_EINVAL);
	ck_assert_int_eq(ic_err_set_exit(NULL, IPTABLES_EEXEC, 3, "x"), IPTABLES_EEXEC);
	ck_assert_int_eq(ic_err_nomem(NULL, "iptables"), IPTABLES_ENOMEM);
	ic_err_prefix(NULL, "table %s: ", "nat");
}
END_TEST

START_TEST(nomem_is_one_message)
{
	ck_assert_int_eq(ic_err_nomem(&e, "ip6tables"), IPTABLES_ENOMEM);
	ck_assert_int_eq(e.code, IPTABLES_ENOMEM);
	ck_assert_str_eq(e.msg, "ip6tables: out of memory");
	ic_err_nomem(&e, NULL);
	ck_assert_str_eq(e.msg, "iptables: out of memory");
}
END_TEST

/* A failure survives clean-up work that fails on its own. */
START_TEST(capture_and_restore)
{
	struct ic_err saved;

	ic_err_set_exit(&e, IPTABLES_EEXEC, 4, "iptables-restore: line 3 failed");
	ic_err_capture(&saved, &e);
	ic_err_set(&e, IPTABLES_ESYS, "undo failed too");
	ck_assert_str_eq(e.msg, "undo failed too");
	ic_err_restore(&e, &saved);
	ck_assert_int_eq(e.code, IPTABLES_EEXEC);
	ck_assert_int_eq(e.exit_status, 4);
	ck_assert_str_eq(e.msg, "iptables-restore: line 3 failed");
}
END_TEST

START_TEST(prefix_goes_in_front)
{
	ic_err_set(&e, IPTABLES_EINVAL, "Chain 'X' does not exist");
	ic_err_prefix(&e, "table %s: ", "nat");
	ck_assert_str_eq(e.msg, "table nat: Chain 'X' does not exist");
	ck_assert_int_eq(e.code, IPTABLES_EINVAL);
	memset(&e, 0, sizeof(e));
	ic_err_prefix(&e, "table %s: ", "raw");
	ck_assert_str_eq(e.msg, "table raw: ");
}
END_TEST

/* A full sink keeps the whole prefix and loses the message's tail. */
START_TEST(prefix_on_a_full_message_cuts_the_tail)
{
	char big[IC_ERRMSG_MAX];

	memset(big, 'm', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ic_err_set(&e, IPTABLES_EINVAL, "%s", big);
	ic_err_prefix(&e, "table %s: ", "filter");
	ck_assert_uint_eq(strlen(e.msg), IC_ERRMSG_MAX - 1);
	ck_assert_int_eq(strncmp(e.msg, "table filter: mmm", 17), 0);
	ck_assert_int_eq(e.msg[IC_ERRMSG_MAX - 2], 'm');
}
END_TEST

START_TEST(param_error_reads_like_iptables)
{
	struct ic_ctx cx = { .proto = IPTABLES_IPV6, .ver_major = 1, .ver_minor = 8,
			     .ver_patch = 9, .mode = "nf_tables", .err = &e };

	ck_assert_int_eq(ic_param_error(&cx, "Invalid rule number `%d'", 0), IPTABLES_EINVAL);
	ck_assert_str_eq(e.msg, "ip6tables v1.8.9 (nf_tables): Invalid rule number `0'\n"
				"Try `ip6tables -h' or 'ip6tables --help' for more information.");
	/* no mode yet (before open): legacy's wording */
	cx.proto = IPTABLES_IPV4;
	cx.mode[0] = '\0';
	ic_param_error(&cx, "x");
	ck_assert_str_eq(e.msg, "iptables v1.8.9 (legacy): x\n"
				"Try `iptables -h' or 'iptables --help' for more information.");
}
END_TEST

Suite *tsuite(void)
{
	Suite *s = suite_create("unit_err");
	TCase *tc = tcase_create("sink");

	tcase_add_checked_fixture(tc, sink_reset, NULL);
	tcase_add_test(tc, set_records_code_and_message);
	tcase_add_test(tc, set_drops_trailing_newlines);
	tcase_add_test(tc, set_replaces_an_earlier_failure);
	tcase_add_test(tc, overlong_message_is_cut);
	tcase_add_test(tc, set_exit_takes_the_text_as_it_is);
	tcase_add_test(tc, no_sink_still_returns_the_code);
	tcase_add_test(tc, nomem_is_one_message);
	tcase_add_test(tc, capture_and_restore);
	tcase_add_test(tc, prefix_goes_in_front);
	tcase_add_test(tc, prefix_on_a_full_message_cuts_the_tail);
	tcase_add_test(tc, param_error_reads_like_iptables);
	suite_add_tcase(s, tc);
	return s;
}
