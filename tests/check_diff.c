/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The differential suite: every rulespec of tests/data/rulespecs-v{4,6}.txt is added by the
 * real iptables-legacy / ip6tables-legacy and by the library, and the listings must be equal
 * byte for byte. Each CLI-added rule must be found and deleted by the library, and each
 * library-added rule by the CLI. Specs of tests/data/badspecs-v{4,6}.txt must fail in both
 * with the same message. One test per family and table, each in a fresh namespace; specs are
 * applied in batches (add all, compare, flush).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define MAX_WORDS 64
#define REPORT_MAX 24000

struct spec {
	char *line;			/* the corpus line, for messages */
	char *table, *chain;
	char *words[MAX_WORDS + 1];	/* NULL-terminated rulespec */
	char *shell;			/* words quoted for /bin/sh */
	char *shell_noc;		/* the same without -c PKTS BYTES (-C / -D refuse it) */
	int nrules;			/* rules the spec expands to (address lists) */
};

struct corpus {
	struct spec *v;
	size_t n;
};

/* ---- corpus file ---- */

static int count_list(const char *v)
{
	int n = 1;

	for (; *v; v++)
		n += *v == ',';
	return n;
}

/* How many rules iptables makes of this spec: one per source x destination address. */
static int expand_count(char **w)
{
	int s = 1, d = 1, i;

	for (i = 0; w[i] && w[i + 1]; i++) {
		if (!strcmp(w[i], "-s") || !strcmp(w[i], "--source") || !strcmp(w[i], "--src"))
			s = count_list(w[i + 1]);
		else if (!strcmp(w[i], "-d") || !strcmp(w[i], "--destination") ||
			 !strcmp(w[i], "--dst"))
			d = count_list(w[i + 1]);
	}
	return s * d;
}

static char *shell_without_counters(char **w)
{
	const char *v[MAX_WORDS + 1];
	int i, n = 0;

	for (i = 0; w[i]; i++) {
		if ((!strcmp(w[i], "-c") || !strcmp(w[i], "--set-counters")) && w[i + 1] &&
		    w[i + 2]) {
			i += 2;
			continue;
		}
		v[n++] = w[i];
	}
	v[n] = NULL;
	return tshjoin(v);
}

/* Append the specs of data file @name (those of @table when not NULL) to @c. */
static void corpus_append(struct corpus *c, const char *name, const char *table)
{
	const char *dir = getenv("IPTC_TEST_DATA");
	char path[512], *line = NULL, *w[MAX_WORDS + 3];
	size_t cap = 0, lineno = 0;
	int nw, k;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "data", name);
	f = fopen(path, "r");
	ck_assert_msg(f, "cannot open %s (set IPTC_TEST_DATA)", path);
	while (getline(&line, &cap, f) > 0) {
		struct spec *s;

		lineno++;
		if (line[0] == '#' || line[strspn(line, " \t\n")] == '\0')
			continue;
		nw = tsplit_words(line, w, MAX_WORDS + 2);
		ck_assert_msg(nw >= 3, "%s:%zu: bad line", path, lineno);
		if (table && strcmp(w[0], table) != 0) {
			for (k = 0; k < nw; k++)
				free(w[k]);
			continue;
		}
		c->v = realloc(c->v, (c->n + 1) * sizeof(*c->v));
		ck_assert(c->v);
		s = &c->v[c->n++];
		memset(s, 0, sizeof(*s));
		s->line = tchomp(strdup(line));
		s->table = w[0];
		s->chain = w[1];
		for (k = 2; k < nw; k++)
			s->words[k - 2] = w[k];
		s->words[nw - 2] = NULL;
		s->shell = tshjoin((const char *const *)s->words);
		s->shell_noc = shell_without_counters(s->words);
		s->nrules = expand_count(s->words);
	}
	free(line);
	fclose(f);
}

static void corpus_load(struct corpus *c, const char *name, const char *table)
{
	memset(c, 0, sizeof(*c));
	corpus_append(c, name, table);
}

/* Under valgrind keep every 8th spec only. */
static void corpus_slice(struct corpus *c)
{
	size_t i, j = 0;

	if (!tvalgrind())
		return;
	for (i = 0; i < c->n; i++) {
		if (i % 8 == 0) {
			c->v[j++] = c->v[i];
			continue;
		}
		free(c->v[i].line);
		free(c->v[i].table);
		free(c->v[i].chain);
		free(c->v[i].shell);
		free(c->v[i].shell_noc);
		for (char **w = c->v[i].words; *w; w++)
			free(*w);
	}
	c->n = j;
}

static void spec_free(struct spec *s)
{
	free(s->line);
	free(s->table);
	free(s->chain);
	free(s->shell);
	free(s->shell_noc);
	for (char **w = s->words; *w; w++)
		free(*w);
}

static void corpus_free(struct corpus *c)
{
	for (size_t i = 0; i < c->n; i++)
		spec_free(&c->v[i]);
	free(c->v);
}

/* ---- failure report ---- */

struct report {
	char *buf;
	size_t len;
	int nfail;
};

