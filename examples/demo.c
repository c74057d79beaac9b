/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A tour of libiptables-c. It changes the firewall of the network namespace it runs in, so run
 * it in a throwaway one (scripts/demo does: unshare --net).
 * Usage: demo [auto|libiptc|exec]
 */
#include <iptables-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_name.h"

static int fail(iptables *h, const char *what, int rc)
{
	fprintf(stderr, "%s: %s (%s)\n", what, iptables_strerror(rc), iptables_errmsg(h));
	return rc;
}

#define TRY(h, call)                                          \
	do {                                                  \
		int rc_ = (call);                             \
		if (rc_ < 0)                                  \
			return fail((h), #call, rc_);         \
	} while (0)

static int show(iptables *h, const char *table, const char *chain)
{
	char **lines;
	size_t n;

	TRY(h, iptables_list(h, table, chain, &lines, &n));
	for (size_t i = 0; i < n; i++)
		printf("    %s\n", lines[i]);
	iptables_strv_free(lines, n);
	return 0;
}

static int tour(enum iptables_proto proto, enum iptables_backend backend)
{
	struct iptables_options o = { .proto = proto, .backend = backend, .timeout_s = 5 };
	const char *net = proto == IPTABLES_IPV6 ? "2001:db8::/32" : "198.51.100.0/24";
	const char *bad = proto == IPTABLES_IPV6 ? "2001:db8:bad::1" : "203.0.113.9";
	struct iptables_stat *st;
	iptables *h;
	int maj, min, pat, rc;
	size_t n;

	rc = iptables_new(&h, &o);
	if (rc < 0) {
		fprintf(stderr, "iptables_new: %s\n", iptables_strerror(rc));
		return rc;
	}
	iptables_version(h, &maj, &min, &pat);
	printf("== IPv%d, %s backend, iptables %d.%d.%d (%s)\n", proto,
	       backend_name(iptables_backend(h)), maj, min, pat,
	       iptables_mode(h));

	TRY(h, iptables_new_chain(h, "filter", "DEMO"));
	TRY(h, iptables_append(h, "filter", "DEMO",
			       IPTABLES_SPEC("-p", "tcp", "-m", "multiport", "--dports", "22,443",
					     "-m", "conntrack", "--ctstate", "NEW", "-j", "ACCEPT")));
	TRY(h, iptables_append_unique(h, "filter", "DEMO",
				      IPTABLES_SPEC("-s", net, "-m", "comment", "--comment",
						    "trusted net", "-j", "ACCEPT")));
	TRY(h, iptables_append_unique(h, "filter", "DEMO",
				      IPTABLES_SPEC("-s", net, "-m", "comment", "--comment",
						    "trusted net", "-j", "ACCEPT")));
	TRY(h, iptables_insert(h, "filter", "DEMO", 1,
			       IPTABLES_SPEC("-s", bad, "-j", "DROP")));
	TRY(h, iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "DEMO")));
	printf("  chain DEMO after four calls (append_unique kept one copy):\n");
	show(h, "filter", "DEMO");

	printf("  exists(-s %s -j DROP) = %d\n", bad,
	       iptables_exists(h, "filter", "DEMO", IPTABLES_SPEC("-s", bad, "-j", "DROP")));
	TRY(h, iptables_stats(h, "filter", "DEMO", &st, &n));
	for (size_t i = 0; i < n; i++)
		printf("  stats[%zu]: pkts=%llu target=%s prot=%s src=%s dst=%s options=\"%s\"\n", i,
		       (unsigned long long)st[i].packets, st[i].target, st[i].protocol,
		       st[i].source, st[i].destination, st[i].options);
	iptables_stats_free(st, n);

	rc = iptables_append(h, "filter", "DEMO", IPTABLES_SPEC("-p", "tcp", "--dport", "x"));
	printf("  a bad rulespec is an error value, not an exit: %s\n    \"%s\"\n",
	       iptables_strerror(rc), iptables_errmsg(h));

	if (iptables_begin(h) == IPTABLES_OK) {
		for (int i = 0; i < 3; i++) {
			char port[8];

			snprintf(port, sizeof(port), "%d", 8080 + i);
			iptables_append(h, "filter", "DEMO",
					IPTABLES_SPEC("-p", "udp", "--dport", port, "-j", "ACCEPT"));
		}
		TRY(h, iptables_commit(h));
		printf("  three rules committed in one transaction:\n");
		show(h, "filter", "DEMO");
	}

	TRY(h, iptables_delete(h, "filter", "INPUT", IPTABLES_SPEC("-j", "DEMO")));
	TRY(h, iptables_clear_and_delete_chain(h, "filter", "DEMO"));
	printf("  cleaned up: chain_exists(DEMO) = %d\n",
	       iptables_chain_exists(h, "filter", "DEMO"));
	iptables_free(h);
	return 0;
}

int main(int argc, char **argv)
{
	enum iptables_backend b = IPTABLES_BACKEND_AUTO;

	if (argc > 1 && !backend_from_name(argv[1], &b)) {
		fprintf(stderr, "usage: demo [auto|libiptc|exec|nft|memory]\n");
		return EXIT_FAILURE;
	}
	if (tour(IPTABLES_IPV4, b) || tour(IPTABLES_IPV6, b))
		return EXIT_FAILURE;
	return EXIT_SUCCESS;
}
