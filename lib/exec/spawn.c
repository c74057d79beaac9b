/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Run a program (a clone that execs it, see start()) with stdin fed from memory and
 * stdout/stderr captured, multiplexed with poll() so that neither side can block the other.
 * Every fd we create is close-on-exec; the child only sees the three we dup2 onto 0, 1 and 2.
 * stdin is a socket so that writing to a child that exited early gives EPIPE through
 * send(MSG_NOSIGNAL) instead of a SIGPIPE: we never touch the caller's signal dispositions,
 * and its signal mask only in the calling thread for the instant of the clone. The caller's
 * SIGCHLD disposition (ignored, or a handler that reaps with waitpid(-1)) cannot take the
 * child's status from us.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
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

/* argv[0] when it names a path, else the first executable file of that name in PATH. */
static char *resolve(const char *name)
{
	const char *path = getenv("PATH"), *p, *e;
	char *cand;
	size_t ld, ln = strlen(name);

	if (strchr(name, '/'))
		return strdup(name);
	if (!path || !*path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (p = path; ; p = e + 1) {
		e = strchrnul(p, ':');
		ld = (size_t)(e - p);
		cand = malloc(ld + ln + 3);
		if (!cand)
			return NULL;
		snprintf(cand, ld + ln + 3, "%.*s%s%s", (int)ld, ld ? p : ".", "/", name);
		if (access(cand, X_OK) == 0)
			return cand;
		free(cand);
		if (!*e)
			break;
	}
	errno = ENOENT;
	return NULL;
}

/* What the runner (see start()) needs, in its copy of our memory. */
struct child {
	const char *file;
	char *const *argv;
	char **env;
	int fds[3];		/* the program's stdin, stdout, stderr */
	int report;		/* write end of the status pipe */
	char *stack;		/* the program's clone stack, CHILD_STACK bytes */
	volatile int exec_err;	/* set by the program's clone when execve fails */
};

#define CHILD_STACK (64 * 1024)

/* Ends a clone without the exit hooks (atexit, a sanitizer's leak check) of the process it is
 * a copy of. */
static __attribute__((noreturn)) void quit(int status)
{
	for (;;)
		syscall(SYS_exit_group, status);
}

/* The program's clone, sharing the runner's memory until it execs (as posix_spawn does). */
static int program_main(void *arg)
{
	struct child *c = arg;
	sigset_t none;
	int i, e;

	for (i = 0; i < 3; i++) {
		if (c->fds[i] == i)
			e = fcntl(i, F_SETFD, 0);
		else
			e = dup2(c->fds[i], i);
		if (e < 0)
			goto fail;
	}
#if defined(SYS_close_range) && defined(CLOSE_RANGE_CLOEXEC)
	/* the application's own fds without O_CLOEXEC do not leak into iptables either */
	syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
#endif
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(c->file, c->argv, c->env);
fail:
	c->exec_err = errno ? errno : ENOEXEC;
	quit(127);
}

static void write_int(int fd, int v)
{
	while (write(fd, &v, sizeof(v)) < 0 && errno == EINTR)
		;
}

/* Every fd but @keep, so that only the program holds the pipes' other ends, and the runner
 * holds nothing of the caller's (its stdio included). */
static void close_all_but(int keep)
{
	struct rlimit rl;
	unsigned int fd, max = 1024;

#ifdef SYS_close_range
	if ((keep == 0 || syscall(SYS_close_range, 0U, (unsigned int)keep - 1, 0) == 0) &&
	    syscall(SYS_close_range, (unsigned int)keep + 1, ~0U, 0) == 0)
		return;
#endif
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		max = (unsigned int)rl.rlim_cur;
	for (fd = 0; fd < max; fd++)
		if (fd != (unsigned int)keep)
			close(fd);
}

/*
 * The runner: our clone without an exit signal, in a copy of our memory, so only system
 * calls. With default signal handlers (SIGCHLD included) it starts the program, reports
 * whether execve worked, waits for it, and reports its status: 0..255, or 128 + signal.
 */
static int runner_main(void *arg)
{
	struct child *c = arg;
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	int i, st, status;
	pid_t pid;

	for (i = 1; i < _NSIG; i++)
		sigaction(i, &dfl, NULL);	/* SIGKILL, SIGSTOP, glibc's own: refused, fine */
	pid = clone(program_main, c->stack + CHILD_STACK, CLONE_VM | CLONE_VFORK | SIGCHLD, c);
	write_int(c->report, pid < 0 ? errno : c->exec_err);
	if (pid < 0 || c->exec_err)
		quit(0);
	close_all_but(c->report);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			quit(0);
	if (WIFEXITED(st))
		status = WEXITSTATUS(st);
	else if (WIFSIGNALED(st))
		status = 128 + WTERMSIG(st);
	else
		status = 255;
	write_int(c->report, status);
	quit(0);
}

/* One int from the runner; -1 when it died without saying. */
static int read_int(int fd)
{
	ssize_t r;
	int v;

	do
		r = read(fd, &v, sizeof(v));
	while (r < 0 && errno == EINTR);
	return r == sizeof(v) ? v : -1;
}

/* A started program: its runner and the runner's status pipe. */
struct proc {
	pid_t runner;
	int status_fd;
};

/*
 * The program is started by a private reaper, the runner, which is cloned with no exit
 * signal and never execs: the kernel does not auto-reap it when the caller ignores SIGCHLD,
 * and a waitpid(-1) in the caller's SIGCHLD handler (no __WALL) does not take it. The
 * program's status, whatever the caller does with SIGCHLD, comes down the status pipe.
 */
static int start(char *const argv[], char **env, int child[3], struct proc *pr)
{
	struct child c = { .argv = argv, .env = env };
	sigset_t all, old;
	int sp[2], rc = 0, e;
	char *stack;

	pr->runner = -1;
	pr->status_fd = -1;
	c.file = resolve(argv[0]);
	if (!c.file)
		return errno ? errno : ENOMEM;
	stack = malloc(2 * CHILD_STACK);
	if (!stack || pipe2(sp, O_CLOEXEC) < 0) {
		rc = stack ? errno : ENOMEM;
		free(stack);
		free((char *)c.file);
		return rc;
	}
	memcpy(c.fds, child, sizeof(c.fds));
	c.report = sp[1];
	c.stack = stack + CHILD_STACK;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pr->runner = clone(runner_main, stack + CHILD_STACK, 0, &c);
	if (pr->runner < 0)
		rc = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	close(sp[1]);
	free(stack);
	free((char *)c.file);
	if (rc) {
		close(sp[0]);
		return rc;
	}
	pr->status_fd = sp[0];
	e = read_int(sp[0]);
	if (e)
		rc = e < 0 ? EIO : e;
	return rc;
}

/* The program's status, once it has finished; then the runner is reaped. */
static int finish(struct proc *pr, int *status)
{
	int st = -1;

	if (pr->status_fd >= 0) {
		st = read_int(pr->status_fd);
		close(pr->status_fd);
		pr->status_fd = -1;
	}
	if (pr->runner > 0)
		while (waitpid(pr->runner, NULL, __WALL) < 0 && errno == EINTR)
			;
	pr->runner = -1;
	if (st < 0)
		return ECHILD;
	*status = st;
	return 0;
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
	struct proc pr = { .runner = -1, .status_fd = -1 };
	char **env, *own;
	int rc, i;

	memset(res, 0, sizeof(*res));
	env = build_env(lockfile, &own);
	if (!env)
		return ENOMEM;
	rc = make_fds(child, &io, in != NULL);
	if (!rc) {
		rc = start(argv, env, child, &pr);
		if (rc)
			finish(&pr, &i);	/* the runner of a program that could not exec */
	}
	for (i = 0; i < 3; i++)
		close_fd(&child[i]);
	free(env);
	free(own);
	if (!rc) {
		rc = io_loop(&io);
		close_fd(&io.in);
		close_fd(&io.out);
		close_fd(&io.err);
		i = finish(&pr, &res->status);
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