static void rep(struct report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void rep(struct report *r, const char *fmt, ...)
{
	char *s;
	va_list ap;

	r->nfail++;
	if (r->len > REPORT_MAX)
		return;
	va_start(ap, fmt);
	ck_assert(vasprintf(&s, fmt, ap) >= 0);
	va_end(ap);
	r->buf = realloc(r->buf, r->len + strlen(s) + 2);
	ck_assert(r->buf);
	memcpy(r->buf + r->len, s, strlen(s));
	r->len += strlen(s);
	r->buf[r->len++] = '\n';
	r->buf[r->len] = '\0';
	free(s);
}

/* ---- listings split per chain ---- */

struct listing {
	char *text;
	char **lines;
	size_t n;
};

static void listing_parse(struct listing *l, char *text)
{
	char *p;

	l->text = text;
	l->lines = NULL;
	l->n = 0;
	if (!text)
		return;
	for (p = text;;) {
		char *nl = strchr(p, '\n');

		l->lines = realloc(l->lines, (l->n + 1) * sizeof(char *));
		l->lines[l->n++] = nl ? strndup(p, (size_t)(nl - p)) : strdup(p);
		if (!nl)
			break;
		p = nl + 1;
	}
}

static void listing_free(struct listing *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->lines[i]);
	free(l->lines);
	free(l->text);
}

/* The @k-th (0-based) "-A CHAIN " line of @l, or NULL. */
static const char *rule_line(const struct listing *l, const char *chain, int k)
{
	size_t i, clen = strlen(chain);

	for (i = 0; i < l->n; i++) {
		const char *s = l->lines[i];

		if (!strncmp(s, "-A ", 3) && !strncmp(s + 3, chain, clen) && s[3 + clen] == ' ' &&
		    k-- == 0)
			return s;
	}
	return NULL;
}

static int count_rules(const char *text)
{
	int n = 0;
	const char *p = text;

	if (!strncmp(p, "-A ", 3))
		n++;
	while ((p = strstr(p, "\n-A ")) != NULL) {
		n++;
		p++;
	}
	return n;
}

/* ---- CLI batches ---- */

/* Run "<cli> -t T <op> C <spec>" for every spec in one shell; statuses into @st. */
static void cli_batch(const struct tcfg *c, const struct corpus *cp, const char *op, int *st,
		      char **err)
{
	size_t len = 64, i;
	char *script, *out, *p;

	for (i = 0; i < cp->n; i++)
		len += strlen(c->cli) + strlen(cp->v[i].table) + strlen(cp->v[i].chain) +
		       strlen(cp->v[i].shell) + 40;
	/* -C and -D refuse -c: what they look for is the rule without its counters */
	bool noc = !strcmp(op, "-C") || !strcmp(op, "-D");
	script = malloc(len);
	ck_assert(script);
	p = script;
	for (i = 0; i < cp->n; i++)
		p += sprintf(p, "%s -t %s %s %s %s; echo $?\n", c->cli, cp->v[i].table, op,
			     cp->v[i].chain, noc ? cp->v[i].shell_noc : cp->v[i].shell);
	*p = '\0';
	tsh(&out, err, "%s", script);
	p = out;
	for (i = 0; i < cp->n; i++) {
		char *end;

		st[i] = (int)strtol(p, &end, 10);
		ck_assert_msg(end != p, "CLI batch output cut short at spec %zu", i);
		p = end + (*end == '\n');
	}
	free(out);
	free(script);
}

static void flush_table(const struct tcfg *c, const char *table)
{
	char *err;
	int st;

	free(tcli(c, &st, &err, "-t %s -F", table));
	ck_assert_msg(st == 0, "flush %s: %s", table, err);
	free(err);
}

static void make_user_chains(const struct tcfg *c, const char *table)
{
	free(tcli(c, NULL, NULL, "-t %s -N USER1", table));
	free(tcli(c, NULL, NULL, "-t %s -N USER2", table));
}

/* iptables_save of @table through @h equals `<cli>-save -t TABLE` without its two comment
 * lines (issue 11: save byte-identical over the differential corpus). */
static void save_compare(iptables *h, const struct tcfg *c, const char *table, struct report *r)
{
	char *ours = NULL, *cli = NULL;
	int rc = iptables_save(h, table, 0, &ours);

	if (rc) {
		rep(r, "[%s] iptables_save(%s) = %d: %s", c->name, table, rc, iptables_errmsg(h));
		return;
	}
	if (tsh(&cli, NULL, "%s-save -t %s | grep -v '^# [GC]'", c->cli, table))
		rep(r, "[%s] %s-save -t %s failed", c->name, c->cli, table);
	else if (strcmp(ours, cli))
		rep(r, "[%s] iptables_save(%s) differs from %s-save:\nours:\n%s\ncli:\n%s", c->name,
		    table, c->cli, ours, cli);
	free(ours);
	free(cli);
}

