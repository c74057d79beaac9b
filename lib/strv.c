/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Growable string and stats vectors, and the public functions that free them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "vec.h"

int ic_strv_push_owned(struct ic_strv *s, char *str)
{
	if (!str || IC_VEC_RESERVE(s->v, s->cap, s->n + 2)) {	/* + the NULL terminator */
		free(str);
		return IPTABLES_ENOMEM;
	}
	s->v[s->n++] = str;
	s->v[s->n] = NULL;
	return 0;
}

int ic_strv_push(struct ic_strv *s, const char *str)
{
	return ic_strv_push_owned(s, strdup(str));
}

int ic_strv_push_chain(struct ic_strv *s, const char *chain, const char *policy, bool counters,
		       uint64_t pcnt, uint64_t bcnt)
{
	char *line;
	int len;

	if (!policy)
		len = asprintf(&line, "-N %s", chain);
	else if (counters)
		len = asprintf(&line, "-P %s %s -c %llu %llu", chain, policy,
			       (unsigned long long)pcnt, (unsigned long long)bcnt);
	else
		len = asprintf(&line, "-P %s %s", chain, policy);
	return len < 0 ? IPTABLES_ENOMEM : ic_strv_push_owned(s, line);
}

bool ic_is_verdict(const char *name)
{
	return !strcmp(name, "ACCEPT") || !strcmp(name, "DROP") || !strcmp(name, "QUEUE") ||
	       !strcmp(name, "RETURN");
}

void ic_strv_clear(struct ic_strv *s)
{
	iptables_strv_free(s->v, s->n);
	s->v = NULL;
	s->n = s->cap = 0;
}

struct iptables_stat *ic_statv_add(struct ic_statv *s)
{
	if (IC_VEC_RESERVE(s->v, s->cap, s->n + 1))
		return NULL;
	memset(&s->v[s->n], 0, sizeof(*s->v));
	return &s->v[s->n++];
}

void ic_statv_clear(struct ic_statv *s)
{
	iptables_stats_free(s->v, s->n);
	s->v = NULL;
	s->n = s->cap = 0;
}

IPTABLES_API void iptables_strv_free(char **v, size_t n)
{
	size_t i;

	if (!v)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

IPTABLES_API void iptables_stats_free(struct iptables_stat *s, size_t n)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < n; i++) {
		free(s[i].target);
		free(s[i].protocol);
		free(s[i].opt);
		free(s[i].in);
		free(s[i].out);
		free(s[i].source);
		free(s[i].destination);
		free(s[i].options);
	}
	free(s);
}
