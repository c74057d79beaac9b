/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: rulespec words -> struct ic_rule (or an error) -> `iptables -S` text and
 * the stats row, and through the libiptc encoder.
 * Input: byte 0 picks the family, table and mode, the rest is split into words at '\n'.
 * Whatever the words, the parser must return (never exit), and free everything it took.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xt/xt.h"
#include "iptc/iptc_encode.h"

#define MAX_WORDS 64

static const char *const tables[] = { "filter", "nat", "mangle", "raw" };

static void stat_free(struct iptables_stat *row)
{
	free(row->target);
	free(row->protocol);
	free(row->opt);
	free(row->in);
	free(row->out);
	free(row->source);
	free(row->destination);
	free(row->options);
}

static void print_all(const struct ic_parse_req *req, const struct ic_rules *rs)
{
	struct iptables_stat row;
	struct ic_err err = { 0 };
	char *line;
	size_t i;

	for (i = 0; i < rs->n; i++) {
		if (ic_xt_format_rule(req->nfproto, req->mode, req->chain, &rs->v[i], i & 1, &line,
				      &err) == 0)
			free(line);
		if (ic_xt_format_stat(req->nfproto, req->mode, &rs->v[i], &row, &err) == 0)
			stat_free(&row);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *words[MAX_WORDS + 1];
	struct ic_parse_req req = { 0 };
	struct ic_iptc_rule enc;
	struct ic_rules rs;
	struct ic_err err = { 0 };
	char *buf, *p;
	size_t n = 0;

	if (size < 1 || size > 4096)
		return 0;
	buf = malloc(size);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	for (p = buf; n < MAX_WORDS;) {
		size_t len = strcspn(p, "\n");

		words[n++] = p;
		if (p[len] == '\0')
			break;
		p[len] = '\0';
		p += len + 1;
	}
	words[n] = NULL;
	req.nfproto = data[0] & 1 ? NFPROTO_IPV6 : NFPROTO_IPV4;
	req.table = tables[(data[0] >> 1) & 3];
	req.mode = data[0] & 8 ? "nf_tables" : "legacy";
	req.chain = "FUZZ";
	req.spec = words;
	if (ic_xt_parse(&req, &rs, &err) == 0) {
		print_all(&req, &rs);
		if (ic_iptc_encode(ic_iptc_family_of(req.nfproto == NFPROTO_IPV6 ? IPTABLES_IPV6
										 : IPTABLES_IPV4),
				   &rs, &enc, &err) == 0)
			ic_iptc_rule_free(&enc);
		ic_rules_free(&rs);
	}
	free(buf);
	return 0;
}