/* Add every spec with @h; compare each spec's lines with the oracle's @want. */
static void lib_add_compare(iptables *h, const char *what, const struct corpus *cp,
			    const char *table, const struct listing *want, struct report *r)
{
	struct listing got;
	int *added = calloc(cp->n, sizeof(int)), rc, k;
	size_t i, j;
	char *text;

	ck_assert(added);
	for (i = 0; i < cp->n; i++) {
		rc = iptables_append(h, table, cp->v[i].chain,
				     (const char *const *)cp->v[i].words);
		added[i] = rc == 0;
		if (rc)
			rep(r, "[%s] `%s`: append failed: %d (%s)\n    %s", what, cp->v[i].line,
			    rc, iptables_strerror(rc), iptables_errmsg(h));
	}
	text = tlist(h, table, NULL, false, &rc);
	if (!text) {
		rep(r, "[%s] iptables_list(%s) failed: %d: %s", what, table, rc,
		    iptables_errmsg(h));
		free(added);
		return;
	}
	listing_parse(&got, text);
	for (i = 0; i < cp->n; i++) {
		int pw = 0, pg = 0;

		if (!added[i])
			continue;
		for (j = 0; j < i; j++) {
			if (strcmp(cp->v[j].chain, cp->v[i].chain))
				continue;
			pw += cp->v[j].nrules;
			pg += added[j] ? cp->v[j].nrules : 0;
		}
		for (k = 0; k < cp->v[i].nrules; k++) {
			const char *w = rule_line(want, cp->v[i].chain, pw + k);
			const char *g = rule_line(&got, cp->v[i].chain, pg + k);

			if (!w || !g || strcmp(w, g))
				rep(r, "[%s] `%s`\n    want: %s\n    got:  %s", what, cp->v[i].line,
				    w ? w : "(none)", g ? g : "(none)");
		}
	}
	if (r->nfail == 0 && strcmp(want->text, got.text))
		rep(r, "[%s] whole-table listing differs\n--- oracle\n%s\n--- library\n%s", what,
		    want->text, got.text);
	listing_free(&got);
	free(added);
}

