/* style.h: QGIS and SLD styles in the GeoPackage's layer_styles table. */
#ifndef TAAFI_STYLE_H
#define TAAFI_STYLE_H

#include "result/result.h"

#include <gdal.h>

/* Writes table `layer_styles` into the GeoPackage `ds` (nothing when there
 * is nothing to style). */
taafi_status tf_write_styles(taafi_ctx *ctx, const taafi_result *r, GDALDatasetH ds, char **options);

#endif
