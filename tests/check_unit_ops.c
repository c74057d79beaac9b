/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lib/op.c: the op table, one complete row per opcode. No root. */
#include <ctype.h>
#include <string.h>

#include "harness.h"
#include "internal.h"

#define N_OPS (IC_OP_ZERO + 1)

/* What iptables itself calls each op, and what it takes. */
static const struct {
	enum ic_opcode code;
	const char *name, *cmd;
	bool mutates, chain, spec, pos;
	enum ic_oparg arg;
} want[] = {
	{ IC_OP_APPEND, "append", "-A", true, true, true, false, IC_OPARG_NONE },
	{ IC_OP_APPEND_UNIQUE, "append_unique", "-A", true, true, true, false, IC_OPARG_NONE },
	{ IC_OP_INSERT, "insert", "-I", true, true, true, true, IC_OPARG_NONE },
	{ IC_OP_INSERT_UNIQUE, "insert_unique", "-I", true, true, true, true, IC_OPARG_NONE },
	{ IC_OP_REPLACE, "replace", "-R", true, true, true, true, IC_OPARG_NONE },
	{ IC_OP_DELETE, "delete", "-D", true, true, true, false, IC_OPARG_NONE },
	{ IC_OP_DELETE_IF_EXISTS, "delete_if_exists", "-D", true, true, true, false,
	  IC_OPARG_NONE },
	{ IC_OP_DELETE_NUM, "delete_by_id", "-D", true, true, false, true, IC_OPARG_NONE },
	{ IC_OP_CHECK, "exists", "-C", false, true, true, false, IC_OPARG_NONE },
	{ IC_OP_CHAIN_EXISTS, "chain_exists", "-S", false, true, false, false, IC_OPARG_NONE },
	{ IC_OP_NEW_CHAIN, "new_chain", "-N", true, true, false, false, IC_OPARG_NONE },
	{ IC_OP_CLEAR_CHAIN, "clear_chain", "-F", true, true, false, false, IC_OPARG_NONE },
	{ IC_OP_DELETE_CHAIN, "delete_chain", "-X", true, true, false, false, IC_OPARG_NONE },
	{ IC_OP_RENAME_CHAIN, "rename_chain", "-E", true, true, false, false, IC_OPARG_CHAIN },
	{ IC_OP_CLEAR_AND_DELETE_CHAIN, "clear_and_delete_chain", "-X", true, true, false,
	  false, IC_OPARG_NONE },
	{ IC_OP_POLICY, "change_policy", "-P", true, true, false, false, IC_OPARG_TARGET },
	{ IC_OP_CLEAR_ALL, "clear_all", "-F", true, false, false, false, IC_OPARG_NONE },
	{ IC_OP_DELETE_ALL, "delete_all", "-X", true, false, false, false, IC_OPARG_NONE },
	{ IC_OP_FLUSH_CHAIN, "flush_chain", "-F", true, true, false, false, IC_OPARG_NONE },
	{ IC_OP_ZERO, "zero", "-Z", true, false, false, false, IC_OPARG_NONE },
};

START_TEST(every_opcode_has_a_row)
{
	ck_assert_uint_eq(sizeof(want) / sizeof(want[0]), N_OPS);
	for (int c = 0; c < N_OPS; c++) {
		const struct ic_opinfo *i = ic_op_info((enum ic_opcode)c);

		ck_assert_msg(i != NULL, "opcode %d has no row", c);
		ck_assert_ptr_nonnull(i->name);
		ck_assert_ptr_nonnull(i->cmd);
		ck_assert_msg(strlen(i->cmd) == 2 && i->cmd[0] == '-' && isupper(i->cmd[1]),
			      "%s: command `%s' is not an iptables command letter", i->name, i->cmd);
	}
}
END_TEST

START_TEST(rows_say_what_iptables_does)
{
	const struct ic_opinfo *i = ic_op_info(want[_i].code);

	ck_assert_ptr_nonnull(i);
	ck_assert_str_eq(i->name, want[_i].name);
	ck_assert_str_eq(i->cmd, want[_i].cmd);
	ck_assert_msg(i->mutates == want[_i].mutates, "%s: mutates", i->name);
	ck_assert_msg(i->has_chain == want[_i].chain, "%s: has_chain", i->name);
	ck_assert_msg(i->has_spec == want[_i].spec, "%s: has_spec", i->name);
	ck_assert_msg(i->has_pos == want[_i].pos, "%s: has_pos", i->name);
	ck_assert_msg(i->arg == want[_i].arg, "%s: arg", i->name);
	ck_assert_msg(ic_op_mutates(want[_i].code) == want[_i].mutates, "%s: ic_op_mutates",
		      i->name);
}
END_TEST

START_TEST(names_are_unique)
{
	for (int a = 0; a < N_OPS; a++)
		for (int b = a + 1; b < N_OPS; b++)
			ck_assert_str_ne(ic_op_info((enum ic_opcode)a)->name,
					 ic_op_info((enum ic_opcode)b)->name);
}
END_TEST

START_TEST(outside_the_enum_is_null)
{
	ck_assert_ptr_null(ic_op_info((enum ic_opcode)N_OPS));
	ck_assert_ptr_null(ic_op_info((enum ic_opcode)-1));
	ck_assert_ptr_null(ic_op_info((enum ic_opcode)1000));
	ck_assert(!ic_op_mutates((enum ic_opcode)N_OPS));
}
END_TEST

Suite *tsuite(void)
{
	Suite *s = suite_create("unit_ops");
	TCase *tc = tcase_create("table");

	tcase_add_test(tc, every_opcode_has_a_row);
	tcase_add_loop_test(tc, rows_say_what_iptables_does, 0, (int)(sizeof(want) / sizeof(want[0])));
	tcase_add_test(tc, names_are_unique);
	tcase_add_test(tc, outside_the_enum_is_null);
	suite_add_tcase(s, tc);
	return s;
}
