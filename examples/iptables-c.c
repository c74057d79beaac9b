/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iptables-c: the libiptables-c API as a command, one verb per call, plain or JSON output.
 * See man/iptables-c.1. It changes the firewall of the network namespace it runs in: try it in
 * a throwaway one (unshare --net).
 */
#include <errno.h>
#include <getopt.h>
#include <iptables-c.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_name.h"
#include "rulesfile.h"

#define EXIT_USAGE 2

struct cli {
	iptables *h;
	const char *table;
	bool json;
};

struct verb {
	const char *name;
	int min_args, max_args;		/* words after the verb; max -1: unlimited */
	int (*run)(struct cli *c, char **args, int n);
	const char *usage;
};

static const char *const code_names[] = {
	"OK", "ENOTFOUND", "EEXIST", "EINVAL", "ELOCK", "EPERM", "EBUSY",
	"ERANGE", "ESYS", "EEXEC", "ENOMEM", "EUNSUPPORTED",
};

static const char *code_name(int rc)
{
	if (rc > 0 || -rc >= (int)(sizeof(code_names) / sizeof(code_names[0])))
		return "EUNKNOWN";
	return code_names[-rc];
}

/* Length of the valid UTF-8 sequence at @s, or 0 when it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* A JSON string: quotes, escapes, control characters as \uXXXX, bad UTF-8 as U+FFFD. */
static void json_str(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n;

	putchar('"');
	while (*p) {
		switch (*p) {
		case '"':
			fputs("\\\"", stdout);
			break;
		case '\\':
			fputs("\\\\", stdout);
			break;
		case '\n':
			fputs("\\n", stdout);
			break;
		case '\t':
			fputs("\\t", stdout);
			break;
		case '\r':
			fputs("\\r", stdout);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				printf("\\u%04x", *p);
				break;
			}
			n = utf8_len(p);
			if (n == 0) {
				fputs("\\ufffd", stdout);
				break;
			}
			fwrite(p, 1, n, stdout);
			p += n;
			continue;
		}
		p++;
	}
	putchar('"');
}

static void json_field(const char *key, const char *val, bool last)
{
	json_str(key);
	putchar(':');
	json_str(val);
	if (!last)
		putchar(',');
}

static int print_error(struct cli *c, int rc)
{
	const char *msg = c->h ? iptables_errmsg(c->h) : "";

	if (!msg[0])
		msg = iptables_strerror(rc);
	fprintf(stderr, "iptables-c: %s\n", msg);
	if (c->json) {
		printf("{\"error\":");
		json_str(code_name(rc));
		printf(",\"code\":%d,\"message\":", rc);
		json_str(msg);
		if (c->h && iptables_exit_status(c->h))
			printf(",\"exit_status\":%d", iptables_exit_status(c->h));
		printf("}\n");
	}
	return EXIT_FAILURE;
}

static int usage_error(struct cli *c, const char *fmt, const char *arg)
{
	char msg[256];

	snprintf(msg, sizeof(msg), fmt, arg);
	fprintf(stderr, "iptables-c: %s\nTry 'iptables-c --help' for more information.\n", msg);
	if (c->json) {
		printf("{\"error\":\"usage\",\"message\":");
		json_str(msg);
		printf("}\n");
	}
	return EXIT_USAGE;
}

/* Result of a verb that only changes things. */
static int done(struct cli *c, int rc)
{
	if (rc < 0)
		return print_error(c, rc);
	if (c->json)
		printf("{\"ok\":true}\n");
	return EXIT_SUCCESS;
}

static bool parse_int(const char *s, int min, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > INT_MAX)
		return false;
	*out = (int)v;
	return true;
}

static int print_strv(struct cli *c, int rc, char **v, size_t n)
{
	if (rc < 0)
		return print_error(c, rc);
	if (c->json)
		putchar('[');
	for (size_t i = 0; i < n; i++) {
		if (!c->json) {
			puts(v[i]);
			continue;
		}
		if (i)
			putchar(',');
		json_str(v[i]);
	}
	if (c->json)
		printf("]\n");
	iptables_strv_free(v, n);
	return EXIT_SUCCESS;
}

static const char *const *spec(char **args)
{
	return (const char *const *)args;
}

static int v_append(struct cli *c, char **a, int n)
{
	return done(c, iptables_append(c->h, c->table, a[0], spec(a + 1)));
}

