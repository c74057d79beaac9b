/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Hardening of the exec backend (issue 13): what the host process does around us, and input
 * iptables-restore or the binary would read differently from a single call. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

/* lib/lock.c is hidden inside the library: the lock tests build their own copy of it,
 * with this file's own error sink. */
#include "../lib/lock.c"
#include "../lib/vec.c"

int ic_err_set(struct ic_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	e->code = code;
	return code;
}

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

/* iptables accepts a "--" that ends the options; the table is the call's, not a later word. */
START_TEST(double_dash_ends_spec)
{
	const struct tcfg *c = exec_cfg(_i);
	iptables *h;
	char *out;

	tns_enter();
	h = topen(c);
	ck_rc(h, iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "ACCEPT", "--")), 0);
	ck_rc(h, iptables_exists(h, "filter", "INPUT", IPTABLES_SPEC("-j", "ACCEPT", "--")), 1);
	ck_rc(h, iptables_delete(h, "filter", "INPUT", IPTABLES_SPEC("-j", "ACCEPT", "--")), 0);
	ck_assert_uint_eq(trule_count(h, "INPUT"), 0);
	/* an abbreviated --table in a spec must not move the rule to another table */
	ck_assert_int_ne(iptables_append(h, "filter", "INPUT",
					 IPTABLES_SPEC("--tab", "mangle", "-j", "ACCEPT")), 0);
	ck_assert_uint_eq(trule_count(h, "INPUT"), 0);
	out = tcli(c, NULL, NULL, "-t mangle -S INPUT");
	ck_assert_str_eq(out, "-P INPUT ACCEPT");
	free(out);
	iptables_free(h);
}
END_TEST

/* Options that are not part of a rulespec, each after "-j ACCEPT". */
static const char *const *const refused_words[] = {
	IPTABLES_SPEC("-M", "/bin/true"), IPTABLES_SPEC("--modprobe=/bin/true"),
	IPTABLES_SPEC("--modp", "/bin/true"), IPTABLES_SPEC("-M/bin/true"),
	IPTABLES_SPEC("-w", "5"), IPTABLES_SPEC("-w5"), IPTABLES_SPEC("--wait"),
	IPTABLES_SPEC("-W", "1"), IPTABLES_SPEC("--wait-interval=1"), IPTABLES_SPEC("-v"),
	IPTABLES_SPEC("--verbose"), IPTABLES_SPEC("-n"), IPTABLES_SPEC("-vn"),
	IPTABLES_SPEC("--numeric"), IPTABLES_SPEC("-x"), IPTABLES_SPEC("--exact"),
	IPTABLES_SPEC("--line-numbers"), IPTABLES_SPEC("--line"), IPTABLES_SPEC("-t", "mangle"),
	IPTABLES_SPEC("--table=mangle"),
};
#define N_REFUSED (sizeof(refused_words) / sizeof(refused_words[0]))

/* "-j ACCEPT" + @extra, NULL-terminated, in @buf. */
static const char *const *with_accept(const char **buf, const char *const *extra)
{
	size_t n = 0;

	buf[n++] = "-j";
	buf[n++] = "ACCEPT";
	while (*extra)
		buf[n++] = *extra++;
	buf[n] = NULL;
	return buf;
}

