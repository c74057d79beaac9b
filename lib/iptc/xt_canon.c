/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Rulespec words -> the `-A` lines iptables -S would print, in-process, kernel untouched. */
#include <string.h>

#include "xt.h"

/* Our parser words its messages as iptables-legacy; a handle on iptables-nft says so. */
static int parse_error(struct iptables *h, int rc, const char *err)
{
	const char *legacy = strstr(err, " (legacy): ");

	if (legacy && strcmp(h->mode, "legacy") != 0)
		return ipt_error(h, rc, "%.*s (%s): %s", (int)(legacy - err), err, h->mode,
				 legacy + strlen(" (legacy): "));
	return ipt_error(h, rc, "%s", err);
}

int ipt_canonical_rule(struct iptables *h, const char *table, const char *chain,
		       const char *const *spec, struct ipt_strv *out)
{
	const struct tc_family *f = tc_family_of(h->proto);
	char err[XT_ERRBUF] = "";
	struct xt_rule r;
	char *line;
	int rc;

	rc = xt_parse_rule_chain(f, table, chain, spec, NULL, &r, err, sizeof(err));
	if (rc)
		return parse_error(h, rc, err);
	for (size_t i = 0; !rc && i < r.n; i++) {
		rc = xt_format_parsed(f, chain, &r, i, &line, err, sizeof(err));
		if (rc)
			rc = ipt_error(h, rc, "%s", err);
		else if (ipt_strv_push_owned(out, line))
			rc = ipt_error(h, IPTABLES_ENOMEM, "out of memory");
	}
	xt_rule_free(&r);
	return rc;
}

int ipt_rule_syntax_check(struct iptables *h, struct ipt_op *op)
{
	const struct tc_family *f = tc_family_of(h->proto);
	char err[XT_ERRBUF] = "";
	struct xt_rule r;
	int rc;

	if (!op->spec)
		return 0;
	rc = xt_parse_rule_chain(f, op->table, op->chain, op->spec, NULL, &r, err, sizeof(err));
	if (rc == IPTABLES_EUNSUPPORTED)
		return 0;
	if (rc)
		return parse_error(h, rc, err);
	xt_rule_free(&r);
	return 0;
}
