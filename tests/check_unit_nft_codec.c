/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The nf_tables rule codec without a kernel (lib/nft/nft_enc.c, nft_dec.c, nft_cmp.c): every
 * corpus rulespec parsed, encoded as iptables-nft 1.8.9 would send it, decoded back, and
 * printed: the `-S` line must be the parsed rule's, but for what 1.8.9 itself changes on the
 * way through the kernel (listed in nft_changes). Then the encodings 1.8.9 is known for,
 * rules other writers leave (1.8.7's compat tcp, nft's userdata comment, expressions
 * iptables cannot show), and iptables-nft's rule equality.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <libnftnl/udata.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_tables_compat.h>
#include <linux/netfilter/xt_tcpudp.h>

#include "nft/nft.h"
#include "xt/xt.h"
#include "nft_corpus.h"

#define W(...) ((const char *const[]){ __VA_ARGS__, NULL })

static struct ic_err e;

static void err_reset(void)
{
	memset(&e, 0, sizeof(e));
}

static uint8_t nfproto_of(int fam)
{
	return fam == 6 ? NFPROTO_IPV6 : NFPROTO_IPV4;
}

static int parse(uint8_t nfproto, const char *table, const char *chain,
		 const char *const *spec, struct ic_rules *out)
{
	const struct ic_parse_req req = {
		.nfproto = nfproto, .mode = IC_NFT_MODE, .table = table, .chain = chain,
		.spec = spec, .compat_rev = nc_compat_rev_yes,
	};

	return ic_xt_parse(&req, out, &e);
}

static char *format(uint8_t nfproto, const char *chain, const struct ic_rule *r)
{
	char *line = NULL;
	int rc = ic_xt_format_rule(nfproto, IC_NFT_MODE, chain, r, false, &line, &e);

	ck_assert_msg(rc == 0, "format: %d %s", rc, e.msg);
	return line;
}

/* decode(encode(r)); 0 or the code of the step that failed */
static int roundtrip(uint8_t nfproto, const char *table, const char *chain,
		     const struct ic_rule *r, struct ic_rule *out)
{
	struct nftnl_rule *nr;
	int rc = ic_nft_encode(nfproto, table, chain, r, &nr, &e);

	if (rc)
		return rc;
	rc = ic_nft_decode(nfproto, nr, out, &e);
	nftnl_rule_free(nr);
	return rc;
}

/* ---- the corpus ---- */

/*
 * What 1.8.9 changes between the rule it is given and the rule it reads back, as
 * iptables-nft -S shows it (check_nft_codec checks these against the real thing):
 * - `! -i +` is written as eq "INVAL/D" and read back as "+" with a mask, which prints,
 *   where the parsed "+" (mask all zero) prints nothing; `-i +` prints nothing either way;
 * - `! --dport :N` is written as `> N` and read back as N+1:65535, not inverted;
 * - the limit rate is rebuilt from avg as rate/unit, which gives back the same avg for
 *   every rate here, so it shows no change.
 */
static const struct {
	const char *parsed, *decoded;
} nft_changes[] = {
	{ "-A INPUT -j ACCEPT", "-A INPUT ! -i + -j ACCEPT" },		/* ! -i + */
	{ "-A OUTPUT -j ACCEPT", "-A OUTPUT ! -o + -j ACCEPT" },	/* ! -o + */
	{ "-A FORWARD -j ACCEPT", "-A FORWARD ! -o + -j ACCEPT" },	/* -i + ! -o + */
	{ "-A INPUT -p tcp -m tcp ! --dport 0:1000 -j ACCEPT",
	  "-A INPUT -p tcp -m tcp --dport 1001:65535 -j ACCEPT" },
};

/* Which of @s's possible lines the decoded rule must print: nft_changes applies only to
 * the specs that wrote an inverted lone '+' or an inverted 0:N port range. */