static void assert_policy(const struct tcfg *c, bool exec)
{
	const char *buf[8];
	iptables *h = topen(c);
	size_t i;
	int rc;

	for (i = 0; i < N_REFUSED; i++) {
		const char *const *spec = with_accept(buf, refused_words[i]);
		char *words = tshjoin(spec);

		rc = iptables_append(h, "filter", "INPUT", spec);
		ck_assert_msg(rc == IPTABLES_EINVAL, "%s: append %s: rc %d (%s)", c->name, words,
			      rc, iptables_errmsg(h));
		ck_assert_msg(strstr(iptables_errmsg(h), "cannot be used in a rulespec") ||
			      strstr(iptables_errmsg(h), "the table is given by the call"),
			      "%s: %s: %s", c->name, words, iptables_errmsg(h));
		ck_rc(h, iptables_begin(h), 0);
		rc = iptables_append(h, "filter", "INPUT", spec);
		ck_assert_msg(rc == IPTABLES_EINVAL, "%s: logging append %s: rc %d (%s)",
			      c->name, words, rc, iptables_errmsg(h));
		iptables_rollback(h);
		free(words);
	}
	ck_assert_uint_eq(trule_count(h, "INPUT"), 0);
	/* -c is a rule's counters with -A, -I, -R; iptables refuses it with -C and -D */
	ck_rc(h, iptables_append(h, "filter", "INPUT",
				 IPTABLES_SPEC("-j", "ACCEPT", "-c", "5", "7")), 0);
	ck_rc(h, iptables_exists(h, "filter", "INPUT",
				 IPTABLES_SPEC("-j", "ACCEPT", "-c", "5", "7")), IPTABLES_EINVAL);
	ck_assert_ptr_nonnull(strstr(iptables_errmsg(h), "Illegal option `-c' with this command"));
	ck_rc(h, iptables_delete(h, "filter", "INPUT",
				 IPTABLES_SPEC("-j", "ACCEPT", "-c", "5", "7")), IPTABLES_EINVAL);
	ck_rc(h, iptables_delete_if_exists(h, "filter", "INPUT",
					   IPTABLES_SPEC("-j", "ACCEPT", "-c", "5", "7")),
	      IPTABLES_EINVAL);
	ck_rc(h, iptables_append_unique(h, "filter", "INPUT",
					IPTABLES_SPEC("-j", "ACCEPT", "-c", "5", "7")), IPTABLES_EINVAL);
	ck_rc(h, iptables_begin(h), 0);
	ck_rc(h, iptables_append_unique(h, "filter", "INPUT",
					IPTABLES_SPEC("-j", "ACCEPT", "-c", "5", "7")), IPTABLES_EINVAL);
	iptables_rollback(h);
	ck_assert_uint_eq(trule_count(h, "INPUT"), 1);
	/* the same letters as a free-text argument are just text */
	ck_rc(h, iptables_append(h, "filter", "INPUT",
				 IPTABLES_SPEC("-m", "comment", "--comment", "-v", "-j", "ACCEPT")),
	      0);
	ck_rc(h, iptables_append(h, "filter", "INPUT",
				 IPTABLES_SPEC("-j", "LOG", "--log-prefix", "-M")), 0);
	ck_assert_uint_eq(trule_count(h, "INPUT"), 3);
	(void)exec;
	iptables_free(h);
}

START_TEST(spec_policy_exec)
{
	tns_enter();
	assert_policy(exec_cfg(_i), true);
}
END_TEST

/*
 * libiptc refuses the same words once the core calls ic_spec_policy_check for every backend
 * (lib/spec_policy.c; the integrator wires it into api.c/txn.c). Until then libiptc takes
 * -v, -n, -x, -w, -M and -c with -C/-D silently: build with -DIC_CORE_SPEC_POLICY to run it.
 */
#ifdef IC_CORE_SPEC_POLICY
START_TEST(spec_policy_libiptc)
{
	tns_enter();
	assert_policy(&tcfgs[_i], false);
}
END_TEST
#endif

/* A private lock file; the tests below need no namespace. */
static char *lock_path(void)
{
	static char path[] = "/tmp/ic-lock-XXXXXX";
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	return path;
}

/* Whether another open file description could take the lock now. */
static bool lock_free(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool ok;

	ck_assert_int_ge(fd, 0);
	ok = flock(fd, LOCK_EX | LOCK_NB) == 0;
	close(fd);
	return ok;
}

static pid_t fork_sleeper(void)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		sleep(10);	/* a child that never touches the library */
		_exit(0);
	}
	return pid;
}

START_TEST(lock_cloexec)
{
	struct ic_err e = { 0 };
	char *path = lock_path();
	int fd = ic_lock_acquire(&e, path, 1);

	ck_assert_msg(fd >= 0, "%s", e.msg);
	ck_assert_int_ne(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
	ic_lock_release(fd);
	ck_assert(lock_free(path));
	unlink(path);
}
END_TEST

/* The release must not depend on every copy of the descriptor being closed. */
START_TEST(lock_released_despite_forked_child)
{
	struct ic_err e = { 0 };
	char *path = lock_path();
	int fd = ic_lock_acquire(&e, path, 1);
	pid_t pid;

	ck_assert_msg(fd >= 0, "%s", e.msg);
	pid = fork_sleeper();
	ic_lock_release(fd);
	ck_assert_msg(lock_free(path), "a forked child kept the xtables lock");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	unlink(path);
}
END_TEST

/* A child forked while the lock is held does not hold it once the parent is gone. */
START_TEST(lock_not_inherited_by_fork)
{
	struct ic_err e = { 0 };
	char *path = lock_path();
	int fd = ic_lock_acquire(&e, path, 1), st;
	pid_t pid;

	ck_assert_msg(fd >= 0, "%s", e.msg);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(fcntl(fd, F_GETFD) < 0 && errno == EBADF ? 0 : 1);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
		      "the forked child still has the lock's descriptor");
	ck_assert(!lock_free(path));	/* ... and the parent still holds the lock */
	ic_lock_release(fd);
	ck_assert(lock_free(path));
	unlink(path);
}
END_TEST

