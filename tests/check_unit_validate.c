/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lib/validate.c: the argument checks every call passes before a backend runs. No root. */
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "harness.h"

static struct ic_err e;
static struct ic_ctx cx;

static void ctx_reset(void)
{
	memset(&e, 0, sizeof(e));
	cx = (struct ic_ctx){ .proto = IPTABLES_IPV4, .ver_major = 1, .ver_minor = 8,
			      .ver_patch = 9, .mode = "legacy", .err = &e };
}

/* @rc is EINVAL and the message holds @says. */
static void refused(int rc, const char *says)
{
	ck_assert_int_eq(rc, IPTABLES_EINVAL);
	ck_assert_msg(strstr(e.msg, says), "message `%s' lacks `%s'", e.msg, says);
}

START_TEST(good_names_pass)
{
	ck_assert_int_eq(ic_check_table(&cx, "filter"), 0);
	ck_assert_int_eq(ic_check_table(&cx, "0123456789012345678901234567890"), 0);
	ck_assert_int_eq(ic_check_chain(&cx, "INPUT"), 0);
	ck_assert_int_eq(ic_check_chain(&cx, "a-chain_of.28.characters.xyz"), 0);
	ck_assert_int_eq(ic_check_word(&cx, "--comment"), 0);
	ck_assert_int_eq(ic_check_spec(&cx, (const char *const[]){ "-j", "ACCEPT", NULL }), 0);
	ck_assert_int_eq(ic_check_spec(&cx, (const char *const[]){ NULL }), 0);
	ck_assert_int_eq(e.code, 0);
}
END_TEST

START_TEST(table_names)
{
	refused(ic_check_table(&cx, NULL), "NULL table name");
	refused(ic_check_table(&cx, ""), "empty table name is not allowed");
	refused(ic_check_table(&cx, "01234567890123456789012345678901"),
		"too long (must be under 32 chars)");
	refused(ic_check_table(&cx, "fil ter"), "Invalid table name `fil ter'");
	refused(ic_check_table(&cx, "fil\tter"), "Invalid table name");
}
END_TEST

START_TEST(chain_names)
{
	refused(ic_check_chain(&cx, NULL), "NULL chain name");
	refused(ic_check_chain(&cx, ""), "empty chain name is not allowed");
	refused(ic_check_chain(&cx, "-X"), "chain name not allowed to start with `-'");
	refused(ic_check_chain(&cx, "!X"), "chain name not allowed to start with `!'");
	refused(ic_check_chain(&cx, "a-chain-name-longer-than-28-c"),
		"too long (must be under 29 chars)");
	refused(ic_check_chain(&cx, "my chain"), "Invalid chain name `my chain'");
	refused(ic_check_chain(&cx, "\xff\xfe"), "Invalid chain name");
}
END_TEST

/* A line break would end iptables-restore's line: refused in every word. */
START_TEST(words_and_specs)
{
	refused(ic_check_word(&cx, NULL), "NULL argument");
	refused(ic_check_word(&cx, "a\nb"), "holds a line break");
	refused(ic_check_word(&cx, "a\rb"), "holds a line break");
	refused(ic_check_spec(&cx, NULL), "NULL rulespec");
	refused(ic_check_spec(&cx, (const char *const[]){ "-m", "comment", "--comment", "x\ny",
							  NULL }),
		"argument `x\ny' holds a line break");
}
END_TEST

START_TEST(overlong_spec)
{
	const char **spec = calloc(IC_SPEC_MAXWORDS + 2, sizeof(*spec));

	ck_assert_ptr_nonnull(spec);
	for (int i = 0; i < IC_SPEC_MAXWORDS; i++)
		spec[i] = "-v";
	ck_assert_int_eq(ic_check_spec(&cx, spec), 0);
	spec[IC_SPEC_MAXWORDS] = "-v";
	refused(ic_check_spec(&cx, spec), "rulespec too long (more than 4096 words)");
	free(spec);
}
END_TEST

/* Refusals read as iptables' own parameter problems. */
START_TEST(wording_is_iptables)
{
	cx.proto = IPTABLES_IPV6;
	ic_check_chain(&cx, "");
	ck_assert_str_eq(e.msg, "ip6tables v1.8.9 (legacy): empty chain name is not allowed\n"
				"Try `ip6tables -h' or 'ip6tables --help' for more information.");
}
END_TEST

START_TEST(lockfile_choice)
{
	char *p;

	p = ic_resolve_lockfile("/tmp/mine.lock");
	ck_assert_str_eq(p, "/tmp/mine.lock");
	free(p);
	setenv("XTABLES_LOCKFILE", "/tmp/env.lock", 1);
	p = ic_resolve_lockfile(NULL);
	ck_assert_str_eq(p, "/tmp/env.lock");
	free(p);
	p = ic_resolve_lockfile("");
	ck_assert_str_eq(p, "/tmp/env.lock");
	free(p);
	setenv("XTABLES_LOCKFILE", "", 1);
	p = ic_resolve_lockfile(NULL);
	ck_assert_str_eq(p, "/run/xtables.lock");
	free(p);
	unsetenv("XTABLES_LOCKFILE");
	p = ic_resolve_lockfile(NULL);
	ck_assert_str_eq(p, "/run/xtables.lock");
	free(p);
}
END_TEST

Suite *tsuite(void)
{
	Suite *s = suite_create("unit_validate");
	TCase *tc = tcase_create("checks");

	tcase_add_checked_fixture(tc, ctx_reset, NULL);
	tcase_add_test(tc, good_names_pass);
	tcase_add_test(tc, table_names);
	tcase_add_test(tc, chain_names);
	tcase_add_test(tc, words_and_specs);
	tcase_add_test(tc, overlong_spec);
	tcase_add_test(tc, wording_is_iptables);
	tcase_add_test(tc, lockfile_choice);
	suite_add_tcase(s, tc);
	return s;
}