static bool str_same(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* (e) iptables_stats agree between backends: libiptc formats rows from the entries, exec
 * parses `iptables -L -n -v -x`; the same ruleset must give the same rows, field by field. */
static void stats_compare_as(iptables *lib, iptables *ex, const char *table, struct report *r,
			     const char *an, const char *bn)
{
	struct iptables_stat *a, *b;
	size_t nc, na, nb;
	char **chains;

	if (iptables_list_chains(lib, table, &chains, &nc)) {
		rep(r, "[stats] list_chains(%s): %s", table, iptables_errmsg(lib));
		return;
	}
	for (size_t c = 0; c < nc; c++) {
		if (iptables_stats(lib, table, chains[c], &a, &na)) {
			rep(r, "[stats] %s %s: %s", an, chains[c], iptables_errmsg(lib));
			continue;
		}
		if (iptables_stats(ex, table, chains[c], &b, &nb)) {
			rep(r, "[stats] %s %s: %s", bn, chains[c], iptables_errmsg(ex));
			iptables_stats_free(a, na);
			continue;
		}
		if (na != nb)
			rep(r, "[stats] %s %s: %zu rows from %s, %zu from %s", table,
			    chains[c], na, an, nb, bn);
		for (size_t i = 0; i < na && i < nb; i++) {
			const struct iptables_stat *x = &a[i], *y = &b[i];

			if (x->packets != y->packets || x->bytes != y->bytes ||
			    !str_same(x->target, y->target) || !str_same(x->protocol, y->protocol) ||
			    !str_same(x->opt, y->opt) || !str_same(x->in, y->in) ||
			    !str_same(x->out, y->out) || !str_same(x->source, y->source) ||
			    !str_same(x->destination, y->destination) ||
			    !str_same(x->options, y->options))
				rep(r, "[stats] %s %s row %zu:\n    %s: %s|%s|%s|%s|%s|%s|%s|%s"
				    "\n    %s: %s|%s|%s|%s|%s|%s|%s|%s", table, chains[c], i + 1, an,
				    x->target, x->protocol, x->opt, x->in, x->out, x->source,
				    x->destination, x->options, bn, y->target, y->protocol, y->opt, y->in,
				    y->out, y->source, y->destination, y->options);
		}
		iptables_stats_free(a, na);
		iptables_stats_free(b, nb);
	}
	iptables_strv_free(chains, nc);
}

static void stats_compare(iptables *lib, iptables *ex, const char *table, struct report *r)
{
	stats_compare_as(lib, ex, table, r, "libiptc", "exec");
}

static iptables *open_cfg(const struct tcfg *c)
{
	return topen(c);
}

static const struct tcfg *find_cfg(enum iptables_backend b, enum iptables_proto p,
				   const char *path)
{
	size_t i;

	for (i = 0; i < n_tcfgs; i++)
		if (tcfgs[i].backend == b && tcfgs[i].proto == p &&
		    (!path || (tcfgs[i].path && !strcmp(tcfgs[i].path, path))))
			return &tcfgs[i];
	ck_abort_msg("config not found");
	return NULL;
}

/*
 * Inside a user namespace (IPTC_ROOTLESS) only uid/gid 0 are mapped, so the kernel refuses
 * e.g. `-m owner --uid-owner 1000`: a spec the kernel refuses to the CLI too (exit status 1,
 * not a parse error) says nothing about us there. Drop those; returns how many.
 */
static size_t drop_kernel_refusals(struct corpus *cp, int *st)
{
	size_t i, j = 0, dropped = 0;

	for (i = 0; i < cp->n; i++) {
		if (st[i] == 1) {
			printf("rootless: skipping `%s` (the kernel refuses it here)\n", cp->v[i].line);
			spec_free(&cp->v[i]);
			dropped++;
			continue;
		}
		cp->v[j++] = cp->v[i];
	}
	cp->n = j;
	return dropped;
}

static const char *const tables[] = { "filter", "nat", "mangle", "raw" };
#define N_TABLES 4

static void run_table(int fam, const char *table)
{
	enum iptables_proto p = fam == 6 ? IPTABLES_IPV6 : IPTABLES_IPV4;
	const struct tcfg *lc = find_cfg(IPTABLES_BACKEND_LIBIPTC, p, NULL);
	const struct tcfg *ec = find_cfg(IPTABLES_BACKEND_EXEC, p, lc->cli);
	struct report r = { 0 };
	struct listing want;
	struct corpus cp;
	iptables *h, *he;
	char *err, *s;
	int *st, rc;
	size_t i;

	corpus_load(&cp, fam == 6 ? "rulespecs-v6.txt" : "rulespecs-v4.txt", table);
	corpus_slice(&cp);
	ck_assert_msg(cp.n > 0, "no %s specs for IPv%d", table, fam);
	st = calloc(cp.n, sizeof(int));
	ck_assert(st);
	make_user_chains(lc, table);
	h = open_cfg(lc);

	/* (a) oracle listing of every spec added by the CLI */
	cli_batch(lc, &cp, "-A", st, &err);
	if (getenv("IPTC_ROOTLESS") && drop_kernel_refusals(&cp, st)) {
		free(err);
		flush_table(lc, table);
		cli_batch(lc, &cp, "-A", st, &err);
	}
	for (i = 0; i < cp.n; i++)
		if (st[i])
			rep(&r, "[cli] `%s` rejected by %s (%d)", cp.v[i].line, lc->cli, st[i]);
	if (r.nfail)
		rep(&r, "[cli] stderr:\n%s", err);
	free(err);
	listing_parse(&want, tcli(lc, NULL, NULL, "-t %s -S", table));
	flush_table(lc, table);

	/* ... and by the libiptc backend */
	lib_add_compare(h, lc->name, &cp, table, &want, &r);

	/* (b) the CLI finds and deletes our rules */
	cli_batch(lc, &cp, "-C", st, &err);
	for (i = 0; i < cp.n; i++)
		if (st[i])
			rep(&r, "[%s] `%s`: `%s -C` does not find the library's rule (%d)",
			    lc->name, cp.v[i].line, lc->cli, st[i]);
	free(err);
	cli_batch(lc, &cp, "-D", st, &err);
	for (i = 0; i < cp.n; i++)
		if (st[i])
			rep(&r, "[%s] `%s`: `%s -D` cannot delete the library's rule (%d)",
			    lc->name, cp.v[i].line, lc->cli, st[i]);
	free(err);
	s = tcli(lc, NULL, NULL, "-t %s -S", table);
	if (count_rules(s))
		rep(&r, "[%s] rules left after CLI -D of every spec:\n%s", lc->name, s);
	free(s);
	flush_table(lc, table);

	/* (c) the library saves, finds and deletes CLI-added rules */
	cli_batch(lc, &cp, "-A", st, &err);
	free(err);
	save_compare(h, lc, table, &r);
	for (i = 0; i < cp.n; i++) {
		rc = iptables_exists(h, table, cp.v[i].chain, (const char *const *)cp.v[i].words);
		if (rc != 1)
			rep(&r, "[%s] `%s`: iptables_exists of the CLI's rule = %d: %s", lc->name,
			    cp.v[i].line, rc, rc < 0 ? iptables_errmsg(h) : "");
	}
	for (i = 0; i < cp.n; i++) {
		rc = iptables_delete(h, table, cp.v[i].chain, (const char *const *)cp.v[i].words);
		if (rc)
			rep(&r, "[%s] `%s`: iptables_delete of the CLI's rule = %d: %s", lc->name,
			    cp.v[i].line, rc, iptables_errmsg(h));
	}
	s = tcli(lc, NULL, NULL, "-t %s -S", table);
	if (count_rules(s))
		rep(&r, "[%s] rules left after iptables_delete of every spec:\n%s", lc->name, s);
	free(s);
	flush_table(lc, table);
	iptables_free(h);

	/* (d) the exec backend on the same binary */
	he = open_cfg(ec);
	lib_add_compare(he, ec->name, &cp, table, &want, &r);
	save_compare(he, ec, table, &r);
	h = open_cfg(lc);
	stats_compare(h, he, table, &r);
	iptables_free(h);
	iptables_free(he);

	listing_free(&want);
	free(st);
	corpus_free(&cp);
	ck_assert_msg(r.nfail == 0, "IPv%d %s: %d failure(s):\n%s", fam, table, r.nfail,
		      r.buf ? r.buf : "");
	free(r.buf);
}

START_TEST(test_diff_v4)
{
	run_table(4, tables[_i]);
}
END_TEST

START_TEST(test_diff_v6)
{
	run_table(6, tables[_i]);
}
END_TEST

/* Bad specs: both the CLI and the library fail, with the same message. */
static void run_bad(int fam)
{
	enum iptables_proto p = fam == 6 ? IPTABLES_IPV6 : IPTABLES_IPV4;
	const struct tcfg *lc = find_cfg(IPTABLES_BACKEND_LIBIPTC, p, NULL);
	const struct tcfg *ec = find_cfg(IPTABLES_BACKEND_EXEC, p, lc->cli);
	const struct tcfg mc = { fam == 6 ? "memory-v6" : "memory-v4", IPTABLES_BACKEND_MEMORY, p,
				 NULL, NULL };
	const struct tcfg *cfgs[3] = { lc, ec, &mc };
	struct report r = { 0 };
	struct corpus cp;
	iptables *hs[3];
	size_t i, t, k;

	corpus_load(&cp, fam == 6 ? "badspecs-v6.txt" : "badspecs-v4.txt", NULL);
	corpus_slice(&cp);
	for (t = 0; t < N_TABLES; t++)
		make_user_chains(lc, tables[t]);
	hs[0] = open_cfg(lc);
	hs[1] = open_cfg(ec);
	hs[2] = open_cfg(&mc);
	for (i = 0; i < cp.n; i++) {
		struct spec *s = &cp.v[i];
		char *err, *after;
		int st, rc, rcs[3];

		free(tcli(lc, &st, &err, "-t %s -A %s %s", s->table, s->chain, s->shell));
		if (st == 0) {
			rep(&r, "[cli] `%s` accepted by %s: move it to the good corpus", s->line,
			    lc->cli);
			flush_table(lc, s->table);
			free(err);
			continue;
		}
		/* one code per case: every backend refuses with the same code (README) */
		for (k = 0; k < 3; k++) {
			rc = rcs[k] = iptables_append(hs[k], s->table, s->chain,
						      (const char *const *)s->words);
			if (rc >= 0 || (st == 2 && rc != IPTABLES_EINVAL))
				rep(&r, "[%s] `%s`: append = %d (%s), CLI exit %d", cfgs[k]->name,
				    s->line, rc, iptables_strerror(rc), st);
			else if (strcmp(iptables_errmsg(hs[k]), err))
				rep(&r, "[%s] `%s`\n    want: %s\n    got:  %s", cfgs[k]->name,
				    s->line, err, iptables_errmsg(hs[k]));
		}
		for (k = 1; k < 3; k++)
			if (rcs[k] != rcs[0])
				rep(&r, "[codes] `%s`: %s = %d (%s), %s = %d (%s)", s->line,
				    cfgs[0]->name, rcs[0], iptables_strerror(rcs[0]), cfgs[k]->name,
				    rcs[k], iptables_strerror(rcs[k]));
		free(err);
		after = tcli(lc, NULL, NULL, "-t %s -S %s", s->table, s->chain);
		if (count_rules(after)) {
			rep(&r, "`%s`: rules were added:\n%s", s->line, after);
			flush_table(lc, s->table);
		}
		free(after);
	}
	iptables_free(hs[0]);
	iptables_free(hs[1]);
	iptables_free(hs[2]);
	corpus_free(&cp);
	ck_assert_msg(r.nfail == 0, "IPv%d bad specs: %d failure(s):\n%s", fam, r.nfail,
		      r.buf ? r.buf : "");
	free(r.buf);
}

START_TEST(test_bad_v4)
{
	run_bad(4);
}
END_TEST

START_TEST(test_bad_v6)
{
	run_bad(6);
}
END_TEST

/* ---- the native nf_tables backend against iptables-nft 1.8.9 ---- */

/* Move the specs @st marks as refused (non-zero) out of @cp into @out. */
static void corpus_take_refused(struct corpus *cp, const int *st, struct corpus *out)
{
	size_t i, j = 0;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < cp->n; i++) {
		if (st[i] == 0) {
			cp->v[j++] = cp->v[i];
			continue;
		}
		out->v = realloc(out->v, (out->n + 1) * sizeof(*out->v));
		ck_assert(out->v);
		out->v[out->n++] = cp->v[i];
	}
	cp->n = j;
}

