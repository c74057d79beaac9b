/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Rulespec words -> the `-A` lines iptables -S would print, in-process, kernel untouched. */
#include <string.h>

#include "xt.h"

/* Our parser words its messages as iptables-legacy; a handle on iptables-nft says so. */
static int parse_error(struct ic_ctx *cx, int rc, const char *err)
{
	const char *legacy = strstr(err, " (legacy): ");

	if (legacy && strcmp(cx->mode, "legacy") != 0)
		return ic_error(cx, rc, "%.*s (%s): %s", (int)(legacy - err), err, cx->mode,
				 legacy + strlen(" (legacy): "));
	return ic_error(cx, rc, "%s", err);
}

int ic_canonical_rule(struct ic_ctx *cx, const char *table, const char *chain,
		       const char *const *spec, struct ic_strv *out)
{
	const struct ic_iptc_family *f = ic_iptc_family_of(cx->proto);
	char err[IC_XT_ERRBUF] = "";
	struct ic_xt_rule r;
	char *line;
	int rc;

	rc = ic_xt_parse_rule_chain(f, table, chain, spec, NULL, &r, err, sizeof(err));
	if (rc)
		return parse_error(cx, rc, err);
	for (size_t i = 0; !rc && i < r.n; i++) {
		rc = ic_xt_format_parsed(f, chain, &r, i, &line, err, sizeof(err));
		if (rc)
			rc = ic_error(cx, rc, "%s", err);
		else if (ic_strv_push_owned(out, line))
			rc = ic_error(cx, IPTABLES_ENOMEM, "out of memory");
	}
	ic_xt_rule_free(&r);
	return rc;
}

int ic_rule_syntax_check(struct ic_ctx *cx, struct ic_op *op)
{
	const struct ic_iptc_family *f = ic_iptc_family_of(cx->proto);
	char err[IC_XT_ERRBUF] = "";
	struct ic_xt_rule r;
	int rc;

	if (!op->spec)
		return 0;
	rc = ic_xt_parse_rule_chain(f, op->table, op->chain, op->spec, NULL, &r, err, sizeof(err));
	if (rc == IPTABLES_EUNSUPPORTED)
		return 0;
	if (rc)
		return parse_error(cx, rc, err);
	ic_xt_rule_free(&r);
	return 0;
}
