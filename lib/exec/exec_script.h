/* SPDX-License-Identifier: GPL-2.0-or-later */
/* An iptables-restore script under construction: one section per table. */
#ifndef IC_EXEC_SCRIPT_H
#define IC_EXEC_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * What iptables-restore (1.8.9, legacy and nft alike) can read as one command line: it reads
 * lines into a 10,240-byte buffer (a longer line is cut and its tail read as the next line),
 * words into a 1,024-byte buffer ("Parameter too long!"), and a line's words, after its own
 * program name, "-t" and the table, into 255 argv slots ("Parser cannot handle more
 * arguments"). We stay a little below.
 */
#define IC_RESTORE_MAX_LINE 10000	/* bytes, quoted, newline included */
#define IC_RESTORE_MAX_WORD 1023	/* bytes of one word */
#define IC_RESTORE_MAX_WORDS 250	/* words of one line */

struct ic_script_section {
	const char *table;	/* borrowed */
	char *buf;		/* command lines, each ending in '\n' */
	size_t len, cap;
	size_t *ops;		/* op index of each line */
	size_t nlines, opcap;
};

struct ic_script {
	struct ic_script_section *s;
	size_t n, cap;
};

/* Appends one command line (words quoted) for op @op to @table's section. 0 or ENOMEM. */
int ic_script_add(struct ic_script *x, const char *table, size_t op, const char *const *words,
	   const char *const *spec);
/* Whether iptables-restore can read the command line of @words then @spec whole. */
bool ic_script_fits(const char *const *words, const char *const *spec);
/* Appends ":CHAIN POLICY [p:b]" (what iptables-restore --counters sets counters from; the
 * words are names already checked to hold no blank). 0 or ENOMEM. */
int ic_script_add_policy(struct ic_script *x, const char *table, size_t op, const char *chain,
			 const char *policy, unsigned long long pcnt, unsigned long long bcnt);
/* The whole text ("*table", lines, "COMMIT" per section); NULL on ENOMEM. */
char *ic_script_text(const struct ic_script *x, size_t *len);
/* Op index of script line @line (1-based), or (size_t)-1 for "*table" / COMMIT lines. */
size_t ic_script_line_op(const struct ic_script *x, size_t line);
/* Section (0-based) that script line @line (1-based) belongs to, COMMIT included; or
 * (size_t)-1 when @line is 0 or past the end. */
size_t ic_script_line_section(const struct ic_script *x, size_t line);
void ic_script_free(struct ic_script *x);

#endif
