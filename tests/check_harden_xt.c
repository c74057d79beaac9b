/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hardening of the in-process layers (issue 13): what libiptc cannot represent, extensions
 * that exit, out of memory inside libxtables, and iptables' warnings in our messages.
 * The process must never crash or exit; every case comes back as a code.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xtables.h>
#include <linux/netfilter/xt_rateest.h>

#include "harness.h"

/* The harness matrix (libiptc, exec legacy/nft, native nft; both families), then the memory
 * backend for both. */
static const struct tcfg mem_cfgs[] = {
	{ "memory-v4", IPTABLES_BACKEND_MEMORY, IPTABLES_IPV4, NULL, NULL },
	{ "memory-v6", IPTABLES_BACKEND_MEMORY, IPTABLES_IPV6, NULL, NULL },
};
#define N_ALL ((int)n_tcfgs + 2)

static const struct tcfg *all_cfg(int i)
{
	return i < (int)n_tcfgs ? &tcfgs[i] : &mem_cfgs[i - (int)n_tcfgs];
}

/* A handle for @c, in a fresh namespace unless it needs no kernel. */
static iptables *open_cfg(const struct tcfg *c)
{
	if (c->backend != IPTABLES_BACKEND_MEMORY)
		tns_enter();
	return topen(c);
}

/* stdout and stderr (the descriptors) into a file; what was written there meanwhile. */
struct fdcap {
	int saved1, saved2, fd;
};