static char *nft_transform(const struct nc_spec *s, const char *parsed)
{
	bool plus = strstr(s->line, "! -i +") || strstr(s->line, "! -o +");
	bool lte = strstr(s->line, "! --dport :") != NULL;

	for (size_t i = 0; (plus || lte) && i < sizeof(nft_changes) / sizeof(nft_changes[0]);
	     i++)
		if (!strcmp(parsed, nft_changes[i].parsed))
			return strdup(nft_changes[i].decoded);
	return strdup(parsed);
}

/* Some address in neither the corpus nor the rule, to make a different rule of @r. */
static void change_rule(struct ic_rule *r)
{
	static const uint8_t v4[4] = { 198, 18, 0, 77 };
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xfe, [15] = 0x77 };
	bool is6 = r->nfproto == NFPROTO_IPV6;

	memset(&r->dst, 0, sizeof(r->dst));
	memcpy(r->dst.b, is6 ? v6 : v4, is6 ? 16 : 4);
	memset(r->dmsk.b, 0xff, is6 ? 16 : 4);
	r->invflags &= ~IC_INV_DSTIP;
}

struct tally {
	size_t rules, same, failed;
	struct nc_buf report;
};

static void note(struct tally *t, const struct nc_spec *s, const char *fmt, const char *a,
		 const char *b)
{
	char msg[2048];

	t->failed++;
	snprintf(msg, sizeof(msg), "\n%s:%d `%s':\n  ", s->file, s->lineno, s->line);
	nc_buf_add(&t->report, msg);
	snprintf(msg, sizeof(msg), fmt, a, b ? b : "");
	nc_buf_add(&t->report, msg);
}

static void check_equality(uint8_t nfproto, const struct nc_spec *s, const struct ic_rule *r,
			   const struct ic_rule *d1, struct tally *t)
{
	struct ic_rule d2, other, dother;

	ck_assert_int_eq(roundtrip(nfproto, s->table, s->chain, r, &d2), 0);
	if (!ic_nft_rule_same(nfproto, d1, &d2))
		note(t, s, "dec(enc(r)) is not the same as itself%s", "", NULL);
	ck_assert_int_eq(ic_rule_copy(&other, r), 0);
	change_rule(&other);
	if (roundtrip(nfproto, s->table, s->chain, &other, &dother) == 0) {
		if (ic_nft_rule_same(nfproto, d1, &dother))
			note(t, s, "a changed rule compares the same%s", "", NULL);
		ic_rule_free(&dother);
	}
	ic_rule_free(&other);
	ic_rule_free(&d2);
}

/* -j QUEUE: 1.8.9 sends a compat target named QUEUE, which no kernel (and no decoder)
 * knows; iptables-nft fails with "RULE_APPEND failed (No such file or directory)". */
static bool kernel_refuses(const struct ic_rule *r)
{
	return !r->target && !strcmp(r->jumpto, "QUEUE");
}

static void check_rule(uint8_t nfproto, const struct nc_spec *s, const struct ic_rule *r,
		       struct tally *t)
{
	char *parsed = format(nfproto, s->chain, r), *want = nft_transform(s, parsed), *got;
	struct ic_rule d;
	int rc;

	t->rules++;
	rc = roundtrip(nfproto, s->table, s->chain, r, &d);
	if (kernel_refuses(r)) {
		/* encoded (checked against 1.8.9 in known_encodings), never read back */
		t->same++;
		if (!rc)
			ic_rule_free(&d);
		err_reset();
	} else if (rc) {
		note(t, s, "codec failed: %s%s", e.msg, NULL);
		err_reset();
	} else {
		got = format(nfproto, s->chain, &d);
		if (strcmp(got, want))
			note(t, s, "want `%s'\n  got  `%s'", want, got);
		else
			t->same++;
		check_equality(nfproto, s, r, &d, t);
		free(got);
		ic_rule_free(&d);
	}
	free(parsed);
	free(want);
}

