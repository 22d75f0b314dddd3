#!/usr/bin/env bash
# Checks that two builds of taafi write the same bytes: the example with
# --maps and its scenarios, the rounds example and (with --country) the
# country benchmark, all with SOURCE_DATE_EPOCH pinned.  For a change that
# must not change any output (a restructuring, a speed-up).
#
#   scripts/check-identical.sh OLD [NEW] [--country]
#
# OLD and NEW are taafi executables or git revisions (built into
# build-rev-REV/ from a temporary worktree); NEW defaults to build/taafi.
# Files that hold the run's id (meta.json, GeoPackages' `run` table) are
# compared with that id taken out; the run's list of its files
# (taafi-run.json, new with the run ids) is not compared.  Exits 1 on any difference, listing
# the files that differ.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
country=0
args=()
for a in "$@"; do
    if [ "$a" = --country ]; then country=1; else args+=("$a"); fi
done
[ ${#args[@]} -ge 1 ] || { echo "usage: scripts/check-identical.sh OLD [NEW] [--country]" >&2; exit 2; }
old=${args[0]}
new=${args[1]:-build/taafi}

# a taafi executable for $1: itself, or revision $1 built
binary() {
    if [ -x "$1" ] && [ -f "$1" ]; then
        echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
        return
    fi
    local rev b wt
    rev=$(git rev-parse --short "$1^{commit}")
    b=$top/build-rev-$rev
    if [ ! -x "$b/taafi" ]; then
        wt=$(mktemp -d)
        git worktree add -q --detach "$wt" "$rev" >&2
        cmake -S "$wt" -B "$b" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTAAFI_BUILD_TESTS=OFF >/dev/null
        cmake --build "$b" -j"$(nproc)" >/dev/null
        git worktree remove --force "$wt"
    fi
    echo "$b/taafi"
}
old=$(binary "$old")
new=$(binary "$new")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

jobs=()
jobs+=("homs examples/homs.yml --maps")
jobs+=("rounds examples/homs_rounds.yml")
if [ "$country" = 1 ]; then
    . scripts/bench-data.sh
    make_data country
    jobs+=("country bench/data/country/project.yml")
fi

export SOURCE_DATE_EPOCH=1700000000
for side in old new; do
    bin=${!side}
    for j in "${jobs[@]}"; do
        read -r name project extra <<<"$j"
        # shellcheck disable=SC2086
        "$bin" run "$project" -o "$work/$side/$name" -q --jobs 2 $extra
    done
done

# a file's bytes as compared: GeoPackages as SQL text with the run id's
# row (and the run table's row count) left out, meta.json without its run_id member, others as they are
canon() {
    case "$1" in
    *.gpkg) sqlite3 "$1" .dump | grep -v -e "'run_id'" -e "VALUES('run'," ;;
    *.meta.json) grep -v '^  "run_id": ' "$1" ;;
    *) cat "$1" ;;
    esac
}
differ=0 n=0
while IFS= read -r f; do
    n=$((n + 1))
    if [ ! -f "$work/new/$f" ]; then
        echo "only in old: $f"; differ=1; continue
    fi
    if ! cmp -s "$work/old/$f" "$work/new/$f" && ! cmp -s <(canon "$work/old/$f") <(canon "$work/new/$f"); then
        echo "differs: $f"; differ=1
    fi
done < <(cd "$work/old" && find . -type f ! -name taafi-run.json | sort)
while IFS= read -r f; do
    [ -f "$work/old/$f" ] || { echo "only in new: $f"; differ=1; }
done < <(cd "$work/new" && find . -type f ! -name taafi-run.json | sort)
if [ "$differ" = 0 ]; then
    echo "identical: $n files ($old and $new)"
fi
exit "$differ"
