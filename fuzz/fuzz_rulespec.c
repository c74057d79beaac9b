/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: rulespec words -> entries (or an error) -> `iptables -S` text.
 * Input: byte 0 picks the family and table, the rest is split into words at '\n' / '\0'.
 * Whatever the words, the parser must return (never exit), and free everything it took.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "iptc/xt.h"

#define MAX_WORDS 64

static const char *const tables[] = { "filter", "nat", "mangle", "raw" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct ic_iptc_family *f;
	const char *words[MAX_WORDS + 1];
	char err[IC_XT_ERRBUF], *buf, *p, *line;
	struct ic_xt_rule r;
	size_t n = 0;

	if (size < 1 || size > 4096)
		return 0;
	f = data[0] & 1 ? &ic_iptc_ipv6 : &ic_iptc_ipv4;
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
	if (ic_xt_parse_rule_chain(f, tables[(data[0] >> 1) & 3], "FUZZ", words, NULL, &r, err,
				sizeof(err)) == 0) {
		for (size_t i = 0; i < r.n; i++)
			if (ic_xt_format_parsed(f, "FUZZ", &r, i, &line, err, sizeof(err)) == 0)
				free(line);
		ic_xt_rule_free(&r);
	}
	free(buf);
	return 0;
}
