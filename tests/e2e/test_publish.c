/*
 * Publishing: the styles in the GeoPackage parse as XML (GDAL's own XML
 * parser) and name existing columns; the PNG sheets have the size of A4 at
 * the chosen dpi and are not blank; SVG and PDF are what they claim; the
 * atlas has one page per area; Arabic is drawn joined, against a reference
 * drawing of the same word in its joined presentation forms; drawing on
 * threads gives the same bytes; the PNGs carry their resolution.
 */
#include "support.h"

#include "example.h"
#include "core/core.h"
#include "publish/map.h"

#include <cairo.h>
#include <cpl_minixml.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fixture {
    char *dir;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    taafi_ctx *ctx = NULL;
    taafi_project *p = NULL;
    taafi_result *r = NULL;
    char path[4096];
    f->dir = tt_tmpdir();
    snprintf(path, sizeof path, "%s/examples/homs.yml", tt_source_dir());
    /* the PDFs' dates pinned, so that two drawings can be compared */
    assert_int_equal(setenv("SOURCE_DATE_EPOCH", "0", 1), 0);
    assert_int_equal(taafi_ctx_new(&ctx), TAAFI_OK);
    if (taafi_project_load(ctx, path, &p) || taafi_run(ctx, p, &r) || taafi_result_write(ctx, r, f->dir, 0) ||
        taafi_result_render(ctx, r, f->dir, 0))
        fail_msg("%s", taafi_ctx_message(ctx));
    /* the same maps again, in the same process, on three threads */
    snprintf(path, sizeof path, "%s/threads3", f->dir);
    taafi_ctx_set_threads(ctx, 3);
    if (taafi_result_render(ctx, r, path, 0))
        fail_msg("%s", taafi_ctx_message(ctx));
    unsetenv("SOURCE_DATE_EPOCH");
    taafi_result_free(r);
    taafi_project_free(p);
    taafi_ctx_free(ctx);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (!f)
        return 0;
    tt_rmrf(f->dir);
    free(f);
    return 0;
}

/* Every value of attribute `attr` of elements named `elem` anywhere under
 * `node`, or element text for attr NULL, must be a column of `table`. */
static int check_refs(sqlite3 *db, const char *table, CPLXMLNode *node, const char *elem, const char *attr)
{
    int n = 0;
    for (; node; node = node->psNext) {
        if (node->eType == CXT_Element && !strcmp(node->pszValue, elem)) {
            const char *v = attr ? CPLGetXMLValue(node, attr, NULL)
                                 : node->psChild && node->psChild->eType == CXT_Text ? node->psChild->pszValue : NULL;
            char sql[512];
            if (!v && attr && !strcmp(attr, "attr")) /* a single-symbol renderer names no field */
                goto children;
            assert_non_null(v);
            snprintf(sql, sizeof sql, "SELECT count(*) FROM pragma_table_info('%s') WHERE name = '%s'", table, v);
            if (tt_sql_double(db, sql) != 1)
                fail_msg("a style of %s names '%s', which is no column of it", table, v);
            n++;
        }
    children:
        n += check_refs(db, table, node->psChild, elem, attr);
    }
    return n;
}

static void test_styles(void **state)
{
    fixture *f = *state;
    char *path = tt_path(f->dir, "recovery.gpkg");
    sqlite3 *db;
    sqlite3_stmt *st;
    int rows = 0, refs = 0;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_true(tt_sql_double(db, "SELECT count(*) FROM layer_styles WHERE f_table_name = 'areas'") == 6);
    assert_true(tt_sql_double(db, "SELECT count(*) FROM layer_styles WHERE useAsDefault = 1 AND f_table_name = "
                                  "'areas' AND styleName = 'recovery_index'") == 1);
    assert_true(tt_sql_double(db, "SELECT count(*) FROM layer_styles WHERE f_table_name IN ('service_gaps', "
                                  "'facilities') AND useAsDefault = 1") == 2);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT f_table_name, styleQML, styleSLD FROM layer_styles", -1, &st, NULL),
                     SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *table = (const char *)sqlite3_column_text(st, 0);
        CPLXMLNode *qml = CPLParseXMLString((const char *)sqlite3_column_text(st, 1));
        CPLXMLNode *sld = CPLParseXMLString((const char *)sqlite3_column_text(st, 2));
        if (!qml || !sld)
            fail_msg("a style of %s is not well-formed XML", table);
        refs += check_refs(db, table, qml, "renderer-v2", "attr");
        refs += check_refs(db, table, sld, "ogc:PropertyName", NULL);
        refs += check_refs(db, table, qml, "alias", "field");
        CPLDestroyXMLNode(qml);
        CPLDestroyXMLNode(sld);
        rows++;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    assert_int_equal(rows, 8);
    assert_true(refs > 6 * (1 + 8)); /* renderer + 2 x 4 class filters per areas style, at least */
    free(path);
}

