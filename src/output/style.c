/*
 * style.c: QGIS (QML) and OGC (SLD) styles stored in the GeoPackage's
 * standard `layer_styles` table, so that opening recovery.gpkg in QGIS
 * shows the maps without further work: a graduated choropleth of the
 * recovery index (the default style of `areas`) and of each pillar, with
 * the priority classes' breaks and colours, labels in Arabic and English,
 * field aliases; hatched service gaps; facilities by indicator.
 */
#include "style.h"

#include "writers.h"
#include "analysis/sheets.h"
#include "families/indicator.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void xml_text(tf_buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': tf_buf_printf(b, "&amp;"); break;
        case '<': tf_buf_printf(b, "&lt;"); break;
        case '>': tf_buf_printf(b, "&gt;"); break;
        case '"': tf_buf_printf(b, "&quot;"); break;
        case '\'': tf_buf_printf(b, "&apos;"); break;
        default: tf_buf_printf(b, "%c", *s);
        }
    }
}

static void rgb255(size_t n, size_t c, int out[3])
{
    double rgb[3];
    tf_class_rgb(n, c, rgb);
    for (int k = 0; k < 3; k++)
        out[k] = (int)lround(rgb[k] * 255);
}

static void qml_fill_symbol(tf_buf *b, int name, const char *colour, const char *style, double width)
{
    tf_buf_printf(b,
                  "      <symbol type=\"fill\" name=\"%d\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n"
                  "        <layer class=\"SimpleFill\" enabled=\"1\" pass=\"0\" locked=\"0\">\n"
                  "          <Option type=\"Map\">\n"
                  "            <Option name=\"color\" value=\"%s\" type=\"QString\"/>\n"
                  "            <Option name=\"style\" value=\"%s\" type=\"QString\"/>\n"
                  "            <Option name=\"outline_color\" value=\"60,60,60,255\" type=\"QString\"/>\n"
                  "            <Option name=\"outline_style\" value=\"solid\" type=\"QString\"/>\n"
                  "            <Option name=\"outline_width\" value=\"%g\" type=\"QString\"/>\n"
                  "            <Option name=\"outline_width_unit\" value=\"MM\" type=\"QString\"/>\n"
                  "          </Option>\n"
                  "        </layer>\n"
                  "      </symbol>\n",
                  name, colour, style, width);
}

/* Labels: the Arabic name above the English one, white halo. */
static void qml_labels(tf_buf *b, const taafi_project *p)
{
    const char *ar = p->area_name_ar, *en = p->area_name;
    if (!ar && !en)
        return;
    tf_buf_printf(b, "  <labeling type=\"simple\">\n    <settings calloutType=\"simple\">\n"
                     "      <text-style fieldName=\"");
    if (ar && en)
        tf_buf_printf(b, "&quot;%s&quot; || '\\n' || &quot;%s&quot;", ar, en);
    else
        tf_buf_printf(b, "&quot;%s&quot;", ar ? ar : en);
    tf_buf_printf(b, "\" isExpression=\"1\" fontFamily=\"Noto Sans Arabic\" fontSize=\"8\" "
                     "textColor=\"20,20,20,255\" fontWeight=\"50\" multilineAlignment=\"1\">\n"
                     "        <text-buffer bufferDraw=\"1\" bufferSize=\"0.8\" bufferColor=\"255,255,255,255\"/>\n"
                     "      </text-style>\n"
                     "      <placement placement=\"1\" centroidInside=\"1\" centroidWhole=\"0\"/>\n"
                     "    </settings>\n  </labeling>\n");
}

static void qml_aliases(tf_buf *b, const taafi_result *r)
{
    int n_in = OGR_FD_GetFieldCount(r->areas->defn);
    size_t c;
    tf_buf_printf(b, "  <aliases>\n");
    for (c = 0; c < r->n_cols; c++) {
        const tf_column *col = &r->cols[c];
        const char *label = NULL;
        const tf_indicator_def *d = tf_result_def(r, col->def);
        if (d && d->label && !strcmp(col->name, d->id))
            label = d->label;
        else if (col->pillar >= 0)
            label = tf_pillar_labels[col->pillar];
        else if (!strcmp(col->name, "recovery_index"))
            label = "Recovery index";
        if (!label)
            continue;
        tf_buf_printf(b, "    <alias field=\"");
        xml_text(b, col->name);
        tf_buf_printf(b, "\" index=\"%d\" name=\"", n_in + (int)c);
        xml_text(b, label);
        tf_buf_printf(b, "\"/>\n");
    }
    tf_buf_printf(b, "  </aliases>\n");
}

