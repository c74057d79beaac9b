/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Rulespec words -> the `-A` lines iptables -S would print, in-process, kernel untouched. */
#include <string.h>

#include "../backend.h"
#include "../internal.h"
#include "xt.h"
#include "xt_family.h"

static void parse_req(const struct ic_ctx *cx, const char *table, const char *chain,
		      const char *const *spec, struct ic_parse_req *req)
{
	memset(req, 0, sizeof(*req));
	req->nfproto = ic_nfproto_of(cx->proto);
	req->mode = cx->mode;
	req->prog = cx->input_prog;
	req->line = cx->input_line;
	req->table = table;
	req->chain = chain;
	req->spec = spec;
}

int ic_op_parse(struct ic_ctx *cx, const struct ic_op *op, ic_chain_exists_fn *chain_exists,
		void *arg, ic_compat_rev_fn *compat_rev, struct ic_rules *out)
{
	struct ic_parse_req req;
	int rc;

	parse_req(cx, op->table, op->chain, op->spec, &req);
	req.chain_exists = chain_exists;
	req.arg = arg;
	req.compat_rev = compat_rev;
	memset(out, 0, sizeof(*out));
	rc = ic_xt_parse(&req, out, cx->err);
	if (rc)
		return rc;
	if (out->n == 0) {
		ic_rules_free(out);
		return ic_error(cx, IPTABLES_EINVAL, "cannot parse the rulespec");
	}
	return 0;
}

int ic_canonical_rule(struct ic_ctx *cx, const char *table, const char *chain,
		      const char *const *spec, struct ic_strv *out)
{
	struct ic_parse_req req;
	struct ic_rules rs;
	char *line;
	int rc;

	parse_req(cx, table, chain, spec, &req);
	rc = ic_xt_parse(&req, &rs, cx->err);
	for (size_t i = 0; !rc && i < rs.n; i++) {
		rc = ic_xt_format_rule(req.nfproto, req.mode, chain, &rs.v[i], false, &line,
				       cx->err);
		if (!rc && ic_strv_push_owned(out, line))
			rc = ic_err_nomem(cx->err, ic_prog(cx));
	}
	ic_rules_free(&rs);
	return rc;
}

int ic_rule_syntax_check(struct ic_ctx *cx, struct ic_op *op)
{
	struct ic_parse_req req;
	struct ic_rules rs;
	struct ic_err saved;
	int rc;

	if (!op->spec)
		return 0;
	parse_req(cx, op->table, op->chain, op->spec, &req);
	ic_err_capture(&saved, cx->err);
	rc = ic_xt_parse(&req, &rs, cx->err);
	if (rc == IPTABLES_EUNSUPPORTED) {
		ic_err_restore(cx->err, &saved);
		return 0;
	}
	/* iptables-legacy would crash on a rule libiptc cannot hold */
	if (!rc && !strcmp(cx->mode, "legacy"))
		rc = ic_legacy_entry_check(cx, &rs);
	ic_rules_free(&rs);
	return rc;
}

int ic_legacy_entry_check(struct ic_ctx *cx, const struct ic_rules *rs)
{
	const struct ic_xt_family *f =
		ic_xt_family(ic_nfproto_of(cx->proto));
	size_t size;

	if (!f || !rs->n)
		return 0;
	/* every rule of @rs differs only in its addresses: one size */
	size = ic_xt_entry_size(f, &rs->v[0]);
	if (size <= IC_XT_ENTRY_MAX)
		return 0;
	return ic_param_error(cx, "rule too large: its entry takes %zu bytes, libiptc and the "
			      "kernel's x_tables hold at most %u", size, IC_XT_ENTRY_MAX);
}

const char *const ic_random_fully_spec[] = { "-j", "MASQUERADE", "--random-fully", NULL };

int ic_random_fully_parses(struct ic_ctx *cx)
{
	struct ic_strv lines = { 0 };
	int rc = ic_canonical_rule(cx, "nat", "POSTROUTING", ic_random_fully_spec, &lines);

	if (rc == 0)
		rc = lines.n == 1 && strstr(lines.v[0], "--random-fully") ? 1 : 0;
	else if (rc == IPTABLES_EINVAL)
		rc = 0;		/* the extension does not know the option */
	ic_strv_clear(&lines);
	return rc;
}
