/*
 * writers.h: the output formats.  Each writes one complete file at `path`
 * (a temporary name chosen by the caller) and closes it.
 */
#ifndef TAAFI_WRITERS_H
#define TAAFI_WRITERS_H

#include "result/result.h"
#include "rounds/rounds.h"

#include <gdal.h>
#include <ogr_api.h>

/* GeoPackage: layer `areas` (analysis CRS, every input attribute plus every
 * indicator column), tables `indicators`, `run` and `data_quality`. */
taafi_status tf_write_gpkg(taafi_ctx *ctx, const taafi_result *r, const tf_rounds *rounds, const char *path);

/* Where a layer's geometries are, the `lonlat` argument of the layer
 * writers: none (a table), in the analysis CRS, or in EPSG:4326 (lon/lat).
 * TF_GEOM_RFC7946 is EPSG:4326 made ready for RFC 7946 by taafi: each
 * coordinate rounded to 7 decimals (about 1 cm), exterior rings
 * counter-clockwise and holes clockwise (tf_rfc7946_fix), and the layer
 * created without a CRS, so that GDAL's GeoJSON driver writes no "crs"
 * member without its RFC7946=YES mode, whose number formatting (C++
 * streams) made writing the service gaps the slowest output. */
enum { TF_GEOM_NONE = -1, TF_GEOM_ANALYSIS = 0, TF_GEOM_LONLAT = 1, TF_GEOM_RFC7946 = 2 };

/* The CRS to give GDAL for a layer of `lonlat` geometries (NULL for
 * TF_GEOM_RFC7946, see above); the caller releases it. */
OGRSpatialReferenceH tf_layer_srs(int lonlat, int analysis_epsg);

/* Writes one layer into a new dataset (lonlat: TF_GEOM_*). */
typedef taafi_status (*tf_layer_writer)(taafi_ctx *ctx, const taafi_result *r, GDALDatasetH ds, int lonlat,
                                        char **layer_options);

/* A GeoJSON file (RFC 7946) at `path` holding the layer `fn` writes. */
taafi_status tf_write_geojson_with(taafi_ctx *ctx, const taafi_result *r, const char *path, tf_layer_writer fn);
/* The same for a layer writer that takes one more argument. */
typedef taafi_status (*tf_layer_writer_arg)(taafi_ctx *ctx, const taafi_result *r, GDALDatasetH ds, int lonlat,
                                            char **layer_options, const void *arg);
taafi_status tf_write_geojson_arg(taafi_ctx *ctx, const taafi_result *r, const char *path, tf_layer_writer_arg fn,
                                  const void *arg);

/* All the outputs of result r, with the rounds' tables and change layer
 * when `rounds` is not NULL (a rounds result): taafi_result_write's work. */
taafi_status tf_output_write(taafi_ctx *ctx, const taafi_result *r, const tf_rounds *rounds, const char *dir,
                             unsigned flags);

/* GeoJSON (RFC 7946): the areas in EPSG:4326, lon/lat, counter-clockwise
 * exterior rings, at most 7 decimals, UTF-8. */
taafi_status tf_write_geojson(taafi_ctx *ctx, const taafi_result *r, const char *path);

/* CSV beside the GeoPackage: the areas' attributes and every column
 * (no geometry), and the `indicators` table.  UTF-8, with a byte-order
 * mark when `bom` (so that Excel shows Arabic). */
taafi_status tf_write_csv_areas(taafi_ctx *ctx, const taafi_result *r, const char *path, int bom);
taafi_status tf_write_csv_indicators(taafi_ctx *ctx, const taafi_result *r, const char *path, int bom);

/* A table without geometry with string fields `names` (or `types`). */
taafi_status tf_table_create(taafi_ctx *ctx, GDALDatasetH ds, const char *name, const char *const *names,
                             const OGRFieldType *types, char **options, OGRLayerH *out);
/* Appends a row of strings (NULL entries stay NULL). */
taafi_status tf_table_row(taafi_ctx *ctx, OGRLayerH layer, const char *const *values, int n);

/* Writes F to LAYER and destroys F, whether or not the write succeeded:
 * the caller owns nothing afterwards. */
taafi_status tf_feature_put(taafi_ctx *ctx, OGRLayerH layer, OGRFeatureH f);

