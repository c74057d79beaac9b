/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Error codes and messages: absent objects, argument validation, iptables' own wording,
 * exit statuses, per-thread messages, and silence on stdout/stderr. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

#define CFG (&tcfgs[_i])

static const char *fam_addr(const struct tcfg *c)
{
	return c->proto == IPTABLES_IPV6 ? "2001:db8::1" : "192.0.2.1";
}

START_TEST(test_not_found)
{
	const char *const spec[] = { "-s", fam_addr(CFG), "-j", "ACCEPT", NULL };
	struct iptables_stat *st = NULL;
	iptables *h;
	char **v = NULL, *line = NULL;
	size_t n = 0;

	h = topen(CFG);
	ck_rc(h, iptables_list(h, "nosuch", NULL, &v, &n), IPTABLES_ENOTFOUND);
	ck_assert_str_ne(iptables_errmsg(h), "");
	ck_rc(h, iptables_list(h, "nosuch", "INPUT", &v, &n), IPTABLES_ENOTFOUND);
	ck_rc(h, iptables_list_with_counters(h, "nosuch", NULL, &v, &n), IPTABLES_ENOTFOUND);
	ck_rc(h, iptables_list_chains(h, "nosuch", &v, &n), IPTABLES_ENOTFOUND);
	ck_rc(h, iptables_stats(h, "nosuch", "INPUT", &st, &n), IPTABLES_ENOTFOUND);
	ck_rc(h, iptables_append(h, "nosuch", "INPUT", spec), IPTABLES_ENOTFOUND);
	ck_rc(h, iptables_new_chain(h, "nosuch", "foo"), IPTABLES_ENOTFOUND);
	ck_rc(h, iptables_clear_all(h, "nosuch"), IPTABLES_ENOTFOUND);

	/* absent chain */
	ck_rc(h, iptables_list(h, "filter", "nochain", &v, &n), IPTABLES_ENOTFOUND);
	ck_assert_str_ne(iptables_errmsg(h), "");
	ck_rc(h, iptables_list_with_counters(h, "filter", "nochain", &v, &n), IPTABLES_ENOTFOUND);
	ck_rc(h, iptables_list_by_id(h, "filter", "nochain", 1, &line), IPTABLES_ENOTFOUND);
	ck_rc(h, iptables_stats(h, "filter", "nochain", &st, &n), IPTABLES_ENOTFOUND);
	ck_rc(h, iptables_append(h, "filter", "nochain", spec), IPTABLES_ENOTFOUND);
	ck_rc(h, iptables_insert(h, "filter", "nochain", 1, spec), IPTABLES_ENOTFOUND);
	ck_rc(h, iptables_replace(h, "filter", "nochain", 1, spec), IPTABLES_ENOTFOUND);
	ck_rc(h, iptables_delete(h, "filter", "nochain", spec), IPTABLES_ENOTFOUND);
	ck_rc(h, iptables_delete_by_id(h, "filter", "nochain", 1), IPTABLES_ENOTFOUND);
	ck_rc(h, iptables_delete_chain(h, "filter", "nochain"), IPTABLES_ENOTFOUND);
	ck_rc(h, iptables_rename_chain(h, "filter", "nochain", "other"), IPTABLES_ENOTFOUND);
	ck_rc(h, iptables_change_policy(h, "filter", "nochain", "DROP"), IPTABLES_ENOTFOUND);
	ck_assert_int_eq(iptables_exists(h, "filter", "nochain", spec), 0);
	ck_assert_int_eq(iptables_chain_exists(h, "filter", "nochain"), 0);

	/* absent rule */
	ck_rc(h, iptables_delete(h, "filter", "INPUT", spec), IPTABLES_ENOTFOUND);
	ck_assert_str_ne(iptables_errmsg(h), "");
	ck_rc(h, iptables_delete_by_id(h, "filter", "INPUT", 1), IPTABLES_ERANGE);
	ck_rc(h, iptables_list_by_id(h, "filter", "INPUT", 1, &line), IPTABLES_ENOTFOUND);
	ck_assert_int_eq(iptables_exists(h, "filter", "INPUT", spec), 0);
	ck_oracle(h, CFG, "filter", NULL, false);
	iptables_free(h);
}
END_TEST

