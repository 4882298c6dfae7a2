import Protocols

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Helpers shared by the JSON Schema tests: compile from text, validate from text, and read
/// the official test suite from the fixtures folder without Foundation.
enum JSONSchemaTestSupport {
    static func schema(_ text: String) throws -> JSONSchema {
        try JSONSchema(JSONParser.parse(text))
    }

    /// The violations' descriptions (`/label: expected string, got number`).
    static func problems(_ schema: JSONSchema, _ instance: String) throws -> [String] {
        try schema.validate(JSONParser.parse(instance)).map(\.description)
    }

    /// The compile error for an invalid schema (nil if it compiles).
    static func compileError(_ text: String) throws -> JSONSchemaError? {
        let value = try JSONParser.parse(text)
        do {
            _ = try JSONSchema(value)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Files

    /// `Tests/ProtocolsTests/Fixtures/json-schema-test-suite/tests/draft2020-12`, found from this file.
    static func suiteDirectory(filePath: String = #filePath) -> String {
        var components = filePath.split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(2)  // JSONSchema/<file>.swift
        return components.joined(separator: "/") + "/Fixtures/json-schema-test-suite/tests/draft2020-12"
    }

    static func readFile(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return bytes
    }

    /// Relative paths of the `.json` files under `directory`, recursively, sorted.
    static func jsonFiles(in directory: String, prefix: String = "") -> [String] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var files: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasPrefix(".") { continue }
            if name.hasSuffix(".json") {
                files.append(prefix + name)
            } else if entry.pointee.d_type == UInt8(DT_DIR) {
                files += jsonFiles(in: directory + "/" + name, prefix: prefix + name + "/")
            }
        }
        return files.sorted()
    }
}