static void test_sheets(void **state)
{
    fixture *f = *state;
    static const char *const keys[] = {"recovery_index", "economic_vitality", "institutional_organisation",
                                       "community_organisation", "basic_services", "ideal_neighbourhood"};
    size_t i;
    for (i = 0; i < 6; i++) {
        char name[128], *path, *text;
        size_t len;
        cairo_surface_t *png;
        int w, h, stride, x, y, coloured = 0;
        unsigned char *d;
        snprintf(name, sizeof name, "maps/%s.png", keys[i]);
        path = tt_path(f->dir, name);
        png = cairo_image_surface_create_from_png(path);
        assert_int_equal(cairo_surface_status(png), CAIRO_STATUS_SUCCESS);
        w = cairo_image_surface_get_width(png);
        h = cairo_image_surface_get_height(png);
        /* A4 landscape at 300 dpi */
        assert_int_equal(w, (int)(842 * 300 / 72.0 + 0.5));
        assert_int_equal(h, (int)(595 * 300 / 72.0 + 0.5));
        d = cairo_image_surface_get_data(png);
        stride = cairo_image_surface_get_stride(png);
        for (y = 0; y < h; y += 7)
            for (x = 0; x < w; x += 7) {
                uint32_t px = *(uint32_t *)(d + y * stride + 4 * x);
                unsigned r = (px >> 16) & 255, g = (px >> 8) & 255, b = px & 255;
                coloured += (r != g || g != b); /* a class colour, not paper or ink */
            }
        /* the areas cover a good part of the page in class colours */
        if (coloured < (w / 7) * (h / 7) / 5)
            fail_msg("%s looks blank: %d coloured samples", name, coloured);
        cairo_surface_destroy(png);
        free(path);
        snprintf(name, sizeof name, "maps/%s.svg", keys[i]);
        path = tt_path(f->dir, name);
        text = tt_read(path, &len);
        assert_true(len > 10000 && strstr(text, "<svg") != NULL);
        free(text);
        free(path);
        snprintf(name, sizeof name, "maps/%s.pdf", keys[i]);
        path = tt_path(f->dir, name);
        text = tt_read(path, &len);
        assert_memory_equal(text, "%PDF-", 5);
        free(text);
        free(path);
    }
}

/* Renders a side x side grid of regular polygons of `corners` corners
 * (radii of 50-90 m, so that their km² differ and are scored) with the
 * project's `maps` section `maps` into DIR/outSIDE_CORNERS, and reads
 * file `name` of it into *text (malloc'd, *len bytes). */