/* ---- validation that runs nothing ---- */

/* For exec configs: a wrapper named like the CLI that logs each run, so we see whether the
 * library spawned anything. Returns the log path; *wrapper gets the wrapper path. */
static char *make_logging_wrapper(const struct tcfg *c, char **wrapper)
{
	char dir[] = "/tmp/iptc-test-wrap.XXXXXX", *log, *script;
	FILE *f;

	ck_assert(mkdtemp(dir));
	ck_assert(asprintf(&log, "%s/log", dir) >= 0);
	ck_assert(asprintf(wrapper, "%s/%s", dir, c->path) >= 0);
	ck_assert(asprintf(&script, "#!/bin/sh\necho \"$*\" >> '%s'\nexec %s \"$@\"\n", log,
			   c->path) >= 0);
	f = fopen(*wrapper, "w");
	ck_assert(f);
	fputs(script, f);
	fclose(f);
	chmod(*wrapper, 0755);
	free(script);
	return log;
}

static off_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? st.st_size : 0;
}

#define CK_EINVAL(h, call)                                                                  \
	do {                                                                                \
		ck_rc(h, call, IPTABLES_EINVAL);                                            \
		ck_assert_msg(iptables_errmsg(h)[0] != '\0', "empty errmsg after %s", #call); \
	} while (0)

START_TEST(test_validation)
{
	const struct tcfg *c = CFG;
	struct iptables_options o = { .proto = c->proto, .backend = c->backend };
	char *wrapper = NULL, *log = NULL, *before, *after, **v, *line;
	char t32[33], c29[30], c28[29];
	const char *spec_ok[] = { "-j", "ACCEPT", NULL };
	const char *spec_nl[] = { "-m", "comment", "--comment", "a\nb", "-j", "ACCEPT", NULL };
	const char *spec_nl2[] = { "-j", "ACCEPT\n-A INPUT -j DROP", NULL };
	struct iptables_stat *st;
	off_t logsz = 0;
	iptables *h;
	size_t n;

	if (c->backend == IPTABLES_BACKEND_EXEC) {
		log = make_logging_wrapper(c, &wrapper);
		o.path = wrapper;
	}
	ck_rc(NULL, iptables_new(&h, &o), 0);
	before = tlist(h, "filter", NULL, false, NULL);
	ck_assert(before);
	if (log)
		logsz = file_size(log);
	memset(t32, 'a', 32);
	t32[32] = '\0';
	memset(c29, 'c', 29);
	c29[29] = '\0';

	/* NULL handle */
	ck_assert_int_eq(iptables_append(NULL, "filter", "INPUT", spec_ok), IPTABLES_EINVAL);
	ck_assert_int_eq(iptables_new_chain(NULL, "filter", "x"), IPTABLES_EINVAL);
	ck_assert_int_eq(iptables_list(NULL, "filter", NULL, &v, &n), IPTABLES_EINVAL);
	ck_assert_int_eq(iptables_exists(NULL, "filter", "INPUT", spec_ok), IPTABLES_EINVAL);
	ck_assert_int_eq(iptables_chain_exists(NULL, "filter", "INPUT"), IPTABLES_EINVAL);
	ck_assert_int_eq(iptables_new(NULL, &o), IPTABLES_EINVAL);
	ck_assert_ptr_nonnull(iptables_errmsg(NULL));

	/* NULL table / chain / spec / outputs */
	CK_EINVAL(h, iptables_append(h, NULL, "INPUT", spec_ok));
	CK_EINVAL(h, iptables_append(h, "filter", NULL, spec_ok));
	CK_EINVAL(h, iptables_append(h, "filter", "INPUT", NULL));
	CK_EINVAL(h, iptables_exists(h, "filter", "INPUT", NULL));
	CK_EINVAL(h, iptables_delete(h, "filter", "INPUT", NULL));
	CK_EINVAL(h, iptables_insert(h, "filter", "INPUT", 1, NULL));
	CK_EINVAL(h, iptables_new_chain(h, "filter", NULL));
	CK_EINVAL(h, iptables_new_chain(h, NULL, "x"));
	CK_EINVAL(h, iptables_rename_chain(h, "filter", "INPUT", NULL));
	CK_EINVAL(h, iptables_change_policy(h, "filter", "INPUT", NULL));
	CK_EINVAL(h, iptables_list(h, NULL, NULL, &v, &n));
	CK_EINVAL(h, iptables_list_chains(h, NULL, &v, &n));
	CK_EINVAL(h, iptables_stats(h, NULL, "INPUT", &st, &n));
	CK_EINVAL(h, iptables_clear_all(h, NULL));
	ck_assert_int_eq(iptables_list(h, "filter", NULL, NULL, &n), IPTABLES_EINVAL);
	ck_assert_int_eq(iptables_list(h, "filter", NULL, &v, NULL), IPTABLES_EINVAL);
	ck_assert_int_eq(iptables_list_by_id(h, "filter", "INPUT", 1, NULL), IPTABLES_EINVAL);

	/* over-long names, bad positions, line breaks */
	CK_EINVAL(h, iptables_list(h, t32, NULL, &v, &n));
	CK_EINVAL(h, iptables_append(h, t32, "INPUT", spec_ok));
	CK_EINVAL(h, iptables_new_chain(h, "filter", c29));
	CK_EINVAL(h, iptables_append(h, "filter", c29, spec_ok));
	CK_EINVAL(h, iptables_rename_chain(h, "filter", "INPUT", c29));
	CK_EINVAL(h, iptables_insert(h, "filter", "INPUT", 0, spec_ok));
	CK_EINVAL(h, iptables_replace(h, "filter", "INPUT", -1, spec_ok));
	CK_EINVAL(h, iptables_delete_by_id(h, "filter", "INPUT", 0));
	CK_EINVAL(h, iptables_list_by_id(h, "filter", "INPUT", 0, &line));
	CK_EINVAL(h, iptables_append(h, "filter", "INPUT", spec_nl));
	CK_EINVAL(h, iptables_append(h, "filter", "INPUT", spec_nl2));
	CK_EINVAL(h, iptables_exists(h, "filter", "INPUT", spec_nl));
	CK_EINVAL(h, iptables_new_chain(h, "filter", "a\nb"));
	CK_EINVAL(h, iptables_new_chain(h, "filter\n", "ab"));
	CK_EINVAL(h, iptables_change_policy(h, "filter", "INPUT", "DROP\n"));

	if (log)
		ck_assert_msg(file_size(log) == logsz, "%s: the library ran %s for bad input",
			      c->name, c->path);
	after = tlist(h, "filter", NULL, false, NULL);
	ck_assert_str_eq(after, before);
	free(after);

	/* the longest legal chain name works */
	memset(c28, 'd', 28);
	c28[28] = '\0';
	ck_rc(h, iptables_new_chain(h, "filter", c28), 0);
	ck_assert_int_eq(iptables_chain_exists(h, "filter", c28), 1);
	ck_oracle(h, c, "filter", NULL, false);
	if (log) {
		unlink(log);
		unlink(wrapper);
		*strrchr(log, '/') = '\0';
		rmdir(log);
	}
	free(before);
	free(log);
	free(wrapper);
	iptables_free(h);
}
END_TEST

/* ---- iptables' own wording ---- */

struct badspec {
	const char *v4[8], *v6[8];
};

static const struct badspec bad[] = {
	{ { "--foo", NULL }, { "--foo", NULL } },
	{ { "-m", "foo", NULL }, { "-m", "foo", NULL } },
	{ { "-j", "FOOO", NULL }, { "-j", "FOOO", NULL } },
	{ { "-p", "tcp", "--dport", "99999", NULL }, { "-p", "tcp", "--dport", "99999", NULL } },
	{ { "--dport", "22", NULL }, { "--dport", "22", NULL } },
	{ { "-s", "999.1.1.1", NULL }, { "-s", "2001:db8::zz", NULL } },
	{ { "-p", "tcp", "stray", NULL }, { "-p", "tcp", "stray", NULL } },
	{ { "-p", "nosuchproto", NULL }, { "-p", "nosuchproto", NULL } },
	{ { "-m", "udp", "--sport", "x", NULL }, { "-m", "udp", "--sport", "x", NULL } },
	{ { "-j", "LOG", "--log-level", "nine", NULL },
	  { "-j", "LOG", "--log-level", "nine", NULL } },
	{ { "-j", "REJECT", "--reject-with", "icmp6-adm-prohibited", NULL },
	  { "-j", "REJECT", "--reject-with", "icmp-host-prohibited", NULL } },
	{ { "-i", "eth0", "-i", "eth1", NULL }, { "-i", "eth0", "-i", "eth1", NULL } },
	{ { "-m", "limit", "--limit", "fast", NULL }, { "-m", "limit", "--limit", "fast", NULL } },
};

START_TEST(test_wording)
{
	const struct tcfg *c = CFG;
	iptables *h;
	size_t k;

	h = topen(c);
	for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		const char *const *spec = c->proto == IPTABLES_IPV6 ? bad[k].v6 : bad[k].v4;
		char *words = tshjoin(spec), *err;
		int st, rc;

		free(tcli(c, &st, &err, "-t filter -A INPUT %s", words));
		ck_assert_msg(st == 2, "oracle accepted bad spec `%s` (%d)", words, st);
		rc = iptables_append(h, "filter", "INPUT", spec);
		ck_assert_msg(rc == IPTABLES_EINVAL, "%s: append `%s` = %d (%s), want EINVAL",
			      c->name, words, rc, iptables_strerror(rc));
		ck_assert_msg(strcmp(iptables_errmsg(h), err) == 0,
			      "%s: spec `%s`\nerrmsg:\n%s\noracle stderr:\n%s", c->name, words,
			      iptables_errmsg(h), err);
		ck_assert_int_eq(iptables_exit_status(h),
				 c->backend == IPTABLES_BACKEND_EXEC ? st : 0);
		rc = iptables_exists(h, "filter", "INPUT", spec);
		ck_assert_msg(rc == IPTABLES_EINVAL, "%s: exists `%s` = %d, want EINVAL", c->name,
			      words, rc);
		free(words);
		free(err);
	}
	ck_oracle(h, c, "filter", NULL, false);
	iptables_free(h);
}
END_TEST

