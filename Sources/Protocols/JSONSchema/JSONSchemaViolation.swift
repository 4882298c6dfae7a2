/// One way an instance fails a ``JSONSchema``: where in the instance, which keyword, and a
/// message meant for users (`/label: expected string, got number`).
public struct JSONSchemaViolation: Sendable, Equatable, CustomStringConvertible {
    /// JSON Pointer into the instance; `""` is the root.
    public let instanceLocation: String
    /// JSON Pointer through the schema along the evaluation path, `$ref`s included
    /// (`/properties/label/type`, `/$ref/minimum`).
    public let keywordLocation: String
    /// What is wrong, e.g. `expected string, got number`.
    public let message: String

    public init(instanceLocation: String, keywordLocation: String, message: String) {
        self.instanceLocation = instanceLocation
        self.keywordLocation = keywordLocation
        self.message = message
    }

    /// `<instanceLocation or (root)>: <message>`.
    public var description: String {
        (instanceLocation.isEmpty ? "(root)" : instanceLocation) + ": " + message
    }
}
