/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which command-line options a rulespec may hold, decided on the words alone, the same way
 * for every backend and before anything runs. iptables' command options that are not part of
 * a rule (-M/--modprobe runs a program as root; -w/-W override the handle's timeout; -v, -n,
 * -x, --line-numbers change what the binary prints; -h, -V print instead of acting; -t moves
 * the rule to another table) are refused, and so is -c where iptables refuses it (with -C
 * and -D, which the unique and if-exists ops run too).
 */
#ifndef IC_SPEC_POLICY_H
#define IC_SPEC_POLICY_H

#include "backend.h"

/* 0, or records EINVAL with iptables' PARAMETER_PROBLEM wording (ic_param_error). */
int ic_spec_policy_check(struct ic_ctx *cx, enum ic_opcode code, const char *const *spec)
	IC_HIDDEN;

#endif
