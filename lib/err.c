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
	e->at_line = false;
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
	size_t room = sizeof(e->msg) - 1, hlen, mlen;
	char head[256];
	va_list ap;
	int n;

	if (!e)
		return;
	va_start(ap, fmt);
	n = vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	hlen = strlen(head);
	mlen = strlen(e->msg);
	if (mlen > room - hlen)
		mlen = room - hlen;	/* the message's tail is what gets cut */
	memmove(e->msg + hlen, e->msg, mlen);
	memcpy(e->msg, head, hlen);
	e->msg[hlen + mlen] = '\0';
}

void ic_err_warn(struct ic_err *e, const char *text)
{
	const char *line, *end;
	size_t n, have;

	if (!e || !text)
		return;
	for (line = text; *line; line = *end ? end + 1 : end) {
		end = strchrnul(line, '\n');
		n = (size_t)(end - line);
		have = strnlen(e->warn, sizeof(e->warn) - 1);
		if (n < 9 || strncmp(line, "Warning: ", 9) || memmem(e->warn, have, line, n))
			continue;
		if (have + n + 2 > sizeof(e->warn))
			return;
		memcpy(e->warn + have, line, n);
		memcpy(e->warn + have + n, "\n", 2);
	}
}

void ic_err_finish(struct ic_err *e)
{
	char msg[IC_ERRMSG_MAX];
	size_t w;

	if (!e || !e->warn[0] || strstr(e->msg, e->warn))
		return;
	/* the exec backend's message already has the binary's own warnings */
	if (!strncmp(e->msg, "Warning: ", 9))
		return;
	w = strlen(e->warn);
	memcpy(msg, e->warn, w);
	memcpy(msg + w, e->msg, sizeof(msg) - w - 1);
	msg[sizeof(msg) - 1] = '\0';
	memcpy(e->msg, msg, sizeof(e->msg));
}
