#!/usr/bin/env bash
# pgRouting as a peer of taafi's router (run by scripts/bench.sh): the
# same streets (streets.gpkg, the blocked ones left out) in a throwaway
# PostgreSQL 15 cluster on 127.0.0.1, vertices where street ends meet,
# pgr_drivingDistance from the vertices taafi started from
# (bench/network_peer.c wrote them, and its costs, into OUT), then every
# vertex's cost compared.  Prints pgRouting's time, the vertices both
# found and the largest difference.
#
#   bench/peer_pgrouting.sh DATA_DIR OUT_DIR DISTANCE_M EPSG
set -euo pipefail
data=$(cd "$1" && pwd)
out=$(cd "$2" && pwd)
dist=$3
epsg=$4
bin=/usr/lib/postgresql/15/bin
port=55439
tmp=$(mktemp -d)
chown postgres "$tmp"
chmod a+rx "$out"
run() { runuser -u postgres -- "$@"; }
cleanup() {
    run "$bin/pg_ctl" -D "$tmp/db" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT
run "$bin/initdb" -D "$tmp/db" -A trust -U postgres >/dev/null
run "$bin/pg_ctl" -D "$tmp/db" -o "-k $tmp -p $port -c listen_addresses=127.0.0.1" -w -l "$tmp/log" start >/dev/null
pg="psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $port -U postgres -d postgres"
$pg -c "CREATE EXTENSION postgis; CREATE EXTENSION pgrouting;"
echo "pgRouting: cluster up in ${SECONDS} s" >&2
PG_USE_COPY=YES ogr2ogr -f PostgreSQL "PG:host=127.0.0.1 port=$port user=postgres dbname=postgres" "$data/streets.gpkg" \
    -nln streets -t_srs "EPSG:$epsg" -lco GEOMETRY_NAME=geom -lco FID=fid -lco SPATIAL_INDEX=NONE
echo "pgRouting: streets loaded at ${SECONDS} s" >&2
cp "$out/taafi_starts.csv" "$out/taafi_nodes.csv" "$tmp/"
chown postgres "$tmp"/*.csv
$pg <<SQL
-- vertices: street ends that meet (to the millimetre)
CREATE TABLE ends AS SELECT fid, round(ST_X(ST_StartPoint(geom)) * 1000)::bigint AS ax,
    round(ST_Y(ST_StartPoint(geom)) * 1000)::bigint AS ay, round(ST_X(ST_EndPoint(geom)) * 1000)::bigint AS bx,
    round(ST_Y(ST_EndPoint(geom)) * 1000)::bigint AS by, ST_Length(geom) AS cost, status FROM streets;
CREATE TABLE v AS SELECT row_number() OVER () AS id, k.kx, k.ky,
    ST_SetSRID(ST_MakePoint(k.kx / 1000.0, k.ky / 1000.0), $epsg) AS g
  FROM (SELECT ax AS kx, ay AS ky FROM ends UNION SELECT bx, by FROM ends) k;
CREATE INDEX ON v USING gist (g);
CREATE TABLE e AS SELECT n.fid AS id, va.id AS source, vb.id AS target, n.cost, n.status
  FROM ends n JOIN v va ON va.kx = n.ax AND va.ky = n.ay JOIN v vb ON vb.kx = n.bx AND vb.ky = n.by;
CREATE TABLE starts_xy (x float8, y float8);
COPY starts_xy FROM '$tmp/taafi_starts.csv' CSV HEADER;
CREATE TABLE starts AS SELECT DISTINCT (SELECT v.id FROM v ORDER BY v.g <-> ST_SetSRID(ST_MakePoint(s.x, s.y), $epsg)
  LIMIT 1) AS id FROM starts_xy s;
CREATE TABLE tn (x float8, y float8, cost float8);
COPY tn FROM '$tmp/taafi_nodes.csv' CSV HEADER;
ANALYZE;
SQL
echo "pgRouting: graph made at ${SECONDS} s" >&2
# best of 3, as taafi's side is
best=""
for _ in 1 2 3; do
    t0=$(date +%s.%N)
    $pg -c "DROP TABLE IF EXISTS dd; CREATE TABLE dd AS SELECT node, agg_cost FROM pgr_drivingDistance(
        'SELECT id, source, target, cost, cost AS reverse_cost FROM e WHERE status <> ''blocked''',
        (SELECT array_agg(id) FROM starts), $dist, equicost => true);"
    t1=$(date +%s.%N)
    best=$(awk -v a="$t0" -v b="$t1" -v c="$best" 'BEGIN{d = b - a; if (c == "" || d < c) print d; else print c}')
done
$pg -At -F ' ' <<SQL
CREATE TABLE cmp AS SELECT t.cost AS taafi, d.agg_cost AS pgr FROM tn t
  JOIN LATERAL (SELECT v.id FROM v ORDER BY v.g <-> ST_SetSRID(ST_MakePoint(t.x, t.y), $epsg) LIMIT 1) m ON true
  LEFT JOIN dd d ON d.node = m.id;
SELECT (SELECT count(*) FROM dd), (SELECT count(*) FROM cmp WHERE pgr IS NOT NULL),
       (SELECT coalesce(max(abs(taafi - pgr)), 0) FROM cmp);
SQL
echo "pgr_drivingDistance $(awk -v a="$best" 'BEGIN{printf "%.3f", a}') s"
