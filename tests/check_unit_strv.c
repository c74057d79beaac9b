/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lib/strv.c: the string and stats vectors the list calls hand out. No root. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "internal.h"

START_TEST(push_copies_and_terminates)
{
	struct ic_strv s = { 0 };
	char word[] = "first";

	ck_assert_int_eq(ic_strv_push(&s, word), 0);
	word[0] = 'F';
	ck_assert_uint_eq(s.n, 1);
	ck_assert_str_eq(s.v[0], "first");
	ck_assert_ptr_null(s.v[1]);
	ck_assert_int_eq(ic_strv_push(&s, "second"), 0);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_str_eq(s.v[1], "second");
	ck_assert_ptr_null(s.v[2]);
	ic_strv_clear(&s);
}
END_TEST

START_TEST(push_owned_takes_the_string)
{
	struct ic_strv s = { 0 };
	char *owned = strdup("-A INPUT -j ACCEPT");

	ck_assert_int_eq(ic_strv_push_owned(&s, owned), 0);
	ck_assert_ptr_eq(s.v[0], owned);
	ck_assert_ptr_null(s.v[1]);
	ic_strv_clear(&s);
}
END_TEST

/* A NULL string is what a failed strdup hands over: ENOMEM, and the vector as it was. */
START_TEST(push_owned_null_is_enomem)
{
	struct ic_strv s = { 0 };

	ck_assert_int_eq(ic_strv_push(&s, "kept"), 0);
	ck_assert_int_eq(ic_strv_push_owned(&s, NULL), IPTABLES_ENOMEM);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_str_eq(s.v[0], "kept");
	ck_assert_ptr_null(s.v[1]);
	ic_strv_clear(&s);
}
END_TEST

START_TEST(many_pushes_keep_order)
{
	struct ic_strv s = { 0 };
	char buf[32];
	size_t i;

	for (i = 0; i < 5000; i++) {
		snprintf(buf, sizeof(buf), "-A C -s 10.0.%zu.%zu", i / 256, i % 256);
		ck_assert_int_eq(ic_strv_push(&s, buf), 0);
	}
	ck_assert_uint_eq(s.n, 5000);
	ck_assert_ptr_null(s.v[5000]);
	for (i = 0; i < 5000; i++) {
		snprintf(buf, sizeof(buf), "-A C -s 10.0.%zu.%zu", i / 256, i % 256);
		ck_assert_str_eq(s.v[i], buf);
	}
	ic_strv_clear(&s);
}
END_TEST

START_TEST(clear_empties)
{
	struct ic_strv s = { 0 };

	ic_strv_clear(&s);
	ck_assert_int_eq(ic_strv_push(&s, "x"), 0);
	ic_strv_clear(&s);
	ck_assert_ptr_null(s.v);
	ck_assert_uint_eq(s.n, 0);
	ck_assert_uint_eq(s.cap, 0);
	ck_assert_int_eq(ic_strv_push(&s, "again"), 0);
	ck_assert_str_eq(s.v[0], "again");
	ic_strv_clear(&s);
}
END_TEST

START_TEST(stats_rows_come_zeroed)
{
	struct ic_statv s = { 0 };
	struct iptables_stat *row;
	size_t i;

	for (i = 0; i < 300; i++) {
		row = ic_statv_add(&s);
		ck_assert_ptr_nonnull(row);
		ck_assert_ptr_null(row->target);
		ck_assert_ptr_null(row->options);
		ck_assert_uint_eq(row->packets, 0);
		ck_assert_uint_eq(row->bytes, 0);
		row->packets = i;
		row->target = strdup("ACCEPT");
	}
	ck_assert_uint_eq(s.n, 300);
	for (i = 0; i < 300; i++) {
		ck_assert_uint_eq(s.v[i].packets, i);
		ck_assert_str_eq(s.v[i].target, "ACCEPT");
	}
	ic_statv_clear(&s);	/* frees every row's strings */
	ck_assert_ptr_null(s.v);
	ck_assert_uint_eq(s.n, 0);
}
END_TEST

START_TEST(public_free_takes_null)
{
	iptables_strv_free(NULL, 0);
	iptables_strv_free(NULL, 5);
	iptables_stats_free(NULL, 0);
	iptables_stats_free(NULL, 5);
}
END_TEST

Suite *tsuite(void)
{
	Suite *s = suite_create("unit_strv");
	TCase *tc = tcase_create("vectors");

	tcase_add_test(tc, push_copies_and_terminates);
	tcase_add_test(tc, push_owned_takes_the_string);
	tcase_add_test(tc, push_owned_null_is_enomem);
	tcase_add_test(tc, many_pushes_keep_order);
	tcase_add_test(tc, clear_empties);
	tcase_add_test(tc, stats_rows_come_zeroed);
	tcase_add_test(tc, public_free_takes_null);
	suite_add_tcase(s, tc);
	return s;
}