/* `iptables-nft-save -c` and iptables_save(IPTABLES_SAVE_COUNTERS). */
static void save_compare_counters(iptables *h, const struct tcfg *c, const char *table,
				  struct report *r)
{
	char *ours = NULL, *cli = NULL;
	int rc = iptables_save(h, table, IPTABLES_SAVE_COUNTERS, &ours);

	if (rc) {
		rep(r, "[%s] iptables_save(%s, COUNTERS) = %d: %s", c->name, table, rc,
		    iptables_errmsg(h));
		return;
	}
	if (tsh(&cli, NULL, "%s-save -c -t %s | grep -v '^# [GC]'", c->cli, table))
		rep(r, "[%s] %s-save -c -t %s failed", c->name, c->cli, table);
	else if (strcmp(ours, cli))
		rep(r, "[%s] iptables_save(%s, COUNTERS) differs from %s-save -c:\nours:\n%s\n"
		    "cli:\n%s", c->name, table, c->cli, ours, cli);
	free(ours);
	free(cli);
}

static void oracle_compare(iptables *h, const struct tcfg *c, const char *table, const char *when,
			   struct report *r)
{
	for (int counters = 0; counters < 2; counters++) {
		char *m = toracle_diff(h, c, table, NULL, counters);

		if (m)
			rep(r, "[%s] %s (%s): %s", c->name, when, counters ? "-v -S" : "-S", m);
		free(m);
	}
}

