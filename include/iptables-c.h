/* SPDX-License-Identifier: GPL-2.0-or-later */
/**
 * @file iptables-c.h
 * @brief libiptables-c: manage Linux iptables rules from C, the way go-iptables does from Go.
 *
 * Every call that can fail returns an int: IPTABLES_OK (0) or a negative IPTABLES_E* code.
 * The message iptables itself would print is then available from iptables_errmsg().
 * Predicates (iptables_exists, iptables_chain_exists) return 1 or 0, or a negative code.
 * A rulespec is a NULL-terminated array of words, exactly as after `iptables -A CHAIN`.
 * Positions are 1-based. Strings returned through out-parameters belong to the caller and are
 * released with iptables_strv_free() / iptables_stats_free() / free().
 */
#ifndef IPTABLES_C_H
#define IPTABLES_C_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define IPTABLES_API __attribute__((visibility("default")))
#else
#define IPTABLES_API
#endif

#define IPTABLES_C_VERSION_MAJOR 0
#define IPTABLES_C_VERSION_MINOR 2
#define IPTABLES_C_VERSION_PATCH 0

/** Opaque handle: one address family, one backend. Safe to share between threads. */
typedef struct iptables iptables;

enum iptables_proto { IPTABLES_IPV4 = 4, IPTABLES_IPV6 = 6 };

enum iptables_backend {
	IPTABLES_BACKEND_AUTO = 0,	/**< follow the system's iptables */
	IPTABLES_BACKEND_LIBIPTC,	/**< in-process libiptc + libxtables */
	IPTABLES_BACKEND_EXEC,		/**< spawn iptables/ip6tables --wait */
	IPTABLES_BACKEND_NFT = 3,	/**< native nf_tables (lib/nft/) */
	IPTABLES_BACKEND_MEMORY = 4	/**< no kernel: an in-memory ruleset per handle */
};

struct iptables_options {
	enum iptables_proto proto;	/**< 0 means IPv4 */
	enum iptables_backend backend;	/**< 0 means AUTO */
	int timeout_s;			/**< xtables lock wait: 0 = forever, >0 = seconds */
	const char *path;		/**< exec backend binary; NULL = iptables / ip6tables */
	const char *lockfile;		/**< NULL = $XTABLES_LOCKFILE, else /run/xtables.lock */
	/** NULL = the caller's network namespace; else a namespace file (/run/netns/NAME,
	 * /proc/PID/ns/net) every call on the handle acts in. The calling thread's own
	 * namespace is never changed as the caller sees it. */
	const char *netns;
};

/** One rule's counters and columns, like go-iptables' Stat. */
struct iptables_stat {
	uint64_t packets, bytes;
	char *target, *protocol, *opt, *in, *out, *source, *destination, *options;
};

enum iptables_status {
	IPTABLES_OK = 0,
	IPTABLES_ENOTFOUND = -1,	/**< rule, chain or table does not exist */
	IPTABLES_EEXIST = -2,		/**< chain already exists */
	IPTABLES_EINVAL = -3,		/**< bad argument or rulespec */
	IPTABLES_ELOCK = -4,		/**< xtables lock not obtained in time */
	IPTABLES_EPERM = -5,		/**< permission denied */
	IPTABLES_EBUSY = -6,		/**< chain not empty / still referenced */
	IPTABLES_ERANGE = -7,		/**< index too big */
	IPTABLES_ESYS = -8,		/**< kernel or system call failed */
	IPTABLES_EEXEC = -9,		/**< the iptables binary failed */
	IPTABLES_ENOMEM = -10,		/**< out of memory */
	IPTABLES_EUNSUPPORTED = -11	/**< not supported by this backend or system */
};

/** Build a NULL-terminated rulespec in place: IPTABLES_SPEC("-p","tcp","-j","ACCEPT"). */
#define IPTABLES_SPEC(...) ((const char *const[]){ __VA_ARGS__, NULL })

