/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The xtables lock, taken the way iptables-legacy takes it (flock(LOCK_EX) on one file),
 * except that a timeout is a LOCK_NB poll: iptables' SIGALRM trick is not safe in a library.
 *
 * flock belongs to the open file description, which fork() shares with the child. So the
 * lock is released with LOCK_UN (a bare close() would leave it held by any child that still
 * has a copy), and a fork handler closes the child's copies of the descriptors held at that
 * moment: a child that never touches the library does not keep the lock once we let go (or
 * exit). exec is covered by O_CLOEXEC.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "lock.h"
#include "vec.h"

#define POLL_MIN_NS 1000000L	/* 1 ms */
#define POLL_MAX_NS 50000000L	/* 50 ms */

/* The descriptors that hold the lock now, for the fork handler. */
static pthread_mutex_t held_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t held_once = PTHREAD_ONCE_INIT;
static int *held;
static size_t n_held, cap_held;

static void fork_prepare(void)
{
	pthread_mutex_lock(&held_mu);
}

static void fork_parent(void)
{
	pthread_mutex_unlock(&held_mu);
}

/* In the child: close (never LOCK_UN: that would unlock the parent too) and forget. */
static void fork_child(void)
{
	size_t i;

	for (i = 0; i < n_held; i++)
		close(held[i]);
	n_held = 0;
	pthread_mutex_unlock(&held_mu);
}

static void held_init(void)
{
	pthread_atfork(fork_prepare, fork_parent, fork_child);
}

static int held_add(int fd)
{
	int rc = 0;

	pthread_once(&held_once, held_init);
	pthread_mutex_lock(&held_mu);
	if (IC_VEC_RESERVE(held, cap_held, n_held + 1))
		rc = -1;
	else
		held[n_held++] = fd;
	pthread_mutex_unlock(&held_mu);
	return rc;
}

static void held_remove(int fd)
{
	size_t i;

	pthread_mutex_lock(&held_mu);
	for (i = 0; i < n_held; i++) {
		if (held[i] == fd) {
			held[i] = held[--n_held];
			break;
		}
	}
	pthread_mutex_unlock(&held_mu);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int lock_blocking(int fd)
{
	int rc;

	do
		rc = flock(fd, LOCK_EX);
	while (rc < 0 && errno == EINTR);
	return rc;
}

/* 0 when locked, -1 with errno EWOULDBLOCK on timeout, -1 with another errno on error. */
static int lock_polling(int fd, int timeout_s)
{
	long long deadline = now_ns() + (long long)timeout_s * 1000000000LL;
	long delay = POLL_MIN_NS;
	struct timespec ts;
	long long left;

	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -1;
		left = deadline - now_ns();
		if (left <= 0) {
			errno = EWOULDBLOCK;
			return -1;
		}
		if (delay > left)
			delay = (long)left;
		ts.tv_sec = 0;
		ts.tv_nsec = delay;
		nanosleep(&ts, NULL);
		if (delay < POLL_MAX_NS)
			delay *= 2;
		if (delay > POLL_MAX_NS)
			delay = POLL_MAX_NS;
	}
}

int ic_lock_acquire(struct ic_err *err, const char *path, int timeout_s)
{
	int fd, rc, saved;

	fd = open(path, O_CREAT | O_CLOEXEC | O_RDONLY, 0600);
	if (fd < 0) {
		/* iptables-legacy's words; the code as the exec backend reads them: not allowed
		 * is EPERM (as every backend says to a non-root caller), else the lock was not
		 * obtained (README, "one code per case") */
		saved = errno;
		return ic_err_set(err, saved == EACCES || saved == EPERM ? IPTABLES_EPERM
					: IPTABLES_ELOCK,
				  "Fatal: can't open lock file %s: %s", path, strerror(saved));
	}
	/* registered before it locks, so that no fork in between leaves the child a copy */
	if (held_add(fd)) {
		close(fd);
		return ic_err_set(err, IPTABLES_ENOMEM, "out of memory");
	}
	rc = timeout_s > 0 ? lock_polling(fd, timeout_s) : lock_blocking(fd);
	if (rc == 0)
		return fd;
	saved = errno;
	held_remove(fd);
	close(fd);
	if (saved == EWOULDBLOCK)
		return ic_err_set(err, IPTABLES_ELOCK,
				  "Can't lock %s: %s\n"
				  "Another app is currently holding the xtables lock. "
				  "Stopped waiting after %ds.", path, strerror(saved), timeout_s);
	return ic_err_set(err, IPTABLES_ESYS, "Can't lock %s: %s", path, strerror(saved));
}

void ic_lock_release(int fd)
{
	if (fd < 0)
		return;
	flock(fd, LOCK_UN);
	held_remove(fd);
	close(fd);
}

int ic_lock_private(struct ic_err *err, char *path, size_t size)
{
	int fd = memfd_create("xtables-private-lock", MFD_CLOEXEC);

	if (fd < 0)
		return ic_err_set(err, IPTABLES_ESYS, "Fatal: can't create a lock file: %s",
				  strerror(errno));
	snprintf(path, size, "/proc/%d/fd/%d", (int)getpid(), fd);
	if (access(path, R_OK)) {
		close(fd);
		return ic_err_set(err, IPTABLES_ESYS, "Fatal: can't open lock file %s: %s", path,
				  strerror(errno));
	}
	return fd;
}
