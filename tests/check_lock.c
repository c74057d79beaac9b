/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The xtables lock: timeouts without signals, waiting forever, no fd leaks. */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

/* libiptc and exec-on-legacy take the lock; iptables-nft does not. */
static const struct tcfg *lock_cfgs[] = { &tcfgs[0], &tcfgs[1], &tcfgs[2], &tcfgs[3] };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static iptables *open_timeout(const struct tcfg *c, int timeout_s)
{
	struct iptables_options o = { .proto = c->proto, .backend = c->backend, .path = c->path,
				      .timeout_s = timeout_s };
	iptables *h;

	ck_assert_int_eq(iptables_new(&h, &o), 0);
	return h;
}

/* A second open file description on the lock file conflicts with ours, as another app would. */
static int hold_lock(void)
{
	int fd = open(tns_lockfile(), O_RDWR | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(flock(fd, LOCK_EX), 0);
	return fd;
}

START_TEST(timeout_gives_elock)
{
	const struct tcfg *c = lock_cfgs[_i];
	iptables *h;
	double t;
	int fd, rc;

	h = open_timeout(c, 1);
	fd = hold_lock();
	t = now();
	rc = iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "ACCEPT"));
	t = now() - t;
	ck_assert_msg(rc == IPTABLES_ELOCK, "%s: rc %d (%s)", c->name, rc, iptables_errmsg(h));
	ck_assert_msg(strstr(iptables_errmsg(h), "Another app is currently holding the xtables lock"),
		      "%s: message '%s'", c->name, iptables_errmsg(h));
	ck_assert_msg(t >= 0.9 && t < 5, "%s: waited %.2fs", c->name, t);
	close(fd);
	/* lock free again: the call works */
	ck_assert_int_eq(iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "ACCEPT")), 0);
	iptables_free(h);
}
END_TEST

START_TEST(zero_timeout_waits)
{
	const struct tcfg *c = lock_cfgs[_i];
	iptables *h;
	double t;
	pid_t pid;
	int rc, st;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = hold_lock();

		usleep(1500 * 1000);
		close(fd);
		_exit(0);
	}
	h = open_timeout(c, 0);	/* after the fork: the child owns nothing to free */
	usleep(300 * 1000);	/* let the child take the lock */
	t = now();
	rc = iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "ACCEPT"));
	t = now() - t;
	ck_assert_msg(rc == 0, "%s: %s", c->name, iptables_errmsg(h));
	ck_assert_msg(t >= 0.8, "%s: did not wait (%.2fs)", c->name, t);
	waitpid(pid, &st, 0);
	iptables_free(h);
}
END_TEST

START_TEST(no_sigalrm_used)
{
	const struct tcfg *c = lock_cfgs[_i];
	struct sigaction sa = { .sa_handler = SIG_IGN }, old;
	iptables *h;
	int fd;

	/* If the library used alarm()/SIGALRM, an ignored SIGALRM would make it wait forever;
	 * the test's own timeout would then fail it. */
	sigaction(SIGALRM, &sa, &old);
	h = open_timeout(c, 1);
	fd = hold_lock();
	ck_assert_int_eq(iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "ACCEPT")),
			 IPTABLES_ELOCK);
	close(fd);
	ck_assert_int_eq(alarm(0), 0);
	iptables_free(h);
}
END_TEST

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

START_TEST(no_fd_leak)
{
	const struct tcfg *c = &tcfgs[_i];
	/* exec spawns a process per call: fewer rounds keep the test short */
	int rounds = c->backend == IPTABLES_BACKEND_LIBIPTC ? 2000 : 150;
	iptables *h;
	char **lines;
	size_t n;
	int before, i;

	if (getenv("IPTC_VALGRIND"))
		rounds = 20;
	h = topen(c);
	ck_assert_int_eq(iptables_new_chain(h, "filter", "FD"), 0);
	before = count_fds();
	for (i = 0; i < rounds; i++) {
		/* 5 calls a round, successes and failures of each kind */
		ck_assert_int_eq(iptables_append(h, "filter", "FD", IPTABLES_SPEC("-j", "ACCEPT")), 0);
		ck_assert_int_eq(iptables_exists(h, "filter", "FD", IPTABLES_SPEC("-j", "ACCEPT")), 1);
		ck_assert_int_eq(iptables_list(h, "filter", "FD", &lines, &n), 0);
		iptables_strv_free(lines, n);
		ck_assert_int_eq(iptables_delete(h, "filter", "FD", IPTABLES_SPEC("-j", "ACCEPT")), 0);
		ck_assert_int_lt(iptables_append(h, "filter", "FD", IPTABLES_SPEC("--bogus")), 0);
	}
	ck_assert_int_eq(count_fds(), before);
	iptables_free(h);
}
END_TEST

Suite *tsuite(void)
{
	Suite *s = suite_create("lock");
	TCase *tc = tcase_create("lock");

	tcase_add_checked_fixture(tc, tns_enter, NULL);
	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, timeout_gives_elock, 0, 4);
	tcase_add_loop_test(tc, zero_timeout_waits, 0, 4);
	tcase_add_loop_test(tc, no_sigalrm_used, 0, 4);
	tcase_add_loop_test(tc, no_fd_leak, 0, (int)n_tcfgs);
	suite_add_tcase(s, tc);
	return s;
}
