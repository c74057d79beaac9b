/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Extension facts for printers and backends: lookups by name and revision that never raise,
 * fresh match blobs, blob sizes, "is this a target's name".
 *
 * xtables_find_match/target hand out a private clone when the registered extension is in use
 * by a parse (->m / ->t set); a clone's ->next points to itself, which would make a revision
 * walk spin. Such clones are freed and the registered list walked instead.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "xt_internal.h"

static bool ext_same(const char *name, const char *ename, uint8_t efamily, uint8_t nfproto)
{
	return !strcmp(name, ename) && (efamily == nfproto || efamily == NFPROTO_UNSPEC);
}

struct xtables_match *ic_xt_match_lookup(const char *name, uint8_t nfproto)
{
	struct xtables_match *clone, *m;

	if (strlen(name) >= XT_EXTENSION_MAXNAMELEN || strchr(name, '/'))
		return NULL;		/* xtables_find_match would raise / load a path */
	m = xtables_find_match(name, XTF_TRY_LOAD, NULL);
	if (!m || m->next != m)
		return m;
	clone = m;
	for (m = xtables_matches; m; m = m->next)
		if (ext_same(clone->name, m->name, m->family, nfproto))
			break;
	free(clone);
	return m;
}

struct xtables_match *ic_xt_match_revision(struct xtables_match *first, int rev,
					   uint8_t nfproto)
{
	struct xtables_match *m;

	for (m = first; m && ext_same(first->name, m->name, m->family, nfproto); m = m->next)
		if (m->revision == rev)
			return m;
	return NULL;
}

struct xtables_target *ic_xt_target_lookup(const char *name, uint8_t nfproto)
{
	struct xtables_target *clone, *t;

	if (strlen(name) >= XT_EXTENSION_MAXNAMELEN || strchr(name, '/'))
		return NULL;
	t = xtables_find_target(name, XTF_TRY_LOAD);
	if (!t || t->next != t)
		return t;
	clone = t;
	for (t = xtables_targets; t; t = t->next)
		if (ext_same(clone->name, t->name, t->family, nfproto))
			break;
	free(clone);
	return t;
}

struct xtables_target *ic_xt_target_revision(struct xtables_target *first, int rev,
					     uint8_t nfproto)
{
	struct xtables_target *t;

	for (t = first; t && ext_same(first->name, t->name, t->family, nfproto); t = t->next)
		if (t->revision == rev)
			return t;
	return NULL;
}

/* ---- a fresh match ---- */

/*
 * The first fresh match of each family and name is kept and copied for the later ones: the
 * nf_tables decoder asks for one per rule it reads (a tcp match for every --dport), and a
 * run of libxtables costs more than the decoding. What init writes depends on nothing else,
 * and libxtables keeps the revision it chose at load for the life of the process. Added to
 * under ic_xt_mu (inside a run), read without it: a slot is published by the count.
 */
#define MATCH_TEMPLATES 64

static struct {
	uint8_t nfproto;
	char name[XT_EXTENSION_MAXNAMELEN];
	struct ic_match m;
} templates[MATCH_TEMPLATES];
static atomic_size_t ntemplates;

static const struct ic_match *template_find(uint8_t nfproto, const char *name)
{
	size_t n = atomic_load_explicit(&ntemplates, memory_order_acquire);

	for (size_t i = 0; i < n; i++)
		if (templates[i].nfproto == nfproto && !strcmp(templates[i].name, name))
			return &templates[i].m;
	return NULL;
}

static int template_copy(const struct ic_match *t, struct ic_match *out)
{
	out->blob = malloc(t->blob->u.match_size);
	if (!out->blob)
		return -1;
	memcpy(out->blob, t->blob, t->blob->u.match_size);
	out->userspacesize = t->userspacesize;
	return 0;
}

/* Under ic_xt_mu. Nothing is kept when the table is full or memory is short. */
static void template_keep(uint8_t nfproto, const char *name, const struct ic_match *m)
{
	size_t n = atomic_load_explicit(&ntemplates, memory_order_relaxed);

	if (n == MATCH_TEMPLATES || template_find(nfproto, name) ||
	    strlen(name) >= sizeof(templates[n].name) || template_copy(m, &templates[n].m))
		return;
	templates[n].nfproto = nfproto;
	strcpy(templates[n].name, name);
	atomic_store_explicit(&ntemplates, n + 1, memory_order_release);
}

struct match_new {
	const char *name;
	struct ic_match *out;
	struct xtables_rule_match *list;	/* the clone xtables_find_match made */
};

static int match_new_run(void *arg)
{
	struct match_new *c = arg;
	struct xtables_match *m;
	size_t size;

	if (strlen(c->name) >= XT_EXTENSION_MAXNAMELEN || strchr(c->name, '/'))
		m = NULL;
	else
		m = xtables_find_match(c->name, XTF_TRY_LOAD, &c->list);
	if (!m)
		return ic_err_set(ic_xt_cur_err(), IPTABLES_ENOTFOUND,
				  "Couldn't load match `%s':%s", c->name, strerror(ENOENT));
	size = XT_ALIGN(sizeof(struct xt_entry_match)) + m->size;
	m->m = ic_xt_alloc(size);
	m->m->u.match_size = size;
	strcpy(m->m->u.user.name, m->real_name ? m->real_name : m->name);
	m->m->u.user.revision = m->revision;
	if (m->udata_size) {
		free(m->udata);
		m->udata = ic_xt_alloc(m->udata_size);
	}
	if (m->init)
		m->init(m->m);
	c->out->blob = m->m;
	c->out->userspacesize = m->userspacesize;
	m->m = NULL;
	template_keep(ic_xt_cur_family()->nfproto, c->name, c->out);
	return 0;
}

