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
#include "xt_lock.h"

int tc_session_begin(struct tc_session *s, struct iptables *h)
{
	char err[IPT_ERRMSG_MAX];
	int fd;

	memset(s, 0, sizeof(*s));
	s->h = h;
	s->f = tc_family_of(h->proto);
	s->lockfd = -1;
	fd = xt_lock_acquire(h->lockfile, h->timeout_s, err, sizeof(err));
	if (fd < 0)
		return ipt_error(h, fd, "%s", err);
	s->lockfd = fd;
	return 0;
}

static struct tc_table *table_find(struct tc_session *s, const char *table)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->tabs[i].name, table) == 0)
			return &s->tabs[i];
	return NULL;
}

static struct tc_table *table_add(struct tc_session *s, const char *table)
{
	struct tc_table *nt;
	size_t ncap;

	if (s->n == s->cap) {
		ncap = s->cap ? s->cap * 2 : 4;
		nt = realloc(s->tabs, ncap * sizeof(*nt));
		if (!nt)
			return NULL;
		s->tabs = nt;
		s->cap = ncap;
	}
	nt = &s->tabs[s->n];
	nt->name = strdup(table);
	if (!nt->name)
		return NULL;
	nt->xh = NULL;
	s->n++;
	return nt;
}

int tc_session_table(struct tc_session *s, const char *table, struct tc_table **out)
{
	struct tc_table *t = table_find(s, table);

	if (!t)
		t = table_add(s, table);
	if (!t)
		return ipt_error(s->h, IPTABLES_ENOMEM, "%s: Memory allocation problem.",
				 ipt_prog(s->h));
	if (!t->xh) {
		errno = 0;
		t->xh = s->f->init(table);
		if (!t->xh)
			return tc_fail(s->h, TC_FN_INIT, errno, table);
	}
	*out = t;
	return 0;
}

void (*ipt_test_before_commit)(const char *table);

int tc_table_commit(struct tc_session *s, struct tc_table *t)
{
	int ok, err;

	if (!t->xh)
		return 0;
	if (ipt_test_before_commit)
		ipt_test_before_commit(t->name);
	errno = 0;
	ok = s->f->commit(t->xh);
	err = errno;
	tc_table_drop(s, t);
	if (ok)
		return 0;
	if (err == EAGAIN)
		return TC_RETRY;
	return tc_fail(s->h, TC_FN_COMMIT, err, NULL);
}

void tc_table_drop(struct tc_session *s, struct tc_table *t)
{
	if (t->xh) {
		s->f->free(t->xh);
		t->xh = NULL;
	}
}

void tc_session_drop(struct tc_session *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		tc_table_drop(s, &s->tabs[i]);
}

void tc_session_end(struct tc_session *s)
{
	size_t i;

	tc_session_drop(s);
	for (i = 0; i < s->n; i++)
		free(s->tabs[i].name);
	free(s->tabs);
	s->tabs = NULL;
	s->n = s->cap = 0;
	xt_lock_release(s->lockfd);
	s->lockfd = -1;
}