/** Static text for a status code ("rule, chain or table does not exist", ...). */
IPTABLES_API const char *iptables_strerror(int code);
/**
 * Message of the last failure of a call on @p h made by the calling thread: what iptables
 * itself would have printed, without a trailing newline. Never NULL ("" before any failure).
 * With @p h NULL: why the calling thread's last iptables_new() failed.
 */
IPTABLES_API const char *iptables_errmsg(const iptables *h);
/** Exec backend: exit status (1..4) of the binary for that failure, else 0. */
IPTABLES_API int iptables_exit_status(const iptables *h);

/**
 * Create a handle. @p opts may be NULL (IPv4, AUTO backend, wait forever for the lock).
 * AUTO looks where the system's `iptables` leads (without running it): the nf_tables variant
 * -> the native nf_tables backend (exec only when nf_tables cannot be reached in-process);
 * legacy -> libiptc; no binary -> libiptc when legacy tables hold rules and nf_tables holds no
 * iptables table, else nf_tables when it can be used. AUTO never picks MEMORY.
 * @return IPTABLES_OK and *out, or a negative code (*out NULL).
 */
IPTABLES_API int iptables_new(iptables **out, const struct iptables_options *opts);
/** Release a handle; a transaction still open is rolled back. NULL is a no-op. */
IPTABLES_API void iptables_free(iptables *h);
/** The handle's address family. */
IPTABLES_API enum iptables_proto iptables_proto(const iptables *h);
/** The backend chosen at iptables_new(); never AUTO. */
IPTABLES_API enum iptables_backend iptables_backend(const iptables *h);
/** Version of the iptables in use (exec: the binary's; libiptc: the libxtables it links). */
IPTABLES_API int iptables_version(const iptables *h, int *major, int *minor, int *patch);
/** "legacy" or "nf_tables". */
IPTABLES_API const char *iptables_mode(const iptables *h);

/* Rules. @p spec is the NULL-terminated words after `iptables -A CHAIN`; positions are 1-based.
 * Several -s/-d addresses expand to several rules, as with iptables. */

/** Append a rule at the end of @p chain (`iptables -A`). */
IPTABLES_API int iptables_append(iptables *h, const char *table, const char *chain,
				 const char *const *spec);
/** Append unless an identical rule already exists (then OK, nothing changed). */
IPTABLES_API int iptables_append_unique(iptables *h, const char *table, const char *chain,
					const char *const *spec);
/** Insert a rule at @p pos (`iptables -I`); IPTABLES_ERANGE past the end + 1. */
IPTABLES_API int iptables_insert(iptables *h, const char *table, const char *chain, int pos,
				 const char *const *spec);
/** Insert at @p pos unless an identical rule already exists (then OK, nothing changed). */
IPTABLES_API int iptables_insert_unique(iptables *h, const char *table, const char *chain,
					int pos, const char *const *spec);
/** Replace rule @p pos (`iptables -R`); @p spec must expand to one rule. */
IPTABLES_API int iptables_replace(iptables *h, const char *table, const char *chain, int pos,
				  const char *const *spec);
/** Delete the first rule matching @p spec (`iptables -D`); IPTABLES_ENOTFOUND when none. */
IPTABLES_API int iptables_delete(iptables *h, const char *table, const char *chain,
				 const char *const *spec);
/** Like iptables_delete, but an absent rule (or chain) is OK. */
IPTABLES_API int iptables_delete_if_exists(iptables *h, const char *table, const char *chain,
					   const char *const *spec);
/** Delete rule number @p pos (`iptables -D CHAIN N`); IPTABLES_ERANGE past the end. */
IPTABLES_API int iptables_delete_by_id(iptables *h, const char *table, const char *chain,
				       int pos);
/** 1 if a rule matching @p spec exists (`iptables -C`), 0 if not (also when the chain is
 *  absent), or a negative code (e.g. IPTABLES_EINVAL for a bad spec). */
IPTABLES_API int iptables_exists(iptables *h, const char *table, const char *chain,
				 const char *const *spec);

