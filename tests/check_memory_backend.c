/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IPTABLES_BACKEND_MEMORY. The unit tests need no root and no namespace: the backend never
 * touches a kernel ruleset. The equivalence tests run one call sequence (the rulespec corpus,
 * chains, policies, positions, bad specs, error cases, transactions) on a memory handle and on
 * a libiptc handle in a fresh namespace, and require the same return codes, the same
 * iptables_errmsg text and the same listings and stats after every call.
 */
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define MAX_WORDS 64
#define REPORT_MAX 24000

static iptables *mopen(enum iptables_proto proto)
{
	struct iptables_options o = { .proto = proto, .backend = IPTABLES_BACKEND_MEMORY };
	iptables *h = NULL;

	ck_assert_int_eq(iptables_new(&h, &o), 0);
	return h;
}

static const char *prog(enum iptables_proto p)
{
	return p == IPTABLES_IPV6 ? "ip6tables" : "iptables";
}

static void list_is(iptables *h, const char *table, const char *chain, const char *want)
{
	int rc;
	char *got = tlist(h, table, chain, false, &rc);

	ck_assert_msg(got, "list %s %s: %d %s", table, chain ? chain : "", rc, iptables_errmsg(h));
	ck_assert_str_eq(got, want);
	free(got);
}

static void fails_with(iptables *h, int rc, int want, const char *msg)
{
	ck_rc(h, rc, want);
	ck_assert_str_eq(iptables_errmsg(h), msg);
}

/* ---- unit tests: no root, no namespace ---- */

