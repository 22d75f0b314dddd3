/* pngout.h: map sheets as PNG bytes (libpng's own header is png.h). */
#ifndef TAAFI_PNGOUT_H
#define TAAFI_PNGOUT_H

#include "core/core.h"

#include <cairo.h>

/* The pixels of `surf` (a CAIRO_FORMAT_RGB24 image surface, drawn at
 * `dpi`) as a PNG file's bytes: *out malloc'd (the caller frees it), *len
 * bytes.  On failure *out is NULL and the context says why. */
taafi_status tf_png_encode(taafi_ctx *ctx, cairo_surface_t *surf, double dpi, unsigned char **out, size_t *len);

#endif
