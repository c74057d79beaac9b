/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a backend is. The core (api.c) checks every argument, serialises calls on a handle,
 * keeps the transaction log and files errors; a backend only applies ops to a ruleset.
 * It sees its handle through struct ic_ctx and nothing else: struct iptables is the core's.
 *
 * Adding a backend is one directory plus one row in registry.c.
 */
#ifndef IC_BACKEND_H
#define IC_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "internal.h"

/* What a backend knows of its handle. */
struct ic_ctx {
	/* fixed by iptables_new before open */
	enum iptables_proto proto;
	int timeout_s;			/* xtables lock / --wait: 0 = forever */
	char *path;			/* exec: opts.path, or the binary open() resolved */
	const char *lockfile;		/* resolved xtables lock path */
	int netns_fd;			/* opts.netns, or -1: the caller's (netns.h) */
	/* set by the backend's open */
	int ver_major, ver_minor, ver_patch;
	char mode[16];			/* "legacy" / "nf_tables" */
	void *state;			/* the backend's own */
	/* the sink of the public call in progress (set by the core around every call) */
	struct ic_err *err;
	/* iptables_restore in progress: messages read as this program's ("iptables-restore")
	 * at this input line; NULL / 0 otherwise */
	const char *input_prog;
	int input_line;
};

/* The open transaction's log, in call order: what reads inside a transaction must see. */
struct ic_oplog {
	const struct ic_op *ops;
	size_t n;
};

/* How well a backend fits this system, for AUTO (the highest rank wins, ties go to the
 * earlier row of the registry). */
enum ic_rank {
	IC_RANK_NO = 0,			/* cannot run here */
	IC_RANK_FALLBACK = 1,		/* works, but is not what the system uses */
	IC_RANK_WHERE_RULES_ARE = 2,	/* no system iptables, but this is where rules are */
	IC_RANK_SYSTEM = 3,		/* what the system's own iptables uses */
};

struct ic_backend {
	const char *name;
	enum iptables_backend id;
	/* opts.path names this backend's binary: AUTO with a path picks it. */
	bool runs_binary;
	/* For AUTO: cheap, spawns nothing, records nothing. */
	enum ic_rank (*probe)(const struct ic_ctx *cx);
	/* Fill version and mode, allocate cx->state. */
	int (*open)(struct ic_ctx *cx);
	/* Optional: free cx->state. */
	void (*close)(struct ic_ctx *cx);
	/* One op, now. @pending: the open transaction (NULL outside one); only predicates
	 * (check, chain_exists) arrive inside a transaction, and they must see it. */
	int (*apply)(struct ic_ctx *cx, const struct ic_op *op, const struct ic_oplog *pending);
	/* -S lines of one chain, or of the whole table when chain == NULL. */
	int (*list)(struct ic_ctx *cx, const struct ic_oplog *pending, const char *table,
		    const char *chain, bool counters, struct ic_strv *out);
	int (*list_chains)(struct ic_ctx *cx, const struct ic_oplog *pending, const char *table,
			   struct ic_strv *out);
	int (*stats)(struct ic_ctx *cx, const struct ic_oplog *pending, const char *table,
		     const char *chain, struct ic_statv *out);
	/* Apply a whole log atomically: every table or none. */
	int (*commit)(struct ic_ctx *cx, const struct ic_oplog *log);
	/* Optional: check an op as it is logged; it may keep its parse in op->parsed,
	 * allocated from @arena (lives until the transaction ends). */
	int (*validate)(struct ic_ctx *cx, struct ic_op *op, struct ic_arena *arena);
	/* Optional: the tables that exist, in the order the variant's iptables-save prints
	 * them (iptables_save with no table). */
	int (*list_tables)(struct ic_ctx *cx, const struct ic_oplog *pending, struct ic_strv *out);
	/* Optional: 0 when @table can be initialised here, else the code list_chains gives
	 * (an iptables_restore `*table` line), when that is cheaper than listing it. */
	int (*table_check)(struct ic_ctx *cx, const char *table);
	/* Optional: 1 when `-t nat -A POSTROUTING -j MASQUERADE --random-fully` would work
	 * here, asked of what the backend writes to (the kernel, the binary); 0 when not; or a
	 * recorded code. NULL: the in-process extension takes it (ic_random_fully_parses). */
	int (*random_fully)(struct ic_ctx *cx);
	/* Optional: iptables-save text of @table (NULL: every table) without the two comment
	 * lines, when the backend has a better way than composing it from list and stats. */
	int (*save)(struct ic_ctx *cx, const char *table, bool counters, char **text);
	/* Optional: a value that changes whenever @table's chains, rules or policies change,
	 * never for counters alone (watch.c digests the listing when this is NULL). */
	int (*generation)(struct ic_ctx *cx, const char *table, uint64_t *gen);
	/* Optional: block until generation() differs from @since (1), or @timeout_ms passes
	 * (0; < 0 waits forever), without polling (watch.c polls generation() when NULL).
	 * Called without the handle's mutex, so other threads' calls go on: it may only read
	 * cx's fixed fields, and reports through @err, not cx->err. */
	int (*wait_change)(const struct ic_ctx *cx, const char *table, uint64_t since,
			   int timeout_ms, struct ic_err *err);
};

/* registry.c: every backend, NULL-terminated, in AUTO's tie-break order. */
extern const struct ic_backend *const ic_backends[] IC_HIDDEN;
const struct ic_backend *ic_backend_find(enum iptables_backend id) IC_HIDDEN;
/* The backend that runs the binary opts.path names (AUTO with a path), or NULL. */
const struct ic_backend *ic_backend_for_path(void) IC_HIDDEN;

/* system.c: which iptables the system runs, read from where `iptables` (`ip6tables`)
 * in PATH leads, without running it. */
enum ic_variant { IC_VARIANT_NONE, IC_VARIANT_LEGACY, IC_VARIANT_NFT, IC_VARIANT_OTHER };
enum ic_variant ic_system_variant(enum iptables_proto proto) IC_HIDDEN;

/* Record a failure in the call's sink: `return ic_error(cx, IPTABLES_EINVAL, "...")`. */
#define ic_error(cx, code, ...) ic_err_set((cx)->err, (code), __VA_ARGS__)

/* "iptables" / "ip6tables", for messages. */
static inline const char *ic_prog(const struct ic_ctx *cx)
{
	return cx->proto == IPTABLES_IPV6 ? "ip6tables" : "iptables";
}

/* iptables' PARAMETER_PROBLEM message, "<prog> vX.Y.Z (<mode>): <msg>" and the
 * "Try `<prog> -h'..." line; returns IPTABLES_EINVAL. */
int ic_param_error(struct ic_ctx *cx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3))) IC_HIDDEN;

/* Validation helpers (validate.c); each returns 0 or records EINVAL. */
int ic_check_table(struct ic_ctx *cx, const char *table) IC_HIDDEN;
int ic_check_chain(struct ic_ctx *cx, const char *chain) IC_HIDDEN;
int ic_check_spec(struct ic_ctx *cx, const char *const *spec) IC_HIDDEN;
int ic_check_word(struct ic_ctx *cx, const char *word) IC_HIDDEN;
/* @chain is a built-in chain of @table (filter INPUT, nat POSTROUTING, ...). */
bool ic_builtin_chain(const char *table, const char *chain) IC_HIDDEN;
/* ACCEPT, DROP, RETURN, QUEUE: the names libiptc treats as standard verdicts. */
bool ic_verdict_name(const char *name) IC_HIDDEN;

#endif