/* Writes the `indicators` table (one row per output column) into `ds`. */
taafi_status tf_write_indicators_table(taafi_ctx *ctx, const taafi_result *r, GDALDatasetH ds, const char *name,
                                       char **layer_options);

/* GEOS to OGR through WKB; `multipolygon`: force to MultiPolygon;
 * `lonlat` TF_GEOM_RFC7946: made ready for it (tf_rfc7946_fix). */
taafi_status tf_geos_to_ogr(taafi_ctx *ctx, GEOSWKBWriter *w, const GEOSGeometry *g, int multipolygon, int lonlat,
                            OGRGeometryH *out);

/* Rounds every coordinate of a lon/lat geometry to 7 decimals and turns
 * its polygons' rings to RFC 7946's winding (exterior counter-clockwise,
 * holes clockwise: the right-hand rule), as GDAL's RFC7946=YES does. */
void tf_rfc7946_fix(OGRGeometryH g);

/* The coverage layers: `service_gaps` (one row per area and coverage
 * indicator) and `facilities` (one row per facility and coverage
 * indicator), in the analysis CRS or (lonlat) EPSG:4326. */
taafi_status tf_write_gaps_layer(taafi_ctx *ctx, const taafi_result *r, GDALDatasetH ds, int lonlat,
                                 char **layer_options);
taafi_status tf_write_facilities_layer(taafi_ctx *ctx, const taafi_result *r, GDALDatasetH ds, int lonlat,
                                       char **layer_options);

/* The service gaps [i0, i1) only (r->gaps order): a piece of the layer,
 * for writing it in parts side by side. */
taafi_status tf_write_gaps_range(taafi_ctx *ctx, const taafi_result *r, GDALDatasetH ds, int lonlat,
                                 char **layer_options, size_t i0, size_t i1);

/* The GeoJSON document of the service gaps [i0, i1) (or of the areas
 * [i0, i1)), in memory: *out (*len bytes) is the caller's, to free with
 * VSIFree.  Documents of consecutive ranges join into the whole one (see
 * write.c). */
taafi_status tf_geojson_gaps_bytes(taafi_ctx *ctx, const taafi_result *r, size_t i0, size_t i1, unsigned char **out,
                                   size_t *len);
taafi_status tf_geojson_areas_bytes(taafi_ctx *ctx, const taafi_result *r, size_t i0, size_t i1, unsigned char **out,
                                    size_t *len);

/* GeoJSON files of the coverage layers. */
taafi_status tf_write_geojson_gaps(taafi_ctx *ctx, const taafi_result *r, const char *path);
taafi_status tf_write_geojson_facilities(taafi_ctx *ctx, const taafi_result *r, const char *path);

/* Shared by both: makes layer `name` in `ds` with the areas' fields and the
 * indicator columns and writes one feature per area, with the analysis-CRS
 * geometry (`lonlat` 0), the EPSG:4326 one (`lonlat` 1) or none (-1). */
taafi_status tf_write_areas_layer(taafi_ctx *ctx, const taafi_result *r, GDALDatasetH ds, const char *name,
                                  int lonlat, char **layer_options);
/* The same for the areas [k0, k1) only: a piece of the layer. */
taafi_status tf_write_areas_range(taafi_ctx *ctx, const taafi_result *r, GDALDatasetH ds, const char *name,
                                  int lonlat, char **layer_options, size_t k0, size_t k1);

/* The rounds (rounds/rounds.h): table area_rounds and layer change (over
 * r's areas, the latest round's) into ds, in the analysis CRS or (lonlat)
 * EPSG:4326; change.geojson. */
taafi_status tf_write_rounds(taafi_ctx *ctx, const taafi_result *r, const tf_rounds *rounds, GDALDatasetH ds,
                             char **table_opts, char **layer_opts);
taafi_status tf_write_change_layer(taafi_ctx *ctx, const taafi_result *r, const tf_rounds *rounds, GDALDatasetH ds,
                                   int lonlat, char **layer_opts);
taafi_status tf_write_geojson_change(taafi_ctx *ctx, const taafi_result *r, const tf_rounds *rounds,
                                     const char *path);

/* Reads the rounds stored in GeoPackage `gpkg` by an earlier run into
 * *out (the caller's: tf_rounds_stored_free). */
taafi_status tf_rounds_load(taafi_ctx *ctx, const char *gpkg, tf_rounds_stored *out);

#endif