static int v_insert(struct cli *c, char **a, int n)
{
	int pos;

	if (!parse_int(a[1], 1, &pos))
		return usage_error(c, "invalid rule position '%s'", a[1]);
	return done(c, iptables_insert(c->h, c->table, a[0], pos, spec(a + 2)));
}

static int v_delete(struct cli *c, char **a, int n)
{
	return done(c, iptables_delete(c->h, c->table, a[0], spec(a + 1)));
}

static int v_delete_id(struct cli *c, char **a, int n)
{
	int pos;

	if (!parse_int(a[1], 1, &pos))
		return usage_error(c, "invalid rule position '%s'", a[1]);
	return done(c, iptables_delete_by_id(c->h, c->table, a[0], pos));
}

static int v_exists(struct cli *c, char **a, int n)
{
	int rc = iptables_exists(c->h, c->table, a[0], spec(a + 1));

	if (rc < 0)
		return print_error(c, rc);
	if (c->json)
		printf("{\"exists\":%s}\n", rc ? "true" : "false");
	return rc ? EXIT_SUCCESS : EXIT_FAILURE;
}

static int v_list(struct cli *c, char **a, int n)
{
	char **lines = NULL;
	size_t nl = 0;
	int rc = iptables_list(c->h, c->table, n ? a[0] : NULL, &lines, &nl);

	return print_strv(c, rc, lines, nl);
}

static int v_list_counters(struct cli *c, char **a, int n)
{
	char **lines = NULL;
	size_t nl = 0;
	int rc = iptables_list_with_counters(c->h, c->table, n ? a[0] : NULL, &lines, &nl);

	return print_strv(c, rc, lines, nl);
}

static int v_chains(struct cli *c, char **a, int n)
{
	char **names = NULL;
	size_t nn = 0;
	int rc = iptables_list_chains(c->h, c->table, &names, &nn);

	return print_strv(c, rc, names, nn);
}

static void stat_json(const struct iptables_stat *s)
{
	printf("{\"pkts\":%llu,\"bytes\":%llu,", (unsigned long long)s->packets,
	       (unsigned long long)s->bytes);
	json_field("target", s->target, false);
	json_field("prot", s->protocol, false);
	json_field("opt", s->opt, false);
	json_field("in", s->in, false);
	json_field("out", s->out, false);
	json_field("source", s->source, false);
	json_field("destination", s->destination, false);
	json_field("options", s->options, true);
	putchar('}');
}

static void stat_plain(const struct iptables_stat *s)
{
	printf("%8llu %10llu %-10s %-5s %-4s %-8s %-8s %-20s %-20s %s\n",
	       (unsigned long long)s->packets, (unsigned long long)s->bytes, s->target,
	       s->protocol, s->opt, s->in, s->out, s->source, s->destination, s->options);
}

static int v_stats(struct cli *c, char **a, int n)
{
	struct iptables_stat *st = NULL;
	size_t ns = 0;
	int rc = iptables_stats(c->h, c->table, a[0], &st, &ns);

	if (rc < 0)
		return print_error(c, rc);
	if (c->json)
		putchar('[');
	else
		printf("%8s %10s %-10s %-5s %-4s %-8s %-8s %-20s %-20s %s\n", "pkts", "bytes",
		       "target", "prot", "opt", "in", "out", "source", "destination", "options");
	for (size_t i = 0; i < ns; i++) {
		if (!c->json) {
			stat_plain(&st[i]);
			continue;
		}
		if (i)
			putchar(',');
		stat_json(&st[i]);
	}
	if (c->json)
		printf("]\n");
	iptables_stats_free(st, ns);
	return EXIT_SUCCESS;
}

static int v_policy(struct cli *c, char **a, int n)
{
	return done(c, iptables_change_policy(c->h, c->table, a[0], a[1]));
}

static int v_new_chain(struct cli *c, char **a, int n)
{
	return done(c, iptables_new_chain(c->h, c->table, a[0]));
}

static int v_clear(struct cli *c, char **a, int n)
{
	return done(c, iptables_clear_chain(c->h, c->table, a[0]));
}

static int v_delete_chain(struct cli *c, char **a, int n)
{
	return done(c, iptables_delete_chain(c->h, c->table, a[0]));
}

