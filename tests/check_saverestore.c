/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * iptables_save / iptables_restore / iptables_get_policy / iptables_zero, on every
 * configuration, against the variant's own iptables-save and iptables-restore.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

/* Real iptables-restore input of the shapes agents emit. */
static const char *const inputs[] = {
	/* kube-proxy-like: user chains, jumps between them, comments, probability, DNAT */
	"*nat\n"
	":PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
	":POSTROUTING ACCEPT [0:0]\n"
	":KUBE-SERVICES - [0:0]\n:KUBE-SVC-1 - [0:0]\n:KUBE-SEP-A - [0:0]\n:KUBE-SEP-B - [0:0]\n"
	"-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n"
	"-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n"
	"-A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -m comment --comment \"kube-system/kube-dns:dns-tcp cluster IP\" -m tcp --dport 53 -j KUBE-SVC-1\n"
	"-A KUBE-SVC-1 -m comment --comment \"kube-system/kube-dns:dns-tcp -> 10.244.0.2:53\" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-A\n"
	"-A KUBE-SVC-1 -j KUBE-SEP-B\n"
	"-A KUBE-SEP-A -p tcp -m tcp -j DNAT --to-destination 10.244.0.2:53\n"
	"-A KUBE-SEP-B -p tcp -m tcp -j DNAT --to-destination 10.244.0.3:53\n"
	"COMMIT\n",
	/* filter + mangle, policies with counters, MARK, comments with quotes */
	"# written by hand\n"
	"*filter\n"
	":INPUT DROP [10:600]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [3:180]\n:AGENT - [0:0]\n"
	"[5:300] -A INPUT -i lo -j ACCEPT\n"
	"-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n"
	"-A INPUT -p tcp -m tcp --dport 22 -m comment --comment \"ssh \\\"admin\\\" access\" -j AGENT\n"
	"-A AGENT -s 192.0.2.0/24 -j ACCEPT\n"
	"-A AGENT -j RETURN\n"
	"COMMIT\n"
	"*mangle\n"
	":PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
	":POSTROUTING ACCEPT [0:0]\n"
	"-A PREROUTING -p udp -m udp --dport 4789 -j MARK --set-xmark 0x4000/0x4000\n"
	"-A OUTPUT -m mark --mark 0x4000/0x4000 -j CONNMARK --save-mark\n"
	"COMMIT\n",
};

/* The same input for IPv6 where addresses appear. */
static const char *fix_family(const struct tcfg *c, const char *text, char **owned)
{
	*owned = NULL;
	if (c->proto != IPTABLES_IPV6)
		return text;
	/* IPv6: no 10.96.0.10 / 192.0.2.0; swap in documentation prefixes */
	char *s = strdup(text), *p;

	ck_assert_ptr_nonnull(s);
	while ((p = strstr(s, "10.96.0.10/32")))
		memcpy(p, "2001:db8::a/128", 13), memmove(p + 13, p + 13, 0);
	*owned = s;
	return s;
}

static char *write_tmp(const char *text)
{
	char *path = strdup("/tmp/iptc-restore-XXXXXX");
	int fd = mkstemp(path);
	size_t len = strlen(text);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

/* The rules, user chains and non-default policies of every table: what a failed restore
 * must leave as it was (legacy tables the input named may come into being, empty). */
static char *cli_rules(const struct tcfg *c)
{
	char *out;

	ck_assert_int_eq(tsh(&out, NULL, "%s-save | grep -v -E '^(# [GC]|\\*|COMMIT$|"
			     ":[A-Z]+ ACCEPT \\[0:0\\]$)'", c->cli), 0);
	return out;
}

static char *cli_save(const struct tcfg *c, const char *args)
{
	char *out;

	ck_assert_int_eq(tsh(&out, NULL, "%s-save %s | grep -v '^# [GC]'", c->cli, args), 0);
	return out;
}

/* The variant's iptables-save output in a fresh namespace after its own restore of @text. */
static char *cli_restore_save(const struct tcfg *c, const char *text, const char *flags)
{
	char *path = write_tmp(text), *out;

	ck_assert_int_eq(tsh(&out, NULL, "unshare -n sh -c '%s-restore %s < %s && %s-save' "
			     "| grep -v '^# [GC]'", c->cli, flags, path, c->cli), 0);
	unlink(path);
	free(path);
	return out;
}

static bool skip_v6_input(const struct tcfg *c, size_t i)
{
	/* the IPv4-only addresses in the inputs: run the v4-free shapes on IPv6 */
	return c->proto == IPTABLES_IPV6 && i == 1;
}

START_TEST(restore_matches_cli_restore)
{
	const struct tcfg *c = &tcfgs[_i];

	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		char *owned, *want, *got;
		const char *text;
		iptables *h;

		if (skip_v6_input(c, i) || (c->proto == IPTABLES_IPV6 && i == 0))
			continue;
		text = fix_family(c, inputs[i], &owned);
		tns_enter();
		h = topen(c);
		ck_rc(h, iptables_restore(h, text, 0), 0);
		got = cli_save(c, "");
		want = cli_restore_save(c, text, "");
		ck_assert_msg(!strcmp(got, want), "%s input %zu:\nours:\n%s\ncli:\n%s", c->name, i,
			      got, want);
		free(got);
		free(want);
		free(owned);
		iptables_free(h);
	}
}
END_TEST