START_TEST(corpus_roundtrip)
{
	int fam = _i ? 6 : 4;
	uint8_t nfproto = nfproto_of(fam);
	struct tally t = { 0 };
	struct nc_corpus c;
	struct ic_rules rs;

	nc_buf_add(&t.report, "");
	nc_load_all(&c, fam);
	for (size_t i = 0; i < c.n; i++) {
		const struct nc_spec *s = &c.v[i];

		err_reset();
		ck_assert_msg(parse(nfproto, s->table, s->chain, (const char *const *)s->words,
				    &rs) == 0, "line %d: %s", s->lineno, e.msg);
		for (size_t k = 0; k < rs.n; k++)
			check_rule(nfproto, s, &rs.v[k], &t);
		ic_rules_free(&rs);
	}
	nc_free(&c);
	ck_assert_msg(t.failed == 0, "IPv%d: %zu of %zu rules print the same; %zu failures:%s",
		      fam, t.same, t.rules, t.failed, t.report.s);
	free(t.report.s);
}
END_TEST

/* ---- the encodings 1.8.9 is known for ---- */

struct enc_case {
	int fam;
	const char *table, *chain;
	const char *const *spec;
	const char *want;		/* expressions, '\n'-joined */
};

#define CTR_ACCEPT "[ counter pkts 0 bytes 0 ]\n[ immediate reg 0 accept ]"

