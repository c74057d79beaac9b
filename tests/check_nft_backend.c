/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The native nf_tables backend (IPTABLES_BACKEND_NFT) against iptables-nft 1.8.9, where the
 * other suites do not reach: rules other writers (nft, the CLI) put in the tables, and the
 * handle's cached model of a table staying the kernel's while the CLI writes between our
 * calls; a handle reading while other writers commit (interrupted dumps).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static const struct tcfg *nft_cfg(int i)
{
	size_t k, seen = 0;

	for (k = 0; k < n_tcfgs; k++)
		if (tcfgs[k].backend == IPTABLES_BACKEND_NFT && (int)seen++ == i)
			return &tcfgs[k];
	ck_abort_msg("no nft configuration %d", i);
	return NULL;
}

static const struct tcfg *exec_cfg(const struct tcfg *n)
{
	for (size_t k = 0; k < n_tcfgs; k++)
		if (tcfgs[k].backend == IPTABLES_BACKEND_EXEC && tcfgs[k].proto == n->proto &&
		    !strcmp(tcfgs[k].cli, n->cli))
			return &tcfgs[k];
	ck_abort_msg("no exec configuration for %s", n->name);
	return NULL;
}

static void sh_ok(const char *cmd)
{
	char *err;
	int st = tsh(NULL, &err, "%s", cmd);

	ck_assert_msg(st == 0, "`%s` exit %d: %s", cmd, st, err);
	free(err);
}

/* ---- rules other writers leave ---- */

/*
 * filter INPUT: an iptables rule and nft's `ip saddr ... accept comment "x"` (iptables-nft
 * shows it as a comment match); chain N: an iptables rule, nft's `ct state established
 * accept` (iptables cannot express it: the chain is incompatible), an iptables rule.
 */
static void other_writers_ruleset(void)
{
	sh_ok("iptables-nft -A INPUT -p tcp --dport 22 -j ACCEPT && iptables-nft -N N && "
	      "iptables-nft -A N -j RETURN && "
	      "nft add rule ip filter INPUT ip saddr 10.0.0.1 counter accept comment '\"x\"' && "
	      "nft add rule ip filter N ct state established accept && "
	      "iptables-nft -A N -s 1.2.3.4 -j DROP && iptables-nft -N OK && "
	      "iptables-nft -A OK -j ACCEPT");
}

/* @rc and iptables_errmsg(@h) are what the CLI said (@st, @err); the exec-nft backend's
 * code @rce is shown when it differs from @want (it reads only the CLI's exit status and
 * text, which are the same for a missing and an incompatible chain). */
static void same_failure(iptables *h, int rc, int want, int rce, int st, const char *err,
			 const char *what)
{
	ck_assert_msg(st != 0, "%s: the CLI succeeds", what);
	ck_assert_msg(rc < 0, "%s: %d, the CLI fails (%d): %s", what, rc, st, err);
	ck_assert_msg(!strcmp(iptables_errmsg(h), err), "%s:\n    want: %s\n    got:  %s", what,
		      err, iptables_errmsg(h));
	ck_assert_msg(rc == want, "%s: code %d (%s), want %d (%s)", what, rc,
		      iptables_strerror(rc), want, iptables_strerror(want));
	if (rce != rc)
		printf("%s: nft %d (%s), exec-nft %d (%s)\n", what, rc, iptables_strerror(rc), rce,
		       iptables_strerror(rce));
}

