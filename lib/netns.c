/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netns.h"

int ic_netns_open(const char *path, struct ic_err *err)
{
	char link[64], target[64];
	ssize_t n;
	int fd, e;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		return ic_err_set(err, e == ENOENT || e == ENOTDIR ? IPTABLES_ENOTFOUND
				  : e == EACCES || e == EPERM ? IPTABLES_EPERM : IPTABLES_EINVAL,
				  "network namespace `%s': %s", path, strerror(e));
	}
	/* An nsfs file reads back as "net:[INODE]" through /proc; NS_GET_NSTYPE would say the
	 * same, but valgrind does not know that ioctl and warns on every handle. */
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0 || (size_t)n < 5 || memcmp(target, "net:[", 5) != 0) {
		close(fd);
		return ic_err_set(err, IPTABLES_EINVAL,
				  "`%s' is not a network namespace file", path);
	}
	return fd;
}

int ic_netns_enter(const struct ic_ctx *cx, int *saved)
{
	int e;

	*saved = -1;
	if (cx->netns_fd < 0)
		return 0;
	*saved = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*saved < 0) {
		e = errno;
		return ic_err_set(cx->err, IPTABLES_ESYS, "%s: cannot open this thread's network "
				  "namespace: %s", ic_prog(cx), strerror(e));
	}
	if (setns(cx->netns_fd, CLONE_NEWNET) == 0)
		return 0;
	e = errno;
	close(*saved);
	*saved = -1;
	return ic_err_set(cx->err, e == EPERM ? IPTABLES_EPERM : IPTABLES_ESYS,
			  "%s: cannot enter the handle's network namespace: %s", ic_prog(cx),
			  strerror(e));
}

void ic_netns_leave(int saved)
{
	if (saved < 0)
		return;
	/* going back to a namespace this thread was in cannot be refused */
	(void)setns(saved, CLONE_NEWNET);
	close(saved);
}
