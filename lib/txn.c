/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Transactions: between begin and commit, mutating calls are checked and logged (deep
 * copies, the caller's buffers may go away); commit hands the whole log to the backend, which
 * applies it as one update per table, or not at all.
 *
 * Everything a transaction keeps (op copies, the backend's cached parses) lives in one bump
 * arena freed at commit or rollback: tens of thousands of small long-lived chunks spread
 * through the heap would slow down every malloc the parser makes meanwhile.
 */
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"
#include "txn.h"

#define ARENA_CHUNK (1024 * 1024)

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

void *ic_txn_alloc(struct iptables *h, size_t size)
{
	struct ic_arena_chunk *c = h->txn_arena;
	size_t need = (size + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);

	if (!c || c->size - c->used < need) {
		size_t csize = need > ARENA_CHUNK ? need : ARENA_CHUNK;

		c = chunk_map(csize);
		if (!c)
			return NULL;
		c->next = h->txn_arena;
		h->txn_arena = c;
	}
	c->used += need;
	return c->data + c->used - need;
}

static void arena_free(struct iptables *h)
{
	struct ic_arena_chunk *c, *next;

	for (c = h->txn_arena; c; c = next) {
		next = c->next;
		munmap(c, c->mapped);
	}
	h->txn_arena = NULL;
}

static size_t str_size(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

static const char *str_put(char **p, const char *s)
{
	const char *at = *p;

	if (!s)
		return NULL;
	memcpy(*p, s, strlen(s) + 1);
	*p += strlen(s) + 1;
	return at;
}

/* One arena block: the spec's pointer array, then every string. */
static int op_copy(struct iptables *h, struct ic_op *dst, const struct ic_op *src)
{
	size_t words = 0, size, i;
	const char **spec;
	char *p;

	while (src->spec && src->spec[words])
		words++;
	size = (src->spec ? (words + 1) * sizeof(char *) : 0) + str_size(src->table) +
	       str_size(src->chain) + str_size(src->arg);
	for (i = 0; i < words; i++)
		size += strlen(src->spec[i]) + 1;
	p = ic_txn_alloc(h, size);
	if (!p)
		return ic_error(h, IPTABLES_ENOMEM, "out of memory");
	*dst = (struct ic_op){ .code = src->code, .pos = src->pos };
	if (src->spec) {
		spec = (const char **)p;
		p += (words + 1) * sizeof(char *);
		for (i = 0; i < words; i++)
			spec[i] = str_put(&p, src->spec[i]);
		spec[words] = NULL;
		dst->spec = spec;
	}
	dst->table = str_put(&p, src->table);
	dst->chain = str_put(&p, src->chain);
	dst->arg = str_put(&p, src->arg);
	return 0;
}

int ic_txn_add(struct iptables *h, const struct ic_op *op)
{
	struct ic_op *nv;
	int rc = 0;

	if (h->txn_err)
		return h->txn_err;
	if (h->txn_n == h->txn_cap) {
		size_t ncap = h->txn_cap ? h->txn_cap * 2 : 64;

		nv = realloc(h->txn_ops, ncap * sizeof(*nv));
		if (!nv)
			rc = ic_error(h, IPTABLES_ENOMEM, "out of memory");
		else {
			h->txn_ops = nv;
			h->txn_cap = ncap;
		}
	}
	if (!rc)
		rc = op_copy(h, &h->txn_ops[h->txn_n], op);
	if (!rc && h->be->validate)
		rc = h->be->validate(h, &h->txn_ops[h->txn_n]);
	if (rc) {
		h->txn_err = rc;
		return rc;
	}
	h->txn_n++;
	return 0;
}

void ic_txn_clear(struct iptables *h)
{
	free(h->txn_ops);
	h->txn_ops = NULL;
	h->txn_n = h->txn_cap = 0;
	h->txn_err = 0;
	h->in_txn = false;
	arena_free(h);
}

IPTABLES_API int iptables_begin(iptables *h)
{
	int rc = 0;

	if (!h)
		return IPTABLES_EINVAL;
	pthread_mutex_lock(&h->mu);
	if (h->in_txn)
		rc = ic_error(h, IPTABLES_EINVAL, "a transaction is already open on this handle");
	else if (!h->be->commit)
		rc = ic_error(h, IPTABLES_EUNSUPPORTED,
			       "transactions are not supported by the %s backend", h->be->name);
	else
		h->in_txn = true;
	pthread_mutex_unlock(&h->mu);
	return rc;
}

IPTABLES_API int iptables_commit(iptables *h)
{
	int rc;

	if (!h)
		return IPTABLES_EINVAL;
	pthread_mutex_lock(&h->mu);
	if (!h->in_txn)
		rc = ic_error(h, IPTABLES_EINVAL, "no transaction is open on this handle");
	else if (h->txn_err)
		rc = h->txn_err;	/* its message was recorded when the call failed */
	else if (h->txn_n == 0)
		rc = 0;
	else
		rc = h->be->commit(h, h->txn_ops, h->txn_n);
	ic_txn_clear(h);
	pthread_mutex_unlock(&h->mu);
	return rc;
}

IPTABLES_API void iptables_rollback(iptables *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->mu);
	ic_txn_clear(h);
	pthread_mutex_unlock(&h->mu);
}
