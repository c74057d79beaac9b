/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What libxtables and its extensions would exit for, turned into errors of the run in
 * progress (issue 13). Two paths reach exit() without going through xt_params->exit_err,
 * which the door's trap already handles:
 *
 * 1. Out of memory. xtables_malloc/calloc/realloc/strdup print and exit(1) on failure, and
 *    libxtables calls them through its PLT, as extensions do. We export our own (as
 *    xt_register.c exports xtables_register_target): inside a trapped run of this thread a
 *    failed allocation raises IPTABLES_ENOMEM; anywhere else, for a host that uses
 *    libxtables itself, we forward to libxtables' own function, which behaves as always.
 *
 * 2. Direct exit() calls: libxt_rateest's print and save call exit(1) on a rule without a
 *    mode, libxtables calls exit(1) on "already registered"... Interposing exit() for the
 *    process would change it for the host too (its own exit() calls, a signal handler that
 *    exits while a run is in progress on that thread): not acceptable in a library. Instead
 *    we rebind only the callers we are responsible for: the GOT slots through which
 *    libxtables and the extension objects (files under xtables_libdir) reach exit() are
 *    pointed at ic_xt_exit_guard. The guard raises an error when the calling thread is
 *    inside a trapped run of this process (not a child forked meanwhile); otherwise it calls
 *    the real exit(), so even those objects exit as before when used outside our door. The
 *    host program's own exit(), and every other library's, is never touched.
 *    Extensions are patched as they register (the constructor runs inside dlopen, before any
 *    of their callbacks can), libxtables and already loaded extensions when the door first
 *    opens. A GOT inside PT_GNU_RELRO is made writable for the one store and read-only
 *    again. A process that dlopen()s us with RTLD_LOCAL keeps libxtables' allocators (our
 *    exports are not in the global scope); the exit() patch does not depend on that.
 */
#include <dlfcn.h>
#include <link.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "xt_internal.h"

#define IC_EXPORT __attribute__((visibility("default")))

/* ELF64_R_SYM / ELF32_R_SYM for this process's class */
#if __ELF_NATIVE_CLASS == 64
#define IC_R_SYM(i) ELF64_R_SYM(i)
#else
#define IC_R_SYM(i) ELF32_R_SYM(i)
#endif

/*
 * Registration runs in an extension's constructor, inside dlopen: a longjmp from there
 * would leave the dynamic loader's lock taken and its state half-done. While a registration
 * of this thread is forwarded to libxtables, its exits stay exits (as without us); the
 * other libxtables paths of a run are free to raise.
 */
static __thread int registering;

void ic_xt_register_begin(void)
{
	registering++;
}

void ic_xt_register_end(void)
{
	registering--;
}

static bool may_raise(void)
{
	return !registering && ic_xt_trapped();
}

/* ---- 1. allocation ---- */

#ifdef IC_TEST_HOOKS
long ic_test_xt_alloc_fail_at;	/* see xt_internal.h */

static bool inject_failure(void)
{
	if (ic_test_xt_alloc_fail_at <= 0)
		return false;
	return --ic_test_xt_alloc_fail_at == 0;
}
#else
static inline bool inject_failure(void)
{
	return false;
}
#endif

/* libxtables' own function @name, for calls outside a trapped run. */
static void *real_fn(void **cache, const char *name)
{
	if (!*cache)
		*cache = dlsym(RTLD_NEXT, name);
	return *cache;
}

/* NULL from an allocator inside a trapped run: the run fails with ENOMEM. */
static void *checked(void *p)
{
	if (!p)
		ic_xt_raise_nomem();
	return p;
}

IC_EXPORT void *xtables_malloc(size_t size);
IC_EXPORT void *xtables_calloc(size_t count, size_t size);
IC_EXPORT void *xtables_realloc(void *ptr, size_t size);
IC_EXPORT char *xtables_strdup(const char *s);

void *xtables_malloc(size_t size)
{
	static void *real;
	void *(*fn)(size_t);

	if (may_raise())
		return checked(inject_failure() ? NULL : malloc(size));
	fn = (void *(*)(size_t))real_fn(&real, "xtables_malloc");
	return fn ? fn(size) : malloc(size);
}

void *xtables_calloc(size_t count, size_t size)
{
	static void *real;
	void *(*fn)(size_t, size_t);

	if (may_raise())
		return checked(inject_failure() ? NULL : calloc(count, size));
	fn = (void *(*)(size_t, size_t))real_fn(&real, "xtables_calloc");
	return fn ? fn(count, size) : calloc(count, size);
}

void *xtables_realloc(void *ptr, size_t size)
{
	static void *real;
	void *(*fn)(void *, size_t);

	/* on failure @ptr stays the caller's, as realloc leaves it */
	if (may_raise())
		return checked(inject_failure() ? NULL : realloc(ptr, size));
	fn = (void *(*)(void *, size_t))real_fn(&real, "xtables_realloc");
	return fn ? fn(ptr, size) : realloc(ptr, size);
}

