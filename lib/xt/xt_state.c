/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Process-global libxtables state: one mutex around every use of libxtables, its one-time
 * initialisation, the family switch, our exit_err trap and stdout capture.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "xt_internal.h"

#ifndef IC_XTABLES_PKGVERSION
#define IC_XTABLES_PKGVERSION "1.8.9"
#endif

/* libxtables exports the global `line` (used by its own exit_err) without declaring it. */
extern int line;

static pthread_mutex_t ic_xt_mu = PTHREAD_MUTEX_INITIALIZER;
static bool ic_xt_inited;
static int xt_family = -1;
static struct ic_xt_trap *ic_xt_trap_cur;
static int ic_xt_trap_code;		/* code of the last trapped error */
static FILE *ic_xt_saved_stderr;
static FILE *ic_xt_sink;

static void ic_xt_exit_err(enum xtables_exittype status, const char *msg, ...)
	__attribute__((noreturn, format(printf, 2, 3)));
static int ic_xt_compat_rev(const char *name, uint8_t rev, int opt);

/* iptables' own option table (iptables/iptables.c), so getopt sees the same long options
 * and abbreviations as the command line tool. */
struct option ic_xt_base_opts[] = {
	{ .name = "append",        .has_arg = 1, .val = 'A' },
	{ .name = "delete",        .has_arg = 1, .val = 'D' },
	{ .name = "check",         .has_arg = 1, .val = 'C' },
	{ .name = "insert",        .has_arg = 1, .val = 'I' },
	{ .name = "replace",       .has_arg = 1, .val = 'R' },
	{ .name = "list",          .has_arg = 2, .val = 'L' },
	{ .name = "list-rules",    .has_arg = 2, .val = 'S' },
	{ .name = "flush",         .has_arg = 2, .val = 'F' },
	{ .name = "zero",          .has_arg = 2, .val = 'Z' },
	{ .name = "new-chain",     .has_arg = 1, .val = 'N' },
	{ .name = "delete-chain",  .has_arg = 2, .val = 'X' },
	{ .name = "rename-chain",  .has_arg = 1, .val = 'E' },
	{ .name = "policy",        .has_arg = 1, .val = 'P' },
	{ .name = "source",        .has_arg = 1, .val = 's' },
	{ .name = "destination",   .has_arg = 1, .val = 'd' },
	{ .name = "src",           .has_arg = 1, .val = 's' },
	{ .name = "dst",           .has_arg = 1, .val = 'd' },
	{ .name = "protocol",      .has_arg = 1, .val = 'p' },
	{ .name = "in-interface",  .has_arg = 1, .val = 'i' },
	{ .name = "jump",          .has_arg = 1, .val = 'j' },
	{ .name = "table",         .has_arg = 1, .val = 't' },
	{ .name = "match",         .has_arg = 1, .val = 'm' },
	{ .name = "numeric",       .has_arg = 0, .val = 'n' },
	{ .name = "out-interface", .has_arg = 1, .val = 'o' },
	{ .name = "verbose",       .has_arg = 0, .val = 'v' },
	{ .name = "wait",          .has_arg = 2, .val = 'w' },
	{ .name = "wait-interval", .has_arg = 2, .val = 'W' },
	{ .name = "exact",         .has_arg = 0, .val = 'x' },
	{ .name = "fragments",     .has_arg = 0, .val = 'f' },
	{ .name = "version",       .has_arg = 0, .val = 'V' },
	{ .name = "help",          .has_arg = 2, .val = 'h' },
	{ .name = "line-numbers",  .has_arg = 0, .val = '0' },
	{ .name = "modprobe",      .has_arg = 1, .val = 'M' },
	{ .name = "set-counters",  .has_arg = 1, .val = 'c' },
	{ .name = "goto",          .has_arg = 1, .val = 'g' },
	{ .name = "ipv4",          .has_arg = 0, .val = '4' },
	{ .name = "ipv6",          .has_arg = 0, .val = '6' },
	{ NULL },
};

