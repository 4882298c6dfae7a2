// Thin C helpers for nghttp2: building nghttp2_nv and data providers (unions),
// and constants Swift does not import (parenthesised macros).
#ifndef OCTOBUS_CNGHTTP2_SHIM_H
#define OCTOBUS_CNGHTTP2_SHIM_H

#include <nghttp2/nghttp2.h>
#include <stdint.h>

static inline nghttp2_nv octo_nv(const uint8_t *name, size_t namelen, const uint8_t *value, size_t valuelen) {
    nghttp2_nv nv;
    nv.name = (uint8_t *)name;
    nv.namelen = namelen;
    nv.value = (uint8_t *)value;
    nv.valuelen = valuelen;
    nv.flags = NGHTTP2_NV_FLAG_NONE;
    return nv;
}

static inline nghttp2_data_provider octo_data_provider(void *source, nghttp2_data_source_read_callback cb) {
    nghttp2_data_provider p;
    p.source.ptr = source;
    p.read_callback = cb;
    return p;
}

static inline void *octo_data_source_ptr(nghttp2_data_source *source) { return source->ptr; }

static inline const char *octo_nghttp2_proto_version_id(void) { return NGHTTP2_CLEARTEXT_PROTO_VERSION_ID; }
static inline int32_t octo_nghttp2_initial_window_size(void) { return NGHTTP2_INITIAL_WINDOW_SIZE; }
static inline int32_t octo_nghttp2_max_window_size(void) { return NGHTTP2_MAX_WINDOW_SIZE; }

#endif
