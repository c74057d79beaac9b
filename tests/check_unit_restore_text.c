/* SPDX-License-Identifier: GPL-2.0-or-later */
/* restore_text.c: iptables-restore's line and word rules, without root or a kernel. */
#include "harness.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "restore_text.h"
#include "iptables-c.h"

static struct ic_rscript s;
static struct ic_err err;

static int parse(const char *text)
{
	memset(&err, 0, sizeof(err));
	return ic_rscript_parse(text, "iptables-restore", "1.8.9 (legacy)", &s, &err);
}

START_TEST(lines_and_kinds)
{
	ck_assert_int_eq(parse("# c\n\n*filter\n:INPUT DROP [1:2]\n:U - [0:0]\n"
			       "[3:4] -A INPUT -j U\nCOMMIT\n"), 0);
	ck_assert_uint_eq(s.n, 5);
	ck_assert_int_eq(s.v[0].kind, IC_RLINE_TABLE);
	ck_assert_int_eq(s.v[0].line, 3);
	ck_assert_str_eq(s.v[0].name, "filter");
	ck_assert_int_eq(s.v[1].kind, IC_RLINE_CHAIN);
	ck_assert_str_eq(s.v[1].policy, "DROP");
	ck_assert_str_eq(s.v[1].counters, "[1:2]");
	ck_assert_str_eq(s.v[2].policy, "-");
	ck_assert_int_eq(s.v[3].kind, IC_RLINE_COMMAND);
	ck_assert_str_eq(s.v[3].pcnt, "3");
	ck_assert_str_eq(s.v[3].bcnt, "4");
	ck_assert_uint_eq(s.v[3].nwords, 4);
	ck_assert_str_eq(s.v[3].words[3], "U");
	ck_assert_ptr_null(s.v[3].words[4]);
	ck_assert_int_eq(s.v[4].kind, IC_RLINE_COMMIT);
	ic_rscript_free(&s);
}
END_TEST

/* add_param_to_argv(): double quotes group, backslash escapes inside them only, an empty
 * pair is an empty word, single quotes are ordinary characters. */
START_TEST(words_split_like_iptables_restore)
{
	ck_assert_int_eq(parse("*filter\n-A INPUT -m comment --comment \"a \\\"b\\\" \\\\c\" "
			       "x\\y 'p q' \"\" ab\"cd\"ef\nCOMMIT"), 0);
	struct ic_rline *l = &s.v[1];

	/* a closing quote ends the word: ab"cd"ef is "abcd" then "ef", as in iptables */
	ck_assert_uint_eq(l->nwords, 12);
	ck_assert_str_eq(l->words[5], "a \"b\" \\c");
	ck_assert_str_eq(l->words[6], "x\\y");
	ck_assert_str_eq(l->words[7], "'p");
	ck_assert_str_eq(l->words[8], "q'");
	ck_assert_str_eq(l->words[9], "");
	ck_assert_str_eq(l->words[10], "abcd");
	ck_assert_str_eq(l->words[11], "ef");
	ic_rscript_free(&s);
}
END_TEST

START_TEST(limits)
{
	char *text = malloc(8192);
	size_t n = 0;

	n += (size_t)sprintf(text + n, "*filter\n-A INPUT");
	for (int i = 0; i < 260; i++)
		n += (size_t)sprintf(text + n, " w");
	sprintf(text + n, "\nCOMMIT\n");
	ck_assert_int_eq(parse(text), IPTABLES_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "Parser cannot handle more arguments"));
	ck_assert_ptr_nonnull(strstr(err.msg, "Error occurred at line: 2"));
	n = (size_t)sprintf(text, "*filter\n-A INPUT -m comment --comment ");
	memset(text + n, 'x', 1100);
	sprintf(text + n + 1100, "\nCOMMIT\n");
	ck_assert_int_eq(parse(text), IPTABLES_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "Parameter too long!"));
	free(text);
}
END_TEST

START_TEST(refusals_name_their_line)
{
	ck_assert_int_eq(parse("*filter\n-A INPUT -j ACCEPT\n"), IPTABLES_EINVAL);
	ck_assert_str_eq(err.msg, "iptables-restore: COMMIT expected at line 3");
	ck_assert_int_eq(parse("garbage\n"), IPTABLES_EINVAL);
	ck_assert_str_eq(err.msg, "iptables-restore: line 1 failed");
	ck_assert_int_eq(parse("*filter\nCOMMIT\nCOMMIT\n"), IPTABLES_EINVAL);
	ck_assert_str_eq(err.msg, "iptables-restore: line 3 failed");
	ck_assert_int_eq(parse("*filter\n[1:2 -A INPUT\nCOMMIT\n"), IPTABLES_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "Bad line 2: need ]"));
	ck_assert_int_eq(parse("*\n"), IPTABLES_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "iptables-restore: line 1 table name invalid"));
	ck_assert_int_eq(parse("*filter\n:INPUT\nCOMMIT\n"), IPTABLES_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "line 2 policy invalid"));
	ck_assert_int_eq(parse("*filter\n:ABCDEFGHIJKLMNOPQRSTUVWXYZ0123 - [0:0]\nCOMMIT\n"),
			 IPTABLES_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "(28 chars max)"));
	/* a line of any length is read whole: no tail runs as a command of its own */
	ck_assert_int_eq(parse(""), 0);
	ck_assert_uint_eq(s.n, 0);
}
END_TEST

START_TEST(counters_word)
{
	uint64_t p, b;

	ck_assert(ic_rscript_counters("[12:345]", &p, &b));
	ck_assert_uint_eq(p, 12);
	ck_assert_uint_eq(b, 345);
	ck_assert(!ic_rscript_counters("[x:1]", &p, &b));
	ck_assert(!ic_rscript_counters(NULL, &p, &b));
}
END_TEST

Suite *tsuite(void)
{
	Suite *su = suite_create("unit_restore_text");
	TCase *tc = tcase_create("restore_text");

	tcase_add_test(tc, lines_and_kinds);
	tcase_add_test(tc, words_split_like_iptables_restore);
	tcase_add_test(tc, limits);
	tcase_add_test(tc, refusals_name_their_line);
	tcase_add_test(tc, counters_word);
	suite_add_tcase(su, tc);
	return su;
}
