/*
 * projects.c: the project files a command is given.  A folder stands for
 * its *.yml and *.yaml files, sorted, so that `taafi run cities/` and
 * `taafi validate cities/` take the same projects in the same order.
 */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int cli_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && !strcmp(s + n - m, suffix);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Appends `path` (malloc'd; NULL: out of memory) to the list, which takes
 * it; 0 on success. */
static int push(char ***v, size_t *n, size_t *cap, char *path)
{
    if (!path)
        return -1;
    if (*n == *cap) {
        size_t grown = *cap ? *cap * 2 : 16;
        char **w = realloc(*v, grown * sizeof *w);
        if (!w) {
            free(path);
            return -1;
        }
        *v = w;
        *cap = grown;
    }
    (*v)[(*n)++] = path;
    return 0;
}

/* Appends the *.yml and *.yaml files of folder DIR, sorted, to the list;
 * returns how many, or -1 if the folder cannot be read or memory ran out. */
static long folder_projects(const char *dir, char ***v, size_t *n, size_t *cap)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t first = *n, len = strlen(dir);
    long got = 0;
    if (!d)
        return -1;
    while (len > 1 && dir[len - 1] == '/') /* "DIR/" joins as DIR/NAME, not DIR//NAME */
        len--;
    while ((e = readdir(d)) != NULL) {
        char *path;
        if (e->d_name[0] == '.' || !(cli_ends_with(e->d_name, ".yml") || cli_ends_with(e->d_name, ".yaml")))
            continue;
        if ((path = malloc(len + strlen(e->d_name) + 2)) != NULL)
            sprintf(path, "%.*s/%s", (int)len, dir, e->d_name);
        if (push(v, n, cap, path) != 0) {
            got = -1;
            break;
        }
        got++;
    }
    closedir(d);
    if (got > 0)
        qsort(*v + first, (size_t)got, sizeof **v, cmp_str);
    return got;
}

int cli_projects(const char *const *args, int n_args, char ***out, size_t *n_out, int *batch)
{
    char **paths = NULL;
    size_t n = 0, cap = 0;
    int k, code = EXIT_OK;
    *batch = 0;
    for (k = 0; k < n_args; k++) {
        struct stat sb;
        if (stat(args[k], &sb) == 0 && S_ISDIR(sb.st_mode)) {
            long got = folder_projects(args[k], &paths, &n, &cap);
            *batch = 1;
            if (got == 0) {
                fprintf(stderr, "taafi: error: %s: no *.yml project file in this folder\n", args[k]);
                code = EXIT_USAGE;
                break;
            }
            if (got < 0) {
                fprintf(stderr, "taafi: error: %s: cannot read this folder: %s\n", args[k], strerror(errno));
                code = EXIT_USAGE;
                break;
            }
        } else if (push(&paths, &n, &cap, strdup(args[k])) != 0) {
            fprintf(stderr, "taafi: error: out of memory\n");
            code = EXIT_ANALYSIS;
            break;
        }
    }
    *batch |= n > 1;
    *out = paths;
    *n_out = n;
    return code;
}

int cli_name_width(char *const *paths, size_t n)
{
    size_t k, w = 7; /* "project" */
    for (k = 0; k < n; k++)
        if (strlen(paths[k]) > w)
            w = strlen(paths[k]);
    return w > 80 ? 80 : (int)w;
}

void cli_free_projects(char **paths, size_t n)
{
    size_t k;
    for (k = 0; k < n; k++)
        free(paths[k]);
    free(paths);
}
