/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Error reporting. A failure is a return code plus a message; the message is kept per handle
 * and per thread (like errno), so threads sharing a handle never see each other's errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

struct ic_errslot {
	pthread_t tid;
	int exit_status;
	char msg[IC_ERRMSG_MAX];
	struct ic_errslot *next;
};

static const char *const status_text[] = {
	[0] = "success",
	[1] = "rule, chain or table does not exist",
	[2] = "chain already exists",
	[3] = "invalid argument or rulespec",
	[4] = "xtables lock not obtained in time",
	[5] = "permission denied",
	[6] = "chain not empty or still referenced",
	[7] = "index out of range",
	[8] = "kernel or system call failed",
	[9] = "iptables binary failed",
	[10] = "out of memory",
	[11] = "not supported",
};

IPTABLES_API const char *iptables_strerror(int code)
{
	if (code > 0 || -code >= (int)(sizeof(status_text) / sizeof(status_text[0])))
		return "unknown error";
	return status_text[-code];
}

/* The slot of the calling thread, created on first failure; NULL if out of memory. */
static struct ic_errslot *slot_get(struct iptables *h, bool create)
{
	pthread_t self = pthread_self();
	struct ic_errslot *s;

	for (s = h->errslots; s; s = s->next)
		if (pthread_equal(s->tid, self))
			return s;
	if (!create)
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->tid = self;
	s->next = h->errslots;
	h->errslots = s;
	return s;
}

/* File @e as the calling thread's last failure on @h. */
static void errslot_record(struct iptables *h, const struct ic_err *e)
{
	struct ic_errslot *s;

	pthread_mutex_lock(&h->err_mu);
	s = slot_get(h, true);
	if (s) {
		memcpy(s->msg, e->msg, sizeof(s->msg));
		s->exit_status = e->exit_status;
	}
	pthread_mutex_unlock(&h->err_mu);
}

/* The last iptables_new failure of this thread: there is no handle to keep it in. */
static __thread char new_error[IC_ERRMSG_MAX];

void ic_new_failed(const struct ic_err *e)
{
	memcpy(new_error, e->msg, sizeof(new_error));
}

void ic_call_begin(struct iptables *h, struct ic_err *e)
{
	memset(e, 0, sizeof(*e));
	pthread_mutex_lock(&h->mu);
	h->cx.err = e;
}

int ic_call_end(struct iptables *h, int rc)
{
	struct ic_err *e = h->cx.err;

	h->cx.err = NULL;
	if (rc < 0) {
		ic_err_finish(e);
		errslot_record(h, e);
	}
	pthread_mutex_unlock(&h->mu);
	return rc;
}

IPTABLES_API const char *iptables_errmsg(const iptables *ch)
{
	struct iptables *h = (struct iptables *)ch;
	struct ic_errslot *s;

	if (!h)
		return new_error[0] ? new_error : "invalid handle (NULL)";
	pthread_mutex_lock(&h->err_mu);
	s = slot_get(h, false);
	pthread_mutex_unlock(&h->err_mu);
	/* A slot is only ever written by its own thread, so reading it unlocked is safe. */
	return s ? s->msg : "";
}

IPTABLES_API int iptables_exit_status(const iptables *ch)
{
	struct iptables *h = (struct iptables *)ch;
	struct ic_errslot *s;
	int st;

	if (!h)
		return 0;
	pthread_mutex_lock(&h->err_mu);
	s = slot_get(h, false);
	st = s ? s->exit_status : 0;
	pthread_mutex_unlock(&h->err_mu);
	return st;
}

void ic_errslots_free(struct iptables *h)
{
	struct ic_errslot *s, *next;

	for (s = h->errslots; s; s = next) {
		next = s->next;
		free(s);
	}
	h->errslots = NULL;
}