/* Specs iptables-nft refuses (the kernel, mostly: QUEUE, rpfilter outside its tables...):
 * we refuse them with its words and with the code the exec-nft backend gives. */
static void refused_compare(iptables *h, iptables *he, const struct tcfg *c,
			    const struct corpus *cp, struct report *r)
{
	for (size_t i = 0; i < cp->n; i++) {
		const struct spec *s = &cp->v[i];
		char *err, *after;
		int st, rc, rce;

		free(tcli(c, &st, &err, "-t %s -A %s %s", s->table, s->chain, s->shell));
		printf("%s: `%s` refused by %s (%d): %s\n", c->name, s->line, c->cli, st, err);
		rc = iptables_append(h, s->table, s->chain, (const char *const *)s->words);
		if (rc >= 0)
			rep(r, "[%s] `%s`: append = %d, %s refuses it (%d): %s", c->name, s->line, rc,
			    c->cli, st, err);
		else if (strcmp(iptables_errmsg(h), err))
			rep(r, "[%s] `%s`\n    want: %s\n    got:  %s", c->name, s->line, err,
			    iptables_errmsg(h));
		rce = iptables_append(he, s->table, s->chain, (const char *const *)s->words);
		if (rc != rce)
			rep(r, "[%s] `%s`: append = %d (%s), exec-nft gives %d (%s)", c->name, s->line,
			    rc, iptables_strerror(rc), rce, iptables_strerror(rce));
		free(err);
		after = tcli(c, NULL, NULL, "-t %s -S %s", s->table, s->chain);
		if (count_rules(after)) {
			rep(r, "[%s] `%s`: rules were added:\n%s", c->name, s->line, after);
			flush_table(c, s->table);
		}
		free(after);
	}
}

