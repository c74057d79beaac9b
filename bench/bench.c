/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Benchmark: per-operation cost of append / exists / list / delete on a chain of N rules, for
 * each variant of iptables (legacy, then nf_tables):
 *   libiptc / nft   our in-process backend for that variant, one call at a time
 *   libiptc+mallopt the libiptc backend in a child with glibc's mmap/trim thresholds pinned
 *   *-txn           the in-process backend, all appends (or deletes) in one transaction
 *   exec            our exec backend (iptables-legacy / iptables-nft), one call at a time
 *   cli-loop        a loop of the variant's iptables binary (what go-iptables does)
 *   restore         the variant's iptables-restore --noflush with the same rules
 *   iptables_restore the same text through iptables_restore(NOFLUSH) on the in-process backend
 *   kernel-read     legacy only: libiptc reading the table from the kernel (IPT_SO_GET_ENTRIES),
 *                   the floor under every libiptc call
 * all measured in one run, in a private network namespace. Slow methods are timed on a sample
 * of operations at chain size ~N (the chain is pre-filled by restore) and reported per op.
 * restore and iptables_restore, the pair the targets compare, run in turns for ROUNDS rounds
 * and report their medians, so that a slow spell of the machine does not fall on one side.
 * Usage: bench [-s SAMPLE] [-r ROUNDS] [-v legacy|nft] [N...]
 *        (default N: 100 1000 10000; both variants; 5 rounds)
 */
#include <errno.h>
#include <fcntl.h>
#include <iptables-c.h>
#include <libiptc/libiptc.h>
#include <malloc.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

enum { OP_APPEND, OP_EXISTS, OP_LIST, OP_DELETE, N_OPS };
enum { M_INPROC, M_TUNED, M_TXN, M_EXEC, M_CLI, M_RESTORE, M_LIBRESTORE, M_KREAD, N_METHODS };
static const char *const op_name[N_OPS] = { "append", "exists", "list", "delete" };

/* One variant of iptables: its binaries and our backends for it. */
struct variant {
	const char *name;		/* "legacy", "nf_tables" */
	const char *cli, *restore;	/* iptables-legacy, iptables-legacy-restore ... */
	enum iptables_backend inproc;	/* libiptc / nft */
	const char *method[N_METHODS];	/* row names; NULL: not measured */
};

static const struct variant variants[] = {
	{ "legacy", "iptables-legacy", "iptables-legacy-restore", IPTABLES_BACKEND_LIBIPTC,
	  { "libiptc", "libiptc+mallopt", "libiptc-txn", "exec", "cli-loop", "restore",
	    "iptables_restore", "kernel-read" } },
	{ "nf_tables", "iptables-nft", "iptables-nft-restore", IPTABLES_BACKEND_NFT,
	  { "nft", NULL, "nft-txn", "exec", "cli-loop", "restore", "iptables_restore", NULL } },
};
static const struct variant *V;
/* per-op seconds; < 0 means not applicable */
static double cost[N_METHODS][N_OPS];
static int sample = 200;
static int rounds = 5;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "bench: %s\n", what);
	exit(1);
}

/* Rule i: distinct source address and port, so every rule is unique. */
static void rule_words(int i, char src[32], char port[8])
{
	snprintf(src, 32, "10.%d.%d.%d/32", (i >> 16) & 255, (i >> 8) & 255, i & 255);
	snprintf(port, 8, "%d", 1024 + i % 60000);
}

#define SPEC(src, port) IPTABLES_SPEC("-s", src, "-p", "tcp", "--dport", port, "-j", "ACCEPT")

