#!/usr/bin/env bash
# Regenerates the synthetic Homs example in data/shapefiles/ from
# scripts/gen_homs.py (deterministic, fixed seed).  The shapefiles are
# committed, so neither the demo nor the tests run this script.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/install-deps.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$here/scripts/gen_homs.py" "$tmp"
out="$here/data/shapefiles"
mkdir -p "$out"
for name in neighbourhoods damage services streets landuse; do
    rm -f "$out/$name".{shp,shx,dbf,prj,cpg}
    # ENCODING=UTF-8 writes the .cpg that tells readers the .dbf is UTF-8.
    ogr2ogr -f "ESRI Shapefile" -lco ENCODING=UTF-8 -lco RESIZE=YES -a_srs EPSG:4326 \
        "$out/$name.shp" "$tmp/$name.geojson" -nln "$name"
done
# the second assessment round: the layers and the table that changed
r2="$here/data/rounds/round-2"
mkdir -p "$r2"
for name in damage services; do
    rm -f "$r2/$name".{shp,shx,dbf,prj,cpg}
    ogr2ogr -f "ESRI Shapefile" -lco ENCODING=UTF-8 -lco RESIZE=YES -a_srs EPSG:4326 \
        "$r2/$name.shp" "$tmp/${name}_r2.geojson" -nln "$name"
done
cp "$tmp/workshop_r2.csv" "$r2/workshop.csv"
mkdir -p "$here/data/tables" "$here/data/rasters"
rm -f "$here/data/rasters/population.tif"
gdal_translate -q -of GTiff -a_srs EPSG:4326 -a_nodata -99999 -ot Float32 \
    -co COMPRESS=DEFLATE -co TILED=YES -co BLOCKXSIZE=16 -co BLOCKYSIZE=16 \
    "$tmp/population.asc" "$here/data/rasters/population.tif"
cp "$tmp/workshop.csv" "$here/data/tables/workshop.csv"
echo "example data written to $out and $here/data/tables"
