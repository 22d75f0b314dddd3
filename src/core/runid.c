/* runid.c: the id of a run, which every file of its outputs records. */
#include "core.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

void tf_run_id(const char *seed, char out[33])
{
    unsigned char rnd[16];
    char hex[65], text[600];
    time_t when;
    size_t i;
    if (tf_source_date(&when)) {
        /* reproducible outputs: the same time and project, the same id */
        snprintf(text, sizeof text, "taafi run\n%lld\n%s", (long long)when, seed ? seed : "");
        tf_sha256_buf(text, strlen(text), hex);
    } else if (getrandom(rnd, sizeof rnd, 0) == (ssize_t)sizeof rnd) {
        for (i = 0; i < sizeof rnd; i++)
            snprintf(hex + 2 * i, 3, "%02x", rnd[i]);
    } else {
        snprintf(text, sizeof text, "%ld %lld %p %s", (long)getpid(), (long long)time(NULL), (void *)out,
                 seed ? seed : "");
        tf_sha256_buf(text, strlen(text), hex);
    }
    memcpy(out, hex, 32);
    out[32] = '\0';
}
