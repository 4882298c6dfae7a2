import Protocols
import Testing

/// Descriptor sets beyond ``DescriptorLimits`` fail with `limitExceeded` while they are
/// decoded; the sets are written by hand, so each one exceeds exactly one bound.
@Suite struct DescriptorLimitsTests {
    /// A hand-written FileDescriptorProto (field numbers from google/protobuf/descriptor.proto).
    struct File {
        var name = "test.proto"
        var package = "limits.v1"
        var messages: [Message] = []
        var enums: [(name: String, values: Int)] = []
        var services: [(name: String, methods: Int)] = []

        var bytes: [UInt8] {
            var writer = ProtobufWireWriter()
            writer.writeTag(1, .lengthDelimited)
            writer.writeString(name)
            writer.writeTag(2, .lengthDelimited)
            writer.writeString(package)
            for message in messages {
                writer.writeTag(4, .lengthDelimited)
                writer.writeLengthDelimited(message.bytes)
            }
            for value in enums {
                var enumWriter = ProtobufWireWriter()
                enumWriter.writeTag(1, .lengthDelimited)
                enumWriter.writeString(value.name)
                for number in 0..<value.values {
                    var valueWriter = ProtobufWireWriter()
                    valueWriter.writeTag(1, .lengthDelimited)
                    valueWriter.writeString("\(value.name.uppercased())_\(number)")
                    valueWriter.writeTag(2, .varint)
                    valueWriter.writeInt32(Int32(number))
                    enumWriter.writeTag(2, .lengthDelimited)
                    enumWriter.writeLengthDelimited(valueWriter.bytes)
                }
                writer.writeTag(5, .lengthDelimited)
                writer.writeLengthDelimited(enumWriter.bytes)
            }
            for service in services {
                var serviceWriter = ProtobufWireWriter()
                serviceWriter.writeTag(1, .lengthDelimited)
                serviceWriter.writeString(service.name)
                for index in 0..<service.methods {
                    var methodWriter = ProtobufWireWriter()
                    methodWriter.writeTag(1, .lengthDelimited)
                    methodWriter.writeString("Call\(index)")
                    methodWriter.writeTag(2, .lengthDelimited)
                    methodWriter.writeString(".\(package).M0")
                    methodWriter.writeTag(3, .lengthDelimited)
                    methodWriter.writeString(".\(package).M0")
                    serviceWriter.writeTag(2, .lengthDelimited)
                    serviceWriter.writeLengthDelimited(methodWriter.bytes)
                }
                writer.writeTag(6, .lengthDelimited)
                writer.writeLengthDelimited(serviceWriter.bytes)
            }
            writer.writeTag(12, .lengthDelimited)
            writer.writeString("proto3")
            return writer.bytes
        }
    }

    /// A hand-written DescriptorProto with string fields `f0`… and nested messages.
    struct Message {
        var name: String
        var fields = 1
        var nested: [Message] = []

        var bytes: [UInt8] {
            var writer = ProtobufWireWriter()
            writer.writeTag(1, .lengthDelimited)
            writer.writeString(name)
            for index in 0..<fields {
                var field = ProtobufWireWriter()
                field.writeTag(1, .lengthDelimited)
                field.writeString("f\(index)")
                field.writeTag(3, .varint)
                field.writeInt32(Int32(index + 1))
                field.writeTag(4, .varint)
                field.writeInt32(1)  // LABEL_OPTIONAL
                field.writeTag(5, .varint)
                field.writeInt32(9)  // TYPE_STRING
                writer.writeTag(2, .lengthDelimited)
                writer.writeLengthDelimited(field.bytes)
            }
            for message in nested {
                writer.writeTag(3, .lengthDelimited)
                writer.writeLengthDelimited(message.bytes)
            }
            return writer.bytes
        }

        /// `depth` messages, each declared inside the previous one.
        static func chain(depth: Int) -> Message {
            var message = Message(name: "N\(depth)")
            for level in stride(from: depth - 1, through: 1, by: -1) {
                message = Message(name: "N\(level)", nested: [message])
            }
            return message
        }
    }

    static func set(_ files: [File]) -> [UInt8] {
        var writer = ProtobufWireWriter()
        for file in files {
            writer.writeTag(1, .lengthDelimited)
            writer.writeLengthDelimited(file.bytes)
        }
        return writer.bytes
    }

