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

/* The matrix: libiptc (legacy), exec on iptables-legacy, exec on iptables-nft; x IPv4, IPv6. */
extern const struct tcfg tcfgs[];
extern const size_t n_tcfgs;

/* Enter a fresh network namespace with its own XTABLES_LOCKFILE. Call first in every test
 * that touches netfilter (Check forks each test, so this affects only that test).
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

/* Join lines with '\n' (no trailing newline); caller frees. */
char *tjoin(char **lines, size_t n);

/* Run a Check suite with CK_FORK and return EXIT_SUCCESS/EXIT_FAILURE. */
int trun(Suite *s);

#endif