START_TEST(test_exit_status)
{
	const struct tcfg *c = CFG;
	const char *const spec[] = { "-s", fam_addr(c), "-j", "ACCEPT", NULL };
	iptables *h;
	char *words = tshjoin(spec);
	int st;

	h = topen(c);
	ck_assert_int_eq(iptables_exit_status(h), 0);
	ck_rc(h, iptables_delete(h, "filter", "INPUT", spec), IPTABLES_ENOTFOUND);
	free(tcli(c, &st, NULL, "-D INPUT %s", words));
	ck_assert_int_eq(st, 1);
	ck_assert_int_eq(iptables_exit_status(h), c->backend == IPTABLES_BACKEND_EXEC ? 1 : 0);
	ck_rc(h, iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("--foo")), IPTABLES_EINVAL);
	ck_assert_int_eq(iptables_exit_status(h), c->backend == IPTABLES_BACKEND_EXEC ? 2 : 0);
	free(words);
	iptables_free(h);
}
END_TEST

START_TEST(test_strerror)
{
	const char *seen[12];
	int code, j;

	for (code = 0; code >= IPTABLES_EUNSUPPORTED; code--) {
		const char *s = iptables_strerror(code);

		ck_assert_msg(s && *s, "strerror(%d) empty", code);
		for (j = 0; j < -code; j++)
			ck_assert_msg(strcmp(seen[j], s) != 0, "strerror(%d) == strerror(%d)", code,
				      -j);
		seen[-code] = s;
	}
	ck_assert_ptr_nonnull(iptables_strerror(-1000));
	ck_assert_ptr_nonnull(iptables_strerror(5));
	ck_assert_str_ne(iptables_strerror(-1000), "");
}
END_TEST

