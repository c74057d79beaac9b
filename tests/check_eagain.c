/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * EAGAIN: when the kernel's table changed between our read and our commit (only a writer that
 * ignores the xtables lock can do that), the libiptc backend re-reads, re-applies and commits
 * again. A hidden hook lets this test change the table without the lock at exactly that
 * moment, so the retry path runs deterministically.
 */
#include <libiptc/libiptc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

extern void (*ic_test_before_commit)(const char *table);

static int interfere;		/* lockless changes still to make */
static int interfered;

static void lockless_append(const char *table)
{
	static const xt_chainlabel other = "OTHER";
	size_t size = XT_ALIGN(sizeof(struct ipt_entry)) +
		      XT_ALIGN(sizeof(struct xt_standard_target));
	struct ipt_entry *e;
	struct xt_standard_target *t;
	struct xtc_handle *xh;

	if (interfere <= 0 || strcmp(table, "filter") != 0)
		return;
	interfere--;
	e = calloc(1, size);
	t = (void *)((char *)e + XT_ALIGN(sizeof(*e)));
	e->target_offset = XT_ALIGN(sizeof(*e));
	e->next_offset = size;
	t->target.u.target_size = XT_ALIGN(sizeof(*t));
	strcpy(t->target.u.user.name, "ACCEPT");
	xh = iptc_init("filter");
	ck_assert_ptr_nonnull(xh);
	ck_assert(iptc_append_entry(other, e, xh));
	ck_assert(iptc_commit(xh));
	iptc_free(xh);
	free(e);
	interfered++;
}

START_TEST(commit_retries_after_eagain)
{
	iptables *h;

	h = topen(&tcfgs[_i]);
	ck_assert_int_eq(iptables_new_chain(h, "filter", "OTHER"), 0);
	ck_assert_int_eq(iptables_new_chain(h, "filter", "MINE"), 0);
	ic_test_before_commit = lockless_append;

	/* three lockless changes in a row: the first three commits fail with EAGAIN */
	interfere = 3;
	ck_assert_msg(iptables_append(h, "filter", "MINE", IPTABLES_SPEC("-j", "ACCEPT")) == 0,
		      "%s", iptables_errmsg(h));
	ck_assert_int_eq(interfered, 3);
	ck_assert_uint_eq(trule_count(h, "MINE"), 1);
	ck_assert_uint_eq(trule_count(h, "OTHER"), 3);	/* theirs kept: we re-read */

	/* the same inside a transaction */
	interfere = 2;
	ck_assert_int_eq(iptables_begin(h), 0);
	ck_assert_int_eq(iptables_append(h, "filter", "MINE", IPTABLES_SPEC("-j", "DROP")), 0);
	ck_assert_int_eq(iptables_delete(h, "filter", "MINE", IPTABLES_SPEC("-j", "ACCEPT")), 0);
	ck_assert_msg(iptables_commit(h) == 0, "%s", iptables_errmsg(h));
	ck_assert_uint_eq(trule_count(h, "MINE"), 1);
	ck_assert_uint_eq(trule_count(h, "OTHER"), 5);

	/* a writer that never stops: a bounded number of retries, then an error, nothing lost */
	interfere = 1000;
	ck_assert_int_eq(iptables_append(h, "filter", "MINE", IPTABLES_SPEC("-j", "RETURN")),
			 IPTABLES_ESYS);
	ck_assert_ptr_nonnull(strstr(iptables_errmsg(h), "Resource temporarily unavailable"));
	interfere = 0;
	ck_assert_uint_eq(trule_count(h, "MINE"), 1);
	ic_test_before_commit = NULL;
	iptables_free(h);
}
END_TEST

Suite *tsuite(void)
{
	Suite *s = suite_create("eagain");
	TCase *tc = tcase_create("eagain");

	tcase_add_checked_fixture(tc, tns_enter, NULL);
	tcase_add_loop_test(tc, commit_retries_after_eagain, 0, 1);
	suite_add_tcase(s, tc);
	return s;
}
