import Protocols

/// A package or service root of a recursive import that was not imported, and why: the
/// others are imported all the same, and this one leaves nothing behind.
struct ImportFailure: Sendable, Equatable {
    /// The package's directory relative to the scan root ("." for a one-package import).
    var package: String
    /// The service it concerns, when known (a package fails with all of its services).
    var serviceID: String?
    var stage: ImportStage
    var error: String

    /// In the `complete` event and reply (`failed`): `{"package","service_id"?,"stage","error"}`, URL credentials hidden.
    var json: JSONValue {
        var object: JSONObject = ["package": .string(package), "stage": .string(stage.rawValue), "error": .string(RedactedURL.redact(error))]
        if let serviceID { object["service_id"] = .string(serviceID) }
        return .object(object)
    }
}
