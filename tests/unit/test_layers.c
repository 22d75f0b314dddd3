/*
 * test_layers.c: every #include "..." under src/ follows the table of
 * allowed dependencies in docs/architecture.md (between the markers
 * <!-- layers --> and <!-- /layers -->, one row per folder:
 * "| `folder` | `dep`, `dep` |"), the table names every folder of src/
 * and holds no circle.  An include names a header of its own folder by its
 * bare name ("result.h") and one of another folder from src/
 * ("result/result.h"); "taafi.h", the public header, is allowed anywhere.
 */
#include "support.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_FOLDERS 32
#define NAME_MAX_LEN 32

typedef struct {
    size_t n;
    char name[MAX_FOLDERS][NAME_MAX_LEN];
    unsigned char may[MAX_FOLDERS][MAX_FOLDERS]; /* may[a][b]: a may include b */
} layers;

static long folder_index(const layers *t, const char *name, size_t len)
{
    size_t i;
    for (i = 0; i < t->n; i++)
        if (strlen(t->name[i]) == len && !strncmp(t->name[i], name, len))
            return (long)i;
    return -1;
}

/* The backquoted names of one table cell [s, e). */
static int cell_names(const char *s, const char *e, char out[][NAME_MAX_LEN], size_t max, size_t *n)
{
    *n = 0;
    while ((s = memchr(s, '`', (size_t)(e - s))) != NULL && s < e) {
        const char *q = memchr(s + 1, '`', (size_t)(e - s - 1));
        if (!q || q - s - 1 >= NAME_MAX_LEN || *n == max)
            return -1;
        memcpy(out[*n], s + 1, (size_t)(q - s - 1));
        out[(*n)++][q - s - 1] = '\0';
        s = q + 1;
    }
    return 0;
}

/* Parses the table out of `md`; 0 on success, else -1 with *why set. */
static int parse_layers(const char *md, layers *t, const char **why)
{
    const char *s = strstr(md, "<!-- layers -->"), *end = strstr(md, "<!-- /layers -->"), *line;
    char deps[MAX_FOLDERS][MAX_FOLDERS][NAME_MAX_LEN];
    size_t n_deps[MAX_FOLDERS], i, k;
    memset(t, 0, sizeof *t);
    if (!s || !end || end < s)
        return *why = "no <!-- layers --> ... <!-- /layers --> table", -1;
    for (line = strchr(s, '\n'); line && line < end; line = strchr(line + 1, '\n')) {
        const char *l = line + 1, *eol = strchr(l, '\n'), *bar1, *bar2;
        char first[1][NAME_MAX_LEN];
        size_t n1;
        if (!eol || eol > end)
            eol = end;
        if (*l != '|' || !(bar1 = memchr(l + 1, '|', (size_t)(eol - l - 1))) ||
            !(bar2 = memchr(bar1 + 1, '|', (size_t)(eol - bar1 - 1))))
            continue;
        if (cell_names(l + 1, bar1, first, 1, &n1) || n1 != 1)
            continue; /* the heading and the rule */
        if (t->n == MAX_FOLDERS)
            return *why = "too many folders", -1;
        strcpy(t->name[t->n], first[0]);
        if (cell_names(bar1 + 1, bar2, deps[t->n], MAX_FOLDERS, &n_deps[t->n]))
            return *why = "a dependency cell cannot be read", -1;
        t->n++;
    }
    for (i = 0; i < t->n; i++)
        for (k = 0; k < n_deps[i]; k++) {
            long j = folder_index(t, deps[i][k], strlen(deps[i][k]));
            if (j < 0 || (size_t)j == i)
                return *why = "a dependency names a folder the table has no row for (or itself)", -1;
            t->may[i][j] = 1;
        }
    return t->n ? 0 : (*why = "the table is empty", -1);
}

/* 1 if the table's arrows make a circle through `at` (colour: 0 new, 1 on
 * the path, 2 done). */
static int has_circle(const layers *t, size_t at, unsigned char *colour)
{
    size_t j;
    colour[at] = 1;
    for (j = 0; j < t->n; j++)
        if (t->may[at][j] && (colour[j] == 1 || (colour[j] == 0 && has_circle(t, j, colour))))
            return 1;
    colour[at] = 2;
    return 0;
}

/* Whether a file of folder `from` may include "inc"; else *why says why. */
static int include_allowed(const layers *t, const char *src, const char *from, const char *inc, char *why,
                           size_t size)
{
    const char *slash = strchr(inc, '/');
    long a = folder_index(t, from, strlen(from)), b;
    char path[4096];
    struct stat sb;
    if (!strcmp(inc, "taafi.h"))
        return 1;
    if (!slash) {
        snprintf(path, sizeof path, "%s/%s/%s", src, from, inc);
        if (stat(path, &sb) == 0)
            return 1;
        snprintf(why, size, "\"%s\" is no header of %s/: name another folder's header from src/", inc, from);
        return 0;
    }
    b = folder_index(t, inc, (size_t)(slash - inc));
    if (b < 0) {
        snprintf(why, size, "\"%s\": no such folder in the table", inc);
        return 0;
    }
    snprintf(path, sizeof path, "%s/%s", src, inc);
    if (stat(path, &sb) != 0) {
        snprintf(why, size, "\"%s\": no such header", inc);
        return 0;
    }
    if (a == b || (a >= 0 && t->may[a][b]))
        return 1;
    snprintf(why, size, "%s/ may not include %.*s/ (docs/architecture.md, table of layers)", from,
             (int)(slash - inc), inc);
    return 0;
}