static const char QML_HEAD[] = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
                               "<qgis version=\"3.28.0\" styleCategories=\"Symbology|Labeling|Fields\">\n";

static char *qml_graduated(const taafi_result *r, const tf_sheet *s, taafi_ctx *ctx)
{
    tf_buf b = {0};
    size_t c, first, last;
    char buf[32];
    (void)ctx;
    tf_buf_printf(&b, "%s", QML_HEAD);
    tf_buf_printf(&b, "  <renderer-v2 type=\"graduatedSymbol\" attr=\"%s\" graduatedMethod=\"GraduatedColor\" "
                      "symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n    <ranges>\n",
                  s->column);
    tf_sheet_listed_span(s, &first, &last);
    for (c = 1; c <= s->n_classes; c++) {
        double lo, hi;
        if (!tf_sheet_listed(s, c))
            continue;
        tf_sheet_range(s, c, &lo, &hi);
        tf_buf_printf(&b, "      <range lower=\"%.6f\" upper=\"%.6f\" symbol=\"%zu\" render=\"true\" label=\"",
                      c == first ? fmin(lo, 0) : lo, c == last ? fmax(hi, 100) : hi, c - 1);
        xml_text(&b, tf_class_label(r->project, s->n_classes, c, buf, sizeof buf));
        tf_buf_printf(&b, " (%.1f – %.1f)\"/>\n", lo, hi);
    }
    tf_buf_printf(&b, "    </ranges>\n    <symbols>\n");
    for (c = 1; c <= s->n_classes; c++) {
        int rgb[3];
        char colour[32];
        rgb255(s->n_classes, c, rgb);
        snprintf(colour, sizeof colour, "%d,%d,%d,255", rgb[0], rgb[1], rgb[2]);
        qml_fill_symbol(&b, (int)c - 1, colour, "solid", 0.26);
    }
    tf_buf_printf(&b, "    </symbols>\n  </renderer-v2>\n");
    qml_labels(&b, r->project);
    qml_aliases(&b, r);
    tf_buf_printf(&b, "</qgis>\n");
    return b.failed ? (tf_buf_free(&b), NULL) : b.s;
}

static char *sld_graduated(const taafi_result *r, const tf_sheet *s)
{
    tf_buf b = {0};
    size_t c, first, last;
    char buf[32];
    tf_buf_printf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<StyledLayerDescriptor version=\"1.0.0\" xmlns=\"http://www.opengis.net/sld\" "
                      "xmlns:ogc=\"http://www.opengis.net/ogc\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
                      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"
                      "  <NamedLayer>\n    <Name>areas</Name>\n    <UserStyle>\n      <Name>%s</Name>\n"
                      "      <FeatureTypeStyle>\n",
                  s->key);
    tf_sheet_listed_span(s, &first, &last);
    for (c = 1; c <= s->n_classes; c++) {
        double lo, hi;
        char hex[8];
        if (!tf_sheet_listed(s, c))
            continue;
        tf_sheet_range(s, c, &lo, &hi);
        tf_class_hex(s->n_classes, c, hex);
        tf_buf_printf(&b, "        <Rule>\n          <Name>class %zu</Name>\n          <Title>", c);
        xml_text(&b, tf_class_label(r->project, s->n_classes, c, buf, sizeof buf));
        tf_buf_printf(&b, " (%.1f – %.1f)</Title>\n          <ogc:Filter><ogc:And>\n", lo, hi);
        tf_buf_printf(&b, "            <ogc:PropertyIsGreaterThanOrEqualTo><ogc:PropertyName>%s</ogc:PropertyName>"
                          "<ogc:Literal>%.6f</ogc:Literal></ogc:PropertyIsGreaterThanOrEqualTo>\n",
                      s->column, c == first ? fmin(lo, 0) : lo);
        tf_buf_printf(&b, "            <ogc:PropertyIs%s><ogc:PropertyName>%s</ogc:PropertyName>"
                          "<ogc:Literal>%.6f</ogc:Literal></ogc:PropertyIs%s>\n",
                      c == last ? "LessThanOrEqualTo" : "LessThan", s->column, c == last ? fmax(hi, 100) : hi,
                      c == last ? "LessThanOrEqualTo" : "LessThan");
        tf_buf_printf(&b, "          </ogc:And></ogc:Filter>\n"
                          "          <PolygonSymbolizer>\n"
                          "            <Fill><CssParameter name=\"fill\">%s</CssParameter></Fill>\n"
                          "            <Stroke><CssParameter name=\"stroke\">#3c3c3c</CssParameter>"
                          "<CssParameter name=\"stroke-width\">0.5</CssParameter></Stroke>\n"
                          "          </PolygonSymbolizer>\n        </Rule>\n",
                      hex);
    }
    tf_buf_printf(&b, "      </FeatureTypeStyle>\n    </UserStyle>\n  </NamedLayer>\n</StyledLayerDescriptor>\n");
    return b.failed ? (tf_buf_free(&b), NULL) : b.s;
}

