// Thin C helpers for libuv that Swift cannot express directly:
// handle "subclass" casts (Swift will not pass uv_tcp_t* as uv_stream_t*),
// unions in uv_stdio_container_t, and a few socket syscalls done before a loop exists.
#ifndef OCTOBUS_CLIBUV_SHIM_H
#define OCTOBUS_CLIBUV_SHIM_H

#include <uv.h>
#include <errno.h>
#include <string.h>
#include <stdio.h>
#include <pthread.h>
#include <unistd.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/file.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <sys/resource.h>
#include <malloc.h>
#include <sys/timerfd.h>
#include <time.h>
#include <dirent.h>
#include <stdlib.h>
#include <sys/syscall.h>

static inline uv_handle_t *octo_handle(void *handle) { return (uv_handle_t *)handle; }
static inline uv_stream_t *octo_stream(void *handle) { return (uv_stream_t *)handle; }

/// Sets one stdio slot of a child process to "inherit this fd".
static inline void octo_stdio_inherit_fd(uv_stdio_container_t *c, int fd) {
    c->flags = UV_INHERIT_FD;
    c->data.fd = fd;
}
/// Sets one stdio slot to "ignore" (/dev/null).
static inline void octo_stdio_ignore(uv_stdio_container_t *c) {
    c->flags = UV_IGNORE;
    c->data.fd = -1;
}
/// Sets one stdio slot to a new pipe created by libuv (readable/writable from the child's view).
static inline void octo_stdio_pipe(uv_stdio_container_t *c, uv_pipe_t *pipe, int child_reads, int child_writes) {
    int flags = UV_CREATE_PIPE;
    if (child_reads) flags |= UV_READABLE_PIPE;
    if (child_writes) flags |= UV_WRITABLE_PIPE;
    c->flags = (uv_stdio_flags)flags;
    c->data.stream = (uv_stream_t *)pipe;
}

static inline int octo_errno(void) { return errno; }

/// Duplicates fd with close-on-exec set atomically (plain dup() clears the flag, and a
/// descriptor without it leaks into every child process the daemon spawns).
static inline int octo_dup_cloexec(int fd) { return fcntl(fd, F_DUPFD_CLOEXEC, 0); }

/// Names the calling thread (shown by ps/top/gdb); Glibc's declaration needs _GNU_SOURCE.
extern int pthread_setname_np(pthread_t thread, const char *name);
static inline void octo_set_thread_name(const char *name) { pthread_setname_np(pthread_self(), name); }

/// Closes fd on exec for a descriptor we keep in the parent.
static inline int octo_set_cloexec(int fd) {
    int flags = fcntl(fd, F_GETFD);
    if (flags < 0) return -errno;
    return fcntl(fd, F_SETFD, flags | FD_CLOEXEC) < 0 ? -errno : 0;
}

/// Marks every descriptor above stderr close-on-exec: descriptors the daemon was started
/// with (a launching shell's, a supervisor's) must not reach the services it spawns, which
/// libuv's spawn does not prevent (it relies on close-on-exec). close_range(2) with
/// CLOSE_RANGE_CLOEXEC (Linux 5.11); on older kernels, each descriptor in /proc/self/fd.
/// Returns 0, or a negative errno.
static inline int octo_cloexec_inherited(void) {
#if defined(SYS_close_range)
    if (syscall(SYS_close_range, 3u, ~0u, 4u /* CLOSE_RANGE_CLOEXEC */) == 0) return 0;
#endif
    DIR *dir = opendir("/proc/self/fd");
    if (dir == NULL) return -errno;
    int own = dirfd(dir);
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
        int fd = atoi(entry->d_name);
        if (fd > 2 && fd != own) octo_set_cloexec(fd);
    }
    closedir(dir);
    return 0;
}

/// Asks the kernel for a free TCP port on `host` (IPv4 dotted quad) by binding port 0.
/// Returns the port, or a negative errno.
static inline int octo_pick_free_port(const char *host) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = 0;
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) { close(fd); return -EINVAL; }
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) { int e = errno; close(fd); return -e; }
    socklen_t len = sizeof addr;
    if (getsockname(fd, (struct sockaddr *)&addr, &len) < 0) { int e = errno; close(fd); return -e; }
    close(fd);
    return ntohs(addr.sin_port);
}

/// Takes an exclusive, non-blocking advisory lock on fd; released by the kernel when the process dies.
static inline int octo_try_lock_fd(int fd) {
    return flock(fd, LOCK_EX | LOCK_NB) < 0 ? -errno : 0;
}



