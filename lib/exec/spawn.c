/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * posix_spawnp with stdin fed from memory and stdout/stderr captured, multiplexed with poll()
 * so that neither side can block the other. Every fd we create is close-on-exec; the child
 * only sees the three we dup2 onto 0, 1 and 2. stdin is a socket so that writing to a child
 * that exited early gives EPIPE through send(MSG_NOSIGNAL) instead of a SIGPIPE: we never
 * touch signal dispositions or masks of the calling process.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spawn.h"
#include "vec.h"
#include "iptables-c.h"

extern char **environ;

#define LOCK_VAR "XTABLES_LOCKFILE="

struct cap {
	char *p;
	size_t len, cap;
};

/* environ with XTABLES_LOCKFILE replaced; the strings are borrowed except *own. */
static char **build_env(const char *lockfile, char **own)
{
	size_t n = 0, i, j = 0;
	char **env;

	*own = NULL;
	while (environ && environ[n])
		n++;
	env = calloc(n + 2, sizeof(*env));
	if (!env)
		return NULL;
	if (lockfile) {
		*own = malloc(strlen(LOCK_VAR) + strlen(lockfile) + 1);
		if (!*own) {
			free(env);
			return NULL;
		}
		strcpy(*own, LOCK_VAR);
		strcat(*own, lockfile);
	}
	for (i = 0; i < n; i++) {
		if (lockfile && !strncmp(environ[i], LOCK_VAR, strlen(LOCK_VAR)))
			continue;
		env[j++] = environ[i];
	}
	if (*own)
		env[j++] = *own;
	env[j] = NULL;
	return env;
}

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return errno;
	return 0;
}

/* Reads what is available; returns 0 while open, 1 at EOF, or a positive errno. */
static int cap_read(int fd, struct cap *c)
{
	ssize_t r;

	for (;;) {
		if (c->cap - c->len < 4096 && IC_VEC_RESERVE(c->p, c->cap, c->len + 16384))
			return ENOMEM;
		r = read(fd, c->p + c->len, c->cap - c->len - 1);
		if (r > 0) {
			c->len += r;
			continue;
		}
		if (r == 0)
			return 1;
		if (errno == EINTR)
			continue;
		return errno == EAGAIN ? 0 : errno;
	}
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

struct io {
	int in, out, err;	/* parent ends, -1 once finished */
	const char *data;
	size_t len, off;
	struct cap o, e;
};

/* Pushes stdin; a child that stopped reading (EPIPE) just gets no more input. */
static int io_write(struct io *io)
{
	while (io->off < io->len) {
		ssize_t w = send(io->in, io->data + io->off, io->len - io->off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w >= 0) {
			io->off += w;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN)
			return 0;
		break;
	}
	close_fd(&io->in);
	return 0;
}

static int io_loop(struct io *io)
{
	while (io->in >= 0 || io->out >= 0 || io->err >= 0) {
		struct pollfd p[3] = {
			{ .fd = io->in, .events = POLLOUT },
			{ .fd = io->out, .events = POLLIN },
			{ .fd = io->err, .events = POLLIN },
		};
		int rc;

		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		if (io->in >= 0 && p[0].revents)
			io_write(io);
		if (io->out >= 0 && p[1].revents) {
			rc = cap_read(io->out, &io->o);
			if (rc > 1)
				return rc;
			if (rc == 1)
				close_fd(&io->out);
		}
		if (io->err >= 0 && p[2].revents) {
			rc = cap_read(io->err, &io->e);
			if (rc > 1)
				return rc;
			if (rc == 1)
				close_fd(&io->err);
		}
	}
	return 0;
}

static int reap(pid_t pid, int *status)
{
	int st;

	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return errno;
	}
	if (WIFEXITED(st))
		*status = WEXITSTATUS(st);
	else if (WIFSIGNALED(st))
		*status = 128 + WTERMSIG(st);
	else
		*status = 255;
	return 0;
}

