/* libFuzzer harness: the SQL a user writes.  The input, up to its first
 * newline, is an expression indicator's `expression`; the rest, when there
 * is any, a layer's `where`.  Both go through the project checks
 * (project/filters.c), SQLite under its step limit (analysis/derive.c) and
 * GDAL's attribute filter, on the two squares of tests/data/robust. */
#include "fuzz_common.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t n_expr = nl ? (size_t)(nl - data) : size, n_where = nl ? size - n_expr - 1 : 0;
    char *expr = malloc(4 * n_expr + 1), *where = malloc(4 * n_where + 1), *yml = malloc(4 * size + 1024);
    if (expr && where && yml) {
        fz_quote(expr, data, n_expr);
        fz_quote(where, nl ? nl + 1 : data, n_where);
        snprintf(yml, 4 * size + 1024,
                 "areas: {source: cp1256.shp, id: code}\n"
                 "layers:\n  pts: {source: survey.csv, x: lon, y: lat, assume_crs: EPSG:4326%s%s%s}\n"
                 "limits: {sql_steps: 200000}\n"
                 "indicators:\n  - {id: n, type: count, layer: pts}\n  - {id: km2, type: area}\n"
                 "  - {id: e, type: expression, expression: \"%s\"}\n",
                 nl ? ", where: \"" : "", nl ? where : "", nl ? "\"" : "", expr);
        fz_run(yml);
    }
    free(expr);
    free(where);
    free(yml);
    return 0;
}
