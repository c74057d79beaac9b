/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --backend NAME for the example programs. */
#ifndef IPTC_EXAMPLES_BACKEND_NAME_H
#define IPTC_EXAMPLES_BACKEND_NAME_H

#include <iptables-c.h>
#include <stdbool.h>

/* "auto", "libiptc" or "exec" -> *b; false for anything else. */
bool backend_from_name(const char *name, enum iptables_backend *b);

#endif
