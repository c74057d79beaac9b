/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private to the libiptc backend: sessions (lock + one libiptc handle per table) and errors. */
#ifndef IPT_IPTC_BACKEND_H
#define IPT_IPTC_BACKEND_H

#include <stdbool.h>
#include <libiptc/xtcshared.h>

#include "../internal.h"
#include "tc_family.h"

/* ---- errors (iptc_errors.c) ---- */

/* The libiptc call that failed; it selects iptables' wording for some errno values. */
enum tc_fn {
	TC_FN_OTHER,
	TC_FN_INIT,
	TC_FN_INSERT,
	TC_FN_REPLACE,
	TC_FN_DELETE_ENTRY,
	TC_FN_DELETE_NUM,
	TC_FN_SET_POLICY,
	TC_FN_CREATE_CHAIN,
	TC_FN_COMMIT,
};

/* Record what iptables-legacy prints when libiptc call @fn failed with @err (an errno), and
 * return our status code for it. @table is only used by TC_FN_INIT. */
int tc_fail(struct iptables *h, enum tc_fn fn, int err, const char *table) IPT_HIDDEN;
/* Our status code for a libiptc errno. */
int tc_errno_code(enum tc_fn fn, int err) IPT_HIDDEN;

/* ---- sessions (iptc_session.c) ---- */

struct tc_table {
	char *name;
	struct xtc_handle *xh;		/* NULL once committed or dropped */
};

struct tc_session {
	struct iptables *h;
	const struct tc_family *f;
	int lockfd;
	struct tc_table *tabs;
	size_t n, cap;
};

/* Take the xtables lock for @h (its lockfile and timeout). Returns 0 or a status code. */
int tc_session_begin(struct tc_session *s, struct iptables *h) IPT_HIDDEN;
/* The table's libiptc handle, read from the kernel on first use in this session.
 * Returns 0, or IPTABLES_ENOTFOUND (no such table) and other codes with the error recorded. */
int tc_session_table(struct tc_session *s, const char *table, struct tc_table **out) IPT_HIDDEN;
/* Commit one table and free its handle. Returns 0, the status code of a failure (recorded),
 * or TC_RETRY when the kernel's table changed under us (EAGAIN): nothing recorded then. */
#define TC_RETRY 1
/* How many times a commit refused with EAGAIN is redone from a fresh read. */
#define TC_MAX_RETRIES 10
int tc_table_commit(struct tc_session *s, struct tc_table *t) IPT_HIDDEN;
/* Test-only fault injection (tests link the static library): called right before each
 * kernel commit, e.g. to change the table without the lock and provoke EAGAIN. */
extern void (*ipt_test_before_commit)(const char *table) IPT_HIDDEN;
/* Free the handle of @t without committing (it is read again on next tc_session_table). */
void tc_table_drop(struct tc_session *s, struct tc_table *t) IPT_HIDDEN;
/* Free every handle without committing, keep the lock. */
void tc_session_drop(struct tc_session *s) IPT_HIDDEN;
/* Free everything and release the lock. */
void tc_session_end(struct tc_session *s) IPT_HIDDEN;

/* ---- undoing a half-committed transaction (iptc_restore.c) ---- */

/* Pristine copies of a session's tables: xh[i] is tabs[i] as it was before any commit. */
struct tc_pristine {
	struct xtc_handle **xh;
	size_t n;
};

/* Read a pristine handle of every table of @s (call before the first commit, with the
 * session's lock held). Returns 0 or a recorded status code, with @p then empty. */
int tc_pristine_read(struct tc_session *s, struct tc_pristine *p) IPT_HIDDEN;
/* Put tables 0..k-1 of @s (already committed) back as in @p: read each again, rewrite it to
 * its pristine copy (chains, policies, rules with their counters) and commit it. Tries every
 * table; returns 0 or the first failure's code, recorded as "table NAME: message". */
int tc_pristine_restore(struct tc_session *s, const struct tc_pristine *p, size_t k) IPT_HIDDEN;
void tc_pristine_free(struct tc_session *s, struct tc_pristine *p) IPT_HIDDEN;

/* ---- operations (iptc_ops.c) ---- */

/* Apply @op to its table's handle in @s (reading the table first if needed); no commit.
 * Returns 0, 1/0 for predicates, or a negative status code with the error recorded. */
int tc_op_apply(struct tc_session *s, const struct ipt_op *op) IPT_HIDDEN;
/* iptables -N's name check: a chain may not be named like a target. */
int tc_chain_name_check(struct iptables *h, const char *chain) IPT_HIDDEN;

#endif
