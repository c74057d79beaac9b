/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Snapshots of tables taken with `<path>-save -c -t TABLE` and reloaded with
 * `<path>-restore -c --wait [N]` (no --noflush: a snapshot replaces its whole table, user
 * chains included). exec_restore.c uses them to undo the tables a multi-table restore run
 * committed before a later table was refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec.h"

/* "iptables-legacy" -> "iptables-legacy-save"; a directory in @path is kept. */
static char *suffixed(const char *path, const char *suffix)
{
	size_t lp = strlen(path), ls = strlen(suffix);
	char *p = malloc(lp + ls + 1);

	if (p) {
		memcpy(p, path, lp);
		memcpy(p + lp, suffix, ls + 1);
	}
	return p;
}

static int nomem(struct ic_ctx *cx)
{
	return ic_error(cx, IPTABLES_ENOMEM, "out of memory");
}

static int snap_one(struct ic_ctx *cx, const char *save, const char *table,
		    struct ic_exec_snap *s)
{
	const char *argv[] = { save, "-c", "-t", table, NULL };
	struct ic_spawn_res res;
	int rc;

	rc = ic_exec_spawn(cx, (char *const *)argv, NULL, 0, &res);
	if (rc)
		return rc;
	if (res.status) {
		rc = ic_exec_fail(cx, &res);
		ic_spawn_res_free(&res);
		return rc;
	}
	s->table[s->n] = strdup(table);
	if (!s->table[s->n]) {
		ic_spawn_res_free(&res);
		return nomem(cx);
	}
	s->text[s->n] = res.out;	/* taken from res */
	s->len[s->n] = res.out_len;
	res.out = NULL;
	ic_spawn_res_free(&res);
	s->n++;
	return 0;
}

int ic_exec_snapshot(struct ic_ctx *cx, const char *const *tables, size_t n,
		      struct ic_exec_snap *s)
{
	char *save;
	size_t i;
	int rc = 0;

	memset(s, 0, sizeof(*s));
	s->table = calloc(n ? n : 1, sizeof(*s->table));
	s->text = calloc(n ? n : 1, sizeof(*s->text));
	s->len = calloc(n ? n : 1, sizeof(*s->len));
	save = suffixed(cx->path, "-save");
	if (!s->table || !s->text || !s->len || !save)
		rc = nomem(cx);
	for (i = 0; !rc && i < n; i++)
		rc = snap_one(cx, save, tables[i], s);
	free(save);
	if (rc)
		ic_exec_snapshot_free(s);
	return rc;
}

static int reload_one(struct ic_ctx *cx, const char *restore, const char *text, size_t len)
{
	const char *argv[6];
	struct ic_spawn_res res;
	char wait_s[16];
	size_t i = 0;
	int rc;

	argv[i++] = restore;
	argv[i++] = "-c";
	argv[i++] = "--wait";
	if (cx->timeout_s > 0) {
		snprintf(wait_s, sizeof(wait_s), "%d", cx->timeout_s);
		argv[i++] = wait_s;
	}
	argv[i] = NULL;
	rc = ic_exec_spawn(cx, (char *const *)argv, text, len, &res);
	if (rc)
		return rc;
	rc = res.status ? ic_exec_fail(cx, &res) : 0;
	ic_spawn_res_free(&res);
	return rc;
}

int ic_exec_snapshot_reload(struct ic_ctx *cx, const struct ic_exec_snap *s, const bool *only)
{
	struct ic_err first_err;
	char *restore;
	int rc, first = 0;
	size_t i;

	restore = suffixed(cx->path, "-restore");
	if (!restore)
		return nomem(cx);
	for (i = 0; i < s->n; i++) {
		if (only && !only[i])
			continue;
		rc = reload_one(cx, restore, s->text[i], s->len[i]);
		if (rc && !first) {
			first = rc;
			ic_err_prefix(cx->err, "table %s: ", s->table[i]);
			ic_err_capture(&first_err, cx->err);
		}
	}
	free(restore);
	if (first)
		ic_err_restore(cx->err, &first_err);
	return first;
}

void ic_exec_snapshot_free(struct ic_exec_snap *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->table[i]);
		free(s->text[i]);
	}
	free(s->table);
	free(s->text);
	free(s->len);
	memset(s, 0, sizeof(*s));
}