static const struct enc_case enc_cases[] = {
	/* a lone '+' loads the name and compares nothing */
	{ 4, "filter", "INPUT", W("-i", "+", "-j", "ACCEPT"),
	  "[ meta load iifname => reg 1 ]\n" CTR_ACCEPT },
	{ 4, "filter", "INPUT", W("!", "-i", "+", "-j", "ACCEPT"),
	  "[ meta load iifname => reg 1 ]\n"
	  "[ cmp eq reg 1 0x41564e49 0x00442f4c ]\n" CTR_ACCEPT },
	{ 4, "filter", "OUTPUT", W("!", "-o", "eth+", "-j", "ACCEPT"),
	  "[ meta load oifname => reg 1 ]\n[ cmp neq reg 1 0x00687465 ]\n" CTR_ACCEPT },
	{ 4, "filter", "INPUT", W("-i", "eth0", "-j", "ACCEPT"),
	  "[ meta load iifname => reg 1 ]\n[ cmp eq reg 1 0x30687465 0x00000000 ]\n"
	  CTR_ACCEPT },
	/* whole prefix bytes only; a mask that is no prefix of bytes goes through bitwise */
	{ 4, "filter", "INPUT", W("-s", "192.0.2.0/24", "-j", "ACCEPT"),
	  "[ payload load 3b @ network header + 12 => reg 1 ]\n"
	  "[ cmp eq reg 1 0x000200c0 ]\n" CTR_ACCEPT },
	{ 4, "filter", "INPUT", W("-d", "10.16.0.0/12", "-j", "ACCEPT"),
	  "[ payload load 4b @ network header + 16 => reg 1 ]\n"
	  "[ bitwise reg 1 = ( reg 1 & 0x0000f0ff ) ^ 0x00000000 ]\n"
	  "[ cmp eq reg 1 0x0000100a ]\n" CTR_ACCEPT },
	/* 1.8.9's `! -s 0/0`: a zero-length load the kernel refuses */
	{ 4, "filter", "INPUT", W("!", "-s", "0.0.0.0/0", "-j", "ACCEPT"),
	  "[ payload load 0b @ network header + 12 => reg 1 ]\n[ cmp neq reg 1 ]\n" CTR_ACCEPT },
	{ 4, "filter", "INPUT", W("-f", "-j", "DROP"),
	  "[ payload load 2b @ network header + 6 => reg 1 ]\n"
	  "[ bitwise reg 1 = ( reg 1 & 0x0000ff1f ) ^ 0x00000000 ]\n"
	  "[ cmp neq reg 1 0x00000000 ]\n[ counter pkts 0 bytes 0 ]\n[ immediate reg 0 drop ]" },
	/* one sport and one dport: one 4-byte compare */
	{ 4, "filter", "INPUT", W("-p", "udp", "--sport", "53", "--dport", "1000", "-j", "ACCEPT"),
	  "[ meta load l4proto => reg 1 ]\n[ cmp eq reg 1 0x00000011 ]\n"
	  "[ payload load 4b @ transport header + 0 => reg 1 ]\n"
	  "[ cmp eq reg 1 0xe8033500 ]\n" CTR_ACCEPT },
	/* flags before ports; 0:hi as <= */
	{ 4, "filter", "INPUT", W("-p", "tcp", "--dport", ":1000", "--syn", "-j", "ACCEPT"),
	  "[ meta load l4proto => reg 1 ]\n[ cmp eq reg 1 0x00000006 ]\n"
	  "[ payload load 1b @ transport header + 13 => reg 1 ]\n"
	  "[ bitwise reg 1 = ( reg 1 & 0x00000017 ) ^ 0x00000000 ]\n"
	  "[ cmp eq reg 1 0x00000002 ]\n"
	  "[ payload load 2b @ transport header + 2 => reg 1 ]\n"
	  "[ cmp lte reg 1 0x0000e803 ]\n" CTR_ACCEPT },
	{ 4, "filter", "INPUT", W("-p", "tcp", "!", "--sport", "1000:2000", "-j", "ACCEPT"),
	  "[ meta load l4proto => reg 1 ]\n[ cmp eq reg 1 0x00000006 ]\n"
	  "[ payload load 2b @ transport header + 0 => reg 1 ]\n"
	  "[ range neq reg 1 0x0000e803 0x0000d007 ]\n" CTR_ACCEPT },
	/* tcp without options, or with --tcp-option: the compat match */
	{ 4, "filter", "INPUT", W("-p", "tcp", "-m", "tcp", "-j", "ACCEPT"),
	  "[ meta load l4proto => reg 1 ]\n[ cmp eq reg 1 0x00000006 ]\n"
	  "[ match name tcp rev 0 ]\n" CTR_ACCEPT },
	{ 4, "filter", "INPUT", W("-m", "mark", "--mark", "0x10/0xf0", "-j", "ACCEPT"),
	  "[ meta load mark => reg 1 ]\n"
	  "[ bitwise reg 1 = ( reg 1 & 0x000000f0 ) ^ 0x00000000 ]\n"
	  "[ cmp eq reg 1 0x00000010 ]\n" CTR_ACCEPT },
	{ 4, "filter", "INPUT", W("-m", "mark", "!", "--mark", "7", "-j", "ACCEPT"),
	  "[ meta load mark => reg 1 ]\n[ cmp neq reg 1 0x00000007 ]\n" CTR_ACCEPT },
	{ 4, "filter", "INPUT", W("-m", "limit", "--limit", "5/min", "-j", "ACCEPT"),
	  "[ limit rate 5/minute burst 5 type packets flags 0x0 ]\n" CTR_ACCEPT },
	{ 4, "filter", "INPUT", W("-j", "NFLOG", "--nflog-group", "2", "--nflog-prefix", "p"),
	  "[ counter pkts 0 bytes 0 ]\n[ log prefix p group 2 snaplen 0 qthreshold 0 ]" },
	{ 4, "raw", "PREROUTING", W("-j", "TRACE"),
	  "[ counter pkts 0 bytes 0 ]\n[ immediate reg 9 0x00000001 ]\n"
	  "[ meta set nftrace with reg 9 ]" },
	{ 4, "filter", "INPUT", W("-g", "USER2"),
	  "[ counter pkts 0 bytes 0 ]\n[ immediate reg 0 goto -> USER2 ]" },
	{ 4, "filter", "INPUT", W("-j", "QUEUE"),
	  "[ counter pkts 0 bytes 0 ]\n[ target name QUEUE rev 0 ]" },
	{ 4, "filter", "INPUT", W("-p", "all", "-c", "5", "10"),
	  "[ counter pkts 5 bytes 10 ]" },
	/* ip6: l4proto, never nexthdr; /32 loads 4 bytes, /49 all 16 through bitwise */
	{ 6, "filter", "INPUT", W("-p", "tcp", "-s", "2001:db8::/32", "-j", "ACCEPT"),
	  "[ meta load l4proto => reg 1 ]\n[ cmp eq reg 1 0x00000006 ]\n"
	  "[ payload load 4b @ network header + 8 => reg 1 ]\n"
	  "[ cmp eq reg 1 0xb80d0120 ]\n" CTR_ACCEPT },
	{ 6, "filter", "INPUT", W("-d", "2001:db8::/49", "-j", "ACCEPT"),
	  "[ payload load 16b @ network header + 24 => reg 1 ]\n"
	  "[ bitwise reg 1 = ( reg 1 & 0xffffffff 0x0080ffff 0x00000000 0x00000000 ) ^ "
	  "0x00000000 0x00000000 0x00000000 0x00000000 ]\n"
	  "[ cmp eq reg 1 0xb80d0120 0x00000000 0x00000000 0x00000000 ]\n" CTR_ACCEPT },
};