START_TEST(nft_other_writers_listing)
{
	const struct tcfg *c = nft_cfg(0), *ec = exec_cfg(c);
	iptables *h = topen(c), *he = topen(ec);
	char **lines, *err, *out;
	struct iptables_stat *a, *b;
	size_t n, na, nb;
	int st, rc, rce;

	other_writers_ruleset();
	/* compatible chains list as iptables-nft lists them */
	ck_oracle(h, c, "filter", "INPUT", false);
	ck_oracle(h, c, "filter", "INPUT", true);
	ck_oracle(h, c, "filter", "OK", false);
	ck_oracle(h, c, "filter", "FORWARD", false);

	/* the incompatible chain: iptables-nft's words and the exec backend's code */
	free(tcli(c, &st, &err, "-S N"));
	rc = iptables_list(h, "filter", "N", &lines, &n);
	rce = iptables_list(he, "filter", "N", &lines, &n);
	same_failure(h, rc, IPTABLES_EUNSUPPORTED, rce, st, err, "iptables_list(filter, N)");
	free(err);
	free(tcli(c, &st, &err, "-v -S N"));
	rc = iptables_list_with_counters(h, "filter", "N", &lines, &n);
	rce = iptables_list_with_counters(he, "filter", "N", &lines, &n);
	same_failure(h, rc, IPTABLES_EUNSUPPORTED, rce, st, err,
		     "iptables_list_with_counters(filter, N)");
	free(err);
	/* the whole table: "table `filter' is incompatible" */
	free(tcli(c, &st, &err, "-S"));
	rc = iptables_list(h, "filter", NULL, &lines, &n);
	rce = iptables_list(he, "filter", NULL, &lines, &n);
	same_failure(h, rc, IPTABLES_EUNSUPPORTED, rce, st, err, "iptables_list(filter, NULL)");
	free(err);
	/* stats: INPUT as exec-nft gives it, N refused alike */
	ck_assert_int_eq(iptables_stats(h, "filter", "INPUT", &a, &na), 0);
	ck_assert_int_eq(iptables_stats(he, "filter", "INPUT", &b, &nb), 0);
	ck_assert_uint_eq(na, 2);
	ck_assert_uint_eq(na, nb);
	for (size_t i = 0; i < na; i++) {
		ck_assert_str_eq(a[i].source, b[i].source);
		ck_assert_str_eq(a[i].target, b[i].target);
		ck_assert_str_eq(a[i].options, b[i].options);
		ck_assert_str_eq(a[i].protocol, b[i].protocol);
	}
	iptables_stats_free(a, na);
	iptables_stats_free(b, nb);
	/* refused alike; the code is the listing's (exec-nft cannot tell an incompatible chain
	 * from a missing one: iptables-nft words both the same) */
	rc = iptables_stats(h, "filter", "N", &a, &na);
	rce = iptables_stats(he, "filter", "N", &b, &nb);
	ck_assert_msg(rc == IPTABLES_EUNSUPPORTED && rce < 0, "stats of N: %d, exec-nft %d", rc,
		      rce);
	/* save: iptables-nft-save's one line for an incompatible table */
	ck_assert_int_eq(tsh(&out, NULL, "iptables-nft-save -t filter | grep -v '^# [GC]'"), 0);
	{
		char *ours = NULL;

		rc = iptables_save(h, "filter", 0, &ours);
		ck_assert_msg(rc == 0, "iptables_save: %d %s (iptables-nft-save: %s)", rc,
			      iptables_errmsg(h), out);
		ck_assert_str_eq(ours, out);
		free(ours);
	}
	free(out);
	ck_assert_int_eq(iptables_chain_exists(h, "filter", "N"), 1);
	iptables_free(h);
	iptables_free(he);
}
END_TEST

START_TEST(nft_other_writers_check_delete)
{
	const struct tcfg *c = nft_cfg(0), *ec = exec_cfg(c);
	iptables *h = topen(c), *he = topen(ec);
	const char *const *nftrule = IPTABLES_SPEC("-s", "10.0.0.1/32", "-m", "comment",
						   "--comment", "x", "-j", "ACCEPT");
	char *err;
	int st, rc, rce;

	other_writers_ruleset();
	/* nft's rule, as iptables sees it, is found and deleted by spec */
	ck_assert_int_eq(iptables_exists(h, "filter", "INPUT", nftrule), 1);
	ck_assert_int_eq(iptables_exists(h, "filter", "OK", IPTABLES_SPEC("-j", "ACCEPT")), 1);
	ck_assert_int_eq(iptables_exists(h, "filter", "OK", IPTABLES_SPEC("-j", "DROP")), 0);
	/* in the incompatible chain, a rule before the nft one is found (iptables-nft finds it
	 * too: it stops at the first match) */
	free(tcli(c, &st, NULL, "-C N -j RETURN"));
	ck_assert_int_eq(st, 0);
	ck_assert_int_eq(iptables_exists(h, "filter", "N", IPTABLES_SPEC("-j", "RETURN")), 1);
	/* ... one after it: iptables-nft fails to parse the nft rule on its way ("Parsing
	 * nftables rule failed", exit 3); the library skips the rule it cannot read and finds
	 * the one after. A known difference: shown, not failed. */
	free(tcli(c, &st, &err, "-C N -s 1.2.3.4 -j DROP"));
	rc = iptables_exists(h, "filter", "N", IPTABLES_SPEC("-s", "1.2.3.4", "-j", "DROP"));
	rce = iptables_exists(he, "filter", "N", IPTABLES_SPEC("-s", "1.2.3.4", "-j", "DROP"));
	if (rc != rce || (rc < 0 && strcmp(iptables_errmsg(h), err)))
		printf("-C past an nft-only rule: nft %d (%s), exec-nft %d, %s exit %d: %s\n", rc,
		       iptables_errmsg(h), rce, c->cli, st, err);
	ck_assert_int_ge(rc, 0);
	free(err);
	ck_rc(h, iptables_delete(h, "filter", "INPUT", nftrule), 0);
	ck_oracle(h, c, "filter", "INPUT", false);
	/* deleting by number works in the incompatible chain: the nft rule goes, and N is
	 * compatible again, for a fresh handle and for this one (whose model held the rule) */
	ck_rc(h, iptables_delete_by_id(h, "filter", "N", 2), 0);
	{
		iptables *g = topen(c);

		ck_oracle(g, c, "filter", "N", false);
		iptables_free(g);
	}
	ck_oracle(h, c, "filter", "N", false);
	ck_oracle(h, c, "filter", NULL, false);
	ck_rc(h, iptables_delete(h, "filter", "N", IPTABLES_SPEC("-s", "1.2.3.4", "-j", "DROP")), 0);
	ck_oracle(h, c, "filter", NULL, true);
	iptables_free(h);
	iptables_free(he);
}
END_TEST

