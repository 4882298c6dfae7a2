// zlib from Debian (zlib1g-dev): gzip and raw deflate streams for the archive code.
// zlib's init functions are macros that pass ZLIB_VERSION and sizeof(z_stream) so the
// library can check the header matches it; Swift cannot call macros, so these wrap them.
#ifndef OCTOBUS_CZLIB_SHIM_H
#define OCTOBUS_CZLIB_SHIM_H

#include <zlib.h>

/// inflateInit2: windowBits 15+16 reads gzip, -15 reads raw deflate (zip entries).
static inline int octo_inflate_init(z_streamp stream, int window_bits) {
    return inflateInit2(stream, window_bits);
}

/// deflateInit2 with the default memory level and strategy; windowBits 15+16 writes gzip.
static inline int octo_deflate_init(z_streamp stream, int level, int window_bits) {
    return deflateInit2(stream, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY);
}

#endif
