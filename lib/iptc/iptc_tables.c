/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The legacy tables that exist, in the kernel's order (what iptables-legacy-save prints),
 * and whether one can be initialised. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <libiptc/libiptc.h>
#include <libiptc/libip6tc.h>

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

/* What iptc_init asks first (SO_GET_INFO on a raw socket, which also loads the table's
 * module), without reading the rules or taking the lock. */
int ic_iptc_table_check(struct ic_ctx *cx, const char *table)
{
	bool v6 = cx->proto == IPTABLES_IPV6;
	struct ipt_getinfo info4;
	struct ip6t_getinfo info6;
	void *info = v6 ? (void *)&info6 : (void *)&info4;
	socklen_t len = v6 ? sizeof(info6) : sizeof(info4);
	int fd, saved, e = 0;

	if (strlen(table) >= XT_TABLE_MAXNAMELEN)
		return ic_iptc_fail(cx, IC_IPTC_FN_INIT, EINVAL, table);
	memset(&info4, 0, sizeof(info4));
	memset(&info6, 0, sizeof(info6));
	strcpy(v6 ? info6.name : info4.name, table);
	if (ic_netns_enter(cx, &saved))
		return ic_iptc_fail(cx, IC_IPTC_FN_INIT, EPERM, table);
	fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fd < 0)
		e = errno;
	else if (getsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
			    v6 ? IP6T_SO_GET_INFO : IPT_SO_GET_INFO, info, &len) < 0)
		e = errno;
	if (fd >= 0)
		close(fd);
	ic_netns_leave(saved);
	return e ? ic_iptc_fail(cx, IC_IPTC_FN_INIT, e, table) : 0;
}
