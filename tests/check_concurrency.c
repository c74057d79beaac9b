/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Zero lost updates: 4 processes x 4 threads, each thread appending its own unique rules
 * through one shared handle per process, while an iptables-legacy loop appends its own.
 * Afterwards every rule of every writer must be there, exactly once.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define PROCS 4
#define THREADS 4

/* 250 rules per thread; under valgrind, a slice */
static int per_thread(void)
{
	return getenv("IPTC_VALGRIND") ? 10 : 250;
}

struct writer {
	iptables *h;
	int proc, thread, count, failures;
};

static void rule_src(char buf[32], int proc, int thread, int i)
{
	snprintf(buf, 32, "10.%d.%d.%d/32", proc, thread, i);
}

static void *write_rules(void *arg)
{
	struct writer *w = arg;
	char src[32];

	for (int i = 0; i < w->count; i++) {
		rule_src(src, w->proc, w->thread, i);
		if (iptables_append(w->h, "filter", "INPUT", IPTABLES_SPEC("-s", src, "-j", "ACCEPT")))
			w->failures++;
	}
	return NULL;
}

static int writer_process(const struct tcfg *c, int proc, int count)
{
	struct writer w[THREADS];
	pthread_t t[THREADS];
	iptables *h = topen(c);
	int failures = 0;

	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct writer){ .h = h, .proc = proc, .thread = i, .count = count };
		pthread_create(&t[i], NULL, write_rules, &w[i]);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		failures += w[i].failures;
	}
	iptables_free(h);
	return failures ? 1 : 0;
}

START_TEST(no_lost_updates)
{
	/* configurations whose writers share the legacy ruleset with iptables-legacy */
	static const int cfg_index[] = { 0, 2 };
	const struct tcfg *c = &tcfgs[cfg_index[_i]];
	int count = per_thread(), st, i;
	pid_t pids[PROCS + 1];
	char *out, want[64], *line;
	size_t total = 0;

	for (i = 0; i <= PROCS; i++) {
		pids[i] = fork();
		ck_assert_int_ge(pids[i], 0);
		if (pids[i] > 0)
			continue;
		if (i < PROCS)
			_exit(writer_process(c, i + 1, count));
		/* the CLI writer */
		for (int k = 0; k < count; k++) {
			char cmd[128];

			snprintf(cmd, sizeof(cmd),
				 "iptables-legacy -w -A INPUT -s 10.9.0.%d/32 -j ACCEPT", k);
			if (system(cmd))
				_exit(1);
		}
		_exit(0);
	}
	for (i = 0; i <= PROCS; i++) {
		ck_assert_int_eq(waitpid(pids[i], &st, 0), pids[i]);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "writer %d failed", i);
	}
	ck_assert_int_eq(tsh(&out, NULL, "iptables-legacy -S INPUT"), 0);
	for (line = out; (line = strchr(line, '\n')); line++)
		total++;
	/* -P line + every writer's rules */
	ck_assert_uint_eq(total, 1 + (size_t)(PROCS * THREADS + 1) * count);
	for (int p = 1; p <= PROCS + 1; p++)
		for (int t = 0; t < (p <= PROCS ? THREADS : 1); t++)
			for (int k = 0; k < count; k++) {
				char src[32];

				if (p <= PROCS)
					rule_src(src, p, t, k);
				else
					snprintf(src, sizeof(src), "10.9.0.%d/32", k);
				snprintf(want, sizeof(want), "-A INPUT -s %s -j ACCEPT\n", src);
				ck_assert_msg(strstr(out, want), "lost: %s", want);
			}
	free(out);
}
END_TEST


/*
 * The native nf_tables backend: no xtables lock, so what keeps writers apart is the
 * generation id every batch carries (the kernel answers ERESTART when another writer
 * committed since the batch's model was read) and the replay of the ops on a fresh read.
 * PROCS processes x THREADS threads share one handle per process; each thread appends its
 * own rules, deletes every odd one of them by spec, and append_unique's one rule all of
 * them share; a process of its own commits transactions (two appends and a delete of the
 * previous pair's first); an iptables-nft loop appends its own rules and deletes its odd
 * ones. At the end every surviving rule is there exactly once and nothing else is.
 */