char *xtables_strdup(const char *s)
{
	static void *real;
	char *(*fn)(const char *);

	if (may_raise())
		return checked(inject_failure() ? NULL : strdup(s));
	fn = (char *(*)(const char *))real_fn(&real, "xtables_strdup");
	return fn ? fn(s) : strdup(s);
}

/* ---- 2. exit() in libxtables and the extensions ---- */

static __attribute__((noreturn)) void ic_xt_exit_guard(int status)
{
	Dl_info info;
	const char *who = "libxtables";

	if (may_raise()) {
		/* the object that called: the return address is in its code */
		if (dladdr(__builtin_return_address(0), &info) && info.dli_fname) {
			who = strrchr(info.dli_fname, '/');
			who = who ? who + 1 : info.dli_fname;
		}
		ic_xt_raise_exit(status, who);
	}
	exit(status);
}

/* Relocated d_ptr of a dynamic entry: glibc rewrites most in place, a few ports do not. */
static uintptr_t dyn_ptr(ElfW(Addr) base, ElfW(Addr) p)
{
	return p < base ? p + base : p;
}

struct relro {
	uintptr_t start, end;
};

static void store_slot(uintptr_t slot, const struct relro *ro)
{
	long page = sysconf(_SC_PAGESIZE);
	uintptr_t pg = slot & ~((uintptr_t)page - 1);
	bool locked = slot >= ro->start && slot < ro->end;
	void *guard = (void *)ic_xt_exit_guard;

	if (*(void **)slot == guard)
		return;
	if (locked && mprotect((void *)pg, (size_t)page, PROT_READ | PROT_WRITE))
		return;		/* left as it was: exit() stays exit() */
	__atomic_store_n((void **)slot, guard, __ATOMIC_RELEASE);
	if (locked)
		mprotect((void *)pg, (size_t)page, PROT_READ);
}

/* Point every relocation of @rels that binds undefined symbol "exit" at the guard. */
static void patch_rels(ElfW(Addr) base, const unsigned char *rels, size_t size, size_t ent,
		       bool rela, const ElfW(Sym) *symtab, const char *strtab,
		       const struct relro *ro)
{
	size_t off;

	if (!rels || !ent)
		return;
	for (off = 0; off + ent <= size; off += ent) {
		ElfW(Addr) r_offset;
		size_t sym;

		if (rela) {
			const ElfW(Rela) *r = (const ElfW(Rela) *)(rels + off);

			r_offset = r->r_offset;
			sym = IC_R_SYM(r->r_info);
		} else {
			const ElfW(Rel) *r = (const ElfW(Rel) *)(rels + off);

			r_offset = r->r_offset;
			sym = IC_R_SYM(r->r_info);
		}
		if (!sym || symtab[sym].st_shndx != SHN_UNDEF ||
		    strcmp(strtab + symtab[sym].st_name, "exit"))
			continue;
		store_slot(base + r_offset, ro);
	}
}

static void patch_object(const struct dl_phdr_info *o)
{
	const ElfW(Dyn) *dyn = NULL, *d;
	const ElfW(Sym) *symtab = NULL;
	const char *strtab = NULL;
	const unsigned char *jmprel = NULL, *rela = NULL, *rel = NULL;
	size_t pltrelsz = 0, relasz = 0, relsz = 0, relaent = sizeof(ElfW(Rela));
	size_t relent = sizeof(ElfW(Rel));
	bool plt_rela = true;
	struct relro ro = { 0, 0 };
	int i;

	for (i = 0; i < o->dlpi_phnum; i++) {
		const ElfW(Phdr) *p = &o->dlpi_phdr[i];

		if (p->p_type == PT_DYNAMIC)
			dyn = (const ElfW(Dyn) *)(o->dlpi_addr + p->p_vaddr);
		else if (p->p_type == PT_GNU_RELRO) {
			long page = sysconf(_SC_PAGESIZE);

			ro.start = (o->dlpi_addr + p->p_vaddr) & ~((uintptr_t)page - 1);
			ro.end = o->dlpi_addr + p->p_vaddr + p->p_memsz;
		}
	}
	if (!dyn)
		return;
	for (d = dyn; d->d_tag != DT_NULL; d++) {
		switch (d->d_tag) {
		case DT_SYMTAB:
			symtab = (const void *)dyn_ptr(o->dlpi_addr, d->d_un.d_ptr);
			break;
		case DT_STRTAB:
			strtab = (const void *)dyn_ptr(o->dlpi_addr, d->d_un.d_ptr);
			break;
		case DT_JMPREL:
			jmprel = (const void *)dyn_ptr(o->dlpi_addr, d->d_un.d_ptr);
			break;
		case DT_PLTRELSZ:
			pltrelsz = d->d_un.d_val;
			break;
		case DT_PLTREL:
			plt_rela = d->d_un.d_val == DT_RELA;
			break;
		case DT_RELA:
			rela = (const void *)dyn_ptr(o->dlpi_addr, d->d_un.d_ptr);
			break;
		case DT_RELASZ:
			relasz = d->d_un.d_val;
			break;
		case DT_RELAENT:
			relaent = d->d_un.d_val;
			break;
		case DT_REL:
			rel = (const void *)dyn_ptr(o->dlpi_addr, d->d_un.d_ptr);
			break;
		case DT_RELSZ:
			relsz = d->d_un.d_val;
			break;
		case DT_RELENT:
			relent = d->d_un.d_val;
			break;
		}
	}
	if (!symtab || !strtab)
		return;
	patch_rels(o->dlpi_addr, jmprel, pltrelsz, plt_rela ? relaent : relent, plt_rela, symtab,
		   strtab, &ro);
	patch_rels(o->dlpi_addr, rela, relasz, relaent, true, symtab, strtab, &ro);
	patch_rels(o->dlpi_addr, rel, relsz, relent, false, symtab, strtab, &ro);
}

