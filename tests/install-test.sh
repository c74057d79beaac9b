#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install the build tree into a temporary prefix, then build an outside program
# (examples/minimal.c) against the installed files only, with pkg-config and with CMake's
# find_package(iptables-c), and run both in a throwaway network namespace.
# Usage: install-test.sh BUILD_DIR SOURCE_DIR      (exit 77: cannot run here, skipped)
set -eu

build=$(cd "${1:?usage: install-test.sh BUILD_DIR SOURCE_DIR}" && pwd)
src=$(cd "${2:?usage: install-test.sh BUILD_DIR SOURCE_DIR}" && pwd)
cc=${CC:-cc}
# A sanitizer build's library needs its users built with the same runtime.
san=
if grep -q '^IPTC_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then
	san="-fsanitize=address,undefined"
fi

if ! unshare --net true 2>/dev/null; then
	echo "install-test: cannot create a network namespace (need root): skipped"
	exit 77
fi

tmp=$(mktemp -d /tmp/iptc-install-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
prefix=$tmp/prefix
fail() {
	echo "install-test: FAIL: $*" >&2
	exit 1
}

echo "== cmake --install into $prefix"
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" ||
	{ cat "$tmp/install.log"; fail "cmake --install"; }

pc=$(find "$prefix" -name libiptables-c.pc)
[ -n "$pc" ] || fail "libiptables-c.pc not installed"
pcdir=$(dirname "$pc")
libdir=$(dirname "$pcdir")
for f in "$prefix/include/iptables-c.h" "$libdir/libiptables-c.so" "$libdir/libiptables-c.a" \
	"$libdir/cmake/iptables-c/iptables-c-config.cmake" \
	"$libdir/cmake/iptables-c/iptables-c-config-version.cmake"; do
	[ -e "$f" ] || fail "$f not installed"
done
headers=$(ls "$prefix/include")
[ "$headers" = "iptables-c.h" ] || fail "extra headers installed: $headers"
if [ -d "$src/man" ]; then
	for f in "$src"/man/*.3; do
		[ -e "$prefix/share/man/man3/$(basename "$f")" ] || fail "man page $f not installed"
	done
	[ -e "$prefix/share/man/man3/iptables_insert.3" ] || fail "man3 alias pages not installed"
fi

# expected output of minimal in a fresh namespace
want='-P INPUT ACCEPT
-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT'

run() {
	got=$(LD_LIBRARY_PATH=$libdir XTABLES_LOCKFILE=$tmp/xtables.lock unshare --net "$@") ||
		fail "$* exited with status $?"
	[ "$got" = "$want" ] || fail "$*: output
$got
want
$want"
}

uses_installed_lib() {
	LD_LIBRARY_PATH=$libdir ldd "$1" | grep -q "libiptables-c.so.* => $libdir/" ||
		fail "$1 does not load $libdir/libiptables-c.so: $(LD_LIBRARY_PATH=$libdir ldd "$1")"
}

echo "== pkg-config"
flags=$(PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs libiptables-c) ||
	fail "pkg-config --cflags --libs libiptables-c"
echo "   $flags"
case "$flags" in
*"$src"*) fail "pkg-config flags point into the source tree: $flags" ;;
esac
# shellcheck disable=SC2086 # word splitting of the flags is intended
$cc $san -Wall -Werror -o "$tmp/minimal-pc" "$src/examples/minimal.c" $flags ||
	fail "compile with pkg-config flags"
uses_installed_lib "$tmp/minimal-pc"
run "$tmp/minimal-pc"

echo "== pkg-config --static (libiptables-c.a)"
sflags=$(PKG_CONFIG_PATH=$pcdir pkg-config --static --libs libiptables-c) ||
	fail "pkg-config --static --libs libiptables-c"
# shellcheck disable=SC2086
$cc $san -Wall -Werror -o "$tmp/minimal-static" "$src/examples/minimal.c" -I"$prefix/include" \
	"$libdir/libiptables-c.a" $sflags || fail "link against libiptables-c.a"
run "$tmp/minimal-static"

echo "== CMake find_package(iptables-c)"
mkdir -p "$tmp/outside"
cp "$src/examples/minimal.c" "$tmp/outside/"
cat >"$tmp/outside/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.18)
project(outside LANGUAGES C)
find_package(iptables-c 0.1 REQUIRED)
add_executable(minimal minimal.c)
target_link_libraries(minimal PRIVATE iptables-c::iptables-c)
CMAKE
cmake -S "$tmp/outside" -B "$tmp/outside/build" -DCMAKE_PREFIX_PATH="$prefix" \
	-DCMAKE_C_FLAGS="$san -Wall -Werror" >"$tmp/cmake.log" 2>&1 ||
	{ cat "$tmp/cmake.log"; fail "configure the outside CMake project"; }
cmake --build "$tmp/outside/build" >"$tmp/build.log" 2>&1 ||
	{ cat "$tmp/build.log"; fail "build the outside CMake project"; }
uses_installed_lib "$tmp/outside/build/minimal"
run "$tmp/outside/build/minimal"

if [ -x "$prefix/bin/iptables-c" ]; then
	echo "== installed iptables-c CLI"
	want='-P INPUT ACCEPT
-A INPUT -j ACCEPT'
	run sh -c "'$prefix/bin/iptables-c' append INPUT -j ACCEPT &&
		'$prefix/bin/iptables-c' list INPUT"
	[ -e "$prefix/share/man/man1/iptables-c.1" ] || fail "iptables-c.1 not installed"
fi

echo "install-test: OK"