static void grid_render(const char *dir, int side, int corners, int ties, const char *maps, const char *name_in_out,
                        char **text_out, size_t *len)
{
    tf_buf g = {0};
    char name[64], text[512], *path, *yml;
    taafi_ctx *ctx = NULL;
    taafi_project *p = NULL;
    taafi_result *r = NULL;
    int i, k;
    tf_buf_printf(&g, "{\"type\": \"FeatureCollection\", \"features\": [");
    for (i = 0; i < side * side; i++) {
        /* ties: seven areas in ten of one size, the smallest */
        double x = 36.7 + 0.002 * (i % side), y = 34.7 + 0.002 * (i / side),
               d = ties && i % 10 < 7 ? 0.0005 : 0.0005 * (1 + (i % 5) / 5.0);
        tf_buf_printf(&g,
                      "%s{\"type\": \"Feature\", \"properties\": {\"id\": \"A%d\"}, \"geometry\": {\"type\": "
                      "\"Polygon\", \"coordinates\": [[",
                      i ? ", " : "", i);
        for (k = 0; k <= corners; k++)
            tf_buf_printf(&g, "%s[%.6f, %.6f]", k ? ", " : "", x + d * cos(2 * M_PI * (k % corners) / corners),
                          y + d * sin(2 * M_PI * (k % corners) / corners));
        tf_buf_printf(&g, "]]}}");
    }
    tf_buf_printf(&g, "]}\n");
    snprintf(name, sizeof name, "grid%d_%d%s.geojson", side, corners, ties ? "t" : "");
    free(tt_write(dir, name, g.s));
    tf_buf_free(&g);
    snprintf(text, sizeof text,
             "areas: {source: grid%d_%d%s.geojson, id: id}\n"
             "%s"
             "maps: %s\n",
             side, corners, ties ? "t" : "",
             /* ties: sizes rounded to whole 1,000ths of a km², so that equal
              * shapes a little apart are equal */
             ties ? "indicators: [{id: km2, type: area}, {id: size, type: expression, expression: 'round(km2 * 1000)', "
                    "pillar: ideal_neighbourhood, direction: higher_is_better}]\n"
                  : "indicators: [{id: km2, type: area, pillar: ideal_neighbourhood, direction: higher_is_better}]\n",
             maps);
    snprintf(name, sizeof name, "grid%d_%d%s.yml", side, corners, ties ? "t" : "");
    yml = tt_write(dir, name, text);
    snprintf(name, sizeof name, "out%d_%d%s", side, corners, ties ? "t" : "");
    path = tt_path(dir, name);
    assert_int_equal(taafi_ctx_new(&ctx), TAAFI_OK);
    if (taafi_project_load(ctx, yml, &p) || taafi_run(ctx, p, &r) || taafi_result_write(ctx, r, path, 0) ||
        taafi_result_render(ctx, r, path, 0))
        fail_msg("%s", taafi_ctx_message(ctx));
    taafi_result_free(r);
    taafi_project_free(p);
    taafi_ctx_free(ctx);
    free(yml);
    free(path);
    snprintf(text, sizeof text, "out%d_%d%s/%s", side, corners, ties ? "t" : "", name_in_out);
    path = tt_path(dir, text);
    *text_out = tt_read(path, len);
    free(path);
}

static size_t count(const char *text, size_t len, const char *what)
{
    size_t n = 0, i, w = strlen(what);
    for (i = 0; i + w <= len; i++)
        n += !memcmp(text + i, what, w);
    return n;
}

/* An atlas page zooms on an area too small to see on the whole extent
 * (under 40 points): none of the example's 20, every one of a grid of 900
 * (each about 9 points on the whole extent). */
static void test_atlas_zoom(void **state)
{
    fixture *f = *state;
    int pass;
    for (pass = 0; pass < 2; pass++) {
        taafi_ctx *ctx = NULL;
        taafi_project *p = NULL;
        taafi_result *r = NULL;
        tf_atlas *at;
        char path[4096];
        size_t a, zoomed = 0;
        double size, smallest = INFINITY, largest = 0;
        if (pass == 0)
            snprintf(path, sizeof path, "%s/examples/homs.yml", tt_source_dir());
        else {
            char *pdf;
            size_t len;
            grid_render(f->dir, 30, 6, 0, "{formats: [svg], report: false, atlas: false}", "maps/recovery_index.svg",
                        &pdf, &len);
            free(pdf);
            snprintf(path, sizeof path, "%s/grid30_6.yml", f->dir);
        }
        assert_int_equal(taafi_ctx_new(&ctx), TAAFI_OK);
        if (taafi_project_load(ctx, path, &p) || taafi_run(ctx, p, &r))
            fail_msg("%s", taafi_ctx_message(ctx));
        at = tf_atlas_new(ctx, r, 72);
        assert_non_null(at);
        for (a = 0; a < taafi_result_area_count(r); a++) {
            zoomed += tf_atlas_view(at, ctx, r, a, &size) == 1;
            smallest = fmin(smallest, size);
            largest = fmax(largest, size);
        }
        if (pass == 0 && (zoomed != 0 || smallest < 40))
            fail_msg("example: %zu pages zoomed, areas %.1f to %.1f points", zoomed, smallest, largest);
        if (pass == 1 && (zoomed != 900 || largest >= 40 || smallest <= 0))
            fail_msg("grid: %zu pages zoomed, areas %.1f to %.1f points", zoomed, smallest, largest);
        tf_atlas_free(at);
        taafi_result_free(r);
        taafi_project_free(p);
        taafi_ctx_free(ctx);
    }
}

