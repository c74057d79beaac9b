/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The example programs, run as a user would: the iptables-c CLI (every verb, plain and --json,
 * IPv4 and IPv6, on every backend of the matrix, checked against the real iptables binaries),
 * the agent (--once rounds and a clean stop on SIGTERM), demo and minimal.
 * Paths of the binaries come from tests/CMakeLists.txt (IPTC_EX_*).
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#if defined(IPTC_EX_CLI) && defined(IPTC_EX_AGENT) && defined(IPTC_EX_DEMO) && \
	defined(IPTC_EX_MINIMAL)

static const char *backend_name(const struct tcfg *c)
{
	return c->backend == IPTABLES_BACKEND_LIBIPTC ? "libiptc" : "exec";
}

/* Run "iptables-c <options for @c> ARGS"; returns the exit status, stdout without its trailing
 * newlines in *out (always set, caller frees), stderr in *err when err != NULL. */
static int run_cli(const struct tcfg *c, char **out, char **err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int run_cli(const struct tcfg *c, char **out, char **err, const char *fmt, ...)
{
	char *args, *o = NULL, *e = NULL;
	va_list ap;
	int st;

	va_start(ap, fmt);
	ck_assert(vasprintf(&args, fmt, ap) >= 0);
	va_end(ap);
	st = tsh(&o, &e, "%s --backend %s%s%s%s %s", IPTC_EX_CLI, backend_name(c),
		 c->path ? " --path " : "", c->path ? c->path : "",
		 c->proto == IPTABLES_IPV6 ? " -6" : "", args);
	free(args);
	tchomp(o);
	tchomp(e);
	if (out)
		*out = o;
	else
		free(o);
	if (err)
		*err = e;
	else
		free(e);
	return st;
}

/* Run the CLI and require exit status @want; returns stdout (caller frees). */
static char *cli_ok(const struct tcfg *c, int want, const char *args)
{
	char *out, *err;
	int st = run_cli(c, &out, &err, "%s", args);

	ck_assert_msg(st == want, "%s: iptables-c %s: exit %d, want %d; stderr: %s; stdout: %s",
		      c->name, args, st, want, err, out);
	free(err);
	return out;
}

static void cli_run(const struct tcfg *c, const char *args)
{
	free(cli_ok(c, 0, args));
}

/* The oracle's `-S` of @chain must equal the CLI's `list @chain`. */
static void same_as_oracle(const struct tcfg *c, const char *opts, const char *chain)
{
	char *want, *got, *args;
	int st;

	want = tcli(c, &st, NULL, "%s -S %s", opts, chain);
	ck_assert_int_eq(st, 0);
	ck_assert(asprintf(&args, "%s list %s", opts, chain) >= 0);
	got = cli_ok(c, 0, args);
	ck_assert_msg(strcmp(got, want) == 0, "%s: list %s:\n%s\noracle:\n%s", c->name, chain,
		      got, want);
	free(args);
	free(got);
	free(want);
}

/* Independent JSON encoding of a list of lines (ASCII input), for comparisons. */
static char *json_lines(const char *text)
{
	size_t len = strlen(text), cap = 2 * len + 16, o = 0;
	char *s = malloc(cap);
	bool first = true, open = false;

	ck_assert_ptr_nonnull(s);
	s[o++] = '[';
	for (const char *p = text; *p || open; p++) {
		if (!open) {
			if (!first)
				s[o++] = ',';
			s[o++] = '"';
			open = true;
			first = false;
		}
		if (*p == '\n' || !*p) {
			s[o++] = '"';
			open = false;
			if (!*p)
				break;
			continue;
		}
		if (*p == '"' || *p == '\\')
			s[o++] = '\\';
		s[o++] = *p;
	}
	s[o++] = ']';
	s[o] = '\0';
	return s;
}

static void ck_contains(const char *hay, const char *needle, const char *what)
{
	ck_assert_msg(strstr(hay, needle) != NULL, "%s: \"%s\" not found in:\n%s", what, needle,
		      hay);
}

START_TEST(test_cli_rules)
{
	const struct tcfg *c = &tcfgs[_i];
	bool v6 = c->proto == IPTABLES_IPV6;
	char *out, *err, *cmd;
	int st;

	cli_run(c, "new-chain T");
	cli_run(c, "append T -p tcp --dport 22 -j ACCEPT");
	ck_assert(asprintf(&cmd, "append T -s %s -j DROP", v6 ? "2001:db8::1" : "192.0.2.1") >= 0);
	cli_run(c, cmd);
	free(cmd);
	cli_run(c, "insert T 1 -p udp --dport 53 -j ACCEPT");
	cli_run(c, "insert T 4 -m comment --comment 'say \"hi\" \\ ok' -j RETURN");
	same_as_oracle(c, "", "T");

	ck_assert_int_eq(run_cli(c, NULL, NULL, "exists T -p tcp --dport 22 -j ACCEPT"), 0);
	/* (ip6tables-legacy 1.8.9 -C ignores a differing --dport: change the target instead) */
	ck_assert_int_eq(run_cli(c, NULL, NULL, "exists T -p tcp --dport 22 -j DROP"), 1);
	ck_assert_int_eq(run_cli(c, NULL, NULL, "exists NOPE -j ACCEPT"), 1);

	cli_run(c, "delete T -p tcp --dport 22 -j ACCEPT");
	st = run_cli(c, &out, &err, "delete T -p tcp --dport 22 -j ACCEPT");
	ck_assert_int_eq(st, 1);
	ck_assert_str_eq(out, "");
	ck_assert_msg(err[0] != '\0', "%s: no message for a failed delete", c->name);
	free(out);
	free(err);

	cli_run(c, "delete-id T 1");
	ck_assert_int_eq(run_cli(c, NULL, NULL, "delete-id T 9"), 1);
	same_as_oracle(c, "", "T");
	out = cli_ok(c, 0, "list T");
	ck_assert_msg(strncmp(out, "-N T\n-A T -s ", 13) == 0, "%s: %s", c->name, out);
	free(out);

	/* list without a chain: the whole table */
	out = cli_ok(c, 0, "list");
	err = tcli(c, &st, NULL, "-S");
	ck_assert_str_eq(out, err);
	free(out);
	free(err);

	/* list-counters is -v -S */
	out = cli_ok(c, 0, "list-counters T");
	err = tcli(c, &st, NULL, "-v -S T");
	ck_assert_str_eq(out, err);
	free(out);
	free(err);

	/* another table */
	cli_run(c, "-t mangle append PREROUTING -j ACCEPT");
	same_as_oracle(c, "-t mangle", "PREROUTING");
}
END_TEST

START_TEST(test_cli_chains)
{
	const struct tcfg *c = &tcfgs[_i];
	char *out, *err;

	cli_run(c, "new-chain A");
	out = cli_ok(c, 1, "--json new-chain A");
	ck_contains(out, "{\"error\":\"EEXIST\"", c->name);
	free(out);
	cli_run(c, "new-chain B");
	out = cli_ok(c, 0, "chains");
	ck_assert_str_eq(out, "INPUT\nFORWARD\nOUTPUT\nA\nB");
	free(out);

	cli_run(c, "append A -j B");
	out = cli_ok(c, 1, "--json delete-chain A");
	ck_contains(out, "{\"error\":\"EBUSY\"", c->name);
	free(out);
	cli_run(c, "clear A");
	cli_run(c, "delete-chain A");
	cli_run(c, "clear C");	/* creates it */
	out = cli_ok(c, 0, "chains");
	ck_assert_str_eq(out, "INPUT\nFORWARD\nOUTPUT\nB\nC");
	free(out);
	out = cli_ok(c, 1, "--json delete-chain NOPE");
	ck_contains(out, "{\"error\":\"ENOTFOUND\"", c->name);
	free(out);

	cli_run(c, "policy FORWARD DROP");
	same_as_oracle(c, "", "FORWARD");
	out = cli_ok(c, 0, "list FORWARD");
	ck_assert_str_eq(out, "-P FORWARD DROP");
	free(out);
	ck_assert_int_eq(run_cli(c, NULL, &err, "policy B DROP"), 1);
	ck_assert(err[0] != '\0');
	free(err);
}
END_TEST

START_TEST(test_cli_json)
{
	const struct tcfg *c = &tcfgs[_i];
	bool v6 = c->proto == IPTABLES_IPV6;
	char *out, *want, *cmd;
	int st;

	cli_run(c, "new-chain J");
	ck_assert(asprintf(&cmd, "append J -s %s -p tcp -j DROP", v6 ? "2001:db8::/32"
								       : "198.51.100.0/24") >= 0);
	cli_run(c, cmd);
	free(cmd);
	cli_run(c, "append J -m comment --comment 'q\"uote back\\slash' -j ACCEPT");

	out = cli_ok(c, 0, "--json list J");
	want = tcli(c, &st, NULL, "-S J");
	ck_assert_int_eq(st, 0);
	ck_contains(want, "\\\"", "oracle");
	cmd = json_lines(want);
	ck_assert_str_eq(out, cmd);
	free(out);
	free(want);
	free(cmd);

	out = cli_ok(c, 0, "--json chains");
	ck_assert_str_eq(out, "[\"INPUT\",\"FORWARD\",\"OUTPUT\",\"J\"]");
	free(out);

	out = cli_ok(c, 0, "--json list-counters J");
	ck_assert_msg(out[0] == '[' && strstr(out, "-c 0 0"), "%s", out);
	free(out);

	out = cli_ok(c, 0, "--json stats J");
	ck_assert_msg(out[0] == '[' && out[strlen(out) - 1] == ']', "%s", out);
	ck_contains(out, "{\"pkts\":0,\"bytes\":0,\"target\":\"DROP\",", c->name);
	ck_contains(out, v6 ? "\"source\":\"2001:db8::/32\"" : "\"source\":\"198.51.100.0/24\"",
		    c->name);
	ck_contains(out, v6 ? "\"destination\":\"::/0\"" : "\"destination\":\"0.0.0.0/0\"",
		    c->name);
	ck_contains(out, "\"in\":\"*\",\"out\":\"*\"", c->name);
	ck_contains(out, "\"target\":\"ACCEPT\"", c->name);
	ck_contains(out, "\"options\":\"/* q\\\"uote back\\\\slash */\"", c->name);
	ck_assert(strstr(out, "\"prot\":") && strstr(out, "\"opt\":"));
	free(out);

	ck_assert(asprintf(&cmd, "--json exists J -s %s -p tcp -j DROP", v6 ? "2001:db8::/32"
									     : "198.51.100.0/24") >= 0);
	out = cli_ok(c, 0, cmd);
	ck_assert_str_eq(out, "{\"exists\":true}");
	free(out);
	free(cmd);
}
END_TEST

START_TEST(test_cli_json_misc)
{
	const struct tcfg *c = &tcfgs[_i];
	char *out, *err;

	out = cli_ok(c, 0, "--json append INPUT -j ACCEPT");
	ck_assert_str_eq(out, "{\"ok\":true}");
	free(out);
	out = cli_ok(c, 0, "--json exists INPUT -j ACCEPT");
	ck_assert_str_eq(out, "{\"exists\":true}");
	free(out);
	out = cli_ok(c, 1, "--json exists INPUT -j DROP");
	ck_assert_str_eq(out, "{\"exists\":false}");
	free(out);
	ck_assert_int_eq(run_cli(c, &out, &err, "--json delete INPUT -j DROP"), 1);
	ck_contains(out, "{\"error\":\"ENOTFOUND\",\"code\":-1,\"message\":\"", c->name);
	ck_assert_msg(err[0] != '\0', "message on stderr");
	free(out);
	free(err);
	ck_assert_int_eq(run_cli(c, &out, &err, "--json append INPUT -p tcp --dport x"), 1);
	ck_contains(out, "{\"error\":\"EINVAL\"", c->name);
	ck_contains(err, "`x'", c->name);
	free(out);
	free(err);
	out = cli_ok(c, 0, "--json version");
	ck_contains(out, c->backend == IPTABLES_BACKEND_LIBIPTC ? "\"backend\":\"libiptc\""
								 : "\"backend\":\"exec\"", c->name);
	ck_contains(out, c->proto == IPTABLES_IPV6 ? "\"proto\":6}" : "\"proto\":4}", c->name);
	free(out);
	out = cli_ok(c, 0, "version");
	ck_assert_msg(strncmp(out, "iptables-c 0.", 13) == 0, "%s", out);
	ck_contains(out, "\niptables 1.", c->name);
	free(out);
}
END_TEST

START_TEST(test_cli_ipv6_separate)
{
	const struct tcfg *c4 = &tcfgs[0], *c6 = &tcfgs[1];
	char *out;

	cli_run(c6, "append INPUT -s 2001:db8::/32 -j ACCEPT");
	cli_run(c4, "append INPUT -s 192.0.2.0/24 -j ACCEPT");
	out = cli_ok(c6, 0, "list INPUT");
	ck_assert_str_eq(out, "-P INPUT ACCEPT\n-A INPUT -s 2001:db8::/32 -j ACCEPT");
	free(out);
	out = cli_ok(c4, 0, "list INPUT");
	ck_assert_str_eq(out, "-P INPUT ACCEPT\n-A INPUT -s 192.0.2.0/24 -j ACCEPT");
	free(out);
	/* an IPv4 address is an error for IPv6 */
	ck_assert_int_eq(run_cli(c6, NULL, NULL, "append INPUT -s 192.0.2.1 -j ACCEPT"), 1);
}
END_TEST

static char *write_file(const char *text)
{
	char *path = strdup("/tmp/iptc-test-rules.XXXXXX");
	int fd;

	ck_assert_ptr_nonnull(path);
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static const char rules2[] =
	"# desired rules of S\n"
	"\n"
	"-p tcp --dport 22 -j ACCEPT   # ssh\n"
	"-m comment --comment \"hello \\\"world\\\"\" \\\n"
	"   -s 192.0.2.0/24 -j 'DROP'\n";

static const char rules3[] =
	"-p tcp --dport 22 -j ACCEPT\n"
	"-p udp --dport 53 -j ACCEPT\n"
	"-m comment --comment 'hello \"world\"' -s 192.0.2.0/24 -j DROP\n";

START_TEST(test_cli_sync)
{
	const struct tcfg *c = &tcfgs[_i];
	char *f2, *f3, *out, *err, *cmd;

	if (c->proto == IPTABLES_IPV6)
		return;
	f2 = write_file(rules2);
	f3 = write_file(rules3);
	ck_assert(asprintf(&cmd, "sync S %s", f2) >= 0);
	out = cli_ok(c, 0, cmd);
	ck_assert_str_eq(out, "updated (2 rules)");
	free(out);
	out = cli_ok(c, 0, "list S");
	ck_assert_str_eq(out, "-N S\n-A S -p tcp -m tcp --dport 22 -j ACCEPT\n"
			      "-A S -s 192.0.2.0/24 -m comment --comment \"hello \\\"world\\\"\" "
			      "-j DROP");
	free(out);
	same_as_oracle(c, "", "S");
	out = cli_ok(c, 0, cmd);
	ck_assert_str_eq(out, "in sync (2 rules)");
	free(out);
	free(cmd);

	ck_assert(asprintf(&cmd, "--json sync S - < %s", f3) >= 0);
	out = cli_ok(c, 0, cmd);
	ck_assert_str_eq(out, "{\"changed\":true,\"rules\":3}");
	free(out);
	out = cli_ok(c, 0, cmd);
	ck_assert_str_eq(out, "{\"changed\":false,\"rules\":3}");
	free(out);
	free(cmd);
	same_as_oracle(c, "", "S");

	/* an empty file empties the chain */
	out = cli_ok(c, 0, "sync S /dev/null");
	ck_assert_str_eq(out, "updated (0 rules)");
	free(out);
	out = cli_ok(c, 0, "list S");
	ck_assert_str_eq(out, "-N S");
	free(out);

	/* a broken file changes nothing */
	ck_assert_int_eq(run_cli(c, &out, &err, "sync S - <<'EOF'\n-j ACCEPT\n-j 'DROP\nEOF"),
			 1);
	ck_contains(err, "<stdin>:2: unterminated single quote", c->name);
	free(out);
	free(err);
	ck_assert_int_eq(run_cli(c, NULL, &err, "sync S /nonexistent/rules"), 1);
	ck_contains(err, "/nonexistent/rules", c->name);
	free(err);
	/* a bad rule in the file changes nothing either */
	ck_assert_int_eq(run_cli(c, NULL, NULL, "sync S - <<'EOF'\n-j ACCEPT\n-p tcp --dport x\n"
					      "EOF"), 1);
	out = cli_ok(c, 0, "list S");
	ck_assert_str_eq(out, "-N S");
	free(out);

	unlink(f2);
	unlink(f3);
	free(f2);
	free(f3);
}
END_TEST

START_TEST(test_cli_usage)
{
	const char *bad[] = {
		"", "frobnicate", "--backend nope list", "-w x list", "--nope list",
		"insert INPUT x -j ACCEPT", "insert INPUT 0 -j ACCEPT", "delete-id INPUT",
		"delete-id INPUT -1", "stats", "stats A B", "policy INPUT", "chains X",
		"sync S", "version 1", "append",
	};
	char *out, *err;
	int st;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		st = tsh(&out, &err, "%s %s", IPTC_EX_CLI, bad[i]);
		ck_assert_msg(st == 2, "iptables-c %s: exit %d, want 2", bad[i], st);
		ck_assert_msg(out[0] == '\0', "iptables-c %s: stdout: %s", bad[i], out);
		ck_assert_msg(err[0] != '\0', "iptables-c %s: no message", bad[i]);
		free(out);
		free(err);
	}
	st = tsh(&out, NULL, "%s --json frobnicate", IPTC_EX_CLI);
	ck_assert_int_eq(st, 2);
	ck_assert_str_eq(out, "{\"error\":\"usage\",\"message\":\"unknown verb 'frobnicate'\"}\n");
	free(out);
	st = tsh(&out, NULL, "%s --help", IPTC_EX_CLI);
	ck_assert_int_eq(st, 0);
	ck_contains(out, "sync CHAIN FILE", "help");
	free(out);
	/* options after the verb belong to the rulespec */
	ck_assert_int_eq(tsh(NULL, NULL, "%s -w 5 -t filter append INPUT -p tcp -j ACCEPT",
			     IPTC_EX_CLI), 0);
	ck_assert_int_eq(tsh(&out, NULL, "%s -t filter -w 5 list INPUT", IPTC_EX_CLI), 0);
	ck_assert_str_eq(out, "-P INPUT ACCEPT\n-A INPUT -p tcp -j ACCEPT\n");
	free(out);
}
END_TEST

/* The agent's options selecting the backend, binary and family of @c. */
static char *agent_opts(const struct tcfg *c)
{
	char *o;

	ck_assert(asprintf(&o, "--backend %s%s%s%s", backend_name(c), c->path ? " --path " : "",
			   c->path ? c->path : "", c->proto == IPTABLES_IPV6 ? " -6" : "") >= 0);
	return o;
}

static int run_agent(char **out, const char *args)
{
	char *err;
	int st = tsh(out, &err, "%s %s 2>&1", IPTC_EX_AGENT, args);

	free(err);
	tchomp(*out);
	return st;
}

START_TEST(test_agent_once)
{
	const struct tcfg *c = &tcfgs[_i];
	char *f2, *f3, *out, *args, *b = agent_opts(c);

	if (c->proto == IPTABLES_IPV6) {
		f2 = write_file("-p tcp --dport 22 -j ACCEPT\n-s 2001:db8::/32 -j DROP\n");
		f3 = write_file("-p tcp --dport 22 -j ACCEPT\n-p udp --dport 53 -j ACCEPT\n"
				"-s 2001:db8::1 -m comment --comment 'x \"y\"' -j DROP\n");
	} else {
		f2 = write_file(rules2);
		f3 = write_file(rules3);
	}
	ck_assert(asprintf(&args, "%s --once AG %s", b, f2) >= 0);
	ck_assert_int_eq(run_agent(&out, args), 0);
	ck_contains(out, "filter/AG: updated 2 rules", c->name);
	free(out);
	same_as_oracle(c, "", "AG");
	ck_assert_int_eq(run_agent(&out, args), 0);
	ck_contains(out, "filter/AG: in sync (2 rules)", c->name);
	free(out);

	/* a change by someone else is undone */
	ck_assert_int_eq(tsh(NULL, NULL, "%s -I AG -j DROP", c->cli), 0);
	ck_assert_int_eq(run_agent(&out, args), 0);
	ck_contains(out, "updated 2 rules", c->name);
	free(out);
	free(args);

	/* a changed file is applied */
	ck_assert(asprintf(&args, "%s --once AG %s", b, f3) >= 0);
	ck_assert_int_eq(run_agent(&out, args), 0);
	ck_contains(out, "updated 3 rules", c->name);
	free(out);
	same_as_oracle(c, "", "AG");
	ck_assert_int_eq(run_agent(&out, args), 0);
	ck_contains(out, "in sync (3 rules)", c->name);
	free(out);
	free(args);

	/* other table; a missing file is an error */
	ck_assert(asprintf(&args, "%s --once -t mangle AG %s", b, f3) >= 0);
	ck_assert_int_eq(run_agent(&out, args), 0);
	ck_contains(out, "mangle/AG: updated 3 rules", c->name);
	free(out);
	free(args);
	ck_assert_int_eq(run_agent(&out, "--once AG /nonexistent/rules"), 1);
	ck_contains(out, "error", c->name);
	free(out);
	unlink(f2);
	unlink(f3);
	free(f2);
	free(f3);
	free(b);
}
END_TEST

START_TEST(test_agent_ipv6)
{
	char *f, *out, *args;

	f = write_file("-s 2001:db8::/32 -j ACCEPT\n");
	ck_assert(asprintf(&args, "-6 --once AG6 %s", f) >= 0);
	ck_assert_int_eq(run_agent(&out, args), 0);
	ck_contains(out, "updated 1 rules", "agent -6");
	free(out);
	ck_assert_int_eq(run_agent(&out, args), 0);
	ck_contains(out, "in sync (1 rules)", "agent -6");
	free(out);
	free(args);
	ck_assert_int_eq(tsh(&out, NULL, "%s -6 list AG6", IPTC_EX_CLI), 0);
	ck_assert_str_eq(out, "-N AG6\n-A AG6 -s 2001:db8::/32 -j ACCEPT\n");
	free(out);
	unlink(f);
	free(f);
}
END_TEST

START_TEST(test_agent_signal)
{
	char *f, *out;
	int st;

	f = write_file(rules3);
	/* rounds every second; SIGTERM stops it cleanly, with status 0 */
	st = tsh(&out, NULL, "%s -i 1 AGS %s >%s.log 2>&1 & p=$!; sleep 2.5; kill -TERM $p; "
		 "wait $p; echo \"rc=$?\"; cat %s.log; rm -f %s.log", IPTC_EX_AGENT, f, f, f, f);
	ck_assert_int_eq(st, 0);
	ck_contains(out, "rc=0\n", "agent SIGTERM");
	ck_contains(out, "filter/AGS: updated 3 rules", "agent SIGTERM");
	ck_contains(out, "filter/AGS: in sync (3 rules)", "agent SIGTERM");
	ck_contains(out, "stopping on signal 15", "agent SIGTERM");
	free(out);
	/* SIGINT cuts a long wait short */
	st = tsh(&out, NULL, "%s -i 3600 AGS %s >%s.log 2>&1 & p=$!; sleep 1; kill -INT $p; "
		 "wait $p; echo \"rc=$?\"; cat %s.log; rm -f %s.log", IPTC_EX_AGENT, f, f, f, f);
	ck_assert_int_eq(st, 0);
	ck_contains(out, "rc=0\n", "agent SIGINT");
	ck_contains(out, "stopping on signal 2", "agent SIGINT");
	free(out);
	unlink(f);
	free(f);
}
END_TEST

/* An admin's `iptables -F` of the agent's chain is repaired within a second, long before the
 * next timed round. */
START_TEST(test_agent_repairs_on_change)
{
	const struct tcfg *c = &tcfgs[_i];
	char *f, *out, *b;
	int st;

	if (c->proto == IPTABLES_IPV6)
		return;		/* rules3 holds IPv4 addresses; test_agent_ipv6 covers -6 */
	b = agent_opts(c);
	f = write_file(rules3);
	st = tsh(&out, NULL, "%s %s -i 3600 AGW %s >%s.log 2>&1 & p=$!; sleep 1.5; "
		 "%s -F AGW; sleep 1; %s -S AGW | grep -c '^-A'; kill -TERM $p; wait $p; "
		 "cat %s.log; rm -f %s.log", IPTC_EX_AGENT, b, f, f, c->cli, c->cli, f, f);
	ck_assert_int_eq(st, 0);
	ck_assert_msg(!strncmp(out, "3\n", 2), "%s: the chain was not repaired:\n%s", c->name,
		      out);
	ck_contains(out, "changed by another program, reconciling", "agent watch");
	free(out);
	free(b);
	unlink(f);
	free(f);
}
END_TEST

START_TEST(test_demo_minimal)
{
	char *out;

	ck_assert_int_eq(tsh(&out, NULL, "%s", IPTC_EX_MINIMAL), 0);
	ck_assert_str_eq(out, "-P INPUT ACCEPT\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n");
	free(out);
	ck_assert_int_eq(tsh(&out, NULL, "%s", IPTC_EX_DEMO), 0);
	free(out);
	ck_assert_int_eq(tsh(&out, NULL, "%s exec", IPTC_EX_DEMO), 0);
	free(out);
	ck_assert_int_eq(tsh(&out, NULL, "%s libiptc", IPTC_EX_DEMO), 0);
	free(out);
}
END_TEST

/* restore < FILE, then save: the text iptables-save prints; a bad line changes nothing. */
START_TEST(test_cli_save_restore)
{
	const struct tcfg *c = &tcfgs[_i];
	static const char good[] = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n"
		":OUTPUT ACCEPT [0:0]\n:WEB - [0:0]\n-A INPUT -j WEB\n"
		"-A WEB -p tcp -m tcp --dport 80 -m comment --comment \"web in\" -j ACCEPT\nCOMMIT\n";
	static const char bad[] = "*filter\n-A INPUT -j ACCEPT\n-A INPUT -p nosuchproto -j DROP\n"
		"COMMIT\n";
	char path[] = "/tmp/iptc-cli-restore-XXXXXX", *out, *want, *args;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, good, sizeof(good) - 1), (ssize_t)sizeof(good) - 1);
	close(fd);
	ck_assert(asprintf(&args, "restore < %s", path) >= 0);
	cli_run(c, args);
	out = cli_ok(c, 0, "save filter");
	ck_assert_int_eq(tsh(&want, NULL, "%s-save -t filter | grep -v '^# [GC]'", c->cli), 0);
	tchomp(want);
	ck_assert_msg(!strcmp(out, want), "%s: save:\n%s\noracle:\n%s", c->name, out, want);
	free(out);

	fd = open(path, O_WRONLY | O_TRUNC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, bad, sizeof(bad) - 1), (ssize_t)sizeof(bad) - 1);
	close(fd);
	free(cli_ok(c, 1, args));
	out = cli_ok(c, 0, "save filter");
	ck_assert_msg(!strcmp(out, want), "%s: a refused restore changed:\n%s", c->name, out);
	free(out);
	free(want);
	free(args);
	unlink(path);
}
END_TEST

