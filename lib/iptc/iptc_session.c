/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A session: the xtables lock, held from reading the first table to committing the last,
 * as iptables-legacy holds it for one command. Each table touched gets one libiptc handle,
 * read lazily. A handle is never used again after iptc_commit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iptc_backend.h"
#include "../lock.h"
#include "../netns.h"
#include "../vec.h"

int ic_iptc_session_begin(struct ic_iptc_session *s, struct ic_ctx *cx)
{
	int fd;

	memset(s, 0, sizeof(*s));
	s->cx = cx;
	s->f = ic_iptc_family_of(cx->proto);
	s->lockfd = -1;
	fd = ic_lock_acquire(cx->err, cx->lockfile, cx->timeout_s);
	if (fd < 0)
		return fd;
	s->lockfd = fd;
	return 0;
}

static struct ic_iptc_table *table_find(struct ic_iptc_session *s, const char *table)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->tabs[i].name, table) == 0)
			return &s->tabs[i];
	return NULL;
}

static struct ic_iptc_table *table_add(struct ic_iptc_session *s, const char *table)
{
	struct ic_iptc_table *nt;

	if (IC_VEC_RESERVE(s->tabs, s->cap, s->n + 1))
		return NULL;
	nt = &s->tabs[s->n];
	nt->name = strdup(table);
	if (!nt->name)
		return NULL;
	nt->xh = NULL;
	s->n++;
	return nt;
}

struct xtc_handle *ic_iptc_init(const struct ic_ctx *cx, const struct ic_iptc_family *f,
			       const char *table)
{
	struct xtc_handle *xh;
	int saved, e;

	if (ic_netns_enter(cx, &saved)) {
		errno = EPERM;
		return NULL;
	}
	errno = 0;
	xh = f->ops->init(table);
	e = errno;
	ic_netns_leave(saved);
	errno = e;
	return xh;
}

int ic_iptc_session_table(struct ic_iptc_session *s, const char *table, struct ic_iptc_table **out)
{
	struct ic_iptc_table *t = table_find(s, table);

	if (!t)
		t = table_add(s, table);
	if (!t)
		return ic_error(s->cx, IPTABLES_ENOMEM, "%s: Memory allocation problem.",
				 ic_prog(s->cx));
	if (!t->xh) {
		t->xh = ic_iptc_init(s->cx, s->f, table);
		if (!t->xh)
			return ic_iptc_fail(s->cx, IC_IPTC_FN_INIT, errno, table);
	}
	*out = t;
	return 0;
}

#ifdef IC_TEST_HOOKS
void (*ic_test_before_commit)(const char *table);
#endif

int ic_iptc_table_commit(struct ic_iptc_session *s, struct ic_iptc_table *t)
{
	int ok, err;

	if (!t->xh)
		return 0;
#ifdef IC_TEST_HOOKS
	if (ic_test_before_commit)
		ic_test_before_commit(t->name);
#endif
	errno = 0;
	ok = s->f->ops->commit(t->xh);
	err = errno;
	ic_iptc_table_drop(s, t);
	if (ok)
		return 0;
	if (err == EAGAIN)
		return IC_IPTC_RETRY;
	return ic_iptc_fail(s->cx, IC_IPTC_FN_COMMIT, err, NULL);
}

void ic_iptc_table_drop(struct ic_iptc_session *s, struct ic_iptc_table *t)
{
	if (t->xh) {
		s->f->ops->free(t->xh);
		t->xh = NULL;
	}
}

void ic_iptc_session_drop(struct ic_iptc_session *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		ic_iptc_table_drop(s, &s->tabs[i]);
}

void ic_iptc_session_end(struct ic_iptc_session *s)
{
	size_t i;

	ic_iptc_session_drop(s);
	for (i = 0; i < s->n; i++)
		free(s->tabs[i].name);
	free(s->tabs);
	s->tabs = NULL;
	s->n = s->cap = 0;
	ic_lock_release(s->lockfd);
	s->lockfd = -1;
}