/* Appending to an incompatible chain works (iptables-nft appends without reading it). */
START_TEST(nft_other_writers_append)
{
	const struct tcfg *c = nft_cfg(0);
	iptables *h = topen(c);
	char *out;

	other_writers_ruleset();
	ck_rc(h, iptables_append(h, "filter", "N", IPTABLES_SPEC("-s", "5.6.7.8", "-j", "DROP")), 0);
	ck_rc(h, iptables_insert(h, "filter", "N", 1, IPTABLES_SPEC("-j", "ACCEPT")), 0);
	ck_assert_int_eq(tsh(&out, NULL, "nft list chain ip filter N | grep -c 'drop\\|accept\\|return'"), 0);
	ck_assert_str_eq(out, "5\n");
	free(out);
	sh_ok("iptables-nft -D N 3");	/* the nft rule: N is compatible again */
	ck_oracle(h, c, "filter", NULL, false);
	iptables_free(h);
}
END_TEST

/* ---- the handle's model and the CLI writing between its calls ---- */

static void both_agree(iptables *h, const struct tcfg *c, const char *step)
{
	char *m = toracle_diff(h, c, "filter", "C", false);

	ck_assert_msg(!m, "after %s: %s", step, m);
	m = toracle_diff(h, c, "filter", NULL, true);
	ck_assert_msg(!m, "after %s: %s", step, m);
}

#define CLI(...)                                                                            \
	do {                                                                                \
		char *e_;                                                                   \
		int s_;                                                                     \
		free(tcli(c, &s_, &e_, __VA_ARGS__));                                       \
		ck_assert_msg(s_ == 0, "%s: %s", c->name, e_);                              \
		free(e_);                                                                   \
	} while (0)

#define OURS(call) ck_rc(h, (call), 0)

