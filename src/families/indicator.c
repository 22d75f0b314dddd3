/* indicator.c: the family table and shared helpers. */
#include "indicator.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static const tf_family *const FAMILIES[] = {
    &tf_family_area,       &tf_family_count,          &tf_family_sum,     &tf_family_mean,  &tf_family_min,
    &tf_family_max,        &tf_family_area_share,     &tf_family_length_density, &tf_family_nearest,
    &tf_family_table,      &tf_family_raster_sum,     &tf_family_coverage};

const tf_family *tf_family_of(tf_ind_type type)
{
    size_t i;
    for (i = 0; i < sizeof FAMILIES / sizeof *FAMILIES; i++)
        if (FAMILIES[i]->type == type)
            return FAMILIES[i];
    return NULL;
}

int tf_family_reads_layer(tf_ind_type type)
{
    const tf_family *f = tf_family_of(type);
    return f && f->consume != NULL;
}

tf_own_source tf_family_own_source(tf_ind_type type)
{
    const tf_family *f = tf_family_of(type);
    return f ? f->own_source : TF_OWN_NONE;
}

int tf_family_lean(tf_ind_type type)
{
    const tf_family *f = tf_family_of(type);
    return f && f->lean;
}

const char *tf_indicator_field(const tf_indicator_def *d, int *as_text)
{
    const tf_family *f = tf_family_of(d->type);
    *as_text = 0;
    return f && f->field ? f->field(d, as_text) : NULL;
}

const char *tf_score_column(const tf_indicator_def *d, char *buf, size_t size)
{
    const tf_family *f = tf_family_of(d->type);
    if (d->score_column)
        return d->score_column;
    if (!f || !f->score_suffix)
        return d->id;
    snprintf(buf, size, "%s%s", d->id, f->score_suffix);
    return buf;
}

const char *tf_score_unit(const tf_indicator_def *d)
{
    const tf_family *f = tf_family_of(d->type);
    return !d->score_column && f && f->score_suffix && f->score_unit ? f->score_unit : d->unit;
}

int tf_family_per_area(tf_ind_type type)
{
    const tf_family *f = tf_family_of(type);
    return f && f->per_area;
}

int tf_family_makes_facilities(tf_ind_type type)
{
    const tf_family *f = tf_family_of(type);
    return f && f->makes_facility_layers;
}

int tf_family_has_distance(tf_ind_type type)
{
    const tf_family *f = tf_family_of(type);
    return f && f->has_distance;
}

int tf_project_makes_facility_layers(const taafi_project *p)
{
    size_t k;
    for (k = 0; k < p->n_inds; k++)
        if (tf_family_makes_facilities(p->inds[k].type))
            return 1;
    return 0;
}

/* Text holding a number, surrounding spaces allowed: tf_field_number's
 * rule for text fields. */
static int text_number(const char *s, double *out)
{
    char *end;
    while (isspace((unsigned char)*s))
        s++;
    if (!*s)
        return 0;
    errno = 0;
    *out = strtod(s, &end);
    while (isspace((unsigned char)*end))
        end++;
    return (errno || *end || !isfinite(*out)) ? -1 : 1;
}

int tf_field_number(OGRFeatureH f, int idx, double *out)
{
    OGRFieldType t;
    if (!OGR_F_IsFieldSetAndNotNull(f, idx))
        return 0;
    t = OGR_Fld_GetType(OGR_F_GetFieldDefnRef(f, idx));
    if (t == OFTInteger || t == OFTInteger64 || t == OFTReal) {
        *out = OGR_F_GetFieldAsDouble(f, idx);
        return 1;
    }
    return text_number(OGR_F_GetFieldAsString(f, idx), out);
}

const char *tf_feature_text(const tf_feature *f, int idx)
{
    if (!f->row)
        return OGR_F_IsFieldSetAndNotNull(f->f, idx) ? OGR_F_GetFieldAsString(f->f, idx) : NULL;
    return idx >= 0 && idx < f->row->n && f->row->v[idx].set ? f->row->v[idx].text : NULL;
}

int tf_feature_number(const tf_feature *f, int idx, double *out)
{
    const tf_value *v;
    if (!f->row)
        return tf_field_number(f->f, idx, out);
    if (idx < 0 || idx >= f->row->n || !(v = &f->row->v[idx])->set)
        return 0;
    if (v->is_num) {
        *out = v->num;
        return 1;
    }
    return text_number(v->text, out);
}
