#!/usr/bin/env bash
# Installs what is missing, builds taafi and runs the whole test suite through
# ctest twice: a plain build (build/, which also runs the example under
# valgrind) and one under AddressSanitizer and UndefinedBehaviorSanitizer
# (build-asan/).  Exits non-zero on any failure.  Fuzzing is separate:
# scripts/fuzz.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh --for-tests
jobs=$(nproc)

echo "== plain build =="
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"

echo "== AddressSanitizer + UndefinedBehaviorSanitizer build =="
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DTAAFI_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs"
# Leaks inside GDAL/PROJ/GEOS's own caches are theirs, not ours: see
# tests/lsan.supp.  Everything taafi allocates must be freed.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1
export LSAN_OPTIONS=suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir build-asan --output-on-failure -j"$jobs"