static void match_new_done(void *arg)
{
	struct match_new *c = arg;
	struct xtables_rule_match *mp;

	for (mp = c->list; mp; mp = mp->next) {
		free(mp->match->udata);
		mp->match->udata = NULL;
		free(mp->match->m);
		mp->match->m = NULL;
	}
	xtables_rule_matches_free(&c->list);
}

int ic_xt_match_new(uint8_t nfproto, const char *name, struct ic_match *out, struct ic_err *err)
{
	struct match_new c = { .name = name, .out = out };
	const struct ic_xt_call call = {
		.nfproto = nfproto, .fn = match_new_run, .cleanup = match_new_done, .arg = &c,
	};
	const struct ic_match *t = template_find(nfproto, name);
	int rc;

	memset(out, 0, sizeof(*out));
	if (t)
		return template_copy(t, out) ? ic_err_nomem(err, ic_xt_family(nfproto)->prog) : 0;
	rc = ic_xt_run(&call, err);
	if (rc) {
		free(out->blob);
		memset(out, 0, sizeof(*out));
	}
	return rc;
}

/* ---- a fresh target ---- */

struct target_new {
	const char *name;
	size_t data_size;
	struct xt_entry_target *out;
	size_t userspacesize;
};

static int target_new_run(void *arg)
{
	struct target_new *c = arg;
	struct xtables_target *t = ic_xt_target_lookup(c->name, ic_xt_cur_family()->nfproto);
	size_t data;

	if (!t)
		return ic_err_set(ic_xt_cur_err(), IPTABLES_ENOTFOUND,
				  "Couldn't load target `%s':%s", c->name, strerror(ENOENT));
	data = c->data_size ? XT_ALIGN(c->data_size) : t->size;
	c->out = ic_xt_alloc(XT_ALIGN(sizeof(struct xt_entry_target)) + data);
	c->out->u.target_size = XT_ALIGN(sizeof(struct xt_entry_target)) + data;
	strcpy(c->out->u.user.name, t->real_name ? t->real_name : t->name);
	c->out->u.user.revision = t->revision;
	c->userspacesize = t->userspacesize;
	return 0;
}

int ic_xt_target_new(uint8_t nfproto, const char *name, size_t data_size,
		     struct xt_entry_target **out, size_t *userspacesize, struct ic_err *err)
{
	struct target_new c = { .name = name, .data_size = data_size };
	const struct ic_xt_call call = { .nfproto = nfproto, .fn = target_new_run, .arg = &c };
	int rc = ic_xt_run(&call, err);

	if (rc) {
		free(c.out);
		c.out = NULL;
		c.userspacesize = 0;
	}
	*out = c.out;
	*userspacesize = c.userspacesize;
	return rc;
}

/* ---- sizes ---- */

struct ext_sizes {
	bool target;
	const char *name;
	uint8_t revision;
	size_t size, userspacesize;
};

static int ext_sizes_run(void *arg)
{
	struct ext_sizes *c = arg;
	uint8_t nfproto = ic_xt_cur_family()->nfproto;
	struct xtables_target *t;
	struct xtables_match *m;

	if (c->target) {
		t = ic_xt_target_lookup(c->name, nfproto);
		t = t ? ic_xt_target_revision(t, c->revision, nfproto) : NULL;
		if (t) {
			c->size = t->size;
			c->userspacesize = t->userspacesize;
			return 0;
		}
	} else {
		m = ic_xt_match_lookup(c->name, nfproto);
		m = m ? ic_xt_match_revision(m, c->revision, nfproto) : NULL;
		if (m) {
			c->size = m->size;
			c->userspacesize = m->userspacesize;
			return 0;
		}
	}
	return ic_err_set(ic_xt_cur_err(), IPTABLES_ENOTFOUND, "Can't find library for %s `%s'",
			  c->target ? "target" : "match", c->name);
}

int ic_xt_ext_sizes(uint8_t nfproto, bool target, const char *name, uint8_t revision,
		    size_t *size, size_t *userspacesize, struct ic_err *err)
{
	struct ext_sizes c = { .target = target, .name = name, .revision = revision };
	const struct ic_xt_call call = { .nfproto = nfproto, .fn = ext_sizes_run, .arg = &c };
	int rc = ic_xt_run(&call, err);

	*size = c.size;
	*userspacesize = c.userspacesize;
	return rc;
}

/* ---- target names ---- */

static int is_target_run(void *arg)
{
	const char *name = arg;

	if (strchr(name, '/'))
		return 0;	/* never a path for libxtables to dlopen */
	return xtables_find_target(name, XTF_TRY_LOAD) != NULL;
}

int ic_xt_is_target(uint8_t nfproto, const char *mode, const char *name, struct ic_err *err)
{
	const struct ic_xt_call call = {
		.nfproto = nfproto, .mode = mode, .fn = is_target_run, .arg = (void *)name,
	};

	return ic_xt_run(&call, err);
}