struct xtables_globals ic_xt_globals = {
	.option_offset = 0,
	.program_name = "iptables",
	.program_version = IC_XTABLES_PKGVERSION " (legacy)",
	.orig_opts = ic_xt_base_opts,
	.opts = ic_xt_base_opts,
	.exit_err = ic_xt_exit_err,
	.compat_rev = ic_xt_compat_rev,
};

const char *ic_xt_progname(void)
{
	return xt_family == NFPROTO_IPV6 ? "ip6tables" : "iptables";
}

void ic_xt_version(int *major, int *minor, int *patch)
{
	int a = 0, b = 0, c = 0;

	sscanf(IC_XTABLES_PKGVERSION, "%d.%d.%d", &a, &b, &c);
	*major = a;
	*minor = b;
	*patch = c;
}

/* ---- traps ---- */

void ic_xt_trap_push(struct ic_xt_trap *t, char *err, size_t errlen)
{
	t->prev = ic_xt_trap_cur;
	t->err = err;
	t->errlen = errlen;
	ic_xt_trap_cur = t;
}

void ic_xt_trap_pop(struct ic_xt_trap *t)
{
	if (ic_xt_trap_cur == t)
		ic_xt_trap_cur = t->prev;
}

static __attribute__((noreturn)) void trap_jump(struct ic_xt_trap *t)
{
	ic_xt_trap_cur = t->prev;
	longjmp(t->jb, 1);
}

static void strip_newlines(char *s)
{
	size_t n = strlen(s);

	while (n && s[n - 1] == '\n')
		s[--n] = '\0';
}

void ic_xt_throw(int code, const char *fmt, ...)
{
	struct ic_xt_trap *t = ic_xt_trap_cur;
	va_list ap;

	if (!t)
		abort();	/* a bug of ours: ic_xt_throw outside a trap */
	va_start(ap, fmt);
	if (t->err && t->errlen) {
		vsnprintf(t->err, t->errlen, fmt, ap);
		strip_newlines(t->err);
	}
	va_end(ap);
	ic_xt_trap_code = code;
	trap_jump(t);
}

/* As libxtables' basic_exit_err, which iptables-legacy uses, but into the trap's buffer. */
static void ic_xt_exit_err(enum xtables_exittype status, const char *msg, ...)
{
	struct ic_xt_trap *t = ic_xt_trap_cur;
	const char *prog = ic_xt_globals.program_name;
	char buf[IC_XT_ERRBUF * 2];
	size_t n;
	va_list ap;

	va_start(ap, msg);
	n = snprintf(buf, sizeof(buf), "%s v%s: ", prog, ic_xt_globals.program_version);
	if (n < sizeof(buf))
		vsnprintf(buf + n, sizeof(buf) - n, msg, ap);
	va_end(ap);
	n = strlen(buf);
	if (status == PARAMETER_PROBLEM)
		snprintf(buf + n, sizeof(buf) - n,
			 "\nTry `%s -h' or '%s --help' for more information.", prog, prog);
	else if (status == VERSION_PROBLEM)
		snprintf(buf + n, sizeof(buf) - n,
			 "\nPerhaps %s or your kernel needs to be upgraded.", prog);
	strip_newlines(buf);

	if (!t) {
		/* libxtables used outside our traps (never by us): behave as libxtables would. */
		fprintf(ic_xt_saved_stderr ? ic_xt_saved_stderr : stderr, "%s\n", buf);
		exit(status);
	}
	if (t->err && t->errlen)
		snprintf(t->err, t->errlen, "%s", buf);
	ic_xt_trap_code = status == OTHER_PROBLEM && strstr(buf, "alloc") ? IPTABLES_ENOMEM
								       : IPTABLES_EINVAL;
	trap_jump(t);
}

int ic_xt_trap_call(int (*fn)(void *arg), void *arg, char *err, size_t errlen)
{
	struct ic_xt_trap t;
	int rc;

	ic_xt_trap_push(&t, err, errlen);
	if (setjmp(t.jb))
		return ic_xt_trap_code;
	rc = fn(arg);
	ic_xt_trap_pop(&t);
	return rc;
}

/*
 * libxtables' xtables_compatible_revision, minus its exit() and stderr output: asks the
 * kernel whether it supports @rev of extension @name.
 */