    func expectLimit(_ bytes: [UInt8], _ limits: DescriptorLimits = .init(), message: String) {
        #expect {
            _ = try DescriptorSet.decode(bytes, limits: limits)
        } throws: { error in
            guard let error = error as? ProtobufDecodeError else { return false }
            return error.code == .limitExceeded && error.message == message
        }
    }

    @Test func aSetWithinTheLimitsDecodes() throws {
        let file = File(messages: [Message(name: "M0", fields: 3, nested: [Message(name: "Inner")])],
                        enums: [("Color", 3)], services: [("Svc", 2)])
        let limits = DescriptorLimits(maximumFiles: 1, maximumMessages: 2, maximumFields: 4, maximumEnumValues: 3,
                                      maximumMethods: 2, maximumNestingDepth: 2, maximumFullNameBytes: 21)
        let set = try DescriptorSet.decode(Self.set([file]), limits: limits)
        #expect(set.methods.map(\.fullName) == ["limits.v1.Svc/Call0", "limits.v1.Svc/Call1"])
        #expect(set.message(fullName: "limits.v1.M0.Inner") != nil)
    }

    @Test func boundsTheSerializedSize() {
        let bytes = Self.set([File(messages: [Message(name: "M0", fields: 50)])])
        expectLimit(bytes, DescriptorLimits(maximumBytes: 100),
                    message: "descriptor set is \(bytes.count) bytes, more than the limit of 100")
    }

    @Test func boundsEachCount() {
        let files = (0..<3).map { File(name: "f\($0).proto") }
        expectLimit(Self.set(files), DescriptorLimits(maximumFiles: 2),
                    message: "descriptor set has more than the limit of 2 files")
        let messages = File(messages: [Message(name: "M0"), Message(name: "M1", nested: [Message(name: "Inner")])])
        expectLimit(Self.set([messages]), DescriptorLimits(maximumMessages: 2),
                    message: "descriptor set has more than the limit of 2 messages")
        expectLimit(Self.set([File(messages: [Message(name: "M0", fields: 3), Message(name: "M1", fields: 3)])]),
                    DescriptorLimits(maximumFields: 5), message: "descriptor set has more than the limit of 5 fields")
        expectLimit(Self.set([File(enums: [("A", 2), ("B", 2)])]), DescriptorLimits(maximumEnumValues: 3),
                    message: "descriptor set has more than the limit of 3 enum values")
        expectLimit(Self.set([File(messages: [Message(name: "M0")], services: [("S", 3), ("T", 3)])]),
                    DescriptorLimits(maximumMethods: 5), message: "descriptor set has more than the limit of 5 methods")
    }

    // Nesting is checked before a nested message is parsed: no deep recursion on hostile input.
    @Test func boundsNestingDepth() {
        expectLimit(Self.set([File(messages: [Message.chain(depth: 33)])]),
                    message: "messages nest deeper than the limit of 32 levels")
        expectLimit(Self.set([File(messages: [Message.chain(depth: 2_000)])]),
                    message: "messages nest deeper than the limit of 32 levels")
    }

    @Test func acceptsProtocsOwnNestingLimit() throws {
        let set = try DescriptorSet.decode(Self.set([File(messages: [Message.chain(depth: 32)])]))
        #expect(set.message(fullName: "limits.v1." + (1...32).map { "N\($0)" }.joined(separator: ".")) != nil)
    }

    // The shape that once took the daemon to 481 MB: a 100,000-byte message name with 5,000
    // fields, whose full names would each repeat it.
    @Test func boundsFullNamesBeforeJoiningThem() {
        let name = "M" + String(repeating: "x", count: 100_000)
        expectLimit(Self.set([File(messages: [Message(name: name, fields: 5_000)])]),
                    message: "a full name in test.proto (\"limits.v1.M\(String(repeating: "x", count: 49))…\") "
                        + "is 100011 bytes, more than the limit of 512")
        // Field, service and method names count with their scope.
        expectLimit(Self.set([File(messages: [Message(name: "M0", fields: 1)])]), DescriptorLimits(maximumFullNameBytes: 14),
                    message: "a full name in test.proto (\"limits.v1.M0.f0…\") is 15 bytes, more than the limit of 14")
        expectLimit(Self.set([File(messages: [Message(name: "M0", fields: 0)], services: [("Svc", 1)])]),
                    DescriptorLimits(maximumFullNameBytes: 18),
                    message: "a full name in test.proto (\"limits.v1.Svc/Call0…\") is 19 bytes, more than the limit of 18")
    }
}