/* Every atlas page shows every area around its own: drawn once and
 * shown on each page, the atlas grows with the number of areas, not with
 * its square (drawn on every page, 2,000 areas made 91 MB).  Four times
 * the areas: about four times the bytes, where the square made sixteen.
 * Past a budget of pages x vertices the grey areas are one image, in the
 * file once: the same bytes a page again. */
static void test_atlas_linear(void **state)
{
    fixture *f = *state;
    char *pdf[3];
    size_t len[3], i;
    double per_page[3];
    static const int side[3] = {8, 16, 30}, corners[3] = {4, 4, 8};
    for (i = 0; i < 3; i++) {
        grid_render(f->dir, side[i], corners[i], 0, "{formats: [pdf], report: false, dpi: 72}", "maps/atlas.pdf",
                    &pdf[i], &len[i]);
        per_page[i] = (double)len[i] / (side[i] * side[i]);
    }
    if (per_page[1] > 1.5 * per_page[0] || per_page[2] > 1.5 * per_page[0])
        fail_msg("atlas: %.0f bytes a page with 64 areas, %.0f with 256, %.0f with 900", per_page[0], per_page[1],
                 per_page[2]);
    /* vectors below the budget (64 x 320 and 256 x 1,280 vertices), one
     * image past it (900 x 8,100) */
    assert_int_equal(count(pdf[0], len[0], "/Subtype /Image"), 0);
    assert_int_equal(count(pdf[1], len[1], "/Subtype /Image"), 0);
    assert_int_equal(count(pdf[2], len[2], "/Subtype /Image"), 1);
    assert_int_equal(count(pdf[2], len[2], "/Type /Page\n") + count(pdf[2], len[2], "/Type /Page "), 900);
    for (i = 0; i < 3; i++)
        free(pdf[i]);
}

/* The boxes (x0 y0 x1 y1) of the haloed texts of a Cairo SVG: area
 * labels, the scale bar's and the north arrow's.  Cairo writes a halo as
 * one path of absolute coordinate pairs, ending with a move back to where
 * the text was placed, which is not drawn. */
static size_t halo_boxes(const char *svg, double (*box)[4], size_t max)
{
    static const char key[] = "stroke-width:2.2;";
    const char *at = svg;
    size_t n = 0;
    while (n < max && (at = strstr(at, key))) {
        const char *d = strstr(at, " d=\""), *q, *end, *last_m = NULL;
        double v[2];
        int k = 0;
        assert_non_null(d);
        end = strchr(d + 4, '"');
        assert_non_null(end);
        for (q = d + 4; q < end; q++)
            if (*q == 'M')
                last_m = q;
            else if (*q >= 'A' && *q <= 'Z')
                last_m = NULL;
        if (last_m)
            end = last_m;
        box[n][0] = box[n][1] = INFINITY;
        box[n][2] = box[n][3] = -INFINITY;
        for (q = d + 4; q < end;) {
            char *end;
            if ((*q >= '0' && *q <= '9') || *q == '-' || *q == '.') {
                v[k] = strtod(q, &end);
                q = end;
                if (++k == 2) {
                    box[n][0] = fmin(box[n][0], v[0]), box[n][2] = fmax(box[n][2], v[0]);
                    box[n][1] = fmin(box[n][1], v[1]), box[n][3] = fmax(box[n][3], v[1]);
                    k = 0;
                }
            } else
                q++;
        }
        n++;
        at = d;
    }
    return n;
}

/* Labels never print over one another (nor over the scale bar and the
 * north arrow): of 400 small areas only some are labelled, the ones most
 * in need first; the example's 20 all are. */
