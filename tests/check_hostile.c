/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hostile input: every nasty rulespec gives IPTABLES_EINVAL (or another error), changes
 * nothing, never exits the process and prints nothing — alone and inside transactions, where
 * the exec backend feeds iptables-restore and line injection would be possible.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define S IPTABLES_SPEC
static const char *const *const nasty[] = {
	S("--no-such-option"),
	S("-m", "nosuchmatch", "-j", "ACCEPT"),
	S("-j", "NOSUCHTARGET_X"),
	S("-p"),
	S("-p", "tcp", "--dport"),
	S("-p", "tcp", "--dport", "99999999999999999999999"),
	S("-p", "tcp", "--dport", "-1"),
	S("-s", "300.1.2.3"),
	S("-s", "1.2.3.4/99"),
	S("-s", "::1::2"),
	S("-i", "an-interface-name-far-too-long"),
	S("!"),
	S("!", "!", "-s", "1.2.3.4"),
	S("-j"),
	S("-g"),
	S("-j", "ACCEPT", "-j", "DROP"),
	S("stray-word"),
	S("-j", "ACCEPT", "stray"),
	S("-h"),
	S("--help"),
	S("-V"),
	S("-m", "tcp", "--help"),
	S("-p", "tcp", "-m", "tcp", "--tcp-flags"),
	S("-m", "comment", "--comment",
	  "x\nCOMMIT\n*filter\n-F INPUT\n-A INPUT -j DROP\nCOMMIT\n"),
	S("-m", "comment", "--comment", "x\r-A INPUT -j DROP"),
	S("-m", "limit", "--limit", "1000000000/second"),
	S("-p", "\xff\xfe\xfd"),
	S("-s", "\xc3\x28"),
	S("-m", "\xe2\x82", "-j", "ACCEPT"),
	S("-A", "INPUT"),
	S("-t", "nat"),
	S("-N", "X"),
	S(""),
	S("-j", ""),
};
#undef S

/* 10,000 words: refused before anything runs */
static const char **huge_spec(void)
{
	const char **w = calloc(10001, sizeof(char *));

	for (int i = 0; i < 10000; i += 2) {
		w[i] = "-s";
		w[i + 1] = "10.0.0.1";
	}
	return w;
}

static char *table_text(const struct tcfg *c)
{
	char *out;

	ck_assert_int_eq(tsh(&out, NULL, "%s -S", c->cli), 0);
	return out;
}

/* Redirect stdout and stderr to a file; return what was written there meanwhile. */
struct capture {
	int saved1, saved2, fd;
};

static void capture_begin(struct capture *cap)
{
	char path[] = "/tmp/iptc-hostile-out.XXXXXX";

	fflush(stdout);
	fflush(stderr);
	cap->fd = mkstemp(path);
	ck_assert_int_ge(cap->fd, 0);
	unlink(path);
	cap->saved1 = dup(1);
	cap->saved2 = dup(2);
	dup2(cap->fd, 1);
	dup2(cap->fd, 2);
}

static off_t capture_end(struct capture *cap)
{
	off_t len;

	fflush(stdout);
	fflush(stderr);
	dup2(cap->saved1, 1);
	dup2(cap->saved2, 2);
	close(cap->saved1);
	close(cap->saved2);
	len = lseek(cap->fd, 0, SEEK_END);
	close(cap->fd);
	return len;
}

