/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Putting tables back after a multi-table commit failed half way.
 *
 * The kernel replaces one table per call, so when table k of a transaction is refused,
 * tables 0..k-1 are already committed. Before the first commit, a pristine handle of every
 * table of the session is read (under the session's lock, so it is the state before the
 * transaction); after a failure, each committed table is read again and rewritten in memory
 * until it equals its pristine copy, then committed.
 *
 * Counters: every rule is copied with the counters it had when the pristine copy was read,
 * and built-in policies get theirs back too, so what the rules counted between that read and
 * the rollback commit (a few milliseconds) is lost. Writers that ignore the xtables lock can
 * still slip in between; their change to a committed table is then overwritten.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "iptc_backend.h"

static int nomem(struct ic_ctx *cx)
{
	return ic_error(cx, IPTABLES_ENOMEM, "%s: Memory allocation problem.", ic_prog(cx));
}

int ic_iptc_pristine_read(struct ic_iptc_session *s, struct ic_iptc_pristine *p)
{
	size_t i;

	p->n = 0;
	p->xh = calloc(s->n ? s->n : 1, sizeof(*p->xh));
	if (!p->xh)
		return nomem(s->cx);
	for (i = 0; i < s->n; i++) {
		p->xh[i] = ic_iptc_init(s->cx, s->f, s->tabs[i].name);
		if (!p->xh[i]) {
			ic_iptc_pristine_free(s, p);
			return ic_iptc_fail(s->cx, IC_IPTC_FN_INIT, errno, s->tabs[i].name);
		}
		p->n = i + 1;
	}
	return 0;
}

void ic_iptc_pristine_free(struct ic_iptc_session *s, struct ic_iptc_pristine *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		if (p->xh[i])
			s->f->ops->free(p->xh[i]);
	free(p->xh);
	p->xh = NULL;
	p->n = 0;
}

static int chain_list(struct ic_iptc_session *s, struct xtc_handle *xh, struct ic_strv *out)
{
	const char *c;

	for (c = s->f->ops->first_chain(xh); c; c = s->f->ops->next_chain(xh))
		if (ic_strv_push(out, c))
			return nomem(s->cx);
	return 0;
}

/* The target of entry @e (either family): where the head's target_offset says. */
static struct xt_entry_target *entry_target(const struct ic_iptc_family *f, void *e)
{
	return (struct xt_entry_target *)((char *)e +
					  ic_xt_head_u16(e, f->xt->head.target_offset));
}

static unsigned int entry_size(const struct ic_iptc_family *f, const void *e)
{
	return ic_xt_head_u16(e, f->xt->head.next_offset);
}

/*
 * Append a copy of @e (an entry of @old) to @chain of @xh. Entries read from the kernel
 * carry the standard target with an empty name and a verdict or jump offset; libiptc wants
 * input entries to name the chain or verdict instead (iptcc_map_target), which
 * get_target() gives. The counters travel with the entry.
 */
static int rule_copy(struct ic_iptc_session *s, struct xtc_handle *old, struct xtc_handle *xh,
		     const char *chain, const void *e)
{
	unsigned int size = entry_size(s->f, e);
	struct xt_entry_target *t;
	const char *name;
	void *copy;
	int ok;

	copy = malloc(size);
	if (!copy)
		return nomem(s->cx);
	memcpy(copy, e, size);
	t = entry_target(s->f, copy);
	if (strcmp(t->u.user.name, XT_STANDARD_TARGET) == 0) {
		name = s->f->get_target(e, old);
		memset(t->u.user.name, 0, sizeof(t->u.user.name));
		strncpy(t->u.user.name, name ? name : "", sizeof(t->u.user.name) - 1);
	}
	errno = 0;
	ok = s->f->append_entry(chain, copy, xh);
	free(copy);
	return ok ? 0 : ic_iptc_fail(s->cx, IC_IPTC_FN_INSERT, errno, NULL);
}

