#!/usr/bin/env python3
"""Deterministic generator of taafi's benchmark data sets (synthetic).

    gen_bench.py OUT_DIR country|city [streets]

country: 2,000 areas, 1,000,000 damage points, 5,000 facilities and a
3,000 x 3,000 population raster over 6 x 6 degrees of EPSG:4326;
city: 40 areas, 20,000 points, 400 facilities, a 300 x 300 raster.
Writes CSV/GeoJSON and a raw raster with an ENVI header; scripts/bench.sh
turns them into GeoPackages and a GeoTIFF with GDAL.  Standard library
only, fixed seeds.

With "streets", only streets.csv: streets round each city on one grid
(one segment per block side, a main road every fifth line, 5 % of
segments blocked), about 500,000 segments for the country.  Its own
seed: the other data do not change.
"""
import array
import json
import math
import os
import random
import sys

SCALES = {
    # cols x rows of areas, points, facilities, raster size, extent (deg)
    "country": dict(cols=50, rows=40, points=1_000_000, facilities=5000, cells=3000,
                    lon0=36.0, lat0=31.5, size=6.0, cities=200),
    "city": dict(cols=8, rows=5, points=20_000, facilities=400, cells=300,
                 lon0=36.70, lat0=34.70, size=0.12, cities=6),
}


