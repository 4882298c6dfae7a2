public import Protocols

/// An admin API failure: an HTTP status and a message, rendered as
/// `{"error":{"code":"HTTP_<status>","message":"…","details":{}}}` (SPEC §6).
public struct AdminError: Error, Equatable, CustomStringConvertible, Sendable {
    public let status: Int
    public let message: String
    /// Extra fields merged into the top-level body (e.g. `"status":"degraded"` on import conflicts).
    public var extra: JSONObject = JSONObject()

    public init(status: Int, _ message: String) {
        self.status = status
        self.message = message
    }

    public static func badRequest(_ message: String) -> AdminError { AdminError(status: 400, message) }
    public static func notFound(_ message: String) -> AdminError { AdminError(status: 404, message) }
    public static func internalError(_ message: String) -> AdminError { AdminError(status: 500, message) }
    public static let unknownRoute = AdminError(status: 404, "unknown admin route")
    public static let methodNotAllowed = AdminError(status: 405, "unknown admin route")

    public var body: JSONValue {
        var object: JSONObject = [
            "error": .object([
                "code": .string("HTTP_\(status)"),
                "message": .string(message),
                "details": .object([:]),
            ]),
        ]
        for (key, value) in extra { object[key] = value }
        return .object(object)
    }

    public var description: String { "\(status): \(message)" }
}
