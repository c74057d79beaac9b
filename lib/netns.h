/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * opts.netns: a handle that works in another network namespace. Nothing moves the calling
 * thread for longer than it takes to create a socket there (a socket stays in the namespace
 * it was created in), or to clone a child that inherits it; the caller never sees its
 * thread in another namespace, and other threads are never affected (setns moves only the
 * thread that calls it).
 */
#ifndef IC_NETNS_H
#define IC_NETNS_H

#include "backend.h"

/* Open the namespace file @path (/run/netns/NAME, /proc/PID/ns/net): an fd, or a negative
 * code with the message in @err (ENOTFOUND: no such file; EINVAL: not a network namespace;
 * EPERM). */
int ic_netns_open(const char *path, struct ic_err *err) IC_HIDDEN;

/* Move the calling thread into cx's namespace (nothing when the handle has none). Returns
 * 0 with *saved to pass to ic_netns_leave, or a code recorded in cx->err. */
int ic_netns_enter(const struct ic_ctx *cx, int *saved) IC_HIDDEN;
void ic_netns_leave(int saved) IC_HIDDEN;

#endif
