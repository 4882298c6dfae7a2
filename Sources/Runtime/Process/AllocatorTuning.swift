import Glibc

/// Gives glibc's malloc a deeper per-thread cache for the daemon, by re-executing the
/// binary once with `GLIBC_TUNABLES=glibc.malloc.tcache_count=256` (glibc reads tunables
/// only at process start, so there is no call that could do it later).
///
/// Why: a loop answers a read's worth of HTTP/2 requests before it flushes, so a burst of
/// streams (each an exchange, a request head, header strings, and nghttp2's own stream
/// objects) is allocated and then freed together. glibc's default cache keeps 7 free
/// chunks per size class per thread; the rest of each burst falls through to the arena's
/// bins, which cost several times more. With 256 the bursts stay in the thread cache:
/// about 12% less CPU per small request (BENCHMARKS.md), resident memory unchanged
/// (the cache only keeps chunks the burst had in use anyway).
///
/// The re-executed image restores the caller's environment at once, so supervised
/// children never inherit the tunable. `OCTOBUS_MALLOC_TUNING=off` (or 0/false/no) skips
/// all of this, any value other than on/off is refused, and
/// a `tcache_count` the user already set in `GLIBC_TUNABLES` is left as it is.
public enum AllocatorTuning {
    /// What happened, for the daemon's start-up log line.
    public enum State: String, Sendable {
        /// Running with the deeper cache.
        case tuned
        /// `OCTOBUS_MALLOC_TUNING=off`.
        case disabled = "off"
        /// The user's own `GLIBC_TUNABLES` sets `tcache_count`.
        case userSet = "user"
        /// The re-exec was not possible (no `/proc/self/exe`): glibc defaults.
        case unavailable
    }

    public static let cacheCount = 256
    public static let optOutVariable = "OCTOBUS_MALLOC_TUNING"
    static let tunableName = "glibc.malloc.tcache_count"
    /// Set for the re-executed image only; holds the caller's `GLIBC_TUNABLES` (or "-" for unset).
    static let markerVariable = "OCTOBUS_ALLOCATOR_REEXEC"

    /// Set by ``apply()``; read when logging.
    nonisolated(unsafe) public private(set) static var state: State = .unavailable

    /// Call first thing in a server command, before any file or socket is opened (they
    /// would leak into the new image). Returns in the tuned image, or at once when the
    /// tuning is off, already chosen by the user, or impossible.
    public static func apply() throws(InvalidSetting) {
        if let marker = environment(markerVariable) {
            // The second image: put the caller's environment back for our children.
            if marker == "-" { unsetenv("GLIBC_TUNABLES") } else { setenv("GLIBC_TUNABLES", marker, 1) }
            unsetenv(markerVariable)
            state = .tuned
            return
        }
        switch environment(optOutVariable)?.lowercased() {
        case nil, "", "on", "1", "true", "yes":
            break
        case "off", "0", "false", "no":
            state = .disabled
            return
        case let other?:
            throw InvalidSetting(value: other)
        }
        let existing = environment("GLIBC_TUNABLES")
        if let existing, existing.contains(tunableName) {
            state = .userSet
            return
        }
        let tuned = (existing.map { $0.isEmpty ? "" : $0 + ":" } ?? "") + "\(tunableName)=\(cacheCount)"
        setenv(markerVariable, existing ?? "-", 1)
        setenv("GLIBC_TUNABLES", tuned, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Still here: exec failed. Carry on with the defaults and the environment as it was.
        unsetenv(markerVariable)
        if let existing { setenv("GLIBC_TUNABLES", existing, 1) } else { unsetenv("GLIBC_TUNABLES") }
        state = .unavailable
    }

    /// `OCTOBUS_MALLOC_TUNING` holds something other than on/off.
    public struct InvalidSetting: Error, CustomStringConvertible {
        public let value: String
        public var description: String {
            "\(AllocatorTuning.optOutVariable) must be on or off (or 1/0, true/false, yes/no), not \"\(value)\""
        }
    }

    private static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}
