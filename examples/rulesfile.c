/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rulesfile.h"

struct parser {
	const char *name;
	unsigned int line;
	char *word;		/* current word being built */
	size_t wlen, wcap;
	bool inword;
	char **words;		/* current line's words, NULL-terminated when done */
	size_t nwords, wvcap;
	struct rulesfile *rf;
	size_t spcap;
	char *err;
	size_t errlen;
};

static int fail(struct parser *ps, const char *fmt, ...)
{
	va_list ap;
	int off;

	off = snprintf(ps->err, ps->errlen, "%s:%u: ", ps->name, ps->line);
	if (off < 0 || (size_t)off >= ps->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(ps->err + off, ps->errlen - off, fmt, ap);
	va_end(ap);
	return -1;
}

static int grow(void **v, size_t *cap, size_t need, size_t elem)
{
	size_t ncap = *cap ? *cap : 8;
	void *nv;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	nv = realloc(*v, ncap * elem);
	if (!nv)
		return -1;
	*v = nv;
	*cap = ncap;
	return 0;
}

static int put_char(struct parser *ps, char c)
{
	if (grow((void **)&ps->word, &ps->wcap, ps->wlen + 2, 1) < 0)
		return fail(ps, "out of memory");
	ps->word[ps->wlen++] = c;
	ps->inword = true;
	return 0;
}

static int end_word(struct parser *ps)
{
	char *w;

	if (!ps->inword)
		return 0;
	w = strndup(ps->word ? ps->word : "", ps->wlen);
	if (!w || grow((void **)&ps->words, &ps->wvcap, ps->nwords + 2, sizeof(char *)) < 0) {
		free(w);
		return fail(ps, "out of memory");
	}
	ps->words[ps->nwords++] = w;
	ps->wlen = 0;
	ps->inword = false;
	return 0;
}

static int end_line(struct parser *ps)
{
	struct rulesfile *rf = ps->rf;

	if (end_word(ps) < 0)
		return -1;
	if (ps->nwords == 0)
		return 0;
	if (grow((void **)&rf->specs, &ps->spcap, rf->n + 1, sizeof(char **)) < 0)
		return fail(ps, "out of memory");
	ps->words[ps->nwords] = NULL;
	rf->specs[rf->n++] = ps->words;
	ps->words = NULL;
	ps->nwords = 0;
	ps->wvcap = 0;
	return 0;
}

/* Parse a quoted string starting after its opening quote; returns the text after the close. */
static const char *quoted(struct parser *ps, const char *p, char q)
{
	unsigned int start = ps->line;

	ps->inword = true;
	for (; *p && *p != q; p++) {
		if (*p == '\n') {
			ps->line = start;
			fail(ps, "unterminated %s quote", q == '"' ? "double" : "single");
			return NULL;
		}
		if (q == '"' && *p == '\\' && (p[1] == '"' || p[1] == '\\'))
			p++;
		if (put_char(ps, *p) < 0)
			return NULL;
	}
	if (!*p) {
		fail(ps, "unterminated %s quote", q == '"' ? "double" : "single");
		return NULL;
	}
	return p + 1;
}

static const char *step(struct parser *ps, const char *p)
{
	switch (*p) {
	case '\n':
		if (end_line(ps) < 0)
			return NULL;
		ps->line++;
		return p + 1;
	case ' ':
	case '\t':
	case '\r':
		return end_word(ps) < 0 ? NULL : p + 1;
	case '\'':
	case '"':
		return quoted(ps, p + 1, *p);
	case '\\':
		if (p[1] == '\n') {
			ps->line++;
			return p + 2;
		}
		if (p[1] == '\0') {
			fail(ps, "backslash at end of file");
			return NULL;
		}
		return put_char(ps, p[1]) < 0 ? NULL : p + 2;
	case '#':
		if (!ps->inword)	/* a # inside a word is an ordinary character */
			return p + strcspn(p, "\n");
		break;
	}
	return put_char(ps, *p) < 0 ? NULL : p + 1;
}

void rulesfile_free(struct rulesfile *rf)
{
	for (size_t i = 0; i < rf->n; i++) {
		for (char **w = rf->specs[i]; *w; w++)
			free(*w);
		free(rf->specs[i]);
	}
	free(rf->specs);
	rf->specs = NULL;
	rf->n = 0;
}

int rulesfile_parse(const char *text, const char *name, struct rulesfile *rf, char *err,
		    size_t errlen)
{
	struct parser ps = { .name = name, .line = 1, .rf = rf, .err = err, .errlen = errlen };
	const char *p = text;
	int rc = 0;

	rf->specs = NULL;
	rf->n = 0;
	if (errlen)
		err[0] = '\0';
	while (p && *p)
		p = step(&ps, p);
	if (!p || end_line(&ps) < 0)
		rc = -1;
	for (size_t i = 0; i < ps.nwords; i++)
		free(ps.words[i]);
	free(ps.words);
	free(ps.word);
	if (rc < 0)
		rulesfile_free(rf);
	return rc;
}

static char *slurp(FILE *f, size_t *len)
{
	size_t cap = 4096, n = 0, r;
	char *buf = malloc(cap), *nb;

	while (buf) {
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
		if (cap - n - 1 == 0) {
			nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
	}
	if (buf)
		buf[n] = '\0';
	*len = n;
	return buf;
}

int rulesfile_read(const char *path, struct rulesfile *rf, char *err, size_t errlen)
{
	bool std = strcmp(path, "-") == 0;
	const char *name = std ? "<stdin>" : path;
	FILE *f = std ? stdin : fopen(path, "r");
	char *text;
	size_t len;
	int rc, ioerr;

	rf->specs = NULL;
	rf->n = 0;
	if (!f) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		return -1;
	}
	text = slurp(f, &len);
	ioerr = ferror(f);
	if (!std)
		fclose(f);
	if (!text || ioerr) {
		snprintf(err, errlen, "%s: %s", name, text ? "read error" : strerror(ENOMEM));
		free(text);
		return -1;
	}
	if (strlen(text) != len) {
		snprintf(err, errlen, "%s: contains a NUL byte", name);
		free(text);
		return -1;
	}
	rc = rulesfile_parse(text, name, rf, err, errlen);
	free(text);
	return rc;
}
