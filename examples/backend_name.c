/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <string.h>

#include "backend_name.h"

static const struct {
	const char *name;
	enum iptables_backend backend;
} names[] = {
	{ "auto", IPTABLES_BACKEND_AUTO },
	{ "libiptc", IPTABLES_BACKEND_LIBIPTC },
	{ "exec", IPTABLES_BACKEND_EXEC },
	{ "nft", IPTABLES_BACKEND_NFT },
	{ "memory", IPTABLES_BACKEND_MEMORY },
};

const char *backend_name(enum iptables_backend b)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].backend == b)
			return names[i].name;
	return "?";
}

bool backend_from_name(const char *name, enum iptables_backend *b)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i].name) == 0) {
			*b = names[i].backend;
			return true;
		}
	return false;
}