static struct nftnl_rule *encode_spec(int fam, const char *table, const char *chain,
				      const char *const *spec)
{
	struct nftnl_rule *nr;
	struct ic_rules rs;

	ck_assert_msg(parse(nfproto_of(fam), table, chain, spec, &rs) == 0, "%s", e.msg);
	ck_assert_msg(ic_nft_encode(nfproto_of(fam), table, chain, &rs.v[0], &nr, &e) == 0, "%s",
		      e.msg);
	ic_rules_free(&rs);
	return nr;
}

START_TEST(known_encodings)
{
	const struct enc_case *c = &enc_cases[_i];
	struct nftnl_rule *nr = encode_spec(c->fam, c->table, c->chain, c->spec);
	char *got = nc_exprs(nr);

	ck_assert_msg(!strcmp(got, c->want), "case %d:\nwant\n%s\ngot\n%s", _i, c->want, got);
	ck_assert_uint_eq(nftnl_rule_get_u32(nr, NFTNL_RULE_FAMILY), nfproto_of(c->fam));
	ck_assert(nftnl_rule_is_set(nr, NFTNL_RULE_COMPAT_PROTO));
	ck_assert(nftnl_rule_is_set(nr, NFTNL_RULE_COMPAT_FLAGS));
	ck_assert(!nftnl_rule_is_set(nr, NFTNL_RULE_HANDLE));
	ck_assert(!nftnl_rule_is_set(nr, NFTNL_RULE_POSITION));
	ck_assert_str_eq(nftnl_rule_get_str(nr, NFTNL_RULE_CHAIN), c->chain);
	free(got);
	nftnl_rule_free(nr);
}
END_TEST

START_TEST(compat_flags)
{
	struct nftnl_rule *nr;

	nr = encode_spec(4, "filter", "INPUT", W("!", "-p", "udp", "-j", "DROP"));

	ck_assert_uint_eq(nftnl_rule_get_u32(nr, NFTNL_RULE_COMPAT_PROTO), IPPROTO_UDP);
	ck_assert_uint_eq(nftnl_rule_get_u32(nr, NFTNL_RULE_COMPAT_FLAGS), NFT_RULE_COMPAT_F_INV);
	nftnl_rule_free(nr);
	nr = encode_spec(4, "filter", "INPUT", W("-j", "DROP"));
	ck_assert_uint_eq(nftnl_rule_get_u32(nr, NFTNL_RULE_COMPAT_PROTO), 0);
	ck_assert_uint_eq(nftnl_rule_get_u32(nr, NFTNL_RULE_COMPAT_FLAGS), 0);
	nftnl_rule_free(nr);
}
END_TEST

