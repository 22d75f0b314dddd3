#!/usr/bin/env bash
# Makes the small, deterministic fixtures of the robustness tests in
# tests/data/robust/ from the text below (GeoJSON and CSV) with ogr2ogr.
# The results are committed; run this again only to change them.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/robust"
rm -rf "$out"
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Two 0.01-degree squares near Homs (lon 36.70-36.72, lat 34.70-34.71),
# Arabic names; ids A and B.
cat > "$tmp/areas.geojson" <<'JSON'
{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"A","name_ar":"الحي الأول"},"geometry":{"type":"Polygon","coordinates":[[[36.70,34.70],[36.71,34.70],[36.71,34.71],[36.70,34.71],[36.70,34.70]]]}},
{"type":"Feature","properties":{"code":"B","name_ar":"حي البياضة"},"geometry":{"type":"Polygon","coordinates":[[[36.71,34.70],[36.72,34.70],[36.72,34.71],[36.71,34.71],[36.71,34.70]]]}}
]}
JSON

# no .prj: the CRS is unknown
ogr2ogr -f "ESRI Shapefile" -lco ENCODING=UTF-8 "$out/no_prj.shp" "$tmp/areas.geojson"
rm -f "$out/no_prj.prj"

# Windows-1256 attributes, with a .cpg saying so, and without one
ogr2ogr -f "ESRI Shapefile" -lco ENCODING=CP1256 "$out/cp1256.shp" "$tmp/areas.geojson"
for ext in shp shx dbf prj; do cp "$out/cp1256.$ext" "$out/cp1256_nocpg.$ext"; done

# Points in UTM 37N (another CRS than the areas'): 3 in A, 2 in B, 1 whose
# coordinates were written latitude first (outside, but inside if swapped)
python3 - "$tmp" <<'PY'
import sys, json, math
# A's centre 36.705E 34.705N and B's 36.715E in UTM 37N, computed by PROJ
# (cs2cs) below; the points are written in lon/lat and converted.
tmp = sys.argv[1]
pts = [(36.703, 34.703), (36.705, 34.706), (36.708, 34.708), (36.713, 34.702), (36.718, 34.709)]
feats = [{"type": "Feature", "properties": {"id": i + 1},
          "geometry": {"type": "Point", "coordinates": [x, y]}} for i, (x, y) in enumerate(pts)]
json.dump({"type": "FeatureCollection", "features": feats}, open(tmp + "/pts_ll.geojson", "w"))
swapped = [{"type": "Feature", "properties": {"id": 10 + i},
            "geometry": {"type": "Point", "coordinates": [y, x]}} for i, (x, y) in enumerate(pts[:3])]
ok = [{"type": "Feature", "properties": {"id": 20},
       "geometry": {"type": "Point", "coordinates": [36.704, 34.704]}}]
json.dump({"type": "FeatureCollection", "features": ok + swapped}, open(tmp + "/swapped.geojson", "w"))
PY
ogr2ogr -f GeoJSON -s_srs EPSG:4326 -t_srs EPSG:32637 "$out/utm_points.geojson" "$tmp/pts_ll.geojson" \
    -lco COORDINATE_PRECISION=3
cp "$tmp/swapped.geojson" "$out/swapped.geojson"

# Overlapping areas: C overlaps A by a 0.002 x 0.01 degree strip
cat > "$out/overlap.geojson" <<'JSON'
{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"code":"A"},"geometry":{"type":"Polygon","coordinates":[[[36.70,34.70],[36.71,34.70],[36.71,34.71],[36.70,34.71],[36.70,34.70]]]}},
{"type":"Feature","properties":{"code":"C"},"geometry":{"type":"Polygon","coordinates":[[[36.708,34.70],[36.72,34.70],[36.72,34.71],[36.708,34.71],[36.708,34.70]]]}}
]}
JSON

# Multi-part and curved areas in a GeoPackage: M is two squares, R a
# curve polygon (a circle of radius 0.002 degrees)
cat > "$tmp/shapes.csv" <<'CSV'
code,WKT
M,"MULTIPOLYGON (((36.70 34.70,36.705 34.70,36.705 34.705,36.70 34.705,36.70 34.70)),((36.71 34.70,36.715 34.70,36.715 34.705,36.71 34.705,36.71 34.70)))"
R,"CURVEPOLYGON (CIRCULARSTRING (36.722 34.705,36.718 34.705,36.722 34.705))"
CSV
ogr2ogr -f GPKG -a_srs EPSG:4326 -nln shapes -nlt GEOMETRY "$out/shapes.gpkg" "$tmp/shapes.csv" \
    -oo GEOM_POSSIBLE_NAMES=WKT -oo KEEP_GEOM_COLUMNS=NO
# A survey's points as a CSV with the coordinates in two columns (the
# points of utm_points.geojson: 3 in A, 2 in B), as field teams export
# them; one row without a longitude, one with "n/a" for its latitude
cat > "$out/survey.csv" <<'CSV'
id,lon,lat,status
1,36.703,34.703,ok
2,36.705,34.706,ok
3,36.708,34.708,ok
4,36.713,34.702,ok
5,36.718,34.709,ok
6,,34.705,ok
7,36.705,n/a,ok
CSV
# The Windows-1256 squares in a zip archive, for /vsizip/ sources (fixed
# dates, so the bytes do not change from one run to the next)
python3 - "$out" <<'PY'
import sys, zipfile
out = sys.argv[1]
with zipfile.ZipFile(out + "/squares.zip", "w", zipfile.ZIP_DEFLATED) as z:
    for ext in ("shp", "shx", "dbf", "prj", "cpg"):
        info = zipfile.ZipInfo("squares/cp1256." + ext, date_time=(2026, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, open(out + "/cp1256." + ext, "rb").read())
PY
echo "fixtures written to $out"