static bool contains(const struct dl_phdr_info *o, uintptr_t addr)
{
	for (int i = 0; i < o->dlpi_phnum; i++) {
		const ElfW(Phdr) *p = &o->dlpi_phdr[i];
		uintptr_t start = o->dlpi_addr + p->p_vaddr;

		if (p->p_type == PT_LOAD && addr >= start && addr - start < p->p_memsz)
			return true;
	}
	return false;
}

#ifndef IC_XTABLES_LIBDIR
#define IC_XTABLES_LIBDIR "/usr/lib/xtables"
#endif

/* Where libxtables loads extensions from: xtables_init's choice (its xtables_libdir is
 * static), a ':'-separated list. */
static const char *libdirs(void)
{
	static const char *const env[] = { "XTABLES_LIBDIR", "IPTABLES_LIB_DIR",
					   "IP6TABLES_LIB_DIR" };
	const char *v;

	for (size_t i = 0; i < sizeof(env) / sizeof(env[0]); i++)
		if ((v = getenv(env[i])))
			return v;
	return IC_XTABLES_LIBDIR;
}

/* True when @path is a file right in one of the extension directories. */
static bool in_libdir(const char *path)
{
	const char *dir = libdirs(), *end;
	size_t n;

	if (!dir || !path || path[0] != '/')
		return false;
	for (; *dir; dir = *end ? end + 1 : end) {
		end = strchrnul(dir, ':');
		n = (size_t)(end - dir);
		while (n > 1 && dir[n - 1] == '/')
			n--;
		if (n && !strncmp(path, dir, n) && path[n] == '/' && !strchr(path + n + 1, '/'))
			return true;
	}
	return false;
}

struct sweep {
	uintptr_t addr;		/* the object containing this address, or 0: */
	uintptr_t libxt;	/* libxtables (contains this address) and the extension files */
};

static int sweep_one(struct dl_phdr_info *o, size_t size, void *arg)
{
	const struct sweep *s = arg;

	if (s->addr ? contains(o, s->addr)
		    : contains(o, s->libxt) || in_libdir(o->dlpi_name))
		patch_object(o);
	return 0;
}

void ic_xt_guard_object(const void *addr)
{
	struct sweep s = { .addr = (uintptr_t)addr };

	if (addr)
		dl_iterate_phdr(sweep_one, &s);
}

void ic_xt_guard_all(void)
{
	struct sweep s = { .libxt = (uintptr_t)(void *)xtables_init };

	dl_iterate_phdr(sweep_one, &s);
}

/* ---- match registration: only to guard the extension before its callbacks run ---- */

typedef void (*reg_match_fn)(struct xtables_match *);
typedef void (*reg_matches_fn)(struct xtables_match *, unsigned int);

IC_EXPORT void xtables_register_match(struct xtables_match *me);
IC_EXPORT void xtables_register_matches(struct xtables_match *me, unsigned int n);

void xtables_register_match(struct xtables_match *me)
{
	static void *real;
	reg_match_fn fn = (reg_match_fn)real_fn(&real, "xtables_register_match");

	ic_xt_guard_object(me);
	ic_xt_register_begin();
	if (fn)
		fn(me);
	ic_xt_register_end();
}

void xtables_register_matches(struct xtables_match *me, unsigned int n)
{
	static void *real;
	reg_matches_fn fn = (reg_matches_fn)real_fn(&real, "xtables_register_matches");

	ic_xt_guard_object(me);
	ic_xt_register_begin();
	if (fn)
		fn(me, n);
	ic_xt_register_end();
}
