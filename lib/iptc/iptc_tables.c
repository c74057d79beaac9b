/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The legacy tables that exist, in the kernel's order (what iptables-legacy-save prints). */
#include <stdio.h>
#include <string.h>

#include "iptc_backend.h"
#include "../netns.h"

int ic_iptc_list_tables(struct ic_ctx *cx, const struct ic_oplog *pending, struct ic_strv *out)
{
	const char *path = cx->proto == IPTABLES_IPV6 ? "/proc/thread-self/net/ip6_tables_names"
						      : "/proc/thread-self/net/ip_tables_names";
	char name[64];
	int rc, saved;
	FILE *f;

	rc = ic_netns_enter(cx, &saved);
	if (rc)
		return rc;
	f = fopen(path, "re");	/* what this thread's namespace holds */
	ic_netns_leave(saved);
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