static int v_sync(struct cli *c, char **a, int n)
{
	struct rulesfile rf;
	char err[512];
	int rc;

	if (rulesfile_read(a[1], &rf, err, sizeof(err)) < 0) {
		fprintf(stderr, "iptables-c: %s\n", err);
		if (c->json) {
			printf("{\"error\":\"file\",\"message\":");
			json_str(err);
			printf("}\n");
		}
		return EXIT_FAILURE;
	}
	rc = iptables_sync_chain(c->h, c->table, a[0], rulesfile_specs(&rf), rf.n);
	if (rc < 0) {
		rulesfile_free(&rf);
		return print_error(c, rc);
	}
	if (c->json)
		printf("{\"changed\":%s,\"rules\":%zu}\n", rc ? "true" : "false", rf.n);
	else
		printf("%s (%zu rules)\n", rc ? "updated" : "in sync", rf.n);
	rulesfile_free(&rf);
	return EXIT_SUCCESS;
}

static int v_version(struct cli *c, char **a, int n)
{
	const char *be = backend_name(iptables_backend(c->h));
	int maj, min, pat, rc;
	char ver[64];

	rc = iptables_version(c->h, &maj, &min, &pat);
	if (rc < 0)
		return print_error(c, rc);
	snprintf(ver, sizeof(ver), "%d.%d.%d", maj, min, pat);
	if (!c->json) {
		printf("iptables-c %d.%d.%d\niptables %s (%s), %s backend, IPv%d\n",
		       IPTABLES_C_VERSION_MAJOR, IPTABLES_C_VERSION_MINOR, IPTABLES_C_VERSION_PATCH,
		       ver, iptables_mode(c->h), be, (int)iptables_proto(c->h));
		return EXIT_SUCCESS;
	}
	printf("{\"version\":\"%d.%d.%d\",", IPTABLES_C_VERSION_MAJOR, IPTABLES_C_VERSION_MINOR,
	       IPTABLES_C_VERSION_PATCH);
	json_field("iptables", ver, false);
	json_field("mode", iptables_mode(c->h), false);
	json_field("backend", be, false);
	printf("\"proto\":%d}\n", (int)iptables_proto(c->h));
	return EXIT_SUCCESS;
}

/* save [--counters] [TABLE]: iptables-save text of one table, or of all of them. */
static int v_save(struct cli *c, char **args, int n)
{
	const char *table = NULL;
	unsigned flags = 0;
	char *text = NULL;
	int rc;

	for (int i = 0; i < n; i++) {
		if (!strcmp(args[i], "--counters") || !strcmp(args[i], "-c"))
			flags |= IPTABLES_SAVE_COUNTERS;
		else if (!table)
			table = args[i];
		else
			return usage_error(c, "unexpected '%s'", args[i]);
	}
	rc = iptables_save(c->h, table, flags, &text);
	if (rc < 0)
		return print_error(c, rc);
	if (c->json) {
		printf("{\"text\":");
		json_str(text);
		printf("}\n");
	} else {
		fputs(text, stdout);
	}
	free(text);
	return EXIT_SUCCESS;
}

/* restore [--noflush] [--counters] < FILE: iptables-restore input, all tables or none. */
static int v_restore(struct cli *c, char **args, int n)
{
	unsigned flags = 0;
	char *text = NULL;
	size_t len = 0;
	FILE *mem;
	int ch, rc;

	for (int i = 0; i < n; i++) {
		if (!strcmp(args[i], "--noflush") || !strcmp(args[i], "-n"))
			flags |= IPTABLES_RESTORE_NOFLUSH;
		else if (!strcmp(args[i], "--counters") || !strcmp(args[i], "-c"))
			flags |= IPTABLES_RESTORE_COUNTERS;
		else
			return usage_error(c, "unexpected '%s'", args[i]);
	}
	mem = open_memstream(&text, &len);
	if (!mem)
		return print_error(c, IPTABLES_ENOMEM);
	while ((ch = getchar()) != EOF)
		fputc(ch, mem);
	if (fclose(mem)) {
		free(text);
		return print_error(c, IPTABLES_ENOMEM);
	}
	rc = iptables_restore(c->h, text, flags);
	free(text);
	return done(c, rc);
}

