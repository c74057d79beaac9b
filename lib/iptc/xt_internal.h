/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private plumbing shared by xt_global.c, xt_register.c and xt_parse.c. */
#ifndef IPT_XT_INTERNAL_H
#define IPT_XT_INTERNAL_H

#include <getopt.h>
#include <setjmp.h>
#include <stdbool.h>
#include <xtables.h>

#include "xt.h"

/*
 * A trap catches libxtables' exit_err. Arm it with xt_trap_push() and then setjmp(t->jb)
 * in the same function; disarm with xt_trap_pop() on the normal path. exit_err formats
 * iptables' message into t->err, pops the trap and longjmps to it.
 */
struct xt_trap {
	jmp_buf jb;
	struct xt_trap *prev;
	char *err;
	size_t errlen;
};

void xt_trap_push(struct xt_trap *t, char *err, size_t errlen) IPT_HIDDEN;
void xt_trap_pop(struct xt_trap *t) IPT_HIDDEN;

/* Raise an error with @fmt as the whole message (no "iptables vX (legacy): " prefix), as
 * iptables does for "Bad argument". Only inside a trap. */
void xt_throw(int code, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 2, 3))) IPT_HIDDEN;

/* The getopt table of iptables' base options, and libxtables' globals pointing at it. */
extern struct option xt_base_opts[] IPT_HIDDEN;
extern struct xtables_globals xt_globals IPT_HIDDEN;

/* Current family's program name: "iptables" / "ip6tables". */
const char *xt_progname(void) IPT_HIDDEN;

/* xt_register.c: forward the recorded targets of afinfo's family never forwarded yet. */
void xt_register_sync(void) IPT_HIDDEN;
/* True when extensions resolve xtables_register_target to ours. */
bool xt_register_interposed(void) IPT_HIDDEN;

#endif
