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

Suite *tsuite(void)
{
	Suite *s = suite_create("concurrency");
	TCase *tc = tcase_create("writers");

	tcase_add_checked_fixture(tc, tns_enter, NULL);
	tcase_set_timeout(tc, 600);
	tcase_add_loop_test(tc, no_lost_updates, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}
