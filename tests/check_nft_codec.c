/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The nf_tables rule codec against the real iptables-nft 1.8.9, in a fresh network
 * namespace per test: every corpus rulespec is added by `iptables-nft -A` (ip6tables-nft for
 * IPv6), the kernel's rules are dumped here over netlink, and for each rule
 *   (i)   ic_nft_encode of the parsed spec gives the expressions the kernel holds,
 *   (ii)  ic_xt_format_rule(ic_nft_decode(kernel rule)) is the `-S` line of iptables-nft,
 *   (iii) ic_nft_rule_same finds the kernel rule for the spec (what -C / -D do).
 * Specs iptables-nft itself refuses are skipped and named. Then rules other writers leave:
 * 1.8.7's compat tcp match (sent here in a batch of our own) and nft's comment.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/xt_tcpudp.h>

#include "nft/nft.h"
#include "xt/xt.h"
#include "nft_corpus.h"

static struct ic_err e;

/* ---- netlink: dump a table's rules, send one rule ---- */

struct rule_list {
	struct nftnl_rule **v;
	size_t n;
};

static int rule_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rule_list *l = data;
	struct nftnl_rule *r;

	/* libnftnl exits on a message of another type: parse NEWRULE only */
	if (NFNL_MSG_TYPE(nlh->nlmsg_type) != NFT_MSG_NEWRULE)
		return MNL_CB_OK;
	r = nftnl_rule_alloc();
	ck_assert(r);
	ck_assert_int_eq(nftnl_rule_nlmsg_parse(nlh, r), 0);
	l->v = realloc(l->v, (l->n + 1) * sizeof(*l->v));
	ck_assert(l->v);
	l->v[l->n++] = r;
	return MNL_CB_OK;
}

static struct mnl_socket *nl_open(void)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);

	ck_assert(nl);
	ck_assert_int_eq(mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID), 0);
	return nl;
}

static void dump_rules(uint8_t family, const char *table, struct rule_list *out)
{
	static char buf[1 << 17];
	struct mnl_socket *nl = nl_open();
	uint32_t seq = (uint32_t)time(NULL), portid = mnl_socket_get_portid(nl);
	struct nftnl_rule *filter = nftnl_rule_alloc();
	struct nlmsghdr *nlh;
	ssize_t n;
	int ret;

	memset(out, 0, sizeof(*out));
	ck_assert(filter);
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETRULE, family, NLM_F_DUMP, seq);
	nftnl_rule_set_str(filter, NFTNL_RULE_TABLE, table);
	nftnl_rule_nlmsg_build_payload(nlh, filter);
	nftnl_rule_free(filter);
	ck_assert(mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) >= 0);
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		ck_assert_msg(n >= 0, "recv: %s", strerror(errno));
		ret = mnl_cb_run(buf, n, seq, portid, rule_cb, out);
		ck_assert_msg(ret >= 0, "dump of %s: %s", table, strerror(errno));
	} while (ret > 0);
	mnl_socket_close(nl);
}

static void rules_free(struct rule_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		nftnl_rule_free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* One NEWRULE (append) in a batch, acknowledged; 0 or -errno. */
static int send_rule(struct nftnl_rule *r)
{
	static char buf[1 << 16];
	struct mnl_socket *nl = nl_open();
	uint32_t seq = (uint32_t)time(NULL), rule_seq, portid = mnl_socket_get_portid(nl);
	struct mnl_nlmsg_batch *b = mnl_nlmsg_batch_start(buf, sizeof(buf));
	struct nlmsghdr *nlh;
	ssize_t n;
	int ret;

	nftnl_batch_begin(mnl_nlmsg_batch_current(b), seq++);
	mnl_nlmsg_batch_next(b);
	rule_seq = seq;
	nlh = nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(b), NFT_MSG_NEWRULE,
				    nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY),
				    NLM_F_APPEND | NLM_F_CREATE | NLM_F_ACK, seq++);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	mnl_nlmsg_batch_next(b);
	nftnl_batch_end(mnl_nlmsg_batch_current(b), seq++);
	mnl_nlmsg_batch_next(b);
	ck_assert(mnl_socket_sendto(nl, mnl_nlmsg_batch_head(b), mnl_nlmsg_batch_size(b)) >= 0);
	mnl_nlmsg_batch_stop(b);
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	ck_assert(n >= 0);
	ret = mnl_cb_run(buf, n, rule_seq, portid, NULL, NULL);
	ret = ret < 0 ? -errno : 0;
	mnl_socket_close(nl);
	return ret;
}

