import CLibUV
import Glibc

/// Finds a program on `PATH`, like a shell does.
public enum ExecutableLookup {
    public static func find(_ name: String, environment: [String: String]? = nil) -> String? {
        let path = environment?["PATH"] ?? (getenv("PATH").map { String(cString: $0) }) ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = "\(directory)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}

/// A free TCP port on 127.0.0.1 at the time of the call (for instances and tests).
public func octoPickFreePort(host: String = "127.0.0.1") -> Int32 {
    octo_pick_free_port(host)
}

/// Names the calling thread (visible in ps/top/gdb).
public func octoSetThreadName(_ name: String) {
    octo_set_thread_name(String(name.prefix(15)))
}