static int ic_xt_compat_rev(const char *name, uint8_t rev, int opt)
{
	struct xt_get_revision r;
	socklen_t s = sizeof(r);
	int fd, max_rev;

	fd = socket(afinfo->family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fd < 0)
		return 1;	/* cannot ask (EPERM...): assume supported, as iptables */
	xtables_load_ko(xtables_modprobe_program, true);
	memset(&r, 0, sizeof(r));
	strncpy(r.name, name, sizeof(r.name) - 1);
	r.revision = rev;
	max_rev = getsockopt(fd, afinfo->ipproto, opt, &r, &s);
	close(fd);
	if (max_rev < 0) {
		if (errno == ENOENT || errno == EPROTONOSUPPORT || errno == ENOPROTOOPT)
			return rev == 0;
		return 1;
	}
	return 1;
}

/* ---- lock, init, family ---- */

static ssize_t sink_write(void *cookie, const char *buf, size_t size)
{
	return size;
}

static FILE *get_sink(void)
{
	static const cookie_io_functions_t io = { .write = sink_write };

	if (!ic_xt_sink)
		ic_xt_sink = fopencookie(NULL, "w", io);
	return ic_xt_sink;
}

int ic_xt_enter(int nfproto, char *err, size_t errlen)
{
	FILE *sink;

	if (nfproto != NFPROTO_IPV4 && nfproto != NFPROTO_IPV6) {
		snprintf(err, errlen, "unsupported address family %d", nfproto);
		return IPTABLES_EUNSUPPORTED;
	}
	pthread_mutex_lock(&ic_xt_mu);
	if (ic_xt_inited && xt_family != nfproto && !ic_xt_register_interposed()) {
		pthread_mutex_unlock(&ic_xt_mu);
		snprintf(err, errlen,
			 "libxtables cannot serve both IPv4 and IPv6 in this process: "
			 "xtables_register_target is not interposed by libiptables-c");
		return IPTABLES_EUNSUPPORTED;
	}
	sink = get_sink();
	if (!sink) {
		pthread_mutex_unlock(&ic_xt_mu);
		snprintf(err, errlen, "out of memory");
		return IPTABLES_ENOMEM;
	}
	fflush(stderr);
	ic_xt_saved_stderr = stderr;
	stderr = sink;

	if (!ic_xt_inited) {
		xtables_init();
		xtables_set_nfproto(nfproto);
		ic_xt_globals.exit_err = ic_xt_exit_err;
		xtables_set_params(&ic_xt_globals);
		ic_xt_inited = true;
		xt_family = nfproto;
		ic_xt_register_sync();
	} else if (xt_family != nfproto) {
		xtables_set_nfproto(nfproto);
		xt_family = nfproto;
		ic_xt_register_sync();
	}
	xt_params = &ic_xt_globals;
	ic_xt_globals.program_name = ic_xt_progname();
	ic_xt_trap_cur = NULL;
	line = -1;
	return 0;
}

void ic_xt_leave(void)
{
	fflush(stderr);
	if (ic_xt_saved_stderr) {
		stderr = ic_xt_saved_stderr;
		ic_xt_saved_stderr = NULL;
	}
	ic_xt_trap_cur = NULL;
	pthread_mutex_unlock(&ic_xt_mu);
}

/* ---- stdout capture ---- */

int ic_xt_capture_begin(struct ic_xt_capture *c)
{
	memset(c, 0, sizeof(*c));
	fflush(stdout);
	c->mem = open_memstream(&c->buf, &c->len);
	if (!c->mem)
		return IPTABLES_ENOMEM;
	c->saved = stdout;
	stdout = c->mem;
	return 0;
}

char *ic_xt_capture_end(struct ic_xt_capture *c)
{
	char *s;
	int bad;

	if (!c->mem)
		return NULL;
	if (stdout == c->mem)
		stdout = c->saved;
	bad = fflush(c->mem) != 0 || ferror(c->mem);
	if (fclose(c->mem) != 0)
		bad = 1;
	c->mem = NULL;
	s = c->buf;
	c->buf = NULL;
	if (bad || !s) {
		free(s);
		return NULL;
	}
	return s;
}
