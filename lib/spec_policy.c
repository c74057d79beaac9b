/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The words are read as iptables' getopt_long reads them: "--name[=value]" with unique
 * abbreviations of its base options, bundles of short options ("-vn", "-M/path"), and the
 * words that an option takes as its argument skipped (so `--comment -v` is a comment).
 * An extension's option (one iptables' base table does not know) is taken to consume the
 * next word only when it is one of the free-text options below; any other argument that
 * looks like a refused option is refused: no extension takes "-v" or "-M" as a number,
 * address or name.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "spec_policy.h"

enum arity { NOARG, REQARG, OPTARG, TWOARGS };

struct base_opt {
	const char *name;
	char letter;
	enum arity arity;
	bool refused;		/* never part of a rulespec */
};

/* iptables 1.8.9's option table (iptables/iptables.c, xshared.h). */
static const struct base_opt base[] = {
	{ "append", 'A', REQARG, false },	{ "delete", 'D', REQARG, false },
	{ "check", 'C', REQARG, false },	{ "insert", 'I', REQARG, false },
	{ "replace", 'R', REQARG, false },	{ "list", 'L', OPTARG, false },
	{ "list-rules", 'S', OPTARG, false },	{ "flush", 'F', OPTARG, false },
	{ "zero", 'Z', OPTARG, false },		{ "new-chain", 'N', REQARG, false },
	{ "delete-chain", 'X', OPTARG, false },	{ "rename-chain", 'E', REQARG, false },
	{ "policy", 'P', REQARG, false },	{ "source", 's', REQARG, false },
	{ "destination", 'd', REQARG, false },	{ "src", 's', REQARG, false },
	{ "dst", 'd', REQARG, false },		{ "protocol", 'p', REQARG, false },
	{ "in-interface", 'i', REQARG, false },	{ "jump", 'j', REQARG, false },
	{ "table", 't', REQARG, true },		{ "match", 'm', REQARG, false },
	{ "numeric", 'n', NOARG, true },	{ "out-interface", 'o', REQARG, false },
	{ "verbose", 'v', NOARG, true },	{ "wait", 'w', OPTARG, true },
	{ "wait-interval", 'W', OPTARG, true },	{ "exact", 'x', NOARG, true },
	{ "fragments", 'f', NOARG, false },	{ "version", 'V', NOARG, true },
	{ "help", 'h', OPTARG, true },		{ "line-numbers", '0', NOARG, true },
	{ "modprobe", 'M', REQARG, true },	{ "set-counters", 'c', TWOARGS, false },
	{ "goto", 'g', REQARG, false },		{ "ipv4", '4', NOARG, false },
	{ "ipv6", '6', NOARG, false },
};

#define N_BASE (sizeof(base) / sizeof(base[0]))

/* Extension options whose argument is free text, which may well start with '-'. */
static const char *const free_text[] = {
	"comment", "log-prefix", "nflog-prefix", "string", "hex-string", "ulog-prefix",
};

static const struct base_opt *by_letter(char l)
{
	for (size_t i = 0; i < N_BASE; i++)
		if (base[i].letter == l)
			return &base[i];
	return NULL;
}

/*
 * The base option "--@name" (@len chars) stands for: an exact match, else the one option it
 * abbreviates. When it abbreviates several, getopt fails on it unless they are one option;
 * we answer with a refused one among them, if any, so that it is refused either way.
 */
static const struct base_opt *by_name(const char *name, size_t len)
{
	const struct base_opt *hit = NULL;

	for (size_t i = 0; i < N_BASE; i++) {
		if (strncmp(base[i].name, name, len))
			continue;
		if (!base[i].name[len])
			return &base[i];
		if (!hit || (base[i].refused && !hit->refused))
			hit = &base[i];
	}
	return hit;
}

static bool is_free_text(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(free_text) / sizeof(free_text[0]); i++)
		if (strlen(free_text[i]) == len && !strncmp(free_text[i], name, len))
			return true;
	return false;
}

/* -c sets a new rule's counters; iptables refuses it with -C and -D, which the unique and
 * if-exists ops run first (as go-iptables does). */
static bool refused_with(char letter, enum ic_opcode code)
{
	if (letter != 'c')
		return false;
	switch (code) {
	case IC_OP_DELETE:
	case IC_OP_DELETE_IF_EXISTS:
	case IC_OP_CHECK:
	case IC_OP_APPEND_UNIQUE:
	case IC_OP_INSERT_UNIQUE:
		return true;
	default:
		return false;
	}
}

static int refuse(struct ic_ctx *cx, const struct base_opt *o, const char *word)
{
	if (o->letter == 't')
		return ic_param_error(cx, "`%s': the table is given by the call, not the rulespec",
				      word);
	if (o->letter == 'c')
		return ic_param_error(cx, "Illegal option `-c' with this command");
	if (o->letter == '0')
		return ic_param_error(cx, "--line-numbers cannot be used in a rulespec");
	return ic_param_error(cx, "-%c (%s) cannot be used in a rulespec", o->letter, o->name);
}

/* How many of the following words the option word @w takes; < 0: refused (recorded). */
static int long_word(struct ic_ctx *cx, enum ic_opcode code, const char *w)
{
	const char *name = w + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct base_opt *o = len ? by_name(name, len) : NULL;

	if (!o)		/* an extension's option */
		return !eq && is_free_text(name, len) ? 1 : 0;
	if (o->refused || refused_with(o->letter, code))
		return refuse(cx, o, w);
	if (eq || o->arity == NOARG || o->arity == OPTARG)
		return o->arity == TWOARGS ? 1 : 0;
	return o->arity == TWOARGS ? 2 : 1;
}

/* A bundle of short options, "-vn", "-ptcp", "-M/sbin/x": as getopt walks it. */
static int short_word(struct ic_ctx *cx, enum ic_opcode code, const char *w)
{
	for (const char *p = w + 1; *p; p++) {
		const struct base_opt *o = by_letter(*p);

		if (!o)
			return 0;	/* an extension's letter, or an error the parser words */
		if (o->refused || refused_with(o->letter, code))
			return refuse(cx, o, w);
		if (o->arity == NOARG)
			continue;
		if (o->arity == OPTARG || p[1])	/* the rest of the word is the argument */
			return o->arity == TWOARGS ? 1 : 0;
		return o->arity == TWOARGS ? 2 : 1;
	}
	return 0;
}

int ic_spec_policy_check(struct ic_ctx *cx, enum ic_opcode code, const char *const *spec)
{
	size_t i;
	int take;

	for (i = 0; spec && spec[i]; i++) {
		const char *w = spec[i];

		if (w[0] != '-' || !w[1])
			continue;	/* "!", values, "-" */
		if (!strcmp(w, "--"))
			break;		/* the end of the options */
		take = w[1] == '-' ? long_word(cx, code, w) : short_word(cx, code, w);
		if (take < 0)
			return take;
		while (take-- && spec[i + 1])
			i++;
	}
	return 0;
}