static void fdcap_begin(struct fdcap *cap)
{
	char path[] = "/tmp/iptc-harden-xt.XXXXXX";

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

static off_t fdcap_end(struct fdcap *cap)
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

/* ---- 1. rules larger than an x_tables entry can be ---- */

/* The backends whose rules are x_tables entries: libiptc, exec on iptables-legacy (whose
 * binary crashes on such a rule), and memory (which answers as libiptc). */
static const struct tcfg legacy_cfgs[] = {
	{ "libiptc-v4", IPTABLES_BACKEND_LIBIPTC, IPTABLES_IPV4, NULL, "iptables-legacy" },
	{ "libiptc-v6", IPTABLES_BACKEND_LIBIPTC, IPTABLES_IPV6, NULL, "ip6tables-legacy" },
	{ "exec-legacy-v4", IPTABLES_BACKEND_EXEC, IPTABLES_IPV4, "iptables-legacy", "iptables-legacy" },
	{ "exec-legacy-v6", IPTABLES_BACKEND_EXEC, IPTABLES_IPV6, "ip6tables-legacy", "ip6tables-legacy" },
	{ "memory-v4", IPTABLES_BACKEND_MEMORY, IPTABLES_IPV4, NULL, NULL },
	{ "memory-v6", IPTABLES_BACKEND_MEMORY, IPTABLES_IPV6, NULL, NULL },
};
#define N_LEGACY (sizeof(legacy_cfgs) / sizeof(legacy_cfgs[0]))

/*
 * `-m comment --comment <255 chars>` x @n, then -j ACCEPT. An entry is the head (112 bytes
 * for IPv4, 168 for IPv6), 288 bytes per comment match (32-byte header + 256 of data) and
 * the 40-byte standard target; target_offset and next_offset are 16 bits, so IPv4 holds
 * 227 comments (65,528 bytes) and not 228 (65,816), IPv6 226 (65,296) and not 227 (65,584).
 */
static const char **comments_spec(int n)
{
	static char text[256];
	const char **w = calloc((size_t)n * 4 + 3, sizeof(char *));
	int i, k = 0;

	memset(text, 'x', 255);
	for (i = 0; i < n; i++) {
		w[k++] = "-m";
		w[k++] = "comment";
		w[k++] = "--comment";
		w[k++] = text;
	}
	w[k++] = "-j";
	w[k++] = "ACCEPT";
	return w;
}

static int max_comments(const struct tcfg *c)
{
	return c->proto == IPTABLES_IPV6 ? 226 : 227;
}

#define ck_too_large(h, rc)                                                                 \
	do {                                                                                \
		ck_rc(h, rc, IPTABLES_EINVAL);                                              \
		ck_assert_msg(strstr(iptables_errmsg(h), "rule too large"), "%s: %s",       \
			      #rc, iptables_errmsg(h));                                     \
	} while (0)

START_TEST(entry_too_large_refused)
{
	const struct tcfg *c = &legacy_cfgs[_i];
	const char **big = comments_spec(max_comments(c) + 1);
	const char *const *specs[1] = { big };
	const char *const ok[] = { "-j", "ACCEPT", NULL };
	iptables *h;

	if (c->backend != IPTABLES_BACKEND_MEMORY)
		tns_enter();
	h = topen(c);
	ck_rc(h, iptables_append(h, "filter", "INPUT", ok), 0);
	ck_too_large(h, iptables_append(h, "filter", "INPUT", big));
	ck_too_large(h, iptables_append_unique(h, "filter", "INPUT", big));
	ck_too_large(h, iptables_insert(h, "filter", "INPUT", 1, big));
	ck_too_large(h, iptables_insert_unique(h, "filter", "INPUT", 1, big));
	ck_too_large(h, iptables_replace(h, "filter", "INPUT", 1, big));
	ck_too_large(h, iptables_exists(h, "filter", "INPUT", big));
	ck_too_large(h, iptables_delete(h, "filter", "INPUT", big));
	ck_too_large(h, iptables_delete_if_exists(h, "filter", "INPUT", big));
	ck_too_large(h, iptables_sync_chain(h, "filter", "INPUT", specs, 1));
	ck_assert_uint_eq(trule_count(h, "INPUT"), 1);

	/* in a transaction: each op is refused when logged, and the commit lands nothing */
	for (int k = 0; k < 5; k++) {
		ck_rc(h, iptables_begin(h), 0);
		ck_rc(h, iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "DROP")), 0);
		switch (k) {
		case 0:
			ck_too_large(h, iptables_append(h, "filter", "INPUT", big));
			break;
		case 1:
			ck_too_large(h, iptables_insert(h, "filter", "INPUT", 1, big));
			break;
		case 2:
			ck_too_large(h, iptables_delete(h, "filter", "INPUT", big));
			break;
		case 3:
			ck_too_large(h, iptables_replace(h, "filter", "INPUT", 1, big));
			break;
		case 4:
			ck_too_large(h, iptables_sync_chain(h, "filter", "INPUT", specs, 1));
			break;
		}
		ck_assert_int_lt(iptables_commit(h), 0);
		ck_assert_uint_eq(trule_count(h, "INPUT"), 1);
	}
	ck_rc(h, iptables_exists(h, "filter", "INPUT", ok), 1);
	iptables_free(h);
	free(big);
}
END_TEST

/* The largest rule an entry can hold still works, and reads back as iptables-legacy's. */
START_TEST(entry_at_limit_accepted)
{
	const struct tcfg *c = &legacy_cfgs[_i];
	const char **fits = comments_spec(max_comments(c));
	iptables *h;
	char **lines;
	size_t n;

	if (c->backend != IPTABLES_BACKEND_MEMORY)
		tns_enter();
	h = topen(c);
	ck_rc(h, iptables_append(h, "filter", "INPUT", fits), 0);
	ck_rc(h, iptables_exists(h, "filter", "INPUT", fits), 1);
	ck_rc(h, iptables_begin(h), 0);
	ck_rc(h, iptables_insert(h, "filter", "INPUT", 1, fits), 0);
	ck_rc(h, iptables_commit(h), 0);
	ck_assert_uint_eq(trule_count(h, "INPUT"), 2);
	if (c->cli)
		ck_oracle(h, c, "filter", "INPUT", false);
	ck_rc(h, iptables_list(h, "filter", "INPUT", &lines, &n), 0);
	ck_assert_uint_eq(n, 3);
	iptables_strv_free(lines, n);
	ck_rc(h, iptables_delete(h, "filter", "INPUT", fits), 0);
	ck_assert_uint_eq(trule_count(h, "INPUT"), 1);
	iptables_free(h);
	free(fits);
}
END_TEST