/* Checks every include of one file; returns the number refused. */
static int check_file(const layers *t, const char *src, const char *folder, const char *path)
{
    FILE *f = fopen(path, "r");
    char line[1024], why[512];
    int bad = 0, no = 0;
    assert_non_null(f);
    while (fgets(line, sizeof line, f)) {
        char *p = line, *q;
        no++;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p != '#')
            continue;
        for (p++; *p == ' ' || *p == '\t'; p++)
            ;
        if (strncmp(p, "include", 7))
            continue;
        if (!(p = strchr(p, '"')) || !(q = strchr(p + 1, '"')))
            continue;
        *q = '\0';
        if (!include_allowed(t, src, folder, p + 1, why, sizeof why)) {
            print_message("%s:%d: %s\n", path, no, why);
            bad++;
        }
    }
    fclose(f);
    return bad;
}

static char *read_architecture(void)
{
    size_t len;
    char *md = tt_read(TAAFI_SOURCE_DIR "/docs/architecture.md", &len);
    assert_non_null(md);
    return md;
}

static void test_table_is_a_hierarchy(void **state)
{
    layers t;
    unsigned char colour[MAX_FOLDERS] = {0};
    const char *why = NULL;
    char *md = read_architecture();
    size_t i;
    (void)state;
    if (parse_layers(md, &t, &why))
        fail_msg("docs/architecture.md: %s", why);
    for (i = 0; i < t.n; i++)
        if (!colour[i] && has_circle(&t, i, colour))
            fail_msg("docs/architecture.md: the table of layers has a circle through %s", t.name[i]);
    free(md);
}

static void test_every_include_allowed(void **state)
{
    layers t;
    const char *why = NULL, *src = TAAFI_SOURCE_DIR "/src";
    char *md = read_architecture();
    DIR *d = opendir(src);
    struct dirent *e;
    int bad = 0, files = 0;
    (void)state;
    assert_int_equal(parse_layers(md, &t, &why), 0);
    assert_non_null(d);
    while ((e = readdir(d))) {
        char path[4096];
        DIR *sub;
        struct dirent *g;
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", src, e->d_name);
        if (!(sub = opendir(path)))
            continue;
        if (folder_index(&t, e->d_name, strlen(e->d_name)) < 0) {
            print_message("src/%s/ has no row in docs/architecture.md's table of layers\n", e->d_name);
            bad++;
        }
        while ((g = readdir(sub))) {
            size_t n = strlen(g->d_name);
            char file[4096 + 256];
            if (n < 3 || (strcmp(g->d_name + n - 2, ".c") && strcmp(g->d_name + n - 2, ".h")))
                continue;
            snprintf(file, sizeof file, "%s/%s", path, g->d_name);
            bad += check_file(&t, src, e->d_name, file);
            files++;
        }
        closedir(sub);
    }
    closedir(d);
    assert_true(files > 50); /* the tree was read */
    assert_int_equal(bad, 0);
    free(md);
}

/* The checker refuses what it must: an include upwards, one of a folder not
 * in the table, another folder's header by its bare name, and a table with
 * a circle. */
static void test_checker_refuses(void **state)
{
    layers t;
    const char *why = NULL, *src = TAAFI_SOURCE_DIR "/src";
    char msg[512];
    unsigned char colour[MAX_FOLDERS] = {0};
    char *md = read_architecture();
    (void)state;
    assert_int_equal(parse_layers(md, &t, &why), 0);
    assert_false(include_allowed(&t, src, "core", "analysis/score.h", msg, sizeof msg));
    assert_non_null(strstr(msg, "core/ may not include analysis/"));
    assert_true(include_allowed(&t, src, "analysis", "core/core.h", msg, sizeof msg));
    assert_false(include_allowed(&t, src, "analysis", "nowhere/x.h", msg, sizeof msg));
    assert_false(include_allowed(&t, src, "analysis", "writers.h", msg, sizeof msg));
    assert_false(include_allowed(&t, src, "cli", "core/core.h", msg, sizeof msg));
    assert_true(include_allowed(&t, src, "cli", "taafi.h", msg, sizeof msg));
    assert_int_equal(parse_layers("<!-- layers -->\n| folder | may include |\n|---|---|\n| `a` | `b` |\n"
                                  "| `b` | `a` |\n<!-- /layers -->\n",
                                  &t, &why),
                     0);
    assert_true(has_circle(&t, 0, colour));
    assert_int_equal(parse_layers("<!-- layers -->\n| `a` | `c` |\n<!-- /layers -->\n", &t, &why), -1);
    free(md);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_is_a_hierarchy),
        cmocka_unit_test(test_every_include_allowed),
        cmocka_unit_test(test_checker_refuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