/* ---- per chain cursors over the -S lines and the kernel's rules ---- */

struct lines {
	char **v;
	size_t n;
};

static void lines_split(struct lines *l, char *text)
{
	char *save = NULL, *s;

	memset(l, 0, sizeof(*l));
	for (s = strtok_r(text, "\n", &save); s; s = strtok_r(NULL, "\n", &save)) {
		if (strncmp(s, "-A ", 3))
			continue;
		l->v = realloc(l->v, (l->n + 1) * sizeof(*l->v));
		ck_assert(l->v);
		l->v[l->n++] = s;
	}
}

/* The @k-th (from 0) "-A @chain ..." line, or NULL. */
static const char *line_of(const struct lines *l, const char *chain, size_t k)
{
	size_t len = strlen(chain);

	for (size_t i = 0; i < l->n; i++)
		if (!strncmp(l->v[i] + 3, chain, len) && l->v[i][3 + len] == ' ' && k-- == 0)
			return l->v[i];
	return NULL;
}

static struct nftnl_rule *rule_of(const struct rule_list *l, const char *chain, size_t k)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(nftnl_rule_get_str(l->v[i], NFTNL_RULE_CHAIN), chain) && k-- == 0)
			return l->v[i];
	return NULL;
}

struct chain_seen {
	char name[64];
	size_t used;
};

/* How many rules of @chain the specs before took; then take @n more. */
static size_t take(struct chain_seen *seen, size_t *nseen, const char *chain, size_t n)
{
	size_t i, before;

	for (i = 0; i < *nseen; i++)
		if (!strcmp(seen[i].name, chain))
			break;
	if (i == *nseen) {
		ck_assert(*nseen < 32);
		snprintf(seen[i].name, sizeof(seen[i].name), "%s", chain);
		seen[i].used = 0;
		(*nseen)++;
	}
	before = seen[i].used;
	seen[i].used += n;
	return before;
}

/* ---- the corpus ---- */

struct tally {
	size_t rules, enc_same, dec_same, cmp_same, skipped, diverged;
	struct nc_buf report, skips, divergences;
};

static void report(struct nc_buf *b, const struct nc_spec *s, const char *what,
		   const char *want, const char *got)
{
	char head[1024];

	snprintf(head, sizeof(head), "\n%s:%d `%s': %s", s->file, s->lineno, s->line, what);
	nc_buf_add(b, head);
	if (want) {
		nc_buf_add(b, "\n  want: ");
		nc_buf_add(b, want);
		nc_buf_add(b, "\n  got:  ");
		nc_buf_add(b, got);
	}
}

static const char *cli_of(int fam)
{
	return fam == 6 ? "ip6tables-nft" : "iptables-nft";
}

/*
 * The one known divergence: ip6tables-nft 1.8.9 drops `-c P B` (ipv6_post_parse never
 * copies the counters into the rule it encodes), where ic_nft_encode keeps them, as
 * iptables-nft does. Such rules are compared with our counters zeroed, and listed.
 */
static bool counters_dropped_by_cli(uint8_t nfproto, const struct ic_rule *r)
{
	return nfproto == NFPROTO_IPV6 && (r->pcnt || r->bcnt);
}

static char *exprs_as_cli(uint8_t nfproto, const struct nc_spec *s, const struct ic_rule *r,
			  struct tally *t)
{
	struct nftnl_rule *nr;
	struct ic_rule z = *r;
	char *text;

	if (counters_dropped_by_cli(nfproto, r)) {
		z.pcnt = z.bcnt = 0;
		t->diverged++;
		report(&t->divergences, s, "counters dropped by ip6tables-nft", NULL, NULL);
	}
	ck_assert_msg(ic_nft_encode(nfproto, s->table, s->chain, &z, &nr, &e) == 0, "%s", e.msg);
	text = nc_exprs(nr);
	nftnl_rule_free(nr);
	return text;
}