/* A thread parsing rules (libxtables' process-wide mutex held most of the time) while
 * another forks: each child must be able to parse too, not find the mutex locked forever. */
static volatile bool parsing_stop;

static void *parse_loop(void *arg)
{
	iptables *h = arg;

	while (!parsing_stop)
		iptables_exists(h, "filter", "INPUT",
				IPTABLES_SPEC("-p", "tcp", "-m", "multiport", "--dports", "1,2,3",
					      "-m", "comment", "--comment", "x", "-j", "ACCEPT"));
	return NULL;
}

START_TEST(xt_mutex_not_held_in_forked_child)
{
	struct iptables_options o = { .backend = IPTABLES_BACKEND_MEMORY };
	iptables *h, *hc;
	pthread_t t;
	int hung = 0, st;

#ifdef __SANITIZE_ADDRESS__
	/* ASan's fork interceptor locks its allocator before the atfork handlers run: the
	 * parsing thread, holding libxtables' mutex, then waits in malloc for the forking
	 * thread, which waits in our handler for that mutex. glibc's malloc takes its own
	 * locks last, so without ASan there is no such cycle; here the test cannot run. */
	printf("xt_mutex_not_held_in_forked_child: not under AddressSanitizer\n");
	return;
#endif
	ck_assert_int_eq(iptables_new(&h, &o), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, parse_loop, h), 0);
	for (int i = 0; i < (tvalgrind() ? 3 : 200) && !hung; i++) {
		pid_t pid = fork();

		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			signal(SIGALRM, SIG_DFL);	/* not Check's handler: it kills the group */
			alarm(tvalgrind() ? 30 : 10);	/* a hang, not a slow machine */
			_exit(iptables_new(&hc, &o) == 0 &&
			      iptables_append(hc, "filter", "INPUT",
					      IPTABLES_SPEC("-p", "udp", "-j", "DROP")) == 0 ? 0 : 1);
		}
		ck_assert_int_eq(waitpid(pid, &st, 0), pid);
		hung = !WIFEXITED(st) || WEXITSTATUS(st) != 0;
	}
	parsing_stop = true;
	pthread_join(t, NULL);
	iptables_free(h);
	ck_assert_msg(!hung, "a forked child could not parse: libxtables' mutex was held at fork");
}
END_TEST

/* Rulespecs iptables-restore cannot read as one line: a word over its 1,023-byte parameter
 * buffer, a line over its 10,240-byte line buffer, more words than its 255-slot argv. */
enum { LONG_WORD, LONG_LINE, MANY_WORDS, N_LONG };

static const char **long_spec(int kind, bool v6)
{
	const char **v = calloc(400, sizeof(*v));
	size_t n = 0;
	int i;

	ck_assert_ptr_nonnull(v);
	switch (kind) {
	case LONG_WORD: {
		char *a = calloc(1, 2048);

		for (i = 0; i < 110; i++)
			sprintf(a + strlen(a), v6 ? "%s2001:db8::%x" : "%s10.0.%d.%d", i ? "," : "",
				v6 ? i + 1 : i / 250, i % 250 + 1);
		v[n++] = "-s";
		v[n++] = a;
		break;
	}
	case LONG_LINE:
		for (i = 0; i < 42; i++) {
			char *c = malloc(251);

			memset(c, 'a' + i % 26, 250);
			c[250] = '\0';
			v[n++] = "-m";
			v[n++] = "comment";
			v[n++] = "--comment";
			v[n++] = c;
		}
		break;
	case MANY_WORDS:
		for (i = 0; i < 90; i++) {
			v[n++] = "-m";
			v[n++] = "comment";
			v[n++] = "--comment";
			v[n++] = "c";
		}
		break;
	}
	/* what would run if the line were cut */
	v[n++] = "-j";
	v[n++] = "ACCEPT";
	v[n] = NULL;
	return v;
}

static void free_long_spec(int kind, const char **v)
{
	size_t i;

	for (i = 0; v[i]; i++)
		if ((kind == LONG_WORD && i == 1) || (kind == LONG_LINE && i % 4 == 3))
			free((char *)v[i]);
	free(v);
}