/* 1.8.9 refuses a native tcp / udp match without the protocol */
START_TEST(tcp_needs_proto)
{
	struct nftnl_rule *nr = NULL;
	struct ic_rules rs;

	ck_assert_int_eq(parse(NFPROTO_IPV4, "filter", "INPUT",
			       W("-m", "tcp", "--dport", "22", "-j", "ACCEPT"), &rs), 0);
	ck_assert_int_eq(ic_nft_encode(NFPROTO_IPV4, "filter", "INPUT", &rs.v[0], &nr, &e),
			 IPTABLES_EINVAL);
	ck_assert_ptr_null(nr);
	ck_assert_msg(strstr(e.msg, "TCP match requires '-p tcp'"), "%s", e.msg);
	ic_rules_free(&rs);
}
END_TEST

/* ---- rules other writers leave ---- */

static struct nftnl_expr *expr(struct nftnl_rule *r, const char *name)
{
	struct nftnl_expr *x = nftnl_expr_alloc(name);

	ck_assert(x);
	nftnl_rule_add_expr(r, x);
	return x;
}

static void add_l4proto_eq(struct nftnl_rule *r, uint8_t proto)
{
	struct nftnl_expr *x = expr(r, "meta");

	nftnl_expr_set_u32(x, NFTNL_EXPR_META_KEY, NFT_META_L4PROTO);
	nftnl_expr_set_u32(x, NFTNL_EXPR_META_DREG, NFT_REG_1);
	x = expr(r, "cmp");
	nftnl_expr_set_u32(x, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
	nftnl_expr_set_u8(x, NFTNL_EXPR_CMP_DATA, proto);
}

static void add_accept(struct nftnl_rule *r)
{
	struct nftnl_expr *x = expr(r, "counter");

	nftnl_expr_set_u64(x, NFTNL_EXPR_CTR_PACKETS, 3);
	nftnl_expr_set_u64(x, NFTNL_EXPR_CTR_BYTES, 180);
	x = expr(r, "immediate");
	nftnl_expr_set_u32(x, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(x, NFTNL_EXPR_IMM_VERDICT, NF_ACCEPT);
}

/* `-p tcp --dport 80 -j ACCEPT` as iptables-nft 1.8.7 wrote it: a compat tcp match. */
static struct nftnl_rule *rule_1_8_7(void)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	/* the info is the blob's data: the struct XT_ALIGNed, as 1.8.7's __add_match sent it */
	struct xt_tcp *tcp = calloc(1, XT_ALIGN(sizeof(*tcp)));
	struct nftnl_expr *x;

	ck_assert(r && tcp);
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_IPV4);
	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, "filter");
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, "INPUT");
	add_l4proto_eq(r, IPPROTO_TCP);
	tcp->spts[1] = 0xffff;
	tcp->dpts[0] = tcp->dpts[1] = 80;
	x = expr(r, "match");
	nftnl_expr_set_str(x, NFTNL_EXPR_MT_NAME, "tcp");
	nftnl_expr_set_u32(x, NFTNL_EXPR_MT_REV, 0);
	/* libnftnl owns the info from here */
	nftnl_expr_set(x, NFTNL_EXPR_MT_INFO, tcp, XT_ALIGN(sizeof(*tcp)));
	add_accept(r);
	return r;
}

static struct ic_rule decode_ok(uint8_t nfproto, const struct nftnl_rule *nr)
{
	struct ic_rule d;

	ck_assert_msg(ic_nft_decode(nfproto, nr, &d, &e) == 0, "%s", e.msg);
	return d;
}

