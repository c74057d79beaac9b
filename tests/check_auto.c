/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * IPTABLES_BACKEND_AUTO: on a system whose iptables is the nf_tables variant (Debian 12's
 * default, this machine's) it picks the native nf_tables backend, which spawns nothing: every
 * call is made here in a child that the kernel forbids to execute any program (seccomp), and
 * the rules still land as iptables-nft shows them.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include "harness.h"

/* execve and execveat fail with EPERM from now on, in this process and its children. */
static int forbid_exec(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_execve, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_execveat, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

static bool system_is_nft(void)
{
	char *out = NULL;
	int st = tsh(&out, NULL, "iptables --version 2>/dev/null");
	bool nft = st == 0 && out && strstr(out, "nf_tables");

	free(out);
	return nft;
}

#define STEP(expr)                                                                          \
	do {                                                                                \
		int r_ = (expr);                                                            \
		if (r_ < 0) {                                                               \
			fprintf(stderr, "%s: %d %s\n", #expr, r_, iptables_errmsg(h));      \
			_exit(10 + __LINE__ % 100);                                         \
		}                                                                           \
	} while (0)

/* Every kind of call, through AUTO, with exec forbidden. */
static void child(enum iptables_proto proto)
{
	struct iptables_options o = { .proto = proto };
	const char *const *const sync[] = { IPTABLES_SPEC("-p", "tcp", "--dport", "443", "-j",
							   "ACCEPT") };
	char **lines, *text;
	uint64_t gen;
	iptables *h;
	size_t n;

	if (forbid_exec())
		_exit(2);
	if (iptables_new(&h, &o))
		_exit(3);
	if (iptables_backend(h) != IPTABLES_BACKEND_NFT || strcmp(iptables_mode(h), "nf_tables"))
		_exit(4);
	STEP(iptables_append(h, "filter", "INPUT", IPTABLES_SPEC("-p", "tcp", "--dport", "22",
								 "-j", "ACCEPT")));
	STEP(iptables_new_chain(h, "filter", "AGENT"));
	STEP(iptables_insert(h, "filter", "INPUT", 1, IPTABLES_SPEC("-j", "AGENT")));
	if (iptables_exists(h, "filter", "INPUT", IPTABLES_SPEC("-j", "AGENT")) != 1)
		_exit(5);
	STEP(iptables_sync_chain(h, "filter", "AGENT", sync, 1));
	STEP(iptables_list(h, "filter", NULL, &lines, &n));
	iptables_strv_free(lines, n);
	STEP(iptables_save(h, "filter", 0, &text));
	free(text);
	STEP(iptables_restore(h, "*filter\n-A AGENT -p udp -j DROP\n-D AGENT -p udp -j DROP\n"
			      "COMMIT\n", IPTABLES_RESTORE_NOFLUSH));
	STEP(iptables_begin(h));
	STEP(iptables_append(h, "nat", "POSTROUTING", IPTABLES_SPEC("-j", "MASQUERADE")));
	STEP(iptables_change_policy(h, "filter", "FORWARD", "DROP"));
	STEP(iptables_commit(h));
	STEP(iptables_generation(h, "filter", &gen));
	STEP(iptables_wait_change(h, "filter", gen, 0));
	STEP(iptables_delete(h, "filter", "INPUT", IPTABLES_SPEC("-p", "tcp", "--dport", "22",
								 "-j", "ACCEPT")));
	iptables_free(h);
	_exit(0);
}

static void run_auto(enum iptables_proto proto, const char *cli)
{
	char *out;
	pid_t pid;
	int st;

	if (!system_is_nft()) {
		printf("auto: this system's iptables is not the nf_tables variant; nothing to check\n");
		return;
	}
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		child(proto);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "AUTO child failed: status %d", st);
	ck_assert_int_eq(tsh(&out, NULL, "%s -S", cli), 0);
	ck_assert_str_eq(out, "-P INPUT ACCEPT\n-P FORWARD DROP\n-P OUTPUT ACCEPT\n-N AGENT\n"
			      "-A INPUT -j AGENT\n-A AGENT -p tcp -m tcp --dport 443 -j ACCEPT\n");
	free(out);
	ck_assert_int_eq(tsh(&out, NULL, "%s -t nat -S POSTROUTING", cli), 0);
	ck_assert_str_eq(out, "-P POSTROUTING ACCEPT\n-A POSTROUTING -j MASQUERADE\n");
	free(out);
}

START_TEST(test_auto_nft_spawns_nothing_v4)
{
	run_auto(IPTABLES_IPV4, "iptables-nft");
}
END_TEST

START_TEST(test_auto_nft_spawns_nothing_v6)
{
	run_auto(IPTABLES_IPV6, "ip6tables-nft");
}
END_TEST

Suite *tsuite(void)
{
	Suite *s = suite_create("auto");
	TCase *tc = tcase_create("auto");

	tcase_add_checked_fixture(tc, tns_enter, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_auto_nft_spawns_nothing_v4);
	tcase_add_test(tc, test_auto_nft_spawns_nothing_v6);
	suite_add_tcase(s, tc);
	return s;
}
