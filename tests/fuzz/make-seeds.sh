#!/usr/bin/env bash
# Writes the seed corpora of the fuzzing harnesses (deterministic):
# tests/fuzz/corpus_project/ (project files, good and bad),
# tests/fuzz/corpus_ingest/ (WKB geometries of every type, and broken ones),
# tests/fuzz/corpus_sql/ (expressions and filters, one per line pair),
# tests/fuzz/corpus_points/ (CSV and GeoJSON point files) and
# tests/fuzz/corpus_raster/ (raster descriptions, see fuzz_raster.c).
# Seeds are written over by name; inputs the fuzzer found stay.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
for c in project ingest sql points raster; do mkdir -p "$here/corpus_$c"; done
cp "$top/examples/homs.yml" "$here/corpus_project/homs.yml"
printf 'areas: {source: a.shp, id: code}\nindicators: [{id: a, type: area}]\n' > "$here/corpus_project/minimal.yml"
printf 'areas:\n  sorce: a.shp\n' > "$here/corpus_project/misspelt.yml"
printf 'areas: [1, 2\n' > "$here/corpus_project/broken.yml"
printf 'indicators:\n  - {id: a, type: expression, expression: b}\n  - {id: b, type: expression, expression: a}\nareas: {source: x, id: y}\n' > "$here/corpus_project/cycle.yml"
printf 'areas: {source: x, id: y}\nlayers: {s: {source: s.shp}}\nindicators: [{id: c, type: coverage, layer: s, kind: water_point, statuses: []}]\nscoring: {priority: {method: breaks, breaks: [10, 5]}}\n' > "$here/corpus_project/coverage.yml"
printf '&a [*a]\n' > "$here/corpus_project/alias.yml"
printf 'areas: {source: x, id: y}\nlayers: {s: {source: s.shp}}\nindicators: [{id: c, type: coverage, layer: s, kind: clinic, pillar: basic_services, direction: higher_is_better}]\nscenarios:\n  f: {indicators: {c: {statuses: [functioning], distance: 500}}}\n  w: {indicators: {c: {where: "doctors > 0", statuses: []}}}\n' > "$here/corpus_project/scenario_filter.yml"
python3 - "$here/corpus_ingest" <<'PY'
import struct, sys, os
out = sys.argv[1]
def pt(x, y): return struct.pack('<dd', x, y)
def hdr(t): return struct.pack('<bI', 1, t)
def ring(c): return struct.pack('<I', len(c)) + b''.join(pt(*p) for p in c)
sq = [(0, 0), (10, 0), (10, 10), (0, 10), (0, 0)]
hole = [(2, 2), (2, 4), (4, 4), (4, 2), (2, 2)]
bow = [(0, 0), (10, 10), (10, 0), (0, 10), (0, 0)]
poly = hdr(3) + struct.pack('<I', 2) + ring(sq) + ring(hole)
seeds = {
    'point': hdr(1) + pt(1, 2),
    'line': hdr(2) + ring([(0, 0), (5, 5), (10, 0)]),
    'polygon_hole': poly,
    'bowtie': hdr(3) + struct.pack('<I', 1) + ring(bow),
    'unclosed': hdr(3) + struct.pack('<I', 1) + ring(sq[:4]),
    'two_points_ring': hdr(3) + struct.pack('<I', 1) + ring([(0, 0), (1, 1)]),
    'multipolygon': hdr(6) + struct.pack('<I', 2) + poly + hdr(3) + struct.pack('<I', 1) + ring(bow),
    'collection': hdr(7) + struct.pack('<I', 2) + hdr(1) + pt(0, 0) + poly,
    'curvepolygon': hdr(10) + struct.pack('<I', 1) + hdr(8) + ring([(1, 0), (-1, 0), (1, 0)]),
    'empty_polygon': hdr(3) + struct.pack('<I', 0),
    'truncated': poly[:-7],
    'nan_point': hdr(1) + struct.pack('<dd', float('nan'), 1.0),
}
for name, data in seeds.items():
    open(os.path.join(out, name + '.wkb'), 'wb').write(data)
PY
# SQL: "expression" or "expression\nwhere"
s="$here/corpus_sql"
printf 'n / km2' > "$s/density"
printf 'n * 1.0 / NULLIF(km2, 0)\nstatus = '"'"'ok'"'"'' > "$s/with_where"
printf 'CASE WHEN n > 2 THEN 1 ELSE 0 END\nlon > 36.705 AND lat IS NOT NULL' > "$s/case"
printf '(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c)' > "$s/endless"
printf 'load_extension('"'"'x'"'"')\nid IN (SELECT 1)' > "$s/refused"
printf '1e308 * 10' > "$s/overflow"
printf 'n +' > "$s/broken"
printf 'km2\n' > "$s/empty_where"
# points: first byte 0 for CSV, 1 for GeoJSON
p="$here/corpus_points"
{ printf '\0'; cat "$top/tests/data/robust/survey.csv"; } > "$p/survey_csv"
{ printf '\0'; printf 'id,lon,lat,status\n1,36.705,34.705,ok\n2,1e400,34.7,ok\n3,nan,inf,\n4,"36,705",34.705,x\n'; } > "$p/odd_numbers_csv"
{ printf '\1'; cat "$top/tests/data/robust/swapped.geojson"; } > "$p/swapped_geojson"
{ printf '\1'; printf '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"MultiPoint","coordinates":[[36.705,34.705],[200,95]]}},{"type":"Feature","properties":{},"geometry":null}]}'; } > "$p/multipoint_geojson"
# rasters: 4 bytes, then doubles (see fuzz_raster.c)
python3 - "$here/corpus_raster" <<'PY'
import struct, sys, os
out = sys.argv[1]
def d(*v): return struct.pack('<%dd' % len(v), *v)
seeds = {
    'plain_4326': bytes([3, 3, 0, 0]) + d(0.1, 0.2, 0.3, 0) + d(*range(1, 10)),
    'nodata_utm': bytes([4, 2, 1, 1]) + d(0.5, 0.5, 0.5, -9999) + d(5, -9999, 3, 1, 2, 2, 2, 2),
    'undeclared': bytes([2, 2, 2, 0]) + d(0.2, 0.7, 0.1, 0) + d(-1e30, 4, float('nan'), 1e308),
    'rotated': bytes([2, 2, 3, 2]) + d(0, 0, 0, 0) + d(1, 1, 1, 1),
    'flipped': bytes([2, 2, 0, 4]) + d(0, 0, 0, 0) + d(1, 1, 1, 1),
    'raw_gt': bytes([1, 1, 0, 8]) + d(float('inf'), -1e300, 0, 0) + d(1),
}
for name, data in seeds.items():
    open(os.path.join(out, name), 'wb').write(data)
PY
echo "seeds written to $here/corpus_*"
