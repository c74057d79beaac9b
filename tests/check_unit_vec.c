/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lib/vec.h: the growable-array helper, its growth and its overflow checks. No root. */
#include <stdint.h>
#include <stdlib.h>

#include "harness.h"
#include "vec.h"

struct big {
	char bytes[1024];
};

START_TEST(grows_from_empty)
{
	int *v = NULL;
	size_t cap = 0;

	ck_assert_int_eq(IC_VEC_RESERVE(v, cap, 1), 0);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_ge(cap, 1);
	free(v);
}
END_TEST

START_TEST(enough_room_changes_nothing)
{
	int *v = NULL, *before;
	size_t cap = 0, cap_before;

	ck_assert_int_eq(IC_VEC_RESERVE(v, cap, 100), 0);
	before = v;
	cap_before = cap;
	ck_assert_int_eq(IC_VEC_RESERVE(v, cap, 100), 0);
	ck_assert_int_eq(IC_VEC_RESERVE(v, cap, 1), 0);
	ck_assert_int_eq(IC_VEC_RESERVE(v, cap, 0), 0);
	ck_assert_ptr_eq(v, before);
	ck_assert_uint_eq(cap, cap_before);
	free(v);
}
END_TEST

/* One element at a time: contents survive, and the array grows geometrically. */
START_TEST(geometric_growth_keeps_contents)
{
	size_t cap = 0, n, grows = 0, last_cap = 0;
	size_t *v = NULL;

	for (n = 0; n < 100000; n++) {
		ck_assert_int_eq(IC_VEC_RESERVE(v, cap, n + 1), 0);
		ck_assert_uint_ge(cap, n + 1);
		if (cap != last_cap) {
			grows++;
			last_cap = cap;
		}
		v[n] = n * 7;
	}
	for (n = 0; n < 100000; n++)
		ck_assert_uint_eq(v[n], n * 7);
	ck_assert_msg(grows <= 20, "%zu reallocations for 100000 elements", grows);
	free(v);
}
END_TEST

/* Sizes whose byte count does not fit in size_t fail before any allocation, leaving the
 * array as it was. */
START_TEST(overflow_is_refused)
{
	struct big *v = NULL;
	size_t cap = 0;

	ck_assert_int_eq(IC_VEC_RESERVE(v, cap, 3), 0);
	v[2].bytes[0] = 'x';
	struct big *const kept = v;
	const size_t kept_cap = cap;

	ck_assert_int_eq(IC_VEC_RESERVE(v, cap, SIZE_MAX / sizeof(*v) + 1), -1);
	ck_assert_int_eq(IC_VEC_RESERVE(v, cap, SIZE_MAX / 2 + 2), -1);
	ck_assert_int_eq(IC_VEC_RESERVE(v, cap, SIZE_MAX), -1);
	ck_assert_ptr_eq(v, kept);
	ck_assert_uint_eq(cap, kept_cap);
	ck_assert_int_eq(v[2].bytes[0], 'x');
	free(v);
}
END_TEST

START_TEST(byte_elements_up_to_the_doubling_limit)
{
	char *v = NULL;
	size_t cap = 0;

	/* doubling past SIZE_MAX / 2 would wrap */
	ck_assert_int_eq(IC_VEC_RESERVE(v, cap, SIZE_MAX), -1);
	ck_assert_ptr_null(v);
	ck_assert_uint_eq(cap, 0);
}
END_TEST

START_TEST(zero_sized_elements_are_refused)
{
	void *v = NULL;
	size_t cap = 0;

	ck_assert_int_eq(ic_vec_reserve(&v, &cap, 1, 0), -1);
	ck_assert_ptr_null(v);
	ck_assert_uint_eq(cap, 0);
}
END_TEST

Suite *tsuite(void)
{
	Suite *s = suite_create("unit_vec");
	TCase *tc = tcase_create("reserve");

	tcase_add_test(tc, grows_from_empty);
	tcase_add_test(tc, enough_room_changes_nothing);
	tcase_add_test(tc, geometric_growth_keeps_contents);
	tcase_add_test(tc, overflow_is_refused);
	tcase_add_test(tc, byte_elements_up_to_the_doubling_limit);
	tcase_add_test(tc, zero_sized_elements_are_refused);
	suite_add_tcase(s, tc);
	return s;
}
