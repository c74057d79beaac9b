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
};
const size_t n_tcfgs = sizeof(tcfgs) / sizeof(tcfgs[0]);

static char lockpath[64];

void tns_enter(void)
{
	int fd;

	ck_assert_msg(unshare(CLONE_NEWNET) == 0, "unshare(CLONE_NEWNET): %s", strerror(errno));
	snprintf(lockpath, sizeof(lockpath), "/tmp/iptc-test-lock.XXXXXX");
	fd = mkstemp(lockpath);
	ck_assert_msg(fd >= 0, "mkstemp: %s", strerror(errno));
	close(fd);
	setenv("XTABLES_LOCKFILE", lockpath, 1);
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

int trun(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
