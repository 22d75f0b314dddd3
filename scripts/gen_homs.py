#!/usr/bin/env python3
"""Deterministic generator of taafi's bundled example: a SYNTHETIC stand-in for
the eastern neighbourhoods of Homs (see data/README.md).

Writes five GeoJSON files (EPSG:4326, lon/lat), a CSV and an ASCII grid
into the folder given as the only argument; scripts/make-example-data.sh
converts the GeoJSON to the shapefiles in data/shapefiles/, the grid to
data/rasters/population.tif and copies the CSV to data/tables/.  Standard library only, fixed seed: the same output on every
machine and Python 3 version (random.Random's sequence for a given seed is
stable, and every coordinate is rounded to 7 decimals before it is written).
"""
import csv
import json
import math
import os
import random
import sys

SEED = 20250311
LAT0, LON0 = 34.7230, 36.7330          # south-west corner of the district
M_PER_DEG_LAT = 110950.0               # at 34.7 N
M_PER_DEG_LON = 111320.0 * math.cos(math.radians(34.73))

# Column widths (west to east) and row heights (south to north) in metres:
# uneven, like a real district map, 20 neighbourhoods of 0.35-1.0 km2.
COLS = [780, 620, 900, 700, 860]
ROWS = [700, 820, 640, 760]

NAMES = [
    ("Bab Tadmor", "باب تدمر"), ("Bab Dreib", "باب الدريب"),
    ("Bab Al Sbaa", "باب السباع"), ("Al Nazha", "النزهة"),
    ("Karm Al Zaytoon", "كرم الزيتون"), ("Al Sabil", "السبيل"),
    ("Deir Baalba", "دير بعلبة"), ("Al Bayada", "البياضة"),
    ("Al Khaldiyah", "الخالدية"), ("Jouret Al Shayah", "جورة الشياح"),
    ("Al Qusour", "القصور"), ("Bab Houd", "باب هود"),
    ("Al Zahraa", "الزهراء"), ("Karm Al Louz", "كرم اللوز"),
    ("Al Naziheen", "النازحين"), ("Ekrimah", "عكرمة"),
    ("Al Inshaat", "الإنشاءات"), ("Karm Al Shami", "كرم الشامي"),
    ("Al Ghouta", "الغوطة"), ("Al Hamidiyah", "الحميدية"),
]

SERVICE_KINDS = [
    # kind, count, (min, max) capacity, capacity unit in the field's meaning
    ("clinic", 18, (20, 120)),            # consultations per day
    ("school", 30, (200, 900)),           # pupils
    ("bakery", 26, (500, 3000)),          # bundles of bread per day
    ("water_point", 40, (100, 400)),      # people served per tap
    ("market", 14, (20, 90)),             # stalls
    ("council_office", 6, (5, 30)),       # staff
    ("community_centre", 12, (30, 200)),  # members
]


def to_lonlat(x, y):
    return (round(LON0 + x / M_PER_DEG_LON, 7), round(LAT0 + y / M_PER_DEG_LAT, 7))


def grid_vertices(rng):
    xs = [0.0]
    for w in COLS:
        xs.append(xs[-1] + w)
    ys = [0.0]
    for h in ROWS:
        ys.append(ys[-1] + h)
    v = {}
    for i, x in enumerate(xs):
        for j, y in enumerate(ys):
            jx = 0 if i in (0, len(xs) - 1) else rng.uniform(-140, 140)
            jy = 0 if j in (0, len(ys) - 1) else rng.uniform(-120, 120)
            v[(i, j)] = (x + jx, y + jy)
    return v, xs[-1], ys[-1]


def edge_points(rng_seed, a, b, va, vb):
    """Intermediate points of the edge a-b, the same whichever side asks."""
    key = (min(a, b), max(a, b))
    r = random.Random(hash_key(rng_seed, key))
    (x0, y0), (x1, y1) = (va, vb) if a <= b else (vb, va)
    n = 5
    length = math.hypot(x1 - x0, y1 - y0)
    nx, ny = -(y1 - y0) / length, (x1 - x0) / length
    pts = []
    for k in range(1, n):
        t = k / n
        off = r.uniform(-45, 45)
        pts.append((x0 + t * (x1 - x0) + off * nx, y0 + t * (y1 - y0) + off * ny))
    return pts if a <= b else pts[::-1]


def hash_key(seed, key):
    (i0, j0), (i1, j1) = key
    return seed * 1000003 + ((i0 * 31 + j0) * 997 + i1 * 31 + j1)