START_TEST(test_fresh_tables)
{
	enum iptables_proto p = _i ? IPTABLES_IPV6 : IPTABLES_IPV4;
	iptables *h = mopen(p);
	int major, minor, patch;
	char *msg, **v;
	size_t n;

	ck_assert_int_eq(iptables_backend(h), IPTABLES_BACKEND_MEMORY);
	ck_assert_str_eq(iptables_mode(h), "legacy");
	ck_assert_int_eq(iptables_version(h, &major, &minor, &patch), 0);
	ck_assert_int_ge(major, 1);
	list_is(h, "filter", NULL, "-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT");
	list_is(h, "nat", NULL,
		"-P PREROUTING ACCEPT\n-P INPUT ACCEPT\n-P OUTPUT ACCEPT\n-P POSTROUTING ACCEPT");
	list_is(h, "mangle", NULL,
		"-P PREROUTING ACCEPT\n-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n"
		"-P POSTROUTING ACCEPT");
	list_is(h, "raw", NULL, "-P PREROUTING ACCEPT\n-P OUTPUT ACCEPT");
	list_is(h, "security", NULL, "-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT");
	ck_assert_int_eq(iptables_list_chains(h, "raw", &v, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v[0], "PREROUTING");
	ck_assert_str_eq(v[1], "OUTPUT");
	iptables_strv_free(v, n);

	ck_assert(asprintf(&msg, "%s v%d.%d.%d (legacy): can't initialize %s table `foo': Table "
			   "does not exist (do you need to insmod?)\nPerhaps %s or your kernel "
			   "needs to be upgraded.", prog(p), major, minor, patch, prog(p),
			   prog(p)) >= 0);
	fails_with(h, iptables_list(h, "foo", NULL, &v, &n), IPTABLES_ENOTFOUND, msg);
	fails_with(h, iptables_append(h, "foo", "INPUT", IPTABLES_SPEC("-j", "ACCEPT")),
		   IPTABLES_ENOTFOUND, msg);
	free(msg);
	ck_assert_int_eq(iptables_chain_exists(h, "foo", "INPUT"), 0);
	ck_assert_int_eq(iptables_chain_exists(h, "filter", "INPUT"), 1);
	ck_assert_int_eq(iptables_chain_exists(h, "filter", "PREROUTING"), 0);
	iptables_free(h);
}
END_TEST

START_TEST(test_handles_are_separate)
{
	iptables *a = mopen(IPTABLES_IPV4), *b = mopen(IPTABLES_IPV4);
	struct iptables_options o = { 0 };
	iptables *h;

	ck_rc(a, iptables_new_chain(a, "filter", "MINE"), 0);
	ck_rc(a, iptables_append(a, "filter", "MINE", IPTABLES_SPEC("-j", "ACCEPT")), 0);
	ck_assert_int_eq(iptables_chain_exists(a, "filter", "MINE"), 1);
	ck_assert_int_eq(iptables_chain_exists(b, "filter", "MINE"), 0);
	iptables_free(a);
	iptables_free(b);
	/* AUTO never picks it */
	if (iptables_new(&h, &o) == 0) {
		ck_assert_int_ne(iptables_backend(h), IPTABLES_BACKEND_MEMORY);
		iptables_free(h);
	}
}
END_TEST

START_TEST(test_rules)
{
	iptables *h = mopen(IPTABLES_IPV4);
	char *line;

	ck_rc(h, iptables_new_chain(h, "filter", "T"), 0);
	ck_rc(h, iptables_append(h, "filter", "T", IPTABLES_SPEC("-s", "192.0.2.1,192.0.2.2",
								 "-j", "ACCEPT")), 0);
	ck_rc(h, iptables_insert(h, "filter", "T", 1, IPTABLES_SPEC("-p", "tcp", "--dport",
								    "22", "-j", "DROP")), 0);
	ck_rc(h, iptables_append_unique(h, "filter", "T", IPTABLES_SPEC("-s", "192.0.2.2",
									"-j", "ACCEPT")), 0);
	list_is(h, "filter", "T",
		"-N T\n-A T -p tcp -m tcp --dport 22 -j DROP\n-A T -s 192.0.2.1/32 -j ACCEPT\n"
		"-A T -s 192.0.2.2/32 -j ACCEPT");
	ck_assert_int_eq(iptables_exists(h, "filter", "T", IPTABLES_SPEC("-p", "tcp", "--dport",
									 "22", "-j", "DROP")), 1);
	ck_assert_int_eq(iptables_exists(h, "filter", "T", IPTABLES_SPEC("-p", "tcp", "--dport",
									 "23", "-j", "DROP")), 0);
	ck_assert_int_eq(iptables_exists(h, "filter", "NOPE", IPTABLES_SPEC("-j", "DROP")), 0);
	ck_rc(h, iptables_replace(h, "filter", "T", 2, IPTABLES_SPEC("-d", "198.51.100.1", "-j",
								     "RETURN")), 0);
	ck_rc(h, iptables_list_by_id(h, "filter", "T", 2, &line), 0);
	ck_assert_str_eq(line, "-A T -d 198.51.100.1/32 -j RETURN");
	free(line);
	ck_rc(h, iptables_delete(h, "filter", "T", IPTABLES_SPEC("-d", "198.51.100.1", "-j",
								  "RETURN")), 0);
	fails_with(h, iptables_delete(h, "filter", "T", IPTABLES_SPEC("-j", "RETURN")),
		   IPTABLES_ENOTFOUND, "iptables: Bad rule (does a matching rule exist in that "
		   "chain?).");
	ck_rc(h, iptables_delete_if_exists(h, "filter", "T", IPTABLES_SPEC("-j", "RETURN")), 0);
	fails_with(h, iptables_insert(h, "filter", "T", 4, IPTABLES_SPEC("-j", "DROP")),
		   IPTABLES_ERANGE, "iptables: Index of insertion too big.");
	fails_with(h, iptables_replace(h, "filter", "T", 3, IPTABLES_SPEC("-j", "DROP")),
		   IPTABLES_ERANGE, "iptables: Index of replacement too big.");
	fails_with(h, iptables_delete_by_id(h, "filter", "T", 3), IPTABLES_ERANGE,
		   "iptables: Index of deletion too big.");
	ck_rc(h, iptables_delete_by_id(h, "filter", "T", 1), 0);
	ck_rc(h, iptables_append(h, "filter", "T", IPTABLES_SPEC("-j", "ACCEPT", "-c", "10",
								 "20")), 0);
	line = tlist(h, "filter", "T", true, NULL);
	ck_assert_str_eq(line, "-N T\n-A T -s 192.0.2.2/32 -c 0 0 -j ACCEPT\n"
			 "-A T -c 10 20 -j ACCEPT");
	free(line);
	fails_with(h, iptables_append(h, "filter", "NOPE", IPTABLES_SPEC("-j", "ACCEPT")),
		   IPTABLES_ENOTFOUND, "iptables: No chain/target/match by that name.");
	iptables_free(h);
}
END_TEST

START_TEST(test_chains)
{
	iptables *h = mopen(IPTABLES_IPV4);
	char **v;
	size_t n;

	ck_rc(h, iptables_new_chain(h, "filter", "B"), 0);
	ck_rc(h, iptables_new_chain(h, "filter", "A"), 0);
	fails_with(h, iptables_new_chain(h, "filter", "A"), IPTABLES_EEXIST,
		   "iptables: Chain already exists.");
	ck_rc(h, iptables_new_chain(h, "filter", "LOG"), IPTABLES_EINVAL);
	ck_assert_ptr_nonnull(strstr(iptables_errmsg(h), "chain name may not clash with target"));
	ck_rc(h, iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "A")), 0);
	fails_with(h, iptables_delete_chain(h, "filter", "A"), IPTABLES_EBUSY,
		   "iptables: Too many links.");
	ck_rc(h, iptables_append(h, "filter", "B", IPTABLES_SPEC("-j", "ACCEPT")), 0);
	fails_with(h, iptables_delete_chain(h, "filter", "B"), IPTABLES_EBUSY,
		   "iptables: Directory not empty.");
	fails_with(h, iptables_delete_chain(h, "filter", "INPUT"), IPTABLES_EINVAL,
		   "iptables: Invalid argument. Run `dmesg' for more information.");
	fails_with(h, iptables_rename_chain(h, "filter", "A", "B"), IPTABLES_EEXIST,
		   "iptables: File exists.");
	ck_rc(h, iptables_rename_chain(h, "filter", "A", "C"), 0);
	list_is(h, "filter", "INPUT", "-P INPUT ACCEPT\n-A INPUT -j C");
	ck_assert_int_eq(iptables_list_chains(h, "filter", &v, &n), 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_str_eq(v[3], "B");
	ck_assert_str_eq(v[4], "C");
	iptables_strv_free(v, n);
	fails_with(h, iptables_change_policy(h, "filter", "C", "DROP"), IPTABLES_EINVAL,
		   "iptables: Bad built-in chain name.");
	fails_with(h, iptables_change_policy(h, "filter", "NOPE", "DROP"), IPTABLES_ENOTFOUND,
		   "iptables: Bad built-in chain name.");
	fails_with(h, iptables_change_policy(h, "filter", "INPUT", "FOO"), IPTABLES_EINVAL,
		   "iptables: Bad policy name. Run `dmesg' for more information.");
	ck_rc(h, iptables_change_policy(h, "filter", "FORWARD", "DROP"), 0);
	ck_rc(h, iptables_clear_and_delete_chain(h, "filter", "B"), 0);
	ck_rc(h, iptables_clear_and_delete_chain(h, "filter", "B"), 0);
	ck_rc(h, iptables_clear_chain(h, "filter", "D"), 0);
	ck_rc(h, iptables_clear_all(h, "filter"), 0);
	ck_rc(h, iptables_delete_all(h, "filter"), 0);
	list_is(h, "filter", NULL, "-P INPUT ACCEPT\n-P FORWARD DROP\n-P OUTPUT ACCEPT");
	iptables_free(h);
}
END_TEST

START_TEST(test_kernel_model)
{
	iptables *h = mopen(IPTABLES_IPV4);

	fails_with(h, iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "MASQUERADE")),
		   IPTABLES_EINVAL, "iptables: Invalid argument. Run `dmesg' for more information.");
	ck_rc(h, iptables_new_chain(h, "filter", "A"), 0);
	ck_rc(h, iptables_new_chain(h, "filter", "B"), 0);
	ck_rc(h, iptables_append(h, "filter", "A", IPTABLES_SPEC("-j", "B")), 0);
	ck_rc(h, iptables_append(h, "filter", "B", IPTABLES_SPEC("-j", "A")), 0);
	fails_with(h, iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "A")),
		   IPTABLES_EINVAL, "iptables: Too many levels of symbolic links.");
	list_is(h, "filter", "INPUT", "-P INPUT ACCEPT");
	iptables_free(h);
}
END_TEST