START_TEST(nft_cache_follows_cli)
{
	const struct tcfg *c = nft_cfg(_i);
	bool v6 = c->proto == IPTABLES_IPV6;
	const char *a1 = v6 ? "2001:db8::1" : "192.0.2.1", *a2 = v6 ? "2001:db8::2" : "192.0.2.2";
	const char *a3 = v6 ? "2001:db8::3" : "192.0.2.3", *a4 = v6 ? "2001:db8::4" : "192.0.2.4";
	const char *a5 = v6 ? "2001:db8::5" : "192.0.2.5";
	iptables *h = topen(c);
	char *line;

	/* read before anything exists: the table is not even there */
	ck_oracle(h, c, "filter", NULL, false);
	ck_assert_int_eq(iptables_chain_exists(h, "filter", "C"), 0);
	CLI("-N C");
	both_agree(h, c, "CLI -N C");
	CLI("-A C -s %s -j ACCEPT", a1);
	both_agree(h, c, "CLI -A");
	OURS(iptables_append(h, "filter", "C", IPTABLES_SPEC("-s", a2, "-j", "DROP")));
	both_agree(h, c, "our append");
	CLI("-I C 1 -s %s -j RETURN", a3);
	both_agree(h, c, "CLI -I 1");
	/* our delete by spec of the CLI's rule */
	OURS(iptables_delete(h, "filter", "C", IPTABLES_SPEC("-s", a1, "-j", "ACCEPT")));
	both_agree(h, c, "our -D of the CLI's rule");
	CLI("-A C -s %s -j ACCEPT", a4);
	/* our insert at 2, between the CLI's first and our own */
	OURS(iptables_insert(h, "filter", "C", 2, IPTABLES_SPEC("-s", a5, "-j", "ACCEPT")));
	both_agree(h, c, "our -I 2");
	ck_assert_int_eq(iptables_list_by_id(h, "filter", "C", 2, &line), 0);
	ck_assert_msg(strstr(line, a5), "rule 2 is %s", line);
	free(line);
	/* our replace of rule 4, which the CLI added */
	OURS(iptables_replace(h, "filter", "C", 4, IPTABLES_SPEC("-s", a4, "-j", "DROP")));
	both_agree(h, c, "our -R 4");
	CLI("-D C 1");
	both_agree(h, c, "CLI -D 1");
	/* our delete by number: rule 1 is now a5 */
	OURS(iptables_delete_by_id(h, "filter", "C", 1));
	both_agree(h, c, "our -D 1");
	CLI("-R C 1 -s %s -j ACCEPT", a3);
	ck_assert_int_eq(iptables_exists(h, "filter", "C", IPTABLES_SPEC("-s", a2, "-j", "DROP")), 0);
	ck_assert_int_eq(iptables_exists(h, "filter", "C", IPTABLES_SPEC("-s", a3, "-j", "ACCEPT")),
			 1);
	both_agree(h, c, "CLI -R 1");
	/* append_unique of what the CLI just added: nothing changes */
	CLI("-A C -s %s -j ACCEPT", a1);
	OURS(iptables_append_unique(h, "filter", "C", IPTABLES_SPEC("-s", a1, "-j", "ACCEPT")));
	both_agree(h, c, "our append_unique of the CLI's rule");
	ck_assert_uint_eq(trule_count(h, "C"), 3);
	/* inserts at the end + 1 and past it */
	OURS(iptables_insert(h, "filter", "C", 4, IPTABLES_SPEC("-j", "RETURN")));
	ck_rc(h, iptables_insert(h, "filter", "C", 6, IPTABLES_SPEC("-j", "RETURN")), IPTABLES_ERANGE);
	both_agree(h, c, "our -I 4");
	CLI("-F C");
	ck_rc(h, iptables_delete_by_id(h, "filter", "C", 1), IPTABLES_ERANGE);
	ck_rc(h, iptables_replace(h, "filter", "C", 1, IPTABLES_SPEC("-j", "DROP")), IPTABLES_ERANGE);
	both_agree(h, c, "CLI -F");
	CLI("-X C");
	ck_assert_int_eq(iptables_chain_exists(h, "filter", "C"), 0);
	ck_rc(h, iptables_append(h, "filter", "C", IPTABLES_SPEC("-j", "DROP")), IPTABLES_ENOTFOUND);
	CLI("-N C");
	OURS(iptables_append(h, "filter", "C", IPTABLES_SPEC("-j", "DROP")));
	both_agree(h, c, "CLI -X, -N and our append");
	/* policy set by the CLI, then by us */
	CLI("-P FORWARD DROP");
	both_agree(h, c, "CLI -P");
	OURS(iptables_change_policy(h, "filter", "FORWARD", "ACCEPT"));
	both_agree(h, c, "our -P");
	iptables_free(h);
}
END_TEST

/* Two library handles (two processes' worth of models): each sees the other's changes. */
START_TEST(nft_two_handles)
{
	const struct tcfg *c = nft_cfg(_i);
	iptables *h = topen(c), *g = topen(c);

	CLI("-N C");
	both_agree(h, c, "CLI -N");
	ck_assert_uint_eq(trule_count(g, "C"), 0);
	OURS(iptables_append(g, "filter", "C", IPTABLES_SPEC("-j", "ACCEPT")));
	both_agree(h, c, "the other handle's append");
	OURS(iptables_insert(h, "filter", "C", 1, IPTABLES_SPEC("-j", "DROP")));
	OURS(iptables_delete_by_id(g, "filter", "C", 1));	/* the DROP h inserted */
	both_agree(h, c, "the other handle's -D 1");
	ck_assert_int_eq(iptables_exists(h, "filter", "C", IPTABLES_SPEC("-j", "DROP")), 0);
	OURS(iptables_rename_chain(g, "filter", "C", "D"));
	ck_assert_int_eq(iptables_chain_exists(h, "filter", "C"), 0);
	ck_assert_int_eq(iptables_chain_exists(h, "filter", "D"), 1);
	ck_oracle(h, c, "filter", NULL, false);
	iptables_free(g);
	iptables_free(h);
}
END_TEST