def neighbourhoods(rng):
    v, width, height = grid_vertices(rng)
    feats = []
    n = 0
    for j in range(len(ROWS)):
        for i in range(len(COLS)):
            corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)]  # CCW
            ring = []
            for k in range(4):
                a, b = corners[k], corners[(k + 1) % 4]
                ring.append(v[a])
                ring.extend(edge_points(SEED, a, b, v[a], v[b]))
            ring = [to_lonlat(x, y) for x, y in ring]
            ring.append(ring[0])
            name_en, name_ar = NAMES[n]
            n += 1
            feats.append({
                "type": "Feature",
                "properties": {
                    "nbhd_id": "HMS-E-%02d" % n,
                    "name_en": name_en,
                    "name_ar": name_ar,
                    "sector": "east" if i >= 2 else "centre",
                },
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            })
    return feats, width, height


# Former front lines, in metres from the south-west corner: one running
# north-south through the second column, one east-west across the south.
FRONTS = [
    [(1250, -100), (1500, 900), (1350, 1800), (1600, 3000)],
    [(-100, 760), (1200, 900), (2500, 700), (4000, 980)],
]


def dist_to_fronts(x, y):
    best = 1e18
    for line in FRONTS:
        for (x0, y0), (x1, y1) in zip(line, line[1:]):
            dx, dy = x1 - x0, y1 - y0
            t = max(0.0, min(1.0, ((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy)))
            best = min(best, math.hypot(x - (x0 + t * dx), y - (y0 + t * dy)))
    return best


def point_near_front(rng):
    line = FRONTS[rng.randrange(len(FRONTS))]
    k = rng.randrange(len(line) - 1)
    (x0, y0), (x1, y1) = line[k], line[k + 1]
    t = rng.random()
    length = math.hypot(x1 - x0, y1 - y0)
    nx, ny = -(y1 - y0) / length, (x1 - x0) / length
    off = rng.gauss(0, 230)
    return x0 + t * (x1 - x0) + off * nx, y0 + t * (y1 - y0) + off * ny


def damage(rng, width, height):
    feats = []
    for k in range(3400):
        if rng.random() < 0.75:
            x, y = point_near_front(rng)
        else:
            x, y = rng.uniform(0, width), rng.uniform(0, height)
        if not (-60 <= x <= width + 60 and -60 <= y <= height + 60):
            continue
        d = dist_to_fronts(x, y)
        p_destroyed = 0.05 + 0.45 * math.exp(-d / 220)
        p_severe = 0.15 + 0.15 * math.exp(-d / 400)
        p_moderate = 0.35
        u = rng.random()
        if u < p_destroyed:
            cls = "destroyed"
        elif u < p_destroyed + p_severe:
            cls = "severe"
        elif u < p_destroyed + p_severe + p_moderate:
            cls = "moderate"
        else:
            cls = "possible"
        lon, lat = to_lonlat(x, y)
        feats.append({
            "type": "Feature",
            "properties": {"bldg_id": len(feats) + 1, "damage_cls": cls,
                           "sensor_dt": "2014-04-29"},
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
        })
    return feats


def services(rng, width, height):
    feats = []
    for kind, count, (cmin, cmax) in SERVICE_KINDS:
        for k in range(count):
            x, y = rng.uniform(40, width - 40), rng.uniform(40, height - 40)
            d = dist_to_fronts(x, y)
            p_not = 0.10 + 0.55 * math.exp(-d / 350)
            u = rng.random()
            if u < p_not:
                status = "not_functioning"
            elif u < p_not + 0.25:
                status = "partial"
            else:
                status = "functioning"
            lon, lat = to_lonlat(x, y)
            feats.append({
                "type": "Feature",
                "properties": {"svc_id": "SVC-%03d" % (len(feats) + 1), "kind": kind,
                               "status": status, "capacity": rng.randint(cmin, cmax)},
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
            })
    return feats


# Street grid: lines every ~150 m (jittered), split into one segment per
# block side, so that passability can change along a street.
STREET_SPACING = 150.0


def street_grid(rng, width, height):
    nx = int(width // STREET_SPACING)
    ny = int(height // STREET_SPACING)
    xs = [0.0] + [i * width / nx + rng.uniform(-25, 25) for i in range(1, nx)] + [width]
    ys = [0.0] + [j * height / ny + rng.uniform(-25, 25) for j in range(1, ny)] + [height]
    return xs, ys


def streets(rng, xs, ys):
    feats = []

    def seg(x0, y0, x1, y1, main):
        d = dist_to_fronts((x0 + x1) / 2, (y0 + y1) / 2)
        p_blocked = 0.05 + 0.6 * math.exp(-d / 200)
        passable = "no" if rng.random() < p_blocked else "yes"
        a, b = to_lonlat(x0, y0), to_lonlat(x1, y1)
        feats.append({
            "type": "Feature",
            "properties": {"street_id": len(feats) + 1, "class": "main" if main else "local",
                           "passable": passable},
            "geometry": {"type": "LineString", "coordinates": [list(a), list(b)]},
        })

    for j, y in enumerate(ys):
        for i in range(len(xs) - 1):
            seg(xs[i], y, xs[i + 1], y, j % 4 == 0)
    for i, x in enumerate(xs):
        for j in range(len(ys) - 1):
            seg(x, ys[j], x, ys[j + 1], i % 4 == 0)
    return feats


LAND_USES = [("residential", 0.58), ("commercial", 0.14), ("public", 0.10), ("green", 0.08),
             ("vacant_rubble", 0.10)]


def landuse(rng, xs, ys):
    """One block polygon between each four streets, set back 8 m from the
    street centre lines; blocks never overlap."""
    feats = []
    for j in range(len(ys) - 1):
        for i in range(len(xs) - 1):
            x0, x1, y0, y1 = xs[i] + 8, xs[i + 1] - 8, ys[j] + 8, ys[j + 1] - 8
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            d = dist_to_fronts(cx, cy)
            weights = [w for _, w in LAND_USES]
            weights[4] += 0.6 * math.exp(-d / 250)     # rubble near the front lines
            u = rng.random() * sum(weights)
            for (use, _), w in zip(LAND_USES, weights):
                if u < w:
                    break
                u -= w
            ring = [to_lonlat(x, y) for x, y in [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]]
            feats.append({
                "type": "Feature",
                "properties": {"block_id": len(feats) + 1, "use": use},
                "geometry": {"type": "Polygon", "coordinates": [[list(p) for p in ring]]},
            })
    return feats


def workshop(rng, nb_feats):
    """Scores from the (imaginary) neighbourhood workshops, with Arabic
    headers, keyed by nbhd_id; and a municipal population estimate."""
    header = ["nbhd_id", "سبل_العيش", "الثقة_بالسلطات", "لجنة_الحي", "المشاركون", "السكان"]
    rows = []
    xs = [0.0]
    for w in COLS:
        xs.append(xs[-1] + w)
    ys = [0.0]
    for h in ROWS:
        ys.append(ys[-1] + h)
    for f in nb_feats:
        n = int(f["properties"]["nbhd_id"][-2:]) - 1
        i, j = n % len(COLS), n // len(COLS)
        cx, cy = (xs[i] + xs[i + 1]) / 2, (ys[j] + ys[j + 1]) / 2
        d = dist_to_fronts(cx, cy)
        hit = math.exp(-d / 500)          # 1 on a front line, towards 0 away from it
        area_km2 = COLS[i] * ROWS[j] / 1e6
        density = rng.uniform(14000, 22000) * (1 - 0.7 * hit)
        pop = int(round(area_km2 * density, -1))
        livelihood = round(min(5, max(1, rng.gauss(3.4 - 1.6 * hit, 0.4))), 1)
        trust = round(min(5, max(1, rng.gauss(3.0 - 0.8 * hit, 0.5))), 1)
        committee = 1 if rng.random() < 0.75 - 0.3 * hit else 0
        participants = int(rng.uniform(15, 90) * (0.5 + committee))
        rows.append([f["properties"]["nbhd_id"], livelihood, trust, committee, participants, pop])
    return header, rows


# WorldPop-style population grid: persons per cell, EPSG:4326, cells of
# 3 arc-seconds (1/1200 degree, about 76 m x 93 m here), nodata -99999.
CELL_DEG = 1.0 / 1200.0
NODATA = -99999


def population_grid(rng, width, height):
    margin = 300.0
    lon0, lat0 = to_lonlat(-margin, -margin)
    lon1, lat1 = to_lonlat(width + margin, height + margin)
    c0, r0 = math.floor(lon0 / CELL_DEG), math.floor(lat0 / CELL_DEG)
    c1, r1 = math.ceil(lon1 / CELL_DEG), math.ceil(lat1 / CELL_DEG)
    ncols, nrows = c1 - c0, r1 - r0
    cell_km2 = (CELL_DEG * M_PER_DEG_LON) * (CELL_DEG * M_PER_DEG_LAT) / 1e6
    rows = []
    for j in range(nrows):                  # north to south
        lat = (r1 - j - 0.5) * CELL_DEG
        row = []
        for i in range(ncols):
            lon = (c0 + i + 0.5) * CELL_DEG
            x = (lon - LON0) * M_PER_DEG_LON
            y = (lat - LAT0) * M_PER_DEG_LAT
            inside = 0 <= x <= width and 0 <= y <= height
            d = dist_to_fronts(x, y)
            density = (17000 if inside else 6000) * (1 - 0.75 * math.exp(-d / 300))
            value = round(density * cell_km2 * rng.uniform(0.6, 1.4), 2)
            # an unsurveyed block (say, a military zone) inside the district
            if 1900 <= x <= 2150 and 2300 <= y <= 2500:
                value = NODATA
            row.append(value)
        rows.append(row)
    return {"ncols": ncols, "nrows": nrows, "xllcorner": c0 * CELL_DEG, "yllcorner": r0 * CELL_DEG,
            "cellsize": CELL_DEG}, rows


def write_asc(path, header, rows):
    with open(path, "w", encoding="ascii") as f:
        for k in ("ncols", "nrows"):
            f.write("%s %d\n" % (k, header[k]))
        for k in ("xllcorner", "yllcorner", "cellsize"):
            f.write("%s %.17g\n" % (k, header[k]))
        f.write("NODATA_value %d\n" % NODATA)
        for row in rows:
            f.write(" ".join("%g" % v for v in row) + "\n")


def write_csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def round2(seed, damage_feats, service_feats, ws_header, ws_rows):
    """A later assessment round: some damaged buildings rebuilt (gone from
    the damage layer) or repaired (a lighter class), more services working,
    a new workshop round with better scores."""
    rng = random.Random(seed)
    dmg = []
    for f in damage_feats:
        cls = f["properties"]["damage_cls"]
        u = rng.random()
        if (cls == "destroyed" and u < 0.25) or (cls == "severe" and u < 0.35):
            continue  # rebuilt
        g = json.loads(json.dumps(f))
        if cls == "moderate" and u < 0.2:
            g["properties"]["damage_cls"] = "possible"  # repaired
        g["properties"]["sensor_dt"] = "2025-09-14"
        dmg.append(g)
    svc = []
    for f in service_feats:
        g = json.loads(json.dumps(f))
        st = g["properties"]["status"]
        u = rng.random()
        if st == "not_functioning" and u < 0.5:
            g["properties"]["status"] = "partial"
        elif st == "partial" and u < 0.4:
            g["properties"]["status"] = "functioning"
        svc.append(g)
    rows = []
    for r in ws_rows:
        nid, liv, trust, com, part, pop = r
        liv = round(min(5.0, liv + rng.uniform(0.1, 0.6)), 1)
        trust = round(min(5.0, trust + rng.uniform(0.0, 0.5)), 1)
        com = 1 if com or rng.random() < 0.4 else 0
        part = int(part * rng.uniform(1.2, 1.5))
        rows.append([nid, liv, trust, com, part, pop])
    return dmg, svc, rows


def write(path, feats):
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"type": "FeatureCollection", "features": feats}, f,
                  ensure_ascii=False, indent=None, separators=(",", ":"))
        f.write("\n")


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(SEED)
    nb, width, height = neighbourhoods(rng)
    write(os.path.join(out, "neighbourhoods.geojson"), nb)
    dmg = damage(rng, width, height)
    svc = services(rng, width, height)
    write(os.path.join(out, "damage.geojson"), dmg)
    write(os.path.join(out, "services.geojson"), svc)
    xs, ys = street_grid(rng, width, height)
    write(os.path.join(out, "streets.geojson"), streets(rng, xs, ys))
    write(os.path.join(out, "landuse.geojson"), landuse(rng, xs, ys))
    header, rows = workshop(rng, nb)
    write_csv(os.path.join(out, "workshop.csv"), header, rows)
    dmg2, svc2, rows2 = round2(SEED + 2, dmg, svc, header, rows)
    write(os.path.join(out, "damage_r2.geojson"), dmg2)
    write(os.path.join(out, "services_r2.geojson"), svc2)
    write_csv(os.path.join(out, "workshop_r2.csv"), header, rows2)
    header, rows = population_grid(rng, width, height)
    write_asc(os.path.join(out, "population.asc"), header, rows)


if __name__ == "__main__":
    main()
