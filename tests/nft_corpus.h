/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The rulespec corpus (tests/data/rulespecs-v{4,6}.txt) and the libnftnl helpers the
 * nf_tables codec suites share (check_unit_nft_codec.c, check_nft_codec.c): one spec per
 * line, TABLE CHAIN words..., with /bin/sh quoting.
 */
#ifndef IPTC_TEST_NFT_CORPUS_H
#define IPTC_TEST_NFT_CORPUS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libnftnl/expr.h>
#include <libnftnl/rule.h>

#include "harness.h"

#define NC_MAX_WORDS 64

struct nc_spec {
	const char *file;
	char *line;			/* the corpus line, for messages */
	int lineno;
	char *table, *chain;
	char *words[NC_MAX_WORDS + 1];	/* NULL-terminated rulespec */
};

struct nc_corpus {
	struct nc_spec *v;
	size_t n;
};

/* Append the specs of data file @name to @c (zeroed before the first call). */
static void nc_load(struct nc_corpus *c, const char *name)
{
	const char *dir = getenv("IPTC_TEST_DATA");
	char path[512], *line = NULL, *w[NC_MAX_WORDS + 3];
	size_t cap = 0;
	int nw, k, lineno = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "data", name);
	f = fopen(path, "r");
	ck_assert_msg(f, "cannot open %s (set IPTC_TEST_DATA)", path);
	while (getline(&line, &cap, f) > 0) {
		struct nc_spec *s;

		lineno++;
		if (line[0] == '#' || line[strspn(line, " \t\n")] == '\0')
			continue;
		nw = tsplit_words(line, w, NC_MAX_WORDS + 2);
		ck_assert_msg(nw >= 3, "%s:%d: bad line", path, lineno);
		c->v = realloc(c->v, (c->n + 1) * sizeof(*c->v));
		ck_assert(c->v);
		s = &c->v[c->n++];
		memset(s, 0, sizeof(*s));
		s->line = tchomp(strdup(line));
		s->lineno = lineno;
		s->file = name;
		s->table = w[0];
		s->chain = w[1];
		for (k = 2; k < nw; k++)
			s->words[k - 2] = w[k];
	}
	free(line);
	fclose(f);
}

static void nc_free(struct nc_corpus *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].line);
		free(c->v[i].table);
		free(c->v[i].chain);
		for (char **w = c->v[i].words; *w; w++)
			free(*w);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

/* libxtables' compat_rev answer without a kernel: every revision exists. */
static int nc_compat_rev_yes(const char *name, uint8_t rev, int opt)
{
	(void)name;
	(void)rev;
	(void)opt;
	return 1;
}

struct nc_buf {
	char *s;
	size_t len, cap;
};

static void nc_buf_add(struct nc_buf *b, const char *s)
{
	size_t n = strlen(s);

	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		ck_assert(b->s);
	}
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

static int nc_expr_line(struct nftnl_expr *e, void *arg)
{
	char body[4096], line[4200];

	body[0] = '\0';
	nftnl_expr_snprintf(body, sizeof(body), e, NFTNL_OUTPUT_DEFAULT, 0);
	snprintf(line, sizeof(line), "[ %s %s]", nftnl_expr_get_str(e, NFTNL_EXPR_NAME), body);
	if (((struct nc_buf *)arg)->len)
		nc_buf_add(arg, "\n");
	nc_buf_add(arg, line);
	return 0;
}

/* The rule's expressions, one "name attr..." line each as libnftnl prints them
 * (counter values included); malloc'd. */
static char *nc_exprs(const struct nftnl_rule *r)
{
	struct nc_buf b = { 0 };

	nc_buf_add(&b, "");
	nftnl_expr_foreach((struct nftnl_rule *)r, nc_expr_line, &b);
	return b.s;
}

/* The codec suites' corpus of IPv@fam: the differential corpus and the nft quirks. */
static void nc_load_all(struct nc_corpus *c, int fam)
{
	memset(c, 0, sizeof(*c));
	nc_load(c, fam == 6 ? "rulespecs-v6.txt" : "rulespecs-v4.txt");
	nc_load(c, fam == 6 ? "nft-quirks-v6.txt" : "nft-quirks-v4.txt");
}

#endif
