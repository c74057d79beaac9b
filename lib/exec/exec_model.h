/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a transaction knows about chains while it is being turned into an iptables-restore
 * script: the chains of each touched table as the kernel has them (read once with -S), then
 * updated op by op as the logged ops would change them.
 */
#ifndef IC_EXEC_MODEL_H
#define IC_EXEC_MODEL_H

#include "exec.h"

struct xm_chain {
	const char *table;	/* borrowed from the ops */
	char *name;		/* current name */
	char *kname;		/* name in the kernel now; NULL when created by the transaction */
	bool builtin, exists;
};

struct xm_table {
	const char *name;
	bool missing;		/* the kernel has no such table */
};

struct xmodel {
	struct ic_ctx *cx;
	struct xm_chain *c;
	size_t n, cap;
	struct xm_table *t;
	size_t nt, tcap;
};

void xm_free(struct xmodel *m) IC_HIDDEN;
bool xm_loaded(struct xmodel *m, const char *table) IC_HIDDEN;
/* Loads the table's chains on first use. 0 or a recorded error. */
int xm_load(struct xmodel *m, const char *table) IC_HIDDEN;
/* The live chain called @name, or NULL (table must be loaded). */
struct xm_chain *xm_find(struct xmodel *m, const char *table, const char *name) IC_HIDDEN;
/* Updates the model for an op that is emitted into the script. 0 or ENOMEM (recorded). */
int xm_apply(struct xmodel *m, const struct ic_op *op) IC_HIDDEN;

#endif
