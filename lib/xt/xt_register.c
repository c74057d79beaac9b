/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interposition of libxtables' xtables_register_target(s), so both address families work
 * in one process.
 *
 * An extension .so registers the targets of every family from its constructor, which runs
 * once per process; libxtables up to at least 1.8.9 keeps only those of the family current
 * at that moment and drops the rest for good (matches are kept whatever their family, so
 * they need nothing). We export our own xtables_register_target(s) from libiptables-c.so:
 * extensions bind to them, we record each target and forward it to libxtables' real function
 * (dlsym(RTLD_NEXT)) when its family is current, and the others later, when ic_xt_run
 * switches libxtables to their family.
 *
 * Build with -DIC_XT_REGISTER_DROPS_FAMILY=0 against a libxtables that keeps other-family
 * targets: then nothing is interposed and one process may use both families as it is.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>

#include "xt_internal.h"
#include "../vec.h"

#ifndef IC_XT_REGISTER_DROPS_FAMILY
#define IC_XT_REGISTER_DROPS_FAMILY 1
#endif

bool ic_xt_register_needed(void)
{
	return IC_XT_REGISTER_DROPS_FAMILY;
}

#if IC_XT_REGISTER_DROPS_FAMILY

#define IC_EXPORT __attribute__((visibility("default")))

typedef void (*reg_target_fn)(struct xtables_target *);

struct tg_rec {
	struct xtables_target *t;
	bool forwarded;
};

static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
static struct tg_rec *recs;
static size_t nrecs, caprecs;

IC_EXPORT void xtables_register_target(struct xtables_target *me);
IC_EXPORT void xtables_register_targets(struct xtables_target *me, unsigned int n);

/* Local alias: its address is ours even when the global symbol resolves elsewhere. */
extern void ic_xt_own_register_target(struct xtables_target *me)
	__attribute__((alias("xtables_register_target"), visibility("hidden")));

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

/* Record @t; false when out of memory (then it is forwarded at once, as without us). */
static bool record(struct xtables_target *t, bool forwarded)
{
	if (IC_VEC_RESERVE(recs, caprecs, nrecs + 1))
		return false;
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
	ic_xt_guard_object(me);		/* before any of its callbacks can run */
	pthread_mutex_lock(&reg_mu);
	now = family_current(me->family);
	if (!record(me, now))
		now = true;
	pthread_mutex_unlock(&reg_mu);
	if (now) {
		ic_xt_register_begin();
		fn(me);
		ic_xt_register_end();
	}
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
		ic_xt_register_begin();	/* under reg_mu: nothing may unwind from here */
		fn(recs[i].t);
		ic_xt_register_end();
	}
	pthread_mutex_unlock(&reg_mu);
}

#else

bool ic_xt_register_interposed(void)
{
	return false;
}

void ic_xt_register_sync(void)
{
}

#endif
