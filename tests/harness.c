/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

const struct tcfg tcfgs[] = {
	{ "libiptc-v4", IPTABLES_BACKEND_LIBIPTC, IPTABLES_IPV4, NULL, "iptables-legacy" },
	{ "libiptc-v6", IPTABLES_BACKEND_LIBIPTC, IPTABLES_IPV6, NULL, "ip6tables-legacy" },
	{ "exec-legacy-v4", IPTABLES_BACKEND_EXEC, IPTABLES_IPV4, "iptables-legacy", "iptables-legacy" },
	{ "exec-legacy-v6", IPTABLES_BACKEND_EXEC, IPTABLES_IPV6, "ip6tables-legacy", "ip6tables-legacy" },
	{ "exec-nft-v4", IPTABLES_BACKEND_EXEC, IPTABLES_IPV4, "iptables-nft", "iptables-nft" },
	{ "exec-nft-v6", IPTABLES_BACKEND_EXEC, IPTABLES_IPV6, "ip6tables-nft", "ip6tables-nft" },
	{ "nft-v4", IPTABLES_BACKEND_NFT, IPTABLES_IPV4, NULL, "iptables-nft" },
	{ "nft-v6", IPTABLES_BACKEND_NFT, IPTABLES_IPV6, NULL, "ip6tables-nft" },
};
const size_t n_tcfgs = sizeof(tcfgs) / sizeof(tcfgs[0]);

static char lockpath[64];

/* The test's process exits through exit() (Check's fork), so the lock file goes with it. */
static void tns_cleanup(void)
{
	if (lockpath[0])
		unlink(lockpath);
}

void tns_enter(void)
{
	int fd;

	ck_assert_msg(unshare(CLONE_NEWNET) == 0, "unshare(CLONE_NEWNET): %s", strerror(errno));
	snprintf(lockpath, sizeof(lockpath), "/tmp/iptc-test-lock.XXXXXX");
	fd = mkstemp(lockpath);
	ck_assert_msg(fd >= 0, "mkstemp: %s", strerror(errno));
	close(fd);
	setenv("XTABLES_LOCKFILE", lockpath, 1);
	atexit(tns_cleanup);
}

const char *tns_lockfile(void)
{
	return lockpath;
}

iptables *topen(const struct tcfg *c)
{
	struct iptables_options o = { .proto = c->proto, .backend = c->backend, .path = c->path };
	iptables *h = NULL;
	int rc = iptables_new(&h, &o);

	ck_assert_msg(rc == 0, "iptables_new(%s): %s", c->name, iptables_strerror(rc));
	return h;
}

