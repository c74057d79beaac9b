/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * stats(): `iptables -t T -L CHAIN -n -v -x`, one struct iptables_stat per rule row.
 *
 * A row is printed (iptables/xshared.c) as "%8llu %8llu %-9s %c%-4s %s  %-6s %-6s %c%-19s
 * %c%-19s" followed by the matches and target options. Splitting on blanks is not enough:
 * the target column is empty for rules without -j, so we look at the character right after
 * the single space that ends the bytes column. Old ip6tables printed a blank opt column,
 * so opt is recognised by its shape ("--", "-f", "!f").
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"

/* Next whitespace-separated word of *p (a comment's newline separates words too): start and
 * length; 0 length at the end. */
static size_t word(const char **p, const char **start)
{
	const char *s = *p;
	size_t n = 0;

	while (*s && isspace((unsigned char)*s))
		s++;
	*start = s;
	while (s[n] && !isspace((unsigned char)s[n]))
		n++;
	*p = s + n;
	return n;
}

static int parse_u64(const char **p, uint64_t *v)
{
	const char *w;
	char *end;
	size_t n = word(p, &w);

	if (!n || !isdigit((unsigned char)*w))
		return IPTABLES_EINVAL;
	errno = 0;
	*v = strtoull(w, &end, 10);
	if (errno || end != w + n)
		return IPTABLES_EINVAL;
	return 0;
}

static bool is_opt(const char *w, size_t n)
{
	return n == 2 && (w[0] == '-' || w[0] == '!') && (w[1] == '-' || w[1] == 'f');
}

/* Address in CIDR form: a bare host gets /32 or /128 (after a possible "!"). */
static char *cidr(const char *w, size_t n, bool ipv6)
{
	const char *suffix = memchr(w, '/', n) ? "" : ipv6 ? "/128" : "/32";
	char *s = malloc(n + strlen(suffix) + 1);

	if (!s)
		return NULL;
	memcpy(s, w, n);
	strcpy(s + n, suffix);
	return s;
}

/* The remaining words joined by single spaces (go-iptables' strings.Join(fields[9:], " ")). */
static char *rest(const char *p)
{
	char *s = malloc(strlen(p) + 1), *d = s;
	const char *w;
	size_t n;

	if (!s)
		return NULL;
	while ((n = word(&p, &w))) {
		if (d != s)
			*d++ = ' ';
		memcpy(d, w, n);
		d += n;
	}
	*d = '\0';
	return s;
}

static int parse_cols(const char *p, bool ipv6, struct iptables_stat *st)
{
	const char *w[5];
	size_t n[5], i, first;

	n[0] = word(&p, &w[0]);			/* prot */
	if (!n[0])
		return IPTABLES_EINVAL;
	st->protocol = strndup(w[0], n[0]);
	n[0] = word(&p, &w[0]);			/* opt, or in when opt is blank */
	first = is_opt(w[0], n[0]) ? 1 : 0;
	st->opt = first ? strndup(w[0], n[0]) : strdup("");
	for (i = first; i < first + 4; i++) {
		if (i)
			n[i] = word(&p, &w[i]);
		if (!n[i])
			return IPTABLES_EINVAL;
	}
	st->in = strndup(w[first], n[first]);
	st->out = strndup(w[first + 1], n[first + 1]);
	st->source = cidr(w[first + 2], n[first + 2], ipv6);
	st->destination = cidr(w[first + 3], n[first + 3], ipv6);
	st->options = rest(p);
	if (!st->protocol || !st->opt || !st->in || !st->out || !st->source ||
	    !st->destination || !st->options)
		return IPTABLES_ENOMEM;
	return 0;
}

int ic_exec_parse_stat_row(const char *line, bool ipv6, struct iptables_stat *st)
{
	const char *p = line, *w;
	size_t n;
	int rc;

	rc = parse_u64(&p, &st->packets);
	if (!rc)
		rc = parse_u64(&p, &st->bytes);
	if (rc)
		return rc;
	if (*p != ' ')
		return IPTABLES_EINVAL;
	p++;
	if (*p == ' ' || *p == '\t') {
		st->target = strdup("");
	} else {
		n = word(&p, &w);
		st->target = strndup(w, n);
	}
	if (!st->target)
		return IPTABLES_ENOMEM;
	return parse_cols(p, ipv6, st);
}

static bool is_row(const char *l)
{
	const char *w;
	const char *p = l;

	if (!strncmp(l, "Chain ", 6))
		return false;
	return word(&p, &w) && isdigit((unsigned char)*w);
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	for (; (s = strstr(s, what)); s += strlen(what))
		n++;
	return n;
}

/* A row's comment ("/\* text *\/", printed as it is) left open at the end of its line. */
static bool comment_open(const char *row)
{
	return count(row, "/* ") > count(row, " */");
}

/*
 * The rule rows of `-L` output, one string each: a comment that holds a newline continues
 * its row on the next lines, up to the line that closes it.
 */
static int rows_of(const char *out, struct ic_strv *rows)
{
	struct ic_strv lines = { 0 };
	const char *s = out;
	size_t i;
	int rc = 0;

	while (*s && !rc) {
		const char *nl = strchr(s, '\n');
		size_t l = nl ? (size_t)(nl - s) : strlen(s);

		rc = ic_strv_push_owned(&lines, strndup(s, l));	/* frees it on failure */
		s += l + (nl ? 1 : 0);
	}
	for (i = 0; !rc && i < lines.n; i++) {
		char *row, *more;

		if (!is_row(lines.v[i]))
			continue;
		row = strdup(lines.v[i]);
		while (row && comment_open(row) && i + 1 < lines.n) {
			more = NULL;
			if (asprintf(&more, "%s\n%s", row, lines.v[++i]) < 0)
				more = NULL;
			free(row);
			row = more;
		}
		rc = ic_strv_push_owned(rows, row);
	}
	ic_strv_clear(&lines);
	return rc ? IPTABLES_ENOMEM : 0;
}

int ic_exec_stats(struct ic_ctx *cx, const char *table, const char *chain,
		   struct ic_statv *out)
{
	const char *const args[] = { "-L", chain, "-n", "-v", "-x", NULL };
	struct ic_strv lines = { 0 };
	struct ic_spawn_res res;
	struct iptables_stat *st;
	size_t i;
	int rc;

	rc = ic_exec_run(cx, table, args, NULL, &res);
	if (rc)
		return rc;
	rc = rows_of(res.out, &lines);
	ic_spawn_res_free(&res);
	if (rc)
		return ic_error(cx, rc, "out of memory");
	for (i = 0; !rc && i < lines.n; i++) {
		st = ic_statv_add(out);
		if (!st) {
			rc = ic_error(cx, IPTABLES_ENOMEM, "out of memory");
			break;
		}
		rc = ic_exec_parse_stat_row(lines.v[i], cx->proto == IPTABLES_IPV6, st);
		if (rc == IPTABLES_ENOMEM)
			rc = ic_error(cx, rc, "out of memory");
		else if (rc)
			rc = ic_error(cx, IPTABLES_EEXEC, "%s: cannot parse -L output line: %s",
				       ic_prog(cx), lines.v[i]);
	}
	ic_strv_clear(&lines);
	return rc;
}
