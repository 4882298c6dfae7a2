import Protocols

/// Shortcuts for the codec tests: fixture types by name, JSON text in and out, protoc's
/// canonical text for comparisons.
enum CodecHarness {
    static var set: DescriptorSet { Protoc.fixtureSet }

    static func message(_ fullName: String) -> MessageDescriptor {
        guard let message = set.message(fullName: fullName) else { fatalError("no fixture message \(fullName)") }
        return message
    }

    /// protoc text → protoc binary → our ProtoJSON, as compact text.
    static func decode(_ type: String, text: String, options: ProtoJSONOptions = .init()) throws -> String {
        try decode(type, bytes: Protoc.encode(type, text), options: options)
    }

    static func decode(_ type: String, bytes: [UInt8], options: ProtoJSONOptions = .init()) throws -> String {
        JSONWriter().string(try ProtobufCodec.decodeToJSON(bytes, message: message(type), in: set, options: options))
    }

    /// JSON text → our binary.
    static func encode(_ type: String, json: String, options: ProtoJSONOptions = .init()) throws -> [UInt8] {
        try ProtobufCodec.encodeFromJSON(JSONParser.parse(json), message: message(type), in: set, options: options)
    }

    /// What protoc prints for `text` after a binary round trip (its canonical form).
    static func canonicalText(_ type: String, _ text: String) throws -> String {
        try Protoc.decode(type, Protoc.encode(type, text))
    }

    /// The codec error for JSON input, or nil if it converts.
    static func encodeError(
        _ type: String, json: String, options: ProtoJSONOptions = .init()
    ) throws -> ProtobufCodecError? {
        let value = try JSONParser.parse(json)
        do {
            _ = try ProtobufCodec.encodeFromJSON(value, message: message(type), in: set, options: options)
            return nil
        } catch {
            return error
        }
    }

    /// The codec error for binary input, or nil if it converts.
    static func decodeError(_ type: String, bytes: [UInt8]) -> ProtobufCodecError? {
        do {
            _ = try ProtobufCodec.decodeToJSON(bytes, message: message(type), in: set)
            return nil
        } catch {
            return error
        }
    }

    static func fixtureText(_ name: String) -> String {
        String(decoding: Protoc.readFile(Protoc.fixturesDirectory + "/" + name) ?? [], as: UTF8.self)
    }
}
