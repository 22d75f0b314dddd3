#!/usr/bin/env bash
# The benchmark's data sets, generated once (scripts/gen_bench.py,
# deterministic) into bench/data/SCALE/ (not committed): city, country, or
# dense (the country with an edge cut every 0.0005 degrees, about 55 m).
# Sourced by scripts/bench.sh and scripts/check-identical.sh, which define
# make_data from it; run alone, it makes the data sets named:
#   scripts/bench-data.sh country [dense ...]
# The street network of a data set (country, city) and the standard
# analysis with clinics along its open streets (project_network.yml).
make_streets() {
    local scale=$1 d=bench/data/$1
    [ -f "$d/streets.gpkg" ] && return 0
    echo "generating the $scale streets in $d ..."
    mkdir -p "$d/raw"
    python3 scripts/gen_bench.py "$d/raw" "$scale" streets
    ogr2ogr -f GPKG "$d/streets.gpkg" "$d/raw/streets.csv" -nln streets -a_srs EPSG:4326 \
        -oo GEOM_POSSIBLE_NAMES=wkt -oo KEEP_GEOM_COLUMNS=NO -nlt LINESTRING -gt 65536
    rm -rf "$d/raw"
    sed -e 's|^  facilities: {source: facilities.gpkg}|&\n  streets: {source: streets.gpkg}|' \
        -e 's|^population: population|network: {streets: streets, closed: {where: "status = '"'"'blocked'"'"'"}}\n&|' \
        "$d/project.yml" > "$d/project_network.yml"
    sed -i -e 's|^  - {id: clinic, type: coverage, layer: facilities, kind: clinic, distance: 1000}|&\n  - {id: clinic_street, type: coverage, layer: facilities, kind: clinic, distance: 1000, reach: network}|' \
        "$d/project_network.yml"
}

make_data() {
    local scale=$1 d=bench/data/$1
    if [ -f "$d/population.tif" ]; then
        [ "$scale" = dense ] || make_streets "$scale"
        return 0
    fi
    if [ "$scale" = dense ]; then
        make_data country
        echo "generating the dense data set in $d ..."
        rm -rf "$d"
        mkdir -p "$d"
        ogr2ogr -f GPKG "$d/areas.gpkg" bench/data/country/areas.gpkg -nln areas -segmentize 0.0005
        for f in damage.gpkg facilities.gpkg project.yml population.tif; do
            cp bench/data/country/$f "$d/$f"
        done
        return 0
    fi
    echo "generating the $scale data set in $d ..."
    rm -rf "$d"
    mkdir -p "$d/raw"
    python3 scripts/gen_bench.py "$d/raw" "$scale"
    ogr2ogr -f GPKG "$d/areas.gpkg" "$d/raw/areas.geojson" -nln areas
    for name in damage facilities; do
        ogr2ogr -f GPKG "$d/$name.gpkg" "$d/raw/$name.csv" -nln "$name" -a_srs EPSG:4326 \
            -oo X_POSSIBLE_NAMES=lon -oo Y_POSSIBLE_NAMES=lat -oo AUTODETECT_TYPE=YES -gt 65536
    done
    gdal_translate -q -of GTiff -a_srs EPSG:4326 -co TILED=YES -co COMPRESS=DEFLATE \
        "$d/raw/population.bin" "$d/population.tif"
    rm -rf "$d/raw"
    cat > "$d/project.yml" <<'YML'
# The benchmark's standard analysis: damage per class and density,
# residents per area, and the share of area and residents within 1 km of a
# functioning clinic; GeoPackage and GeoJSON written.
areas: {source: areas.gpkg, id: area_id}
layers:
  damage: {source: damage.gpkg}
  facilities: {source: facilities.gpkg}
population: population
indicators:
  - {id: damage, type: count, layer: damage, class_field: damage_cls,
     classes: [destroyed, severe, moderate, possible], density: true}
  - {id: population, type: raster_sum, source: population.tif}
  - {id: clinic, type: coverage, layer: facilities, kind: clinic, distance: 1000}
outputs: {csv: false}
YML
}


if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    cd "$(dirname "$0")/.."
    for s in "$@"; do make_data "$s"; done
fi
