/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the handle believes the kernel holds: per table, the chains and their decoded rules
 * with handles, valid while the kernel's generation id is the one they were read at. A call
 * costs one GETGEN when nothing changed; after another writer's change the tables are read
 * again, lazily, one table at a time.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_tables.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>

#include "nft.h"
#include "../vec.h"

/* iptables-nft 1.8.9's xtables_ipv4[] (the same for ip6), in NFT_TABLE_* order, which is
 * the order iptables-nft-save prints tables in. */
const struct ic_nft_tabledef ic_nft_tables[] = {
	{ "mangle", {
		{ "PREROUTING", NF_INET_PRE_ROUTING, "filter", -150 },
		{ "INPUT", NF_INET_LOCAL_IN, "filter", -150 },
		{ "FORWARD", NF_INET_FORWARD, "filter", -150 },
		{ "OUTPUT", NF_INET_LOCAL_OUT, "route", -150 },
		{ "POSTROUTING", NF_INET_POST_ROUTING, "filter", -150 } }, 5 },
	{ "security", {
		{ "INPUT", NF_INET_LOCAL_IN, "filter", 150 },
		{ "FORWARD", NF_INET_FORWARD, "filter", 150 },
		{ "OUTPUT", NF_INET_LOCAL_OUT, "filter", 150 } }, 3 },
	{ "raw", {
		{ "PREROUTING", NF_INET_PRE_ROUTING, "filter", -300 },
		{ "OUTPUT", NF_INET_LOCAL_OUT, "filter", -300 } }, 2 },
	{ "filter", {
		{ "INPUT", NF_INET_LOCAL_IN, "filter", 0 },
		{ "FORWARD", NF_INET_FORWARD, "filter", 0 },
		{ "OUTPUT", NF_INET_LOCAL_OUT, "filter", 0 } }, 3 },
	{ "nat", {
		{ "PREROUTING", NF_INET_PRE_ROUTING, "nat", -100 },
		{ "INPUT", NF_INET_LOCAL_IN, "nat", 100 },
		{ "OUTPUT", NF_INET_LOCAL_OUT, "nat", -100 },
		{ "POSTROUTING", NF_INET_POST_ROUTING, "nat", 100 } }, 4 },
};
const size_t ic_nft_ntables = sizeof(ic_nft_tables) / sizeof(ic_nft_tables[0]);

const struct ic_nft_tabledef *ic_nft_tabledef(const char *name)
{
	for (size_t i = 0; i < ic_nft_ntables; i++)
		if (!strcmp(ic_nft_tables[i].name, name))
			return &ic_nft_tables[i];
	return NULL;
}

/* ---- the model ---- */

void ic_nft_rule_free(struct ic_nft_rule *r)
{
	if (!r)
		return;
	free(r->msg);
	ic_rule_free(&r->r);
	free(r);
}

/* After rules left @c: it is compatible again once its last opaque rule is gone. */
static void chain_recheck(struct ic_nft_chain *c)
{
	if (!c->incompatible || c->foreign)
		return;
	for (size_t i = 0; i < c->n; i++)
		if (c->rules[i]->opaque)
			return;
	c->incompatible = 0;
}

/*
 * A chain's rules[] and keys[] are windows c->off entries into their allocations: a rule
 * that leaves or joins the front half moves the rules before it, not those after it, so a
 * restore deleting a chain's rules from the top costs O(1) a rule instead of O(n).
 */
static void window_reset(struct ic_nft_chain *c)
{
	c->off = 0;
	c->rules = c->rbase;
	c->keys = c->kbase;
}

/* Room for one more rule at the back of the window. 0 or -1 (ENOMEM). */
static int window_grow(struct ic_nft_chain *c)
{
	if (c->off + c->n + 1 <= c->cap && c->off + c->n + 1 <= c->kcap)
		return 0;
	if (c->off) {
		memmove(c->rbase, c->rules, c->n * sizeof(*c->rules));
		memmove(c->kbase, c->keys, c->n * sizeof(*c->keys));
		window_reset(c);
	}
	if (IC_VEC_RESERVE(c->rbase, c->cap, c->n + 1) ||
	    IC_VEC_RESERVE(c->kbase, c->kcap, c->n + 1)) {
		window_reset(c);
		return -1;
	}
	window_reset(c);
	return 0;
}

