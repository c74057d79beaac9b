/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Chain-level model of a table during a transaction (see exec_model.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec_model.h"
#include "vec.h"

void xm_free(struct xmodel *m)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		free(m->c[i].name);
		free(m->c[i].kname);
	}
	free(m->c);
	free(m->t);
	memset(m, 0, sizeof(*m));
}

static struct xm_chain *add_chain(struct xmodel *m, const char *table, const char *name,
				  bool in_kernel, bool builtin)
{
	struct xm_chain *c;

	if (IC_VEC_RESERVE(m->c, m->cap, m->n + 1))
		return NULL;
	c = &m->c[m->n];
	c->table = table;
	c->builtin = builtin;
	c->exists = true;
	c->name = strdup(name);
	c->kname = in_kernel ? strdup(name) : NULL;
	if (!c->name || (in_kernel && !c->kname)) {
		free(c->name);
		free(c->kname);
		return NULL;
	}
	m->n++;
	return c;
}

static struct xm_table *find_table(struct xmodel *m, const char *table)
{
	size_t i;

	for (i = 0; i < m->nt; i++)
		if (!strcmp(m->t[i].name, table))
			return &m->t[i];
	return NULL;
}

/* One `-S` of the whole table: "-P NAME POLICY" lines (built-ins), then "-N NAME" lines. */
static int load_chains(struct xmodel *m, const char *table, struct xm_table *t)
{
	struct ic_strv lines = { 0 };
	size_t i;
	int rc;

	rc = ic_exec_list(m->cx, table, NULL, false, &lines);
	if (rc == IPTABLES_ENOTFOUND) {
		t->missing = true;
		rc = 0;
	}
	for (i = 0; !rc && i < lines.n; i++) {
		const char *l = lines.v[i], *e;
		bool builtin = !strncmp(l, "-P ", 3);
		char name[64];

		if (!builtin && strncmp(l, "-N ", 3))
			break;
		e = strchr(l + 3, ' ');
		snprintf(name, sizeof(name), "%.*s", e ? (int)(e - l - 3) : (int)strlen(l + 3),
			 l + 3);
		if (!add_chain(m, table, name, true, builtin))
			rc = ic_error(m->cx, IPTABLES_ENOMEM, "out of memory");
	}
	ic_strv_clear(&lines);
	return rc;
}

bool xm_loaded(struct xmodel *m, const char *table)
{
	return find_table(m, table) != NULL;
}

int xm_load(struct xmodel *m, const char *table)
{
	struct xm_table *t = find_table(m, table);

	if (t)
		return 0;
	if (IC_VEC_RESERVE(m->t, m->tcap, m->nt + 1))
		return ic_error(m->cx, IPTABLES_ENOMEM, "out of memory");
	t = &m->t[m->nt++];
	t->name = table;
	t->missing = false;
	return load_chains(m, table, t);
}

struct xm_chain *xm_find(struct xmodel *m, const char *table, const char *name)
{
	size_t i;

	for (i = 0; i < m->n; i++) {
		struct xm_chain *c = &m->c[i];

		if (c->exists && !strcmp(c->table, table) && !strcmp(c->name, name))
			return c;
	}
	return NULL;
}

static int rename_chain(struct xmodel *m, struct xm_chain *c, const char *to)
{
	char *n = strdup(to);

	if (!n)
		return ic_error(m->cx, IPTABLES_ENOMEM, "out of memory");
	free(c->name);
	c->name = n;
	return 0;
}

int xm_apply(struct xmodel *m, const struct ic_op *op)
{
	struct xm_chain *c;
	size_t i;

	if (!find_table(m, op->table))
		return 0;	/* not loaded: nobody asks about it */
	c = op->chain ? xm_find(m, op->table, op->chain) : NULL;
	switch (op->code) {
	case IC_OP_NEW_CHAIN:
	case IC_OP_CLEAR_CHAIN:
		if (!c && !add_chain(m, op->table, op->chain, false, false))
			return ic_error(m->cx, IPTABLES_ENOMEM, "out of memory");
		return 0;
	case IC_OP_DELETE_CHAIN:
	case IC_OP_CLEAR_AND_DELETE_CHAIN:
		if (c)
			c->exists = false;
		return 0;
	case IC_OP_RENAME_CHAIN:
		return c ? rename_chain(m, c, op->arg) : 0;
	case IC_OP_DELETE_ALL:
		for (i = 0; i < m->n; i++)
			if (!strcmp(m->c[i].table, op->table) && !m->c[i].builtin)
				m->c[i].exists = false;
		return 0;
	default:
		return 0;
	}
}
