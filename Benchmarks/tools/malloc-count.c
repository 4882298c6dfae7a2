// An LD_PRELOAD shim that counts malloc/calloc/realloc and free calls; SIGUSR2 prints the
// totals on stderr. Used by mallocs-per-request.sh (allocations are what a small HTTP/2
// request mostly costs, so their number per request is worth tracking).
#define _GNU_SOURCE
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static atomic_long allocations, releases;
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

void *malloc(size_t size) { atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed); return __libc_malloc(size); }
void *calloc(size_t count, size_t size) { atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed); return __libc_calloc(count, size); }
void *realloc(void *pointer, size_t size) { atomic_fetch_add_explicit(&allocations, 1, memory_order_relaxed); return __libc_realloc(pointer, size); }
void free(void *pointer) { if (pointer) atomic_fetch_add_explicit(&releases, 1, memory_order_relaxed); __libc_free(pointer); }

static void report(int signal) {
    (void)signal;
    char line[96];
    int length = snprintf(line, sizeof line, "malloc-count allocations=%ld frees=%ld\n",
                          atomic_load(&allocations), atomic_load(&releases));
    if (length > 0) (void)!write(2, line, (size_t)length);
}

__attribute__((constructor)) static void install(void) { signal(SIGUSR2, report); }
