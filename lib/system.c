/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which iptables the system runs. Debian and most distributions point `iptables` at
 * xtables-nft-multi or xtables-legacy-multi through alternatives symlinks; where the name
 * finally leads tells the variant without running anything.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "backend.h"

static bool find_in_path(const char *name, char *buf, size_t len)
{
	const char *path = getenv("PATH");
	const char *p, *end;

	if (!path || !*path)
		path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	for (p = path; *p; p = *end ? end + 1 : end) {
		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		if (end == p)
			continue;
		if ((size_t)snprintf(buf, len, "%.*s/%s", (int)(end - p), p, name) >= len)
			continue;
		if (access(buf, X_OK) == 0)
			return true;
	}
	return false;
}

enum ic_variant ic_system_variant(enum iptables_proto proto)
{
	const char *name = proto == IPTABLES_IPV6 ? "ip6tables" : "iptables";
	char found[PATH_MAX], real[PATH_MAX];
	const char *base;

	if (!find_in_path(name, found, sizeof(found)))
		return IC_VARIANT_NONE;
	if (!realpath(found, real))
		return IC_VARIANT_OTHER;
	base = strrchr(real, '/');
	base = base ? base + 1 : real;
	if (strstr(base, "nft"))
		return IC_VARIANT_NFT;
	if (strstr(base, "legacy"))
		return IC_VARIANT_LEGACY;
	return IC_VARIANT_OTHER;
}

bool ic_kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return false;
	return ma > major || (ma == major && mi >= minor);
}
