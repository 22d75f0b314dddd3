/* SHA-256 against the FIPS 180-4 example vectors. */
#include "support.h"

#include "core/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_vectors(void **state)
{
    char hex[65];
    (void)state;
    tf_sha256_buf("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    tf_sha256_buf("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    tf_sha256_buf("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

/* A file longer than one read block, against the one-million-'a' vector. */
static void test_file(void **state)
{
    char *dir = tt_tmpdir(), *path = tt_path(dir, "a.bin");
    char hex[65];
    FILE *f = fopen(path, "wb");
    taafi_ctx *ctx = NULL;
    int i;
    (void)state;
    assert_non_null(f);
    for (i = 0; i < 1000000; i++)
        fputc('a', f);
    fclose(f);
    assert_int_equal(taafi_ctx_new(&ctx), TAAFI_OK);
    assert_int_equal(tf_sha256_file(ctx, path, hex), TAAFI_OK);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    assert_int_equal(tf_sha256_file(ctx, "/nonexistent/file", hex), TAAFI_ERR_IO);
    assert_non_null(strstr(taafi_ctx_message(ctx), "/nonexistent/file"));
    taafi_ctx_free(ctx);
    free(path);
    tt_rmrf(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_vectors), cmocka_unit_test(test_file)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
