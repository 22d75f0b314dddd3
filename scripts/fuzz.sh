#!/usr/bin/env bash
# Builds taafi with clang, libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer into build-fuzz/ and fuzzes the project-file
# parser and the geometry ingest path for SECONDS each (default 60).  New
# inputs that widen coverage are kept in tests/fuzz/corpus_*/ (commit the
# small ones: ctest replays them); crashes are written to build-fuzz/.
# Not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
./scripts/install-deps.sh
command -v clang >/dev/null || apt-get install -y -qq clang libclang-rt-14-dev
CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DTAAFI_SANITIZE=ON -DTAAFI_FUZZ=ON >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target fuzz_project fuzz_ingest
export ASAN_OPTIONS=detect_leaks=1
export LSAN_OPTIONS=suppressions=$(pwd)/tests/lsan.supp
for h in project ingest; do
    echo "== fuzzing $h for ${seconds}s =="
    (cd build-fuzz && ./tests/fuzz_$h -max_total_time="$seconds" -max_len=4096 -artifact_prefix=./crash-$h- \
        ../tests/fuzz/corpus_$h)
done
