/* meta.h: the small *.meta.json beside each GeoJSON file, with what a web
 * map needs to draw the same legend as the GeoPackage and the map sheets:
 * labels (English and Arabic), units and class breaks with colours. */
#ifndef TAAFI_META_H
#define TAAFI_META_H

#include "result/result.h"

/* JSON text for layer "areas", "service_gaps" or "facilities"; caller
 * frees it. */
taafi_status tf_meta_json(taafi_ctx *ctx, const taafi_result *r, const char *layer, char **out);

/* Appends `s` as a JSON string literal (quotes included). */
void tf_json_string(tf_buf *b, const char *s);

#endif
