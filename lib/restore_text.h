/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iptables-restore input, split the way iptables-restore 1.8.9 reads it: lines, `*table`,
 * `:CHAIN POLICY [p:b]`, `[p:b]` rule counters, words quoted as its add_param_to_argv() splits
 * them (double quotes, backslash escapes inside them; single quotes are ordinary
 * characters), its limits (255 words, 1,023 characters a word). No libxtables, no kernel:
 * what a line means is decided by restore.c.
 */
#ifndef IC_RESTORE_TEXT_H
#define IC_RESTORE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "err.h"

enum ic_rline_kind {
	IC_RLINE_TABLE,			/* *table */
	IC_RLINE_CHAIN,			/* :CHAIN POLICY [p:b] */
	IC_RLINE_COMMAND,		/* [p:b] -A CHAIN words... (any iptables command) */
	IC_RLINE_COMMIT,		/* COMMIT */
};

struct ic_rline {
	enum ic_rline_kind kind;
	int line;			/* 1-based input line */
	char *name;			/* TABLE: table; CHAIN: chain */
	char *policy;			/* CHAIN: "ACCEPT", "DROP", or "-" */
	char *counters;			/* CHAIN: the "[p:b]" word as written, or NULL */
	char *pcnt, *bcnt;		/* COMMAND: the [p:b] prefix's two fields, or NULL */
	char **words;			/* COMMAND: NULL-terminated */
	size_t nwords;
};

struct ic_rscript {
	struct ic_rline *v;
	size_t n, cap;
	int last_line;			/* number of the input's last line */
	struct ic_arena arena;		/* every line's strings and word arrays */
};

/*
 * Split @text. Returns 0, IPTABLES_ENOMEM, or IPTABLES_EINVAL with iptables-restore's
 * message for what it refuses while reading (prefix @prog, e.g. "iptables-restore", and
 * @version_mode, e.g. "1.8.9 (legacy)"): "COMMIT expected", "line N failed" for a line
 * outside a table, "Bad line N: need ]", the word limits. Empty lines and # comments are
 * dropped. A last line without its newline is read as if it had one.
 */
int ic_rscript_parse(const char *text, const char *prog, const char *version_mode,
		     struct ic_rscript *out, struct ic_err *err);
void ic_rscript_free(struct ic_rscript *s);

/* "[p:b]" -> counters, as iptables' parse_counters (sscanf "[%llu:%llu]"). */
bool ic_rscript_counters(const char *word, uint64_t *pcnt, uint64_t *bcnt);

#endif