void ic_nft_chain_flush(struct ic_nft_chain *c)
{
	for (size_t i = 0; i < c->n; i++)
		ic_nft_rule_free(c->rules[i]);
	c->n = 0;
	c->encoded = 0;
	window_reset(c);
	chain_recheck(c);
}

static void chain_free(struct ic_nft_chain *c)
{
	ic_nft_chain_flush(c);
	free(c->rbase);
	free(c->kbase);
	free(c);
}

static void table_clear(struct ic_nft_table *t)
{
	for (size_t i = 0; i < t->n; i++)
		chain_free(t->chains[i]);
	free(t->chains);
	t->chains = NULL;
	t->n = t->cap = 0;
	t->loaded = t->in_kernel = false;
}

struct ic_nft_chain *ic_nft_chain_find(const struct ic_nft_table *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->chains[i]->name, name))
			return t->chains[i];
	return NULL;
}

static struct ic_nft_chain *chain_new(const char *name, int hook)
{
	struct ic_nft_chain *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->hook = hook;
	return c;
}

/* Built-ins first by hook, then user chains by strcmp: nft_chain_foreach's order after
 * nft_cache_sort_chains. */
static bool chain_before(const struct ic_nft_chain *a, const struct ic_nft_chain *b)
{
	if (a->hook >= 0 || b->hook >= 0)
		return b->hook < 0 || (a->hook >= 0 && a->hook < b->hook);
	return strcmp(a->name, b->name) < 0;
}

static int chain_place(struct ic_nft_table *t, struct ic_nft_chain *c)
{
	size_t i = 0;

	if (IC_VEC_RESERVE(t->chains, t->cap, t->n + 1))
		return -1;
	while (i < t->n && chain_before(t->chains[i], c))
		i++;
	memmove(&t->chains[i + 1], &t->chains[i], (t->n - i) * sizeof(*t->chains));
	t->chains[i] = c;
	t->n++;
	return 0;
}

static void chain_unplace(struct ic_nft_table *t, struct ic_nft_chain *c)
{
	for (size_t i = 0; i < t->n; i++) {
		if (t->chains[i] == c) {
			memmove(&t->chains[i], &t->chains[i + 1],
				(t->n - i - 1) * sizeof(*t->chains));
			t->n--;
			return;
		}
	}
}

struct ic_nft_chain *ic_nft_chain_add(struct ic_nft_table *t, const char *name)
{
	struct ic_nft_chain *c = chain_new(name, -1);

	if (c && chain_place(t, c)) {
		free(c);
		c = NULL;
	}
	return c;
}

void ic_nft_chain_remove(struct ic_nft_table *t, struct ic_nft_chain *c)
{
	chain_unplace(t, c);
	chain_free(c);
}

static void retarget(struct ic_nft_table *t, const char *from, const char *to)
{
	for (size_t i = 0; i < t->n; i++) {
		struct ic_nft_chain *c = t->chains[i];

		for (size_t k = 0; k < c->n; k++) {
			struct ic_rule *r = &c->rules[k]->r;

			if (c->rules[k]->opaque || r->target || strcmp(r->jumpto, from))
				continue;
			snprintf(r->jumpto, sizeof(r->jumpto), "%s", to);
			c->keys[k] = ic_nft_rule_key(t->nfproto, r);
		}
	}
}

void ic_nft_chain_rename(struct ic_nft_table *t, struct ic_nft_chain *c, const char *name)
{
	char old[IC_NFT_NAMELEN];

	memcpy(old, c->name, sizeof(old));
	chain_unplace(t, c);
	snprintf(c->name, sizeof(c->name), "%s", name);
	/* removing freed a slot, so placing it again allocates nothing */
	(void)chain_place(t, c);
	retarget(t, old, name);
}

int ic_nft_rule_insert(struct ic_nft_chain *c, size_t i, struct ic_nft_rule *r, uint64_t key)
{
	if (c->off && i < c->n / 2) {
		c->off--;
		c->rules--;
		c->keys--;
		memmove(&c->rules[0], &c->rules[1], i * sizeof(*c->rules));
		memmove(&c->keys[0], &c->keys[1], i * sizeof(*c->keys));
	} else {
		if (window_grow(c))
			return -1;
		memmove(&c->rules[i + 1], &c->rules[i], (c->n - i) * sizeof(*c->rules));
		memmove(&c->keys[i + 1], &c->keys[i], (c->n - i) * sizeof(*c->keys));
	}
	c->rules[i] = r;
	c->keys[i] = key;
	c->n++;
	c->encoded += ic_nft_rule_encoded(r);
	return 0;
}

