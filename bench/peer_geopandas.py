"""The benchmark's standard analysis scripted with GeoPandas, the way an
analyst would: a peer for scripts/bench.sh, not part of taafi.

    /usr/bin/python3 bench/peer_geopandas.py DATA_DIR
"""
import sys

import geopandas as gpd
import numpy as np
import rasterio
from rasterio.features import geometry_mask

d = sys.argv[1]
areas = gpd.read_file(d + "/areas.gpkg").to_crs(32637)
dmg = gpd.read_file(d + "/damage.gpkg").to_crs(32637)
fac = gpd.read_file(d + "/facilities.gpkg").to_crs(32637)
areas["area_km2"] = areas.area / 1e6
j = gpd.sjoin(dmg, areas[["area_id", "geometry"]], predicate="within")
counts = j.groupby(["area_id", "damage_cls"]).size().unstack(fill_value=0)
areas = areas.merge(counts, left_on="area_id", right_index=True, how="left").fillna(0)
areas["damage_per_km2"] = counts.sum(axis=1).reindex(areas["area_id"]).values / areas["area_km2"]
clin = fac[(fac["kind"] == "clinic") & fac["status"].isin(["functioning", "partial"])]
zone = clin.buffer(1000).unary_union
areas["clinic_area_pct"] = areas.intersection(zone).area / areas.area * 100
with rasterio.open(d + "/population.tif") as src:
    pop = src.read(1)
    a4326 = areas.to_crs(4326)
    totals, covered = [], []
    zone4326 = gpd.GeoSeries([zone], crs=32637).to_crs(4326).iloc[0]
    for g in a4326.geometry:
        m = ~geometry_mask([g], pop.shape, src.transform)
        totals.append(float(pop[m].sum()))
        gc = g.intersection(zone4326)
        covered.append(float(pop[~geometry_mask([gc], pop.shape, src.transform)].sum()) if not gc.is_empty else 0.0)
areas["population"] = totals
areas["clinic_pop_pct"] = np.where(np.array(totals) > 0, np.array(covered) / np.array(totals) * 100, np.nan)
areas.to_file(d + "/geopandas_out.gpkg", driver="GPKG")