#define NFT_SHARED "10.99.99.99/32"

static int nft_per_thread(void)
{
	return tvalgrind() ? 4 : 40;
}

struct nft_writer {
	iptables *h;
	int proc, thread, count, failures;
	char why[256];
};

static void nft_fail(struct nft_writer *w, const char *what, const char *src, int rc)
{
	if (!w->failures++)
		snprintf(w->why, sizeof(w->why), "%s %s: %d %s", what, src, rc,
			 iptables_errmsg(w->h));
}

static void *nft_write_rules(void *arg)
{
	struct nft_writer *w = arg;
	char src[32];
	int rc;

	for (int i = 0; i < w->count; i++) {
		rule_src(src, w->proc, w->thread, i);
		rc = iptables_append(w->h, "filter", "INPUT", IPTABLES_SPEC("-s", src, "-j", "ACCEPT"));
		if (rc)
			nft_fail(w, "append", src, rc);
		if (i % 8 == 0) {
			rc = iptables_append_unique(w->h, "filter", "INPUT",
						    IPTABLES_SPEC("-s", NFT_SHARED, "-j", "ACCEPT"));
			if (rc)
				nft_fail(w, "append_unique", NFT_SHARED, rc);
		}
		if (i % 2 == 1) {
			rc = iptables_delete(w->h, "filter", "INPUT",
					     IPTABLES_SPEC("-s", src, "-j", "ACCEPT"));
			if (rc)
				nft_fail(w, "delete", src, rc);
		}
	}
	return NULL;
}

static int nft_writer_process(const struct tcfg *c, int proc, int count)
{
	struct nft_writer w[THREADS];
	pthread_t t[THREADS];
	iptables *h = topen(c);
	int failures = 0;

	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct nft_writer){ .h = h, .proc = proc, .thread = i, .count = count };
		pthread_create(&t[i], NULL, nft_write_rules, &w[i]);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		if (w[i].failures)
			fprintf(stderr, "writer %d.%d: %d failure(s), first: %s\n", proc, i,
				w[i].failures, w[i].why);
		failures += w[i].failures;
	}
	iptables_free(h);
	return failures ? 1 : 0;
}

/* Transactions: pair k is 10.8.1.k and 10.8.2.k; each commit adds pair k and deletes the
 * first rule of pair k - 1. */
static int nft_txn_process(const struct tcfg *c, int count)
{
	iptables *h = topen(c);
	char a[32], b[32], prev[32];
	int rc = 0;

	for (int k = 0; k < count && !rc; k++) {
		snprintf(a, sizeof(a), "10.8.1.%d/32", k);
		snprintf(b, sizeof(b), "10.8.2.%d/32", k);
		snprintf(prev, sizeof(prev), "10.8.1.%d/32", k - 1);
		rc = iptables_begin(h);
		if (!rc)
			rc = iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-s", a, "-j", "ACCEPT"));
		if (!rc)
			rc = iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-s", b, "-j", "ACCEPT"));
		if (!rc && k)
			rc = iptables_delete(h, "filter", "INPUT",
					     IPTABLES_SPEC("-s", prev, "-j", "ACCEPT"));
		if (!rc)
			rc = iptables_commit(h);
		else
			iptables_rollback(h);
		if (rc)
			fprintf(stderr, "txn %d: %d %s\n", k, rc, iptables_errmsg(h));
	}
	iptables_free(h);
	return rc ? 1 : 0;
}

static bool nft_expected(const char *src, int count)
{
	int p, t, k, n;

	if (!strcmp(src, NFT_SHARED))
		return true;
	if (sscanf(src, "10.%d.%d.%d/32%n", &p, &t, &k, &n) != 3 || src[n])
		return false;
	if (p >= 1 && p <= PROCS && t >= 0 && t < THREADS)
		return k < count && k % 2 == 0;
	if (p == 9 && t == 0)		/* the CLI's */
		return k < count && k % 2 == 0;
	if (p == 8 && t == 1)		/* transactions: only the last pair's first survives */
		return k == count - 1;
	if (p == 8 && t == 2)
		return k < count;
	return false;
}

