/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private to the libiptc backend: sessions (lock + one libiptc handle per table) and errors. */
#ifndef IC_IPTC_BACKEND_H
#define IC_IPTC_BACKEND_H

#include <stdbool.h>
#include <libiptc/xtcshared.h>

#include "../backend.h"
#include "iptc_family.h"

/* ---- errors (iptc_errors.c) ---- */

/* The libiptc call that failed; it selects iptables' wording for some errno values. */
enum ic_iptc_fn {
	IC_IPTC_FN_OTHER,
	IC_IPTC_FN_INIT,
	IC_IPTC_FN_INSERT,
	IC_IPTC_FN_REPLACE,
	IC_IPTC_FN_DELETE_ENTRY,
	IC_IPTC_FN_DELETE_NUM,
	IC_IPTC_FN_SET_POLICY,
	IC_IPTC_FN_CREATE_CHAIN,
	IC_IPTC_FN_COMMIT,
	IC_IPTC_FN_ZERO_NUM,
};

/* Record what iptables-legacy prints when libiptc call @fn failed with @err (an errno), and
 * return our status code for it. @table is only used by IC_IPTC_FN_INIT. */
int ic_iptc_fail(struct ic_ctx *cx, enum ic_iptc_fn fn, int err, const char *table) IC_HIDDEN;
/* Our status code for a libiptc errno. */
int ic_iptc_errno_code(enum ic_iptc_fn fn, int err) IC_HIDDEN;

/* ---- sessions (iptc_session.c) ---- */

struct ic_iptc_table {
	char *name;
	struct xtc_handle *xh;		/* NULL once committed or dropped */
};

struct ic_iptc_session {
	struct ic_ctx *cx;
	const struct ic_iptc_family *f;
	int lockfd;
	struct ic_iptc_table *tabs;
	size_t n, cap;
};

/* Take the xtables lock for @h (its lockfile and timeout). Returns 0 or a status code. */
int ic_iptc_session_begin(struct ic_iptc_session *s, struct ic_ctx *cx) IC_HIDDEN;
/* iptc_init in the handle's network namespace (the socket stays there); errno as it left. */
struct xtc_handle *ic_iptc_init(const struct ic_ctx *cx, const struct ic_iptc_family *f,
			       const char *table) IC_HIDDEN;
/* The table's libiptc handle, read from the kernel on first use in this session.
 * Returns 0, or IPTABLES_ENOTFOUND (no such table) and other codes with the error recorded. */
int ic_iptc_session_table(struct ic_iptc_session *s, const char *table, struct ic_iptc_table **out) IC_HIDDEN;
/* Commit one table and free its handle. Returns 0, the status code of a failure (recorded),
 * or IC_IPTC_RETRY when the kernel's table changed under us (EAGAIN): nothing recorded then. */
#define IC_IPTC_RETRY 1
/* How many times a commit refused with EAGAIN is redone from a fresh read. */
#define IC_IPTC_MAX_RETRIES 10
int ic_iptc_table_commit(struct ic_iptc_session *s, struct ic_iptc_table *t) IC_HIDDEN;
#ifdef IC_TEST_HOOKS
/* Test-only fault injection (tests link the static library): called right before each
 * kernel commit, e.g. to change the table without the lock and provoke EAGAIN. Release
 * builds leave it out with -DIC_NO_TEST_HOOKS. */
extern void (*ic_test_before_commit)(const char *table) IC_HIDDEN;
#endif
/* Free the handle of @t without committing (it is read again on next ic_iptc_session_table). */
void ic_iptc_table_drop(struct ic_iptc_session *s, struct ic_iptc_table *t) IC_HIDDEN;
/* Free every handle without committing, keep the lock. */
void ic_iptc_session_drop(struct ic_iptc_session *s) IC_HIDDEN;
/* Free everything and release the lock. */
void ic_iptc_session_end(struct ic_iptc_session *s) IC_HIDDEN;

/* ---- undoing a half-committed transaction (iptc_undo.c) ---- */

/* Pristine copies of a session's tables: xh[i] is tabs[i] as it was before any commit. */
struct ic_iptc_pristine {
	struct xtc_handle **xh;
	size_t n;
};

/* Read a pristine handle of every table of @s (call before the first commit, with the
 * session's lock held). Returns 0 or a recorded status code, with @p then empty. */
int ic_iptc_pristine_read(struct ic_iptc_session *s, struct ic_iptc_pristine *p) IC_HIDDEN;
/* Put tables 0..k-1 of @s (already committed) back as in @p: read each again, rewrite it to
 * its pristine copy (chains, policies, rules with their counters) and commit it. Tries every
 * table; returns 0 or the first failure's code, recorded as "table NAME: message". */
int ic_iptc_pristine_restore(struct ic_iptc_session *s, const struct ic_iptc_pristine *p, size_t k) IC_HIDDEN;
void ic_iptc_pristine_free(struct ic_iptc_session *s, struct ic_iptc_pristine *p) IC_HIDDEN;

/* ---- the tables that exist (iptc_tables.c) ---- */
/* The backend's table_check: can @table be initialised (iptc_init's first question). */
int ic_iptc_table_check(struct ic_ctx *cx, const char *table) IC_HIDDEN;
int ic_iptc_list_tables(struct ic_ctx *cx, const struct ic_oplog *pending,
			struct ic_strv *out) IC_HIDDEN;

/* ---- operations (iptc_ops.c) ---- */

/* Apply @op to its table's handle in @s (reading the table first if needed); no commit.
 * Returns 0, 1/0 for predicates, or a negative status code with the error recorded. */
int ic_iptc_op_apply(struct ic_iptc_session *s, const struct ic_op *op) IC_HIDDEN;
struct ic_iptc_rule;
/* Parse @op's words for the libiptc backend and encode them: with @xh, jumps are checked
 * against that table's chains; without, a non-extension target is taken as a chain. */
int ic_iptc_rule_parse(struct ic_ctx *cx, const struct ic_op *op, struct xtc_handle *xh,
		       struct ic_iptc_rule *r) IC_HIDDEN;
/* iptables -N's name check: a chain may not be named like a target. */
int ic_iptc_chain_name_check(struct ic_ctx *cx, const char *chain) IC_HIDDEN;

#endif