static const struct verb verbs[] = {
	{ "append", 1, -1, v_append, "append CHAIN RULESPEC..." },
	{ "insert", 2, -1, v_insert, "insert CHAIN POS RULESPEC..." },
	{ "delete", 1, -1, v_delete, "delete CHAIN RULESPEC..." },
	{ "delete-id", 2, 2, v_delete_id, "delete-id CHAIN POS" },
	{ "exists", 1, -1, v_exists, "exists CHAIN RULESPEC..." },
	{ "list", 0, 1, v_list, "list [CHAIN]" },
	{ "list-counters", 0, 1, v_list_counters, "list-counters [CHAIN]" },
	{ "chains", 0, 0, v_chains, "chains" },
	{ "stats", 1, 1, v_stats, "stats CHAIN" },
	{ "policy", 2, 2, v_policy, "policy CHAIN TARGET" },
	{ "new-chain", 1, 1, v_new_chain, "new-chain CHAIN" },
	{ "clear", 1, 1, v_clear, "clear CHAIN" },
	{ "delete-chain", 1, 1, v_delete_chain, "delete-chain CHAIN" },
	{ "sync", 2, 2, v_sync, "sync CHAIN FILE" },
	{ "save", 0, 2, v_save, "save [--counters] [TABLE]" },
	{ "restore", 0, 2, v_restore, "restore [--noflush] [--counters] < FILE" },
	{ "version", 0, 0, v_version, "version" },
};

static void help(FILE *f)
{
	fputs("Usage: iptables-c [OPTIONS] VERB ARGS...\n"
	      "Options:\n"
	      "  -4, --ipv4              IPv4 (default)\n"
	      "  -6, --ipv6              IPv6\n"
	      "      --backend B         auto (default), libiptc, exec, nft or memory\n"
	      "      --path BIN          iptables binary for the exec backend\n"
	      "      --json              JSON output\n"
	      "  -t, --table TABLE       table (default: filter)\n"
	      "  -w, --wait SECS         wait at most SECS for the xtables lock (0: forever)\n"
	      "  -h, --help              this help\n"
	      "Verbs:\n", f);
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(f, "  %s\n", verbs[i].usage);
	fputs("RULESPEC is what follows 'iptables -A CHAIN'. FILE (sync) holds one rulespec per\n"
	      "line, shell-quoted, # comments; '-' is standard input. Exit status: 0 success,\n"
	      "1 failure (exists: rule absent), 2 usage error.\n", f);
}

static const struct verb *find_verb(const char *name)
{
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(verbs[i].name, name) == 0)
			return &verbs[i];
	return NULL;
}

/* Parse the options before the verb into @o and @c; returns -1 to go on, else an exit code. */
static int parse_options(int argc, char **argv, struct iptables_options *o, struct cli *c)
{
	static const struct option lopts[] = {
		{ "ipv4", no_argument, NULL, '4' },
		{ "ipv6", no_argument, NULL, '6' },
		{ "backend", required_argument, NULL, 'b' },
		{ "path", required_argument, NULL, 'p' },
		{ "json", no_argument, NULL, 'J' },
		{ "table", required_argument, NULL, 't' },
		{ "wait", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+46t:w:h", lopts, NULL)) != -1) {
		switch (opt) {
		case '4':
		case '6':
			o->proto = opt == '6' ? IPTABLES_IPV6 : IPTABLES_IPV4;
			break;
		case 'b':
			if (!backend_from_name(optarg, &o->backend))
				return usage_error(c, "unknown backend '%s'", optarg);
			break;
		case 'p':
			o->path = optarg;
			break;
		case 'J':
			c->json = true;
			break;
		case 't':
			c->table = optarg;
			break;
		case 'w':
			if (!parse_int(optarg, 0, &o->timeout_s))
				return usage_error(c, "invalid wait time '%s'", optarg);
			break;
		case 'h':
			help(stdout);
			return EXIT_SUCCESS;
		default:
			return usage_error(c, "invalid option '%s'", argv[optind - 1]);
		}
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct iptables_options o = { .proto = IPTABLES_IPV4 };
	struct cli c = { .table = "filter" };
	const struct verb *v;
	int rc, nargs;

	rc = parse_options(argc, argv, &o, &c);
	if (rc >= 0)
		return rc;
	if (optind >= argc)
		return usage_error(&c, "%s", "missing verb");
	v = find_verb(argv[optind]);
	if (!v)
		return usage_error(&c, "unknown verb '%s'", argv[optind]);
	nargs = argc - optind - 1;
	if (nargs < v->min_args || (v->max_args >= 0 && nargs > v->max_args))
		return usage_error(&c, "usage: iptables-c [OPTIONS] %s", v->usage);

	rc = iptables_new(&c.h, &o);
	if (rc < 0)
		return print_error(&c, rc);
	rc = v->run(&c, argv + optind + 1, nargs);
	iptables_free(c.h);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "iptables-c: write error: %s\n", strerror(errno));
		return EXIT_FAILURE;
	}
	return rc;
}