/* ---- per-thread messages ---- */

struct thr {
	iptables *h;
	pthread_barrier_t *bar;
	const char *const *spec;
	int want;
	char first[1024];
	int bad;
	char why[2048];
};

static void *thr_main(void *arg)
{
	struct thr *t = arg;
	int k, rc;

	for (k = 0; k < 4; k++) {
		rc = iptables_delete(t->h, "filter", "INPUT", t->spec);
		if (rc != t->want) {
			snprintf(t->why, sizeof(t->why), "rc %d want %d", rc, t->want);
			t->bad = 1;
		}
		if (k == 0)
			snprintf(t->first, sizeof(t->first), "%s", iptables_errmsg(t->h));
		/* the other thread fails now */
		pthread_barrier_wait(t->bar);
		pthread_barrier_wait(t->bar);
		if (strcmp(iptables_errmsg(t->h), t->first) != 0 && !t->bad) {
			snprintf(t->why, sizeof(t->why),
				 "iteration %d: errmsg changed to `%s', was `%s'", k,
				 iptables_errmsg(t->h), t->first);
			t->bad = 1;
		}
	}
	return NULL;
}

START_TEST(test_errmsg_per_thread)
{
	const struct tcfg *c = CFG;
	pthread_barrier_t bar;
	pthread_t ta, tb;
	struct thr a = { 0 }, b = { 0 };
	char mine[1024];
	iptables *h;

	h = topen(c);
	ck_rc(h, iptables_append(h, NULL, "INPUT", IPTABLES_SPEC("-j", "ACCEPT")), IPTABLES_EINVAL);
	snprintf(mine, sizeof(mine), "%s", iptables_errmsg(h));
	pthread_barrier_init(&bar, NULL, 2);
	a.h = b.h = h;
	a.bar = b.bar = &bar;
	a.spec = IPTABLES_SPEC("-s", fam_addr(c), "-j", "ACCEPT");
	a.want = IPTABLES_ENOTFOUND;
	b.spec = IPTABLES_SPEC("-p", "tcp", "--nosuchopt", "1");
	b.want = IPTABLES_EINVAL;
	pthread_create(&ta, NULL, thr_main, &a);
	pthread_create(&tb, NULL, thr_main, &b);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	pthread_barrier_destroy(&bar);
	ck_assert_msg(!a.bad, "%s: thread A: %s", c->name, a.why);
	ck_assert_msg(!b.bad, "%s: thread B: %s", c->name, b.why);
	ck_assert_str_ne(a.first, "");
	ck_assert_str_ne(b.first, "");
	ck_assert_str_ne(a.first, b.first);
	ck_assert_ptr_nonnull(strstr(b.first, "unknown option \"--nosuchopt\""));
	ck_assert_str_eq(iptables_errmsg(h), mine);
	iptables_free(h);
}
END_TEST

