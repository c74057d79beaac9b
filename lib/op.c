/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The op table: what every opcode is, in one place (internal.h, struct ic_opinfo). */
#include "internal.h"

#define RULE(nm, c, mut, pos)                                                               \
	{ .name = nm, .cmd = c, .mutates = mut, .has_chain = true, .has_spec = true,        \
	  .has_pos = pos }
#define CHAIN(nm, c, mut, a) { .name = nm, .cmd = c, .mutates = mut, .has_chain = true, .arg = a }
#define TABLE(nm, c) { .name = nm, .cmd = c, .mutates = true }

static const struct ic_opinfo ops[] = {
	[IC_OP_APPEND] = RULE("append", "-A", true, false),
	[IC_OP_APPEND_UNIQUE] = RULE("append_unique", "-A", true, false),
	[IC_OP_INSERT] = RULE("insert", "-I", true, true),
	[IC_OP_INSERT_UNIQUE] = RULE("insert_unique", "-I", true, true),
	[IC_OP_REPLACE] = RULE("replace", "-R", true, true),
	[IC_OP_DELETE] = RULE("delete", "-D", true, false),
	[IC_OP_DELETE_IF_EXISTS] = RULE("delete_if_exists", "-D", true, false),
	[IC_OP_DELETE_NUM] = { .name = "delete_by_id", .cmd = "-D", .mutates = true,
			       .has_chain = true, .has_pos = true },
	[IC_OP_CHECK] = RULE("exists", "-C", false, false),
	/* iptables has no such command; `-S CHAIN 1` is how it is asked */
	[IC_OP_CHAIN_EXISTS] = CHAIN("chain_exists", "-S", false, IC_OPARG_NONE),
	[IC_OP_NEW_CHAIN] = CHAIN("new_chain", "-N", true, IC_OPARG_NONE),
	[IC_OP_CLEAR_CHAIN] = CHAIN("clear_chain", "-F", true, IC_OPARG_NONE),
	[IC_OP_DELETE_CHAIN] = CHAIN("delete_chain", "-X", true, IC_OPARG_NONE),
	[IC_OP_RENAME_CHAIN] = CHAIN("rename_chain", "-E", true, IC_OPARG_CHAIN),
	[IC_OP_CLEAR_AND_DELETE_CHAIN] = CHAIN("clear_and_delete_chain", "-X", true,
					       IC_OPARG_NONE),
	[IC_OP_POLICY] = CHAIN("change_policy", "-P", true, IC_OPARG_TARGET),
	[IC_OP_CLEAR_ALL] = TABLE("clear_all", "-F"),
	[IC_OP_DELETE_ALL] = TABLE("delete_all", "-X"),
	[IC_OP_FLUSH_CHAIN] = CHAIN("flush_chain", "-F", true, IC_OPARG_NONE),
	/* chain and rule number are optional: checked on their own (api.c) */
	[IC_OP_ZERO] = TABLE("zero", "-Z"),
};

_Static_assert(sizeof(ops) / sizeof(ops[0]) == IC_OP_ZERO + 1,
	       "one row per enum ic_opcode");

const struct ic_opinfo *ic_op_info(enum ic_opcode code)
{
	if ((unsigned int)code >= sizeof(ops) / sizeof(ops[0]) || !ops[code].name)
		return NULL;
	return &ops[code];
}

bool ic_op_mutates(enum ic_opcode code)
{
	const struct ic_opinfo *info = ic_op_info(code);

	return info && info->mutates;
}