START_TEST(save_matches_cli_save)
{
	const struct tcfg *c = &tcfgs[_i];
	char *path, *want;
	iptables *h;

	tns_enter();
	h = topen(c);
	path = write_tmp(c->proto == IPTABLES_IPV6 ? inputs[0] + 0 : inputs[1]);
	if (c->proto == IPTABLES_IPV6) {
		/* an IPv6 ruleset of our own */
		ck_rc(h, iptables_new_chain(h, "filter", "V6"), 0);
		ck_rc(h, iptables_append(h, "filter", "V6", IPTABLES_SPEC("-s", "2001:db8::/32",
			"-m", "comment", "--comment", "a \"q\" b", "-j", "ACCEPT")), 0);
		ck_rc(h, iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "V6")), 0);
		ck_rc(h, iptables_append(h, "mangle", "OUTPUT", IPTABLES_SPEC("-j", "MARK",
			"--set-mark", "7")), 0);
	} else {
		ck_assert_int_eq(tsh(NULL, NULL, "%s-restore -c < %s", c->cli, path), 0);
	}
	for (int counters = 0; counters < 2; counters++) {
		char *text = NULL;

		ck_rc(h, iptables_save(h, NULL, counters ? IPTABLES_SAVE_COUNTERS : 0, &text), 0);
		want = cli_save(c, counters ? "-c" : "");
		ck_assert_msg(!strcmp(text, want), "%s counters=%d:\nours:\n%s\ncli:\n%s", c->name,
			      counters, text, want);
		free(text);
		free(want);
		ck_rc(h, iptables_save(h, "filter", counters, &text), 0);
		want = cli_save(c, counters ? "-c -t filter" : "-t filter");
		ck_assert_msg(!strcmp(text, want), "%s filter:\nours:\n%s\ncli:\n%s", c->name,
			      text, want);
		free(text);
		free(want);
	}
	unlink(path);
	free(path);
	iptables_free(h);
}
END_TEST

/* save of T fed back to restore reproduces T, counters included with both flags */
START_TEST(round_trip)
{
	const struct tcfg *c = &tcfgs[_i];
	char *a = NULL, *b = NULL, *path;
	iptables *h;

	if (c->proto == IPTABLES_IPV6)
		return;
	tns_enter();
	h = topen(c);
	path = write_tmp(inputs[1]);
	ck_assert_int_eq(tsh(NULL, NULL, "%s-restore -c < %s", c->cli, path), 0);
	ck_rc(h, iptables_save(h, "filter", IPTABLES_SAVE_COUNTERS, &a), 0);
	ck_rc(h, iptables_clear_all(h, "filter"), 0);
	ck_rc(h, iptables_delete_all(h, "filter"), 0);
	ck_rc(h, iptables_restore(h, a, IPTABLES_RESTORE_COUNTERS), 0);
	ck_rc(h, iptables_save(h, "filter", IPTABLES_SAVE_COUNTERS, &b), 0);
	ck_assert_msg(!strcmp(a, b), "%s:\nbefore:\n%s\nafter:\n%s", c->name, a, b);
	ck_assert_ptr_nonnull(strstr(b, ":INPUT DROP [10:600]"));
	ck_assert_ptr_nonnull(strstr(b, "[5:300] -A INPUT -i lo -j ACCEPT"));
	free(a);
	free(b);
	unlink(path);
	free(path);
	iptables_free(h);
}
END_TEST

