/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Desired-rules files, shared by the iptables-c CLI (verb "sync") and the agent example.
 *
 * One rulespec per line, split into words like a shell would: 'single quotes' keep everything,
 * "double quotes" keep everything but \" and \\, a backslash outside quotes escapes the next
 * character (at the end of a line it joins the next line). A # at the start of a word starts a
 * comment; blank lines and comment lines are ignored. The path "-" means standard input.
 */
#ifndef RULESFILE_H
#define RULESFILE_H

#include <stddef.h>

struct rulesfile {
	char ***specs;		/* n NULL-terminated word arrays */
	size_t n;
};

/*
 * Read and parse @path into @rf. Returns 0, or -1 with a message ("FILE:LINE: why") in
 * @err (always NUL-terminated) and @rf left empty.
 */
int rulesfile_read(const char *path, struct rulesfile *rf, char *err, size_t errlen);

/* Parse @text (NUL-terminated) the same way; @name is used in messages. */
int rulesfile_parse(const char *text, const char *name, struct rulesfile *rf, char *err,
		    size_t errlen);

void rulesfile_free(struct rulesfile *rf);

/* The specs in the shape iptables_sync_chain() takes. */
static inline const char *const *const *rulesfile_specs(const struct rulesfile *rf)
{
	return (const char *const *const *)rf->specs;
}

#endif
