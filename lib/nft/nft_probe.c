/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the kernel would take, asked without changing anything: a batch sent without its end
 * (ic_nft_batch_check), which the kernel checks message by message, extensions' checks
 * included, and then throws away. No event goes out and the generation stays.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>

#include "nft.h"

#define PROBE_CHAIN "libiptables-c-probe"	/* a base chain of its own in nat */
#define PROBE_TRIES 4				/* batches refused whole: another commit */

static uint8_t family_of(const struct ic_ctx *cx)
{
	return cx->proto == IPTABLES_IPV6 ? NFPROTO_IPV6 : NFPROTO_IPV4;
}

static int put_table(struct ic_nft_batch *b, uint8_t fam)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh = NULL;

	if (t) {
		nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, fam);
		nftnl_table_set_str(t, NFTNL_TABLE_NAME, "nat");
		nlh = ic_nft_batch_msg(b, NFT_MSG_NEWTABLE, fam, NLM_F_CREATE, 512, 0);
	}
	if (nlh) {
		nftnl_table_nlmsg_build_payload(nlh, t);
		ic_nft_batch_put(b, nlh);
	}
	nftnl_table_free(t);
	return nlh ? 0 : -1;
}

/* The chain iptables-nft makes for nat POSTROUTING, under a name of its own. */
static int put_chain(struct ic_nft_batch *b, uint8_t fam)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh = NULL;

	if (c) {
		nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, fam);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, "nat");
		nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, PROBE_CHAIN);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, NF_INET_POST_ROUTING);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, 100);
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "nat");
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
		nlh = ic_nft_batch_msg(b, NFT_MSG_NEWCHAIN, fam, NLM_F_CREATE, 1024, 1);
	}
	if (nlh) {
		nftnl_chain_nlmsg_build_payload(nlh, c);
		ic_nft_batch_put(b, nlh);
	}
	nftnl_chain_free(c);
	return nlh ? 0 : -1;
}

static int put_rule(struct ic_nft_batch *b, uint8_t fam, struct nftnl_rule *r)
{
	struct nlmsghdr *nlh = ic_nft_batch_msg(b, NFT_MSG_NEWRULE, fam,
						NLM_F_CREATE | NLM_F_APPEND | NLM_F_ACK, 8192, 2);

	if (!nlh)
		return -1;
	nftnl_rule_nlmsg_build_payload(nlh, r);
	ic_nft_batch_put(b, nlh);
	return 0;
}

/* The kernel's answer to one checked batch of table, chain and @r: 1 / 0, -1 when the batch
 * was refused whole (try again), or a recorded code. */
static int ask(struct ic_ctx *cx, struct ic_nft_state *st, struct nftnl_rule *r)
{
	uint8_t fam = family_of(cx);
	struct ic_nft_batch b;
	int answers[3], rc;
	uint32_t gen;

	rc = ic_nft_genid(cx, &st->sock, &gen);
	if (rc)
		return rc;
	if (ic_nft_batch_begin(&b, &st->sock, gen) || put_table(&b, fam) ||
	    put_chain(&b, fam) || put_rule(&b, fam, r)) {
		ic_nft_batch_free(&b);
		return ic_err_nomem(cx->err, ic_prog(cx));
	}
	rc = ic_nft_batch_check(cx, &st->sock, &b, answers);
	ic_nft_batch_free(&b);
	if (rc)
		return rc;
	if (answers[2] < 0)
		return -1;
	if (answers[0] > 0 || answers[1] > 0)
		return ic_error(cx, IPTABLES_ESYS, "%s: nf_tables would not make a nat chain to "
				"check --random-fully in: %s", ic_prog(cx),
				strerror(answers[0] > 0 ? answers[0] : answers[1]));
	return answers[2] == 0;
}

int ic_nft_random_fully(struct ic_ctx *cx)
{
	const struct ic_op op = { .code = IC_OP_APPEND, .table = "nat", .chain = "POSTROUTING",
				  .spec = ic_random_fully_spec };
	struct ic_rules rs = { 0 };
	struct nftnl_rule *r = NULL;
	int rc = ic_random_fully_parses(cx);

	if (rc != 1)
		return rc;
	rc = ic_nft_parse(cx, &op, &rs);
	if (!rc)
		rc = rs.n == 1 ? ic_nft_encode(family_of(cx), "nat", PROBE_CHAIN, &rs.v[0], &r,
					       cx->err)
			       : IPTABLES_EINVAL;
	ic_rules_free(&rs);
	if (rc)
		return rc == IPTABLES_EINVAL ? 0 : rc;
	rc = -1;
	for (int k = 0; k < PROBE_TRIES && rc == -1; k++)
		rc = ask(cx, cx->state, r);
	nftnl_rule_free(r);
	if (rc == -1)
		rc = ic_error(cx, IPTABLES_EBUSY, "%s: the ruleset kept changing under the check "
			      "of --random-fully", ic_prog(cx));
	return rc;
}