/* a bad line anywhere changes nothing, with iptables-restore's line number and code */
START_TEST(bad_input_changes_nothing)
{
	static const char *const bad[] = {
		"*filter\n-A INPUT -j ACCEPT\n-A INPUT --bogus\nCOMMIT\n",
		"*filter\n-A INPUT -j ACCEPT\nCOMMIT\n*nat\n-A POSTROUTING -j DROP\nCOMMIT\n",
		"*filter\n-A INPUT -j ACCEPT\nCOMMIT\n*mangle\n-A NOSUCH -j ACCEPT\nCOMMIT\n",
		"*filter\n-A INPUT -j ACCEPT\n",
		"garbage\n",
		"*filter\n:INPUT BAD [0:0]\nCOMMIT\n",
		"*nosuchtable\nCOMMIT\n",
		"*filter\n-D INPUT -s 192.0.2.9 -j DROP\nCOMMIT\n",
	};
	static const int want_line[] = { 3, 5, 5, 3, 1, 2, 1, 2 };
	const struct tcfg *c = &tcfgs[_i];

	if (c->proto == IPTABLES_IPV6)
		return;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *before, *after, *path, *err = NULL, *msg;
		char needle[64];
		iptables *h;
		int st;

		tns_enter();
		h = topen(c);
		ck_rc(h, iptables_append(h, "filter", "OUTPUT", IPTABLES_SPEC("-j", "ACCEPT")), 0);
		before = cli_rules(c);
		ck_assert_int_eq(iptables_restore(h, bad[i], 0), IPTABLES_EINVAL);
		msg = strdup(iptables_errmsg(h));
		after = cli_rules(c);
		ck_assert_msg(!strcmp(before, after), "%s input %zu changed the ruleset:\n%s\n%s",
			      c->name, i, before, after);
		/* the CLI reports the same line */
		path = write_tmp(bad[i]);
		st = tsh(NULL, &err, "unshare -n %s-restore < %s", c->cli, path);
		ck_assert_int_ne(st, 0);
		snprintf(needle, sizeof(needle), "line %d", want_line[i]);
		if (!strstr(err, needle))
			snprintf(needle, sizeof(needle), "line: %d", want_line[i]);
		ck_assert_msg(strstr(err, needle), "%s input %zu: cli said %s", c->name, i, err);
		snprintf(needle, sizeof(needle), "line %d", want_line[i]);
		if (!strstr(msg, needle))
			snprintf(needle, sizeof(needle), "line: %d", want_line[i]);
		ck_assert_msg(strstr(msg, needle), "%s input %zu: we said %s, cli %s", c->name, i,
			      msg, err);
		/* and in the same words */
		ck_assert_msg(!strcmp(msg, tchomp(err)), "%s input %zu:\nwe said:\n%s\ncli said:\n%s",
			      c->name, i, msg, err);
		free(msg);
		free(err);
		unlink(path);
		free(path);
		free(before);
		free(after);
		iptables_free(h);
	}
}
END_TEST

START_TEST(noflush_keeps_other_rules)
{
	const struct tcfg *c = &tcfgs[_i];
	iptables *h;

	tns_enter();
	h = topen(c);
	ck_rc(h, iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "ACCEPT")), 0);
	ck_rc(h, iptables_new_chain(h, "filter", "KEEP"), 0);
	ck_rc(h, iptables_restore(h, "*filter\n:KEEP - [0:0]\n-A KEEP -j RETURN\n"
				     "-I INPUT 1 -j KEEP\nCOMMIT\n", IPTABLES_RESTORE_NOFLUSH), 0);
	ck_assert_uint_eq(trule_count(h, "INPUT"), 2);
	ck_assert_uint_eq(trule_count(h, "KEEP"), 1);
	/* without --noflush the table is replaced */
	ck_rc(h, iptables_restore(h, "*filter\n-A OUTPUT -j ACCEPT\nCOMMIT\n", 0), 0);
	ck_assert_uint_eq(trule_count(h, "INPUT"), 0);
	ck_assert_int_eq(iptables_chain_exists(h, "filter", "KEEP"), 0);
	iptables_free(h);
}
END_TEST

START_TEST(restore_joins_open_transaction)
{
	const struct tcfg *c = &tcfgs[_i];
	iptables *h;

	tns_enter();
	h = topen(c);
	ck_rc(h, iptables_begin(h), 0);
	ck_rc(h, iptables_new_chain(h, "filter", "TXR"), 0);
	ck_rc(h, iptables_restore(h, "*filter\n-A TXR -j RETURN\nCOMMIT\n",
				  IPTABLES_RESTORE_NOFLUSH), 0);
	ck_assert_int_eq(iptables_chain_exists(h, "filter", "TXR"),
			 c->backend == IPTABLES_BACKEND_EXEC ? 0 : 1);
	ck_rc(h, iptables_commit(h), 0);
	ck_assert_uint_eq(trule_count(h, "TXR"), 1);
	iptables_free(h);
}
END_TEST

