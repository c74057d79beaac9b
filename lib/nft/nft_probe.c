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
#include <libnftnl/rule.h>

#include "nft.h"

#define PROBE_CHAIN "libiptables-c-probe"	/* a POSTROUTING base chain of its own in nat */
#define PROBE_TRIES 4				/* batches refused whole: another commit */

/* nat's POSTROUTING as iptables-nft makes it (the row of its table definition). */
static const struct ic_nft_builtin *postrouting(void)
{
	const struct ic_nft_tabledef *d = ic_nft_tabledef("nat");

	for (size_t i = 0; d && i < d->n; i++)
		if (d->chains[i].hook == NF_INET_POST_ROUTING)
			return &d->chains[i];
	return NULL;
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
	uint8_t fam = ic_nft_family(cx);
	struct ic_nft_batch b;
	int answers[3], rc;
	uint32_t gen;

	rc = ic_nft_genid(cx, &st->sock, &gen);
	if (rc)
		return rc;
	if (ic_nft_batch_begin(&b, &st->sock, gen) || ic_nft_put_table(&b, fam, "nat", 0) ||
	    ic_nft_put_base_chain(&b, fam, "nat", PROBE_CHAIN, postrouting(), false, 1) ||
	    put_rule(&b, fam, r)) {
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
		rc = rs.n == 1 ? ic_nft_encode(ic_nft_family(cx), "nat", PROBE_CHAIN, &rs.v[0], &r,
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
