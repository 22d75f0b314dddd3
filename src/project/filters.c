/* filters.c: a layer's `where` is a filter on its fields, which GDAL hands
 * to the data source's own SQL (SQLite, for a GeoPackage) where taafi
 * cannot stop it: a subquery there (WITH RECURSIVE ... without end) ran
 * forever and ignored Ctrl-C.  So a filter holds no subquery. */
#include "parse.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* Whether the SQL text holds the word SELECT or WITH outside quotes. */
static const char *subquery_word(const char *s)
{
    while (*s) {
        if (*s == '\'' || *s == '"' || *s == '`' || *s == '[') {
            char close = *s == '[' ? ']' : *s;
            for (s++; *s && *s != close; s++)
                ;
            s += *s != '\0';
        } else if (isalpha((unsigned char)*s) || *s == '_') {
            const char *w = s;
            while (isalnum((unsigned char)*s) || *s == '_')
                s++;
            if ((s - w == 6 && !strncasecmp(w, "select", 6)) || (s - w == 4 && !strncasecmp(w, "with", 4)))
                return (s - w == 6) ? "SELECT" : "WITH";
        } else {
            s++;
        }
    }
    return NULL;
}

taafi_status pj_check_filter(parser *ps, const yaml_node_t *n, const char *where)
{
    const char *w = where ? subquery_word(where) : NULL;
    if (!w)
        return TAAFI_OK;
    return pj_perr(ps, n,
                   "'where' holds a subquery (%s): a filter compares the layer's own fields, e.g. \"status = "
                   "'functioning'\"; a subquery could run without end and cannot be stopped",
                   w);
}
