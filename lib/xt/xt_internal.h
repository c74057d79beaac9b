/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private to lib/xt: the one door into libxtables, and what its users share. */
#ifndef IC_XT_INTERNAL_H
#define IC_XT_INTERNAL_H

#include <getopt.h>
#include <stdbool.h>
#include <xtables.h>

#include "xt.h"
#include "xt_family.h"

/*
 * One use of libxtables (xt_state.c). ic_xt_run takes the process-wide mutex, switches
 * libxtables to the family, lends it our program globals (name, "VERSION (mode)", exit_err,
 * compat_rev) for the duration, points stderr at a sink, captures stdout when @out is set,
 * and calls fn(arg) with libxtables' exit_err trapped: an error raised inside fn abandons it
 * by longjmp, and its message lands in the run's error sink. Then cleanup(arg), if set, runs
 * in every case, still under the mutex (it must not raise), so fn keeps what it allocates
 * reachable through @arg.
 */
struct ic_xt_call {
	uint8_t nfproto;
	const char *mode;		/* NULL: "legacy" */
	ic_compat_rev_fn *compat_rev;	/* NULL: ours (x_tables getsockopt) */
	const char *prog;		/* NULL: the family's ("iptables"); else iptables-restore's */
	int line;			/* > 0: the restore input line messages name */
	int (*fn)(void *arg);		/* returns 0 or a code with the sink filled */
	void (*cleanup)(void *arg);
	void *arg;
	char **out;			/* not NULL: what fn printed to stdout, malloc'd */
};

/* Returns what fn returned, or the code of the error it raised; @err has the message. */
int ic_xt_run(const struct ic_xt_call *call, struct ic_err *err) IC_HIDDEN;

/* Inside fn: the run's family, and its error sink (for errors fn reports by return). */
const struct ic_xt_family *ic_xt_cur_family(void) IC_HIDDEN;
struct ic_err *ic_xt_cur_err(void) IC_HIDDEN;

/* Inside fn: the program name messages use, and "Error occurred at line: N\n" while a
 * restore line is parsed ("" otherwise), as iptables' exit_tryhelp prints them. */
const char *ic_xt_prog(void) IC_HIDDEN;
const char *ic_xt_at_line(void) IC_HIDDEN;

/* Inside fn: raise an error with @fmt as the whole message (no "iptables vX (mode): "
 * prefix), as iptables does for "Bad argument". */
void ic_xt_throw(int code, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3))) IC_HIDDEN;

/* Inside fn: calloc that raises "<prog>: out of memory" instead of returning NULL. */
void *ic_xt_alloc(size_t size) IC_HIDDEN;

/* True inside fn of a run this thread holds, in the process that opened it: where the
 * guards below may raise rather than let libxtables exit. Needs no lock. */
bool ic_xt_trapped(void) IC_HIDDEN;
/* Inside fn: raise IPTABLES_ENOMEM ("<prog>: out of memory"). */
void ic_xt_raise_nomem(void) __attribute__((noreturn)) IC_HIDDEN;
/* Inside fn: raise IPTABLES_EINVAL for an exit(@status) called by @who (an object's file
 * name) instead of xtables_error. */
void ic_xt_raise_exit(int status, const char *who) __attribute__((noreturn)) IC_HIDDEN;

/* xt_guard.c: point the exit() imports of the object containing @addr (an extension, as it
 * registers) at the guard; of libxtables and every extension already loaded (at init). */
void ic_xt_guard_object(const void *addr) IC_HIDDEN;
void ic_xt_guard_all(void) IC_HIDDEN;
/* Around forwarding a registration (it may run inside dlopen): the guards let libxtables
 * exit there as it always did rather than unwind the dynamic loader. */
void ic_xt_register_begin(void) IC_HIDDEN;
void ic_xt_register_end(void) IC_HIDDEN;

#ifdef IC_TEST_HOOKS
/* Test builds: when > 0, the Nth xtables_malloc/calloc/realloc/strdup from now inside a
 * trapped run fails (counts down to 0 and stays there). */
extern long ic_test_xt_alloc_fail_at IC_HIDDEN;
#endif

/* The getopt table of iptables' base options, and libxtables' globals pointing at it. */
extern struct option ic_xt_base_opts[] IC_HIDDEN;
extern struct xtables_globals ic_xt_globals IC_HIDDEN;

/* xt_register.c: forward the recorded targets of afinfo's family never forwarded yet. */
void ic_xt_register_sync(void) IC_HIDDEN;
/* True when extensions resolve xtables_register_target to ours. */
bool ic_xt_register_interposed(void) IC_HIDDEN;
/* True when this libxtables drops targets of another family than the current one, so a
 * process that uses both needs the interposition. */
bool ic_xt_register_needed(void) IC_HIDDEN;

/* xt_ext.c: extension lookup that never raises and never poisons a name. */
struct xtables_match *ic_xt_match_lookup(const char *name, uint8_t nfproto) IC_HIDDEN;
struct xtables_match *ic_xt_match_revision(struct xtables_match *first, int rev,
					   uint8_t nfproto) IC_HIDDEN;
struct xtables_target *ic_xt_target_lookup(const char *name, uint8_t nfproto) IC_HIDDEN;
struct xtables_target *ic_xt_target_revision(struct xtables_target *first, int rev,
					     uint8_t nfproto) IC_HIDDEN;

#endif
