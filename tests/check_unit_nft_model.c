/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lib/nft/nft_cache.c's chain model: rules inserted and removed anywhere, in any order,
 * keep their order and keys (the arrays are windows that slide at the front). Checked
 * against a plain array. No root.
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "nft/nft.h"

#define MAXR 300

static struct ic_nft_rule *rule(unsigned tag)
{
	struct ic_nft_rule *r = calloc(1, sizeof(*r));

	ck_assert_ptr_nonnull(r);
	r->handle = tag;
	return r;
}

static void same(const struct ic_nft_chain *c, const unsigned *want, size_t n, int step)
{
	ck_assert_uint_eq(c->n, n);
	for (size_t i = 0; i < n; i++) {
		ck_assert_msg(c->rules[i]->handle == want[i], "step %d: rule %zu is %llu, want %u",
			      step, i, (unsigned long long)c->rules[i]->handle, want[i]);
		ck_assert_uint_eq(c->keys[i], (uint64_t)want[i] * 7 + 1);
	}
}

START_TEST(nft_chain_window)
{
	struct ic_nft_table t = { .def = ic_nft_tabledef("filter") };
	struct ic_nft_chain *c = ic_nft_chain_add(&t, "C");
	unsigned want[MAXR], tag = 1;
	size_t n = 0;

	ck_assert_ptr_nonnull(c);
	srandom(7);
	for (int step = 0; step < 6000; step++) {
		long roll = random() % 100;
		size_t at;

		if (n == 0 || (n < MAXR && roll < 50)) {
			/* mostly at the ends, where restores and appends go */
			at = roll < 15 ? 0 : roll < 35 ? n : (size_t)random() % (n + 1);
			ck_assert_int_eq(ic_nft_rule_insert(c, at, rule(tag), (uint64_t)tag * 7 + 1),
					 0);
			memmove(&want[at + 1], &want[at], (n - at) * sizeof(*want));
			want[at] = tag++;
			n++;
		} else {
			at = roll < 70 ? 0 : roll < 85 ? n - 1 : (size_t)random() % n;
			ic_nft_rule_remove(c, at);
			memmove(&want[at], &want[at + 1], (n - at - 1) * sizeof(*want));
			n--;
		}
		same(c, want, n, step);
		if (step % 2000 == 1999) {
			ic_nft_chain_flush(c);
			n = 0;
			same(c, want, n, step);
		}
	}
	ic_nft_chain_remove(&t, c);
	free(t.chains);
}
END_TEST

Suite *tsuite(void)
{
	Suite *s = suite_create("unit_nft_model");
	TCase *tc = tcase_create("chain");

	tcase_set_timeout(tc, ttimeout(60));
	tcase_add_test(tc, nft_chain_window);
	suite_add_tcase(s, tc);
	return s;
}