START_TEST(test_transactions)
{
	iptables *h = mopen(IPTABLES_IPV4);

	ck_rc(h, iptables_begin(h), 0);
	ck_rc(h, iptables_new_chain(h, "filter", "T"), 0);
	ck_rc(h, iptables_append(h, "filter", "T", IPTABLES_SPEC("-j", "ACCEPT")), 0);
	ck_rc(h, iptables_append(h, "nat", "POSTROUTING", IPTABLES_SPEC("-j", "MASQUERADE")), 0);
	ck_assert_int_eq(iptables_chain_exists(h, "filter", "T"), 1);
	ck_assert_int_eq(iptables_exists(h, "filter", "T", IPTABLES_SPEC("-j", "ACCEPT")), 1);
	list_is(h, "filter", "T", "-N T\n-A T -j ACCEPT");
	iptables_rollback(h);
	ck_assert_int_eq(iptables_chain_exists(h, "filter", "T"), 0);
	list_is(h, "nat", "POSTROUTING", "-P POSTROUTING ACCEPT");

	/* all or nothing: the last op fails at commit, so nothing is applied */
	ck_rc(h, iptables_begin(h), 0);
	ck_rc(h, iptables_new_chain(h, "filter", "T"), 0);
	ck_rc(h, iptables_append(h, "nat", "POSTROUTING", IPTABLES_SPEC("-j", "MASQUERADE")), 0);
	ck_rc(h, iptables_delete(h, "filter", "T", IPTABLES_SPEC("-j", "DROP")), 0);
	fails_with(h, iptables_commit(h), IPTABLES_ENOTFOUND,
		   "iptables: Bad rule (does a matching rule exist in that chain?).");
	ck_assert_int_eq(iptables_chain_exists(h, "filter", "T"), 0);
	list_is(h, "nat", "POSTROUTING", "-P POSTROUTING ACCEPT");

	ck_rc(h, iptables_begin(h), 0);
	ck_rc(h, iptables_new_chain(h, "filter", "T"), 0);
	ck_rc(h, iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "T")), 0);
	ck_rc(h, iptables_append(h, "nat", "POSTROUTING", IPTABLES_SPEC("-j", "MASQUERADE")), 0);
	ck_rc(h, iptables_commit(h), 0);
	list_is(h, "filter", "INPUT", "-P INPUT ACCEPT\n-A INPUT -j T");
	list_is(h, "nat", "POSTROUTING", "-P POSTROUTING ACCEPT\n-A POSTROUTING -j MASQUERADE");
	iptables_free(h);
}
END_TEST

/* ---- equivalence with the libiptc backend ---- */