static int run(char *const argv[], const char *input)
{
	posix_spawn_file_actions_t fa;
	int pfd[2] = { -1, -1 }, status;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (input) {
		if (pipe2(pfd, O_CLOEXEC))
			die("pipe");
		posix_spawn_file_actions_adddup2(&fa, pfd[0], 0);
	}
	if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ))
		die("spawn");
	posix_spawn_file_actions_destroy(&fa);
	if (input) {
		size_t len = strlen(input), off = 0;

		close(pfd[0]);
		while (off < len) {
			ssize_t w = write(pfd[1], input + off, len - off);

			if (w < 0 && errno != EINTR)
				die("write");
			off += w > 0 ? (size_t)w : 0;
		}
		close(pfd[1]);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static int cli(const char *cmd, int i)
{
	char src[32], port[8];

	rule_words(i, src, port);
	char *argv[] = { (char *)V->cli, "-w", (char *)cmd, "BENCH", "-s", src, "-p", "tcp",
			 "--dport", port, "-j", "ACCEPT", NULL };
	return run(argv, NULL);
}

/* iptables-restore text with CMD (-A/-D) for rules [from, to) of BENCH; caller frees. */
static char *restore_text(const char *cmd, int from, int to)
{
	size_t cap = 64 + (size_t)(to - from) * 80, len = 0;
	char *buf = malloc(cap), src[32], port[8];

	if (!buf)
		die("oom");
	len += sprintf(buf, "*filter\n");
	for (int i = from; i < to; i++) {
		rule_words(i, src, port);
		len += sprintf(buf + len, "%s BENCH -s %s -p tcp --dport %s -j ACCEPT\n", cmd, src,
			       port);
	}
	sprintf(buf + len, "COMMIT\n");
	return buf;
}

/* The variant's iptables-restore --noflush with CMD (-A/-D) for rules [from, to). */
static void restore(const char *cmd, int from, int to)
{
	char *buf = restore_text(cmd, from, to);
	char *argv[] = { (char *)V->restore, "--noflush", "-w", NULL };

	if (run(argv, buf))
		die("iptables-restore failed");
	free(buf);
}

static void reset_chain(void)
{
	char *fl[] = { (char *)V->cli, "-w", "-F", "BENCH", NULL };
	char *nc[] = { (char *)V->cli, "-w", "-N", "BENCH", NULL };

	if (run(fl, NULL))
		run(nc, NULL);
}

static iptables *open_backend(enum iptables_backend b)
{
	struct iptables_options o = { .backend = b,
				      .path = b == IPTABLES_BACKEND_EXEC ? V->cli : NULL };
	iptables *h;

	if (iptables_new(&h, &o))
		die("iptables_new");
	return h;
}

static void check(iptables *h, int rc, const char *what)
{
	if (rc < 0) {
		fprintf(stderr, "bench: %s: %s\n", what, iptables_errmsg(h));
		exit(1);
	}
}

/* One call at a time through the API (libiptc or exec backend). */
static void bench_api(int m, iptables *h, int n)
{
	int k = n < sample ? n : sample, base = n - k, i;
	char src[32], port[8], **lines;
	size_t nl;
	double t;

	reset_chain();
	if (base)
		restore("-A", 0, base);
	t = now();
	for (i = base; i < n; i++) {
		rule_words(i, src, port);
		check(h, iptables_append(h, "filter", "BENCH", SPEC(src, port)), "append");
	}
	cost[m][OP_APPEND] = (now() - t) / k;

	t = now();
	for (i = 0; i < k; i++) {
		rule_words((int)((long)i * n / k), src, port);
		if (iptables_exists(h, "filter", "BENCH", SPEC(src, port)) != 1)
			die("exists: rule not found");
	}
	cost[m][OP_EXISTS] = (now() - t) / k;

	t = now();
	check(h, iptables_list(h, "filter", "BENCH", &lines, &nl), "list");
	cost[m][OP_LIST] = now() - t;
	if (nl != (size_t)n + 1)
		die("list: wrong line count");
	iptables_strv_free(lines, nl);

	t = now();
	for (i = n - 1; i >= base; i--) {
		rule_words(i, src, port);
		check(h, iptables_delete(h, "filter", "BENCH", SPEC(src, port)), "delete");
	}
	cost[m][OP_DELETE] = (now() - t) / k;
}

/*
 * The libiptc backend again, in a child whose glibc malloc keeps big blocks on the heap.
 * libiptc allocates the whole table on every call; while a table grows call after call, each
 * allocation can land just above glibc's dynamic mmap threshold and become a fresh mmap,
 * page faults included. An application can set these thresholds (mallopt or GLIBC_TUNABLES);
 * a library should not. A child keeps the setting out of the other measurements.
 */
static void bench_tuned(iptables *h, int n)
{
	int pfd[2], st;
	pid_t pid;

	if (pipe(pfd))
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		mallopt(M_MMAP_THRESHOLD, 32 << 20);
		mallopt(M_TRIM_THRESHOLD, 64 << 20);
		bench_api(M_TUNED, h, n);
		if (write(pfd[1], cost[M_TUNED], sizeof(cost[M_TUNED])) < 0)
			_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	if (read(pfd[0], cost[M_TUNED], sizeof(cost[M_TUNED])) != sizeof(cost[M_TUNED]))
		die("tuned child failed");
	close(pfd[0]);
	waitpid(pid, &st, 0);
}

static void bench_txn(iptables *h, int n)
{
	char src[32], port[8];
	double t;
	int i;

	reset_chain();
	t = now();
	check(h, iptables_begin(h), "begin");
	for (i = 0; i < n; i++) {
		rule_words(i, src, port);
		check(h, iptables_append(h, "filter", "BENCH", SPEC(src, port)), "append");
	}
	check(h, iptables_commit(h), "commit");
	cost[M_TXN][OP_APPEND] = (now() - t) / n;
	cost[M_TXN][OP_EXISTS] = cost[M_TXN][OP_LIST] = -1;

	t = now();
	check(h, iptables_begin(h), "begin");
	for (i = 0; i < n; i++) {
		rule_words(i, src, port);
		check(h, iptables_delete(h, "filter", "BENCH", SPEC(src, port)), "delete");
	}
	check(h, iptables_commit(h), "commit");
	cost[M_TXN][OP_DELETE] = (now() - t) / n;
}

static void bench_cli(int n)
{
	int k = n < sample ? n : sample, base = n - k, i;
	char *list[] = { (char *)V->cli, "-w", "-S", "BENCH", NULL };
	double t;

	reset_chain();
	if (base)
		restore("-A", 0, base);
	t = now();
	for (i = base; i < n; i++)
		if (cli("-A", i))
			die("cli -A");
	cost[M_CLI][OP_APPEND] = (now() - t) / k;
	t = now();
	for (i = 0; i < k; i++)
		if (cli("-C", (int)((long)i * n / k)))
			die("cli -C");
	cost[M_CLI][OP_EXISTS] = (now() - t) / k;
	t = now();
	run(list, NULL);
	cost[M_CLI][OP_LIST] = now() - t;
	t = now();
	for (i = n - 1; i >= base; i--)
		if (cli("-D", i))
			die("cli -D");
	cost[M_CLI][OP_DELETE] = (now() - t) / k;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), by_value);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The variant's iptables-restore --noflush and iptables_restore(NOFLUSH) on the in-process
 * backend, with the same text, in turns: add N rules, then delete them. */
