/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Run a program without a shell and capture what it prints. */
#ifndef IC_EXEC_SPAWN_H
#define IC_EXEC_SPAWN_H

#include <stddef.h>

#include "err.h"

struct ic_spawn_res {
	int status;		/* exit status 0..255, or 128 + signal number */
	char *out, *err;	/* NUL-terminated captures, never NULL after success */
	size_t out_len, err_len;
};

/*
 * Run argv[0] (looked up in PATH when it has no '/') with argv, the caller's environment but
 * XTABLES_LOCKFILE=lockfile (when lockfile is not NULL), and feed it in/in_len on stdin
 * (empty stdin when in is NULL). Returns 0 once the child has been reaped (whatever its
 * status), or records in @err why it could not be run at all (IPTABLES_EEXEC "prog: reason",
 * IPTABLES_ENOMEM) and returns that code; *res is empty then.
 */
int ic_spawn(struct ic_err *err, char *const argv[], const char *lockfile, const char *in,
	     size_t in_len, struct ic_spawn_res *res) IC_HIDDEN;
void ic_spawn_res_free(struct ic_spawn_res *res) IC_HIDDEN;

#endif
