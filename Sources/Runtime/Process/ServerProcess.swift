import CLibUV

/// Process-wide settings every server needs.
public enum ServerProcess {
    /// Ignores SIGPIPE (a write to a closed socket returns EPIPE instead of killing us) and
    /// raises the open-file limit to its hard maximum (a gateway holds many sockets).
    public static func prepare() {
        octo_runtime_prepare_process()
    }

    /// Gives free heap memory back to the kernel. After a burst of requests glibc keeps the
    /// freed blocks in its arenas; this brings RSS back near its idle level. Takes a few
    /// milliseconds on a big heap: call it off the event loops, when the server is quiet.
    public static func releaseFreeMemory() {
        octo_release_free_memory()
    }

    /// The open-file limit after ``prepare()`` (what bounds sockets, files and pipes together).
    public static var openFileLimit: Int {
        Int(octo_raise_nofile_limit())
    }
}