struct report {
	char *buf;
	size_t len;
	int nfail, nsteps;
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

enum kind {
	K_APPEND, K_APPEND_UNIQUE, K_INSERT, K_INSERT_UNIQUE, K_REPLACE, K_DELETE, K_DELETE_IF,
	K_DELETE_NUM, K_EXISTS, K_CHAIN_EXISTS, K_NEW_CHAIN, K_CLEAR_CHAIN, K_RENAME,
	K_DELETE_CHAIN, K_CLEAR_DELETE, K_CLEAR_ALL, K_DELETE_ALL, K_POLICY, K_LIST,
	K_LIST_COUNTERS, K_LIST_BY_ID, K_LIST_CHAINS, K_STATS, K_BEGIN, K_COMMIT, K_ROLLBACK,
};

static const char *const kind_names[] = {
	"append", "append_unique", "insert", "insert_unique", "replace", "delete",
	"delete_if_exists", "delete_by_id", "exists", "chain_exists", "new_chain", "clear_chain",
	"rename_chain", "delete_chain", "clear_and_delete_chain", "clear_all", "delete_all",
	"change_policy", "list", "list_with_counters", "list_by_id", "list_chains", "stats",
	"begin", "commit", "rollback",
};

struct step {
	enum kind k;
	const char *table, *chain, *arg;
	int pos;
	const char *const *spec;
};

static char *strv_text(int rc, char **v, size_t n)
{
	char *s;

	if (rc)
		return NULL;
	s = tjoin(v, n);
	iptables_strv_free(v, n);
	return s;
}

static char *stats_text(int rc, struct iptables_stat *st, size_t n)
{
	char *s, *t;

	if (rc)
		return NULL;
	s = strdup("");
	for (size_t i = 0; i < n; i++) {
		const struct iptables_stat *x = &st[i];

		ck_assert(asprintf(&t, "%s%llu %llu|%s|%s|%s|%s|%s|%s|%s|%s\n", s,
				   (unsigned long long)x->packets, (unsigned long long)x->bytes,
				   x->target, x->protocol, x->opt, x->in, x->out, x->source,
				   x->destination, x->options) >= 0);
		free(s);
		s = t;
	}
	iptables_stats_free(st, n);
	return s;
}

/* Run @s on @h: the return code, and what it read (NULL for changes). */
static char *run_step(iptables *h, const struct step *s, int *rc)
{
	const char *t = s->table, *c = s->chain;
	struct iptables_stat *st;
	char **v, *line;
	size_t n;

	switch (s->k) {
	case K_APPEND: *rc = iptables_append(h, t, c, s->spec); break;
	case K_APPEND_UNIQUE: *rc = iptables_append_unique(h, t, c, s->spec); break;
	case K_INSERT: *rc = iptables_insert(h, t, c, s->pos, s->spec); break;
	case K_INSERT_UNIQUE: *rc = iptables_insert_unique(h, t, c, s->pos, s->spec); break;
	case K_REPLACE: *rc = iptables_replace(h, t, c, s->pos, s->spec); break;
	case K_DELETE: *rc = iptables_delete(h, t, c, s->spec); break;
	case K_DELETE_IF: *rc = iptables_delete_if_exists(h, t, c, s->spec); break;
	case K_DELETE_NUM: *rc = iptables_delete_by_id(h, t, c, s->pos); break;
	case K_EXISTS: *rc = iptables_exists(h, t, c, s->spec); break;
	case K_CHAIN_EXISTS: *rc = iptables_chain_exists(h, t, c); break;
	case K_NEW_CHAIN: *rc = iptables_new_chain(h, t, c); break;
	case K_CLEAR_CHAIN: *rc = iptables_clear_chain(h, t, c); break;
	case K_RENAME: *rc = iptables_rename_chain(h, t, c, s->arg); break;
	case K_DELETE_CHAIN: *rc = iptables_delete_chain(h, t, c); break;
	case K_CLEAR_DELETE: *rc = iptables_clear_and_delete_chain(h, t, c); break;
	case K_CLEAR_ALL: *rc = iptables_clear_all(h, t); break;
	case K_DELETE_ALL: *rc = iptables_delete_all(h, t); break;
	case K_POLICY: *rc = iptables_change_policy(h, t, c, s->arg); break;
	case K_LIST:
		*rc = iptables_list(h, t, c, &v, &n);
		return strv_text(*rc, v, n);
	case K_LIST_COUNTERS:
		*rc = iptables_list_with_counters(h, t, c, &v, &n);
		return strv_text(*rc, v, n);
	case K_LIST_BY_ID:
		*rc = iptables_list_by_id(h, t, c, s->pos, &line);
		return *rc ? NULL : line;
	case K_LIST_CHAINS:
		*rc = iptables_list_chains(h, t, &v, &n);
		return strv_text(*rc, v, n);
	case K_STATS:
		*rc = iptables_stats(h, t, c, &st, &n);
		return stats_text(*rc, st, n);
	case K_BEGIN: *rc = iptables_begin(h); break;
	case K_COMMIT: *rc = iptables_commit(h); break;
	case K_ROLLBACK: iptables_rollback(h); *rc = 0; break;
	}
	return NULL;
}

struct twin {
	iptables *lib, *mem;
	struct report r;
};

static char *describe(const struct step *s)
{
	char *spec = s->spec ? tshjoin(s->spec) : strdup(""), *d;

	ck_assert(asprintf(&d, "%s(%s, %s, pos %d, %s) %s", kind_names[s->k],
			   s->table ? s->table : "NULL", s->chain ? s->chain : "NULL", s->pos,
			   s->arg ? s->arg : "", spec) >= 0);
	free(spec);
	return d;
}

/* Run @s on both handles and report every difference. */
static void both(struct twin *tw, const struct step *s)
{
	int rl, rm;
	char *ol = run_step(tw->lib, s, &rl), *om = run_step(tw->mem, s, &rm), *d;

	tw->r.nsteps++;
	if (rl != rm || (rl < 0 && strcmp(iptables_errmsg(tw->lib), iptables_errmsg(tw->mem))) ||
	    (ol && (!om || strcmp(ol, om))) || (!ol && om)) {
		d = describe(s);
		rep(&tw->r, "%s\n    libiptc: %d %s\n%s\n    memory:  %d %s\n%s", d, rl,
		    rl < 0 ? iptables_errmsg(tw->lib) : "", ol ? ol : "", rm,
		    rm < 0 ? iptables_errmsg(tw->mem) : "", om ? om : "");
		free(d);
	}
	free(ol);
	free(om);
}

#define BOTH(tw, ...) both((tw), &(struct step){ __VA_ARGS__ })

/* Every read of @table: the listings, chains, and each chain's listing and stats. */
static void compare_reads(struct twin *tw, const char *table)
{
	char **v;
	size_t n;

	BOTH(tw, K_LIST, table);
	BOTH(tw, K_LIST_COUNTERS, table);
	BOTH(tw, K_LIST_CHAINS, table);
	if (iptables_list_chains(tw->lib, table, &v, &n))
		return;
	for (size_t i = 0; i < n; i++) {
		BOTH(tw, K_LIST, table, v[i]);
		BOTH(tw, K_STATS, table, v[i]);
	}
	iptables_strv_free(v, n);
}

/* ---- the corpus (tests/data) ---- */

struct spec {
	char *line, *table, *chain;
	char *words[MAX_WORDS + 1];
};

struct corpus {
	struct spec *v;
	size_t n;
};

/* Inside a user namespace (IPTC_ROOTLESS) only uid/gid 0 are mapped: the kernel refuses an
 * owner match on any other id, which the memory backend cannot know (check_diff skips the
 * same specs there). */
static bool kernel_refuses_here(char **w, int nw)
{
	if (!getenv("IPTC_ROOTLESS"))
		return false;
	for (int k = 0; k + 1 < nw; k++)
		if ((!strcmp(w[k], "--uid-owner") || !strcmp(w[k], "--gid-owner")) &&
		    strcmp(w[k + 1], "0"))
			return true;
	return false;
}

static void corpus_load(struct corpus *c, const char *name)
{
	const char *dir = getenv("IPTC_TEST_DATA");
	char path[512], *line = NULL, *w[MAX_WORDS + 2];
	size_t cap = 0;
	int nw;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "data", name);
	f = fopen(path, "r");
	ck_assert_msg(f, "cannot open %s (set IPTC_TEST_DATA)", path);
	memset(c, 0, sizeof(*c));
	while (getline(&line, &cap, f) > 0) {
		struct spec *s;

		if (line[0] == '#' || line[strspn(line, " \t\n")] == '\0')
			continue;
		nw = tsplit_words(line, w, MAX_WORDS + 2);
		ck_assert_msg(nw >= 3, "%s: bad line %s", path, line);
		if (kernel_refuses_here(w, nw)) {
			printf("rootless: skipping `%s` (the kernel refuses it here)\n", tchomp(line));
			for (int k = 0; k < nw; k++)
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
		for (int k = 2; k < nw; k++)
			s->words[k - 2] = w[k];
	}
	free(line);
	fclose(f);
}

static void corpus_free(struct corpus *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].line);
		free(c->v[i].table);
		free(c->v[i].chain);
		for (char **w = c->v[i].words; *w; w++)
			free(*w);
	}
	free(c->v);
}

#define SPEC(s) ((const char *const *)(s)->words)

static const char *const tables[] = { "filter", "nat", "mangle", "raw", "security" };
#define N_TABLES 5

static void twin_open(struct twin *tw, enum iptables_proto p)
{
	struct tcfg c = { "libiptc", IPTABLES_BACKEND_LIBIPTC, p, NULL, NULL };

	memset(tw, 0, sizeof(*tw));
	tns_enter();
	tw->lib = topen(&c);
	tw->mem = mopen(p);
}

static void twin_close(struct twin *tw, const char *what)
{
	iptables_free(tw->lib);
	iptables_free(tw->mem);
	printf("%s: %d steps compared, %d differences\n", what, tw->r.nsteps, tw->r.nfail);
	ck_assert_msg(tw->r.nfail == 0, "%s: %d difference(s) in %d steps:\n%s", what,
		      tw->r.nfail, tw->r.nsteps, tw->r.buf ? tw->r.buf : "");
	free(tw->r.buf);
}

