/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interposition of libxtables' registration functions, so both address families work in
 * one process.
 *
 * An extension .so registers the targets of every family from its constructor, which runs
 * once per process; libxtables keeps only those of the family current at that moment and
 * drops the rest for good. We export our own xtables_register_target(s) (and the match
 * variants, for symmetry) from libiptables-c.so: extensions bind to them, we record each
 * target and forward it to libxtables' real function (dlsym(RTLD_NEXT)) when its family is
 * current, and the others later, when ic_xt_enter switches libxtables to their family.
 * Matches are never dropped by family, so they are forwarded at once.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>

#include "xt_internal.h"

#define IC_EXPORT __attribute__((visibility("default")))

typedef void (*reg_match_fn)(struct xtables_match *);
typedef void (*reg_target_fn)(struct xtables_target *);

struct tg_rec {
	struct xtables_target *t;
	bool forwarded;
};

static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
static struct tg_rec *recs;
static size_t nrecs, caprecs;

IC_EXPORT void xtables_register_match(struct xtables_match *me);
IC_EXPORT void xtables_register_matches(struct xtables_match *me, unsigned int n);
IC_EXPORT void xtables_register_target(struct xtables_target *me);
IC_EXPORT void xtables_register_targets(struct xtables_target *me, unsigned int n);

/* Local aliases: their addresses are ours even when the global symbol resolves elsewhere. */
extern void ic_xt_own_register_target(struct xtables_target *me)
	__attribute__((alias("xtables_register_target"), visibility("hidden")));

static reg_match_fn real_match(void)
{
	static reg_match_fn fn;

	if (!fn)
		fn = (reg_match_fn)dlsym(RTLD_NEXT, "xtables_register_match");
	return fn;
}

static reg_target_fn real_target(void)
{
	static reg_target_fn fn;

	if (!fn)
		fn = (reg_target_fn)dlsym(RTLD_NEXT, "xtables_register_target");
	return fn;
}

bool ic_xt_register_interposed(void)
{
	void *sym = dlsym(RTLD_DEFAULT, "xtables_register_target");

	return sym == (void *)ic_xt_own_register_target && real_target() != NULL;
}

static bool family_current(uint16_t family)
{
	return family == NFPROTO_UNSPEC || (afinfo && family == afinfo->family);
}

void xtables_register_match(struct xtables_match *me)
{
	reg_match_fn fn = real_match();

	if (fn)
		fn(me);
}

void xtables_register_matches(struct xtables_match *me, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		xtables_register_match(&me[i]);
}

/* Record @t; false when out of memory (then it is forwarded at once, as without us). */
static bool record(struct xtables_target *t, bool forwarded)
{
	struct tg_rec *nr;
	size_t ncap;

	if (nrecs == caprecs) {
		ncap = caprecs ? caprecs * 2 : 64;
		nr = realloc(recs, ncap * sizeof(*nr));
		if (!nr)
			return false;
		recs = nr;
		caprecs = ncap;
	}
	recs[nrecs].t = t;
	recs[nrecs].forwarded = forwarded;
	nrecs++;
	return true;
}

void xtables_register_target(struct xtables_target *me)
{
	reg_target_fn fn = real_target();
	bool now;

	if (!fn)
		return;
	pthread_mutex_lock(&reg_mu);
	now = family_current(me->family);
	if (!record(me, now))
		now = true;
	pthread_mutex_unlock(&reg_mu);
	if (now)
		fn(me);
}

void xtables_register_targets(struct xtables_target *me, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		xtables_register_target(&me[i]);
}

void ic_xt_register_sync(void)
{
	reg_target_fn fn = real_target();
	size_t i;

	if (!fn || !afinfo)
		return;
	pthread_mutex_lock(&reg_mu);
	for (i = 0; i < nrecs; i++) {
		if (recs[i].forwarded || !family_current(recs[i].t->family))
			continue;
		recs[i].forwarded = true;
		fn(recs[i].t);
	}
	pthread_mutex_unlock(&reg_mu);
}
