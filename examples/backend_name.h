/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --backend NAME for the example programs. */
#ifndef IPTC_EXAMPLES_BACKEND_NAME_H
#define IPTC_EXAMPLES_BACKEND_NAME_H

#include <iptables-c.h>
#include <stdbool.h>

/* "auto", "libiptc", "exec", "nft" or "memory" -> *b; false for anything else. */
bool backend_from_name(const char *name, enum iptables_backend *b);
/* The name of @b, as backend_from_name takes it. */
const char *backend_name(enum iptables_backend b);

#endif