START_TEST(policy_and_zero)
{
	const struct tcfg *c = &tcfgs[_i];
	uint64_t p = 1, b = 1;
	char *target = NULL;
	iptables *h;

	tns_enter();
	h = topen(c);
	ck_rc(h, iptables_change_policy(h, "filter", "FORWARD", "DROP"), 0);
	ck_rc(h, iptables_get_policy(h, "filter", "FORWARD", &target, &p, &b), 0);
	ck_assert_str_eq(target, "DROP");
	ck_assert_uint_eq(p, 0);
	free(target);
	ck_rc(h, iptables_get_policy(h, "filter", "FORWARD", NULL, NULL, NULL), 0);
	ck_rc(h, iptables_new_chain(h, "filter", "U"), 0);
	ck_rc(h, iptables_get_policy(h, "filter", "U", &target, NULL, NULL), IPTABLES_EINVAL);
	ck_rc(h, iptables_get_policy(h, "filter", "NOPE", NULL, NULL, NULL), IPTABLES_ENOTFOUND);
	ck_rc(h, iptables_append(h, "filter", "U", IPTABLES_SPEC("-c", "5", "10", "-j", "RETURN")),
	      0);
	ck_rc(h, iptables_zero(h, "filter", "U", 2), IPTABLES_ERANGE);
	ck_rc(h, iptables_zero(h, "filter", "U", 1), 0);
	ck_rc(h, iptables_zero(h, "filter", "U", 0), 0);
	ck_rc(h, iptables_zero(h, "filter", NULL, 0), 0);
	ck_rc(h, iptables_zero(h, "filter", "NOPE", 0), IPTABLES_ENOTFOUND);
	ck_assert_int_ge(iptables_has_random_fully(h), 0);
	iptables_free(h);
}
END_TEST

/*
 * --random-fully is asked of what each backend writes to, and the asking changes nothing:
 * the answer is the CLI's (its -C parses the rule: exit 0 or 1, not 2), nf_tables keeps no
 * table or chain of the nft backend's checked batch, and an exec binary whose
 * MASQUERADE does not know the option makes the answer 0.
 */
START_TEST(random_fully_asks_the_backend)
{
	const struct tcfg *c = &tcfgs[_i];
	char *before, *after, *err;
	int st, want;
	iptables *h;

	tns_enter();
	free(tcli(c, &st, &err, "-t nat -C POSTROUTING -j MASQUERADE --random-fully"));
	want = st == 0 || st == 1;
	free(err);
	ck_assert_int_eq(tsh(&before, NULL, "nft list ruleset; %s-save | sed '/^#/d'", c->cli), 0);
	h = topen(c);
	ck_rc(h, iptables_has_random_fully(h), want);
	ck_rc(h, iptables_has_random_fully(h), want);
	iptables_free(h);
	ck_assert_int_eq(tsh(&after, NULL, "nft list ruleset; %s-save | sed '/^#/d'", c->cli), 0);
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
	if (c->backend != IPTABLES_BACKEND_EXEC)
		return;
	{
		char path[] = "/tmp/iptc-test-norandomfully-XXXXXX";
		int fd = mkstemp(path);
		struct iptables_options o = { .backend = IPTABLES_BACKEND_EXEC, .proto = c->proto,
					      .path = path };
		FILE *f = fdopen(fd, "w");

		ck_assert_ptr_nonnull(f);
		fprintf(f, "#!/bin/sh\nfor a; do [ \"$a\" = --random-fully ] && "
			"{ echo '%s v1.8.9: unknown option \"--random-fully\"' >&2; exit 2; }; "
			"done\nexec %s \"$@\"\n", c->cli, c->path);
		fclose(f);
		ck_assert_int_eq(chmod(path, 0755), 0);
		ck_assert_int_eq(iptables_new(&h, &o), 0);
		ck_rc(h, iptables_has_random_fully(h), 0);
		iptables_free(h);
		unlink(path);
	}
}
END_TEST

Suite *tsuite(void)
{
	Suite *s = suite_create("saverestore");
	TCase *tc = tcase_create("saverestore");

	tcase_set_timeout(tc, 600);
	tcase_add_loop_test(tc, restore_matches_cli_restore, 0, (int)n_tcfgs);
	tcase_add_loop_test(tc, save_matches_cli_save, 0, (int)n_tcfgs);
	tcase_add_loop_test(tc, round_trip, 0, (int)n_tcfgs);
	tcase_add_loop_test(tc, bad_input_changes_nothing, 0, (int)n_tcfgs);
	tcase_add_loop_test(tc, noflush_keeps_other_rules, 0, (int)n_tcfgs);
	tcase_add_loop_test(tc, restore_joins_open_transaction, 0, (int)n_tcfgs);
	tcase_add_loop_test(tc, policy_and_zero, 0, (int)n_tcfgs);
	tcase_add_loop_test(tc, random_fully_asks_the_backend, 0, (int)n_tcfgs);
	suite_add_tcase(s, tc);
	return s;
}
