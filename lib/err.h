/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one error channel. Every layer below the public API (backends, libxtables, lock,
 * spawn) reports a failure by filling the error sink it was handed and returning the code:
 * `return ic_err_set(err, IPTABLES_EINVAL, "...")`. The core creates one sink per public
 * call and files it as the calling thread's last failure (errors.c).
 * Messages are iptables' own text, without a trailing newline.
 */
#ifndef IC_ERR_H
#define IC_ERR_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define IC_HIDDEN __attribute__((visibility("hidden")))
#define IC_ERRMSG_MAX 1024

/* A sink starts zeroed (struct ic_err e = { 0 }, or ic_call_begin): warn is read back. */
struct ic_err {
	int code;			/* 0 while nothing failed */
	int exit_status;		/* exec backend: the binary's exit status, else 0 */
	bool param;			/* iptables' PARAMETER_PROBLEM: a usage error */
	bool at_line;			/* the message names the iptables_restore input line
					 * already, in the restore program's words */
	size_t failed_op;		/* commit: 1 + the index in the log of the op that failed,
					 * 0 when not known */
	char msg[IC_ERRMSG_MAX];
	/* "Warning: ..." lines libxtables printed during the call (iptables prints them before
	 * its error): put before msg when the call fails. */
	char warn[256];
};

/* Record @code with a formatted message (trailing newlines dropped); returns @code. */
int ic_err_set(struct ic_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4))) IC_HIDDEN;
int ic_err_vset(struct ic_err *e, int code, const char *fmt, va_list ap) IC_HIDDEN;
/* Same with the exec backend's exit status of the failed binary, @msg taken as it is. */
int ic_err_set_exit(struct ic_err *e, int code, int exit_status, const char *msg) IC_HIDDEN;
/* The one out-of-memory path: "<prog>: out of memory", IPTABLES_ENOMEM. */
int ic_err_nomem(struct ic_err *e, const char *prog) IC_HIDDEN;
/* Keep a failure across clean-up work that may report errors of its own:
 * ic_err_capture(&saved, e) ... ic_err_restore(e, &saved). */
void ic_err_capture(struct ic_err *saved, const struct ic_err *e) IC_HIDDEN;
void ic_err_restore(struct ic_err *e, const struct ic_err *saved) IC_HIDDEN;
/* Keep the "Warning: " lines of @text (what libxtables wrote to stderr) for the call's
 * failure message, each once. */
void ic_err_warn(struct ic_err *e, const char *text) IC_HIDDEN;
/* The message as the caller sees it: the warnings kept, then msg. */
void ic_err_finish(struct ic_err *e) IC_HIDDEN;
/* Prefix the recorded message: "table nat: <message>". */
void ic_err_prefix(struct ic_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3))) IC_HIDDEN;

#endif