/* The good corpus, table by table: add, read, find, add again uniquely, insert, replace,
 * delete, delete by number, flush, delete the chains. */
static void run_corpus(struct twin *tw, const struct corpus *cp)
{
	for (size_t t = 0; t < N_TABLES; t++) {
		const char *tb = tables[t];

		BOTH(tw, K_NEW_CHAIN, tb, "USER1");
		BOTH(tw, K_NEW_CHAIN, tb, "USER2");
		for (size_t i = 0; i < cp->n; i++)
			if (!strcmp(cp->v[i].table, tb))
				BOTH(tw, K_APPEND, tb, cp->v[i].chain, .spec = SPEC(&cp->v[i]));
		compare_reads(tw, tb);
		for (size_t i = 0; i < cp->n; i++) {
			if (strcmp(cp->v[i].table, tb))
				continue;
			BOTH(tw, K_EXISTS, tb, cp->v[i].chain, .spec = SPEC(&cp->v[i]));
			BOTH(tw, K_APPEND_UNIQUE, tb, cp->v[i].chain, .spec = SPEC(&cp->v[i]));
			BOTH(tw, K_INSERT_UNIQUE, tb, cp->v[i].chain, .pos = 1,
			     .spec = SPEC(&cp->v[i]));
			BOTH(tw, K_INSERT, tb, cp->v[i].chain, .pos = 2, .spec = SPEC(&cp->v[i]));
			BOTH(tw, K_REPLACE, tb, cp->v[i].chain, .pos = 1, .spec = SPEC(&cp->v[i]));
		}
		compare_reads(tw, tb);
		for (size_t i = 0; i < cp->n; i++) {
			if (strcmp(cp->v[i].table, tb))
				continue;
			BOTH(tw, K_DELETE, tb, cp->v[i].chain, .spec = SPEC(&cp->v[i]));
			BOTH(tw, K_DELETE_IF, tb, cp->v[i].chain, .spec = SPEC(&cp->v[i]));
			BOTH(tw, K_EXISTS, tb, cp->v[i].chain, .spec = SPEC(&cp->v[i]));
		}
		compare_reads(tw, tb);
		BOTH(tw, K_DELETE_NUM, tb, "USER1", .pos = 1);
		BOTH(tw, K_LIST_BY_ID, tb, "USER1", .pos = 1);
		BOTH(tw, K_DELETE_ALL, tb);
		BOTH(tw, K_CLEAR_ALL, tb);
		BOTH(tw, K_DELETE_ALL, tb);
		compare_reads(tw, tb);
	}
}

/* Bad specs: the same refusal, word for word, in every table they name. */
static void run_bad(struct twin *tw, const struct corpus *cp)
{
	for (size_t t = 0; t < N_TABLES; t++) {
		BOTH(tw, K_NEW_CHAIN, tables[t], "USER1");
		BOTH(tw, K_NEW_CHAIN, tables[t], "USER2");
	}
	for (size_t i = 0; i < cp->n; i++) {
		BOTH(tw, K_APPEND, cp->v[i].table, cp->v[i].chain, .spec = SPEC(&cp->v[i]));
		BOTH(tw, K_EXISTS, cp->v[i].table, cp->v[i].chain, .spec = SPEC(&cp->v[i]));
		BOTH(tw, K_DELETE, cp->v[i].table, cp->v[i].chain, .spec = SPEC(&cp->v[i]));
	}
	for (size_t t = 0; t < N_TABLES; t++)
		compare_reads(tw, tables[t]);
}

#define S(...) IPTABLES_SPEC(__VA_ARGS__)

/* Which rule -C and -D find: the same rule written otherwise, and rules that differ only in
 * what the delete mask leaves out or keeps. */
static void run_matching(struct twin *tw, bool v6)
{
	const char *a1 = v6 ? "2001:db8::1" : "192.0.2.1";
	const char *a1m = v6 ? "2001:db8::1/128" : "192.0.2.1/32";
	const char *const *const rules[] = {
		S("-p", "tcp", "--dport", "22", "-j", "ACCEPT"),
		S("-j", "ACCEPT"),
		S("-i", "eth+", "-j", "ACCEPT"),
		S("-m", "comment", "--comment", "one", "-j", "ACCEPT"),
		S("-m", "limit", "--limit", "5/min", "-j", "LOG", "--log-prefix", "x "),
		S("-m", "conntrack", "--ctstate", "NEW,ESTABLISHED", "-j", "ACCEPT"),
		S("-p", "udp", "-m", "multiport", "--dports", "53,67", "-j", "DROP"),
		S("-j", "ACCEPT", "-c", "5", "10"),
		S("-m", "mark", "--mark", "0x1/0xff", "-g", "M"),
		S("-j", "M"),
	};
	const char *const *const probes[] = {
		S("-p", "tcp", "-m", "tcp", "--dport", "22", "-j", "ACCEPT"),
		S("-j", "ACCEPT", "-p", "tcp", "--dport", "ssh"),
		S("-p", "tcp", "--dport", "23", "-j", "ACCEPT"),
		S("-p", "tcp", "--sport", "22", "-j", "ACCEPT"),
		S("-p", "all", "-j", "ACCEPT"),
		S("-j", "ACCEPT", "-c", "1", "2"),
		S("-i", "eth0", "-j", "ACCEPT"),
		S("-i", "eth+", "-j", "ACCEPT"),
		S("-m", "comment", "--comment", "two", "-j", "ACCEPT"),
		S("-m", "limit", "--limit", "5/min", "-j", "LOG", "--log-prefix", "x "),
		S("-m", "limit", "--limit", "5/min", "--limit-burst", "6", "-j", "LOG",
		  "--log-prefix", "x "),
		S("-m", "limit", "--limit", "5/min", "-j", "LOG", "--log-prefix", "y "),
		S("-m", "conntrack", "--ctstate", "ESTABLISHED,NEW", "-j", "ACCEPT"),
		S("-p", "udp", "-m", "multiport", "--dports", "53,67", "-j", "DROP"),
		S("-m", "mark", "--mark", "0x1/0xff", "-j", "M"),
		S("-m", "mark", "--mark", "0x1/0xff", "-g", "M"),
		S("-g", "M"),
		S("-j", "M"),
		S("-j", "DROP"),
	};
	size_t nr = sizeof(rules) / sizeof(rules[0]), np = sizeof(probes) / sizeof(probes[0]);

	BOTH(tw, K_NEW_CHAIN, "filter", "M");
	BOTH(tw, K_NEW_CHAIN, "filter", "R");
	for (size_t i = 0; i < nr; i++)
		BOTH(tw, K_APPEND, "filter", "R", .spec = rules[i]);
	BOTH(tw, K_APPEND, "filter", "R", .spec = S("-s", a1, "-d", a1m, "-j", "RETURN"));
	BOTH(tw, K_EXISTS, "filter", "R", .spec = S("-s", a1m, "-d", a1, "-j", "RETURN"));
	for (size_t i = 0; i < np; i++)
		BOTH(tw, K_EXISTS, "filter", "R", .spec = probes[i]);
	compare_reads(tw, "filter");
	for (size_t i = 0; i < np; i++)
		BOTH(tw, K_DELETE, "filter", "R", .spec = probes[i]);
	compare_reads(tw, "filter");
	if (!v6)
		BOTH(tw, K_APPEND, "filter", "R", .spec = S("-f", "-j", "DROP"));
	BOTH(tw, K_EXISTS, "filter", "R", .spec = S("-j", "DROP"));
	BOTH(tw, K_INSERT, "filter", "R", .pos = 1, .spec = S("-p", "all", "-j", "DROP"));
	BOTH(tw, K_DELETE, "filter", "R", .spec = S("-j", "DROP"));
	BOTH(tw, K_DELETE, "filter", "R", .spec = S("-j", "DROP"));
	BOTH(tw, K_LIST_BY_ID, "filter", "R", .pos = 1);
	BOTH(tw, K_LIST_BY_ID, "filter", "R", .pos = 2);
	BOTH(tw, K_LIST_BY_ID, "filter", "R", .pos = 40);
	BOTH(tw, K_LIST_BY_ID, "filter", "NOPE", .pos = 1);
	compare_reads(tw, "filter");
	BOTH(tw, K_CLEAR_CHAIN, "filter", "R");
	BOTH(tw, K_DELETE_CHAIN, "filter", "M");
	BOTH(tw, K_DELETE_ALL, "filter");
}