Suite *tsuite(void)
{
	Suite *s = suite_create("examples");
	TCase *cli = tcase_create("cli"), *agent = tcase_create("agent");
	int n = (int)n_tcfgs;

	tcase_add_checked_fixture(cli, tns_enter, NULL);
	tcase_set_timeout(cli, ttimeout(120));
	tcase_add_loop_test(cli, test_cli_rules, 0, n);
	tcase_add_loop_test(cli, test_cli_chains, 0, n);
	tcase_add_loop_test(cli, test_cli_json, 0, n);
	tcase_add_loop_test(cli, test_cli_json_misc, 0, n);
	tcase_add_loop_test(cli, test_cli_sync, 0, n);
	tcase_add_loop_test(cli, test_cli_save_restore, 0, n);
	tcase_add_test(cli, test_cli_ipv6_separate);
	tcase_add_test(cli, test_cli_usage);
	suite_add_tcase(s, cli);

	tcase_add_checked_fixture(agent, tns_enter, NULL);
	tcase_set_timeout(agent, ttimeout(120));
	tcase_add_loop_test(agent, test_agent_once, 0, n);
	tcase_add_test(agent, test_agent_ipv6);
	tcase_add_test(agent, test_agent_signal);
	tcase_add_loop_test(agent, test_agent_repairs_on_change, 0, n);
	tcase_add_test(agent, test_demo_minimal);
	suite_add_tcase(s, agent);
	return s;
}

#else

Suite *tsuite(void)
{
	puts("examples not built (IPTC_BUILD_EXAMPLES=OFF): nothing to test");
	return NULL;
}

#endif
