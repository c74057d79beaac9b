/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef IC_TXN_H
#define IC_TXN_H

#include "core.h"

/* Log a deep copy of @op in the open transaction (h->mu held). A failure marks the
 * transaction failed: commit will return it and apply nothing. */
int ic_txn_add(struct iptables *h, const struct ic_op *op) IC_HIDDEN;
/* The same for an op whose strings outlive the transaction (iptables_restore's own): logged
 * as it is, not copied. */
int ic_txn_add_kept(struct iptables *h, const struct ic_op *op) IC_HIDDEN;
/* Drop the log and leave transaction mode. */
void ic_txn_clear(struct iptables *h) IC_HIDDEN;

#endif
