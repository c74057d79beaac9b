/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IPTABLES_BACKEND_NFT: the nf_tables backend, in-process over netlink (libnftnl, libmnl).
 * It writes what iptables-nft 1.8.9 writes and reads what iptables-nft (1.8.7 and 1.8.9) and
 * nft write, through the same libxtables parser and printer as the other backends:
 *
 *   words --ic_xt_parse--> struct ic_rule --ic_nft_encode--> nftnl_rule --batch--> kernel
 *   kernel --dump--> nftnl_rule --ic_nft_decode--> struct ic_rule --ic_xt_format_rule--> -S
 *
 * Files: nft_sock.c (the netlink socket, GETGEN, dumps, batches), nft_compat.c (nft_compat
 * revision query), nft_enc.c / nft_dec.c / nft_cmp.c (rules to and from expressions,
 * iptables-nft's rule equality), nft_cache.c (the generation-checked model of each table),
 * nft_events.c (which tables other writers changed, from the kernel's ruleset events),
 * nft_ops.c (ops on the model, each adding its messages to a batch), nft_watch.c (waiting
 * for ruleset events), nft_backend.c (the backend table).
 */
#ifndef IC_NFT_H
#define IC_NFT_H

#include <stdbool.h>
#include <stdint.h>

#include "../backend.h"
#include "../xt/xt.h"
#include "../xt/xt_rule.h"
#include <linux/netfilter.h>

struct nftnl_rule;
struct mnl_socket;
struct nlmsghdr;

/* The handle's netfilter family. */
static inline uint8_t ic_nft_family(const struct ic_ctx *cx)
{
	return ic_nfproto_of(cx->proto);
}

#define IC_NFT_MODE "nf_tables"
#define IC_NFT_NAMELEN 256		/* NFT_TABLE_MAXNAMELEN, NFT_CHAIN_MAXNAMELEN */

/* ---- rules to and from expressions (nft_enc.c, nft_dec.c, nft_cmp.c) ---- */

/*
 * The rule iptables-nft 1.8.9 sends for `-A @chain <spec>` in @table, as nft_rule_new,
 * nft_ipv4_add / nft_ipv6_add, add_match and add_action build it: family, table and chain
 * set; expressions native where 1.8.9 writes native (interfaces, protocol, addresses,
 * fragment, tcp/udp ports and flags, mark, limit, NFLOG, TRACE, verdicts) and compat
 * xt match / target otherwise; the counter (carrying r->pcnt / r->bcnt) before the verdict;
 * NFTA_RULE_COMPAT. No handle or position is set. Returns 0 with *out (the caller frees it
 * with nftnl_rule_free), or a code in @err.
 */
int ic_nft_encode(uint8_t nfproto, const char *table, const char *chain,
		  const struct ic_rule *r, struct nftnl_rule **out, struct ic_err *err) IC_HIDDEN;

/*
 * @nr decoded as iptables-nft 1.8.9's nft_rule_to_iptables_command_state does: native
 * expressions rebuilt into the matches iptables shows (tcp, udp, mark, limit, ...: blobs
 * made through ic_xt_match_new, so userspacesize is set), compat matches and targets
 * copied, a comment kept in rule userdata (as nft writes it) turned into a comment match,
 * the counter into pcnt / bcnt. Returns 0 with @out filled (free with ic_rule_free), or
 * IPTABLES_EUNSUPPORTED when the rule holds expressions iptables cannot express (the chain
 * is then "incompatible, use 'nft' tool"), or another code; @err gets a message either way.
 */
int ic_nft_decode(uint8_t nfproto, const struct nftnl_rule *nr, struct ic_rule *out,
		  struct ic_err *err) IC_HIDDEN;

/* iptables-nft's rule equality for -C / -D (nft_rule_cmp on two decoded rules): is_same
 * (addresses and masks, IPv6 ignoring the masks as 1.8.9 does, protocol, flags, inversions,
 * interfaces), matches pairwise up to each one's userspacesize, targets, jumpto. */
bool ic_nft_rule_same(uint8_t nfproto, const struct ic_rule *a, const struct ic_rule *b)
	IC_HIDDEN;
/* A digest of what ic_nft_rule_same compares exactly (addresses, protocol, flags, match
 * names and sizes, target or jump): rules it calls the same have the same key, so a search
 * compares keys first. Never 0. */
uint64_t ic_nft_rule_key(uint8_t nfproto, const struct ic_rule *r) IC_HIDDEN;

/* ---- nft_compat revision query (nft_compat.c) ---- */

/* libxtables' compat_rev hook for the nf_tables backend (ic_parse_req.compat_rev): asks the
 * kernel's nft_compat (NFNL_SUBSYS_NFT_COMPAT / NFNL_MSG_COMPAT_GET) whether revision @rev
 * of match or target @name exists, as iptables-nft does. 1 yes, 0 no. Answers are cached
 * for the process (extensions are the kernel's, not a namespace's). */
int ic_nft_compat_rev(const char *name, uint8_t rev, int opt) IC_HIDDEN;

/* ---- the netlink socket (nft_sock.c) ---- */

struct ic_nft_sock {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	size_t sndbuf;			/* the send buffer the kernel gave, as last asked */
};

/* Open the handle's NETLINK_NETFILTER socket in its network namespace. 0 or a recorded code. */
int ic_nft_sock_open(struct ic_ctx *cx, struct ic_nft_sock *s) IC_HIDDEN;
void ic_nft_sock_close(struct ic_nft_sock *s) IC_HIDDEN;

/* The ruleset's generation id (GETGEN). 0 or a recorded code. */
int ic_nft_genid(struct ic_ctx *cx, struct ic_nft_sock *s, uint32_t *gen) IC_HIDDEN;

/* Not a failure: the ruleset changed while it was being read; start the call again. Never
 * leaves the backend (nft_ops.c retries, a bounded number of times). */
#define IC_NFT_AGAIN (-100)

/* A dump request for @type (NFT_MSG_GETTABLE/GETCHAIN/GETRULE) in @family; rule dumps are
 * limited to @table when not NULL (the kernel filters nothing else: callers check). @cb gets
 * every reply of the matching NEWxxx type; other types are skipped, so libnftnl never parses
 * a message it does not expect. 0; IC_NFT_AGAIN when a commit interrupted the dump (all of
 * it was seen, but not necessarily at one generation); or a recorded code. ENOENT from the kernel (no such table)
 * is 0 with nothing seen. */
typedef int ic_nft_msg_cb(const struct nlmsghdr *nlh, void *arg);
int ic_nft_dump(struct ic_ctx *cx, struct ic_nft_sock *s, uint16_t type, uint8_t family,
		const char *table, ic_nft_msg_cb *cb, void *arg) IC_HIDDEN;

/* A batch: BATCH_BEGIN (carrying the generation id it was built against), messages, END. */
struct ic_nft_batch {
	char *buf;
	size_t len, cap;
	uint32_t first_seq, next_seq;
	size_t *tags;			/* per message after BEGIN: the caller's tag (an op index) */
	size_t ntags, captags;
};

/* Start a batch: 0 or -1 (ENOMEM). */
int ic_nft_batch_begin(struct ic_nft_batch *b, struct ic_nft_sock *s, uint32_t genid) IC_HIDDEN;
/* Room for one message of at most @max bytes: its header, built with @type, @family, @flags
 * and the next sequence number, tagged @tag. NULL on ENOMEM. Call ic_nft_batch_put after
 * building the payload. */
struct nlmsghdr *ic_nft_batch_msg(struct ic_nft_batch *b, uint16_t type, uint8_t family,
				  uint16_t flags, size_t max, size_t tag) IC_HIDDEN;
void ic_nft_batch_put(struct ic_nft_batch *b, struct nlmsghdr *nlh) IC_HIDDEN;
/* Messages in the batch after BEGIN. */
static inline size_t ic_nft_batch_count(const struct ic_nft_batch *b)
{
	return b->ntags;
}
void ic_nft_batch_free(struct ic_nft_batch *b) IC_HIDDEN;

/* Send @b without its BATCH_END: the kernel checks every message as it would for a commit,
 * then throws the batch away (what `nft --check` does). answers[i] (one per message after
 * BEGIN) gets the errno the kernel gave message i, 0 for the NLM_F_ACK it asked for, or -1
 * when nothing came (the batch was refused whole: ERESTART). 0, or a recorded code. */
int ic_nft_batch_check(struct ic_ctx *cx, struct ic_nft_sock *s, struct ic_nft_batch *b,
		       int *answers) IC_HIDDEN;

/* Hand @fn every message already queued on @s (no waiting); *lost becomes true when the
 * kernel had to drop some (the socket's receive buffer overflowed). 0, or -1 on ENOMEM. */
typedef void ic_nft_each_fn(const struct nlmsghdr *nlh, void *arg);
int ic_nft_drain(struct ic_nft_sock *s, ic_nft_each_fn *fn, void *arg, bool *lost) IC_HIDDEN;

/* What the kernel said of a sent batch. */
struct ic_nft_reply {
	int err;			/* 0, or the first error's errno */
	size_t err_tag;			/* the tag of the message it refused (SIZE_MAX: BEGIN) */
	bool have_gen;			/* a NEWGEN came back (any echoed message brings one) */
	uint32_t gen;
	bool echo_lost;			/* the receive queue overflowed: echoes are missing */
};

/* Close and send @b in one sendmsg, then read every reply the kernel queued: errors (the
 * first kept in @rep), and echoed messages handed to @echo_cb (NEWRULE, NEWCHAIN) with the
 * tag of the message they answer. 0 when sent (rep->err tells what the kernel said), or a
 * recorded code when the socket failed. */
typedef int ic_nft_echo_cb(const struct nlmsghdr *nlh, size_t tag, void *arg);
int ic_nft_batch_send(struct ic_ctx *cx, struct ic_nft_sock *s, struct ic_nft_batch *b,
		      ic_nft_echo_cb *echo_cb, void *arg, struct ic_nft_reply *rep) IC_HIDDEN;

/* ---- the model of a table, and the cache of models (nft_cache.c) ---- */

struct ic_nft_rule {
	struct ic_rule r;
	uint64_t handle;		/* the kernel's; 0 while only in a batch */
	uint32_t id;			/* NFTA_RULE_ID while in a batch */
	bool opaque;			/* not expressible as iptables: r is empty */
	size_t act;			/* while in a batch: 1 + the index of the act adding it */
	/* A rule this handle added is kept as it went to the kernel and decoded (r, and its
	 * key) only when something reads it: a restore of thousands of rules is mostly not
	 * read back before the next. While its batch is built: the act's nftnl_rule (enc);
	 * once the batch landed: a copy of its NEWRULE message (msg, owned; about the size of
	 * the decoded rule). */
	const struct nftnl_rule *enc;
	void *msg;
};

/* Not decoded yet (see ic_nft_rule.enc). */
static inline bool ic_nft_rule_encoded(const struct ic_nft_rule *r)
{
	return r->enc || r->msg;
}

struct ic_nft_chain {
	char name[IC_NFT_NAMELEN];
	uint64_t handle;		/* 0: not in the kernel (yet) */
	int hook;			/* NF_INET_* of a built-in chain, -1 for a user chain */
	bool drop;			/* built-in: policy DROP */
	uint64_t pcnt, bcnt;		/* built-in: policy counters */
	int incompatible;		/* 0, or why iptables cannot show it: the code decoding
					 * one of its rules gave, or EUNSUPPORTED when foreign */
	bool foreign;			/* a base chain iptables-nft does not know (nft's) */
	struct ic_nft_rule **rules;
	uint64_t *keys;			/* keys[i]: ic_nft_rule_key of rules[i] (0: opaque) */
	size_t n;
	size_t encoded;			/* rules still kept encoded (ic_nft_rule_encoded) */
	/* rules and keys are windows @off entries into these allocations (nft_cache.c) */
	struct ic_nft_rule **rbase;
	uint64_t *kbase;
	size_t off, cap, kcap;
};

/* What iptables-nft knows of a table: its built-in chains (nft_chain_builtin_alloc). */
struct ic_nft_builtin {
	const char *name;
	int hook;
	const char *type;		/* "filter", "nat", "route" */
	int prio;
};
struct ic_nft_tabledef {
	const char *name;
	struct ic_nft_builtin chains[NF_INET_NUMHOOKS];
	size_t n;
};
/* The tables iptables-nft knows, in the order iptables-nft-save prints them; NULL when
 * @name is none of them. At most IC_NFT_MAX_TABLES: sets of them are bit masks. */
#define IC_NFT_MAX_TABLES 32
const struct ic_nft_tabledef *ic_nft_tabledef(const char *name) IC_HIDDEN;
extern const struct ic_nft_tabledef ic_nft_tables[] IC_HIDDEN;
extern const size_t ic_nft_ntables IC_HIDDEN;

/* One table as this handle believes the kernel has it: built-ins first (by hook; the ones
 * not in the kernel as iptables-nft fakes them), then user chains sorted by name. */
struct ic_nft_table {
	const struct ic_nft_tabledef *def;
	bool loaded;			/* read from the kernel at the cache's generation */
	bool in_kernel;			/* the table exists in the kernel */
	uint8_t nfproto;		/* the family it was read in */
	struct ic_nft_chain **chains;
	size_t n, cap;
};

/* ---- which tables other writers changed (nft_events.c) ---- */

#define IC_NFT_OWN_GENS 8

struct ic_nft_events {
	struct ic_nft_sock s;		/* subscribed to NFNLGRP_NFTABLES; nl NULL: no events */
	uint32_t seen;			/* the generation of the last NEWGEN read */
	bool seen_valid;
	uint32_t own[IC_NFT_OWN_GENS];	/* generations our own batches made */
	unsigned nown;
	unsigned pending;		/* tables (bit per ic_nft_tables row) of the commit being
					 * announced (before its NEWGEN) */
	unsigned changed;		/* tables other writers' commits touched, not yet acted on */
	bool lost;			/* events were dropped or unreadable */
	bool muted;			/* out of the group while our own batch runs */
};

/* A socket in the handle's namespace listening to ruleset events. 0 or a recorded code
 * (no group membership is not an error: the cache then works without events). */
int ic_nft_events_open(struct ic_ctx *cx, struct ic_nft_events *ev) IC_HIDDEN;
void ic_nft_events_close(struct ic_nft_events *ev) IC_HIDDEN;
/* Read what queued: ev->changed gains the tables of @family other writers' commits touched. */
void ic_nft_events_read(struct ic_nft_events *ev, uint8_t family) IC_HIDDEN;
/* Generation @gen came from our own batch: its events are not news. */
void ic_nft_events_own(struct ic_nft_events *ev, uint32_t gen) IC_HIDDEN;
/* True when every commit up to @gen was read whole (and nothing lost since the last call),
 * waiting a few milliseconds at most for one the kernel is still announcing. */
bool ic_nft_events_complete(struct ic_nft_events *ev, uint8_t family, uint32_t gen) IC_HIDDEN;
/* Leave the group while our own batch runs: the kernel then does not write out every object
 * of it once more for us. True when left (call ic_nft_cache_unmute after the batch). */
bool ic_nft_events_mute(struct ic_nft_events *ev) IC_HIDDEN;
/* Join again and read what was queued before leaving; false when that failed (then there
 * are no events any more). */
bool ic_nft_events_unmute(struct ic_nft_events *ev, uint8_t family) IC_HIDDEN;

/* The generation a commit makes after @gen (the kernel skips 0). */
static inline uint32_t ic_nft_gen_next(uint32_t gen)
{
	return gen + 1 ? gen + 1 : 1;
}

struct ic_nft_cache {
	bool valid;			/* gen is the kernel's as last seen */
	uint32_t gen;
	struct ic_nft_table *tables;	/* one per ic_nft_tables row */
	struct ic_nft_events ev;
};

int ic_nft_cache_init(struct ic_nft_cache *c) IC_HIDDEN;
/* Listen to events (nft_events.c) from now on. 0 or a recorded code. */
int ic_nft_cache_listen(struct ic_ctx *cx, struct ic_nft_cache *c) IC_HIDDEN;
void ic_nft_cache_free(struct ic_nft_cache *c) IC_HIDDEN;
/* Forget every table (they are read again when next needed). */
void ic_nft_cache_drop(struct ic_nft_cache *c) IC_HIDDEN;
/* Forget the tables of @mask (bit per ic_nft_tables row). */
void ic_nft_cache_forget(struct ic_nft_cache *c, unsigned mask) IC_HIDDEN;
/* Bring the cache to the kernel's generation (one GETGEN): when it moved, forget the tables
 * other writers touched (all of them when that cannot be told). */
int ic_nft_cache_check(struct ic_ctx *cx, struct ic_nft_sock *s, struct ic_nft_cache *c) IC_HIDDEN;
/* After our batch made generation @gen: the cache is at it. */
void ic_nft_cache_committed(struct ic_nft_cache *c, uint32_t gen) IC_HIDDEN;
/* After a batch sent with the events muted (ic_nft_events_mute): back in the group, and
 * sure that no commit went unseen meanwhile: the kernel must be at @own (our batch landed,
 * @committed) or at the last generation announced (it did not). Otherwise the events
 * count as lost, and the next check drops the whole cache. */
void ic_nft_cache_unmute(struct ic_ctx *cx, struct ic_nft_sock *s, struct ic_nft_cache *c,
			 bool committed, uint32_t own) IC_HIDDEN;
/* After the kernel refused our batch as stale: true when no table of @mask changed since
 * (the same batch may go again, at the generation the cache is now at). */
bool ic_nft_cache_still_valid(struct ic_ctx *cx, struct ic_nft_sock *s, struct ic_nft_cache *c,
			      unsigned mask) IC_HIDDEN;
/* The model of @table, read from the kernel when not loaded; ENOTFOUND for a table
 * iptables-nft does not know. With @counters, the rules' and policies' counters are read
 * afresh (the model's are only those of the last read). With @consistent (readers), the read
 * must have happened at the cache's generation. 0; IC_NFT_AGAIN when the ruleset changed
 * under the read (the whole cache is dropped: start the call again); or a recorded code. */
int ic_nft_cache_table(struct ic_ctx *cx, struct ic_nft_sock *s, struct ic_nft_cache *c,
		       const char *table, bool counters, bool consistent,
		       struct ic_nft_table **out) IC_HIDDEN;

#ifdef IC_TEST_HOOKS
/* Test-only: how many times a table was read from the kernel. */
extern unsigned long ic_test_nft_loads IC_HIDDEN;
#endif

struct ic_nft_chain *ic_nft_chain_find(const struct ic_nft_table *t, const char *name) IC_HIDDEN;
/* A new user chain at its sorted place; NULL on ENOMEM. */
struct ic_nft_chain *ic_nft_chain_add(struct ic_nft_table *t, const char *name) IC_HIDDEN;
void ic_nft_chain_remove(struct ic_nft_table *t, struct ic_nft_chain *c) IC_HIDDEN;
void ic_nft_chain_rename(struct ic_nft_table *t, struct ic_nft_chain *c, const char *name)
	IC_HIDDEN;
void ic_nft_chain_flush(struct ic_nft_chain *c) IC_HIDDEN;
/* Insert @r (its key @key, 0 for an opaque rule) at index @i; 0 or -1 (ENOMEM). */
int ic_nft_rule_insert(struct ic_nft_chain *c, size_t i, struct ic_nft_rule *r, uint64_t key)
	IC_HIDDEN;
/* Put @r in place of rule @i, which is freed. */
void ic_nft_rule_set(struct ic_nft_chain *c, size_t i, struct ic_nft_rule *r, uint64_t key)
	IC_HIDDEN;
/* Decode the rules of @c (of @t) still kept encoded (ic_nft_rule.enc): 0, or ENOMEM. A rule
 * iptables cannot express becomes opaque and the chain incompatible, as when read. */
int ic_nft_chain_ready(struct ic_nft_chain *c, uint8_t nfproto, struct ic_err *err) IC_HIDDEN;
int ic_nft_table_ready(struct ic_nft_table *t, uint8_t nfproto, struct ic_err *err) IC_HIDDEN;
/* The index of the first rule of @c ic_nft_rule_same calls @want (key @key), -1 when none
 * is, or a code (IPTABLES_ENOMEM, decoding what was kept encoded). */
ssize_t ic_nft_rule_find(struct ic_nft_chain *c, uint8_t nfproto, const struct ic_rule *want,
			 uint64_t key, struct ic_err *err) IC_HIDDEN;
void ic_nft_rule_remove(struct ic_nft_chain *c, size_t i) IC_HIDDEN;
void ic_nft_rule_free(struct ic_nft_rule *r) IC_HIDDEN;

/* ---- ops on the model, each adding its messages to a batch (nft_ops.c) ---- */

struct ic_nft_state {
	struct ic_nft_sock sock;
	struct ic_nft_cache cache;
	uint32_t next_id;		/* NFTA_RULE_ID of the next rule a batch adds */
};

/* Carry out @ops (a single call, or a whole transaction) as one batch: every op is checked
 * against the cache's model and turned into messages; the batch goes out against the
 * model's generation and is replayed from a fresh read when another writer got in first.
 * Returns the last op's result (1 / 0 for a predicate) or the first failure, with
 * cx->err->failed_op set. All or nothing: the model is dropped on any failure. */
int ic_nft_run(struct ic_ctx *cx, struct ic_nft_state *st, const struct ic_op *ops, size_t n)
	IC_HIDDEN;

/* The model of @table with @pending's ops on it, for a read inside a transaction: nothing
 * is sent, and the caller calls ic_nft_cache_drop when done with it. With @pending NULL,
 * the cached model itself. */
int ic_nft_view(struct ic_ctx *cx, struct ic_nft_state *st, const struct ic_oplog *pending,
		const char *table, bool counters, struct ic_nft_table **out) IC_HIDDEN;

/* Evaluate predicate @op (check, chain_exists) on the model with @pending applied. */
int ic_nft_predicate(struct ic_ctx *cx, struct ic_nft_state *st, const struct ic_op *op,
		     const struct ic_oplog *pending) IC_HIDDEN;

/* The messages that make table @table, and base chain @name as iptables-nft makes built-in
 * chain @def (hook, priority, type, policy ACCEPT), in @b: 0 or -1 (ENOMEM). */
int ic_nft_put_table(struct ic_nft_batch *b, uint8_t family, const char *table, size_t tag)
	IC_HIDDEN;
int ic_nft_put_base_chain(struct ic_nft_batch *b, uint8_t family, const char *table,
			  const char *name, const struct ic_nft_builtin *def, bool echo, size_t tag)
	IC_HIDDEN;

/* Parse a rule op's words as iptables-nft does: revisions from nft_compat, jumps to chains
 * checked later, against the table (nft_prepare's "Chain 'X' does not exist"). */
int ic_nft_parse(struct ic_ctx *cx, const struct ic_op *op, struct ic_rules *out) IC_HIDDEN;

/* ---- asking the kernel without changing anything (nft_probe.c) ---- */

/* The backend's random_fully: the in-process extension takes the option, and the kernel
 * takes the rule iptables-nft would write for it (a checked, discarded batch). */
int ic_nft_random_fully(struct ic_ctx *cx) IC_HIDDEN;

/* ---- change watching (nft_watch.c) ---- */

/* The backend's wait_change: block until the ruleset's generation id differs from @since
 * (1), or @timeout_ms passes (0; < 0 waits forever), listening to nf_tables' NEWGEN events. */
int ic_nft_wait_change(const struct ic_ctx *cx, const char *table, uint64_t since,
		       int timeout_ms, struct ic_err *err) IC_HIDDEN;

#endif
