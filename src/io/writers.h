/*
 * writers.h: the output formats.  Each writes one complete file at `path`
 * (a temporary name chosen by the caller) and closes it.
 */
#ifndef TAAFI_WRITERS_H
#define TAAFI_WRITERS_H

#include "../engine/result.h"

#include <gdal.h>

/* GeoPackage: layer `areas` (analysis CRS, every input attribute plus every
 * indicator column), tables `indicators`, `run` and `data_quality`. */
taafi_status tf_write_gpkg(taafi_ctx *ctx, const taafi_result *r, const char *path);

/* GeoJSON (RFC 7946): the areas in EPSG:4326, lon/lat, counter-clockwise
 * exterior rings, at most 7 decimals, UTF-8. */
taafi_status tf_write_geojson(taafi_ctx *ctx, const taafi_result *r, const char *path);

/* Shared by both: makes layer `name` in `ds` with the areas' fields and the
 * indicator columns and writes one feature per area, with the analysis-CRS
 * geometry or, when `lonlat` is set, the EPSG:4326 one. */
taafi_status tf_write_areas_layer(taafi_ctx *ctx, const taafi_result *r, GDALDatasetH ds, const char *name,
                                  int lonlat, char **layer_options);

#endif
