import Protocols

/// A strictly decoded JSON request body (SPEC §6): must be an object, unknown keys are
/// rejected, key matching is case-insensitive, and types are checked with clear messages.
struct StrictBody {
    /// Canonical key → value.
    private var values: [String: JSONValue]

    static func decode(_ body: [UInt8], allowed: [String]) throws(AdminError) -> StrictBody {
        if body.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 }) { return StrictBody(values: [:]) }
        let json: JSONValue
        do {
            json = try JSONParser.parse(body)
        } catch {
            throw AdminError.badRequest("invalid JSON body: \(error)")
        }
        guard let object = json.objectValue else { throw AdminError.badRequest("invalid JSON body: must be an object") }
        var values: [String: JSONValue] = [:]
        for (key, value) in object {
            guard let canonical = allowed.first(where: { $0.lowercased() == key.lowercased() }) else {
                throw AdminError.badRequest("invalid JSON body: unknown field \"\(key)\"")
            }
            values[canonical] = value
        }
        return StrictBody(values: values)
    }

    func has(_ key: String) -> Bool { values[key] != nil && !(values[key]!.isNull) }

    func raw(_ key: String) -> JSONValue? {
        guard let value = values[key], !value.isNull else { return nil }
        return value
    }

    func string(_ key: String) throws(AdminError) -> String? {
        guard let value = raw(key) else { return nil }
        guard let text = value.stringValue else { throw AdminError.badRequest("invalid JSON body: \(key) must be a string") }
        return text
    }

    func bool(_ key: String) throws(AdminError) -> Bool? {
        guard let value = raw(key) else { return nil }
        guard let flag = value.boolValue else { throw AdminError.badRequest("invalid JSON body: \(key) must be a boolean") }
        return flag
    }
}
