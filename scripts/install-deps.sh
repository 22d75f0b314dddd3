#!/usr/bin/env bash
# Installs taafi's build and test dependencies from Debian's packages
# (with --for-tests also Chromium and valgrind, for the tests),
# idempotently: packages already installed are skipped, and apt-get runs
# only when something is missing.  Needs root (or sudo) on Debian 12.
set -euo pipefail
pkgs=(
    build-essential cmake pkg-config
    libgdal-dev gdal-bin          # all vector and raster reading and writing
    libgeos-dev                   # geometry, through the reentrant C API
    libproj-dev proj-bin          # every coordinate transformation
    libsqlite3-dev sqlite3        # SQLite 3 (run tables, test oracles)
    libspatialite-dev libsqlite3-mod-spatialite spatialite-bin
    libyaml-dev                   # the project file
    libcairo2-dev libpango1.0-dev # map sheets: Cairo draws, Pango/HarfBuzz shape Arabic
    libpng-dev                    # the sheets' PNGs, encoded for maps
    libssl-dev                    # SHA-256 of the inputs (libcrypto)
    fonts-noto-core fonts-dejavu-core  # Noto Sans Arabic and a Latin fallback
    libcmocka-dev                 # tests
    python3                       # example-data generator only
)
# --for-tests: also what only the tests use: Chromium (the report test
# opens the HTML report in it) and valgrind (the end-to-end run under it).
if [ "${1:-}" = "--for-tests" ]; then
    pkgs+=(chromium valgrind)
fi
# --for-bench: also the peers scripts/bench.sh runs: PostgreSQL 15 with
# PostGIS and pgRouting (pgr_drivingDistance against taafi's network).
if [ "${1:-}" = "--for-bench" ]; then
    pkgs+=(time postgresql-15 postgresql-15-postgis-3 postgresql-15-pgrouting)
fi
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "taafi: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
