import Protocols
import Runtime

/// Config and secret validation against the service's JSON Schemas (SPEC §5.3).
enum ConfigValidator {
    /// Returns the canonical JSON text to store. `kind` is "config" or "secret".
    /// Blocking (reads the schema file): call from the blocking pool.
    static func validate(_ value: JSONValue?, schemaPath: String, kind: String) throws(AdminError) -> String {
        let document = value ?? .object([:])
        guard case .object = document else {
            throw AdminError.badRequest("invalid \(kind) JSON: must be a JSON object")
        }
        if !schemaPath.isEmpty {
            let schema: JSONSchema
            do {
                let bytes = try FileSystem.readFile(schemaPath, limit: 4 << 20)
                schema = try JSONSchema(try JSONParser.parse(bytes))
            } catch {
                throw AdminError.badRequest("invalid \(kind) schema: \(error)")
            }
            let violations = schema.validate(document, limit: 10)
            if !violations.isEmpty {
                throw AdminError.badRequest("\(kind) does not match schema: " + violations.map(\.description).joined(separator: "; "))
            }
        }
        return JSONWriter().string(document)
    }
}