/* Chains, policies, positions, references, kernel refusals: the error paths. */
static void run_errors(struct twin *tw, bool v6)
{
	const char *a1 = v6 ? "2001:db8::1" : "192.0.2.1", *a2 = v6 ? "2001:db8::2" : "192.0.2.2";
	const char *both_addrs = v6 ? "2001:db8::1,2001:db8::2" : "192.0.2.1,192.0.2.2";

	BOTH(tw, K_LIST, "nosuchtable");
	BOTH(tw, K_APPEND, "nosuchtable", "INPUT", .spec = S("-j", "ACCEPT"));
	BOTH(tw, K_CHAIN_EXISTS, "nosuchtable", "INPUT");
	BOTH(tw, K_EXISTS, "nosuchtable", "INPUT", .spec = S("-j", "ACCEPT"));
	BOTH(tw, K_LIST, "filter", "NOPE");
	BOTH(tw, K_STATS, "filter", "NOPE");
	BOTH(tw, K_LIST_BY_ID, "filter", "INPUT", .pos = 1);
	BOTH(tw, K_CHAIN_EXISTS, "filter", "NOPE");
	BOTH(tw, K_CHAIN_EXISTS, "filter", "ACCEPT");
	BOTH(tw, K_EXISTS, "filter", "NOPE", .spec = S("-j", "ACCEPT"));
	BOTH(tw, K_APPEND, "filter", "NOPE", .spec = S("-j", "ACCEPT"));
	BOTH(tw, K_APPEND_UNIQUE, "filter", "NOPE", .spec = S("-j", "ACCEPT"));
	BOTH(tw, K_INSERT, "filter", "NOPE", .pos = 1, .spec = S("-j", "ACCEPT"));
	BOTH(tw, K_REPLACE, "filter", "NOPE", .pos = 1, .spec = S("-j", "ACCEPT"));
	BOTH(tw, K_DELETE, "filter", "NOPE", .spec = S("-j", "ACCEPT"));
	BOTH(tw, K_DELETE_IF, "filter", "NOPE", .spec = S("-j", "ACCEPT"));
	BOTH(tw, K_DELETE_NUM, "filter", "NOPE", .pos = 1);
	BOTH(tw, K_DELETE_NUM, "filter", "INPUT", .pos = 1);
	BOTH(tw, K_INSERT, "filter", "INPUT", .pos = 2, .spec = S("-j", "ACCEPT"));
	BOTH(tw, K_REPLACE, "filter", "INPUT", .pos = 1, .spec = S("-j", "ACCEPT"));
	BOTH(tw, K_INSERT, "filter", "INPUT", .pos = 0, .spec = S("-j", "ACCEPT"));
	BOTH(tw, K_INSERT, "filter", "INPUT", .pos = 1, .spec = S("-s", both_addrs, "-j", "DROP"));
	BOTH(tw, K_INSERT, "filter", "INPUT", .pos = 3, .spec = S("-s", a1, "-j", "ACCEPT"));
	BOTH(tw, K_INSERT, "filter", "INPUT", .pos = 5, .spec = S("-s", a1, "-j", "ACCEPT"));
	BOTH(tw, K_REPLACE, "filter", "INPUT", .pos = 1, .spec = S("-s", both_addrs, "-j", "DROP"));
	BOTH(tw, K_REPLACE, "filter", "INPUT", .pos = 2, .spec = S("-d", a2, "-j", "RETURN"));
	BOTH(tw, K_DELETE, "filter", "INPUT", .spec = S("-s", both_addrs, "-j", "DROP"));
	BOTH(tw, K_DELETE, "filter", "INPUT", .spec = S("-s", both_addrs, "-j", "DROP"));
	BOTH(tw, K_EXISTS, "filter", "INPUT", .spec = S("-d", a2, "-j", "RETURN"));
	BOTH(tw, K_EXISTS, "filter", "INPUT", .spec = S("-d", a2, "-j", "DROP"));
	BOTH(tw, K_APPEND, "filter", "INPUT", .spec = S("-p", "tcp", "-j", "ACCEPT", "-c", "7", "99"));
	BOTH(tw, K_LIST_COUNTERS, "filter", "INPUT");
	BOTH(tw, K_LIST_BY_ID, "filter", "INPUT", .pos = 9);
	/* chains */
	BOTH(tw, K_NEW_CHAIN, "filter", "ACCEPT");
	BOTH(tw, K_NEW_CHAIN, "filter", "LOG");
	BOTH(tw, K_NEW_CHAIN, "filter", "INPUT");
	BOTH(tw, K_NEW_CHAIN, "filter", "zeta");
	BOTH(tw, K_NEW_CHAIN, "filter", "Alpha");
	BOTH(tw, K_NEW_CHAIN, "filter", "alpha");
	BOTH(tw, K_NEW_CHAIN, "filter", "alpha");
	BOTH(tw, K_NEW_CHAIN, "filter", "a-very-long-chain-name-of-28");
	BOTH(tw, K_CLEAR_CHAIN, "filter", "made-by-clear");
	BOTH(tw, K_CLEAR_CHAIN, "filter", "DROP");
	BOTH(tw, K_APPEND, "filter", "INPUT", .spec = S("-j", "alpha"));
	BOTH(tw, K_APPEND, "filter", "alpha", .spec = S("-j", "zeta"));
	BOTH(tw, K_APPEND, "filter", "zeta", .spec = S("-j", "alpha"));
	BOTH(tw, K_APPEND, "filter", "zeta", .spec = S("-g", "Alpha"));
	BOTH(tw, K_APPEND, "filter", "zeta", .spec = S("-j", "INPUT"));
	BOTH(tw, K_APPEND, "filter", "zeta", .spec = S("-j", "zeta"));
	BOTH(tw, K_APPEND, "filter", "zeta", .spec = S("-j", "nosuchchain"));
	BOTH(tw, K_APPEND, "filter", "Alpha", .spec = S("-m", "owner", "--uid-owner", "0"));
	BOTH(tw, K_APPEND, "filter", "OUTPUT", .spec = S("-j", "Alpha"));
	BOTH(tw, K_APPEND, "filter", "FORWARD", .spec = S("-j", "Alpha"));
	BOTH(tw, K_DELETE_CHAIN, "filter", "alpha");
	BOTH(tw, K_DELETE_CHAIN, "filter", "zeta");
	BOTH(tw, K_DELETE_CHAIN, "filter", "INPUT");
	BOTH(tw, K_DELETE_CHAIN, "filter", "NOPE");
	BOTH(tw, K_CLEAR_DELETE, "filter", "alpha");
	BOTH(tw, K_CLEAR_DELETE, "filter", "NOPE");
	BOTH(tw, K_RENAME, "filter", "alpha", .arg = "zeta");
	BOTH(tw, K_RENAME, "filter", "alpha", .arg = "RETURN");
	BOTH(tw, K_RENAME, "filter", "INPUT", .arg = "newname");
	BOTH(tw, K_RENAME, "filter", "NOPE", .arg = "newname");
	BOTH(tw, K_RENAME, "filter", "alpha", .arg = "omega");
	BOTH(tw, K_EXISTS, "filter", "INPUT", .spec = S("-j", "omega"));
	BOTH(tw, K_DELETE, "filter", "INPUT", .spec = S("-j", "alpha"));
	compare_reads(tw, "filter");
	BOTH(tw, K_DELETE_ALL, "filter");
	BOTH(tw, K_CLEAR_CHAIN, "filter", "omega");
	BOTH(tw, K_DELETE_ALL, "filter");
	BOTH(tw, K_CLEAR_ALL, "filter");
	BOTH(tw, K_DELETE_ALL, "filter");
	/* policies */
	BOTH(tw, K_POLICY, "filter", "INPUT", .arg = "DROP");
	BOTH(tw, K_POLICY, "filter", "INPUT", .arg = "RETURN");
	BOTH(tw, K_POLICY, "filter", "INPUT", .arg = "QUEUE");
	BOTH(tw, K_POLICY, "filter", "NOPE", .arg = "DROP");
	BOTH(tw, K_NEW_CHAIN, "filter", "user");
	BOTH(tw, K_POLICY, "filter", "user", .arg = "DROP");
	BOTH(tw, K_POLICY, "nat", "POSTROUTING", .arg = "DROP");
	BOTH(tw, K_POLICY, "raw", "PREROUTING", .arg = "DROP");
	compare_reads(tw, "filter");
	compare_reads(tw, "nat");
	/* kernel refusals */
	BOTH(tw, K_APPEND, "filter", "INPUT", .spec = S("-j", "MASQUERADE"));
	BOTH(tw, K_APPEND, "nat", "PREROUTING", .spec = S("-j", "MASQUERADE"));
	BOTH(tw, K_APPEND, "filter", "INPUT", .spec = S("-m", "tcp", "--dport", "22"));
	BOTH(tw, K_APPEND, "filter", "INPUT", .spec = S("-p", "udp", "-j", "REJECT",
							"--reject-with", "tcp-reset"));
	BOTH(tw, K_APPEND, "filter", "INPUT", .spec = S("-m", "owner", "--uid-owner", "0"));
	BOTH(tw, K_APPEND, "filter", "OUTPUT", .spec = S("-m", "mac", "--mac-source",
							 "00:11:22:33:44:55"));
	BOTH(tw, K_APPEND, "mangle", "INPUT", .spec = S("-p", "tcp", "--syn", "-j", "TCPMSS",
							"--clamp-mss-to-pmtu"));
	BOTH(tw, K_APPEND, "mangle", "FORWARD", .spec = S("-p", "tcp", "-j", "TCPMSS",
							  "--set-mss", "1400"));
	BOTH(tw, K_APPEND, "raw", "PREROUTING", .spec = S("-j", "CT", "--helper", "ftp"));
	BOTH(tw, K_APPEND, "raw", "PREROUTING", .spec = S("-p", "udp", "-j", "CT", "--helper",
							  "ftp"));
	BOTH(tw, K_APPEND, "raw", "PREROUTING", .spec = S("-p", "tcp", "-j", "CT", "--helper",
							  "ftp"));
	BOTH(tw, K_APPEND, "filter", "INPUT", .spec = S("-m", "policy", "--dir", "out", "--pol",
							"none"));
	BOTH(tw, K_APPEND, "filter", "OUTPUT", .spec = S("-m", "addrtype", "--src-type", "LOCAL",
							 "--limit-iface-in"));
	BOTH(tw, K_APPEND, "security", "INPUT", .spec = S("-j", "DNAT", "--to-destination",
							  v6 ? "[2001:db8::1]" : "192.0.2.1"));
	compare_reads(tw, "raw");
	compare_reads(tw, "mangle");
	run_matching(tw, v6);
}

