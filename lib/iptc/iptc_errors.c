/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libiptc errno -> our status code and iptables-legacy's message.
 *
 * iptc_strerror() picks its text from a process-global "last function" variable, so it is
 * useless with several threads. This is our own copy of its table, narrowed to what
 * iptables-legacy 1.8.9 actually prints (checked against the binary: e.g. `-X INPUT` prints
 * "Invalid argument", not "Can't delete built-in chain", because other libiptc calls reset
 * the variable first).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "iptc_backend.h"

struct ic_iptc_msg {
	enum ic_iptc_fn fn;			/* IC_IPTC_FN_OTHER: any function */
	int err;
	const char *text;
};

static const struct ic_iptc_msg ic_iptc_msgs[] = {
	{ IC_IPTC_FN_INIT, EPERM, "Permission denied (you must be root)" },
	{ IC_IPTC_FN_INIT, EINVAL, "Module is wrong version" },
	{ IC_IPTC_FN_INIT, ENOENT, "Table does not exist (do you need to insmod?)" },
	{ IC_IPTC_FN_CREATE_CHAIN, EEXIST, "Chain already exists" },
	{ IC_IPTC_FN_INSERT, E2BIG, "Index of insertion too big" },
	{ IC_IPTC_FN_REPLACE, E2BIG, "Index of replacement too big" },
	{ IC_IPTC_FN_DELETE_NUM, E2BIG, "Index of deletion too big" },
	{ IC_IPTC_FN_ZERO_NUM, E2BIG, "Index of counter too big" },
	{ IC_IPTC_FN_DELETE_ENTRY, ENOENT, "Bad rule (does a matching rule exist in that chain?)" },
	{ IC_IPTC_FN_SET_POLICY, ENOENT, "Bad built-in chain name" },
	{ IC_IPTC_FN_SET_POLICY, EINVAL, "Bad policy name" },
	{ IC_IPTC_FN_OTHER, 0, "Incompatible with this kernel" },
	{ IC_IPTC_FN_OTHER, ENOPROTOOPT, "iptables who? (do you need to insmod?)" },
	{ IC_IPTC_FN_OTHER, ENOSYS, "Will be implemented real soon.  I promise ;)" },
	{ IC_IPTC_FN_OTHER, ENOMEM, "Memory allocation problem" },
	{ IC_IPTC_FN_OTHER, ENOENT, "No chain/target/match by that name" },
};

static const char *ic_iptc_text(enum ic_iptc_fn fn, int err)
{
	size_t i;

	for (i = 0; i < sizeof(ic_iptc_msgs) / sizeof(ic_iptc_msgs[0]); i++)
		if ((ic_iptc_msgs[i].fn == IC_IPTC_FN_OTHER || ic_iptc_msgs[i].fn == fn) &&
		    ic_iptc_msgs[i].err == err)
			return ic_iptc_msgs[i].text;
	/* glibc's strerror() is thread-safe for every known errno */
	return strerror(err);
}

int ic_iptc_errno_code(enum ic_iptc_fn fn, int err)
{
	switch (err) {
	case ENOENT:
		/* also at commit: the kernel does not know a match/target named in the rule
		 * (module missing) or the object it names (nfacct, set...); every backend
		 * says ENOTFOUND for that (README, "one code per case") */
		return IPTABLES_ENOTFOUND;
	case EEXIST:
		return IPTABLES_EEXIST;
	case ENOTEMPTY:
	case EMLINK:
	case EBUSY:
		return IPTABLES_EBUSY;
	case E2BIG:
		return IPTABLES_ERANGE;
	case EPERM:
	case EACCES:
		return IPTABLES_EPERM;
	case ENOMEM:
		return IPTABLES_ENOMEM;
	case EINVAL:
		return fn == IC_IPTC_FN_INIT ? IPTABLES_ENOTFOUND : IPTABLES_EINVAL;
	case ELOOP:
		return IPTABLES_EINVAL;
	case ENOPROTOOPT:
	case EAFNOSUPPORT:
	case EPROTONOSUPPORT:
		return IPTABLES_EUNSUPPORTED;
	default:
		return IPTABLES_ESYS;
	}
}

/* iptables-legacy: "can't initialize iptables table `foo': ..." is a VERSION_PROBLEM exit. */
static int init_fail(struct ic_ctx *cx, int err, const char *table)
{
	const char *prog = ic_prog(cx);

	return ic_error(cx, ic_iptc_errno_code(IC_IPTC_FN_INIT, err),
			 "%s v%d.%d.%d (%s): can't initialize %s table `%s': %s\n"
			 "Perhaps %s or your kernel needs to be upgraded.",
			 prog, cx->ver_major, cx->ver_minor, cx->ver_patch, cx->mode, prog, table,
			 ic_iptc_text(IC_IPTC_FN_INIT, err), prog);
}

int ic_iptc_fail(struct ic_ctx *cx, enum ic_iptc_fn fn, int err, const char *table)
{
	if (fn == IC_IPTC_FN_INIT)
		return init_fail(cx, err, table ? table : "");
	/* iptables-legacy's main(): a dmesg hint for EINVAL only */
	return ic_error(cx, ic_iptc_errno_code(fn, err), "%s: %s.%s", ic_prog(cx), ic_iptc_text(fn, err),
			 err == EINVAL ? " Run `dmesg' for more information." : "");
}
