/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A reconciling agent: make CHAIN hold exactly the rules of FILE (re-read each round, so
 * editing FILE is how you change the firewall), and log one line per round. A round runs
 * every SECS seconds, and at once when another program changes the table (a firewalld
 * reload, an admin's `iptables -F`): iptables_wait_change() watches it between rounds.
 *
 *   agent [-4|-6] [-t TABLE] [-i SECS] [--backend B] [--path BIN] [--once] CHAIN FILE
 *
 * SIGINT or SIGTERM stops it between rounds (or cuts a wait short); the exit status is 0 then.
 * With --once it runs one round and exits 0 when the chain is (now) in sync, 1 on error.
 */
#include <errno.h>
#include <getopt.h>
#include <iptables-c.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>

#include "backend_name.h"
#include "rulesfile.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

struct agent {
	iptables *h;
	const char *table, *chain, *file;
	unsigned long rounds;
};

static void logline(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void logline(FILE *f, const char *fmt, ...)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	va_list ap;

	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S%z", localtime_r(&now, &tm));
	fprintf(f, "%s agent: ", stamp);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fflush(f);
}

/* One reconciliation; returns 0 on success, -1 on error (already logged). */
static int round_once(struct agent *a)
{
	struct rulesfile rf;
	char err[512];
	int rc;

	a->rounds++;
	if (rulesfile_read(a->file, &rf, err, sizeof(err)) < 0) {
		logline(stderr, "%s/%s: error: %s", a->table, a->chain, err);
		return -1;
	}
	rc = iptables_sync_chain(a->h, a->table, a->chain, rulesfile_specs(&rf), rf.n);
	if (rc < 0)
		logline(stderr, "%s/%s: error: %s: %s", a->table, a->chain, iptables_strerror(rc),
			iptables_errmsg(a->h));
	else if (rc == 0)
		logline(stdout, "%s/%s: in sync (%zu rules)", a->table, a->chain, rf.n);
	else
		logline(stdout, "%s/%s: updated %zu rules", a->table, a->chain, rf.n);
	rulesfile_free(&rf);
	return rc < 0 ? -1 : 0;
}

/*
 * Sleep @secs unless a stop signal arrives. The signals stay blocked from the flag check until
 * pselect() atomically unblocks them, so one arriving in between is not lost.
 */
static void wait_round(unsigned int secs)
{
	struct timespec ts = { .tv_sec = secs };
	sigset_t block, old;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &old);
	if (!stop_signal)
		pselect(0, NULL, NULL, NULL, &ts, &old);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/*
 * Wait for the next round: @secs, or less when the table changes under us. The wait is cut
 * in short slices so a stop signal is seen promptly.
 */
static void wait_round_or_change(struct agent *a, unsigned int secs)
{
	long left = (long)secs * 1000;
	uint64_t gen;
	int rc;

	if (iptables_generation(a->h, a->table, &gen) < 0) {
		wait_round(secs);
		return;
	}
	while (left > 0 && !stop_signal) {
		rc = iptables_wait_change(a->h, a->table, gen, left < 250 ? (int)left : 250);
		if (rc == 1) {
			logline(stdout, "%s: changed by another program, reconciling", a->table);
			return;
		}
		if (rc < 0) {
			wait_round((unsigned int)((left + 999) / 1000));
			return;
		}
		left -= 250;
	}
}

static int install_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	/* Restart interrupted system calls inside the library; pselect() returns anyway. */
	sa.sa_flags = SA_RESTART;
	if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0)
		return -1;
	return 0;
}

static int usage(FILE *f, int status)
{
	fputs("Usage: agent [-4|-6] [-t TABLE] [-i SECS] [--backend auto|libiptc|exec|nft|memory]"
	      " [--path BIN] [--once] CHAIN FILE\n"
	      "Keep CHAIN holding exactly the rules of FILE (one rulespec per line), checking every\n"
	      "SECS seconds (default 10) and whenever another program changes the table.\n"
	      "--once: one round, then exit.\n", f);
	return status;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "ipv4", no_argument, NULL, '4' },
		{ "ipv6", no_argument, NULL, '6' },
		{ "table", required_argument, NULL, 't' },
		{ "interval", required_argument, NULL, 'i' },
		{ "backend", required_argument, NULL, 'b' },
		{ "path", required_argument, NULL, 'p' },
		{ "once", no_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct iptables_options o = { .proto = IPTABLES_IPV4 };
	struct agent a = { .table = "filter" };
	unsigned long interval = 10;
	bool once = false;
	char *end;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "46t:i:h", lopts, NULL)) != -1) {
		switch (opt) {
		case '4':
		case '6':
			o.proto = opt == '6' ? IPTABLES_IPV6 : IPTABLES_IPV4;
			break;
		case 't':
			a.table = optarg;
			break;
		case 'i':
			errno = 0;
			interval = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || interval < 1 || interval > 86400) {
				fprintf(stderr, "agent: invalid interval '%s'\n", optarg);
				return 2;
			}
			break;
		case 'b':
			if (!backend_from_name(optarg, &o.backend)) {
				fprintf(stderr, "agent: unknown backend '%s'\n", optarg);
				return 2;
			}
			break;
		case 'p':
			o.path = optarg;
			break;
		case 'o':
			once = true;
			break;
		case 'h':
			return usage(stdout, 0);
		default:
			return usage(stderr, 2);
		}
	}
	if (argc - optind != 2)
		return usage(stderr, 2);
	a.chain = argv[optind];
	a.file = argv[optind + 1];

	if (install_handlers() < 0) {
		perror("agent: sigaction");
		return 1;
	}
	rc = iptables_new(&a.h, &o);
	if (rc < 0) {
		fprintf(stderr, "agent: cannot open iptables: %s\n", iptables_strerror(rc));
		return 1;
	}
	if (once) {
		rc = round_once(&a);
		iptables_free(a.h);
		return rc < 0 ? 1 : 0;
	}
	logline(stdout, "%s/%s: reconciling from %s every %lus", a.table, a.chain, a.file,
		interval);
	while (!stop_signal) {
		round_once(&a);
		wait_round_or_change(&a, (unsigned int)interval);
	}
	logline(stdout, "stopping on signal %d after %lu rounds", (int)stop_signal, a.rounds);
	iptables_free(a.h);
	return 0;
}