START_TEST(nasty_specs_are_refused)
{
	const struct tcfg *c = &tcfgs[_i];
	const char **huge = huge_spec();
	struct capture cap;
	char *before, *after;
	iptables *h;
	off_t printed;
	int rc[64], k, n = (int)(sizeof(nasty) / sizeof(nasty[0]));

	h = topen(c);
	ck_assert_int_eq(iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "ACCEPT")), 0);
	before = table_text(c);
	capture_begin(&cap);
	for (k = 0; k < n; k++)
		rc[k] = iptables_append(h, "filter", "INPUT", nasty[k]);
	rc[n] = iptables_append(h, "filter", "INPUT", huge);
	/* the same words inside one transaction: nothing of it may land */
	iptables_begin(h);
	iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "DROP"));
	for (k = 0; k < n; k++)
		iptables_append(h, "filter", "INPUT", nasty[k]);
	rc[n + 1] = iptables_commit(h);
	printed = capture_end(&cap);

	ck_assert_msg(printed == 0, "%s: the library printed %lld bytes", c->name,
		      (long long)printed);
	for (k = 0; k <= n + 1; k++)
		ck_assert_msg(rc[k] < 0, "%s: nasty spec %d (%s %s) accepted", c->name, k,
			      k < n && nasty[k][0] ? nasty[k][0] : "", k < n && nasty[k][0] &&
			      nasty[k][1] ? nasty[k][1] : "");
	/* refused for being bad input, not for some other reason */
	for (k = 0; k <= n; k++)
		ck_assert_msg(rc[k] == IPTABLES_EINVAL || rc[k] == IPTABLES_ENOTFOUND,
			      "%s: nasty spec %d: %s", c->name, k, iptables_strerror(rc[k]));
	after = table_text(c);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
	free(huge);
	iptables_free(h);
}
END_TEST

START_TEST(nasty_names_are_refused)
{
	const struct tcfg *c = &tcfgs[_i];
	const char *names[] = { "", "-X", "!x", "a b", "x\ny", "a\tb",
				"a-chain-name-longer-than-28-c", "\xff\xfe" };
	iptables *h;

	h = topen(c);
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		ck_assert_int_eq(iptables_new_chain(h, "filter", names[k]), IPTABLES_EINVAL);
		ck_assert_int_lt(iptables_append(h, names[k], "INPUT", IPTABLES_SPEC("-j", "ACCEPT")),
				 0);
	}
	ck_assert_int_eq(iptables_append(h, "a-table-name-longer-than-31-chars", "INPUT",
					 IPTABLES_SPEC("-j", "ACCEPT")), IPTABLES_EINVAL);
	iptables_free(h);
}
END_TEST

/* Quotes, backslashes and shell metacharacters are data: they land verbatim, also through
 * iptables-restore in a transaction, exactly as the CLI stores them. */
START_TEST(quotes_are_literal)
{
	const struct tcfg *c = &tcfgs[_i];
	const char *comments[] = { "\"quoted\" \\ back", "it's $(reboot) `id` ; x", "#hash *nat" };
	char *ours, *theirs;
	iptables *h;

	h = topen(c);
	ck_assert_int_eq(iptables_begin(h), 0);
	for (size_t k = 0; k < 3; k++)
		ck_assert_int_eq(iptables_append(h, "filter", "INPUT",
						 IPTABLES_SPEC("-m", "comment", "--comment",
							       comments[k])), 0);
	ck_assert_msg(iptables_commit(h) == 0, "%s: %s", c->name, iptables_errmsg(h));
	ours = NULL;
	ck_assert_int_eq(tsh(&ours, NULL, "%s -S INPUT", c->cli), 0);
	ck_assert_int_eq(tsh(NULL, NULL, "%s -F INPUT", c->cli), 0);
	ck_assert_int_eq(tsh(NULL, NULL,
			     "%s -A INPUT -m comment --comment '\"quoted\" \\ back' && "
			     "%s -A INPUT -m comment --comment \"it's \\$(reboot) \\`id\\` ; x\" && "
			     "%s -A INPUT -m comment --comment '#hash *nat'",
			     c->cli, c->cli, c->cli), 0);
	ck_assert_int_eq(tsh(&theirs, NULL, "%s -S INPUT", c->cli), 0);
	ck_assert_str_eq(ours, theirs);
	free(ours);
	free(theirs);
	iptables_free(h);
}
END_TEST

Suite *tsuite(void)
{
	Suite *s = suite_create("hostile");
	TCase *tc = tcase_create("input");

	tcase_add_checked_fixture(tc, tns_enter, NULL);
	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, nasty_specs_are_refused, 0, (int)n_tcfgs);
	tcase_add_loop_test(tc, nasty_names_are_refused, 0, (int)n_tcfgs);
	tcase_add_loop_test(tc, quotes_are_literal, 0, (int)n_tcfgs);
	suite_add_tcase(s, tc);
	return s;
}
