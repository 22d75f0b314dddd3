#!/usr/bin/env bash
# Writes the seed corpora of the fuzzing harnesses (deterministic):
# tests/fuzz/corpus_project/ (project files, good and bad) and
# tests/fuzz/corpus_ingest/ (WKB geometries of every type, and broken ones).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
rm -rf "$here/corpus_project" "$here/corpus_ingest"
mkdir -p "$here/corpus_project" "$here/corpus_ingest"
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
echo "seeds written to $here/corpus_project and $here/corpus_ingest"
