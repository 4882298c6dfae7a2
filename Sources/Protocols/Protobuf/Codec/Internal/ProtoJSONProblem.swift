/// What is wrong with one value, before the codec adds the path and the error code
/// (`expected number, got string`).
struct ProtoJSONProblem: Error {
    let message: String

    init(_ message: String) { self.message = message }
}