static void test_labels(void **state)
{
    fixture *f = *state;
    static double box[1000][4];
    char *svg, *path;
    size_t len, n, i, j;
    int pass;
    for (pass = 0; pass < 2; pass++) {
        if (pass == 0) {
            grid_render(f->dir, 20, 4, 0, "{formats: [svg], report: false, atlas: false}", "maps/recovery_index.svg",
                        &svg, &len);
        } else {
            path = tt_path(f->dir, "maps/recovery_index.svg");
            svg = tt_read(path, &len);
            free(path);
        }
        n = halo_boxes(svg, box, 1000);
        if (pass == 0 && (n < 3 + 20 || n > 3 + 300))
            fail_msg("%zu haloed texts on the sheet of 400 areas", n);
        if (pass == 1)
            assert_int_equal(n, 3 + 20);
        for (i = 0; i < n; i++)
            for (j = 0; j < i; j++)
                if (box[i][0] < box[j][2] && box[j][0] < box[i][2] && box[i][1] < box[j][3] && box[j][1] < box[i][3])
                    fail_msg("texts %zu (%.1f %.1f %.1f %.1f) and %zu (%.1f %.1f %.1f %.1f) overlap", j, box[j][0],
                             box[j][1], box[j][2], box[j][3], i, box[i][0], box[i][1], box[i][2], box[i][3]);
        free(svg);
    }
}

/* Drawn again in the same process on three threads, every file is the
 * same bytes: nothing depends on which thread drew what, or on what the
 * process drew before (Cairo numbers an SVG's group after every surface
 * made so far). */
static void test_same_bytes(void **state)
{
    fixture *f = *state;
    static const char *const keys[] = {"recovery_index", "economic_vitality", "institutional_organisation",
                                       "community_organisation", "basic_services", "ideal_neighbourhood"};
    static const char *const ext[] = {"png", "svg", "pdf"};
    char name[128], other[160];
    size_t i, k, n = 0;
    for (i = 0; i < 6 * 3 + 2; i++) {
        char *a, *b, *pa, *pb;
        size_t la, lb;
        if (i < 18)
            snprintf(name, sizeof name, "maps/%s.%s", keys[i / 3], ext[i % 3]);
        else
            snprintf(name, sizeof name, "%s", i == 18 ? "maps/atlas.pdf" : "report.html");
        pa = tt_path(f->dir, name);
        snprintf(other, sizeof other, "threads3/%s", name);
        pb = tt_path(f->dir, other);
        a = tt_read(pa, &la);
        b = tt_read(pb, &lb);
        if (la != lb || memcmp(a, b, la))
            fail_msg("%s differs from %s", pb, pa);
        for (k = 0; k + 9 < la && i % 3 == 1 && i < 18; k++)
            n += !memcmp(a + k, "id=\"surface", 11);
        free(a);
        free(b);
        free(pa);
        free(pb);
    }
    assert_int_equal(n, 6); /* one top group per SVG: the test looked */
}

/* The PNG says its resolution (pHYs), so that it prints at A4. */
static void test_png_resolution(void **state)
{
    fixture *f = *state;
    char *path = tt_path(f->dir, "maps/recovery_index.png"), *d;
    size_t len, k;
    const unsigned char *c = NULL;
    d = tt_read(path, &len);
    for (k = 8; k + 21 <= len; k++)
        if (!memcmp(d + k, "pHYs", 4)) {
            c = (const unsigned char *)d + k + 4;
            break;
        }
    assert_non_null(c);
    /* pixels per metre, x and y, big-endian; unit 1: the metre */
    assert_int_equal(((unsigned)c[0] << 24) | ((unsigned)c[1] << 16) | ((unsigned)c[2] << 8) | c[3], 11811);
    assert_int_equal(((unsigned)c[4] << 24) | ((unsigned)c[5] << 16) | ((unsigned)c[6] << 8) | c[7], 11811);
    assert_int_equal(c[8], 1);
    free(d);
    free(path);
}

/* The service gaps on the basic-services sheet are hatched as one path:
 * one hatching for the map and one for the legend's swatch, however many
 * gaps there are (hatched one by one, each gap carried the whole frame's
 * lines: 17 hatchings here, 19 MB of SVG for 2,000 areas). */
static void test_one_hatching(void **state)
{
    fixture *f = *state;
    char *path = tt_path(f->dir, "maps/basic_services.svg"), *svg = tt_read(path, NULL), *at;
    static const char key[] = "stroke-width:0.6;stroke-linecap:butt;stroke-linejoin:miter;stroke:rgb(78%,12%,12%)";
    size_t n = 0;
    for (at = svg; (at = strstr(at, key)); at++)
        n++;
    assert_int_equal(n, 2);
    free(svg);
    free(path);
}

