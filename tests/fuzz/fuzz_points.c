/* libFuzzer harness: points as field teams send them.  The first byte
 * chooses the format (even: a CSV with lon/lat columns, as survey.csv;
 * odd: GeoJSON), the rest is the file, read from /vsimem/ and counted by
 * class in the two squares of tests/data/robust. */
#include "fuzz_common.h"

#include <cpl_vsi.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int csv;
    const char *path;
    VSILFILE *f;
    char yml[1024];
    if (size < 1)
        return 0;
    csv = data[0] % 2 == 0;
    path = csv ? "/vsimem/fuzz/points.csv" : "/vsimem/fuzz/points.geojson";
    if (!(f = VSIFOpenL(path, "wb")))
        return 0;
    VSIFWriteL(data + 1, 1, size - 1, f);
    VSIFCloseL(f);
    snprintf(yml, sizeof yml,
             "areas: {source: cp1256.shp, id: code}\nlayers:\n  pts: {source: '%s'%s}\n"
             "indicators:\n  - {id: n, type: count, layer: pts%s, density: true}\n",
             path, csv ? ", x: lon, y: lat, assume_crs: EPSG:4326" : "", csv ? ", class_field: status, percent: true" : "");
    fz_run(yml);
    VSIUnlink(path);
    return 0;
}