/* service_gaps: red diagonal hatching over a light outline. */
static char *qml_gaps(void)
{
    tf_buf b = {0};
    tf_buf_printf(&b, "%s", QML_HEAD);
    tf_buf_printf(&b, "  <renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n"
                      "    <symbols>\n");
    qml_fill_symbol(&b, 0, "200,30,30,255", "b_diagonal", 0.2);
    tf_buf_printf(&b, "    </symbols>\n  </renderer-v2>\n  <aliases>\n"
                      "    <alias field=\"gap_km2\" index=\"0\" name=\"Area beyond reach (km2)\"/>\n"
                      "    <alias field=\"gap_residents\" index=\"0\" name=\"Residents beyond reach\"/>\n"
                      "  </aliases>\n</qgis>\n");
    return b.failed ? (tf_buf_free(&b), NULL) : b.s;
}

static char *sld_gaps(void)
{
    return tf_strdup(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<StyledLayerDescriptor version=\"1.0.0\" xmlns=\"http://www.opengis.net/sld\" "
        "xmlns:ogc=\"http://www.opengis.net/ogc\" xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n"
        "  <NamedLayer>\n    <Name>service_gaps</Name>\n    <UserStyle>\n      <Name>gaps</Name>\n"
        "      <FeatureTypeStyle>\n        <Rule>\n          <Title>Beyond reach</Title>\n"
        "          <PolygonSymbolizer>\n            <Fill><GraphicFill><Graphic><Mark>"
        "<WellKnownName>shape://slash</WellKnownName><Stroke><CssParameter name=\"stroke\">#c81e1e</CssParameter>"
        "</Stroke></Mark><Size>8</Size></Graphic></GraphicFill></Fill>\n"
        "            <Stroke><CssParameter name=\"stroke\">#c81e1e</CssParameter>"
        "<CssParameter name=\"stroke-width\">0.5</CssParameter></Stroke>\n"
        "          </PolygonSymbolizer>\n        </Rule>\n      </FeatureTypeStyle>\n    </UserStyle>\n"
        "  </NamedLayer>\n</StyledLayerDescriptor>\n");
}

/* facilities: a dark circle with a white rim, one category per
 * coverage indicator. */
static char *qml_facilities(const taafi_project *p)
{
    tf_buf b = {0};
    size_t i, k = 0;
    tf_buf_printf(&b, "%s", QML_HEAD);
    tf_buf_printf(&b, "  <renderer-v2 type=\"categorizedSymbol\" attr=\"indicator\" symbollevels=\"0\" "
                      "enableorderby=\"0\" forceraster=\"0\">\n    <categories>\n");
    for (i = 0; i < p->n_inds; i++)
        if (tf_family_makes_facilities(p->inds[i].type)) {
            tf_buf_printf(&b, "      <category value=\"");
            xml_text(&b, p->inds[i].id);
            tf_buf_printf(&b, "\" symbol=\"%zu\" render=\"true\" label=\"", k++);
            xml_text(&b, p->inds[i].label ? p->inds[i].label : p->inds[i].id);
            tf_buf_printf(&b, "\"/>\n");
        }
    tf_buf_printf(&b, "    </categories>\n    <symbols>\n");
    for (i = 0; i < k; i++) {
        static const char *const colours[] = {"31,120,180,255", "51,160,44,255", "106,61,154,255",
                                              "255,127,0,255", "166,206,227,255", "178,223,138,255"};
        tf_buf_printf(&b,
                      "      <symbol type=\"marker\" name=\"%zu\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\n"
                      "        <layer class=\"SimpleMarker\" enabled=\"1\" pass=\"0\" locked=\"0\">\n"
                      "          <Option type=\"Map\">\n"
                      "            <Option name=\"name\" value=\"circle\" type=\"QString\"/>\n"
                      "            <Option name=\"color\" value=\"%s\" type=\"QString\"/>\n"
                      "            <Option name=\"outline_color\" value=\"255,255,255,255\" type=\"QString\"/>\n"
                      "            <Option name=\"size\" value=\"2.6\" type=\"QString\"/>\n"
                      "          </Option>\n        </layer>\n      </symbol>\n",
                      i, colours[i % 6]);
    }
    tf_buf_printf(&b, "    </symbols>\n  </renderer-v2>\n</qgis>\n");
    return b.failed ? (tf_buf_free(&b), NULL) : b.s;
}