/* In a transaction (and around other ops), a rule gets what a single call gives it. */
START_TEST(long_rules_in_txn)
{
	const struct tcfg *c = exec_cfg(_i);
	iptables *h;
	int kind, rc1, rc2;

	tns_enter();
	h = topen(c);
	for (kind = 0; kind < N_LONG; kind++) {
		const char **spec = long_spec(kind, c->proto == IPTABLES_IPV6);
		char *single, *txn, *want;

		rc1 = iptables_append(h, "filter", "INPUT", spec);
		single = tlist(h, "filter", "INPUT", false, NULL);
		ck_rc(h, iptables_clear_chain(h, "filter", "INPUT"), 0);
		ck_rc(h, iptables_begin(h), 0);
		ck_rc(h, iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "DROP")), 0);
		ck_rc(h, iptables_append(h, "filter", "INPUT", spec), 0);
		ck_rc(h, iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "RETURN")), 0);
		rc2 = iptables_commit(h);
		ck_assert_msg(rc1 == rc2, "%s: kind %d: single call %d, transaction %d (%s)",
			      c->name, kind, rc1, rc2, iptables_errmsg(h));
		txn = tlist(h, "filter", "INPUT", false, NULL);
		if (rc1 == 0) {
			ck_assert(asprintf(&want, "-P INPUT ACCEPT\n-A INPUT -j DROP%s\n"
					   "-A INPUT -j RETURN", single + strlen("-P INPUT ACCEPT"))
				  > 0);
		} else {
			want = strdup("-P INPUT ACCEPT");
		}
		ck_assert_msg(!strcmp(txn, want), "%s: kind %d: got\n%.2000s\nwant\n%.2000s",
			      c->name, kind, txn, want);
		ck_rc(h, iptables_clear_chain(h, "filter", "INPUT"), 0);
		/* sync_chain writes through the same commit */
		{
			const char *const *specs[] = { IPTABLES_SPEC("-j", "DROP"), spec,
						       IPTABLES_SPEC("-j", "RETURN") };

			rc2 = iptables_sync_chain(h, "filter", "INPUT", specs, 3);
			ck_assert_msg(rc1 ? rc2 == rc1 : rc2 == 1, "%s: kind %d: sync_chain %d (%s)",
				      c->name, kind, rc2, iptables_errmsg(h));
			free(txn);
			txn = tlist(h, "filter", "INPUT", false, NULL);
			ck_assert_msg(!strcmp(txn, want), "%s: kind %d: sync_chain gave\n%.2000s",
				      c->name, kind, txn);
			ck_rc(h, iptables_clear_chain(h, "filter", "INPUT"), 0);
		}
		free(single);
		free(txn);
		free(want);
		free_long_spec(kind, spec);
	}
	iptables_free(h);
}
END_TEST

/* iptables-nft-restore cannot rename a chain created, or use one renamed, in the same run. */
START_TEST(rename_in_txn)
{
	const struct tcfg *c = exec_cfg(_i);
	iptables *h;
	char *out;

	tns_enter();
	h = topen(c);
	ck_rc(h, iptables_new_chain(h, "filter", "K"), 0);
	ck_rc(h, iptables_begin(h), 0);
	ck_rc(h, iptables_new_chain(h, "filter", "tA"), 0);
	ck_rc(h, iptables_rename_chain(h, "filter", "tA", "tB"), 0);
	ck_rc(h, iptables_append(h, "filter", "tB", IPTABLES_SPEC("-j", "ACCEPT")), 0);
	ck_rc(h, iptables_rename_chain(h, "filter", "K", "L"), 0);
	ck_rc(h, iptables_append(h, "filter", "L", IPTABLES_SPEC("-j", "tB")), 0);
	ck_rc(h, iptables_new_chain(h, "filter", "K"), 0);
	ck_rc(h, iptables_commit(h), 0);
	out = tlist(h, "filter", NULL, false, NULL);
	ck_assert_str_eq(out, "-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n-N K\n-N L\n-N tB\n"
			 "-A L -j tB\n-A tB -j ACCEPT");
	free(out);
	iptables_free(h);
}
END_TEST

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static iptables *open_path(const struct tcfg *c, const char *path, int timeout_s)
{
	struct iptables_options o = { .proto = c->proto, .backend = c->backend,
				      .path = path ? path : c->path, .timeout_s = timeout_s };
	iptables *h;

	ck_assert_int_eq(iptables_new(&h, &o), 0);
	return h;
}