void ic_nft_rule_set(struct ic_nft_chain *c, size_t i, struct ic_nft_rule *r, uint64_t key)
{
	c->encoded += ic_nft_rule_encoded(r);
	c->encoded -= ic_nft_rule_encoded(c->rules[i]);
	ic_nft_rule_free(c->rules[i]);
	c->rules[i] = r;
	c->keys[i] = key;
	chain_recheck(c);
}

void ic_nft_rule_remove(struct ic_nft_chain *c, size_t i)
{
	c->encoded -= ic_nft_rule_encoded(c->rules[i]);
	ic_nft_rule_free(c->rules[i]);
	if (i < c->n / 2) {
		memmove(&c->rules[1], &c->rules[0], i * sizeof(*c->rules));
		memmove(&c->keys[1], &c->keys[0], i * sizeof(*c->keys));
		c->off++;
		c->rules++;
		c->keys++;
	} else {
		memmove(&c->rules[i], &c->rules[i + 1], (c->n - i - 1) * sizeof(*c->rules));
		memmove(&c->keys[i], &c->keys[i + 1], (c->n - i - 1) * sizeof(*c->keys));
	}
	if (--c->n == 0)
		window_reset(c);
	chain_recheck(c);
}

/* Rule @i of @c from what was kept encoded: its decoded form and key, or opaque. */
static int rule_ready(struct ic_nft_chain *c, size_t i, uint8_t nfproto, struct ic_err *err)
{
	struct ic_nft_rule *m = c->rules[i];
	struct nftnl_rule *parsed = NULL;
	struct ic_err derr = { 0 };
	int rc = IPTABLES_ENOMEM;

	if (m->msg && (parsed = nftnl_rule_alloc()) &&
	    nftnl_rule_nlmsg_parse(m->msg, parsed) < 0)
		rc = IPTABLES_EUNSUPPORTED;	/* our own message: cannot happen */
	else if (!m->msg || parsed)
		rc = ic_nft_decode(nfproto, m->msg ? parsed : m->enc, &m->r, &derr);
	if (parsed)
		nftnl_rule_free(parsed);
	if (rc == IPTABLES_ENOMEM) {
		memset(&m->r, 0, sizeof(m->r));
		return ic_err_nomem(err, nfproto == NFPROTO_IPV6 ? "ip6tables" : "iptables");
	}
	free(m->msg);
	m->msg = NULL;
	m->enc = NULL;
	c->encoded--;
	if (rc) {
		ic_rule_free(&m->r);
		memset(&m->r, 0, sizeof(m->r));
		m->opaque = true;
		if (!c->incompatible)
			c->incompatible = rc;
		c->keys[i] = 0;
		return 0;
	}
	c->keys[i] = ic_nft_rule_key(nfproto, &m->r);
	return 0;
}

int ic_nft_chain_ready(struct ic_nft_chain *c, uint8_t nfproto, struct ic_err *err)
{
	int rc = 0;

	for (size_t i = 0; i < c->n && c->encoded && !rc; i++)
		if (ic_nft_rule_encoded(c->rules[i]))
			rc = rule_ready(c, i, nfproto, err);
	return rc;
}

int ic_nft_table_ready(struct ic_nft_table *t, uint8_t nfproto, struct ic_err *err)
{
	int rc = 0;

	for (size_t i = 0; i < t->n && !rc; i++)
		rc = ic_nft_chain_ready(t->chains[i], nfproto, err);
	return rc;
}

ssize_t ic_nft_rule_find(struct ic_nft_chain *c, uint8_t nfproto, const struct ic_rule *want,
			 uint64_t key, struct ic_err *err)
{
	int rc = ic_nft_chain_ready(c, nfproto, err);

	if (rc)
		return rc;
	for (size_t i = 0; i < c->n; i++)
		if (c->keys[i] == key && ic_nft_rule_same(nfproto, want, &c->rules[i]->r))
			return (ssize_t)i;
	return -1;
}

/* ---- the cache ---- */

int ic_nft_cache_init(struct ic_nft_cache *c)
{
	memset(c, 0, sizeof(*c));
	c->tables = calloc(ic_nft_ntables, sizeof(*c->tables));
	if (!c->tables)
		return -1;
	for (size_t i = 0; i < ic_nft_ntables; i++)
		c->tables[i].def = &ic_nft_tables[i];
	return 0;
}