/* Child ends [0..2], parent ends of stdin/stdout/stderr. */
static int make_fds(int child[3], struct io *io, int want_input)
{
	int p[2];

	if (want_input) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p) < 0)
			return errno;
		child[0] = p[0];
		io->in = p[1];
		shutdown(p[0], SHUT_WR);
	} else {
		child[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (child[0] < 0)
			return errno;
	}
	if (pipe2(p, O_CLOEXEC) < 0)
		return errno;
	child[1] = p[1];
	io->out = p[0];
	if (pipe2(p, O_CLOEXEC) < 0)
		return errno;
	child[2] = p[1];
	io->err = p[0];
	if ((io->in >= 0 && set_nonblock(io->in)) || set_nonblock(io->out) ||
	    set_nonblock(io->err))
		return errno ? errno : EIO;
	return 0;
}

static int start(char *const argv[], char **env, int child[3], pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, all;
	int rc, i;

	if (posix_spawn_file_actions_init(&fa))
		return ENOMEM;
	if (posix_spawnattr_init(&at)) {
		posix_spawn_file_actions_destroy(&fa);
		return ENOMEM;
	}
	sigemptyset(&none);
	sigfillset(&all);
	rc = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	if (!rc)
		rc = posix_spawnattr_setsigmask(&at, &none);
	if (!rc)
		rc = posix_spawnattr_setsigdefault(&at, &all);
	for (i = 0; !rc && i < 3; i++)
		rc = posix_spawn_file_actions_adddup2(&fa, child[i], i);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
	/* the application's own fds without O_CLOEXEC do not leak into iptables either */
	if (!rc)
		rc = posix_spawn_file_actions_addclosefrom_np(&fa, 3);
#endif
	if (!rc)
		rc = posix_spawnp(pid, argv[0], &fa, &at, argv, env);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	return rc;
}

static char *cap_take(struct cap *c, size_t *len)
{
	char *p = c->p;

	if (!p) {
		p = malloc(1);
		if (!p)
			return NULL;
	}
	p[c->len] = '\0';
	*len = c->len;
	c->p = NULL;
	return p;
}

static int spawn(char *const argv[], const char *lockfile, const char *in, size_t in_len,
		 struct ic_spawn_res *res)
{
	struct io io = { .in = -1, .out = -1, .err = -1, .data = in, .len = in_len };
	int child[3] = { -1, -1, -1 };
	char **env, *own;
	pid_t pid;
	int rc, i;

	memset(res, 0, sizeof(*res));
	env = build_env(lockfile, &own);
	if (!env)
		return ENOMEM;
	rc = make_fds(child, &io, in != NULL);
	if (!rc)
		rc = start(argv, env, child, &pid);
	for (i = 0; i < 3; i++)
		close_fd(&child[i]);
	free(env);
	free(own);
	if (!rc) {
		rc = io_loop(&io);
		close_fd(&io.in);
		close_fd(&io.out);
		close_fd(&io.err);
		i = reap(pid, &res->status);
		if (!rc)
			rc = i;
	}
	close_fd(&io.in);
	close_fd(&io.out);
	close_fd(&io.err);
	if (!rc) {
		res->out = cap_take(&io.o, &res->out_len);
		res->err = cap_take(&io.e, &res->err_len);
		if (!res->out || !res->err)
			rc = ENOMEM;
	}
	free(io.o.p);
	free(io.e.p);
	if (rc)
		ic_spawn_res_free(res);
	return rc;
}

int ic_spawn(struct ic_err *err, char *const argv[], const char *lockfile, const char *in,
	     size_t in_len, struct ic_spawn_res *res)
{
	int rc = spawn(argv, lockfile, in, in_len, res);

	if (rc == ENOMEM)
		return ic_err_set(err, IPTABLES_ENOMEM, "out of memory");
	if (rc)
		return ic_err_set(err, IPTABLES_EEXEC, "%s: %s", argv[0], strerror(rc));
	return 0;
}

void ic_spawn_res_free(struct ic_spawn_res *res)
{
	free(res->out);
	free(res->err);
	res->out = res->err = NULL;
	res->out_len = res->err_len = 0;
}