def areas(rng, s):
    cols, rows, size = s["cols"], s["rows"], s["size"]
    dx, dy = size / cols, size / rows
    v = {}
    for i in range(cols + 1):
        for j in range(rows + 1):
            jx = 0 if i in (0, cols) else rng.uniform(-0.3, 0.3) * dx
            jy = 0 if j in (0, rows) else rng.uniform(-0.3, 0.3) * dy
            v[(i, j)] = (round(s["lon0"] + i * dx + jx, 7), round(s["lat0"] + j * dy + jy, 7))
    feats = []
    for j in range(rows):
        for i in range(cols):
            ring = [v[(i, j)], v[(i + 1, j)], v[(i + 1, j + 1)], v[(i, j + 1)], v[(i, j)]]
            feats.append({"type": "Feature", "properties": {"area_id": "A%04d" % (j * cols + i + 1)},
                          "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in ring]]}})
    return {"type": "FeatureCollection", "features": feats}


def cities(rng, s):
    return [(s["lon0"] + rng.uniform(0.05, 0.95) * s["size"], s["lat0"] + rng.uniform(0.05, 0.95) * s["size"],
             rng.uniform(0.01, 0.04) * s["size"]) for _ in range(s["cities"])]


def points(rng, s, cs, path):
    classes = ["destroyed", "severe", "moderate", "possible"]
    with open(path, "w") as f:
        f.write("id,lon,lat,damage_cls\n")
        for k in range(s["points"]):
            x, y, r = cs[rng.randrange(len(cs))]
            lon = min(max(x + rng.gauss(0, r), s["lon0"]), s["lon0"] + s["size"])
            lat = min(max(y + rng.gauss(0, r), s["lat0"]), s["lat0"] + s["size"])
            f.write("%d,%.6f,%.6f,%s\n" % (k + 1, lon, lat, classes[min(3, int(rng.expovariate(1.2)))]))


def facilities(rng, s, cs, path):
    kinds = ["clinic", "school", "bakery", "water_point", "market"]
    with open(path, "w") as f:
        f.write("id,lon,lat,kind,status,capacity\n")
        for k in range(s["facilities"]):
            x, y, r = cs[rng.randrange(len(cs))]
            u = rng.random()
            status = "functioning" if u < 0.6 else "partial" if u < 0.8 else "not_functioning"
            lon = min(max(x + rng.gauss(0, 2 * r), s["lon0"]), s["lon0"] + s["size"])
            lat = min(max(y + rng.gauss(0, 2 * r), s["lat0"]), s["lat0"] + s["size"])
            f.write("%d,%.6f,%.6f,%s,%s,%d\n" % (k + 1, lon, lat, kinds[k % len(kinds)], status,
                                                rng.randint(10, 500)))


def raster(rng, s, cs, base):
    n = s["cells"]
    cell = s["size"] / n
    a = array.array("f", bytes(4 * n * n))
    for j in range(n):
        lat = s["lat0"] + s["size"] - (j + 0.5) * cell
        row = j * n
        for i in range(n):
            lon = s["lon0"] + (i + 0.5) * cell
            a[row + i] = 2.0 + 3.0 * rng.random()
        # cities as bright spots, added per city below
    for x, y, r in cs:
        ci, cj = int((x - s["lon0"]) / cell), int((s["lat0"] + s["size"] - y) / cell)
        rad = max(1, int(3 * r / cell))
        for j in range(max(0, cj - rad), min(n, cj + rad + 1)):
            for i in range(max(0, ci - rad), min(n, ci + rad + 1)):
                d2 = ((i - ci) ** 2 + (j - cj) ** 2) / float(rad * rad) * 9
                a[j * n + i] += 400.0 * math.exp(-d2 / 2)
    with open(base + ".bin", "wb") as f:
        a.tofile(f)
    with open(base + ".hdr", "w") as f:
        f.write("ENVI\nsamples = %d\nlines = %d\nbands = 1\nheader offset = 0\nfile type = ENVI Standard\n"
                "data type = 4\ninterleave = bsq\nbyte order = 0\n"
                "map info = {Geographic Lat/Lon, 1, 1, %.10f, %.10f, %.12g, %.12g, WGS-84}\n"
                % (n, n, s["lon0"], s["lat0"] + s["size"], cell, cell))


def streets(s, cs, path):
    """One street grid over the whole extent (a segment per block side,
    every 0.007 degrees, about 700 m, for the country), kept where it lies
    within a city's radius: overlapping cities share their streets, which
    meet at the grid's vertices as surveyed streets do."""
    rng = random.Random(13)
    step = 0.007 if s["cities"] > 10 else 0.002
    keep = set()
    for x, y, r in cs:
        i0, i1 = int((x - r - s["lon0"]) / step) - 1, int((x + r - s["lon0"]) / step) + 1
        j0, j1 = int((y - r - s["lat0"]) / step) - 1, int((y + r - s["lat0"]) / step) + 1
        for i in range(i0, i1 + 1):
            for j in range(j0, j1 + 1):
                for d in (0, 1):  # 0: east from (i, j), 1: north
                    mx = s["lon0"] + (i + (0.5 if d == 0 else 0)) * step
                    my = s["lat0"] + (j + (0.5 if d == 1 else 0)) * step
                    if (mx - x) ** 2 + (my - y) ** 2 <= r * r:
                        keep.add((i, j, d))
    with open(path, "w") as f:
        f.write("id,status,class,wkt\n")
        for k, (i, j, d) in enumerate(sorted(keep)):
            x0, y0 = s["lon0"] + i * step, s["lat0"] + j * step
            x1, y1 = (x0 + step, y0) if d == 0 else (x0, y0 + step)
            main = (j if d == 0 else i) % 5 == 0
            status = "blocked" if rng.random() < 0.05 else "open"
            f.write('%d,%s,%s,"LINESTRING (%.6f %.6f,%.6f %.6f)"\n'
                    % (k + 1, status, "main" if main else "local", x0, y0, x1, y1))


def main():
    out, scale = sys.argv[1], sys.argv[2]
    s = SCALES[scale]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(7 if scale == "country" else 11)
    if len(sys.argv) > 3 and sys.argv[3] == "streets":
        areas(rng, s)  # the same cities as the other data: the areas draw first
        streets(s, cities(rng, s), os.path.join(out, "streets.csv"))
        return
    json.dump(areas(rng, s), open(os.path.join(out, "areas.geojson"), "w"))
    cs = cities(rng, s)
    points(rng, s, cs, os.path.join(out, "damage.csv"))
    facilities(rng, s, cs, os.path.join(out, "facilities.csv"))
    raster(rng, s, cs, os.path.join(out, "population"))


if __name__ == "__main__":
    main()