/* ---- big batches ---- */

extern unsigned long ic_test_nft_loads;

static const char *addr(bool v6, int i, char *buf, size_t len)
{
	snprintf(buf, len, v6 ? "2001:db8::%x" : "10.9.%d.%d", v6 ? i + 1 : i / 256, i % 256);
	return buf;
}

/*
 * A transaction of many messages goes out with the handle out of the event group, and the
 * kernel echoes only the first and the last chain or rule it numbers in each table: the
 * handles of all the others follow from those two. Calls after it that need handles (delete
 * by spec and number, replace, insert before a rule, rename) work on the model it left,
 * without reading the table again, and agree with the CLI; so does a CLI write after it.
 */
START_TEST(nft_big_batch_keeps_model)
{
	const struct tcfg *c = nft_cfg(_i);
	bool v6 = c->proto == IPTABLES_IPV6;
	iptables *h = topen(c);
	unsigned long loads;
	char a[64];

	ck_assert_int_eq(iptables_begin(h), 0);
	/* a fresh namespace: the table and INPUT come into being in this batch */
	OURS(iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-j", "ACCEPT")));
	OURS(iptables_new_chain(h, "filter", "A"));
	OURS(iptables_new_chain(h, "filter", "B"));
	for (int i = 0; i < 40; i++)
		OURS(iptables_append(h, "filter", "A",
				     IPTABLES_SPEC("-s", addr(v6, i, a, sizeof(a)), "-j", "B")));
	/* B is renamed before it has a handle (A's rules jump to C now), then made, dropped
	 * and made again */
	OURS(iptables_rename_chain(h, "filter", "B", "C"));
	OURS(iptables_new_chain(h, "filter", "B"));
	OURS(iptables_delete_chain(h, "filter", "B"));
	OURS(iptables_new_chain(h, "filter", "B"));
	OURS(iptables_append(h, "filter", "B", IPTABLES_SPEC("-j", "RETURN")));
	OURS(iptables_insert(h, "filter", "A", 5, IPTABLES_SPEC("-j", "C")));
	OURS(iptables_delete_by_id(h, "filter", "A", 3));
	OURS(iptables_replace(h, "filter", "A", 7, IPTABLES_SPEC("-j", "RETURN")));
	OURS(iptables_commit(h));
	ck_oracle(h, c, "filter", NULL, false);

	loads = ic_test_nft_loads;
	OURS(iptables_delete(h, "filter", "A",
			     IPTABLES_SPEC("-s", addr(v6, 20, a, sizeof(a)), "-j", "C")));
	OURS(iptables_delete_by_id(h, "filter", "A", 1));
	OURS(iptables_replace(h, "filter", "A", 2, IPTABLES_SPEC("-j", "DROP")));
	OURS(iptables_insert(h, "filter", "A", 3, IPTABLES_SPEC("-j", "ACCEPT")));
	OURS(iptables_rename_chain(h, "filter", "C", "D"));
	OURS(iptables_rename_chain(h, "filter", "B", "E"));
	OURS(iptables_delete(h, "filter", "INPUT", IPTABLES_SPEC("-j", "ACCEPT")));
	ck_assert_msg(ic_test_nft_loads == loads, "%s: the table was read again %lu times",
		      c->name, ic_test_nft_loads - loads);
	ck_oracle(h, c, "filter", NULL, false);
	CLI("-A A -j RETURN");
	CLI("-D A 4");
	ck_oracle(h, c, "filter", NULL, false);
	iptables_free(h);
}
END_TEST

/* ---- reading while others commit ---- */

/*
 * A table of 2000 rules is listed over and over while another process commits in a tight
 * loop: the kernel marks dumps a commit interrupted (NLM_F_DUMP_INTR), and a read must then
 * be done again, not fail, nor leave the dump's rest in the socket for the next request.
 */
START_TEST(nft_read_while_others_commit)
{
	const struct tcfg *c = nft_cfg(_i);
	int nrules = tvalgrind() ? 400 : 2000, rounds = tvalgrind() ? 10 : 60, failures = 0;
	/* a read of 2000 rules takes ~25 ms: one commit every 100 ms interrupts some reads
	 * and lets a read done again through */
	useconds_t pause = tvalgrind() ? 400000 : 100000;
	char path[] = "/tmp/iptc-nft-big.XXXXXX", first[1024] = "", last[1024] = "";
	iptables *h;
	pid_t pid;
	FILE *f;
	int fd, st;

	/* in batches of 500 rules: inside a user namespace (rootless) iptables-nft-restore
	 * cannot raise its socket's send buffer past net.core.wmem_max */
	for (int from = 0; from < nrules; from += 500) {
		fd = mkstemp(path);
		ck_assert_int_ge(fd, 0);
		f = fdopen(fd, "w");
		fprintf(f, "*filter\n%s", from ? "" : ":BIG - [0:0]\n");
		for (int i = from; i < nrules && i < from + 500; i++)
			fprintf(f, "-A BIG -p tcp --dport %d -j ACCEPT\n", i + 1);
		fprintf(f, "COMMIT\n");
		fclose(f);
		ck_assert_int_eq(tsh(NULL, NULL, "%s-restore --noflush < %s", c->cli, path), 0);
		unlink(path);
		memcpy(path + strlen(path) - 6, "XXXXXX", 6);
	}
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		iptables *w = topen(c);

		for (;;) {
			iptables_append(w, "raw", "PREROUTING", IPTABLES_SPEC("-j", "ACCEPT"));
			usleep(pause / 2);
			iptables_delete_by_id(w, "raw", "PREROUTING", 1);
			usleep(pause / 2);
		}
	}
	h = topen(c);
	for (int r = 0; r < rounds; r++) {
		char **lines;
		size_t n;
		int rc = iptables_list(h, "filter", "BIG", &lines, &n);

		if (rc) {
			snprintf(failures++ ? last : first, sizeof(first), "round %d: %d %s", r, rc,
				 iptables_errmsg(h));
			continue;
		}
		if (n != (size_t)nrules + 1 && !failures++)
			snprintf(first, sizeof(first), "round %d: %zu lines", r, n);
		iptables_strv_free(lines, n);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	ck_assert_msg(failures == 0, "%s: %d of %d reads failed; first: %s; last: %s", c->name,
		      failures, rounds, first, last);
	/* and the handle is still in step with the kernel */
	ck_rc(h, iptables_append(h, "filter", "BIG", IPTABLES_SPEC("-j", "DROP")), 0);
	ck_assert_uint_eq(trule_count(h, "BIG"), (size_t)nrules + 1);
	ck_oracle(h, c, "filter", "BIG", false);
	iptables_free(h);
}
END_TEST


/*
 * A transaction over two tables while another process commits every half millisecond:
 * each commit makes a chain in filter, a rule in nat and a rule in the new chain. When the
 * second table is read at a newer generation than the first, the ops already applied to
 * the first table's model must not be lost (nor their rules freed under the batch). Every
 * commit must succeed, and every chain and rule be there.
 */
START_TEST(nft_txn_two_tables_while_others_commit)
{
	const struct tcfg *c = nft_cfg(_i);
	bool v6 = c->proto == IPTABLES_IPV6;
	int rounds = tvalgrind() ? 15 : 150, failures = 0;
	char first[1024] = "", *out, *err;
	iptables *h;
	pid_t pid;
	int st;

	sh_ok(v6 ? "ip6tables-nft -t nat -A POSTROUTING -j ACCEPT && ip6tables-nft -N FIRST && "
		   "ip6tables-nft -N SECOND"
		 : "iptables-nft -t nat -A POSTROUTING -j ACCEPT && iptables-nft -N FIRST && "
		   "iptables-nft -N SECOND");
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		iptables *w = topen(c);

		for (;;) {
			iptables_append(w, "mangle", "PREROUTING", IPTABLES_SPEC("-j", "ACCEPT"));
			usleep(250);
			iptables_delete_by_id(w, "mangle", "PREROUTING", 1);
			usleep(250);
		}
	}
	h = topen(c);
	for (int r = 0; r < rounds; r++) {
		char chain[32], src[64];
		int rc;

		snprintf(chain, sizeof(chain), "X%d", r);
		snprintf(src, sizeof(src), v6 ? "2001:db8::%x" : "10.1.%d.%d", r / 256, r % 256);
		if (v6)
			snprintf(src, sizeof(src), "2001:db8::%x", r + 1);
		ck_assert_int_eq(iptables_begin(h), 0);
		ck_assert_int_eq(iptables_new_chain(h, "filter", chain), 0);
		ck_assert_int_eq(iptables_append(h, "filter", "FIRST", IPTABLES_SPEC("-j", chain)), 0);
		ck_assert_int_eq(iptables_append(h, "nat", "POSTROUTING",
						 IPTABLES_SPEC("-s", src, "-j", "ACCEPT")), 0);
		ck_assert_int_eq(iptables_append(h, "filter", chain, IPTABLES_SPEC("-j", "RETURN")), 0);
		rc = iptables_commit(h);
		if (rc && !failures++)
			snprintf(first, sizeof(first), "round %d: %d %s", r, rc, iptables_errmsg(h));
		/* filter's rule is only in the batch when nat is read: its model rule must
		 * still be there when the kernel echoes its handle */
		ck_assert_int_eq(iptables_begin(h), 0);
		ck_assert_int_eq(iptables_append(h, "filter", "SECOND", IPTABLES_SPEC("-j", "RETURN")),
				 0);
		ck_assert_int_eq(iptables_append(h, "nat", "PREROUTING",
						 IPTABLES_SPEC("-s", src, "-j", "ACCEPT")), 0);
		rc = iptables_commit(h);
		if (rc && !failures++)
			snprintf(first, sizeof(first), "round %d (2): %d %s", r, rc,
				 iptables_errmsg(h));
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	ck_assert_msg(failures == 0, "%s: %d of %d commits failed; first: %s", c->name, failures,
		      2 * rounds, first);
	/* FIRST jumps to every X chain, each X returns, nat has a rule per round */
	out = tcli(c, &st, &err, "-S FIRST | grep -c '^-A FIRST -j X'");
	ck_assert_int_eq(atoi(out), rounds);
	free(out);
	free(err);
	out = tcli(c, &st, &err, "-S | grep -c '^-A X[0-9]* -j RETURN'");
	ck_assert_int_eq(atoi(out), rounds);
	free(out);
	free(err);
	out = tcli(c, &st, &err, "-t nat -S POSTROUTING | grep -c '^-A POSTROUTING -s'");
	ck_assert_int_eq(atoi(out), rounds);
	free(out);
	free(err);
	out = tcli(c, &st, &err, "-S SECOND | grep -c '^-A SECOND -j RETURN'");
	ck_assert_int_eq(atoi(out), rounds);
	free(out);
	free(err);
	out = tcli(c, &st, &err, "-t nat -S PREROUTING | grep -c '^-A PREROUTING -s'");
	ck_assert_int_eq(atoi(out), rounds);
	free(out);
	free(err);
	ck_oracle(h, c, "filter", NULL, false);
	iptables_free(h);
}
END_TEST

Suite *tsuite(void)
{
	Suite *s = suite_create("nft_backend");
	TCase *others = tcase_create("other_writers");
	TCase *cache = tcase_create("cache");
	TCase *reads = tcase_create("reads");

	tcase_add_checked_fixture(others, tns_enter, NULL);
	tcase_set_timeout(others, ttimeout(30));
	tcase_add_test(others, nft_other_writers_listing);
	tcase_add_test(others, nft_other_writers_check_delete);
	tcase_add_test(others, nft_other_writers_append);
	suite_add_tcase(s, others);
	tcase_add_checked_fixture(cache, tns_enter, NULL);
	tcase_set_timeout(cache, ttimeout(30));
	tcase_add_loop_test(cache, nft_cache_follows_cli, 0, 2);
	tcase_add_loop_test(cache, nft_two_handles, 0, 2);
	tcase_add_loop_test(cache, nft_big_batch_keeps_model, 0, 2);
	suite_add_tcase(s, cache);
	tcase_add_checked_fixture(reads, tns_enter, NULL);
	tcase_set_timeout(reads, ttimeout(60));
	tcase_add_loop_test(reads, nft_read_while_others_commit, 0, 2);
	tcase_add_loop_test(reads, nft_txn_two_tables_while_others_commit, 0, 2);
	suite_add_tcase(s, reads);
	return s;
}
