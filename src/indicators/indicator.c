/* indicator.c: the family table. */
#include "indicator.h"

static const tf_family *const FAMILIES[] = {&tf_family_area, &tf_family_count};

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
