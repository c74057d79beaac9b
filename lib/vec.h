/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one growable-array helper: every array the library grows goes through it, so the
 * size arithmetic is checked for overflow in one place.
 *
 *	struct thing *v = NULL; size_t n = 0, cap = 0;
 *	if (IC_VEC_RESERVE(v, cap, n + 1)) return ENOMEM-path;
 *	v[n++] = x;
 */
#ifndef IC_VEC_H
#define IC_VEC_H

#include <stddef.h>

#include "err.h"

/* Make *v (elements of @size bytes, *cap of them allocated) hold at least @need elements,
 * growing geometrically. 0, or -1 when out of memory or the size would overflow; *v and
 * *cap are untouched then. */
int ic_vec_reserve(void **v, size_t *cap, size_t need, size_t size) IC_HIDDEN;

#define IC_VEC_RESERVE(ptr, cap, need) \
	ic_vec_reserve((void **)&(ptr), &(cap), (need), sizeof(*(ptr)))

#endif
