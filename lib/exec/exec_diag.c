/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iptables-legacy-restore reports a failed command only as "line N failed". To still return
 * a useful code, replay the chain-level effect of the transaction's earlier ops on the
 * table as the kernel has it (the failed restore changed nothing in it) and look at what
 * op N needed. The message stays iptables' own.
 */
#include <string.h>

#include "exec_model.h"

static bool needs_chain(enum ic_opcode code)
{
	return code != IC_OP_NEW_CHAIN && code != IC_OP_CLEAR_ALL &&
	       code != IC_OP_DELETE_ALL;
}

/* @code: what the message said; kept when the model has no better answer. */
static int diag(struct xmodel *m, const struct ic_op *op, int code)
{
	struct xm_chain *c = op->chain ? xm_find(m, op->table, op->chain) : NULL;

	if (m->nt && m->t[0].missing)
		return IPTABLES_ENOTFOUND;
	if (!c && needs_chain(op->code))
		return IPTABLES_ENOTFOUND;
	switch (op->code) {
	case IC_OP_NEW_CHAIN:
		return c ? IPTABLES_EEXIST : code;
	case IC_OP_RENAME_CHAIN:
		return xm_find(m, op->table, op->arg) ? IPTABLES_EEXIST : code;
	case IC_OP_DELETE_CHAIN:
	case IC_OP_CLEAR_AND_DELETE_CHAIN:
	case IC_OP_DELETE_ALL:
		return c && c->builtin ? IPTABLES_EINVAL : IPTABLES_EBUSY;
	case IC_OP_DELETE:
	case IC_OP_DELETE_IF_EXISTS:
		return code == IPTABLES_EEXEC ? IPTABLES_ENOTFOUND : code;
	case IC_OP_INSERT:
	case IC_OP_INSERT_UNIQUE:
		return op->pos > 1 ? IPTABLES_ERANGE : code;
	case IC_OP_REPLACE:
	case IC_OP_DELETE_NUM:
		return IPTABLES_ERANGE;
	case IC_OP_POLICY:
		return IPTABLES_EINVAL;
	default:
		return code;
	}
}

int ic_exec_restore_diag(struct ic_ctx *cx, const struct ic_op *ops, size_t k,
			  const bool *emitted, int code)
{
	struct xmodel m = { .cx = cx };
	size_t i;

	if (xm_load(&m, ops[k].table))
		goto out;
	for (i = 0; i < k; i++)
		if (emitted[i] && !strcmp(ops[i].table, ops[k].table) && xm_apply(&m, &ops[i]))
			goto out;
	code = diag(&m, &ops[k], code);
out:
	xm_free(&m);
	return code;
}