/* Transactions: reads inside see the pending ops, commit is all or nothing. */
static void run_txn(struct twin *tw)
{
	BOTH(tw, K_BEGIN);
	BOTH(tw, K_BEGIN);
	BOTH(tw, K_NEW_CHAIN, "filter", "T");
	BOTH(tw, K_APPEND, "filter", "T", .spec = S("-p", "tcp", "--dport", "80", "-j", "ACCEPT"));
	BOTH(tw, K_APPEND, "filter", "INPUT", .spec = S("-j", "T"));
	BOTH(tw, K_APPEND, "nat", "POSTROUTING", .spec = S("-j", "MASQUERADE"));
	BOTH(tw, K_CHAIN_EXISTS, "filter", "T");
	BOTH(tw, K_EXISTS, "filter", "T", .spec = S("-p", "tcp", "--dport", "80", "-j", "ACCEPT"));
	BOTH(tw, K_EXISTS, "filter", "INPUT", .spec = S("-j", "T"));
	compare_reads(tw, "filter");
	compare_reads(tw, "nat");
	BOTH(tw, K_COMMIT);
	compare_reads(tw, "filter");
	compare_reads(tw, "nat");
	BOTH(tw, K_COMMIT);

	/* a failing op at commit: nothing applied */
	BOTH(tw, K_BEGIN);
	BOTH(tw, K_NEW_CHAIN, "filter", "U");
	BOTH(tw, K_APPEND, "mangle", "PREROUTING", .spec = S("-j", "MARK", "--set-mark", "1"));
	BOTH(tw, K_DELETE_CHAIN, "filter", "T");
	BOTH(tw, K_LIST, "filter");
	BOTH(tw, K_COMMIT);
	compare_reads(tw, "filter");
	compare_reads(tw, "mangle");

	/* a kernel refusal at commit: nothing applied */
	BOTH(tw, K_BEGIN);
	BOTH(tw, K_APPEND, "mangle", "PREROUTING", .spec = S("-j", "MARK", "--set-mark", "1"));
	BOTH(tw, K_APPEND, "filter", "T", .spec = S("-j", "MASQUERADE"));
	BOTH(tw, K_COMMIT);
	compare_reads(tw, "filter");
	compare_reads(tw, "mangle");

	/* a bad spec while logging fails the whole transaction */
	BOTH(tw, K_BEGIN);
	BOTH(tw, K_NEW_CHAIN, "filter", "V");
	BOTH(tw, K_APPEND, "filter", "V", .spec = S("--nosuchoption"));
	BOTH(tw, K_NEW_CHAIN, "filter", "LOG");
	BOTH(tw, K_REPLACE, "filter", "INPUT", .pos = 1, .spec = S("-s", "0/0,0/0"));
	BOTH(tw, K_COMMIT);
	compare_reads(tw, "filter");

	/* a jump to a chain made earlier in the same transaction; rollback */
	BOTH(tw, K_BEGIN);
	BOTH(tw, K_APPEND, "filter", "INPUT", .spec = S("-j", "W"));
	BOTH(tw, K_NEW_CHAIN, "filter", "W");
	BOTH(tw, K_APPEND, "filter", "INPUT", .spec = S("-j", "W"));
	BOTH(tw, K_LIST, "filter");
	BOTH(tw, K_ROLLBACK);
	BOTH(tw, K_BEGIN);
	BOTH(tw, K_NEW_CHAIN, "filter", "W");
	BOTH(tw, K_APPEND, "filter", "INPUT", .spec = S("-j", "W"));
	BOTH(tw, K_RENAME, "filter", "W", .arg = "W2");
	BOTH(tw, K_POLICY, "filter", "OUTPUT", .arg = "DROP");
	BOTH(tw, K_COMMIT);
	compare_reads(tw, "filter");
	BOTH(tw, K_ROLLBACK);
}

