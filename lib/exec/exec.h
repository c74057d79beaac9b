/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Private interface of the exec backend (lib/exec/). */
#ifndef IC_EXEC_H
#define IC_EXEC_H

#include "backend.h"
#include "spawn.h"

/* exec_errors.c */
int ic_exec_classify(const char *msg, int status) IC_HIDDEN;
/* Copy of a child's stderr without nft's "# Warning:" lines and trailing newlines. */
char *ic_exec_clean_msg(const char *err) IC_HIDDEN;
/* Records the failure of a finished child (status != 0) and returns its code. */
int ic_exec_fail(struct ic_ctx *cx, const struct ic_spawn_res *res) IC_HIDDEN;
/* Same with a code decided by the caller (0: classify). */
int ic_exec_fail_as(struct ic_ctx *cx, const struct ic_spawn_res *res, int code) IC_HIDDEN;

/* A rule command or restore run prints nothing on success: output means a word like -h,
 * --help or -V made the binary print help or its version and exit 0 without changing
 * anything. Records EINVAL and returns it, or returns 0. */
int ic_exec_refuse_output(struct ic_ctx *cx, const struct ic_spawn_res *res) IC_HIDDEN;

/* exec_run.c */
/* ic_spawn in the handle's network namespace, with its lock file: every child the backend
 * starts goes through here. */
int ic_exec_spawn(struct ic_ctx *cx, char *const argv[], const char *in, size_t in_len,
		  struct ic_spawn_res *res) IC_HIDDEN;
/*
 * Runs `<cx->path> --wait [N] -t table args... spec...` (args and spec NULL-terminated, either
 * may be NULL). Returns 0 with the child finished (any status) in *res, or records a failure
 * to start it and returns the code; *res is then empty.
 */
int ic_exec_raw(struct ic_ctx *cx, const char *table, const char *const *args,
		 const char *const *spec, struct ic_spawn_res *res) IC_HIDDEN;
/* Same, but a non-zero exit status is a recorded failure. res may be NULL (output dropped). */
int ic_exec_run(struct ic_ctx *cx, const char *table, const char *const *args,
		 const char *const *spec, struct ic_spawn_res *res) IC_HIDDEN;
/* Splits stdout into lines (no newline), skipping "#" comment lines nft adds. */
int ic_exec_lines(const char *out, struct ic_strv *lines) IC_HIDDEN;
/* Same for `-S` output, where a newline inside a quoted word does not end the line. */
int ic_exec_save_lines(const char *out, struct ic_strv *lines) IC_HIDDEN;
/* 1 when table/chain exists, 0 when not, < 0 on other failures (recorded). */
int ic_exec_chain_exists(struct ic_ctx *cx, const char *table, const char *chain) IC_HIDDEN;

/* exec_stats.c */
/* Splits one `-L -n -v -x` rule row into *st (strings malloc'd). 0, EINVAL or ENOMEM. */
int ic_exec_parse_stat_row(const char *line, bool ipv6, struct iptables_stat *st) IC_HIDDEN;
int ic_exec_stats(struct ic_ctx *cx, const char *table, const char *chain,
		   struct ic_statv *out) IC_HIDDEN;

/* exec_list.c */
int ic_exec_list(struct ic_ctx *cx, const char *table, const char *chain, bool counters,
		  struct ic_strv *out) IC_HIDDEN;
int ic_exec_list_chains(struct ic_ctx *cx, const char *table, struct ic_strv *out) IC_HIDDEN;

/* exec_apply.c */
int ic_exec_apply(struct ic_ctx *cx, const struct ic_op *op) IC_HIDDEN;
/* The refusals the README's "one code per case" table decides before any binary runs
 * (iptables-nft 1.8.9 would carry them out): -X of a built-in chain, -E to a verdict name.
 * 0 or the recorded error. */
int ic_exec_precheck(struct ic_ctx *cx, const struct ic_op *op) IC_HIDDEN;
/* 0 when @table exists, else the binary's own failure of `-t TABLE -S` (recorded). */
int ic_exec_table_check(struct ic_ctx *cx, const char *table) IC_HIDDEN;
/* The code of a kernel refusal of rule op @op, as the table decides it: iptables-nft's
 * ENOENT for a jump to a built-in chain is EINVAL, as on legacy tables. */
int ic_exec_rule_refusal(const struct ic_op *op, int code, const char *msg) IC_HIDDEN;
/* 1 if the rule exists (-C), 0 if not or the chain is absent, < 0 on failure. */
int ic_exec_rule_exists(struct ic_ctx *cx, const char *table, const char *chain,
			 const char *const *spec) IC_HIDDEN;
/* Same, and a rule the binary cannot even parse against the kernel's state (exit status 2,
 * e.g. a jump to a chain a transaction is about to create) also counts as absent. */
int ic_exec_rule_exists_lax(struct ic_ctx *cx, const char *table, const char *chain,
			     const char *const *spec) IC_HIDDEN;

/* exec_restore.c */
/*
 * exec_diag.c: a better code than @code (from the message) for op @k of a failed restore,
 * e.g. when legacy said only "line N failed".
 */
int ic_exec_restore_diag(struct ic_ctx *cx, const struct ic_op *ops, size_t k,
			  const bool *emitted, int code) IC_HIDDEN;
int ic_exec_commit(struct ic_ctx *cx, const struct ic_op *ops, size_t n) IC_HIDDEN;

/* exec_save.c: `<path>-save [-c] [-t table]` without its two comment lines. */
int ic_exec_save(struct ic_ctx *cx, const char *table, bool counters, char **text) IC_HIDDEN;

/* exec_snapshot.c: whole tables saved with `<path>-save -c -t T`, reloaded with
 * `<path>-restore -c --wait [N]` (replacing each table, counters included). */
struct ic_exec_snap {
	char **table;		/* table names */
	char **text;		/* save output of each */
	size_t *len;
	size_t n;
};
/* Snapshot @tables. Returns 0, or a recorded failure with @s empty. */
int ic_exec_snapshot(struct ic_ctx *cx, const char *const *tables, size_t n,
		      struct ic_exec_snap *s) IC_HIDDEN;
/* Reload the tables of @s (those with @only[i] set, when @only is not NULL), one restore run
 * each (a failed one does not stop the others). Returns 0 or the first failure's code,
 * recorded as "table NAME: message". */
int ic_exec_snapshot_reload(struct ic_ctx *cx, const struct ic_exec_snap *s,
			    const bool *only) IC_HIDDEN;
void ic_exec_snapshot_free(struct ic_exec_snap *s) IC_HIDDEN;

#endif
