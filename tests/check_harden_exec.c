/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Hardening of the exec backend (issue 13): what the host process does around us, and input
 * iptables-restore or the binary would read differently from a single call. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

/* exec configurations of the matrix (tcfgs[2..5]) */
#define EXEC_FIRST 2
#define N_EXEC 4

static const struct tcfg *exec_cfg(int i)
{
	return &tcfgs[EXEC_FIRST + i];
}

/* A few exec calls that change and read the ruleset; every one must report what happened. */
static void exercise(const struct tcfg *c)
{
	iptables *h = topen(c);
	int i;

	for (i = 0; i < 5; i++) {
		ck_rc(h, iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "ACCEPT")), 0);
		ck_rc(h, iptables_exists(h, "filter", "INPUT", IPTABLES_SPEC("-j", "ACCEPT")), 1);
	}
	ck_assert_uint_eq(trule_count(h, "INPUT"), 5);
	ck_rc(h, iptables_begin(h), 0);
	ck_rc(h, iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "DROP")), 0);
	ck_rc(h, iptables_commit(h), 0);
	ck_assert_uint_eq(trule_count(h, "INPUT"), 6);
	iptables_free(h);
}

START_TEST(sigchld_ignored)
{
	tns_enter();
	signal(SIGCHLD, SIG_IGN);
	exercise(exec_cfg(_i));
}
END_TEST

static void reap_all(int sig)
{
	int saved = errno;

	(void)sig;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	errno = saved;
}

START_TEST(sigchld_reaper)
{
	struct sigaction sa = { .sa_handler = reap_all, .sa_flags = SA_RESTART };

	tns_enter();
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	exercise(exec_cfg(_i));
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("harden_exec");
	TCase *tc = tcase_create("sigchld");

	tcase_set_timeout(tc, ttimeout(120));
	tcase_add_loop_test(tc, sigchld_ignored, 0, N_EXEC);
	tcase_add_loop_test(tc, sigchld_reaper, 0, N_EXEC);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return trun(suite());
}
