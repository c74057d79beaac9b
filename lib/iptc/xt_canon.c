/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Rulespec words -> the `-A` lines iptables -S would print, in-process, kernel untouched. */
#include "xt.h"

int ipt_canonical_rule(struct iptables *h, const char *table, const char *chain,
		       const char *const *spec, struct ipt_strv *out)
{
	const struct tc_family *f = tc_family_of(h->proto);
	char err[XT_ERRBUF] = "";
	struct xt_rule r;
	char *line;
	int rc;

	rc = xt_parse_rule(f, table, spec, NULL, &r, err, sizeof(err));
	if (rc)
		return ipt_error(h, rc, "%s", err);
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