static void run_family(bool v6, const char *what)
{
	struct twin tw;
	struct corpus good, bad;

	corpus_load(&good, v6 ? "rulespecs-v6.txt" : "rulespecs-v4.txt");
	corpus_load(&bad, v6 ? "badspecs-v6.txt" : "badspecs-v4.txt");
	twin_open(&tw, v6 ? IPTABLES_IPV6 : IPTABLES_IPV4);
	if (!strcmp(what, "corpus"))
		run_corpus(&tw, &good);
	else if (!strcmp(what, "bad"))
		run_bad(&tw, &bad);
	else if (!strcmp(what, "errors"))
		run_errors(&tw, v6);
	else
		run_txn(&tw);
	twin_close(&tw, what);
	corpus_free(&good);
	corpus_free(&bad);
}

static const char *const parts[] = { "corpus", "bad", "errors", "txn" };

START_TEST(test_equivalence_v4)
{
	run_family(false, parts[_i]);
}
END_TEST

START_TEST(test_equivalence_v6)
{
	run_family(true, parts[_i]);
}
END_TEST

/* The equivalence tests need a namespace of their own for libiptc; the unit tests do not. */
static bool can_unshare_net(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(unshare(CLONE_NEWNET) == 0 ? 0 : 1);
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

Suite *tsuite(void)
{
	Suite *s = suite_create("memory_backend");
	TCase *unit = tcase_create("unit");
	TCase *eq;

	setenv("CK_MAX_MSG_SIZE", "32768", 0);
	tcase_set_timeout(unit, ttimeout(30));
	tcase_add_loop_test(unit, test_fresh_tables, 0, 2);
	tcase_add_test(unit, test_handles_are_separate);
	tcase_add_test(unit, test_rules);
	tcase_add_test(unit, test_chains);
	tcase_add_test(unit, test_kernel_model);
	tcase_add_test(unit, test_transactions);
	suite_add_tcase(s, unit);
	if (!can_unshare_net()) {
		printf("no network namespace here: equivalence with libiptc not tested\n");
		return s;
	}
	eq = tcase_create("equivalence");
	tcase_set_timeout(eq, ttimeout(120));
	tcase_add_loop_test(eq, test_equivalence_v4, 0, 4);
	tcase_add_loop_test(eq, test_equivalence_v6, 0, 4);
	suite_add_tcase(s, eq);
	return s;
}
