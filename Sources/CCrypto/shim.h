// SHA-256, HMAC-SHA256 and secure random bytes from OpenSSL's libcrypto (Debian libssl-dev).
#ifndef OCTOBUS_CCRYPTO_SHIM_H
#define OCTOBUS_CCRYPTO_SHIM_H

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

/// One-shot SHA-256 of `data` into `out` (32 bytes). Returns 1 on success.
static inline int octo_sha256(const void *data, size_t length, unsigned char *out) {
    unsigned int size = 0;
    return EVP_Digest(data, length, out, &size, EVP_sha256(), NULL);
}

/// Streaming SHA-256: create, update with chunks, finish into 32 bytes (frees the context).
static inline EVP_MD_CTX *octo_sha256_begin(void) {
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) { EVP_MD_CTX_free(ctx); return NULL; }
    return ctx;
}
static inline int octo_sha256_update(EVP_MD_CTX *ctx, const void *data, size_t length) {
    return EVP_DigestUpdate(ctx, data, length);
}
static inline int octo_sha256_finish(EVP_MD_CTX *ctx, unsigned char *out) {
    unsigned int size = 0;
    int ok = EVP_DigestFinal_ex(ctx, out, &size);
    EVP_MD_CTX_free(ctx);
    return ok;
}

/// One-shot HMAC-SHA256 of `data` under `key` into `out` (32 bytes). Returns 1 on success.
static inline int octo_hmac_sha256(const void *key, size_t key_length, const void *data, size_t length, unsigned char *out) {
    unsigned int size = 0;
    return HMAC(EVP_sha256(), key, (int)key_length, (const unsigned char *)data, length, out, &size) != NULL;
}

/// Fills `out` with `length` cryptographically secure random bytes. Returns 1 on success.
static inline int octo_random_bytes(unsigned char *out, int length) {
    return RAND_bytes(out, length);
}

#endif