START_TEST(decode_1_8_7_compat_tcp)
{
	struct nftnl_rule *old = rule_1_8_7(), *now;
	struct ic_rule d_old = decode_ok(NFPROTO_IPV4, old), d_now;
	char *line = format(NFPROTO_IPV4, "INPUT", &d_old);

	ck_assert_str_eq(line, "-A INPUT -p tcp -m tcp --dport 80 -j ACCEPT");
	ck_assert_uint_eq(d_old.pcnt, 3);
	ck_assert_uint_eq(d_old.bcnt, 180);
	/* -C with the native encoding finds it */
	now = encode_spec(4, "filter", "INPUT", W("-p", "tcp", "--dport", "80", "-j", "ACCEPT"));
	d_now = decode_ok(NFPROTO_IPV4, now);
	ck_assert(ic_nft_rule_same(NFPROTO_IPV4, &d_now, &d_old));
	free(line);
	ic_rule_free(&d_old);
	ic_rule_free(&d_now);
	nftnl_rule_free(old);
	nftnl_rule_free(now);
}
END_TEST

/* nft add rule ip filter INPUT counter accept comment "from nft" */
START_TEST(decode_udata_comment)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(NFT_USERDATA_MAXLEN);
	struct ic_rule d;
	char *line;

	ck_assert(r && ud);
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_IPV4);
	add_accept(r);
	ck_assert(nftnl_udata_put_strz(ud, 0, "from nft"));
	nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(ud),
			    nftnl_udata_buf_len(ud));
	d = decode_ok(NFPROTO_IPV4, r);
	line = format(NFPROTO_IPV4, "INPUT", &d);
	ck_assert_str_eq(line, "-A INPUT -m comment --comment \"from nft\" -j ACCEPT");
	ck_assert_uint_ne(d.matches[0].userspacesize, 0);
	free(line);
	ic_rule_free(&d);
	nftnl_udata_buf_free(ud);
	nftnl_rule_free(r);
}
END_TEST