static void run_table_nft(int fam, const char *table)
{
	enum iptables_proto p = fam == 6 ? IPTABLES_IPV6 : IPTABLES_IPV4;
	const struct tcfg *nc = find_cfg(IPTABLES_BACKEND_NFT, p, NULL);
	const struct tcfg *ec = find_cfg(IPTABLES_BACKEND_EXEC, p, nc->cli);
	struct report r = { 0 };
	struct corpus cp, refused;
	struct listing want;
	iptables *h, *he;
	char *err, *s;
	int *st, rc;
	size_t i;

	corpus_load(&cp, fam == 6 ? "rulespecs-v6.txt" : "rulespecs-v4.txt", table);
	corpus_append(&cp, fam == 6 ? "nft-quirks-v6.txt" : "nft-quirks-v4.txt", table);
	corpus_slice(&cp);
	ck_assert_msg(cp.n > 0, "no %s specs for IPv%d", table, fam);
	st = calloc(cp.n, sizeof(int));
	ck_assert(st);
	h = open_cfg(nc);
	he = open_cfg(ec);
	/* the handle reads the table first: what the CLI does next must show through */
	free(tlist(h, table, NULL, false, &rc));
	make_user_chains(nc, table);

	/* (a) every spec added by iptables-nft; the ones it refuses are kept apart */
	cli_batch(nc, &cp, "-A", st, &err);
	free(err);
	corpus_take_refused(&cp, st, &refused);
	listing_parse(&want, tcli(nc, NULL, NULL, "-t %s -S", table));

	/* (c) on the CLI's rules: -S, -v -S, save, save -c, stats, -C, -D */
	oracle_compare(h, nc, table, "rules added by the CLI", &r);
	save_compare(h, nc, table, &r);
	save_compare_counters(h, nc, table, &r);
	stats_compare_as(h, he, table, &r, nc->name, ec->name);
	for (i = 0; i < cp.n; i++) {
		rc = iptables_exists(h, table, cp.v[i].chain, (const char *const *)cp.v[i].words);
		if (rc != 1)
			rep(&r, "[%s] `%s`: iptables_exists of the CLI's rule = %d: %s", nc->name,
			    cp.v[i].line, rc, rc < 0 ? iptables_errmsg(h) : "");
	}
	for (i = 0; i < cp.n; i++) {
		rc = iptables_delete(h, table, cp.v[i].chain, (const char *const *)cp.v[i].words);
		if (rc)
			rep(&r, "[%s] `%s`: iptables_delete of the CLI's rule = %d: %s", nc->name,
			    cp.v[i].line, rc, iptables_errmsg(h));
	}
	s = tcli(nc, NULL, NULL, "-t %s -S", table);
	if (count_rules(s))
		rep(&r, "[%s] rules left after iptables_delete of every spec:\n%s", nc->name, s);
	free(s);
	flush_table(nc, table);

	/* (b) every spec added by us: the same lines; the CLI finds and deletes them */
	lib_add_compare(h, nc->name, &cp, table, &want, &r);
	oracle_compare(h, nc, table, "rules added by the library", &r);
	save_compare(h, nc, table, &r);
	stats_compare_as(h, he, table, &r, nc->name, ec->name);
	cli_batch(nc, &cp, "-C", st, &err);
	for (i = 0; i < cp.n; i++)
		if (st[i])
			rep(&r, "[%s] `%s`: `%s -C` does not find the library's rule (%d)",
			    nc->name, cp.v[i].line, nc->cli, st[i]);
	free(err);
	cli_batch(nc, &cp, "-D", st, &err);
	for (i = 0; i < cp.n; i++)
		if (st[i])
			rep(&r, "[%s] `%s`: `%s -D` cannot delete the library's rule (%d)",
			    nc->name, cp.v[i].line, nc->cli, st[i]);
	free(err);
	s = tcli(nc, NULL, NULL, "-t %s -S", table);
	if (count_rules(s))
		rep(&r, "[%s] rules left after CLI -D of every spec:\n%s", nc->name, s);
	free(s);

	/* (d) what iptables-nft refuses, we refuse alike */
	refused_compare(h, he, nc, &refused, &r);

	iptables_free(h);
	iptables_free(he);
	listing_free(&want);
	free(st);
	corpus_free(&refused);
	corpus_free(&cp);
	ck_assert_msg(r.nfail == 0, "%s %s: %d failure(s):\n%s", nc->name, table, r.nfail,
		      r.buf ? r.buf : "");
	free(r.buf);
}

START_TEST(test_diff_nft_v4)
{
	run_table_nft(4, tables[_i]);
}
END_TEST

START_TEST(test_diff_nft_v6)
{
	run_table_nft(6, tables[_i]);
}
END_TEST

/*
 * Bad specs on the native backend: iptables-nft's own message, and the code every other
 * backend gives (libiptc, exec on iptables-legacy, exec on iptables-nft). Where those
 * disagree among themselves the spec is listed (stdout), and the native backend must agree
 * with exec-nft (the same iptables) and with libiptc when the legacy parser refuses it the
 * same way (exit status 2 from both CLIs).
 */
