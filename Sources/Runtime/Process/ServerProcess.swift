import CLibUV

/// Process-wide settings every server needs.
public enum ServerProcess {
    /// Ignores SIGPIPE (a write to a closed socket returns EPIPE instead of killing us) and
    /// raises the open-file limit to its hard maximum (a gateway holds many sockets).
    public static func prepare() {
        octo_runtime_prepare_process()
    }

    /// The open-file limit after ``prepare()`` (what bounds sockets, files and pipes together).
    public static var openFileLimit: Int {
        Int(octo_raise_nofile_limit())
    }
}
