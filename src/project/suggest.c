/* suggest.c: "did you mean ...?" for misspelled keys and names. */
#include "project.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Optimal string alignment distance (Levenshtein plus adjacent
 * transpositions), case-insensitive; words longer than 63 bytes are never
 * suggested for. */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), i, j;
    size_t d[64][64];
    if (la > 63 || lb > 63)
        return (size_t)-1;
    for (i = 0; i <= la; i++)
        d[i][0] = i;
    for (j = 0; j <= lb; j++)
        d[0][j] = j;
    for (i = 1; i <= la; i++) {
        for (j = 1; j <= lb; j++) {
            size_t cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            size_t best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < best)
                best = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[la][lb];
}

const char *tf_suggest(const char *word, const char *const *choices)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1, limit = strlen(word) / 3 + 1;
    for (; *choices; choices++) {
        size_t d = distance(word, *choices);
        if (d < best_d) {
            best_d = d;
            best = *choices;
        }
    }
    if (limit < 2)
        limit = 2;
    return best_d <= limit ? best : NULL;
}