START_TEST(nft_no_lost_updates)
{
	const struct tcfg *c = &tcfgs[6];
	int count = nft_per_thread(), st, i, k;
	pid_t pids[PROCS + 2];
	char *out, *line, *save = NULL, src[64];
	size_t total = 0, want = 0, shared = 0;
	unsigned char *seen;

	ck_assert_int_eq(c->backend, IPTABLES_BACKEND_NFT);
	ck_assert_int_eq(c->proto, IPTABLES_IPV4);
	/* the table exists before the writers start */
	ck_assert_int_eq(tsh(NULL, NULL, "iptables-nft -A INPUT -s 10.7.7.7 -j DROP && "
				     "iptables-nft -D INPUT -s 10.7.7.7 -j DROP"), 0);
	for (i = 0; i < PROCS + 2; i++) {
		pids[i] = fork();
		ck_assert_int_ge(pids[i], 0);
		if (pids[i] > 0)
			continue;
		if (i < PROCS)
			_exit(nft_writer_process(c, i + 1, count));
		if (i == PROCS)
			_exit(nft_txn_process(c, count));
		/* the CLI writer */
		for (k = 0; k < count; k++) {
			char cmd[160];

			snprintf(cmd, sizeof(cmd), "iptables-nft -A INPUT -s 10.9.0.%d/32 -j ACCEPT", k);
			if (system(cmd))
				_exit(1);
			if (k % 2 == 1) {
				snprintf(cmd, sizeof(cmd),
					 "iptables-nft -D INPUT -s 10.9.0.%d/32 -j ACCEPT", k);
				if (system(cmd))
					_exit(1);
			}
		}
		_exit(0);
	}
	for (i = 0; i < PROCS + 2; i++) {
		ck_assert_int_eq(waitpid(pids[i], &st, 0), pids[i]);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "writer %d failed", i);
	}
	ck_assert_int_eq(tsh(&out, NULL, "iptables-nft -S INPUT"), 0);
	/* what survives: per writer thread and the CLI the even ones, the shared rule once,
	 * the last transaction's second pair member and every first one, minus the deleted */
	want = (size_t)(PROCS * THREADS + 1) * (size_t)((count + 1) / 2) + 1 + (size_t)count + 1;
	seen = calloc(65536, 1);
	ck_assert(seen);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int p, t, kk;

		if (!strcmp(line, "-P INPUT ACCEPT"))
			continue;
		ck_assert_msg(sscanf(line, "-A INPUT -s %63s -j ACCEPT", src) == 1, "stray: %s",
			      line);
		ck_assert_msg(nft_expected(src, count), "should not be there: %s", line);
		if (!strcmp(src, NFT_SHARED)) {
			shared++;
		} else {
			ck_assert(sscanf(src, "10.%d.%d.%d", &p, &t, &kk) == 3);
			ck_assert_msg(!seen[p * 4096 + t * 256 + kk], "duplicated: %s", line);
			seen[p * 4096 + t * 256 + kk] = 1;
		}
		total++;
	}
	ck_assert_msg(shared == 1, "append_unique: %zu copies of the shared rule", shared);
	ck_assert_msg(total == want, "%zu rules, want %zu", total, want);
	free(seen);
	free(out);
}
END_TEST

Suite *tsuite(void)
{
	Suite *s = suite_create("concurrency");
	TCase *tc = tcase_create("writers");
	TCase *nft = tcase_create("nft_writers");

	tcase_add_checked_fixture(tc, tns_enter, NULL);
	tcase_set_timeout(tc, 600);
	tcase_add_loop_test(tc, no_lost_updates, 0, 2);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(nft, tns_enter, NULL);
	tcase_set_timeout(nft, ttimeout(120));
	tcase_add_test(nft, nft_no_lost_updates);
	suite_add_tcase(s, nft);
	return s;
}
