/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The read-only calls: listing rules and chains, counters. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int begin_read(struct iptables *h, const char *table, const char *chain, bool need_chain)
{
	int rc;

	pthread_mutex_lock(&h->mu);
	rc = ic_check_table(h, table);
	if (!rc && (chain || need_chain))
		rc = ic_check_chain(h, chain);
	if (rc)
		pthread_mutex_unlock(&h->mu);
	return rc;
}

static int hand_out(struct ic_strv *s, int rc, char ***lines, size_t *n)
{
	if (rc) {
		ic_strv_clear(s);
		return rc;
	}
	/* an empty result still hands out a valid, NULL-terminated array */
	if (!s->v) {
		s->v = calloc(1, sizeof(char *));
		if (!s->v)
			return IPTABLES_ENOMEM;
	}
	*lines = s->v;
	*n = s->n;
	return 0;
}

static int list_common(iptables *h, const char *table, const char *chain, bool counters,
		       char ***lines, size_t *n)
{
	struct ic_strv s = { 0 };
	int rc;

	if (!h)
		return IPTABLES_EINVAL;
	if (!lines || !n)
		return ic_error(h, IPTABLES_EINVAL, "NULL output argument");
	*lines = NULL;
	*n = 0;
	rc = begin_read(h, table, chain, false);
	if (rc)
		return rc;
	rc = h->be->list(h, table, chain, counters, &s);
	pthread_mutex_unlock(&h->mu);
	return hand_out(&s, rc, lines, n);
}

IPTABLES_API int iptables_list(iptables *h, const char *table, const char *chain, char ***lines,
			       size_t *n)
{
	return list_common(h, table, chain, false, lines, n);
}

IPTABLES_API int iptables_list_with_counters(iptables *h, const char *table, const char *chain,
					     char ***lines, size_t *n)
{
	return list_common(h, table, chain, true, lines, n);
}

IPTABLES_API int iptables_list_by_id(iptables *h, const char *table, const char *chain, int pos,
				     char **line)
{
	struct ic_strv s = { 0 };
	int rc;

	if (!h)
		return IPTABLES_EINVAL;
	if (!line)
		return ic_error(h, IPTABLES_EINVAL, "NULL output argument");
	*line = NULL;
	rc = begin_read(h, table, chain, true);
	if (rc)
		return rc;
	if (pos < 1) {
		pthread_mutex_unlock(&h->mu);
		return ic_param_error(h, "Invalid rule number `%d'", pos);
	}
	rc = h->be->list(h, table, chain, false, &s);
	pthread_mutex_unlock(&h->mu);
	if (rc)
		goto out;
	/* line 0 is the chain's -P / -N line */
	if ((size_t)pos >= s.n) {
		rc = ic_error(h, IPTABLES_ENOTFOUND, "%s: Index of rule too big (%d > %zu).",
			       ic_prog(h), pos, s.n ? s.n - 1 : 0);
		goto out;
	}
	*line = s.v[pos];
	s.v[pos] = strdup("");
out:
	ic_strv_clear(&s);
	return rc;
}

IPTABLES_API int iptables_list_chains(iptables *h, const char *table, char ***chains, size_t *n)
{
	struct ic_strv s = { 0 };
	int rc;

	if (!h)
		return IPTABLES_EINVAL;
	if (!chains || !n)
		return ic_error(h, IPTABLES_EINVAL, "NULL output argument");
	*chains = NULL;
	*n = 0;
	rc = begin_read(h, table, NULL, false);
	if (rc)
		return rc;
	rc = h->be->list_chains(h, table, &s);
	pthread_mutex_unlock(&h->mu);
	return hand_out(&s, rc, chains, n);
}

IPTABLES_API int iptables_stats(iptables *h, const char *table, const char *chain,
				struct iptables_stat **stats, size_t *n)
{
	struct ic_statv s = { 0 };
	int rc;

	if (!h)
		return IPTABLES_EINVAL;
	if (!stats || !n)
		return ic_error(h, IPTABLES_EINVAL, "NULL output argument");
	*stats = NULL;
	*n = 0;
	rc = begin_read(h, table, chain, true);
	if (rc)
		return rc;
	rc = h->be->stats(h, table, chain, &s);
	pthread_mutex_unlock(&h->mu);
	if (rc) {
		ic_statv_clear(&s);
		return rc;
	}
	*stats = s.v;
	*n = s.n;
	return 0;
}
