/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The legacy tables that exist, in the kernel's order (what iptables-legacy-save prints). */
#include <stdio.h>
#include <string.h>

#include "iptc_backend.h"

int ic_iptc_list_tables(struct ic_ctx *cx, const struct ic_oplog *pending, struct ic_strv *out)
{
	const char *path = cx->proto == IPTABLES_IPV6 ? "/proc/net/ip6_tables_names"
						      : "/proc/net/ip_tables_names";
	char name[64];
	FILE *f = fopen(path, "re");
	int rc = 0;

	if (!f)
		return 0;	/* no legacy table loaded yet */
	while (!rc && fgets(name, sizeof(name), f)) {
		name[strcspn(name, "\n")] = '\0';
		if (name[0] && ic_strv_push(out, name))
			rc = ic_err_nomem(cx->err, ic_prog(cx));
	}
	fclose(f);
	return rc;
}