static void compare_rule(uint8_t nfproto, const struct nc_spec *s, const struct ic_rule *r,
			 const struct nftnl_rule *kr, const char *sline, struct tally *t)
{
	struct nftnl_rule *mine = NULL;
	struct ic_rule dk, dm;
	char *ek, *em, *line = NULL;
	bool dk_ok;

	t->rules++;
	ck_assert_msg(ic_nft_encode(nfproto, s->table, s->chain, r, &mine, &e) == 0, "%s", e.msg);
	ek = nc_exprs(kr);
	em = exprs_as_cli(nfproto, s, r, t);
	if (!strcmp(ek, em))
		t->enc_same++;
	else
		report(&t->report, s, "expressions differ", ek, em);
	dk_ok = ic_nft_decode(nfproto, kr, &dk, &e) == 0;
	if (!dk_ok) {
		report(&t->report, s, "decode failed: ", NULL, NULL);
		nc_buf_add(&t->report, e.msg);
		memset(&e, 0, sizeof(e));
	} else if (ic_xt_format_rule(nfproto, IC_NFT_MODE, s->chain, &dk, false, &line, &e)) {
		report(&t->report, s, "format failed", NULL, NULL);
	} else if (sline && !strcmp(line, sline)) {
		t->dec_same++;
	} else {
		report(&t->report, s, "-S differs", sline ? sline : "(no line)", line);
	}
	ck_assert_msg(ic_nft_decode(nfproto, mine, &dm, &e) == 0, "%s", e.msg);
	if (dk_ok && ic_nft_rule_same(nfproto, &dk, &dm))
		t->cmp_same++;
	else if (dk_ok)
		report(&t->report, s, "-C would not find the kernel's rule", NULL, NULL);
	ic_rule_free(&dm);
	if (dk_ok)
		ic_rule_free(&dk);
	free(line);
	free(ek);
	free(em);
	nftnl_rule_free(mine);
}

/* Add every spec of @table with the CLI, one shell; statuses into @st. */
static void cli_add_all(int fam, const struct nc_corpus *c, const char *table, int *st)
{
	struct nc_buf script = { 0 };
	char *out = NULL, *p, *q;
	size_t i, k = 0;

	nc_buf_add(&script, "");
	for (i = 0; i < c->n; i++) {
		char *words, cmd[8192];

		if (strcmp(c->v[i].table, table))
			continue;
		words = tshjoin((const char *const *)c->v[i].words);
		snprintf(cmd, sizeof(cmd), "%s -t %s -A %s %s >/dev/null 2>&1; echo $?\n",
			 cli_of(fam), table, c->v[i].chain, words);
		nc_buf_add(&script, cmd);
		free(words);
	}
	tsh(&out, NULL, "%s", script.s);
	for (p = out, i = 0; i < c->n; i++) {
		if (strcmp(c->v[i].table, table))
			continue;
		st[i] = (int)strtol(p, &q, 10);
		ck_assert_msg(q != p, "no status for spec %zu", i);
		p = q;
		k++;
	}
	free(out);
	free(script.s);
}

static void run_table(int fam, const struct nc_corpus *c, const char *table, struct tally *t)
{
	uint8_t nfproto = fam == 6 ? NFPROTO_IPV6 : NFPROTO_IPV4;
	const struct ic_parse_req base = {
		.nfproto = nfproto, .mode = IC_NFT_MODE, .table = table,
		.compat_rev = nc_compat_rev_yes,
	};
	struct chain_seen seen[32];
	size_t nseen = 0;
	int *st = calloc(c->n, sizeof(int));
	struct rule_list kernel;
	struct lines sl;
	char *save = NULL;

	ck_assert(st);
	tsh(NULL, NULL, "%s -t %s -N USER1 && %s -t %s -N USER2", cli_of(fam), table,
	    cli_of(fam), table);
	cli_add_all(fam, c, table, st);
	ck_assert_int_eq(tsh(&save, NULL, "%s -t %s -S", cli_of(fam), table), 0);
	lines_split(&sl, save);
	dump_rules(nfproto, table, &kernel);
	for (size_t i = 0; i < c->n; i++) {
		const struct nc_spec *s = &c->v[i];
		struct ic_parse_req req = base;
		struct ic_rules rs;
		size_t first;

		if (strcmp(s->table, table))
			continue;
		if (st[i]) {
			t->skipped++;
			report(&t->skips, s, "refused by iptables-nft", NULL, NULL);
			continue;
		}
		req.chain = s->chain;
		req.spec = (const char *const *)s->words;
		ck_assert_msg(ic_xt_parse(&req, &rs, &e) == 0, "line %d: %s", s->lineno, e.msg);
		first = take(seen, &nseen, s->chain, rs.n);
		for (size_t k = 0; k < rs.n; k++) {
			const struct nftnl_rule *kr = rule_of(&kernel, s->chain, first + k);

			ck_assert_msg(kr, "line %d: kernel rule %zu of %s missing", s->lineno,
				      first + k, s->chain);
			compare_rule(nfproto, s, &rs.v[k], kr,
				     line_of(&sl, s->chain, first + k), t);
		}
		ic_rules_free(&rs);
	}
	rules_free(&kernel);
	free(sl.v);
	free(save);
	free(st);
}