/* ---- the library prints nothing ---- */

START_TEST(test_silence)
{
	const struct tcfg *c = CFG;
	const char *a = fam_addr(c);
	char path[] = "/tmp/iptc-test-out.XXXXXX", buf[4096], *out;
	int fd, save1, save2, rc[32], nrc = 0, k;
	struct iptables_stat *st;
	iptables *h;
	char **v;
	size_t n;
	ssize_t got;

	h = topen(c);
	fd = mkstemp(path);
	ck_assert(fd >= 0);
	unlink(path);
	fflush(stdout);
	fflush(stderr);
	save1 = dup(1);
	save2 = dup(2);
	dup2(fd, 1);
	dup2(fd, 2);

	/* help and version words: whatever they return, they must not print or exit */
	iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-m", "tcp", "--help"));
	iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-h"));
	iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-V"));
	iptables_delete_if_exists(h, "filter", "INPUT", IPTABLES_SPEC("--help"));
	/* these must fail */
	rc[nrc++] = iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("--foo"));
	rc[nrc++] = iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-m", "foo"));
	rc[nrc++] = iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "FOOO"));
	rc[nrc++] = iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-s", "999.999.1.1"));
	rc[nrc++] = iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-p", "tcp", "stray"));
	rc[nrc++] = iptables_append(h, "filter", "INPUT",
				    IPTABLES_SPEC("-p", "tcp", "--dport", "99999"));
	rc[nrc++] = iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "LOG", "--log-level",
									"nine"));
	rc[nrc++] = iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "MASQUERADE"));
	rc[nrc++] = iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-m", "tcp", "--dport",
									"22"));
	rc[nrc++] = iptables_delete(h, "filter", "INPUT", IPTABLES_SPEC("-s", a, "-j", "DROP"));
	rc[nrc++] = iptables_delete_chain(h, "filter", "nochain");
	rc[nrc++] = iptables_list(h, "nosuch", NULL, &v, &n);
	rc[nrc++] = iptables_list_chains(h, "nosuch", &v, &n);
	rc[nrc++] = iptables_stats(h, "filter", "nochain", &st, &n);
	rc[nrc++] = iptables_change_policy(h, "filter", "INPUT", "BOGUS");
	rc[nrc++] = iptables_new_chain(h, "filter", "INPUT");
	rc[nrc++] = iptables_append(h, NULL, "INPUT", IPTABLES_SPEC("-j", "ACCEPT"));

	fflush(stdout);
	fflush(stderr);
	dup2(save1, 1);
	dup2(save2, 2);
	close(save1);
	close(save2);
	lseek(fd, 0, SEEK_SET);
	got = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[got > 0 ? got : 0] = '\0';
	ck_assert_msg(got == 0, "%s: the library printed %zd bytes:\n%s", c->name, got, buf);
	for (k = 0; k < nrc; k++)
		ck_assert_msg(rc[k] < 0, "%s: failing call #%d returned %d", c->name, k + 1, rc[k]);
	ck_oracle(h, c, "filter", NULL, false);
	out = tlist(h, "filter", "INPUT", false, NULL);
	ck_assert_str_eq(out, "-P INPUT ACCEPT");
	free(out);
	iptables_free(h);
}
END_TEST

Suite *tsuite(void)
{
	Suite *s = suite_create("errors");
	TCase *tc = tcase_create("errors");
	TCase *pure = tcase_create("pure");

	tcase_add_checked_fixture(tc, tns_enter, NULL);
	tcase_set_timeout(tc, ttimeout(60));
	tcase_add_loop_test(tc, test_not_found, 0, (int)n_tcfgs);
	tcase_add_loop_test(tc, test_validation, 0, (int)n_tcfgs);
	tcase_add_loop_test(tc, test_wording, 0, (int)n_tcfgs);
	tcase_add_loop_test(tc, test_exit_status, 0, (int)n_tcfgs);
	tcase_add_loop_test(tc, test_errmsg_per_thread, 0, (int)n_tcfgs);
	tcase_add_loop_test(tc, test_silence, 0, (int)n_tcfgs);
	suite_add_tcase(s, tc);
	tcase_add_test(pure, test_strerror);
	suite_add_tcase(s, pure);
	return s;
}
