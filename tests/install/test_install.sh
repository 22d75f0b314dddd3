#!/usr/bin/env bash
# cmake --install into a scratch prefix, then build a program against the
# installed header and library with pkg-config, and run it and the CLI.
# The program runs the demo's projects through taafi_project_run and its
# outputs must be the CLI's, byte for byte (SOURCE_DATE_EPOCH pinned).
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
src=$(cd "$here/../.." && pwd)
export SOURCE_DATE_EPOCH=1700000000
for job in "homs maps" "homs_rounds"; do
    read -r name maps <<<"$job"
    LD_LIBRARY_PATH=$libdir "$prefix/consumer" "$src/examples/$name.yml" "$prefix/lib-$name" $maps >/dev/null
    LD_LIBRARY_PATH=$libdir "$prefix/bin/taafi" run "$src/examples/$name.yml" -o "$prefix/cli-$name" -q \
        ${maps:+--maps}
    test -f "$prefix/lib-$name/taafi-run.json"
    diff -r "$prefix/cli-$name" "$prefix/lib-$name"
done
echo "install ok"