/* Listing. Returned arrays are NULL-terminated too; free them with iptables_strv_free(). */

/** The lines `iptables -S CHAIN` prints, without newlines (@p chain NULL: the whole table). */
IPTABLES_API int iptables_list(iptables *h, const char *table, const char *chain,
			       char ***lines, size_t *n);
/** As `iptables -v -S CHAIN` (counters as "-c PKTS BYTES"). */
IPTABLES_API int iptables_list_with_counters(iptables *h, const char *table, const char *chain,
					     char ***lines, size_t *n);
/** The `-A` line of rule @p pos; IPTABLES_ENOTFOUND past the end. Free with free(). */
IPTABLES_API int iptables_list_by_id(iptables *h, const char *table, const char *chain, int pos,
				     char **line);
/** Chain names in `iptables -S` order: built-ins first, then user chains. */
IPTABLES_API int iptables_list_chains(iptables *h, const char *table, char ***chains, size_t *n);
/**
 * One row per rule of @p chain, in order: the columns of `iptables -L CHAIN -n -v -x`, with
 * source and destination always in CIDR form ("!" prefixed when inverted). Free the rows with
 * iptables_stats_free().
 */
IPTABLES_API int iptables_stats(iptables *h, const char *table, const char *chain,
				struct iptables_stat **stats, size_t *n);
/** Free @p n strings of @p v and the array; NULL is a no-op. */
IPTABLES_API void iptables_strv_free(char **v, size_t n);
/** Free @p n rows of @p s and the array; NULL is a no-op. */
IPTABLES_API void iptables_stats_free(struct iptables_stat *s, size_t n);

/* Chains */

/** 1 if @p chain exists in @p table, 0 if not (also when the table is absent), or < 0. */
IPTABLES_API int iptables_chain_exists(iptables *h, const char *table, const char *chain);
/** Create a user chain (`iptables -N`); IPTABLES_EEXIST when it exists. */
IPTABLES_API int iptables_new_chain(iptables *h, const char *table, const char *chain);
/** Flush @p chain, creating it when missing. */
IPTABLES_API int iptables_clear_chain(iptables *h, const char *table, const char *chain);
/** Rename a user chain (`iptables -E`); jumps to it follow. */
IPTABLES_API int iptables_rename_chain(iptables *h, const char *table, const char *old,
				       const char *new_name);
/** Delete an empty, unreferenced user chain (`iptables -X`); IPTABLES_EBUSY otherwise. */
IPTABLES_API int iptables_delete_chain(iptables *h, const char *table, const char *chain);
/** Flush and delete @p chain; an absent chain is OK. */
IPTABLES_API int iptables_clear_and_delete_chain(iptables *h, const char *table,
						 const char *chain);
/** Flush every chain of @p table. */
IPTABLES_API int iptables_clear_all(iptables *h, const char *table);
/** Delete every user chain of @p table (they must be unreferenced: flush first). */
IPTABLES_API int iptables_delete_all(iptables *h, const char *table);
/** Set the policy of built-in @p chain to @p target (ACCEPT, DROP), as `iptables -P`. */
IPTABLES_API int iptables_change_policy(iptables *h, const char *table, const char *chain,
					const char *target);

/* Transactions: every mutating call made between begin and commit on this handle, from any
 * thread, is applied atomically (all or nothing, one kernel update per table) at commit. A
 * call inside may fail at once (a bad rule); if any call failed, or the kernel refuses the
 * result, commit returns the error and applies nothing. On the libiptc backend, reads inside
 * the transaction see its pending changes; on the exec backend they see the kernel's state. */

/** Open a transaction; IPTABLES_EINVAL when one is already open (they do not nest). */
IPTABLES_API int iptables_begin(iptables *h);
/** Apply everything since iptables_begin(), or nothing; the transaction ends either way. */
IPTABLES_API int iptables_commit(iptables *h);
/** Discard everything since iptables_begin(); no-op without a transaction. */
IPTABLES_API void iptables_rollback(iptables *h);