/// Creates a non-blocking listening TCP socket for host:port (host "" = any), SO_REUSEADDR set.
/// Returns the fd, or a negative errno; name-resolution failures set *gai_error and return -EINVAL.
/// The bound port (useful with port 0) is stored in *bound_port.
static inline int octo_listen_tcp(const char *host, const char *port, int backlog, int *bound_port, int *gai_error) {
    struct addrinfo hints, *res = NULL, *ai;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    *gai_error = 0;
    int rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &res);
    if (rc != 0) { *gai_error = rc; return -EINVAL; }
    int last = -EADDRNOTAVAIL;
    for (ai = res; ai != NULL; ai = ai->ai_next) {
        int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) { last = -errno; continue; }
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, backlog) < 0) {
            last = -errno; close(fd); continue;
        }
        struct sockaddr_storage ss; socklen_t len = sizeof ss;
        *bound_port = 0;
        if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0) {
            if (ss.ss_family == AF_INET) *bound_port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
            else if (ss.ss_family == AF_INET6) *bound_port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
        }
        freeaddrinfo(res);
        return fd;
    }
    freeaddrinfo(res);
    return last;
}

/// Formats a peer address as "ip:port" ("[ip]:port" for IPv6) into buf; returns 0 or a negative errno.
static inline int octo_peer_name(const uv_tcp_t *tcp, char *buf, size_t buflen) {
    struct sockaddr_storage ss; int len = sizeof ss;
    int rc = uv_tcp_getpeername(tcp, (struct sockaddr *)&ss, &len);
    if (rc != 0) return rc;
    char ip[64];
    if (ss.ss_family == AF_INET) {
        uv_ip4_name((struct sockaddr_in *)&ss, ip, sizeof ip);
        snprintf(buf, buflen, "%s:%d", ip, ntohs(((struct sockaddr_in *)&ss)->sin_port));
    } else if (ss.ss_family == AF_INET6) {
        uv_ip6_name((struct sockaddr_in6 *)&ss, ip, sizeof ip);
        snprintf(buf, buflen, "[%s]:%d", ip, ntohs(((struct sockaddr_in6 *)&ss)->sin6_port));
    } else {
        snprintf(buf, buflen, "unknown");
    }
    return 0;
}

/// Process-wide settings for a server: writes to closed sockets return EPIPE instead of
/// killing the process, the open-file limit is raised to its hard maximum, and large
/// allocations (request bodies, big responses) always get their own mappings, which go
/// back to the kernel when freed. glibc's default raises that threshold each time such a
/// block is freed (up to 32 MiB), after which a burst of large bodies leaves hundreds of
/// MiB in the heap that RSS never gives back.
///
/// Fixing the mmap threshold also freezes the trim threshold at its 128 KiB default, so
/// every arena would give its top back to the kernel (and fault it in again) as soon as
/// 128 KiB are free there: a streaming proxy allocates and frees 64 KiB write buffers
/// continuously, and paid a page fault per 27 KB relayed. Arenas keep up to 8 MiB of free
/// top instead; the daemon's quiet-time malloc_trim still returns it.
static inline long octo_raise_nofile_limit(void);
static inline void octo_runtime_prepare_process(void) {
    signal(SIGPIPE, SIG_IGN);
    octo_raise_nofile_limit();
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    mallopt(M_TRIM_THRESHOLD, 8 * 1024 * 1024);
}

/// Returns free heap memory to the kernel (glibc keeps freed small blocks in its arenas).
static inline void octo_release_free_memory(void) { malloc_trim(0); }

/// Raises the soft open-file limit to the hard limit (a gateway holds many sockets). Returns the new soft limit.
static inline long octo_raise_nofile_limit(void) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return -errno;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0) return -errno;
    }
    return (long)rl.rlim_cur;
}

/// A non-blocking, close-on-exec CLOCK_MONOTONIC timerfd, or a negative errno.
static inline int octo_timerfd_create(void) {
    int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

/// Arms a timerfd to expire once at the absolute CLOCK_MONOTONIC time `deadline_ns`
/// (0 disarms it). Returns 0 or a negative errno.
static inline int octo_timerfd_arm(int fd, uint64_t deadline_ns) {
    struct itimerspec spec;
    memset(&spec, 0, sizeof spec);
    spec.it_value.tv_sec = (time_t)(deadline_ns / 1000000000ull);
    spec.it_value.tv_nsec = (long)(deadline_ns % 1000000000ull);
    return timerfd_settime(fd, TFD_TIMER_ABSTIME, &spec, NULL) < 0 ? -errno : 0;
}

/// Reads (and so clears) a timerfd's expiry count; 0 when it had not expired.
static inline uint64_t octo_timerfd_drain(int fd) {
    uint64_t expirations = 0;
    return read(fd, &expirations, sizeof expirations) == sizeof expirations ? expirations : 0;
}

#endif
