import CLibUV

/// An error reported by libuv or a system call, as a negative errno-style code.
public struct UVError: Error, Equatable, CustomStringConvertible, Sendable {
    public let code: Int32
    public init(_ code: Int32) { self.code = code }

    public var description: String {
        if let name = uv_err_name(code), let text = uv_strerror(code) {
            return "\(String(cString: name)): \(String(cString: text))"
        }
        return "error \(code)"
    }

    public static let endOfFile = UVError(Int32(UV_EOF.rawValue))
    public static let cancelled = UVError(Int32(UV_ECANCELED.rawValue))
    public static let timedOut = UVError(Int32(UV_ETIMEDOUT.rawValue))
    public static let connectionReset = UVError(Int32(UV_ECONNRESET.rawValue))
}

/// Returns normally for rc >= 0, throws otherwise.
@inline(__always)
func uvCheck(_ rc: Int32) throws(UVError) {
    if rc < 0 { throw UVError(rc) }
}
