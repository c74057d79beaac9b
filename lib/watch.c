/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iptables_generation and iptables_wait_change. A backend that knows better (nf_tables: the
 * ruleset's generation id and its event socket) answers itself; otherwise the generation is a
 * digest of the table's listing without counters, and waiting polls it every
 * IC_WATCH_POLL_MS (README: "Watching for changes").
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "core.h"

#define IC_WATCH_POLL_MS 100

/* FNV-1a, 64 bits: only equality matters, and the listing is never attacker-chosen in a way
 * that could hide a change (a change that keeps the digest is a 2^-64 accident). */
static uint64_t digest(const struct ic_strv *lines)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < lines->n; i++) {
		for (const unsigned char *p = (const unsigned char *)lines->v[i]; *p; p++)
			h = (h ^ *p) * 0x100000001b3ULL;
		h = (h ^ '\n') * 0x100000001b3ULL;
	}
	return h;
}

static int generation(struct iptables *h, const char *table, uint64_t *gen)
{
	struct ic_strv lines = { 0 };
	int rc;

	if (h->be->generation)
		return h->be->generation(&h->cx, table, gen);
	rc = h->be->list(&h->cx, NULL, table, NULL, false, &lines);
	if (!rc)
		*gen = digest(&lines);
	ic_strv_clear(&lines);
	return rc;
}

IPTABLES_API int iptables_generation(iptables *h, const char *table, uint64_t *gen)
{
	struct ic_err err;
	int rc;

	if (!h)
		return IPTABLES_EINVAL;
	ic_call_begin(h, &err);
	rc = ic_check_table(&h->cx, table);
	if (!rc && !gen)
		rc = ic_error(&h->cx, IPTABLES_EINVAL, "NULL output argument");
	if (!rc)
		rc = generation(h, table, gen);
	return ic_call_end(h, rc);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* One look, under the handle's mutex like every call: 1 changed, 0 not, < 0 error. */
static int changed(iptables *h, const char *table, uint64_t since)
{
	struct ic_err err;
	uint64_t gen = since;
	int rc;

	ic_call_begin(h, &err);
	rc = generation(h, table, &gen);
	if (!rc)
		rc = gen != since;
	return ic_call_end(h, rc);
}

IPTABLES_API int iptables_wait_change(iptables *h, const char *table, uint64_t since,
				      int timeout_ms)
{
	long long deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0), left;
	struct ic_err err;
	int rc;

	if (!h)
		return IPTABLES_EINVAL;
	ic_call_begin(h, &err);
	rc = ic_check_table(&h->cx, table);
	ic_call_end(h, rc);
	if (rc)
		return rc;
	if (h->be->wait_change) {
		/* the backend's own wait runs outside the mutex: other threads keep going */
		rc = changed(h, table, since);
		if (rc)
			return rc;
		struct ic_err werr = { 0 };

		rc = h->be->wait_change(&h->cx, table, since, timeout_ms, &werr);
		ic_call_begin(h, &err);
		err = werr;
		return ic_call_end(h, rc);
	}
	for (;;) {
		rc = changed(h, table, since);
		if (rc)
			return rc;
		left = deadline - now_ms();
		if (timeout_ms >= 0 && left <= 0)
			return 0;
		sleep_ms(timeout_ms >= 0 && left < IC_WATCH_POLL_MS ? left : IC_WATCH_POLL_MS);
	}
}