/* A transaction over mangle then filter that the kernel refuses in filter. */
static int failing_two_table_txn(iptables *h)
{
	ck_rc(h, iptables_begin(h), 0);
	ck_rc(h, iptables_append(h, "mangle", "INPUT", IPTABLES_SPEC("-j", "ACCEPT")), 0);
	ck_rc(h, iptables_append(h, "filter", "INPUT",
				 IPTABLES_SPEC("-m", "tcp", "--dport", "22", "-j", "ACCEPT")), 0);
	return iptables_commit(h);
}

/*
 * Another writer commits to mangle while our restore runs (the wrapper starts it, with the
 * real lock file, just before the real restore): the put-back of our failed transaction must
 * not wipe its rule. (iptables-nft: a refusal of its parser; one of the kernel's can still
 * meet a put-back there, as no lock orders the writers.)
 */
START_TEST(putback_keeps_other_writers)
{
	const struct tcfg *c = exec_cfg(_i);
	char dir[] = "/tmp/ic-wrap-XXXXXX", *path, *out;
	double deadline;
	iptables *h;
	int rc;

	tns_enter();
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(tsh(NULL, NULL,
			     "printf '#!/bin/sh\nexec %s \"$@\"\n' > %s/ipt && "
			     "printf '#!/bin/sh\nexec %s-save \"$@\"\n' > %s/ipt-save && "
			     "printf '#!/bin/sh\nif [ \"$1\" = --noflush ]; then "
			     "XTABLES_LOCKFILE=%s %s -w 10 -t mangle -A OUTPUT -j ACCEPT "
			     "</dev/null >/dev/null 2>&1 & "
			     "sleep 0.5; fi\nexec %s-restore \"$@\"\n' > %s/ipt-restore && "
			     "chmod +x %s/ipt %s/ipt-save %s/ipt-restore", c->path, dir, c->path, dir,
			     tns_lockfile(), c->path, c->path, dir, dir, dir, dir), 0);
	ck_assert(asprintf(&path, "%s/ipt", dir) > 0);
	h = open_path(c, path, 10);
	rc = failing_two_table_txn(h);
	ck_assert_msg(rc < 0, "%s: committed", c->name);
	out = tcli(c, NULL, NULL, "-t filter -S INPUT");
	ck_assert_str_eq(out, "-P INPUT ACCEPT");
	/* the other writer's rule lands (now or once we let go of the lock) and stays */
	free(out);
	out = NULL;
	for (deadline = now_s() + 10; now_s() < deadline; usleep(50000)) {
		free(out);
		out = tcli(c, NULL, NULL, "-t mangle -S");
		if (strstr(out, "-A OUTPUT -j ACCEPT"))
			break;
	}
	usleep(300000);
	free(out);
	out = tcli(c, NULL, NULL, "-t mangle -S");
	ck_assert_msg(strstr(out, "-A OUTPUT -j ACCEPT") && !strstr(out, "-A INPUT"),
		      "%s: mangle after the failed transaction:\n%s", c->name, out);
	free(out);
	iptables_free(h);
	tsh(NULL, NULL, "rm -rf %s", dir);
	free(path);
}
END_TEST

