/*
 * sha256.c: SHA-256 of inputs, for the provenance recorded in every output.
 * OpenSSL's libcrypto does the hashing: it uses the CPU's SHA instructions
 * where there are any (five times our own portable code at country scale,
 * where the inputs are 150 MB), and its EVP contexts are safe to use on
 * several threads at once, one context each.
 */
#include "core.h"

#include <cpl_vsi.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void to_hex(const unsigned char *md, unsigned n, char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    unsigned i;
    for (i = 0; i < n && i < 32; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[2 * i] = '\0';
}

void tf_sha256_buf(const void *data, size_t len, char hex_out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    if (!EVP_Digest(data, len, md, &n, EVP_sha256(), NULL))
        n = 0; /* only when libcrypto cannot allocate: an empty hash */
    to_hex(md, n, hex_out);
}

taafi_status tf_sha256_path(const char *path, char hex_out[65], char *err, size_t err_size)
{
    static const size_t BUF = 1 << 18;
    unsigned char *buf = tf_malloc(BUF), md[EVP_MAX_MD_SIZE];
    EVP_MD_CTX *md_ctx = EVP_MD_CTX_new();
    unsigned md_len = 0;
    size_t n;
    VSILFILE *f = NULL;
    taafi_status st = TAAFI_ERR_IO;
    if (!buf || !md_ctx || !EVP_DigestInit_ex(md_ctx, EVP_sha256(), NULL)) {
        snprintf(err, err_size, "%s: out of memory computing its SHA-256", path);
        st = TAAFI_ERR_NOMEM;
        goto done;
    }
    if (!(f = VSIFOpenL(path, "rb"))) {
        snprintf(err, err_size, "%s: cannot open to compute its SHA-256: %s", path, strerror(errno));
        goto done;
    }
    while ((n = VSIFReadL(buf, 1, BUF, f)) > 0)
        if (!EVP_DigestUpdate(md_ctx, buf, n)) {
            snprintf(err, err_size, "%s: SHA-256 failed", path);
            goto done;
        }
    if (!VSIFEofL(f)) {
        snprintf(err, err_size, "%s: read error while computing its SHA-256", path);
        goto done;
    }
    if (!EVP_DigestFinal_ex(md_ctx, md, &md_len) || md_len != 32) {
        snprintf(err, err_size, "%s: SHA-256 failed", path);
        goto done;
    }
    to_hex(md, md_len, hex_out);
    st = TAAFI_OK;
done:
    if (f)
        VSIFCloseL(f);
    EVP_MD_CTX_free(md_ctx);
    tf_free(buf);
    return st;
}

taafi_status tf_sha256_file(taafi_ctx *ctx, const char *path, char hex_out[65])
{
    char err[512];
    taafi_status st = tf_sha256_path(path, hex_out, err, sizeof err);
    if (st)
        return tf_error(ctx, st, "%s", err);
    return TAAFI_OK;
}