int ic_nft_cache_listen(struct ic_ctx *cx, struct ic_nft_cache *c)
{
	return ic_nft_events_open(cx, &c->ev);
}

void ic_nft_cache_forget(struct ic_nft_cache *c, unsigned mask)
{
	if (c->tables)
		for (size_t i = 0; i < ic_nft_ntables; i++)
			if (mask & (1u << i))
				table_clear(&c->tables[i]);
}

void ic_nft_cache_drop(struct ic_nft_cache *c)
{
	ic_nft_cache_forget(c, ~0u);
	c->valid = false;
}

void ic_nft_cache_free(struct ic_nft_cache *c)
{
	ic_nft_cache_drop(c);
	ic_nft_events_close(&c->ev);
	free(c->tables);
	c->tables = NULL;
}

/* The kernel is at @gen: keep what other writers did not touch when the events say what
 * they touched, all of it when the cache was there already. */
static void move_to(struct ic_nft_cache *c, uint8_t family, uint32_t gen)
{
	if (!c->valid || (gen != c->gen && !ic_nft_events_complete(&c->ev, family, gen)))
		ic_nft_cache_drop(c);
	else if (gen != c->gen)
		ic_nft_cache_forget(c, c->ev.changed);
	c->ev.changed = 0;
	c->gen = gen;
	c->valid = true;
}

int ic_nft_cache_check(struct ic_ctx *cx, struct ic_nft_sock *s, struct ic_nft_cache *c)
{
	uint32_t gen;
	int rc;

	ic_nft_events_read(&c->ev, ic_nft_family(cx));
	rc = ic_nft_genid(cx, s, &gen);
	if (rc)
		return rc;
	move_to(c, ic_nft_family(cx), gen);
	return 0;
}

void ic_nft_cache_committed(struct ic_nft_cache *c, uint32_t gen)
{
	ic_nft_events_own(&c->ev, gen);
	c->gen = gen;
}

void ic_nft_cache_unmute(struct ic_ctx *cx, struct ic_nft_sock *s, struct ic_nft_cache *c,
			 bool committed, uint32_t own)
{
	struct ic_nft_events *ev = &c->ev;
	uint32_t now;

	if (!ic_nft_events_unmute(ev, ic_nft_family(cx)))
		return;
	/* a commit that got its generation before this GETGEN may have been announced while
	 * we were out; one after it is announced to us whole */
	if (ic_nft_genid(cx, s, &now) || ev->pending ||
	    now != (committed ? own : ev->seen) || (!committed && !ev->seen_valid)) {
		ev->lost = true;
		return;
	}
	ev->seen = now;
	ev->seen_valid = true;
}

bool ic_nft_cache_still_valid(struct ic_ctx *cx, struct ic_nft_sock *s, struct ic_nft_cache *c,
			      unsigned mask)
{
	uint32_t gen;

	ic_nft_events_read(&c->ev, ic_nft_family(cx));
	if (ic_nft_genid(cx, s, &gen) || !ic_nft_events_complete(&c->ev, ic_nft_family(cx), gen)) {
		/* what changed cannot be told: nothing held is known to be as it was */
		ic_nft_cache_drop(c);
		return false;
	}
	if (c->ev.changed & mask) {
		/* the tables the batch was computed on changed */
		ic_nft_cache_forget(c, mask | c->ev.changed);
		c->ev.changed = 0;
		c->gen = gen;
		return false;
	}
	ic_nft_cache_forget(c, c->ev.changed);
	c->ev.changed = 0;
	c->gen = gen;
	return true;
}

/* ---- reading a table ---- */

struct load {
	struct ic_ctx *cx;
	struct ic_nft_table *t;
	struct ic_nft_chain *last;	/* rules come chain by chain */
};

static int table_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct load *l = arg;
	struct nftnl_table *nt = nftnl_table_alloc();
	const char *name;

	if (!nt)
		return IPTABLES_ENOMEM;
	if (nftnl_table_nlmsg_parse(nlh, nt) == 0) {
		name = nftnl_table_get_str(nt, NFTNL_TABLE_NAME);
		if (name && !strcmp(name, l->t->def->name))
			l->t->in_kernel = true;
	}
	nftnl_table_free(nt);
	return 0;
}

static bool same_table(const char *name, const struct ic_nft_table *t)
{
	return name && !strcmp(name, t->def->name);
}