static char *sld_facilities(void)
{
    return tf_strdup(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<StyledLayerDescriptor version=\"1.0.0\" xmlns=\"http://www.opengis.net/sld\" "
        "xmlns:ogc=\"http://www.opengis.net/ogc\" xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n"
        "  <NamedLayer>\n    <Name>facilities</Name>\n    <UserStyle>\n      <Name>facilities</Name>\n"
        "      <FeatureTypeStyle>\n        <Rule>\n          <Title>Working facility</Title>\n"
        "          <PointSymbolizer><Graphic><Mark><WellKnownName>circle</WellKnownName>"
        "<Fill><CssParameter name=\"fill\">#1f78b4</CssParameter></Fill>"
        "<Stroke><CssParameter name=\"stroke\">#ffffff</CssParameter></Stroke></Mark><Size>8</Size></Graphic>"
        "</PointSymbolizer>\n        </Rule>\n      </FeatureTypeStyle>\n    </UserStyle>\n  </NamedLayer>\n"
        "</StyledLayerDescriptor>\n");
}

static taafi_status style_row(taafi_ctx *ctx, OGRLayerH t, const char *table, const char *geom_col,
                              const char *name, char *qml, char *sld, int is_default, const char *description)
{
    OGRFeatureH f;
    char now[32];
    taafi_status st = TAAFI_OK;
    if (!qml || !sld) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory writing styles");
        goto done;
    }
    if (!(f = OGR_F_Create(OGR_L_GetLayerDefn(t)))) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        goto done;
    }
    tf_utc_now(now);
    OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "f_table_catalog"), "");
    OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "f_table_schema"), "");
    OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "f_table_name"), table);
    OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "f_geometry_column"), geom_col);
    OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "styleName"), name);
    OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "styleQML"), qml);
    OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "styleSLD"), sld);
    OGR_F_SetFieldInteger(f, OGR_F_GetFieldIndex(f, "useAsDefault"), is_default);
    OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "description"), description);
    OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "owner"), "taafi");
    OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "update_time"), now);
    st = tf_feature_put(ctx, t, f);
done:
    tf_free(qml);
    tf_free(sld);
    return st;
}

taafi_status tf_write_styles(taafi_ctx *ctx, const taafi_result *r, GDALDatasetH ds, char **options)
{
    static const char *const cols[] = {"f_table_catalog", "f_table_schema", "f_table_name", "f_geometry_column",
                                       "styleName",       "styleQML",       "styleSLD",     "useAsDefault",
                                       "description",     "owner",          "ui",           "update_time",
                                       NULL};
    static const OGRFieldType types[] = {OFTString, OFTString, OFTString, OFTString, OFTString,  OFTString,
                                         OFTString, OFTInteger, OFTString, OFTString, OFTString, OFTString};
    tf_sheet *sheets = NULL;
    size_t n = 0, i;
    OGRLayerH t;
    taafi_status st;
    int coverage = tf_project_makes_facility_layers(r->project);
    if ((st = tf_sheets(ctx, r, &sheets, &n)))
        return st;
    if (!n && !coverage)
        goto done;
    if ((st = tf_table_create(ctx, ds, "layer_styles", cols, types, options, &t)))
        goto done;
    for (i = 0; i < n && !st; i++) {
        char desc[256];
        snprintf(desc, sizeof desc, "%s: %zu classes matching the priority classes (YlOrRd, colour-blind safe)",
                 sheets[i].title_en, sheets[i].n_classes);
        st = style_row(ctx, t, "areas", "geom", sheets[i].key, qml_graduated(r, &sheets[i], ctx),
                       sld_graduated(r, &sheets[i]), i == 0, desc);
    }
    if (!st && coverage)
        st = style_row(ctx, t, "service_gaps", "geom", "gaps", qml_gaps(), sld_gaps(), 1,
                       "Parts of areas beyond reach of a working facility, hatched");
    if (!st && coverage)
        st = style_row(ctx, t, "facilities", "geom", "facilities", qml_facilities(r->project), sld_facilities(), 1,
                       "Working facilities by coverage indicator");
done:
    tf_free(sheets);
    return st;
}
