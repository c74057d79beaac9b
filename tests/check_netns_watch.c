/* SPDX-License-Identifier: GPL-2.0-or-later */
/* opts.netns (a handle per namespace, from several threads) and change watching. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define NNS 3

/* A namespace kept alive by a sleeping child; its file is /proc/PID/ns/net. */
struct ns {
	pid_t pid;
	char path[64];
};

static void ns_make(struct ns *n)
{
	int p[2];
	char c;

	ck_assert_int_eq(pipe(p), 0);
	n->pid = fork();
	ck_assert_int_ge(n->pid, 0);
	if (n->pid == 0) {
		close(p[0]);
		if (unshare(CLONE_NEWNET))
			_exit(1);
		(void)!write(p[1], "x", 1);
		pause();
		_exit(0);
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &c, 1), 1);
	close(p[0]);
	snprintf(n->path, sizeof(n->path), "/proc/%d/ns/net", (int)n->pid);
}

static void ns_drop(struct ns *n)
{
	kill(n->pid, SIGKILL);
	waitpid(n->pid, NULL, 0);
}

static char *self_ns(void)
{
	char buf[64];
	ssize_t len = readlink("/proc/thread-self/ns/net", buf, sizeof(buf) - 1);

	ck_assert_int_gt(len, 0);
	buf[len] = '\0';
	return strdup(buf);
}

struct worker {
	const struct tcfg *c;
	const char *path;
	int idx, rc;
	bool same_ns;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct iptables_options o = { .proto = w->c->proto, .backend = w->c->backend,
				      .path = w->c->path, .netns = w->path };
	char *before = self_ns(), *after, chain[16];
	iptables *h;

	snprintf(chain, sizeof(chain), "NS%d", w->idx);
	w->rc = iptables_new(&h, &o);
	for (int i = 0; !w->rc && i < 20; i++)
		w->rc = iptables_append(h, "filter", i ? chain : "INPUT",
					i ? IPTABLES_SPEC("-j", "RETURN") : IPTABLES_SPEC("-j", chain));
	after = self_ns();
	w->same_ns = !strcmp(before, after);
	free(before);
	free(after);
	if (h)
		iptables_free(h);
	return NULL;
}

START_TEST(handles_per_namespace_from_threads)
{
	const struct tcfg *c = &tcfgs[_i];
	struct worker w[NNS];
	pthread_t t[NNS];
	struct ns ns[NNS];
	char *out;

	for (int i = 0; i < NNS; i++) {
		ns_make(&ns[i]);
		w[i] = (struct worker){ .c = c, .path = ns[i].path, .idx = i };
	}
	/* the chains must exist before the jumps: create them first, then fill from threads */
	for (int i = 0; i < NNS; i++) {
		struct iptables_options o = { .proto = c->proto, .backend = c->backend,
					      .path = c->path, .netns = ns[i].path };
		iptables *h;
		char chain[16];

		snprintf(chain, sizeof(chain), "NS%d", i);
		ck_assert_int_eq(iptables_new(&h, &o), 0);
		ck_rc(h, iptables_new_chain(h, "filter", chain), 0);
		iptables_free(h);
	}
	for (int i = 0; i < NNS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, work, &w[i]), 0);
	for (int i = 0; i < NNS; i++) {
		pthread_join(t[i], NULL);
		ck_assert_msg(w[i].rc == 0, "%s ns %d: %s", c->name, i, iptables_strerror(w[i].rc));
		ck_assert_msg(w[i].same_ns, "%s: the calling thread's namespace moved", c->name);
	}
	for (int i = 0; i < NNS; i++) {
		ck_assert_int_eq(tsh(&out, NULL, "nsenter --net=%s %s -S", ns[i].path, c->cli), 0);
		for (int k = 0; k < NNS; k++) {
			char want[32];

			snprintf(want, sizeof(want), "-N NS%d\n", k);
			ck_assert_msg((strstr(out, want) != NULL) == (k == i),
				      "%s ns %d holds:\n%s", c->name, i, out);
		}
		free(out);
		ns_drop(&ns[i]);
	}
	/* the test's own namespace saw nothing */
	ck_assert_int_eq(tsh(&out, NULL, "%s -S", c->cli), 0);
	ck_assert_ptr_null(strstr(out, "NS"));
	free(out);
}
END_TEST

START_TEST(bad_namespace_path)
{
	struct iptables_options o = { .netns = "/nonexistent/ns" };
	iptables *h = NULL;

	ck_assert_int_eq(iptables_new(&h, &o), IPTABLES_ENOTFOUND);
	ck_assert_ptr_null(h);
	ck_assert_ptr_nonnull(strstr(iptables_errmsg(NULL), "/nonexistent/ns"));
	o.netns = "/etc/hostname";
	ck_assert_int_eq(iptables_new(&h, &o), IPTABLES_EINVAL);
	ck_assert_ptr_nonnull(strstr(iptables_errmsg(NULL), "not a network namespace"));
}
END_TEST

struct waiter {
	iptables *h;
	uint64_t since;
	int rc;
	double secs;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *wait_thread(void *arg)
{
	struct waiter *w = arg;
	double t0 = now();

	w->rc = iptables_wait_change(w->h, "filter", w->since, 5000);
	w->secs = now() - t0;
	return NULL;
}

START_TEST(watch_sees_rules_not_counters)
{
	const struct tcfg *c = &tcfgs[_i];
	uint64_t g0, g1, g2;
	struct waiter w;
	pthread_t t;
	iptables *h;

	h = topen(c);
	ck_rc(h, iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-i", "lo", "-j", "ACCEPT")), 0);
	ck_rc(h, iptables_generation(h, "filter", &g0), 0);
	/* traffic moves counters only */
	tsh(NULL, NULL, "ip link set lo up && ping -c 2 -i 0.2 -W 1 %s >/dev/null 2>&1",
	    c->proto == IPTABLES_IPV6 ? "::1" : "127.0.0.1");
	ck_rc(h, iptables_generation(h, "filter", &g1), 0);
	ck_assert_msg(g0 == g1, "%s: counters changed the generation", c->name);
	ck_rc(h, iptables_wait_change(h, "filter", g1, 300), 0);
	/* another process's change wakes a waiting thread within a second */
	w = (struct waiter){ .h = h, .since = g1 };
	ck_assert_int_eq(pthread_create(&t, NULL, wait_thread, &w), 0);
	usleep(200000);
	ck_assert_int_eq(tsh(NULL, NULL, "%s -F INPUT", c->cli), 0);
	pthread_join(t, NULL);
	ck_assert_msg(w.rc == 1, "%s: wait_change returned %d", c->name, w.rc);
	ck_assert_msg(w.secs < 1.5, "%s: woke after %.2fs", c->name, w.secs);
	ck_rc(h, iptables_generation(h, "filter", &g2), 0);
	ck_assert(g2 != g1);
	iptables_free(h);
}
END_TEST

Suite *tsuite(void)
{
	Suite *s = suite_create("netns_watch");
	TCase *tc = tcase_create("netns_watch");

	tcase_add_checked_fixture(tc, tns_enter, NULL);
	tcase_set_timeout(tc, ttimeout(120));
	tcase_add_loop_test(tc, handles_per_namespace_from_threads, 0, (int)n_tcfgs);
	tcase_add_test(tc, bad_namespace_path);
	tcase_add_loop_test(tc, watch_sees_rules_not_counters, 0, (int)n_tcfgs);
	suite_add_tcase(s, tc);
	return s;
}
