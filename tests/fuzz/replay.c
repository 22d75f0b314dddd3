/* Replays a fuzzing corpus (every file of a folder) through a harness's
 * LLVMFuzzerTestOneInput, without libFuzzer: ctest runs this on the seed
 * corpora so that every input ever found stays fixed. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    DIR *d;
    struct dirent *e;
    int n = 0;
    if (argc != 2 || !(d = opendir(argv[1]))) {
        fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
        return 2;
    }
    while ((e = readdir(d)) != NULL) {
        char path[4096];
        FILE *f;
        long len;
        uint8_t *buf;
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", argv[1], e->d_name);
        if (!(f = fopen(path, "rb")))
            continue;
        fseek(f, 0, SEEK_END);
        len = ftell(f);
        rewind(f);
        buf = malloc(len > 0 ? (size_t)len : 1);
        if (buf && fread(buf, 1, (size_t)len, f) == (size_t)len) {
            LLVMFuzzerTestOneInput(buf, (size_t)len);
            n++;
        }
        free(buf);
        fclose(f);
    }
    closedir(d);
    if (n == 0) {
        fprintf(stderr, "%s: no input in the corpus\n", argv[1]);
        return 1;
    }
    /* the plain summary line test runners read */
    printf("%d passed, 0 failed\n", n);
    return 0;
}