static const struct ic_nft_builtin *builtin_of(const struct ic_nft_tabledef *d, const char *name)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->chains[i].name, name))
			return &d->chains[i];
	return NULL;
}

static int chain_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct load *l = arg;
	struct nftnl_chain *nc = nftnl_chain_alloc();
	const struct ic_nft_builtin *b;
	struct ic_nft_chain *c;
	const char *name;
	int rc = 0;

	if (!nc)
		return IPTABLES_ENOMEM;
	/* the kernel does not filter chain dumps by table */
	if (nftnl_chain_nlmsg_parse(nlh, nc) < 0 || !(name = nftnl_chain_get_str(nc, NFTNL_CHAIN_NAME)) ||
	    !same_table(nftnl_chain_get_str(nc, NFTNL_CHAIN_TABLE), l->t))
		goto out;
	b = builtin_of(l->t->def, name);
	if (nftnl_chain_is_set(nc, NFTNL_CHAIN_HOOKNUM)) {
		c = b ? ic_nft_chain_find(l->t, name) : NULL;
		if (!c) {
			/* a base chain iptables-nft does not know (nft made it) */
			c = ic_nft_chain_add(l->t, name);
			if (!c) {
				rc = IPTABLES_ENOMEM;
			} else {
				c->incompatible = IPTABLES_EUNSUPPORTED;
				c->foreign = true;
			}
		}
		if (c) {
			c->drop = nftnl_chain_is_set(nc, NFTNL_CHAIN_POLICY) &&
				  nftnl_chain_get_u32(nc, NFTNL_CHAIN_POLICY) == NF_DROP;
			c->pcnt = nftnl_chain_get_u64(nc, NFTNL_CHAIN_PACKETS);
			c->bcnt = nftnl_chain_get_u64(nc, NFTNL_CHAIN_BYTES);
		}
	} else {
		c = ic_nft_chain_find(l->t, name);
		if (c && c->hook >= 0) {
			c->incompatible = IPTABLES_EUNSUPPORTED;	/* a user chain named INPUT */
			c->foreign = true;
		}
		else if (!c && !(c = ic_nft_chain_add(l->t, name)))
			rc = IPTABLES_ENOMEM;
	}
	if (c)
		c->handle = nftnl_chain_get_u64(nc, NFTNL_CHAIN_HANDLE);
out:
	nftnl_chain_free(nc);
	return rc;
}

static int rule_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct load *l = arg;
	struct nftnl_rule *nr = nftnl_rule_alloc();
	struct ic_nft_rule *r = NULL;
	struct ic_err derr = { 0 };
	const char *chain;
	int rc = IPTABLES_ENOMEM;

	if (!nr)
		return rc;
	if (nftnl_rule_nlmsg_parse(nlh, nr) < 0 || !(chain = nftnl_rule_get_str(nr, NFTNL_RULE_CHAIN)) ||
	    !same_table(nftnl_rule_get_str(nr, NFTNL_RULE_TABLE), l->t)) {
		rc = 0;
		goto out;
	}
	if (!l->last || strcmp(l->last->name, chain))
		l->last = ic_nft_chain_find(l->t, chain);
	if (!l->last) {
		rc = 0;		/* a chain created after the chain dump: the gen check catches it */
		goto out;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		goto out;
	r->handle = nftnl_rule_get_u64(nr, NFTNL_RULE_HANDLE);
	rc = ic_nft_decode(ic_nft_family(l->cx), nr, &r->r, &derr);
	if (rc == IPTABLES_ENOMEM)
		goto out;
	if (rc) {
		ic_rule_free(&r->r);
		memset(&r->r, 0, sizeof(r->r));
		r->opaque = true;
		if (!l->last->incompatible)
			l->last->incompatible = rc;
	}
	rc = ic_nft_rule_insert(l->last, l->last->n, r,
				r->opaque ? 0 : ic_nft_rule_key(ic_nft_family(l->cx), &r->r))
		? IPTABLES_ENOMEM : 0;
	if (!rc)
		r = NULL;
out:
	ic_nft_rule_free(r);
	nftnl_rule_free(nr);
	return rc;
}

static int builtins_init(struct ic_nft_table *t)
{
	for (size_t i = 0; i < t->def->n; i++) {
		struct ic_nft_chain *c = chain_new(t->def->chains[i].name, t->def->chains[i].hook);

		if (!c || chain_place(t, c)) {
			free(c);
			return -1;
		}
	}
	return 0;
}