/* Empty every chain of @xh and drop the user chains @old does not have. */
static int clear_current(struct ic_iptc_session *s, struct xtc_handle *old, struct xtc_handle *xh)
{
	struct ic_strv cur = { 0 };
	const char *c;
	size_t i;
	int rc;

	rc = chain_list(s, xh, &cur);
	for (i = 0; !rc && i < cur.n; i++) {
		errno = 0;
		if (!s->f->ops->flush_entries(cur.v[i], xh))
			rc = ic_iptc_fail(s->cx, IC_IPTC_FN_OTHER, errno, NULL);
	}
	for (i = 0; !rc && i < cur.n; i++) {
		c = cur.v[i];
		if (s->f->ops->builtin(c, xh) || s->f->ops->is_chain(c, old))
			continue;
		errno = 0;
		if (!s->f->delete_chain(c, xh))
			rc = ic_iptc_fail(s->cx, IC_IPTC_FN_OTHER, errno, NULL);
	}
	ic_strv_clear(&cur);
	return rc;
}

/* Create the chains of @old that @xh lacks and give built-ins their policy and counters. */
static int chains_restore(struct ic_iptc_session *s, struct xtc_handle *old, struct xtc_handle *xh,
			  const struct ic_strv *want)
{
	struct xt_counters cnt;
	const char *c, *pol;
	size_t i;

	for (i = 0; i < want->n; i++) {
		c = want->v[i];
		errno = 0;
		if (s->f->ops->builtin(c, old)) {
			memset(&cnt, 0, sizeof(cnt));
			pol = s->f->ops->get_policy(c, &cnt, old);
			if (pol && !s->f->ops->set_policy(c, pol, &cnt, xh))
				return ic_iptc_fail(s->cx, IC_IPTC_FN_SET_POLICY, errno, NULL);
		} else if (!s->f->ops->is_chain(c, xh) && !s->f->ops->create_chain(c, xh)) {
			return ic_iptc_fail(s->cx, IC_IPTC_FN_CREATE_CHAIN, errno, NULL);
		}
	}
	return 0;
}

/* Make @xh (the kernel's current table) equal to @old (its pristine copy), in memory. */
static int rebuild(struct ic_iptc_session *s, struct xtc_handle *old, struct xtc_handle *xh)
{
	struct ic_strv want = { 0 };
	const void *e;
	size_t i;
	int rc;

	rc = clear_current(s, old, xh);
	if (!rc)
		rc = chain_list(s, old, &want);
	if (!rc)
		rc = chains_restore(s, old, xh, &want);
	for (i = 0; !rc && i < want.n; i++)
		for (e = s->f->first_rule(want.v[i], old); e && !rc;
		     e = s->f->next_rule(e, old))
			rc = rule_copy(s, old, xh, want.v[i], e);
	ic_strv_clear(&want);
	return rc;
}

/* Read @t again, rewrite it to @old and commit, retrying on EAGAIN like any commit. */
static int table_restore(struct ic_iptc_session *s, struct ic_iptc_table *t, struct xtc_handle *old)
{
	struct ic_iptc_table *cur;
	int rc, tries;

	for (tries = 0;; tries++) {
		rc = ic_iptc_session_table(s, t->name, &cur);
		if (rc)
			return rc;
		rc = rebuild(s, old, cur->xh);
		if (rc) {
			ic_iptc_table_drop(s, cur);
			return rc;
		}
		rc = ic_iptc_table_commit(s, cur);
		if (rc != IC_IPTC_RETRY)
			return rc;
		if (tries == IC_IPTC_MAX_RETRIES)
			return ic_error(s->cx, IPTABLES_ESYS, "%s: %s.", ic_prog(s->cx),
					 strerror(EAGAIN));
	}
}

/* Goes on after a table fails (the others may still be put back); reports the first. */
int ic_iptc_pristine_restore(struct ic_iptc_session *s, const struct ic_iptc_pristine *p, size_t k)
{
	struct ic_err first_err;
	int rc, first = 0;
	size_t i;

	for (i = 0; i < k && i < p->n; i++) {
		rc = table_restore(s, &s->tabs[i], p->xh[i]);
		if (rc && !first) {
			first = rc;
			ic_err_prefix(s->cx->err, "table %s: ", s->tabs[i].name);
			ic_err_capture(&first_err, s->cx->err);
		}
	}
	if (first)
		ic_err_restore(s->cx->err, &first_err);
	return first;
}
