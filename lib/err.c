/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "iptables-c.h"

int ic_err_vset(struct ic_err *e, int code, const char *fmt, va_list ap)
{
	size_t len;

	if (!e)
		return code;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	len = strlen(e->msg);
	while (len && e->msg[len - 1] == '\n')
		e->msg[--len] = '\0';
	e->code = code;
	e->exit_status = 0;
	e->param = false;
	return code;
}

int ic_err_set(struct ic_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ic_err_vset(e, code, fmt, ap);
	va_end(ap);
	return code;
}

int ic_err_set_exit(struct ic_err *e, int code, int exit_status, const char *msg)
{
	ic_err_set(e, code, "%s", msg ? msg : "");
	if (e)
		e->exit_status = exit_status;
	return code;
}

int ic_err_nomem(struct ic_err *e, const char *prog)
{
	return ic_err_set(e, IPTABLES_ENOMEM, "%s: out of memory", prog ? prog : "iptables");
}

void ic_err_capture(struct ic_err *saved, const struct ic_err *e)
{
	*saved = *e;
}

void ic_err_restore(struct ic_err *e, const struct ic_err *saved)
{
	*e = *saved;
}

void ic_err_prefix(struct ic_err *e, const char *fmt, ...)
{
	char tail[IC_ERRMSG_MAX];
	size_t n, rest;
	va_list ap;

	if (!e)
		return;
	memcpy(tail, e->msg, sizeof(tail));
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	n = strlen(e->msg);
	rest = strnlen(tail, sizeof(tail) - 1);
	if (rest > sizeof(e->msg) - 1 - n)
		rest = sizeof(e->msg) - 1 - n;
	memcpy(e->msg + n, tail, rest);
	e->msg[n + rest] = '\0';
}
