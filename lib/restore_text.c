/* SPDX-License-Identifier: GPL-2.0-or-later */
/* iptables-restore input -> lines and words (see restore_text.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iptables-c.h"
#include "restore_text.h"
#include "vec.h"

#define MAX_ARGC 255		/* iptables' argv_store, argv[0] and "-t TABLE" included */
#define PARAM_MAX 1024		/* iptables' xt_param_buf, its NUL included */
#define PREFIX_WORDS 3		/* argv[0] "-t" TABLE, which iptables-restore adds first */

struct reader {
	const char *prog, *vm;
	struct ic_err *err;
	struct ic_rscript *out;
	int line;
};

/* iptables' PARAMETER_PROBLEM while restoring: the message, the line, the help hint. */
static int param_error(struct reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int param_error(struct reader *r, const char *fmt, ...)
{
	char msg[IC_ERRMSG_MAX / 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ic_err_set(r->err, IPTABLES_EINVAL,
			  "%s v%s: %s\nError occurred at line: %d\n"
			  "Try `%s -h' or '%s --help' for more information.",
			  r->prog, r->vm, msg, r->line, r->prog, r->prog);
}

static int line_failed(struct reader *r)
{
	return ic_err_set(r->err, IPTABLES_EINVAL, "%s: line %d failed", r->prog, r->line);
}

static int nomem(struct reader *r)
{
	return ic_err_nomem(r->err, r->prog);
}

static struct ic_rline *add_line(struct reader *r, enum ic_rline_kind kind)
{
	struct ic_rscript *s = r->out;
	struct ic_rline *l;

	if (IC_VEC_RESERVE(s->v, s->cap, s->n + 1))
		return NULL;
	l = &s->v[s->n++];
	memset(l, 0, sizeof(*l));
	l->kind = kind;
	l->line = r->line;
	return l;
}

/* strtok(" \t\n")'s next token of [*p, end), NUL-terminated in @buf, or NULL. */
static char *next_token(const char **p, const char *end, char *buf, size_t len)
{
	const char *s = *p, *e;

	while (s < end && (*s == ' ' || *s == '\t' || *s == '\n'))
		s++;
	if (s == end)
		return NULL;
	for (e = s; e < end && *e != ' ' && *e != '\t' && *e != '\n'; e++)
		;
	*p = e;
	snprintf(buf, len, "%.*s", (int)(e - s), s);
	return buf;
}

/* A copy of @len bytes at @s, NUL-terminated, that lives as long as the script. */
static char *keep(struct reader *r, const char *s, size_t len)
{
	char *copy = ic_arena_alloc(&r->out->arena, len + 1);

	if (copy) {
		memcpy(copy, s, len);
		copy[len] = '\0';
	}
	return copy;
}

/* add_param_to_argv(): blanks split words outside double quotes; inside them a backslash
 * takes the next character as it is. The words go one after the other into one block of the
 * script's arena (a word is never longer than its text, and each takes one NUL). */
static int split_words(struct reader *r, struct ic_rline *l, const char *s, const char *end)
{
	size_t span = (size_t)(end - s);
	char *words[MAX_ARGC], *out, *start;
	bool quote = false, esc = false;

	out = start = ic_arena_alloc(&r->out->arena, span + span / 2 + 2);
	if (!out)
		return nomem(r);
	for (; s < end; s++) {
		if (quote) {
			if (esc) {
				esc = false;
			} else if (*s == '\\') {
				esc = true;
				continue;
			} else if (*s == '"') {
				quote = false;
				goto split;
			}
		} else if (*s == '"') {
			quote = true;
			continue;
		} else if (*s == ' ' || *s == '\t' || *s == '\n') {
			if (out == start)
				continue;
			goto split;
		}
		*out++ = *s;
		if ((size_t)(out - start) >= PARAM_MAX)
			return param_error(r, "Parameter too long!");
		continue;
split:
		if (l->nwords + PREFIX_WORDS + 1 >= MAX_ARGC)
			return param_error(r, "Parser cannot handle more arguments");
		*out++ = '\0';
		words[l->nwords++] = start;
		start = out;
	}
	if (out != start) {
		if (l->nwords + PREFIX_WORDS + 1 >= MAX_ARGC)
			return param_error(r, "Parser cannot handle more arguments");
		*out++ = '\0';
		words[l->nwords++] = start;
	}
	l->words = ic_arena_alloc(&r->out->arena, (l->nwords + 1) * sizeof(*l->words));
	if (!l->words)
		return nomem(r);
	memcpy(l->words, words, l->nwords * sizeof(*l->words));
	l->words[l->nwords] = NULL;
	return 0;
}

/* tokenize_rule_counters(): "[p:b]" before the command. */
static int rule_counters(struct reader *r, struct ic_rline *l, const char **s, const char *end)
{
	const char *close, *colon;

	if (*s == end || **s != '[')
		return 0;
	close = memchr(*s, ']', (size_t)(end - *s));
	if (!close)
		return param_error(r, "Bad line %d: need ]", r->line);
	colon = memchr(*s, ':', (size_t)(close - *s));
	if (!colon || colon == *s + 1)
		return param_error(r, "Bad line %d: need :", r->line);
	if (colon + 1 == close)
		return param_error(r, "Bad line %d: need ]", r->line);
	/* handed on as words: the rule parser's -c checks them, as iptables' does */
	l->pcnt = keep(r, *s + 1, (size_t)(colon - *s - 1));
	l->bcnt = keep(r, colon + 1, (size_t)(close - colon - 1));
	if (!l->pcnt || !l->bcnt)
		return nomem(r);
	*s = close + 1;
	return 0;
}

static int table_line(struct reader *r, const char *s, const char *end)
{
	char name[64];
	struct ic_rline *l;

	if (!next_token(&s, end, name, sizeof(name)))
		return param_error(r, "%s: line %d table name invalid", r->prog, r->line);
	l = add_line(r, IC_RLINE_TABLE);
	if (!l || !(l->name = keep(r, name, strlen(name))))
		return nomem(r);
	return 0;
}

static int chain_line(struct reader *r, const char *s, const char *end)
{
	char chain[PARAM_MAX], policy[PARAM_MAX], ctr[PARAM_MAX];
	struct ic_rline *l;
	bool has_ctr;

	if (!next_token(&s, end, chain, sizeof(chain)))
		return param_error(r, "%s: line %d chain name invalid", r->prog, r->line);
	if (strlen(chain) >= 29)
		return param_error(r, "Invalid chain name `%s' (%u chars max)", chain, 28u);
	if (!next_token(&s, end, policy, sizeof(policy)))
		return param_error(r, "%s: line %d policy invalid", r->prog, r->line);
	has_ctr = next_token(&s, end, ctr, sizeof(ctr)) != NULL;
	l = add_line(r, IC_RLINE_CHAIN);
	if (!l || !(l->name = keep(r, chain, strlen(chain))) ||
	    !(l->policy = keep(r, policy, strlen(policy))) ||
	    (has_ctr && !(l->counters = keep(r, ctr, strlen(ctr)))))
		return nomem(r);
	return 0;
}

static int command_line(struct reader *r, const char *s, const char *end)
{
	struct ic_rline *l = add_line(r, IC_RLINE_COMMAND);
	int rc;

	if (!l)
		return nomem(r);
	rc = rule_counters(r, l, &s, end);
	if (!rc)
		rc = split_words(r, l, s, end);
	if (!rc && !l->nwords)
		rc = param_error(r, "no command specified");
	return rc;
}

static int read_line(struct reader *r, const char *s, const char *end, bool *in_table)
{
	size_t len = (size_t)(end - s);

	if (len == 0 || s[0] == '#')
		return 0;
	if (*in_table && len == 6 && !memcmp(s, "COMMIT", 6)) {
		*in_table = false;
		return add_line(r, IC_RLINE_COMMIT) ? 0 : nomem(r);
	}
	if (!*in_table && s[0] == '*') {
		*in_table = true;
		return table_line(r, s + 1, end);
	}
	if (!*in_table)
		return line_failed(r);
	if (s[0] == ':')
		return chain_line(r, s + 1, end);
	return command_line(r, s, end);
}

int ic_rscript_parse(const char *text, const char *prog, const char *version_mode,
		     struct ic_rscript *out, struct ic_err *err)
{
	struct reader r = { .prog = prog, .vm = version_mode, .err = err, .out = out };
	bool in_table = false;
	const char *s = text, *nl;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	while (*s && !rc) {
		nl = strchr(s, '\n');
		r.line++;
		rc = read_line(&r, s, nl ? nl : s + strlen(s), &in_table);
		s = nl ? nl + 1 : s + strlen(s);
	}
	out->last_line = r.line;
	if (!rc && in_table)
		rc = ic_err_set(err, IPTABLES_EINVAL, "%s: COMMIT expected at line %d", prog,
				r.line + 1);
	if (rc)
		ic_rscript_free(out);
	return rc;
}

void ic_rscript_free(struct ic_rscript *s)
{
	free(s->v);
	ic_arena_free(&s->arena);
	memset(s, 0, sizeof(*s));
}

bool ic_rscript_counters(const char *word, uint64_t *pcnt, uint64_t *bcnt)
{
	unsigned long long p, b;

	if (!word || sscanf(word, "[%llu:%llu]", &p, &b) != 2)
		return false;
	*pcnt = p;
	*bcnt = b;
	return true;
}
