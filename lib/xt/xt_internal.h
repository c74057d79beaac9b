/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private plumbing shared by xt_global.c, xt_register.c and xt_parse.c. */
#ifndef IC_XT_INTERNAL_H
#define IC_XT_INTERNAL_H

#include <getopt.h>
#include <setjmp.h>
#include <stdbool.h>
#include <xtables.h>

#include "xt.h"

/*
 * A trap catches libxtables' exit_err. Arm it with ic_xt_trap_push() and then setjmp(t->jb)
 * in the same function; disarm with ic_xt_trap_pop() on the normal path. exit_err formats
 * iptables' message into t->err, pops the trap and longjmps to it.
 */
struct ic_xt_trap {
	jmp_buf jb;
	struct ic_xt_trap *prev;
	char *err;
	size_t errlen;
};

void ic_xt_trap_push(struct ic_xt_trap *t, char *err, size_t errlen) IC_HIDDEN;
void ic_xt_trap_pop(struct ic_xt_trap *t) IC_HIDDEN;

/* Raise an error with @fmt as the whole message (no "iptables vX (legacy): " prefix), as
 * iptables does for "Bad argument". Only inside a trap. */
void ic_xt_throw(int code, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3))) IC_HIDDEN;

/* The getopt table of iptables' base options, and libxtables' globals pointing at it. */
extern struct option ic_xt_base_opts[] IC_HIDDEN;
extern struct xtables_globals ic_xt_globals IC_HIDDEN;

/* Current family's program name: "iptables" / "ip6tables". */
const char *ic_xt_progname(void) IC_HIDDEN;

/* xt_register.c: forward the recorded targets of afinfo's family never forwarded yet. */
void ic_xt_register_sync(void) IC_HIDDEN;
/* True when extensions resolve xtables_register_target to ours. */
bool ic_xt_register_interposed(void) IC_HIDDEN;

#endif
