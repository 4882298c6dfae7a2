import CBuildInfo

/// Version, commit and build date stamped by `scripts/build.sh` (fallbacks: dev, unknown, unknown).
public enum BuildInfo {
    public static var version: String { String(cString: octobus_build_version()) }
    public static var commit: String { String(cString: octobus_build_commit()) }
    public static var date: String { String(cString: octobus_build_date()) }
}