static void run_bad_nft(int fam)
{
	enum iptables_proto p = fam == 6 ? IPTABLES_IPV6 : IPTABLES_IPV4;
	const struct tcfg *nc = find_cfg(IPTABLES_BACKEND_NFT, p, NULL);
	const struct tcfg *lc = find_cfg(IPTABLES_BACKEND_LIBIPTC, p, NULL);
	const struct tcfg *cfgs[4] = { nc, find_cfg(IPTABLES_BACKEND_EXEC, p, nc->cli), lc,
				       find_cfg(IPTABLES_BACKEND_EXEC, p, lc->cli) };
	struct report r = { 0 };
	struct corpus cp;
	iptables *hs[4];
	size_t i, t, k;

	corpus_load(&cp, fam == 6 ? "badspecs-v6.txt" : "badspecs-v4.txt", NULL);
	corpus_slice(&cp);
	for (t = 0; t < N_TABLES; t++) {
		make_user_chains(nc, tables[t]);
		make_user_chains(lc, tables[t]);
	}
	for (k = 0; k < 4; k++)
		hs[k] = open_cfg(cfgs[k]);
	for (i = 0; i < cp.n; i++) {
		struct spec *s = &cp.v[i];
		char *err, *lerr, *after;
		int st, lst, rc[4];

		free(tcli(nc, &st, &err, "-t %s -A %s %s", s->table, s->chain, s->shell));
		free(tcli(lc, &lst, &lerr, "-t %s -A %s %s", s->table, s->chain, s->shell));
		for (k = 0; k < 4; k++)
			rc[k] = iptables_append(hs[k], s->table, s->chain,
						(const char *const *)s->words);
		if (rc[0] != rc[1] || rc[0] != rc[2] || rc[0] != rc[3])
			printf("IPv%d backends disagree on `%s`: %s %d, %s %d, %s %d, %s %d "
			       "(%s exit %d, %s exit %d)\n", fam, s->line, cfgs[0]->name, rc[0],
			       cfgs[1]->name, rc[1], cfgs[2]->name, rc[2], cfgs[3]->name, rc[3],
			       nc->cli, st, lc->cli, lst);
		if (st == 0) {
			/* iptables-nft takes it: so do we, with the same listing */
			char *m = toracle_diff(hs[0], nc, s->table, s->chain, false);

			printf("IPv%d `%s`: %s accepts it\n", fam, s->line, nc->cli);
			if (rc[0] != 0)
				rep(&r, "[%s] `%s`: append = %d (%s), %s accepts it", nc->name,
				    s->line, rc[0], iptables_errmsg(hs[0]), nc->cli);
			else if (m)
				rep(&r, "[%s] `%s`: %s", nc->name, s->line, m);
			free(m);
			flush_table(nc, s->table);
		} else if (rc[0] >= 0) {
			rep(&r, "[%s] `%s`: append = %d, %s exit %d: %s", nc->name, s->line, rc[0],
			    nc->cli, st, err);
		} else {
			if (strcmp(iptables_errmsg(hs[0]), err))
				rep(&r, "[%s] `%s`\n    want: %s\n    got:  %s", nc->name, s->line,
				    err, iptables_errmsg(hs[0]));
			if (rc[0] != rc[1])
				rep(&r, "[%s] `%s`: code %d (%s), %s gives %d (%s)", nc->name,
				    s->line, rc[0], iptables_strerror(rc[0]), cfgs[1]->name, rc[1],
				    iptables_strerror(rc[1]));
			if (st == 2 && lst == 2 && rc[0] != rc[2])
				rep(&r, "[%s] `%s`: code %d (%s), %s gives %d (%s)", nc->name,
				    s->line, rc[0], iptables_strerror(rc[0]), cfgs[2]->name, rc[2],
				    iptables_strerror(rc[2]));
			if (st == 2 && rc[0] != IPTABLES_EINVAL)
				rep(&r, "[%s] `%s`: code %d (%s) for a usage error", nc->name, s->line,
				    rc[0], iptables_strerror(rc[0]));
		}
		if (lst == 0 || rc[2] == 0 || rc[3] == 0)
			flush_table(lc, s->table);
		free(err);
		free(lerr);
		after = tcli(nc, NULL, NULL, "-t %s -S %s", s->table, s->chain);
		if (count_rules(after)) {
			rep(&r, "[%s] `%s`: rules were added:\n%s", nc->name, s->line, after);
			flush_table(nc, s->table);
		}
		free(after);
	}
	for (k = 0; k < 4; k++)
		iptables_free(hs[k]);
	corpus_free(&cp);
	ck_assert_msg(r.nfail == 0, "IPv%d bad specs on nft: %d failure(s):\n%s", fam, r.nfail,
		      r.buf ? r.buf : "");
	free(r.buf);
}

START_TEST(test_bad_nft_v4)
{
	run_bad_nft(4);
}
END_TEST

START_TEST(test_bad_nft_v6)
{
	run_bad_nft(6);
}
END_TEST

/* The splitter itself. */
START_TEST(test_split_words)
{
	char *w[8];
	int n, k;

	n = tsplit_words("a 'b c' \"d \\\"e\\\"\" f\\ g 'it'\"'\"'s' \"\"", w, 8);
	ck_assert_int_eq(n, 6);
	ck_assert_str_eq(w[0], "a");
	ck_assert_str_eq(w[1], "b c");
	ck_assert_str_eq(w[2], "d \"e\"");
	ck_assert_str_eq(w[3], "f g");
	ck_assert_str_eq(w[4], "it's");
	ck_assert_str_eq(w[5], "");
	for (k = 0; k < n; k++)
		free(w[k]);
	ck_assert_int_eq(tsplit_words("a 'b", w, 8), -1);
	ck_assert_int_eq(expand_count((char *[]){ "-s", "a,b", "-d", "c,d,e", NULL }), 6);
}
END_TEST

Suite *tsuite(void)
{
	Suite *s = suite_create("diff");
	TCase *tc = tcase_create("differential");
	TCase *unit = tcase_create("splitter");
	TCase *nft = tcase_create("nft");

	/* per-spec reports can be long */
	setenv("CK_MAX_MSG_SIZE", "32768", 0);
	tcase_add_checked_fixture(tc, tns_enter, NULL);
	tcase_set_timeout(tc, ttimeout(150));
	tcase_add_loop_test(tc, test_diff_v4, 0, N_TABLES);
	tcase_add_loop_test(tc, test_diff_v6, 0, N_TABLES);
	tcase_add_test(tc, test_bad_v4);
	tcase_add_test(tc, test_bad_v6);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(nft, tns_enter, NULL);
	tcase_set_timeout(nft, ttimeout(150));
	tcase_add_loop_test(nft, test_diff_nft_v4, 0, N_TABLES);
	tcase_add_loop_test(nft, test_diff_nft_v6, 0, N_TABLES);
	tcase_add_test(nft, test_bad_nft_v4);
	tcase_add_test(nft, test_bad_nft_v6);
	suite_add_tcase(s, nft);
	tcase_add_test(unit, test_split_words);
	suite_add_tcase(s, unit);
	return s;
}
