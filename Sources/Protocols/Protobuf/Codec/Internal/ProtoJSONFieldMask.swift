/// google.protobuf.FieldMask paths: snake_case on the wire, lowerCamelCase joined by `,` in JSON.
enum ProtoJSONFieldMask {
    /// `["user.display_name", "tags"]` → `"user.displayName,tags"`; a path whose camel case
    /// would not convert back (`foo_1bar`, `fooBar`) is an error.
    static func format(_ paths: [String]) throws(ProtoJSONProblem) -> String {
        var parts: [String] = []
        for path in paths {
            let camel = camelCase(path)
            guard snakeCase(camel) == path else {
                throw ProtoJSONProblem("field mask path \(JSONWriter.quoted(path)) cannot be written in lowerCamelCase")
            }
            parts.append(camel)
        }
        return parts.joined(separator: ",")
    }

    static func parse(_ text: String) throws(ProtoJSONProblem) -> [String] {
        if text.isEmpty { return [] }
        var paths: [String] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !part.contains("_") else {
                throw ProtoJSONProblem("field mask path \(JSONWriter.quoted(String(part))) must be lowerCamelCase")
            }
            var snake = snakeCase(String(part))
            if snake.hasPrefix("_") { snake.removeFirst() }
            paths.append(snake)
        }
        return paths
    }

    /// Drops `_` and upper-cases a lowercase letter after it (Go's `JSONCamelCase`).
    private static func camelCase(_ path: String) -> String {
        var out: [UInt8] = []
        var afterUnderscore = false
        for byte in path.utf8 {
            if byte != UInt8(ascii: "_") {
                out.append(afterUnderscore && byte >= 97 && byte <= 122 ? byte - 32 : byte)
            }
            afterUnderscore = byte == UInt8(ascii: "_")
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `_` plus the lowercase letter for each uppercase one.
    private static func snakeCase(_ path: String) -> String {
        var out: [UInt8] = []
        for byte in path.utf8 {
            if byte >= 65, byte <= 90 {
                out.append(UInt8(ascii: "_"))
                out.append(byte + 32)
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
