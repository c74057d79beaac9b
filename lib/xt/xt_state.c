/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one door into libxtables (ic_xt_run): one mutex around every use of it, its one-time
 * initialisation, the family switch, the program globals lent for the run, our exit_err trap
 * and stdio capture. Nothing here exits: exit_err can only be reached during a run, and then
 * it always has the run's trap to jump to.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
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

/* The run in progress (one at a time: ic_xt_mu). exit_err is only ever reached through
 * xt_params, which points at ic_xt_globals only while a run holds the mutex, with this set. */
struct ic_xt_active {
	jmp_buf jb;
	const struct ic_xt_family *f;
	struct ic_err *err;
	int code;			/* of the error raised */
	bool armed;			/* jb may be jumped to (fn is running) */
	unsigned long forks;		/* ic_xt_forks when it began: a forked child's copy of a
					 * run is not a run (cheaper than getpid() per allocation) */
};

static pthread_mutex_t ic_xt_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t ic_xt_atfork_once = PTHREAD_ONCE_INIT;
static bool ic_xt_inited;
static int ic_xt_nfproto = -1;
static struct ic_xt_active *ic_xt_cur;
/* fork() children so far (atfork): tells a forked child's copy of a run from a run */
static unsigned long ic_xt_forks;
/* The run this thread holds, for the guards of xt_guard.c (read without the mutex). */
static __thread struct ic_xt_active *ic_xt_mine;
static char ic_xt_version_text[64];
static char ic_xt_line_text[48];	/* "Error occurred at line: N\n" in a restore, or "" */
static char ic_xt_version_mode[16];	/* the mode ic_xt_version_text was made for */
static int ic_xt_run_line;		/* the run's restore input line, or 0 */
static FILE *ic_xt_sink;		/* where stderr points during a run */

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
	.program_version = IC_XTABLES_PKGVERSION,	/* "VERSION (mode)" during a run */
	.orig_opts = ic_xt_base_opts,
	.opts = ic_xt_base_opts,
	.exit_err = ic_xt_exit_err,
	.compat_rev = ic_xt_compat_rev,
};

void ic_xt_version(int *major, int *minor, int *patch)
{
	int a = 0, b = 0, c = 0;

	sscanf(IC_XTABLES_PKGVERSION, "%d.%d.%d", &a, &b, &c);
	*major = a;
	*minor = b;
	*patch = c;
}

/* ---- the trap ---- */

const struct ic_xt_family *ic_xt_cur_family(void)
{
	return ic_xt_cur->f;
}

struct ic_err *ic_xt_cur_err(void)
{
	return ic_xt_cur->err;
}

static __attribute__((noreturn)) void raise_code(int code)
{
	ic_xt_cur->code = code;
	longjmp(ic_xt_cur->jb, 1);
}

bool ic_xt_trapped(void)
{
	struct ic_xt_active *a = ic_xt_mine;

	return a && a->armed && a->forks == ic_xt_forks;
}

void ic_xt_raise_nomem(void)
{
	ic_err_nomem(ic_xt_cur->err, ic_xt_cur->f->prog);
	raise_code(IPTABLES_ENOMEM);
}

void ic_xt_raise_exit(int status, const char *who)
{
	ic_err_set(ic_xt_cur->err, IPTABLES_EINVAL,
		   "%s v%s: %s called exit(%d): the extension cannot handle this rule",
		   ic_xt_globals.program_name, ic_xt_globals.program_version, who, status);
	raise_code(IPTABLES_EINVAL);
}

void ic_xt_throw(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ic_err_vset(ic_xt_cur->err, code, fmt, ap);
	va_end(ap);
	raise_code(code);
}

void *ic_xt_alloc(size_t size)
{
	void *p = calloc(1, size);

	if (!p) {
		ic_err_nomem(ic_xt_cur->err, ic_xt_cur->f->prog);
		raise_code(IPTABLES_ENOMEM);
	}
	return p;
}

/* As libxtables' basic_exit_err, which iptables-legacy uses, but into the run's sink. */
static void ic_xt_exit_err(enum xtables_exittype status, const char *msg, ...)
{
	const char *prog = ic_xt_globals.program_name;
	char buf[IC_ERRMSG_MAX * 2];
	size_t n;
	va_list ap;
	int code;

	va_start(ap, msg);
	n = snprintf(buf, sizeof(buf), "%s v%s: ", prog, ic_xt_globals.program_version);
	if (n < sizeof(buf))
		vsnprintf(buf + n, sizeof(buf) - n, msg, ap);
	va_end(ap);
	n = strlen(buf);
	if (status == PARAMETER_PROBLEM)
		snprintf(buf + n, sizeof(buf) - n,
			 "\n%sTry `%s -h' or '%s --help' for more information.", ic_xt_at_line(),
			 prog, prog);
	else if (status == VERSION_PROBLEM)
		snprintf(buf + n, sizeof(buf) - n,
			 "\nPerhaps %s or your kernel needs to be upgraded.", prog);
	code = status == OTHER_PROBLEM && strstr(buf, "alloc") ? IPTABLES_ENOMEM : IPTABLES_EINVAL;
	ic_err_set(ic_xt_cur->err, code, "%s", buf);
	if (ic_xt_cur->err)
		ic_xt_cur->err->param = status == PARAMETER_PROBLEM;
	raise_code(code);
}

