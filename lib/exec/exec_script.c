/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iptables-restore script text. Every word is written in double quotes with '"' and '\'
 * backslash-escaped, which iptables-restore's tokenizer (add_param_to_argv) reads back as
 * the exact word, spaces included. Words with a newline cannot be written (the restore
 * reads line by line): api.c refuses them, and the caller checks again.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec_script.h"
#include "internal.h"
#include "vec.h"

static int reserve(struct ic_script_section *s, size_t more)
{
	if (more > SIZE_MAX - s->len - 1 || IC_VEC_RESERVE(s->buf, s->cap, s->len + more + 1))
		return IPTABLES_ENOMEM;
	return 0;
}

static int put_word(struct ic_script_section *s, const char *w)
{
	const char *p;

	if (reserve(s, 2 * strlen(w) + 3))
		return IPTABLES_ENOMEM;
	if (s->len && s->buf[s->len - 1] != '\n')
		s->buf[s->len++] = ' ';
	s->buf[s->len++] = '"';
	for (p = w; *p; p++) {
		if (*p == '"' || *p == '\\')
			s->buf[s->len++] = '\\';
		s->buf[s->len++] = *p;
	}
	s->buf[s->len++] = '"';
	return 0;
}

static struct ic_script_section *section(struct ic_script *x, const char *table)
{
	struct ic_script_section *s;
	size_t i;

	for (i = 0; i < x->n; i++)
		if (!strcmp(x->s[i].table, table))
			return &x->s[i];
	if (IC_VEC_RESERVE(x->s, x->cap, x->n + 1))
		return NULL;
	s = &x->s[x->n++];
	memset(s, 0, sizeof(*s));
	s->table = table;
	return s;
}

static int note_op(struct ic_script_section *s, size_t op)
{
	if (IC_VEC_RESERVE(s->ops, s->opcap, s->nlines + 1))
		return IPTABLES_ENOMEM;
	s->ops[s->nlines++] = op;
	return 0;
}

/* The quoted length of @w as put_word writes it, with its separating blank. */
static size_t quoted_len(const char *w)
{
	size_t n = 3;

	for (; *w; w++)
		n += (*w == '"' || *w == '\\') ? 2 : 1;
	return n;
}

static bool fits_words(const char *const *v, size_t *words, size_t *len)
{
	for (size_t i = 0; v && v[i]; i++) {
		if (strlen(v[i]) > IC_RESTORE_MAX_WORD)
			return false;
		*words += 1;
		*len += quoted_len(v[i]);
	}
	return true;
}

bool ic_script_fits(const char *const *words, const char *const *spec)
{
	size_t n = 0, len = 1;

	if (!fits_words(words, &n, &len) || !fits_words(spec, &n, &len))
		return false;
	return n <= IC_RESTORE_MAX_WORDS && len <= IC_RESTORE_MAX_LINE;
}

int ic_script_add(struct ic_script *x, const char *table, size_t op, const char *const *words,
	   const char *const *spec)
{
	struct ic_script_section *s = section(x, table);
	size_t i;

	if (!s || note_op(s, op))
		return IPTABLES_ENOMEM;
	for (i = 0; words && words[i]; i++)
		if (put_word(s, words[i]))
			return IPTABLES_ENOMEM;
	for (i = 0; spec && spec[i]; i++)
		if (put_word(s, spec[i]))
			return IPTABLES_ENOMEM;
	if (reserve(s, 1))
		return IPTABLES_ENOMEM;
	s->buf[s->len++] = '\n';
	s->buf[s->len] = '\0';
	return 0;
}

int ic_script_add_policy(struct ic_script *x, const char *table, size_t op, const char *chain,
			 const char *policy, unsigned long long pcnt, unsigned long long bcnt)
{
	struct ic_script_section *s = section(x, table);
	int n;

	if (!s || note_op(s, op) || reserve(s, strlen(chain) + strlen(policy) + 48))
		return IPTABLES_ENOMEM;
	n = snprintf(s->buf + s->len, s->cap - s->len, ":%s %s [%llu:%llu]\n", chain, policy,
		     pcnt, bcnt);
	s->len += (size_t)n;
	return 0;
}

char *ic_script_text(const struct ic_script *x, size_t *len)
{
	size_t total = 1, i, off = 0;
	char *t;

	for (i = 0; i < x->n; i++)
		total += strlen(x->s[i].table) + 2 + x->s[i].len + 7;
	t = malloc(total);
	if (!t)
		return NULL;
	for (i = 0; i < x->n; i++) {
		const struct ic_script_section *s = &x->s[i];

		t[off++] = '*';
		memcpy(t + off, s->table, strlen(s->table));
		off += strlen(s->table);
		t[off++] = '\n';
		memcpy(t + off, s->buf, s->len);
		off += s->len;
		memcpy(t + off, "COMMIT\n", 7);
		off += 7;
	}
	t[off] = '\0';
	*len = off;
	return t;
}

size_t ic_script_line_section(const struct ic_script *x, size_t line)
{
	size_t i, first = 1;

	for (i = 0; line && i < x->n; i++) {
		first += x->s[i].nlines + 2;
		if (line < first)
			return i;
	}
	return (size_t)-1;
}

size_t ic_script_line_op(const struct ic_script *x, size_t line)
{
	size_t i, first = 1;

	for (i = 0; i < x->n; i++) {
		const struct ic_script_section *s = &x->s[i];

		if (line > first && line <= first + s->nlines)
			return s->ops[line - first - 1];
		first += s->nlines + 2;
	}
	return (size_t)-1;
}

void ic_script_free(struct ic_script *x)
{
	size_t i;

	for (i = 0; i < x->n; i++) {
		free(x->s[i].buf);
		free(x->s[i].ops);
	}
	free(x->s);
	memset(x, 0, sizeof(*x));
}
