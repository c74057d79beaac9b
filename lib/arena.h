/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A bump arena: memory that lives until the arena is freed, never freed alone. A
 * transaction keeps its op copies and the backend's cached parses in one, since tens of
 * thousands of small long-lived chunks spread through the heap would slow down every malloc
 * the parser makes meanwhile.
 */
#ifndef IC_ARENA_H
#define IC_ARENA_H

#include <stddef.h>

#include "err.h"

struct ic_arena_chunk;

struct ic_arena {
	struct ic_arena_chunk *head;
};

/* max_align_t-aligned, NULL when out of memory. */
void *ic_arena_alloc(struct ic_arena *a, size_t size) IC_HIDDEN;
void ic_arena_free(struct ic_arena *a) IC_HIDDEN;

#endif