/* One page per area: count the page objects Cairo writes. */
static void test_atlas(void **state)
{
    fixture *f = *state;
    char *path = tt_path(f->dir, "maps/atlas.pdf"), *text;
    size_t len, i;
    int pages = 0;
    text = tt_read(path, &len);
    assert_memory_equal(text, "%PDF-", 5);
    for (i = 0; i + 11 < len; i++)
        if (!memcmp(text + i, "/Type /Page", 11) && text[i + 11] != 's')
            pages++;
    assert_int_equal(pages, 20);
    free(text);
    free(path);
}

/* Draws `s` as taafi draws labels and returns the image. */
static cairo_surface_t *draw(const char *s)
{
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 240, 80);
    cairo_t *cr = cairo_create(img);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    tf_draw_text(cr, s, 10, 10, 220, 40, 0, TF_ALIGN_LEFT, 0);
    cairo_destroy(cr);
    cairo_surface_flush(img);
    return img;
}

static double difference(cairo_surface_t *a, cairo_surface_t *b)
{
    unsigned char *p = cairo_image_surface_get_data(a), *q = cairo_image_surface_get_data(b);
    int stride = cairo_image_surface_get_stride(a), n = 80 * stride, i;
    double d = 0;
    for (i = 0; i < n; i++)
        d += abs((int)p[i] - (int)q[i]);
    return d;
}

/* "بيت" typed as plain letters must come out as its joined forms
 * (U+FE91 initial beh, U+FEF4 medial yeh, U+FE96 final teh), not as the
 * isolated forms (U+FE8F, U+FEF1, U+FE95) a renderer without shaping
 * shows, and in right-to-left order. */
static void test_arabic_shaping(void **state)
{
    cairo_surface_t *shaped = draw("بيت");
    cairo_surface_t *joined = draw("\xEF\xBA\x91\xEF\xBB\xB4\xEF\xBA\x96");
    cairo_surface_t *isolated = draw("\xEF\xBA\x8F\xEF\xBB\xB1\xEF\xBA\x95");
    cairo_surface_t *blank = draw("");
    double to_joined = difference(shaped, joined), to_isolated = difference(shaped, isolated);
    (void)state;
    assert_true(difference(shaped, blank) > 0); /* something was drawn */
    if (!(to_joined * 5 < to_isolated))
        fail_msg("shaped text is %.0f from the joined forms and %.0f from the isolated ones", to_joined, to_isolated);
    cairo_surface_destroy(shaped);
    cairo_surface_destroy(joined);
    cairo_surface_destroy(isolated);
    cairo_surface_destroy(blank);
}

/* *.meta.json: the legend a web map needs, valid JSON. */
static void test_meta(void **state)
{
    fixture *f = *state;
    char *path = tt_path(f->dir, "areas.meta.json"), *text = tt_read(path, NULL);
    sqlite3 *db;
    db = tt_json_db("m", text, -1);
    assert_true(tt_sql_double(db, "SELECT json_valid(j) FROM m") == 1);
    assert_true(tt_sql_double(db, "SELECT json_array_length(j, '$.maps') FROM m") == 6);
    assert_true(tt_sql_double(db, "SELECT json_array_length(j, '$.maps[0].classes') FROM m") == 4);
    assert_true(tt_sql_double(db, "SELECT json_extract(j, '$.maps[0].title_ar') = 'مؤشر التعافي' FROM m") == 1);
    assert_true(tt_sql_double(db, "SELECT json_extract(j, '$.maps[0].classes[0].colour') LIKE '#%' FROM m") == 1);
    sqlite3_close(db);
    free(text);
    free(path);
}

/* Areas are drawn without vertices closer than a quarter of a point to
 * the last one drawn (one pixel at 300 dpi): 400 circles of 400 vertices,
 * a few metres apart, make area paths whose points are all at least that
 * far apart (but for the ring's last), and far fewer than 160,000. */
