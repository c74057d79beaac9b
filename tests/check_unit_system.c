/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lib/system.c: which iptables the system runs, read from where `iptables` in PATH leads.
 * Each test builds a fake PATH of alternatives-style symlinks in a directory of its own.
 * No root.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"
#include "harness.h"

static char root[] = "/tmp/iptc-unit-system.XXXXXX";
static char dir[sizeof(root) + 64];

/* Unchecked fixture: one scratch directory for the whole case, made and removed by the
 * runner itself, so it goes even when a test fails. */
static void root_make(void)
{
	if (!mkdtemp(root))
		abort();
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void root_remove(void)
{
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Checked fixture: a directory of this test's own (tests run in forked children). */
static void dir_make(void)
{
	static int seq;

	snprintf(dir, sizeof(dir), "%s/t%d.%d", root, (int)getpid(), seq++);
	ck_assert_msg(mkdir(dir, 0755) == 0, "mkdir %s: %s", dir, strerror(errno));
}

static void mkdirs(const char *sub)
{
	char p[sizeof(dir) + 64];

	snprintf(p, sizeof(p), "%s/%s", dir, sub);
	ck_assert_msg(mkdir(p, 0755) == 0, "mkdir %s: %s", p, strerror(errno));
}

/* An executable (or, with mode 0644, a plain) file at @dir/@sub. */
static void file(const char *sub, mode_t mode)
{
	char p[sizeof(dir) + 64];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, sub);
	fd = open(p, O_CREAT | O_WRONLY | O_TRUNC, mode);
	ck_assert_msg(fd >= 0, "create %s: %s", p, strerror(errno));
	ck_assert_int_eq(write(fd, "#!/bin/sh\n", 10), 10);
	close(fd);
	ck_assert_int_eq(chmod(p, mode), 0);
}

/* @dir/@sub -> @target (taken as it is: relative links resolve from @sub's directory). */
static void link_to(const char *sub, const char *target)
{
	char p[sizeof(dir) + 64];

	snprintf(p, sizeof(p), "%s/%s", dir, sub);
	ck_assert_msg(symlink(target, p) == 0, "symlink %s: %s", p, strerror(errno));
}

/* PATH = the given subdirectories of @dir, ':'-separated ("" entries are kept). */
static void path_of(const char *subs)
{
	char p[1024] = "", *copy = strdup(subs), *save = NULL, *s;
	size_t len = 0;

	for (s = strtok_r(copy, ":", &save); s; s = strtok_r(NULL, ":", &save))
		len += snprintf(p + len, sizeof(p) - len, "%s%s/%s", len ? ":" : "", dir, s);
	free(copy);
	setenv("PATH", p, 1);
}

/* Debian: /usr/sbin/iptables -> /etc/alternatives/iptables -> xtables-nft-multi. */
START_TEST(alternatives_chain_to_nft)
{
	mkdirs("sbin");
	mkdirs("alternatives");
	file("sbin/xtables-nft-multi", 0755);
	link_to("alternatives/iptables", "../sbin/xtables-nft-multi");
	link_to("sbin/iptables", "../alternatives/iptables");
	path_of("sbin");
	ck_assert_int_eq(ic_system_variant(IPTABLES_IPV4), IC_VARIANT_NFT);
	/* no ip6tables there */
	ck_assert_int_eq(ic_system_variant(IPTABLES_IPV6), IC_VARIANT_NONE);
}
END_TEST

START_TEST(legacy_for_each_family)
{
	mkdirs("sbin");
	file("sbin/xtables-legacy-multi", 0755);
	link_to("sbin/iptables", "xtables-legacy-multi");
	link_to("sbin/ip6tables", "xtables-legacy-multi");
	path_of("sbin");
	ck_assert_int_eq(ic_system_variant(IPTABLES_IPV4), IC_VARIANT_LEGACY);
	ck_assert_int_eq(ic_system_variant(IPTABLES_IPV6), IC_VARIANT_LEGACY);
}
END_TEST

/* The families may differ: it is the link of each name that counts. */
START_TEST(families_apart)
{
	mkdirs("sbin");
	file("sbin/xtables-legacy-multi", 0755);
	file("sbin/xtables-nft-multi", 0755);
	link_to("sbin/iptables", "xtables-nft-multi");
	link_to("sbin/ip6tables", "xtables-legacy-multi");
	path_of("sbin");
	ck_assert_int_eq(ic_system_variant(IPTABLES_IPV4), IC_VARIANT_NFT);
	ck_assert_int_eq(ic_system_variant(IPTABLES_IPV6), IC_VARIANT_LEGACY);
}
END_TEST

/* A binary of its own (an old single-variant build, a wrapper script): some other iptables. */
START_TEST(plain_binary_is_other)
{
	mkdirs("bin");
	file("bin/iptables", 0755);
	path_of("bin");
	ck_assert_int_eq(ic_system_variant(IPTABLES_IPV4), IC_VARIANT_OTHER);
}
END_TEST

/* The first PATH directory holding an executable `iptables` wins; empty entries and
 * directories without one are passed over. */
START_TEST(first_in_path_wins)
{
	mkdirs("empty");
	mkdirs("a");
	mkdirs("b");
	file("a/xtables-legacy-multi", 0755);
	file("b/xtables-nft-multi", 0755);
	link_to("a/iptables", "xtables-legacy-multi");
	link_to("b/iptables", "xtables-nft-multi");
	path_of("empty:a:b");
	ck_assert_int_eq(ic_system_variant(IPTABLES_IPV4), IC_VARIANT_LEGACY);
	path_of("empty:b:a");
	ck_assert_int_eq(ic_system_variant(IPTABLES_IPV4), IC_VARIANT_NFT);
}
END_TEST

START_TEST(empty_path_entries_are_skipped)
{
	char p[1024];

	mkdirs("sbin");
	file("sbin/xtables-nft-multi", 0755);
	link_to("sbin/iptables", "xtables-nft-multi");
	snprintf(p, sizeof(p), "::%s/sbin:", dir);
	setenv("PATH", p, 1);
	ck_assert_int_eq(ic_system_variant(IPTABLES_IPV4), IC_VARIANT_NFT);
}
END_TEST

/* Not executable, or a link to nothing: not an iptables at all. */
START_TEST(unusable_names_are_none)
{
	mkdirs("a");
	mkdirs("b");
	file("a/iptables", 0644);
	link_to("b/iptables", "xtables-nft-multi");	/* dangling */
	path_of("a:b");
	ck_assert_int_eq(ic_system_variant(IPTABLES_IPV4), IC_VARIANT_NONE);
}
END_TEST

START_TEST(nothing_in_path_is_none)
{
	mkdirs("empty");
	path_of("empty");
	ck_assert_int_eq(ic_system_variant(IPTABLES_IPV4), IC_VARIANT_NONE);
	ck_assert_int_eq(ic_system_variant(IPTABLES_IPV6), IC_VARIANT_NONE);
}
END_TEST

Suite *tsuite(void)
{
	Suite *s = suite_create("unit_system");
	TCase *tc = tcase_create("variant");

	tcase_add_unchecked_fixture(tc, root_make, root_remove);
	tcase_add_checked_fixture(tc, dir_make, NULL);
	tcase_add_test(tc, alternatives_chain_to_nft);
	tcase_add_test(tc, legacy_for_each_family);
	tcase_add_test(tc, families_apart);
	tcase_add_test(tc, plain_binary_is_other);
	tcase_add_test(tc, first_in_path_wins);
	tcase_add_test(tc, empty_path_entries_are_skipped);
	tcase_add_test(tc, unusable_names_are_none);
	tcase_add_test(tc, nothing_in_path_is_none);
	suite_add_tcase(s, tc);
	return s;
}