static void bench_restores(iptables *h, int n)
{
	char *add = restore_text("-A", 0, n), *del = restore_text("-D", 0, n);
	double v[4][64], t;
	int r, k = rounds < 64 ? rounds : 64;

	for (r = 0; r < k; r++) {
		reset_chain();
		t = now();
		restore("-A", 0, n);
		v[0][r] = (now() - t) / n;
		t = now();
		restore("-D", 0, n);
		v[1][r] = (now() - t) / n;
		reset_chain();
		t = now();
		check(h, iptables_restore(h, add, IPTABLES_RESTORE_NOFLUSH), "iptables_restore -A");
		v[2][r] = (now() - t) / n;
		t = now();
		check(h, iptables_restore(h, del, IPTABLES_RESTORE_NOFLUSH), "iptables_restore -D");
		v[3][r] = (now() - t) / n;
	}
	cost[M_RESTORE][OP_APPEND] = median(v[0], k);
	cost[M_RESTORE][OP_DELETE] = median(v[1], k);
	cost[M_LIBRESTORE][OP_APPEND] = median(v[2], k);
	cost[M_LIBRESTORE][OP_DELETE] = median(v[3], k);
	cost[M_RESTORE][OP_EXISTS] = cost[M_RESTORE][OP_LIST] = -1;
	cost[M_LIBRESTORE][OP_EXISTS] = cost[M_LIBRESTORE][OP_LIST] = -1;
	free(add);
	free(del);
}

