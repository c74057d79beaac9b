/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: rulespec words -> parsed rule (or an error) -> `iptables -S` text,
 * through ic_canonical_rule, the parse-and-print path of the libxtables layer.
 * Input: byte 0 picks the family and table, the rest is split into words at '\n' / '\0'.
 * Whatever the words, the parser must return (never exit), and free everything it took.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"

#define MAX_WORDS 64

static const char *const tables[] = { "filter", "nat", "mangle", "raw" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *words[MAX_WORDS + 1];
	struct ic_strv out = { 0 };
	struct ic_err err = { 0 };
	struct ic_ctx cx = { .mode = "legacy", .err = &err };
	char *buf, *p;
	size_t n = 0;

	if (size < 1 || size > 4096)
		return 0;
	cx.proto = data[0] & 1 ? IPTABLES_IPV6 : IPTABLES_IPV4;
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
	ic_canonical_rule(&cx, tables[(data[0] >> 1) & 3], "FUZZ", words, &out);
	ic_strv_clear(&out);
	free(buf);
	return 0;
}