static char *slurp(int fd)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t r;

	for (;;) {
		if (len + 1 >= cap)
			buf = realloc(buf, cap *= 2);
		r = read(fd, buf + len, cap - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	buf[len] = '\0';
	return buf;
}

int tsh(char **out, char **err, const char *fmt, ...)
{
	char *cmd, *errtmp = NULL;
	char errpath[] = "/tmp/iptc-test-err.XXXXXX";
	int pfd[2], efd, status;
	pid_t pid;
	va_list ap;

	va_start(ap, fmt);
	ck_assert(vasprintf(&cmd, fmt, ap) >= 0);
	va_end(ap);
	ck_assert(pipe(pfd) == 0);
	efd = mkstemp(errpath);
	ck_assert(efd >= 0);
	unlink(errpath);
	pid = fork();
	ck_assert(pid >= 0);
	if (pid == 0) {
		dup2(pfd[1], 1);
		dup2(efd, 2);
		close(pfd[0]);
		close(pfd[1]);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	if (out)
		*out = slurp(pfd[0]);
	else
		free(slurp(pfd[0]));
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	lseek(efd, 0, SEEK_SET);
	errtmp = slurp(efd);
	close(efd);
	if (err)
		*err = errtmp;
	else
		free(errtmp);
	free(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

size_t trule_count(iptables *h, const char *chain)
{
	char **lines;
	size_t n;

	ck_assert_int_eq(iptables_list(h, "filter", chain, &lines, &n), 0);
	iptables_strv_free(lines, n);
	return n - 1;	/* the -P / -N line */
}

char *tjoin(char **lines, size_t n)
{
	size_t len = 1, i;
	char *s, *p;

	for (i = 0; i < n; i++)
		len += strlen(lines[i]) + 1;
	p = s = malloc(len);
	*s = '\0';
	for (i = 0; i < n; i++)
		p += sprintf(p, "%s%s", i ? "\n" : "", lines[i]);
	return s;
}

/* ---- additions for the suites (tests helper) ---- */

int tsplit_words(const char *line, char **out, int max)
{
	const char *p = line;
	char *buf = malloc(strlen(line) + 1), *w;
	int n = 0;

	ck_assert(buf);
	for (;;) {
		bool have = false;

		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '\n')
			break;
		w = buf;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
			have = true;
			if (*p == '\'') {
				for (p++; *p && *p != '\''; p++)
					*w++ = *p;
				if (!*p++)
					goto bad;
			} else if (*p == '"') {
				for (p++; *p && *p != '"'; p++) {
					if (*p == '\\' && p[1] && strchr("\"\\$`", p[1]))
						p++;
					*w++ = *p;
				}
				if (!*p++)
					goto bad;
			} else if (*p == '\\' && p[1]) {
				*w++ = p[1];
				p += 2;
			} else {
				*w++ = *p++;
			}
		}
		*w = '\0';
		if (have) {
			if (n >= max)
				goto bad;
			out[n++] = strdup(buf);
		}
	}
	free(buf);
	return n;
bad:
	free(buf);
	while (n)
		free(out[--n]);
	return -1;
}

char *tchomp(char *s)
{
	size_t len = strlen(s);

	while (len && s[len - 1] == '\n')
		s[--len] = '\0';
	return s;
}

char *tcli(const struct tcfg *c, int *status, char **err, const char *fmt, ...)
{
	char *args, *out = NULL, *e = NULL;
	va_list ap;
	int st;

	va_start(ap, fmt);
	ck_assert(vasprintf(&args, fmt, ap) >= 0);
	va_end(ap);
	st = tsh(&out, &e, "%s %s", c->cli, args);
	free(args);
	tchomp(out);
	if (status)
		*status = st;
	if (err)
		*err = tchomp(e);
	else
		free(e);
	return out;
}

char *tlist(iptables *h, const char *table, const char *chain, bool counters, int *rc)
{
	char **lines = NULL, *s;
	size_t n = 0;
	int r;

	if (counters)
		r = iptables_list_with_counters(h, table, chain, &lines, &n);
	else
		r = iptables_list(h, table, chain, &lines, &n);
	if (rc)
		*rc = r;
	if (r)
		return NULL;
	s = tjoin(lines, n);
	iptables_strv_free(lines, n);
	return s;
}

char *toracle_diff(iptables *h, const struct tcfg *c, const char *table, const char *chain,
		   bool counters)
{
	char *want, *got, *err = NULL, *msg = NULL;
	int st, rc;

	want = tcli(c, &st, &err, "-t %s %s-S %s", table, counters ? "-v " : "",
		    chain ? chain : "");
	got = tlist(h, table, chain, counters, &rc);
	if (st != 0)
		ck_assert(asprintf(&msg, "oracle `%s -t %s -S %s` failed (%d): %s", c->cli, table,
				   chain ? chain : "", st, err) >= 0);
	else if (!got)
		ck_assert(asprintf(&msg, "iptables_list(%s, %s) failed: %d (%s): %s", table,
				   chain ? chain : "NULL", rc, iptables_strerror(rc),
				   iptables_errmsg(h)) >= 0);
	else if (strcmp(want, got) != 0)
		ck_assert(asprintf(&msg, "listing of %s %s differs from `%s -S`\n"
				   "--- expected (oracle)\n%s\n--- got (library)\n%s\n---",
				   table, chain ? chain : "(all)", c->cli, want, got) >= 0);
	free(want);
	free(got);
	free(err);
	return msg;
}

char *tshquote(const char *word)
{
	size_t len = 3, i;
	char *q, *p;

	for (i = 0; word[i]; i++)
		len += word[i] == '\'' ? 4 : 1;
	p = q = malloc(len);
	ck_assert(q);
	*p++ = '\'';
	for (i = 0; word[i]; i++) {
		if (word[i] == '\'') {
			memcpy(p, "'\\''", 4);
			p += 4;
		} else {
			*p++ = word[i];
		}
	}
	*p++ = '\'';
	*p = '\0';
	return q;
}

char *tshjoin(const char *const *words)
{
	size_t len = 1, i;
	char *s, *q;

	s = malloc(len);
	ck_assert(s);
	*s = '\0';
	for (i = 0; words[i]; i++) {
		q = tshquote(words[i]);
		len += strlen(q) + 1;
		s = realloc(s, len);
		ck_assert(s);
		if (i)
			strcat(s, " ");
		strcat(s, q);
		free(q);
	}
	return s;
}

bool tvalgrind(void)
{
	const char *v = getenv("IPTC_VALGRIND");

	return v && *v && strcmp(v, "0") != 0;
}

double ttimeout(double base)
{
	return tvalgrind() ? base * 10 : base;
}
