/* fuzz_common.h: what the run-level harnesses share: a project text run
 * whole on the robustness fixtures (tests/data/robust), and the rule every
 * input must keep: TAAFI_OK with a result whose values are finite or NULL
 * (never Inf), or an error with a message and no result. */
#ifndef TAAFI_FUZZ_COMMON_H
#define TAAFI_FUZZ_COMMON_H

#include "families/indicator.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef TAAFI_SOURCE_DIR
#error "TAAFI_SOURCE_DIR must name the source tree"
#endif

/* Appends s[0..n) to out as the inside of a YAML double-quoted scalar:
 * quotes, backslashes and every byte outside printable ASCII escaped, so
 * that any bytes reach taafi as they are (a byte >= 0x80 as that code
 * point). */
static inline size_t fz_quote(char *out, const unsigned char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"' || s[i] == '\\')
            out[k++] = '\\', out[k++] = (char)s[i];
        else if (s[i] < 0x20 || s[i] >= 0x7f)
            k += (size_t)sprintf(out + k, "\\x%02x", s[i]);
        else
            out[k++] = (char)s[i];
    }
    out[k] = '\0';
    return k;
}

/* Loads and runs the project `yml` as if it were the file
 * tests/data/robust/fuzz.yml; aborts when the rule above is broken. */
static inline void fz_run(const char *yml)
{
    taafi_ctx *ctx = NULL;
    taafi_project *p = NULL;
    taafi_result *r = NULL;
    taafi_status st;
    if (taafi_ctx_new(&ctx) != TAAFI_OK)
        return;
    st = tf_project_parse(ctx, TAAFI_SOURCE_DIR "/tests/data/robust/fuzz.yml", yml, strlen(yml),
                          tf_family_keys_table, &p);
    if (!st)
        st = taafi_run(ctx, p, &r);
    if (getenv("TAAFI_FUZZ_VERBOSE")) /* what each input came to */
        fprintf(stderr, "status %d: %s\n", (int)st, st ? taafi_ctx_message(ctx) : "ok");
    if (st && (r || !taafi_ctx_message(ctx)[0]))
        abort(); /* an error must say what is wrong, and give nothing */
    if (!st && !r)
        abort();
    for (size_t c = 0; r && c < taafi_result_column_count(r); c++)
        for (size_t a = 0; a < taafi_result_area_count(r); a++) {
            double v;
            int null;
            if (taafi_result_value(r, a, c, &v, &null) || isinf(v))
                abort(); /* Inf is written as NULL, with a note */
        }
    taafi_result_free(r);
    taafi_project_free(p);
    taafi_ctx_free(ctx);
}

#endif
