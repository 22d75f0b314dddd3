#!/usr/bin/env bash
# Builds taafi with clang, libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer into build-fuzz/ and fuzzes, for SECONDS each
# (default 60): the project-file parser (project), the geometry ingest path
# (ingest), the SQL a user writes in expressions and filters (sql), CSV and
# GeoJSON point files (points) and the raster path (raster).  New
# inputs that widen coverage are kept in tests/fuzz/corpus_*/ (commit the
# small ones: ctest replays them); crashes are written to build-fuzz/.
# Not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
./scripts/install-deps.sh
command -v clang >/dev/null || apt-get install -y -qq clang libclang-rt-14-dev
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DTAAFI_SANITIZE=ON -DTAAFI_FUZZ=ON >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_project fuzz_ingest fuzz_sql fuzz_points fuzz_raster
export ASAN_OPTIONS=detect_leaks=1
export LSAN_OPTIONS=suppressions=$(pwd)/tests/lsan.supp
for h in project ingest sql points raster; do
    echo "== fuzzing $h for ${seconds}s =="
    (cd build-fuzz && ./tests/fuzz_$h -max_total_time="$seconds" -max_len=4096 -artifact_prefix=./crash-$h- \
        ../tests/fuzz/corpus_$h)
done