START_TEST(corpus_against_cli)
{
	static const char *const tables[] = { "filter", "nat", "mangle", "raw" };
	int fam = _i ? 6 : 4;
	struct tally t = { 0 };
	struct nc_corpus c;

	nc_buf_add(&t.report, "");
	nc_buf_add(&t.skips, "");
	nc_buf_add(&t.divergences, "");
	nc_load_all(&c, fam);
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		run_table(fam, &c, tables[i], &t);
	nc_free(&c);
	fprintf(stderr, "check_nft_codec IPv%d: %zu rules; expressions equal %zu, -S equal %zu, "
		"-C equal %zu; %zu specs refused by %s:%s\n%zu known divergences:%s\n", fam,
		t.rules, t.enc_same, t.dec_same, t.cmp_same, t.skipped, cli_of(fam), t.skips.s,
		t.diverged, t.divergences.s);
	ck_assert_msg(t.enc_same == t.rules && t.dec_same == t.rules && t.cmp_same == t.rules,
		      "IPv%d: of %zu rules, %zu encode, %zu decode, %zu compare as iptables-nft:%s",
		      fam, t.rules, t.enc_same, t.dec_same, t.cmp_same, t.report.s);
	ck_assert_uint_gt(t.rules, 90);
	free(t.report.s);
	free(t.skips.s);
	free(t.divergences.s);
}
END_TEST

/* ---- rules other writers leave ---- */

/* The one rule of filter @chain, decoded and printed; *rc the decoder's code. */
static char *decode_only_rule(uint8_t nfproto, const char *chain, int *rc)
{
	struct rule_list l;
	struct nftnl_rule *kr;
	struct ic_rule d;
	char *line = NULL;

	dump_rules(nfproto, "filter", &l);
	kr = rule_of(&l, chain, 0);
	ck_assert_msg(kr, "no rule in %s", chain);
	*rc = ic_nft_decode(nfproto, kr, &d, &e);
	if (!*rc) {
		ck_assert_int_eq(ic_xt_format_rule(nfproto, IC_NFT_MODE, chain, &d, false, &line,
						   &e), 0);
		ic_rule_free(&d);
	}
	rules_free(&l);
	return line;
}

static char *cli_rule_line(const char *chain)
{
	char *out = NULL;
	const char *line;
	struct lines l;
	char *dup;

	ck_assert_int_eq(tsh(&out, NULL, "iptables-nft -S %s", chain), 0);
	lines_split(&l, out);
	line = line_of(&l, chain, 0);
	ck_assert_msg(line, "no -A line for %s", chain);
	dup = strdup(line);
	free(l.v);
	free(out);
	return dup;
}