/* Reconcile, for agents. */

/**
 * Make @p chain of @p table hold exactly the @p n rules @p specs, in this order, creating the
 * chain when missing. When it already does, nothing is written to the kernel and 0 is returned;
 * otherwise the chain is rewritten atomically (one kernel update) and 1 is returned.
 * Inside a transaction the rewrite joins it. Returns a negative code on failure.
 */
IPTABLES_API int iptables_sync_chain(iptables *h, const char *table, const char *chain,
				     const char *const *const *specs, size_t n);

/* iptables-save / iptables-restore text, counters, policies, feature probes. */

#define IPTABLES_SAVE_COUNTERS    0x1u	/**< iptables-save -c: rule counters as [p:b] */
#define IPTABLES_RESTORE_NOFLUSH  0x1u	/**< iptables-restore --noflush */
#define IPTABLES_RESTORE_COUNTERS 0x2u	/**< iptables-restore --counters */

/**
 * The text `iptables-save` (of the variant the handle uses) prints for @p table, or for every
 * table that exists when @p table is NULL, in its order, without the "# Generated by" and
 * "# Completed on" comment lines. Policy counters are always there; rule counters only with
 * IPTABLES_SAVE_COUNTERS. The caller frees *@p text with free(). An absent table:
 * IPTABLES_ENOTFOUND.
 */
IPTABLES_API int iptables_save(iptables *h, const char *table, unsigned flags, char **text);

/**
 * Apply iptables-restore input (`*table`, `:CHAIN POLICY [p:b]`, `-A`/`-I`/`-D`/`-R`/`-N`/
 * `-X`/`-F`/`-E`/`-P` lines, `[p:b]` prefixes, `#` comments, `COMMIT`) as one transaction:
 * every table in it or none. Without IPTABLES_RESTORE_NOFLUSH each table named is flushed and
 * its user chains deleted first, as iptables-restore does. Inside an open transaction it joins
 * it. Bad input: IPTABLES_EINVAL with iptables-restore's own message ("iptables-restore: line
 * N failed", or the parse error and "Error occurred at line: N"); nothing is changed.
 */
IPTABLES_API int iptables_restore(iptables *h, const char *text, unsigned flags);

/**
 * -Z: zero the counters of rule @p pos (1-based) of @p chain, of the whole chain (@p pos 0),
 * or of every chain of @p table (@p chain NULL). Past the last rule: IPTABLES_ERANGE.
 */
IPTABLES_API int iptables_zero(iptables *h, const char *table, const char *chain, int pos);

/**
 * A built-in chain's policy and counters (`-P` of `iptables -v -S`). *@p target is freed with
 * free(); any out pointer may be NULL. A user chain: IPTABLES_EINVAL; an absent chain or
 * table: IPTABLES_ENOTFOUND.
 */
IPTABLES_API int iptables_get_policy(iptables *h, const char *table, const char *chain,
				     char **target, uint64_t *packets, uint64_t *bytes);

/**
 * 1 if `-j MASQUERADE --random-fully` works here (go-iptables' HasRandomFully): the installed
 * extension parses it and prints it back; 0 if not; or a negative code.
 */
IPTABLES_API int iptables_has_random_fully(iptables *h);

/* Watching for changes. */

/**
 * A value that changes whenever @p table's chains, rules or policies change, by any writer
 * (never for counters alone; it may also change for other tables' changes).
 */
IPTABLES_API int iptables_generation(iptables *h, const char *table, uint64_t *gen);

/**
 * Block until iptables_generation() would differ from @p since: 1 changed, 0 when
 * @p timeout_ms passed first (< 0 waits forever), or a negative code. The handle stays
 * usable from other threads meanwhile.
 */
IPTABLES_API int iptables_wait_change(iptables *h, const char *table, uint64_t since,
				      int timeout_ms);

#ifdef __cplusplus
}
#endif
#endif /* IPTABLES_C_H */