/*
 * libxtables' xtables_compatible_revision, minus its exit() and its modprobe, with its warning
 * kept: asks x_tables whether it supports @rev of extension @name. The library never runs a
 * program it was not asked to (a handle on nf_tables must spawn nothing), so when ip_tables
 * is not loaded only revision 0 is taken, as iptables does when it cannot ask.
 */
static int ic_xt_compat_rev(const char *name, uint8_t rev, int opt)
{
	struct xt_get_revision r;
	socklen_t s = sizeof(r);
	int fd, max_rev;

	fd = socket(afinfo->family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (fd < 0)
		return 1;	/* cannot ask (EPERM...): assume supported, as iptables */
	memset(&r, 0, sizeof(r));
	strncpy(r.name, name, sizeof(r.name) - 1);
	r.revision = rev;
	max_rev = getsockopt(fd, afinfo->ipproto, opt, &r, &s);
	close(fd);
	if (max_rev < 0) {
		/* as libxtables: a missing module is worth a warning before the error */
		if (rev == 0 && (errno == ENOENT || errno == EPROTONOSUPPORT))
			fprintf(stderr, "Warning: Extension %s revision 0 not supported, missing "
				"kernel module?\n", name);
		if (errno == ENOENT || errno == EPROTONOSUPPORT || errno == ENOPROTOOPT)
			return rev == 0;
		return 1;
	}
	return 1;
}

/* ---- lock, init, family ---- */

/* What libxtables and extensions write to stderr during a run: kept (as much as fits) for
 * the warnings iptables prints before its error ("Warning: Extension LED revision 0 not
 * supported, missing kernel module?"), see ic_err_warn. */
static char ic_xt_errtext[512];
static size_t ic_xt_errlen;

static ssize_t sink_write(void *cookie, const char *buf, size_t size)
{
	size_t n = size;

	if (n > sizeof(ic_xt_errtext) - 1 - ic_xt_errlen)
		n = sizeof(ic_xt_errtext) - 1 - ic_xt_errlen;
	memcpy(ic_xt_errtext + ic_xt_errlen, buf, n);
	ic_xt_errlen += n;
	ic_xt_errtext[ic_xt_errlen] = '\0';
	return size;
}

static FILE *get_sink(void)
{
	static const cookie_io_functions_t io = { .write = sink_write };

	if (!ic_xt_sink)
		ic_xt_sink = fopencookie(NULL, "w", io);
	return ic_xt_sink;
}

/* What extensions print goes to stdout: while @mem is set it is stdout. */
struct capture {
	FILE *saved, *mem;
	char *buf;
	size_t len;
};

static int capture_begin(struct capture *c)
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

/* Restores stdout; the text, or NULL when it could not be kept whole. */
static char *capture_end(struct capture *c)
{
	bool bad;
	char *s;

	if (stdout == c->mem)
		stdout = c->saved;
	bad = fflush(c->mem) != 0 || ferror(c->mem);
	if (fclose(c->mem) != 0)
		bad = true;
	s = c->buf;
	if (bad) {
		free(s);
		return NULL;
	}
	return s;
}

/* Initialise libxtables once and make @f its family; under ic_xt_mu. */
static int switch_family(const struct ic_xt_family *f, struct ic_err *err)
{
	if (ic_xt_inited && ic_xt_nfproto != f->nfproto && ic_xt_register_needed() &&
	    !ic_xt_register_interposed())
		return ic_err_set(err, IPTABLES_EUNSUPPORTED,
				  "libxtables cannot serve both IPv4 and IPv6 in this process: "
				  "xtables_register_target is not interposed by libiptables-c");
	if (!ic_xt_inited) {
		xtables_init();
		xtables_set_nfproto(f->nfproto);
		xtables_set_params(&ic_xt_globals);	/* xt_params: restored after the run */
		ic_xt_guard_all();
		ic_xt_inited = true;
	} else if (ic_xt_nfproto != f->nfproto) {
		xtables_set_nfproto(f->nfproto);
	}
	if (ic_xt_nfproto != f->nfproto) {
		ic_xt_nfproto = f->nfproto;
		ic_xt_register_sync();
	}
	return 0;
}

/* The run's program globals: messages read "ip6tables v1.8.9 (nf_tables): ...". Texts are
 * made when they change or are needed, not on every run (a restore makes thousands). */
static void lend_globals(const struct ic_xt_family *f, const struct ic_xt_call *call)
{
	const char *mode = call->mode && call->mode[0] ? call->mode : "legacy";

	if (!ic_xt_version_text[0] || strcmp(ic_xt_version_mode, mode)) {
		snprintf(ic_xt_version_text, sizeof(ic_xt_version_text), "%s (%s)",
			 IC_XTABLES_PKGVERSION, mode);
		snprintf(ic_xt_version_mode, sizeof(ic_xt_version_mode), "%s", mode);
	}
	ic_xt_globals.program_name = call->prog ? call->prog : f->prog;
	ic_xt_globals.program_version = ic_xt_version_text;
	ic_xt_globals.exit_err = ic_xt_exit_err;
	ic_xt_globals.compat_rev = call->compat_rev ? call->compat_rev : ic_xt_compat_rev;
	xt_params = &ic_xt_globals;
	line = call->line > 0 ? call->line : -1;
	ic_xt_run_line = call->line > 0 ? call->line : 0;
}

const char *ic_xt_prog(void)
{
	return ic_xt_globals.program_name;
}

const char *ic_xt_at_line(void)
{
	if (ic_xt_run_line > 0)
		snprintf(ic_xt_line_text, sizeof(ic_xt_line_text), "Error occurred at line: %d\n",
			 ic_xt_run_line);
	else
		ic_xt_line_text[0] = '\0';
	return ic_xt_line_text;
}

/* fork() never copies a run in progress (the mutex held, stdio pointing at a capture) into
 * the child: it waits for the run to end, and both sides go on with the mutex free. */
static void ic_xt_fork_prepare(void)
{
	pthread_mutex_lock(&ic_xt_mu);
}

static void ic_xt_fork_done(void)
{
	pthread_mutex_unlock(&ic_xt_mu);
}

static void ic_xt_fork_child(void)
{
	ic_xt_forks++;
	pthread_mutex_unlock(&ic_xt_mu);
}

static void ic_xt_atfork_init(void)
{
	pthread_atfork(ic_xt_fork_prepare, ic_xt_fork_done, ic_xt_fork_child);
}

/* The family switch and fn under the trap: a frame of its own, so nothing of ic_xt_run
 * lives across the longjmp. */
static int run_trapped(struct ic_xt_active *a, const struct ic_xt_call *call)
{
	int rc;

	if (setjmp(a->jb)) {
		a->armed = false;
		return a->code;
	}
	a->armed = true;
	rc = switch_family(a->f, a->err);
	if (!rc)
		rc = call->fn(call->arg);
	a->armed = false;
	return rc;
}

int ic_xt_run(const struct ic_xt_call *call, struct ic_err *err)
{
	const struct ic_xt_family *f = ic_xt_family(call->nfproto);
	struct ic_xt_active active = { .f = f, .err = err, .forks = ic_xt_forks };
	struct xtables_globals *saved_params;
	FILE *sink, *saved_stderr;
	struct capture cap;
	char *text;
	int rc;

	if (!f)
		return ic_err_set(err, IPTABLES_EUNSUPPORTED, "unsupported address family %d",
				  call->nfproto);
	pthread_once(&ic_xt_atfork_once, ic_xt_atfork_init);
	pthread_mutex_lock(&ic_xt_mu);
	sink = get_sink();
	if (!sink || (call->out && capture_begin(&cap))) {
		pthread_mutex_unlock(&ic_xt_mu);
		return ic_err_nomem(err, f->prog);
	}
	fflush(stderr);
	saved_stderr = stderr;
	stderr = sink;
	ic_xt_errlen = 0;
	ic_xt_errtext[0] = '\0';
	saved_params = xt_params;
	lend_globals(f, call);
	ic_xt_cur = &active;
	ic_xt_mine = &active;

	rc = run_trapped(&active, call);
	if (call->cleanup)
		call->cleanup(call->arg);

	ic_xt_mine = NULL;
	ic_xt_cur = NULL;
	xt_params = saved_params;
	fflush(stderr);
	stderr = saved_stderr;
	ic_err_warn(err, ic_xt_errtext);
	if (call->out) {
		text = capture_end(&cap);
		if (!rc && !text)
			rc = ic_err_nomem(err, f->prog);
		if (rc)
			free(text);
		else
			*call->out = text;
	}
	pthread_mutex_unlock(&ic_xt_mu);
	return rc;
}

static int nothing(void *arg)
{
	return 0;
}

int ic_xt_usable(uint8_t nfproto, struct ic_err *err)
{
	const struct ic_xt_call call = { .nfproto = nfproto, .fn = nothing };

	return ic_xt_run(&call, err);
}
