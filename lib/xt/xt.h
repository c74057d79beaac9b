/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The libxtables layer: rulespec words -> kernel entries, kernel entries -> text.
 *
 * libxtables is process-global (afinfo, extension option tables, per-extension flags,
 * getopt state) and reports errors through exit_err. Everything here runs under one global
 * mutex taken by ic_xt_enter() and released by ic_xt_leave(); ic_xt_enter() also switches libxtables
 * to the requested family. Errors raised inside libxtables are trapped (longjmp) and come
 * back as IPTABLES_EINVAL with iptables' message in the caller's buffer.
 */
#ifndef IC_XT_H
#define IC_XT_H

#include <stdbool.h>
#include <stdio.h>
#include <libiptc/xtcshared.h>

#include "../backend.h"
#include "../iptc/iptc_family.h"

#define IC_XT_ERRBUF 1024

/* ---- global state (xt_global.c) ---- */

/* While the lock is held, stderr is pointed at a sink that discards what libxtables and the
 * extensions print there (warnings, notices), so the library never writes to stderr.
 *
 * Lock the global mutex, initialise libxtables once, switch it to @nfproto
 * (NFPROTO_IPV4 / NFPROTO_IPV6), making every extension of that family findable even if it
 * was first loaded under the other family. Returns 0 or IPTABLES_EUNSUPPORTED/ENOMEM with a
 * message in @err. Calls nest? No: never call ic_xt_enter twice on one thread. */
int ic_xt_enter(int nfproto, char *err, size_t errlen) IC_HIDDEN;
void ic_xt_leave(void) IC_HIDDEN;

/* Version of the libxtables we were built against (pkg-config's xtables version, e.g. 1.8.9),
 * for iptables_version. Needs no lock. */
void ic_xt_version(int *major, int *minor, int *patch) IC_HIDDEN;

/* Capture what extensions print to stdout (their save/print callbacks) into a string.
 * Only between ic_xt_enter and ic_xt_leave. ic_xt_capture_end returns a malloc'd NUL-terminated
 * string (possibly empty), or NULL on ENOMEM, and always restores stdout. */
struct ic_xt_capture {
	FILE *saved;
	FILE *mem;
	char *buf;
	size_t len;
};
int ic_xt_capture_begin(struct ic_xt_capture *c) IC_HIDDEN;
char *ic_xt_capture_end(struct ic_xt_capture *c) IC_HIDDEN;

/* Run fn(arg) with libxtables' exit_err trapped (only between ic_xt_enter and ic_xt_leave).
 * Returns what fn returned; if libxtables raised an error inside fn (xtables_error /
 * exit_err), fn is abandoned by longjmp and ic_xt_trap_call returns IPTABLES_EINVAL with
 * iptables' message ("iptables v1.8.9 (legacy): ...", no trailing newline) in @err.
 * fn must therefore keep anything it allocates reachable through @arg so the caller can
 * free it after a trapped error. Traps nest. Does not protect against the libxtables paths
 * that call exit() directly (see LIBXTABLES-NOTES.md). */
int ic_xt_trap_call(int (*fn)(void *arg), void *arg, char *err, size_t errlen) IC_HIDDEN;

/* ---- parsing (xt_parse.c) ---- */

/* One parsed rulespec. Several -s/-d addresses expand to several entries (the cartesian
 * product, in iptables' order); all share one size and one match mask. */
struct ic_xt_rule {
	size_t n;
	void **entries;			/* malloc'd struct ipt_entry / ip6t_entry, complete */
	size_t size;			/* next_offset of every entry */
	unsigned char *mask;		/* delete/check mask, as iptables' make_delete_mask */
	char jumpto[32];		/* target name as written: ACCEPT, chain name, extension */
	bool target_is_chain;		/* -j/-g to a user chain (or standard verdict) */
	bool goto_set;			/* -g was used */
};

/* Parse @spec (words after `iptables -A @chain`) for @table in family @f.
 * Takes the global lock itself. @handle, when not NULL, is used to tell a jump to an
 * existing user chain from an unknown target, as iptables does; with NULL, a target that is
 * neither a standard verdict nor a loadable extension is taken as a chain name.
 * Returns 0, or IPTABLES_EINVAL/ENOMEM with iptables' own error text in @err
 * (e.g. "iptables v1.8.9 (legacy): unknown option \"--foo\"\nTry `iptables -h' ...").
 * Beyond iptables: -h/--help/-V are errors (iptables would print and exit 0), -t must
 * name @table, -M is ignored, -w/-W/-v are accepted and ignored.
 * @chain adds iptables' chain checks ("Can't use -o with INPUT", "Can't use -i with
 * OUTPUT"); it may be NULL. */
int ic_xt_parse_rule_chain(const struct ic_iptc_family *f, const char *table, const char *chain,
			const char *const *spec, struct xtc_handle *handle, struct ic_xt_rule *out,
			char *err, size_t errlen) IC_HIDDEN;
void ic_xt_rule_free(struct ic_xt_rule *r) IC_HIDDEN;

/* ---- printing (xt_print.c) ---- */

/* The `-A CHAIN ...` line iptables -S prints for entry @e of @chain (an entry read from
 * @handle). With @counters, as iptables -v -S ("-A CHAIN ... -c PKTS BYTES").
 * Takes the global lock itself. Returns 0 and a malloc'd line (no newline) in *line. */
int ic_xt_format_rule(const struct ic_iptc_family *f, struct xtc_handle *handle, const char *chain,
		   const void *e, bool counters, char **line, char *err, size_t errlen) IC_HIDDEN;

/* The line ic_xt_format_rule would print for entry @i of a rule we parsed (not yet in any
 * kernel table): lets a rulespec be put in `iptables -S` form without touching the kernel. */
int ic_xt_format_parsed(const struct ic_iptc_family *f, const char *chain, const struct ic_xt_rule *r,
		     size_t i, char **line, char *err, size_t errlen) IC_HIDDEN;

/* The row of iptables_stats for entry @e: the columns of `iptables -L CHAIN -n -v -x`,
 * with source/destination in CIDR form ("!" prefixed when inverted). */
int ic_xt_format_stat(const struct ic_iptc_family *f, struct xtc_handle *handle, const void *e,
		   struct iptables_stat *row, char *err, size_t errlen) IC_HIDDEN;

#endif