/* ---- 2. extensions that call exit() themselves ---- */

/* libxt_rateest accepts this (its final check adds ABS), and its print and save call
 * exit(1) on the mode it left unset. */
#define RATEEST_NO_MODE "-m", "rateest", "--rateest1", "foo", "--rateest-bps1", "10", "-j", "ACCEPT"

START_TEST(exiting_extension_trapped)
{
	const struct tcfg *c = all_cfg(_i);
	const char *const bad[] = { RATEEST_NO_MODE, NULL };
	const char *const *specs[2] = { IPTABLES_SPEC("-j", "ACCEPT"), bad };
	struct fdcap cap;
	iptables *h = open_cfg(c);
	char **lines;
	size_t n;
	off_t printed;
	int rc[3];

	ck_rc(h, iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "ACCEPT")), 0);
	fdcap_begin(&cap);
	rc[0] = iptables_sync_chain(h, "filter", "INPUT", specs, 2);
	/* in a transaction the rules are only parsed when logged (printing comes later) */
	iptables_begin(h);
	rc[1] = iptables_sync_chain(h, "filter", "INPUT", specs, 2);
	iptables_commit(h);
	/* whatever the kernel makes of the rule, listing it must not end the process */
	iptables_append(h, "filter", "INPUT", bad);
	rc[2] = iptables_list(h, "filter", "INPUT", &lines, &n);
	printed = fdcap_end(&cap);

	ck_assert_msg(printed == 0, "%s: the library printed %lld bytes", c->name,
		      (long long)printed);
	ck_rc(h, rc[0], IPTABLES_EINVAL);
	ck_assert_msg(rc[1] == 1 || rc[1] == IPTABLES_EINVAL, "%s: %d", c->name, rc[1]);
	if (rc[2] == 0)
		iptables_strv_free(lines, n);
	else
		ck_rc(h, rc[2], IPTABLES_EINVAL);
	/* the message says who exited */
	ck_rc(h, iptables_sync_chain(h, "filter", "INPUT", specs, 2), IPTABLES_EINVAL);
	ck_assert_msg(strstr(iptables_errmsg(h), "libxt_rateest.so called exit(1)"), "%s: %s",
		      c->name, iptables_errmsg(h));
	iptables_free(h);
}
END_TEST

/* Outside the library's door exit() is what it always was: the host's own, and even the
 * extension's when the host drives libxtables itself. */
START_TEST(exit_unchanged_outside_the_door)
{
	const char *const bad[] = { RATEEST_NO_MODE, NULL };
	const char *const *specs[1] = { bad };
	struct xt_entry_match *m;
	struct xtables_match *x;
	int status;
	pid_t pid;
	iptables *h;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		h = topen(&mem_cfgs[0]);
		if (iptables_sync_chain(h, "filter", "INPUT", specs, 1) != IPTABLES_EINVAL)
			_exit(20);
		iptables_free(h);	/* the exits below run leak checkers' atexit hooks */
		for (x = xtables_matches; x && strcmp(x->name, "rateest"); x = x->next)
			;
		if (!x || !x->save)
			_exit(21);
		m = calloc(1, XT_ALIGN(sizeof(*m)) + XT_ALIGN(sizeof(struct xt_rateest_match_info)));
		((struct xt_rateest_match_info *)m->data)->flags = XT_RATEEST_MATCH_ABS |
								    XT_RATEEST_MATCH_BPS;
		if (!freopen("/dev/null", "w", stdout))
			_exit(23);
		x->save(NULL, m);	/* exit(1), the extension's own */
		_exit(22);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 1, "status %#x", status);

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		h = topen(&mem_cfgs[1]);
		iptables_sync_chain(h, "filter", "INPUT", specs, 1);
		iptables_free(h);
		exit(7);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 7, "status %#x", status);
}
END_TEST

