/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef IPT_TXN_H
#define IPT_TXN_H

#include "internal.h"

/* Log a deep copy of @op in the open transaction (h->mu held). A failure marks the
 * transaction failed: commit will return it and apply nothing. */
int ipt_txn_add(struct iptables *h, const struct ipt_op *op) IPT_HIDDEN;
/* Memory that lives until the transaction ends (commit or rollback), never freed alone:
 * what backends keep in ipt_op.parsed. NULL when out of memory. */
void *ipt_txn_alloc(struct iptables *h, size_t size) IPT_HIDDEN;
/* Drop the log and leave transaction mode. */
void ipt_txn_clear(struct iptables *h) IPT_HIDDEN;

#endif
