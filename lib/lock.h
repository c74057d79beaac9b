/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The xtables lock, as iptables-legacy takes it: flock(LOCK_EX) on one file. */
#ifndef IC_XT_LOCK_H
#define IC_XT_LOCK_H

#include "err.h"
#include "internal.h"

/* Open (O_CREAT|O_CLOEXEC, 0600) and flock @path. timeout_s == 0 waits forever; otherwise
 * polls with LOCK_NB (no signals) until @timeout_s seconds have passed.
 * Returns an fd >= 0, or IPTABLES_ELOCK (timeout, message in iptables' wording:
 * "Another app is currently holding the xtables lock. Stopped waiting after %us.")
 * or IPTABLES_ESYS (cannot open), recorded in @err. */
int ic_lock_acquire(struct ic_err *err, const char *path, int timeout_s) IC_HIDDEN;
/* LOCK_UN, then close. */
void ic_lock_release(int fd) IC_HIDDEN;

/* A lock file no other process uses, for the programs we run while we hold the xtables lock
 * on their behalf (they would wait for us): an anonymous file, named by its /proc/<pid>/fd
 * path in @path. Returns its fd (close it when done), or IPTABLES_ESYS recorded in @err. */
int ic_lock_private(struct ic_err *err, char *path, size_t size) IC_HIDDEN;

#endif
