/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iptables-restore script text. Every word is written in double quotes with '"' and '\'
 * backslash-escaped, which iptables-restore's tokenizer (add_param_to_argv) reads back as
 * the exact word, spaces included. Words with a newline cannot be written (the restore
 * reads line by line): api.c refuses them, and the caller checks again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec_script.h"
#include "internal.h"

static int reserve(struct ic_script_section *s, size_t more)
{
	size_t ncap = s->cap ? s->cap : 256;
	char *nb;

	if (s->len + more + 1 <= s->cap)
		return 0;
	while (ncap < s->len + more + 1)
		ncap *= 2;
	nb = realloc(s->buf, ncap);
	if (!nb)
		return IPTABLES_ENOMEM;
	s->buf = nb;
	s->cap = ncap;
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
	if (x->n == x->cap) {
		size_t ncap = x->cap ? x->cap * 2 : 4;

		s = realloc(x->s, ncap * sizeof(*s));
		if (!s)
			return NULL;
		x->s = s;
		x->cap = ncap;
	}
	s = &x->s[x->n++];
	memset(s, 0, sizeof(*s));
	s->table = table;
	return s;
}

static int note_op(struct ic_script_section *s, size_t op)
{
	if (s->nlines == s->opcap) {
		size_t ncap = s->opcap ? s->opcap * 2 : 16;
		size_t *n = realloc(s->ops, ncap * sizeof(*n));

		if (!n)
			return IPTABLES_ENOMEM;
		s->ops = n;
		s->opcap = ncap;
	}
	s->ops[s->nlines++] = op;
	return 0;
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
