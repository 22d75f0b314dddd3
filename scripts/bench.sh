#!/usr/bin/env bash
# Benchmark: taafi's standard analysis at city and country scale, against
# the floor of GDAL reading the same inputs (its fastest way: vector layers
# through the Arrow stream; feature by feature too, and with the raster
# read on a second thread, for comparison) and,
# when installed, the same analysis in GeoPandas (python3-geopandas) and
# QGIS's count-points-in-polygon (qgis).  With the data's street network
# (about 480,000 segments for the country, 5 % blocked), also the same
# analysis with clinics along the open streets, and pgRouting's
# pgr_drivingDistance from the same starts on the same graph, its costs
# compared vertex by vertex with taafi's.  Prints wall time, CPU time and
# peak memory.  Not a test: timings are never asserted.
#
#   scripts/bench.sh [city] [country] [dense] [maps]   (default: city country)
#   TAAFI_OLD=path/to/taafi scripts/bench.sh country   (also an older build,
#                                              run turn about with this one)
#
# "maps" times `taafi render` (map sheets in PNG, SVG and PDF, the atlas,
# the report) on the bundled example and on the country with two of its
# indicators in pillars, so that there is something to map.
#
# Data are generated once (scripts/gen_bench.py, deterministic) into
# bench/data/SCALE/ (not committed).  "dense" is the country with
# real-looking boundaries: every edge of its areas cut into pieces of at
# most 0.0005 degrees (about 55 m; 2.2 million vertices), the rest the
# country's own.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
scales=("$@")
[ ${#scales[@]} -gt 0 ] || scales=(city country)
./scripts/install-deps.sh --for-bench
command -v /usr/bin/time >/dev/null 2>&1 || { apt-get install -y -qq time >/dev/null; }
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DTAAFI_BUILD_TESTS=OFF >/dev/null
cmake --build build-release -j"$(nproc)" >/dev/null
cmake --build build-release -j"$(nproc)" --target network_peer >/dev/null
cc -O2 -std=c11 -pthread -D_POSIX_C_SOURCE=200809L bench/read_floor.c $(pkg-config --cflags --libs gdal) \
    -o build-release/read_floor

# make_data SCALE: bench/data/SCALE/, generated once
. scripts/bench-data.sh

# best of N runs: "wall cpu maxrss_kb"
measure() {
    local n=$1 best="" line
    shift
    for _ in $(seq "$n"); do
        line=$(/usr/bin/time -f "%e %U %S %M" "$@" 2>&1 >/dev/null | tail -1)
        line=$(echo "$line" | awk '{printf "%s %.2f %s", $1, $2 + $3, $4}')
        if [ -z "$best" ] || awk -v a="$line" -v b="$best" 'BEGIN{split(a,x," ");split(b,y," ");exit !(x[1]<y[1])}'; then
            best=$line
        fi
    done
    echo "$best"
}

# the faster of two "wall cpu maxrss_kb" lines (the first may be empty)
best_of() {
    if [ -z "$1" ] || awk -v a="$2" -v b="$1" 'BEGIN{split(a,x," ");split(b,y," ");exit !(x[1]<y[1])}'; then
        echo "$2"
    else
        echo "$1"
    fi
}

# taafi render, best of 3: the example, and the country with pillars
bench_maps() {
    local d=bench/data/country line w c m
    make_data country
    # the standard analysis with two of its indicators in pillars
    sed -e '/density: true}/s/}$/, pillar: ideal_neighbourhood, direction: lower_is_better}/' \
        -e '/type: coverage/s/}$/, pillar: basic_services, direction: higher_is_better}/' \
        "$d/project.yml" > "$d/project_maps.yml"
    echo
    echo "== maps: taafi render (sheets as PNG, SVG and PDF, atlas, report) =="
    for p in examples/homs.yml "$d/project_maps.yml"; do
        line=$(measure 3 build-release/taafi render "$p" -o "bench/data/maps_out/$(basename "$(dirname "$p")")" \
            --overwrite -q --jobs "$(nproc)")
        read -r w c m <<<"$line"
        printf "%-28s wall %7.2f s  cpu %7.2f s  peak %7.0f MB   atlas %s\n" \
            "$([ "$p" = examples/homs.yml ] && echo "example (20 areas)" || echo "country (2,000 areas)")" \
            "$w" "$c" "$((m / 1024))" \
            "$(du -h "bench/data/maps_out/$(basename "$(dirname "$p")")/maps/atlas.pdf" | cut -f1)"
    done
}

# The standard analysis with clinics along the open streets as well, and
# pgRouting's pgr_drivingDistance from the same starts on the same graph
# (bench/network_peer.c, bench/peer_pgrouting.sh) when PostgreSQL 15 with
# pgRouting is installed (scripts/install-deps.sh --for-bench).
bench_network() {
    local d=$1 tw=$2 n_best="" nw nc nm line epsg rt ns within nodes
    for _ in 1 2 3; do
        n_best=$(best_of "$n_best" "$(measure 1 build-release/taafi run "$d/project_network.yml" -o "$d/out_network" \
            --overwrite -q --jobs "$(nproc)")")
    done
    read -r nw nc nm <<<"$n_best"
    printf "%-28s wall %7.2f s  cpu %7.2f s  peak %7.0f MB   the network adds %.2f s\n" \
        "taafi + clinics by street" "$nw" "$nc" "$((nm / 1024))" "$(awk -v a="$nw" -v b="$tw" 'BEGIN{print a-b}')"
    [ -x /usr/lib/postgresql/15/bin/initdb ] && [ -f /usr/share/postgresql/15/extension/pgrouting.control ] || {
        echo "pgRouting                    not installed (scripts/install-deps.sh --for-bench)"
        return 0
    }
    mkdir -p "$d/peer"
    read -r epsg rt ns within nodes <<<"$(build-release/network_peer "$d/project_network.yml" "$d/facilities.gpkg" \
        clinic 1000 "$d/peer")"
    printf "%-28s routed from %s starts over %s vertices in %.4f s (%s within 1 km)\n" "taafi's router" "$ns" \
        "$nodes" "$rt" "$within"
    line=$(bench/peer_pgrouting.sh "$d" "$d/peer" 1000 "$epsg" 2>/dev/null | tail -2 | tr '\n' ' ')
    read -r pgn matched maxdiff _ pt _ <<<"$line"
    printf "%-28s %s vertices within 1 km, %s matched, largest difference %.2g m, in %.3f s   pgRouting / taafi = %.1f\n" \
        "pgr_drivingDistance" "$pgn" "$matched" "$maxdiff" "$pt" "$(awk -v a="$pt" -v b="$rt" 'BEGIN{print a/b}')"
}

printf "machine: %s, %s cores, %s\n" "$(uname -m)" "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
for scale in "${scales[@]}"; do
    if [ "$scale" = maps ]; then
        bench_maps
        continue
    fi
    make_data "$scale"
    d=bench/data/$scale
    # taafi and the floor: best of 5, run turn about, so that a drift in
    # the machine's load (a shared host) weighs on both alike
    runs=5
    echo
    echo "== $scale: $(ogrinfo -so -q "$d/areas.gpkg" areas | grep -c '' >/dev/null; \
        ogrinfo -so "$d/areas.gpkg" areas | awk -F': ' '/Feature Count/{print $2}') areas, \
$(ogrinfo -so "$d/damage.gpkg" damage | awk -F': ' '/Feature Count/{print $2}') points, \
$(ogrinfo -so "$d/facilities.gpkg" facilities | awk -F': ' '/Feature Count/{print $2}') facilities, \
raster $(gdalinfo "$d/population.tif" | awk '/Size is/{print $3 $4}') =="
    # the floor: GDAL reading the inputs its fastest way (vector layers
    # through its Arrow stream), and feature by feature for comparison
    t_best="" f_best="" g_best="" p_best="" o_best=""
    inputs=("$d/areas.gpkg" "$d/damage.gpkg" "$d/facilities.gpkg" "$d/population.tif")
    for _ in $(seq "$runs"); do
        t_best=$(best_of "$t_best" "$(measure 1 build-release/taafi run "$d/project.yml" -o "$d/out" --overwrite -q \
            --jobs "$(nproc)")")
        if [ -n "${TAAFI_OLD:-}" ]; then
            o_best=$(best_of "$o_best" "$(measure 1 "$TAAFI_OLD" run "$d/project.yml" -o "$d/out_old" --overwrite -q \
                --jobs "$(nproc)")")
        fi
        f_best=$(best_of "$f_best" "$(measure 1 build-release/read_floor "${inputs[@]}")")
        g_best=$(best_of "$g_best" "$(measure 1 build-release/read_floor --features "${inputs[@]}")")
        p_best=$(best_of "$p_best" "$(measure 1 build-release/read_floor --threads "${inputs[@]}")")
    done
    read -r tw tc tm <<<"$t_best"
    printf "%-28s wall %7.2f s  cpu %7.2f s  peak %7.0f MB\n" "taafi" "$tw" "$tc" "$((tm / 1024))"
    if [ -f "$d/project_network.yml" ]; then
        bench_network "$d" "$tw"
    fi
    if [ -n "$o_best" ]; then
        read -r ow oc om <<<"$o_best"
        printf "%-28s wall %7.2f s  cpu %7.2f s  peak %7.0f MB   taafi / old = %.2f\n" "taafi (TAAFI_OLD)" \
            "$ow" "$oc" "$((om / 1024))" "$(awk -v a="$tw" -v b="$ow" 'BEGIN{print a/b}')"
    fi
    read -r fw fc fm <<<"$f_best"
    printf "%-28s wall %7.2f s  cpu %7.2f s  peak %7.0f MB   taafi / floor = %.2f\n" "GDAL read floor" \
        "$fw" "$fc" "$((fm / 1024))" "$(awk -v a="$tw" -v b="$fw" 'BEGIN{print a/b}')"
    read -r gw gc gm <<<"$g_best"
    printf "%-28s wall %7.2f s  cpu %7.2f s  peak %7.0f MB   taafi / this = %.2f\n" "  (feature by feature)" \
        "$gw" "$gc" "$((gm / 1024))" "$(awk -v a="$tw" -v b="$gw" 'BEGIN{print a/b}')"
    read -r pw pc pm <<<"$p_best"
    printf "%-28s wall %7.2f s  cpu %7.2f s  peak %7.0f MB   taafi / this = %.2f\n" "  (raster on a 2nd thread)" \
        "$pw" "$pc" "$((pm / 1024))" "$(awk -v a="$tw" -v b="$pw" 'BEGIN{print a/b}')"
    if /usr/bin/python3 -c "import geopandas" 2>/dev/null; then
        read -r gw gc gm <<<"$(measure 1 /usr/bin/python3 bench/peer_geopandas.py "$d")"
        printf "%-28s wall %7.2f s  cpu %7.2f s  peak %7.0f MB   GeoPandas / taafi = %.1f\n" "GeoPandas" \
            "$gw" "$gc" "$((gm / 1024))" "$(awk -v a="$gw" -v b="$tw" 'BEGIN{print a/b}')"
    else
        echo "GeoPandas                    not installed (apt-get install python3-geopandas)"
    fi
    if [ -x /usr/bin/qgis_process.bin ]; then
        read -r qw qc qm <<<"$(QT_QPA_PLATFORM=offscreen measure 3 /usr/bin/qgis_process.bin run \
            native:countpointsinpolygon -- POLYGONS="$d/areas.gpkg" POINTS="$d/damage.gpkg" FIELD=NUMPOINTS \
            OUTPUT="$d/qgis_out.gpkg")"
        printf "%-28s wall %7.2f s  cpu %7.2f s  peak %7.0f MB   QGIS count only / taafi = %.1f\n" \
            "QGIS count points" "$qw" "$qc" "$((qm / 1024))" "$(awk -v a="$qw" -v b="$tw" 'BEGIN{print a/b}')"
    else
        echo "QGIS count points            not installed (apt-get install qgis)"
    fi
done