/* What every libiptc call pays first: reading the whole table from the kernel. */
static void bench_kernel_read(int n)
{
	int k = sample, i;
	struct xtc_handle *t;
	double t0;

	reset_chain();
	restore("-A", 0, n);
	t0 = now();
	for (i = 0; i < k; i++) {
		t = iptc_init("filter");
		if (!t)
			die("iptc_init");
		iptc_free(t);
	}
	cost[M_KREAD][OP_LIST] = (now() - t0) / k;
	cost[M_KREAD][OP_APPEND] = cost[M_KREAD][OP_EXISTS] = cost[M_KREAD][OP_DELETE] = -1;
	restore("-D", 0, n);
}

static void report(int n)
{
	printf("\nN = %d rules (one-at-a-time methods timed on %d ops at chain size ~N)\n", n,
	       n < sample ? n : sample);
	printf("%-16s", "method");
	for (int o = 0; o < N_OPS; o++)
		printf(" %14s %8s", op_name[o], "vs cli");
	printf("\n");
	for (int m = 0; m < N_METHODS; m++) {
		if (!V->method[m])
			continue;
		printf("%-16s", V->method[m]);
		for (int o = 0; o < N_OPS; o++) {
			if (cost[m][o] < 0) {
				printf(" %14s %8s", "-", "");
				continue;
			}
			printf(" %11.1f us %7.1fx", cost[m][o] * 1e6, cost[M_CLI][o] / cost[m][o]);
		}
		printf("\n");
	}
	fflush(stdout);
}

static void bench_variant(const struct variant *v, const int *sizes, int nsizes)
{
	iptables *in, *txn, *ex;

	V = v;
	/* a namespace of its own: no other variant's tables in sight */
	if (getenv("IPTC_BENCH_NO_UNSHARE") == NULL && unshare(CLONE_NEWNET))
		die("unshare(CLONE_NEWNET) failed: run as root");
	in = open_backend(v->inproc);
	txn = open_backend(v->inproc);
	ex = open_backend(IPTABLES_BACKEND_EXEC);
	printf("\n== %s: per-op cost, and speed-up vs a loop of the %s CLI\n", v->name, v->cli);
	for (int s = 0; s < nsizes; s++) {
		int n = sizes[s];

		memset(cost, 0, sizeof(cost));
		bench_api(M_INPROC, in, n);
		if (v->method[M_TUNED])
			bench_tuned(in, n);
		bench_txn(txn, n);
		bench_api(M_EXEC, ex, n);
		bench_cli(n);
		bench_restores(txn, n);
		if (v->method[M_KREAD])
			bench_kernel_read(n);
		report(n);
	}
	iptables_free(in);
	iptables_free(txn);
	iptables_free(ex);
}

int main(int argc, char **argv)
{
	int sizes[16], nsizes = 0;
	const char *only = NULL;
	char lock[] = "/tmp/iptc-bench-lock.XXXXXX";
	int fd;

	for (int i = 1; i < argc && nsizes < 16; i++) {
		if (strcmp(argv[i], "-s") == 0 && i + 1 < argc)
			sample = atoi(argv[++i]);
		else if (strcmp(argv[i], "-r") == 0 && i + 1 < argc)
			rounds = atoi(argv[++i]) > 0 ? atoi(argv[i]) : 1;
		else if (strcmp(argv[i], "-v") == 0 && i + 1 < argc)
			only = argv[++i];
		else
			sizes[nsizes++] = atoi(argv[i]);
	}
	if (!nsizes) {
		sizes[0] = 100;
		sizes[1] = 1000;
		sizes[2] = 10000;
		nsizes = 3;
	}
	if (getenv("IPTC_BENCH_NO_UNSHARE") == NULL && unshare(CLONE_NEWNET))
		die("unshare(CLONE_NEWNET) failed: run as root");
	fd = mkstemp(lock);
	if (fd < 0)
		die("mkstemp");
	close(fd);
	setenv("XTABLES_LOCKFILE", lock, 1);

	printf("libiptables-c benchmark: per-op cost, and speed-up vs a loop of the iptables CLI\n");
	for (size_t v = 0; v < sizeof(variants) / sizeof(variants[0]); v++)
		if (!only || !strcmp(only, "legacy") == !strcmp(variants[v].name, "legacy"))
			bench_variant(&variants[v], sizes, nsizes);
	unlink(lock);
	return 0;
}