/* ---- 3. out of memory inside libxtables ---- */

extern long ic_test_xt_alloc_fail_at;	/* lib/xt/xt_guard.c, test builds only */

/* Fail the Nth libxtables allocation of @fn(h), N = 1, 2, ... until @fn makes fewer: each
 * call returns 0 or IPTABLES_ENOMEM (never exits); returns how many were ENOMEM. */
static int sweep(const struct tcfg *c, iptables *h, const char *what,
		 int (*fn)(iptables *h, void *arg), void *arg)
{
	int nomem = 0, rc;
	long left;

	for (long at = 1; at < 5000; at++) {
		ic_test_xt_alloc_fail_at = at;
		rc = fn(h, arg);
		left = ic_test_xt_alloc_fail_at;
		ic_test_xt_alloc_fail_at = 0;
		ck_assert_msg(rc >= 0 || rc == IPTABLES_ENOMEM,
			      "%s: %s with allocation %ld failing: %d (%s) %s", c->name, what, at,
			      rc, iptables_strerror(rc), iptables_errmsg(h));
		if (rc == IPTABLES_ENOMEM) {
			nomem++;
			ck_assert_msg(strstr(iptables_errmsg(h), "memory"), "%s: %s", c->name,
				      iptables_errmsg(h));
		}
		if (left > 0)
			break;		/* fewer allocations than @at: every one was failed once */
	}
	return nomem;
}

static const char *const *oom_spec(const struct tcfg *c)
{
	static const char *const v4[] = {
		"-s", "10.0.0.1,10.0.0.2", "-p", "tcp", "-m", "tcp", "--dport", "22",
		"-m", "comment", "--comment", "hello", "-m", "conntrack", "--ctstate", "NEW",
		"-m", "multiport", "--sports", "1000:2000,3000",
		"-j", "LOG", "--log-prefix", "oom", NULL };
	static const char *const v6[] = {
		"-s", "2001:db8::1,2001:db8::2", "-p", "tcp", "-m", "tcp", "--dport", "22",
		"-m", "comment", "--comment", "hello", "-m", "conntrack", "--ctstate", "NEW",
		"-m", "multiport", "--sports", "1000:2000,3000",
		"-j", "LOG", "--log-prefix", "oom", NULL };

	return c->proto == IPTABLES_IPV6 ? v6 : v4;
}

static int do_append_delete(iptables *h, void *arg)
{
	const char *const *spec = arg;
	int rc = iptables_append(h, "filter", "INPUT", spec);

	if (rc == 0) {
		long at = ic_test_xt_alloc_fail_at;

		ic_test_xt_alloc_fail_at = 0;	/* the clean-up must not fail */
		ck_assert_int_eq(iptables_delete(h, "filter", "INPUT", spec), 0);
		ic_test_xt_alloc_fail_at = at;
	}
	return rc;
}

static int do_list(iptables *h, void *arg)
{
	char **lines;
	size_t n;
	int rc = iptables_list(h, "filter", "INPUT", &lines, &n);

	if (rc == 0)
		iptables_strv_free(lines, n);
	return rc;
}

static int do_sync(iptables *h, void *arg)
{
	const char *const *specs[1] = { arg };

	return iptables_sync_chain(h, "filter", "SWEEP", specs, 1);
}

