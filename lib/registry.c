/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Every backend the library has. A new backend is one directory plus one row here. */
#include "backend.h"

extern const struct ic_backend ic_backend_libiptc IC_HIDDEN;
extern const struct ic_backend ic_backend_nft IC_HIDDEN;
extern const struct ic_backend ic_backend_exec IC_HIDDEN;
extern const struct ic_backend ic_backend_memory IC_HIDDEN;

const struct ic_backend *const ic_backends[] = {
	&ic_backend_nft,
	&ic_backend_libiptc,
	&ic_backend_exec,
	&ic_backend_memory,
	NULL,
};

const struct ic_backend *ic_backend_find(enum iptables_backend id)
{
	for (const struct ic_backend *const *b = ic_backends; *b; b++)
		if ((*b)->id == id)
			return *b;
	return NULL;
}

const struct ic_backend *ic_backend_for_path(void)
{
	for (const struct ic_backend *const *b = ic_backends; *b; b++)
		if ((*b)->runs_binary)
			return *b;
	return NULL;
}