/* The lock held by another app: one timeout, not one per table put back. */
START_TEST(failed_txn_waits_one_timeout)
{
	const struct tcfg *c = &tcfgs[EXEC_FIRST + _i];
	iptables *h;
	double t;
	int fd, rc;

	tns_enter();
	h = open_path(c, NULL, 1);
	fd = open(tns_lockfile(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(flock(fd, LOCK_EX), 0);
	t = now_s();
	rc = failing_two_table_txn(h);
	t = now_s() - t;
	ck_assert_msg(rc == IPTABLES_ELOCK, "%s: rc %d (%s)", c->name, rc, iptables_errmsg(h));
	ck_assert_msg(t < 1.8, "%s: the failed commit took %.1f s with a 1 s timeout", c->name, t);
	close(fd);
	iptables_free(h);
}
END_TEST

static char *stats_text(iptables *h, const char *chain)
{
	struct iptables_stat *st;
	char *t = strdup(""), *n;
	size_t k, cnt;

	ck_rc(h, iptables_stats(h, "filter", chain, &st, &cnt), 0);
	for (k = 0; k < cnt; k++) {
		ck_assert(asprintf(&n, "%s[%s|%s|%s|%s|%s|%s|%s|%s]\n", t, st[k].target,
				   st[k].protocol, st[k].opt, st[k].in, st[k].out, st[k].source,
				   st[k].destination, st[k].options) > 0);
		free(t);
		t = n;
	}
	iptables_stats_free(st, cnt);
	return t;
}

/*
 * Another tool put a newline in a comment (iptables accepts one in argv): `-S` and `-L` then
 * print the rule over two lines. The exec backend lists what the in-process one lists.
 */
START_TEST(comment_with_newline)
{
	const struct tcfg *c = exec_cfg(_i);
	const struct tcfg *ref = c->proto == IPTABLES_IPV6 ? &tcfgs[1] : &tcfgs[0];
	bool legacy = strstr(c->path, "legacy") != NULL;
	char *rule, *want = NULL, *got, *line;
	iptables *h, *r;

	tns_enter();
	ck_assert_int_eq(tsh(NULL, NULL, "%s -A INPUT -m comment --comment 'one\n"
			     "-A INPUT -j DROP \\\"q\\\"\n# two' -j ACCEPT && "
			     "%s -A INPUT -s %s -j DROP", c->cli, c->cli,
			     c->proto == IPTABLES_IPV6 ? "::1" : "1.2.3.4"), 0);
	h = topen(c);
	ck_assert_uint_eq(trule_count(h, "INPUT"), 2);
	rule = tcli(c, NULL, NULL, "-S INPUT 1");
	ck_rc(h, iptables_list_by_id(h, "filter", "INPUT", 1, &line), 0);
	ck_assert_str_eq(line, rule);
	ck_assert_ptr_nonnull(strchr(line, '\n'));
	free(line);
	ck_rc(h, iptables_list_by_id(h, "filter", "INPUT", 2, &line), 0);
	ck_assert_msg(!strncmp(line, "-A INPUT -s ", 12), "%s: rule 2: %s", c->name, line);
	free(line);
	got = stats_text(h, "INPUT");
	if (legacy) {
		/* the same kernel state through libiptc */
		r = topen(ref);
		want = tlist(r, "filter", "INPUT", false, NULL);
		free(rule);
		rule = tlist(h, "filter", "INPUT", false, NULL);
		ck_assert_str_eq(rule, want);
		free(want);
		want = tlist(r, "filter", "INPUT", true, NULL);
		free(rule);
		rule = tlist(h, "filter", "INPUT", true, NULL);
		ck_assert_str_eq(rule, want);
		free(want);
		want = stats_text(r, "INPUT");
		ck_assert_str_eq(got, want);
		iptables_free(r);
	} else {
		ck_assert_msg(strstr(got, "/* one -A INPUT -j DROP \\\"q\\\" # two */]\n"),
			      "%s: stats:\n%s", c->name, got);
	}
	free(got);
	free(want);
	free(rule);
	iptables_free(h);
}
END_TEST

Suite *tsuite(void)
{
	Suite *s = suite_create("harden_exec");
	TCase *tc = tcase_create("sigchld");

	tcase_set_timeout(tc, ttimeout(120));
	tcase_add_loop_test(tc, sigchld_ignored, 0, N_EXEC);
	tcase_add_loop_test(tc, sigchld_reaper, 0, N_EXEC);
	suite_add_tcase(s, tc);
	tc = tcase_create("lock");
	tcase_add_test(tc, lock_cloexec);
	tcase_add_test(tc, lock_released_despite_forked_child);
	tcase_add_test(tc, lock_not_inherited_by_fork);
	tcase_add_test(tc, xt_mutex_not_held_in_forked_child);
	suite_add_tcase(s, tc);
	tc = tcase_create("words");
	tcase_set_timeout(tc, ttimeout(120));
	tcase_add_loop_test(tc, double_dash_ends_spec, 0, N_EXEC);
	tcase_add_loop_test(tc, spec_policy_exec, 0, N_EXEC);
	tcase_add_loop_test(tc, comment_with_newline, 0, N_EXEC);
	suite_add_tcase(s, tc);
	tc = tcase_create("restore");
	tcase_set_timeout(tc, ttimeout(240));
	tcase_add_loop_test(tc, long_rules_in_txn, 0, N_EXEC);
	tcase_add_loop_test(tc, rename_in_txn, 0, N_EXEC);
	tcase_add_loop_test(tc, putback_keeps_other_writers, 0, N_EXEC);
	tcase_add_loop_test(tc, failed_txn_waits_one_timeout, 0, 2);
#ifdef IC_CORE_SPEC_POLICY
	tcase_add_loop_test(tc, spec_policy_libiptc, 0, EXEC_FIRST);
#endif
	suite_add_tcase(s, tc);
	return s;
}
