/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The handle: private to the core (api.c, txn.c, list.c, sync.c, errors.c). */
#ifndef IC_CORE_H
#define IC_CORE_H

#include <pthread.h>
#include <stdbool.h>

#include "arena.h"
#include "backend.h"

struct ic_errslot;

struct iptables {
	pthread_mutex_t mu;		/* serialises every call on this handle */
	enum iptables_backend backend;	/* never AUTO after iptables_new */
	const struct ic_backend *be;
	struct ic_ctx cx;		/* what the backend sees */

	/* transaction */
	bool in_txn;
	int txn_err;			/* first failure inside the transaction, 0 if none */
	struct ic_op *txn_ops;		/* copies; their strings live in txn_arena */
	size_t txn_n, txn_cap;
	struct ic_arena txn_arena;

	pthread_mutex_t err_mu;		/* guards errslots */
	struct ic_errslot *errslots;	/* per-thread last failure */
};

/* errors.c: drop every thread's last failure (iptables_free). */
void ic_errslots_free(struct iptables *h) IC_HIDDEN;
/* iptables_new failed on this thread: what iptables_errmsg(NULL) says until the next one. */
void ic_new_failed(const struct ic_err *e) IC_HIDDEN;

/* Every public call that reaches a backend runs between these: lock h->mu, point the
 * backend's sink at @e; then file @e when @rc is a failure, unlock, return @rc. */
void ic_call_begin(struct iptables *h, struct ic_err *e) IC_HIDDEN;
int ic_call_end(struct iptables *h, int rc) IC_HIDDEN;

/* The pending transaction as backends see it (NULL outside a transaction). */
const struct ic_oplog *ic_txn_pending(struct iptables *h, struct ic_oplog *buf) IC_HIDDEN;

#endif
