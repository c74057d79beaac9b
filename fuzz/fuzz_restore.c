/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: iptables-restore text -> the restore splitter (restore_text.c) and
 * iptables_restore on the memory backend (no kernel, no root), then iptables_save of the
 * result. Input: byte 0 picks the family (bit 0), --noflush (bit 1), --counters (bit 2) and
 * whether the text is applied twice (bit 3); the rest is the text. Whatever the text, every
 * call must return (never exit or crash) and free everything it took.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "iptables-c.h"
#include "err.h"
#include "restore_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iptables_options o = { .backend = IPTABLES_BACKEND_MEMORY };
	struct ic_rscript rs = { 0 };
	struct ic_err err = { 0 };
	unsigned flags = 0;
	iptables *h = NULL;
	char *text, *saved = NULL;

	if (size < 1 || size > 16384)
		return 0;
	text = malloc(size);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';

	/* the splitter alone */
	if (ic_rscript_parse(text, "iptables-restore", "1.8.9 (legacy)", &rs, &err) == 0)
		ic_rscript_free(&rs);

	/* the whole restore, as a caller would run it */
	o.proto = data[0] & 1 ? IPTABLES_IPV6 : IPTABLES_IPV4;
	if (data[0] & 2)
		flags |= IPTABLES_RESTORE_NOFLUSH;
	if (data[0] & 4)
		flags |= IPTABLES_RESTORE_COUNTERS;
	if (iptables_new(&h, &o) == 0) {
		if (iptables_restore(h, text, flags) == 0 && (data[0] & 8))
			iptables_restore(h, text, flags);
		if (iptables_save(h, NULL, IPTABLES_SAVE_COUNTERS, &saved) == 0) {
			/* what save prints, restore takes back */
			iptables_restore(h, saved, IPTABLES_RESTORE_COUNTERS);
			free(saved);
		}
		iptables_free(h);
	}
	free(text);
	return 0;
}