static void test_draw_tolerance(void **state)
{
    fixture *f = *state;
    static const char key[] = "<path style=\"fill-rule:evenodd;fill:rgb(";
    char *svg, *at;
    size_t len, paths = 0, points = 0;
    grid_render(f->dir, 20, 400, 0, "{formats: [svg], report: false, atlas: false}", "maps/recovery_index.svg", &svg,
                &len);
    for (at = svg; (at = strstr(at, key)); at++) {
        char *d = strstr(at, " d=\""), *end, *q;
        double x0 = NAN, y0 = NAN, px = NAN, py = NAN;
        assert_non_null(d);
        end = strchr(d + 4, '"');
        if (!strstr(at, "stroke-width:0.7;") || strstr(at, "stroke-width:0.7;") > d)
            continue; /* not an area: a legend swatch */
        paths++;
        for (q = d + 4; q < end;) {
            char cmd = *q, *next;
            double x, y;
            if (cmd == 'Z')
                break;
            x = strtod(q + 1, &next);
            y = strtod(next, &next);
            q = next + 1;
            if (cmd == 'M') {
                x0 = x, y0 = y;
            } else if (cmd == 'L') {
                /* the last point (back near the start) may be closer */
                int closing = fabs(x - x0) < 1 && fabs(y - y0) < 1;
                if (!closing && hypot(x - px, y - py) < 0.25 - 0.01)
                    fail_msg("area path %zu: points %.3f %.3f and %.3f %.3f closer than 0.25 pt", paths, px, py, x,
                             y);
            }
            px = x, py = y;
            points++;
            while (q < end && *q == ' ')
                q++;
        }
    }
    assert_int_equal(paths, 400);
    if (points > 400 * 400 / 2)
        fail_msg("%zu points in the areas' paths", points);
    free(svg);
}

/* Seven areas in ten of the lowest score: the quantile breaks between
 * classes 1, 2 and 3 all fall at 0, and classes 1 and 2 are empty.  The
 * legends (here the web map's) leave them out rather than list ranges of
 * "0.0 – 0.0"; the QGIS style does too. */
static void test_empty_classes(void **state)
{
    fixture *f = *state;
    char *text, *qml;
    size_t len;
    sqlite3 *db;
    grid_render(f->dir, 10, 4, 1, "{formats: [png], report: false, atlas: false, dpi: 36}", "areas.meta.json", &text,
                &len);
    db = tt_json_db("m", text, (int)len);
    qml = tt_sql_text(db, "SELECT json_extract(j, '$.maps[1].column') FROM m");
    assert_string_equal(qml, "ideal_neighbourhood_score");
    free(qml);
    assert_true(tt_sql_double(db, "SELECT json_array_length(j, '$.maps[1].classes') FROM m") == 2);
    assert_true(tt_sql_double(db, "SELECT json_extract(j, '$.maps[1].classes[0].class') FROM m") == 3);
    assert_true(tt_sql_double(db, "SELECT json_extract(j, '$.maps[1].classes[0].min') FROM m") == 0);
    assert_true(tt_sql_double(db, "SELECT json_extract(j, '$.maps[1].classes[1].class') FROM m") == 4);
    sqlite3_close(db);
    free(text);
    /* the same two ranges in the QGIS style, the first from 0 */
    {
        char *path = tt_path(f->dir, "out10_4t/recovery.gpkg");
        sqlite3 *g;
        assert_int_equal(sqlite3_open(path, &g), SQLITE_OK);
        qml = tt_sql_text(g, "SELECT styleQML FROM layer_styles WHERE styleName = 'ideal_neighbourhood'");
        assert_non_null(qml);
        len = 0;
        for (text = qml; (text = strstr(text, "<range ")); text++)
            len++;
        assert_int_equal(len, 2);
        assert_non_null(strstr(qml, "<range lower=\"0.000000\""));
        free(qml);
        sqlite3_close(g);
        free(path);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_styles), cmocka_unit_test(test_sheets),          cmocka_unit_test(test_atlas),
        cmocka_unit_test(test_meta),   cmocka_unit_test(test_arabic_shaping), cmocka_unit_test(test_same_bytes),
        cmocka_unit_test(test_png_resolution), cmocka_unit_test(test_atlas_linear), cmocka_unit_test(test_labels),
        cmocka_unit_test(test_empty_classes), cmocka_unit_test(test_one_hatching), cmocka_unit_test(test_draw_tolerance),
        cmocka_unit_test(test_atlas_zoom),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