START_TEST(xtables_oom_is_enomem)
{
	const struct tcfg *c = all_cfg(_i);
	const char *const *spec = oom_spec(c);
	struct fdcap cap;
	iptables *h = open_cfg(c);
	int nomem = 0;
	off_t printed;
	char *before, *after;

	ck_rc(h, iptables_new_chain(h, "filter", "SWEEP"), 0);
	fdcap_begin(&cap);
	nomem += sweep(c, h, "append", do_append_delete, (void *)spec);
	ck_rc(h, iptables_append(h, "filter", "INPUT", spec), 0);
	before = tlist(h, "filter", NULL, false, NULL);
	nomem += sweep(c, h, "list", do_list, NULL);
	nomem += sweep(c, h, "sync_chain", do_sync, (void *)spec);
	printed = fdcap_end(&cap);

	ck_assert_msg(nomem > 0, "%s: no allocation failure was injected", c->name);
	ck_assert_msg(printed == 0, "%s: the library printed %lld bytes", c->name,
		      (long long)printed);
	/* libxtables is still usable, and the ruleset is what the calls that worked made */
	ck_rc(h, iptables_exists(h, "filter", "INPUT", spec), 1);
	ck_rc(h, iptables_exists(h, "filter", "SWEEP", spec), 1);
	ck_rc(h, iptables_delete(h, "filter", "SWEEP", spec), 0);
	after = tlist(h, "filter", NULL, false, NULL);
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
	iptables_free(h);
}
END_TEST

/* ---- 4. iptables' warnings before its error ---- */

/* Extensions whose kernel module this kernel lacks: iptables-legacy prints "Warning:
 * Extension X revision 0 not supported, missing kernel module?" before the kernel's error,
 * and so must our message read. */
START_TEST(missing_module_warning)
{
	const struct tcfg *c = &legacy_cfgs[_i];
	const char *const *const specs[] = {
		IPTABLES_SPEC("-j", "LED", "--led-trigger-id", "x"),
		IPTABLES_SPEC("-m", "ipvs", "--ipvs", "-j", "ACCEPT"),
	};
	char *cli_err, *words;
	int status, rc;
	iptables *h;

	tns_enter();
	h = topen(c);
	for (size_t k = 0; k < sizeof(specs) / sizeof(specs[0]); k++) {
		words = tshjoin(specs[k]);
		free(tcli(c, &status, &cli_err, "-A INPUT %s", words));
		ck_assert_int_ne(status, 0);
		ck_assert_msg(strstr(cli_err, "Warning: Extension "), "%s: this kernel has the "
			      "module, the test needs one it lacks: %s", c->name, cli_err);
		/* the code for a missing module is issue 13's "one code per case" item: not
		 * decided here (libiptc says EINVAL, exec ENOTFOUND today) */
		rc = iptables_append(h, "filter", "INPUT", specs[k]);
		ck_assert_int_lt(rc, 0);
		ck_assert_str_eq(iptables_errmsg(h), cli_err);
		/* the warning belongs to the failed call only */
		ck_rc(h, iptables_delete(h, "filter", "INPUT", IPTABLES_SPEC("-j", "ACCEPT")),
		      IPTABLES_ENOTFOUND);
		ck_assert_ptr_null(strstr(iptables_errmsg(h), "Warning"));
		free(cli_err);
		free(words);
	}
	ck_assert_uint_eq(trule_count(h, "INPUT"), 0);
	iptables_free(h);
}
END_TEST

Suite *tsuite(void)
{
	Suite *s = suite_create("harden_xt");
	TCase *tc = tcase_create("entry_size");

	tcase_set_timeout(tc, ttimeout(120));
	tcase_add_loop_test(tc, entry_too_large_refused, 0, N_LEGACY);
	tcase_add_loop_test(tc, entry_at_limit_accepted, 0, N_LEGACY);
	suite_add_tcase(s, tc);
	tc = tcase_create("exit");
	tcase_set_timeout(tc, ttimeout(120));
	tcase_add_loop_test(tc, exiting_extension_trapped, 0, N_ALL);
	tcase_add_test(tc, exit_unchanged_outside_the_door);
	suite_add_tcase(s, tc);
	tc = tcase_create("oom");
	tcase_set_timeout(tc, ttimeout(300));
	tcase_add_loop_test(tc, xtables_oom_is_enomem, 0, N_ALL);
	suite_add_tcase(s, tc);
	tc = tcase_create("warnings");
	tcase_set_timeout(tc, ttimeout(60));
	tcase_add_loop_test(tc, missing_module_warning, 0, 4);	/* libiptc, exec-legacy */
	suite_add_tcase(s, tc);
	return s;
}