static void add_expr_l4proto(struct nftnl_rule *r, uint8_t proto)
{
	struct nftnl_expr *x = nftnl_expr_alloc("meta");

	nftnl_expr_set_u32(x, NFTNL_EXPR_META_KEY, NFT_META_L4PROTO);
	nftnl_expr_set_u32(x, NFTNL_EXPR_META_DREG, NFT_REG_1);
	nftnl_rule_add_expr(r, x);
	x = nftnl_expr_alloc("cmp");
	nftnl_expr_set_u32(x, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
	nftnl_expr_set_u8(x, NFTNL_EXPR_CMP_DATA, proto);
	nftnl_rule_add_expr(r, x);
}

/* `-A OLD -p tcp --dport 80 -j ACCEPT` the way iptables-nft 1.8.7 sent it. */
static struct nftnl_rule *rule_1_8_7(void)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct xt_tcp *tcp = calloc(1, XT_ALIGN(sizeof(*tcp)));
	struct nftnl_expr *x;

	ck_assert(r && tcp);
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_IPV4);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, "filter");
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, "OLD");
	nftnl_rule_set_u32(r, NFTNL_RULE_COMPAT_PROTO, IPPROTO_TCP);
	nftnl_rule_set_u32(r, NFTNL_RULE_COMPAT_FLAGS, 0);
	add_expr_l4proto(r, IPPROTO_TCP);
	tcp->spts[1] = 0xffff;
	tcp->dpts[0] = tcp->dpts[1] = 80;
	x = nftnl_expr_alloc("match");
	nftnl_expr_set_str(x, NFTNL_EXPR_MT_NAME, "tcp");
	nftnl_expr_set_u32(x, NFTNL_EXPR_MT_REV, 0);
	nftnl_expr_set(x, NFTNL_EXPR_MT_INFO, tcp, XT_ALIGN(sizeof(*tcp)));	/* owned */
	nftnl_rule_add_expr(r, x);
	nftnl_rule_add_expr(r, nftnl_expr_alloc("counter"));
	x = nftnl_expr_alloc("immediate");
	nftnl_expr_set_u32(x, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(x, NFTNL_EXPR_IMM_VERDICT, NF_ACCEPT);
	nftnl_rule_add_expr(r, x);
	return r;
}

START_TEST(old_compat_tcp)
{
	struct nftnl_rule *old = rule_1_8_7();
	char *line, *cli;
	int rc;

	ck_assert_int_eq(tsh(NULL, NULL, "iptables-nft -N OLD"), 0);
	ck_assert_int_eq(send_rule(old), 0);
	nftnl_rule_free(old);
	line = decode_only_rule(NFPROTO_IPV4, "OLD", &rc);
	ck_assert_msg(rc == 0, "%s", e.msg);
	cli = cli_rule_line("OLD");
	ck_assert_str_eq(line, "-A OLD -p tcp -m tcp --dport 80 -j ACCEPT");
	ck_assert_str_eq(line, cli);
	/* iptables-nft -C finds it too, as the unit suite's ic_nft_rule_same does */
	ck_assert_int_eq(tsh(NULL, NULL, "iptables-nft -C OLD -p tcp --dport 80 -j ACCEPT"), 0);
	free(line);
	free(cli);
}
END_TEST

START_TEST(nft_comment)
{
	char *line, *cli;
	int rc;

	ck_assert_int_eq(tsh(NULL, NULL, "iptables-nft -N C && nft add rule ip filter C "
				     "counter accept comment '\"from nft\"'"), 0);
	line = decode_only_rule(NFPROTO_IPV4, "C", &rc);
	ck_assert_msg(rc == 0, "%s", e.msg);
	cli = cli_rule_line("C");
	ck_assert_str_eq(line, "-A C -m comment --comment \"from nft\" -j ACCEPT");
	ck_assert_str_eq(line, cli);
	free(line);
	free(cli);
}
END_TEST

/* A rule iptables-nft calls incompatible is refused, not shown half. */
START_TEST(nft_incompatible)
{
	char *line;
	int rc;

	ck_assert_int_eq(tsh(NULL, NULL, "iptables-nft -N N && "
				     "nft add rule ip filter N ct state established accept"), 0);
	line = decode_only_rule(NFPROTO_IPV4, "N", &rc);
	ck_assert_int_eq(rc, IPTABLES_EUNSUPPORTED);
	ck_assert_ptr_null(line);
	ck_assert_int_ne(tsh(NULL, NULL, "iptables-nft -S N 2>/dev/null"), 0);
}
END_TEST

Suite *tsuite(void)
{
	Suite *s = suite_create("nft_codec");
	TCase *corpus = tcase_create("corpus");
	TCase *others = tcase_create("other_writers");

	tcase_add_checked_fixture(corpus, tns_enter, NULL);
	tcase_set_timeout(corpus, ttimeout(300));
	tcase_add_loop_test(corpus, corpus_against_cli, 0, 2);
	tcase_add_checked_fixture(others, tns_enter, NULL);
	tcase_set_timeout(others, ttimeout(60));
	tcase_add_test(others, old_compat_tcp);
	tcase_add_test(others, nft_comment);
	tcase_add_test(others, nft_incompatible);
	suite_add_tcase(s, corpus);
	suite_add_tcase(s, others);
	return s;
}
