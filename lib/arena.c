/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdalign.h>
#include <stddef.h>
#include <sys/mman.h>

#include "arena.h"

#define ARENA_FIRST (16 * 1024)	/* a call's few ops stay small ... */
#define ARENA_CHUNK (1024 * 1024)	/* ... and a bulk restore grows to this */

struct ic_arena_chunk {
	struct ic_arena_chunk *next;
	size_t used, size, mapped;
	alignas(max_align_t) unsigned char data[];
};

/* Populated in one call: first-touch page faults, one per page, cost more than the copies
 * that fill the arena (bulk transactions keep several MB here). */
static struct ic_arena_chunk *chunk_map(size_t size)
{
	size_t mapped = sizeof(struct ic_arena_chunk) + size;
	struct ic_arena_chunk *c;

	c = mmap(NULL, mapped, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (c == MAP_FAILED)
		return NULL;
	c->size = size;
	c->used = 0;
	c->mapped = mapped;
	return c;
}

void *ic_arena_alloc(struct ic_arena *a, size_t size)
{
	struct ic_arena_chunk *c = a->head;
	size_t need = (size + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);

	if (!c || c->size - c->used < need) {
		size_t csize = c ? (c->size * 2 < ARENA_CHUNK ? c->size * 2 : ARENA_CHUNK)
				 : ARENA_FIRST;

		if (csize < need)
			csize = need;
		c = chunk_map(csize);
		if (!c)
			return NULL;
		c->next = a->head;
		a->head = c;
	}
	c->used += need;
	return c->data + c->used - need;
}

void ic_arena_free(struct ic_arena *a)
{
	struct ic_arena_chunk *c, *next;

	for (c = a->head; c; c = next) {
		next = c->next;
		munmap(c, c->mapped);
	}
	a->head = NULL;
}

