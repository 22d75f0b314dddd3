#!/usr/bin/env bash
# cmake --install into a scratch prefix, then build a program against the
# installed header and library with pkg-config, and run it and the CLI.
set -euo pipefail
build=$1
here=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
test -f "$prefix/include/taafi.h"
test -x "$prefix/bin/taafi"
pc=$(find "$prefix" -name taafi.pc)
test -n "$pc"
export PKG_CONFIG_PATH=$(dirname "$pc")
cc -std=c11 -Wall -Werror ${CFLAGS_EXTRA:-} "$here/consumer.c" -o "$prefix/consumer" \
    $(pkg-config --cflags --libs taafi) ${LDFLAGS_EXTRA:-} 2>&1
libdir=$(pkg-config --variable=libdir taafi)
LD_LIBRARY_PATH=$libdir "$prefix/consumer" | grep -q "linked taafi"
LD_LIBRARY_PATH=$libdir "$prefix/bin/taafi" --version | grep -q "^taafi "
echo "install ok"