/* ct state established accept: iptables-nft calls the chain incompatible */
START_TEST(decode_unsupported)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nftnl_expr *x;
	struct ic_rule d;

	ck_assert(r);
	x = expr(r, "ct");
	nftnl_expr_set_u32(x, NFTNL_EXPR_CT_KEY, NFT_CT_STATE);
	nftnl_expr_set_u32(x, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	add_accept(r);
	ck_assert_int_eq(ic_nft_decode(NFPROTO_IPV4, r, &d, &e), IPTABLES_EUNSUPPORTED);
	ck_assert_msg(strstr(e.msg, "`ct'"), "%s", e.msg);
	ck_assert_uint_eq(d.nmatches, 0);
	ck_assert_ptr_null(d.matches);
	nftnl_rule_free(r);

	/* a log without group is nft's, not NFLOG */
	r = nftnl_rule_alloc();
	ck_assert(r);
	x = expr(r, "log");
	nftnl_expr_set_str(x, NFTNL_EXPR_LOG_PREFIX, "x");
	err_reset();
	ck_assert_int_eq(ic_nft_decode(NFPROTO_IPV4, r, &d, &e), IPTABLES_EUNSUPPORTED);
	nftnl_rule_free(r);

	/* a compare on a transport header field iptables has no option for */
	r = nftnl_rule_alloc();
	ck_assert(r);
	add_l4proto_eq(r, IPPROTO_TCP);
	x = expr(r, "payload");
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_BASE, NFT_PAYLOAD_TRANSPORT_HEADER);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_OFFSET, 4);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_LEN, 4);
	nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	x = expr(r, "cmp");
	nftnl_expr_set_u32(x, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(x, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
	nftnl_expr_set_u32(x, NFTNL_EXPR_CMP_DATA, 1);
	err_reset();
	ck_assert_int_eq(ic_nft_decode(NFPROTO_IPV4, r, &d, &e), IPTABLES_EUNSUPPORTED);
	nftnl_rule_free(r);
}
END_TEST

/* ---- equality ---- */

static bool same_specs(int fam, const char *const *a, const char *const *b)
{
	struct nftnl_rule *ra = encode_spec(fam, "filter", "INPUT", a);
	struct nftnl_rule *rb = encode_spec(fam, "filter", "INPUT", b);
	struct ic_rule da = decode_ok(nfproto_of(fam), ra), db = decode_ok(nfproto_of(fam), rb);
	bool same = ic_nft_rule_same(nfproto_of(fam), &da, &db);

	ic_rule_free(&da);
	ic_rule_free(&db);
	nftnl_rule_free(ra);
	nftnl_rule_free(rb);
	return same;
}

START_TEST(equality)
{
	/* 1.8.9's ip6 is_same ignores the masks; ip4's does not */
	ck_assert(same_specs(6, W("-s", "2001:db8::/32", "-j", "DROP"),
			     W("-s", "2001:db8::/48", "-j", "DROP")));
	ck_assert(!same_specs(4, W("-s", "10.0.0.0/8", "-j", "DROP"),
			      W("-s", "10.0.0.0/16", "-j", "DROP")));
	/* counters never count; targets, verdicts, goto and match data do */
	ck_assert(same_specs(4, W("-p", "tcp", "--dport", "22", "-j", "ACCEPT", "-c", "1", "2"),
			     W("-p", "tcp", "--dport", "22", "-j", "ACCEPT")));
	ck_assert(!same_specs(4, W("-p", "tcp", "--dport", "22", "-j", "ACCEPT"),
			      W("-p", "tcp", "--dport", "23", "-j", "ACCEPT")));
	ck_assert(!same_specs(4, W("-j", "ACCEPT"), W("-j", "DROP")));
	ck_assert(!same_specs(4, W("-j", "USER1"), W("-g", "USER1")));
	ck_assert(!same_specs(4, W("-j", "USER1"), W("-j", "USER2")));
	ck_assert(!same_specs(4, W("-j", "LOG", "--log-prefix", "a"),
			      W("-j", "LOG", "--log-prefix", "b")));
	ck_assert(!same_specs(4, W("-m", "comment", "--comment", "a"),
			      W("-m", "comment", "--comment", "b")));
	ck_assert(!same_specs(4, W("-m", "limit", "--limit", "1/s"),
			      W("-m", "limit", "--limit", "2/s")));
	ck_assert(!same_specs(4, W("-i", "eth0"), W("-i", "eth+")));
	ck_assert(!same_specs(4, W("-j", "NFLOG", "--nflog-group", "1"),
			      W("-j", "NFLOG", "--nflog-group", "2")));
	ck_assert(same_specs(4, W("-j", "NFLOG", "--nflog-group", "1"),
			     W("-j", "NFLOG", "--nflog-group", "1")));
}
END_TEST

Suite *tsuite(void)
{
	Suite *s = suite_create("unit_nft_codec");
	TCase *corpus = tcase_create("corpus");
	TCase *enc = tcase_create("encode");
	TCase *dec = tcase_create("decode");

	tcase_add_checked_fixture(corpus, err_reset, NULL);
	tcase_set_timeout(corpus, ttimeout(60));
	tcase_add_loop_test(corpus, corpus_roundtrip, 0, 2);
	tcase_add_checked_fixture(enc, err_reset, NULL);
	tcase_add_loop_test(enc, known_encodings, 0,
			    (int)(sizeof(enc_cases) / sizeof(enc_cases[0])));
	tcase_add_test(enc, compat_flags);
	tcase_add_test(enc, tcp_needs_proto);
	tcase_add_checked_fixture(dec, err_reset, NULL);
	tcase_set_timeout(dec, ttimeout(30));
	tcase_add_test(dec, decode_1_8_7_compat_tcp);
	tcase_add_test(dec, decode_udata_comment);
	tcase_add_test(dec, decode_unsupported);
	tcase_add_test(dec, equality);
	suite_add_tcase(s, corpus);
	suite_add_tcase(s, enc);
	suite_add_tcase(s, dec);
	return s;
}