/* Read @t whole: 0, IC_NFT_AGAIN when a commit interrupted a dump (everything was read, but
 * maybe not at one generation), or a recorded code. */
#ifdef IC_TEST_HOOKS
unsigned long ic_test_nft_loads;
#endif

static int load(struct ic_ctx *cx, struct ic_nft_sock *s, struct ic_nft_table *t)
{
	static const uint16_t dumps[] = { NFT_MSG_GETTABLE, NFT_MSG_GETCHAIN, NFT_MSG_GETRULE };
	static ic_nft_msg_cb *const cbs[] = { table_cb, chain_cb, rule_cb };
	struct load l = { cx, t, NULL };
	bool interrupted = false;
	int rc = 0;

#ifdef IC_TEST_HOOKS
	ic_test_nft_loads++;
#endif
	table_clear(t);
	t->nfproto = ic_nft_family(cx);
	if (builtins_init(t))
		return ic_err_nomem(cx->err, ic_prog(cx));
	for (size_t i = 0; i < 3 && !rc && (i == 0 || t->in_kernel); i++) {
		rc = ic_nft_dump(cx, s, dumps[i], ic_nft_family(cx), i == 2 ? t->def->name : NULL,
				 cbs[i], &l);
		if (rc == IC_NFT_AGAIN) {
			interrupted = true;
			rc = 0;
		}
	}
	if (rc == IPTABLES_ENOMEM)
		return ic_err_nomem(cx->err, ic_prog(cx));
	return rc ? rc : interrupted ? IC_NFT_AGAIN : 0;
}

static unsigned loaded_mask(const struct ic_nft_cache *c)
{
	unsigned m = 0;

	for (size_t i = 0; i < ic_nft_ntables; i++)
		if (c->tables[i].loaded)
			m |= 1u << i;
	return m;
}

/*
 * After a read during which the generation may have moved: bring the cache to the kernel's
 * generation when the events show that no table it holds was touched meanwhile (then what
 * was read is one generation's). IC_NFT_AGAIN when a held table was touched or it cannot be
 * told: those tables (or all) are forgotten, and the call starts again.
 */
static int advance(struct ic_ctx *cx, struct ic_nft_sock *s, struct ic_nft_cache *c)
{
	unsigned held = loaded_mask(c);
	uint32_t gen;
	int rc;

	ic_nft_events_read(&c->ev, ic_nft_family(cx));
	rc = ic_nft_genid(cx, s, &gen);
	if (rc)
		return rc;
	if (gen == c->gen)
		return 0;
	if (!ic_nft_events_complete(&c->ev, ic_nft_family(cx), gen)) {
		ic_nft_cache_drop(c);
		return IC_NFT_AGAIN;
	}
	if (c->ev.changed & held) {
		ic_nft_cache_forget(c, c->ev.changed);
		c->ev.changed = 0;
		c->gen = gen;
		return IC_NFT_AGAIN;
	}
	c->ev.changed = 0;
	c->gen = gen;
	return 0;
}

int ic_nft_cache_table(struct ic_ctx *cx, struct ic_nft_sock *s, struct ic_nft_cache *c,
		       const char *table, bool counters, bool consistent,
		       struct ic_nft_table **out)
{
	const struct ic_nft_tabledef *d = ic_nft_tabledef(table);
	struct ic_nft_table *t;
	int rc;

	*out = NULL;
	if (!d)
		return ic_error(cx, IPTABLES_ENOTFOUND, "%s v%d.%d.%d (%s): table '%s' does not exist\n"
				"Perhaps iptables or your kernel needs to be upgraded.", ic_prog(cx),
				cx->ver_major, cx->ver_minor, cx->ver_patch, cx->mode, table);
	t = &c->tables[d - ic_nft_tables];
	if (t->loaded && !counters) {
		*out = t;
		return 0;
	}
	rc = load(cx, s, t);
	/* A reader must see one generation. A writer need not, unless a dump was interrupted:
	 * its batch carries the generation the cache was read at, and the kernel refuses it if
	 * anything moved. */
	if (rc == IC_NFT_AGAIN || (!rc && consistent)) {
		t->loaded = true;
		rc = advance(cx, s, c);
	}
	if (rc) {
		/* nothing half-read stays */
		table_clear(t);
		return rc;
	}
	t->loaded = true;
	*out = t;
	return 0;
}
