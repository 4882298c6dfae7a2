// SHA-256 from OpenSSL's libcrypto (Debian libssl-dev). Only the EVP digest API is used.
#ifndef OCTOBUS_CCRYPTO_SHIM_H
#define OCTOBUS_CCRYPTO_SHIM_H

#include <openssl/evp.h>

/// One-shot SHA-256 of `data` into `out` (32 bytes). Returns 1 on success.
static inline int octo_sha256(const void *data, size_t length, unsigned char *out) {
    unsigned int size = 0;
    return EVP_Digest(data, length, out, &size, EVP_sha256(), NULL);
}

#endif
