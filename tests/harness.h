/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared test scaffolding: isolation in a private network namespace, the backend matrix,
 * and a way to run the real iptables binaries as an oracle. */
#ifndef IPTC_TEST_HARNESS_H
#define IPTC_TEST_HARNESS_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>

#include "iptables-c.h"

/* One configuration a test runs under. */
struct tcfg {
	const char *name;		/* "libiptc-v4", "exec-legacy-v6", ... */
	enum iptables_backend backend;
	enum iptables_proto proto;
	const char *path;		/* exec binary; NULL for libiptc */
	const char *cli;		/* oracle CLI of the same ruleset: iptables-legacy, ip6tables-nft */
};

/* The matrix: libiptc (legacy), exec on iptables-legacy, exec on iptables-nft, native nf_tables;
 * x IPv4, IPv6. */
extern const struct tcfg tcfgs[];
extern const size_t n_tcfgs;

/* Each test program defines its suite here; the common main (main.c) runs it with CK_FORK
 * and exits 0 / 1, or 77 (skipped) when tsuite returns NULL. */
Suite *tsuite(void);

/* Enter a fresh network namespace with its own XTABLES_LOCKFILE: the checked fixture of
 * every TCase whose tests touch netfilter, tcase_add_checked_fixture(tc, tns_enter, NULL)
 * (it runs in each test's forked child, so it affects only that test).
 * Skips nothing: fails the test when namespaces are unavailable. */
void tns_enter(void);
/* Path of this test's lock file (after tns_enter). */
const char *tns_lockfile(void);

/* Open a handle for @c in the current namespace; fails the test on error. */
iptables *topen(const struct tcfg *c);

/* Run a command line through /bin/sh in the current namespace; returns the exit status and,
 * when out != NULL, its stdout (malloc'd, trailing newline kept). stderr goes to *err if
 * given. */
int tsh(char **out, char **err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Number of rules in @chain of the filter table, through iptables_list (fails the test on
 * error). */
size_t trule_count(iptables *h, const char *chain);

/* Join lines with '\n' (no trailing newline); caller frees. */
char *tjoin(char **lines, size_t n);

/* ---- additions for the suites (tests helper) ---- */

/* Like tsh, for "<c->cli> ARGS": returns stdout with one trailing newline removed (never
 * NULL); *status gets the exit status and *err the stderr (trailing newline removed) when
 * the pointers are non-NULL. */
char *tcli(const struct tcfg *c, int *status, char **err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Our listing (iptables_list / _with_counters) joined with '\n'; NULL on failure, *rc set. */
char *tlist(iptables *h, const char *table, const char *chain, bool counters, int *rc);

/* NULL when our listing of @table (@chain NULL: the whole table) equals the oracle CLI's
 * `-S` (with @counters: `-v -S`), else a malloc'd message showing both. */
char *toracle_diff(iptables *h, const struct tcfg *c, const char *table, const char *chain,
		   bool counters);

/* Fail the test when toracle_diff reports a difference. */
#define ck_oracle(h, c, table, chain, counters)                                             \
	do {                                                                                \
		char *m_ = toracle_diff((h), (c), (table), (chain), (counters));            \
		ck_assert_msg(m_ == NULL, "%s: %s", (c)->name, m_ ? m_ : "");               \
	} while (0)

/* Fail unless @rc == @want, showing the codes and iptables_errmsg(h). */
#define ck_rc(h, rc, want)                                                                  \
	do {                                                                                \
		int r_ = (rc), w_ = (want);                                                 \
		ck_assert_msg(r_ == w_, "%s returned %d (%s), want %d (%s); errmsg: %s", #rc,  \
			      r_, iptables_strerror(r_), w_, iptables_strerror(w_),         \
			      (h) ? iptables_errmsg(h) : "(no handle)");                    \
	} while (0)

/* Strip trailing newlines in place; returns @s. */
char *tchomp(char *s);

/* Split a corpus line into words with /bin/sh quoting rules ('...', "...", backslash).
 * Returns the number of words (each malloc'd), or -1 on unbalanced quotes or more than @max
 * words. */
int tsplit_words(const char *line, char **out, int max);

/* Quote one word for /bin/sh (single quotes); caller frees. */
char *tshquote(const char *word);
/* Quote and join a NULL-terminated word list for /bin/sh; caller frees. */
char *tshjoin(const char *const *words);

/* Seconds allowed per test case: @base, multiplied when running under valgrind. */
double ttimeout(double base);
/* True when IPTC_VALGRIND is set (the test runs under valgrind: be lighter). */
bool tvalgrind(void);

#endif
