import Protocols
import Testing

@Suite struct DescriptorSetTests {
    let set = Protoc.fixtureSet

    // protoc writes dependencies first; every file keeps its own bytes exactly.
    @Test func listsFilesInSetOrderWithTheirBytes() throws {
        let names = set.files.map(\.name)
        #expect(names.first == "google/protobuf/any.proto")
        #expect(
            names.suffix(5) == [
                "proto2_types.proto", "google/protobuf/descriptor.proto", "google/api/field_behavior.proto",
                "imported.proto",
                "service.proto",
            ])
        #expect(
            names.firstIndex(of: "google/protobuf/descriptor.proto")! < names.firstIndex(
                of: "google/api/field_behavior.proto")!)

        // The set is `repeated FileDescriptorProto file = 1`: re-framing the raw bytes gives it back.
        var writer = ProtobufWireWriter()
        for file in set.files {
            writer.writeTag(1, .lengthDelimited)
            writer.writeLengthDelimited(file.rawBytes)
        }
        #expect(writer.bytes == Protoc.fixtureSetBytes)

        let service = try #require(set.file(named: "service.proto"))
        #expect(service.package == "codec.svc.v1")
        #expect(service.syntax == "proto3")
        #expect(service.dependencies == ["google/api/field_behavior.proto", "imported.proto"])
        #expect(set.file(named: "proto2_types.proto")?.syntax == "proto2")
        #expect(set.file(named: "missing.proto") == nil)
    }

    @Test func resolvesMessagesEnumsAndNestedTypes() throws {
        let nested = try #require(set.message(fullName: "codec.test.Nested"))
        #expect(nested.name == "Nested")
        #expect(nested.file == "all_types.proto")
        #expect(nested.fields.map(\.name) == ["a", "b", "children", "kind", "inner"])
        #expect(nested.nestedMessages.map(\.fullName) == ["codec.test.Nested.Inner"])
        #expect(nested.nestedEnums.map(\.fullName) == ["codec.test.Nested.Kind"])
        #expect(set.message(fullName: ".codec.test.Nested.Inner") === nested.nestedMessages[0])
        #expect(set.message(fullName: "codec.test.Missing") == nil)

        let children = try #require(nested.field(named: "children"))
        #expect(children.label == .repeated)
        #expect(children.type == .message)
        #expect(children.typeName == "codec.test.Nested")
        #expect(children.messageType(in: set) === nested)
        #expect(nested.field(named: "kind")?.enumType(in: set)?.fullName == "codec.test.Nested.Kind")

        let color = try #require(set.enumType(fullName: "codec.test.Color"))
        #expect(color.values.map(\.name) == ["COLOR_UNSPECIFIED", "COLOR_RED", "COLOR_GREEN", "COLOR_BLUE"])
        #expect(color.value(number: 2)?.name == "COLOR_GREEN")
        #expect(color.value(named: "COLOR_BLUE")?.number == 3)
        #expect(!color.isClosed)
        #expect(color.values[0].comments.leading == "Not set.")
        #expect(try #require(set.enumType(fullName: "codec.test2.Level")).isClosed)
    }

    @Test func describesFieldsForTheCodecs() throws {
        let all = try #require(set.message(fullName: "codec.test.AllTypes"))
        let custom = try #require(all.field(named: "custom_field"))
        #expect(custom.jsonName == "customAlias")
        #expect(all.field(jsonKey: "customAlias") === custom)
        #expect(all.field(jsonKey: "custom_field") === custom)
        #expect(all.field(jsonKey: "customField") == nil)
        #expect(all.field(named: "field_with_1_digit")?.jsonName == "fieldWith1Digit")
        #expect(all.field(number: 536_870_911)?.name == "max_number_field")
        #expect(all.field(number: 9) == nil)

        // Packing: proto3 default for packable kinds, explicit `packed = false` wins.
        #expect(all.field(named: "packed_int32")?.isPacked == true)
        #expect(all.field(named: "packed_color")?.isPacked == true)
        #expect(all.field(named: "unpacked_int32")?.isPacked == false)
        #expect(all.field(named: "rep_string")?.isPacked == false)
        let proto2 = try #require(set.message(fullName: "codec.test2.Proto2Message"))
        #expect(proto2.field(named: "unpacked")?.isPacked == false)
        #expect(proto2.field(named: "packed")?.isPacked == true)

        // Presence.
        #expect(all.field(named: "color")?.hasPresence == false)
        #expect(all.field(named: "opt_int32")?.hasPresence == true)
        #expect(all.field(named: "nested")?.hasPresence == true)
        #expect(all.field(named: "choice_string")?.hasPresence == true)
        #expect(proto2.field(named: "opt_string")?.hasPresence == true)
        #expect(proto2.field(named: "opt_string")?.defaultValue == "hello")
        #expect(proto2.field(named: "req_int32")?.label == .required)
        #expect(proto2.field(named: "item")?.type == .group)
        #expect(proto2.field(named: "item")?.messageType(in: set)?.fullName == "codec.test2.Proto2Message.Item")

        // Every kind of the 18 appears in the fixtures.
        let kinds = Set(set.files.flatMap { $0.messages.flatMap(Self.allFields) }.map(\.type))
        #expect(kinds == Set(FieldDescriptor.FieldType.allCases))
    }

    @Test func describesMapsAndOneofs() throws {
        let all = try #require(set.message(fullName: "codec.test.AllTypes"))
        let map = try #require(all.field(named: "map_int64_nested"))
        #expect(map.isMap && !map.isList && map.isRepeated)
        #expect(map.mapKey?.type == .int64)
        #expect(map.mapValue?.type == .message)
        #expect(map.mapValue?.messageType(in: set)?.fullName == "codec.test.Nested")
        #expect(map.messageType(in: set)?.isMapEntry == true)
        #expect(all.field(named: "map_uint32_color")?.mapValue?.enumType(in: set)?.fullName == "codec.test.Color")
        #expect(all.field(named: "rep_nested")?.isList == true)
        #expect(all.field(named: "rep_nested")?.isMap == false)

        #expect(
            all.oneofs.map(\.name) == [
                "choice", "_opt_int32", "_opt_string", "_opt_color", "_opt_int64", "_opt_bytes", "_opt_double",
            ])
        #expect(all.realOneofs.map(\.name) == ["choice"])
        let choice = all.oneofs[0]
        #expect(!choice.isSynthetic)
        #expect(
            choice.fields.map(\.name) == [
                "choice_string", "choice_int64", "choice_nested", "choice_color", "choice_wrapped", "choice_value",
            ])
        #expect(choice.comments.leading == "Exactly one choice.")
        #expect(choice.fields[0].comments.leading == "A text choice.")
        #expect(all.oneofs[1].isSynthetic)
        #expect(all.field(named: "opt_int32")?.isProto3Optional == true)
        #expect(all.field(named: "opt_int32")?.oneofIndex == 1)
        #expect(all.field(named: "choice_int64")?.oneofIndex == 0)
    }

    @Test func keepsComments() throws {
        let service = try #require(set.service(fullName: "codec.svc.v1.EchoService"))
        #expect(service.comments.leading == "The echo service.\n Indented second line.")
        #expect(service.comments.leadingDetached == ["A detached comment, separated by a blank line."])
        let echo = service.methods[0]
        #expect(echo.comments.leading == "Echo returns the text.")
        #expect(echo.comments.trailing == "Trailing comment on Echo.")
        #expect(echo.comments.text == "Echo returns the text.\n\nTrailing comment on Echo.")
        #expect(service.methods[2].comments.isEmpty)
        #expect(service.methods[3].comments.leading == "Chat: a block comment.")

        let request = try #require(set.message(fullName: "codec.svc.v1.EchoRequest"))
        #expect(request.comments.leading == "An echo request.")
        #expect(request.field(named: "text")?.comments.leading == "The text to echo.")
        let nested = try #require(set.message(fullName: "codec.test.Nested"))
        #expect(nested.comments.leading == "A tree node.")
        #expect(nested.field(named: "a")?.comments.trailing == "The number.")
        #expect(nested.nestedMessages[0].comments.leading == "A nested message.")
        #expect(nested.nestedEnums[0].comments.leading == "A nested enum.")
        #expect(set.enumType(fullName: "codec.test.Color")?.comments.leading == "A color.")
    }

    @Test func readsFieldBehavior() throws {
        let request = try #require(set.message(fullName: "codec.svc.v1.EchoRequest"))
        #expect(request.field(named: "text")?.isRequiredByFieldBehavior == true)
        #expect(request.field(named: "text")?.fieldBehaviors == [2])
        #expect(request.field(named: "count")?.isRequiredByFieldBehavior == false)
        #expect(request.field(named: "id")?.fieldBehaviors == [3, 2])
        #expect(request.field(named: "id")?.isRequiredByFieldBehavior == true)
        #expect(request.field(named: "shared")?.fieldBehaviors == [])
    }

    // `[(google.api.field_behavior) = …]` written packed (older googleapis) reads the same.
    @Test func readsPackedFieldBehavior() throws {
        var options = ProtobufWireWriter()
        options.writeTag(1052, .lengthDelimited)
        options.writeLengthDelimited([3, 2])
        var field = ProtobufWireWriter()
        field.writeTag(1, .lengthDelimited)
        field.writeString("x")
        field.writeTag(3, .varint)
        field.writeVarint(1)
        field.writeTag(4, .varint)
        field.writeVarint(1)
        field.writeTag(5, .varint)
        field.writeVarint(9)
        field.writeTag(8, .lengthDelimited)
        field.writeLengthDelimited(options.bytes)
        var message = ProtobufWireWriter()
        message.writeTag(1, .lengthDelimited)
        message.writeString("M")
        message.writeTag(2, .lengthDelimited)
        message.writeLengthDelimited(field.bytes)
        var file = ProtobufWireWriter()
        file.writeTag(1, .lengthDelimited)
        file.writeString("m.proto")
        file.writeTag(4, .lengthDelimited)
        file.writeLengthDelimited(message.bytes)
        file.writeTag(12, .lengthDelimited)
        file.writeString("proto3")
        var setBytes = ProtobufWireWriter()
        setBytes.writeTag(1, .lengthDelimited)
        setBytes.writeLengthDelimited(file.bytes)

        let set = try DescriptorSet.decode(setBytes.bytes)
        let x = try #require(set.message(fullName: "M")?.field(named: "x"))
        #expect(x.fieldBehaviors == [3, 2])
        #expect(x.isRequiredByFieldBehavior)
        #expect(x.jsonName == "x")
    }

    @Test func listsEveryMethodOfEveryFile() throws {
        #expect(
            set.methods.map(\.fullName) == [
                "codec.imported.v1.SharedService/Ping",
                "codec.svc.v1.EchoService/Echo",
                "codec.svc.v1.EchoService/Expand",
                "codec.svc.v1.EchoService/Collect",
                "codec.svc.v1.EchoService/Chat",
            ])
        let kinds = set.methods.map { ($0.clientStreaming, $0.serverStreaming) }
        #expect(kinds.map(\.0) == [false, false, false, true, true])
        #expect(kinds.map(\.1) == [false, false, true, false, true])
        #expect(set.method(path: "/codec.svc.v1.EchoService/Expand")?.inputType == "codec.svc.v1.EchoRequest")
        #expect(set.method(path: "codec.svc.v1.EchoService/Expand")?.outputType == "codec.svc.v1.EchoResponse")
        #expect(set.method(path: "codec.svc.v1.EchoService/Missing") == nil)
        #expect(set.method(path: "codec.imported.v1.SharedService/Ping")?.file == "imported.proto")
        #expect(set.service(fullName: "codec.imported.v1.SharedService")?.methods.count == 1)
        #expect(set.method(path: "/codec.svc.v1.EchoService/Echo")?.path == "/codec.svc.v1.EchoService/Echo")
    }

    @Test func computesDependencyClosures() {
        #expect(
            set.dependencyClosure(ofFile: "service.proto").map(\.name) == [
                "google/protobuf/descriptor.proto", "google/api/field_behavior.proto", "imported.proto",
                "service.proto",
            ])
        #expect(set.dependencyClosure(ofFile: "imported.proto").map(\.name) == ["imported.proto"])
        #expect(set.dependencyClosure(ofFile: "nope.proto").isEmpty)
    }

    // Reflection serves files whose services list only the exposed methods.
    @Test func filtersServedMethods() throws {
        let service = try #require(set.file(named: "service.proto"))
        #expect(service.rawBytes(keepingMethods: { _ in true }) == service.rawBytes)

        let exposed: Set = ["codec.svc.v1.EchoService/Echo", "codec.svc.v1.EchoService/Chat"]
        var writer = ProtobufWireWriter()
        for file in set.dependencyClosure(ofFile: "service.proto") {
            writer.writeTag(1, .lengthDelimited)
            writer.writeLengthDelimited(file.rawBytes(keepingMethods: { exposed.contains($0.fullName) }))
        }
        let served = try DescriptorSet.decode(writer.bytes)
        // Every file is filtered: imported.proto's service has nothing exposed and disappears.
        #expect(served.methods.map(\.fullName) == ["codec.svc.v1.EchoService/Echo", "codec.svc.v1.EchoService/Chat"])
        #expect(served.file(named: "imported.proto")?.services.isEmpty == true)
        #expect(served.message(fullName: "codec.imported.v1.Shared") != nil)
        #expect(
            served.service(fullName: "codec.svc.v1.EchoService")?.comments.leading
                == "The echo service.\n Indented second line.")
        #expect(served.message(fullName: "codec.svc.v1.EchoRequest")?.fields.count == 7)

        let none = try DescriptorSet.decode(
            [0x0A] + Self.varint(service.rawBytes(keepingMethods: { _ in false }).count)
                + service.rawBytes(keepingMethods: { _ in false }))
        #expect(none.files[0].services.isEmpty)
        #expect(none.files[0].messages.count == 2)
    }

    static func varint(_ value: Int) -> [UInt8] {
        var writer = ProtobufWireWriter()
        writer.writeVarint(UInt64(value))
        return writer.bytes
    }

    @Test func readsSetsWithoutSourceInfo() throws {
        let bytes = try Protoc.compile(["service.proto"], includes: [Protoc.fixturesDirectory], sourceInfo: false)
        let set = try DescriptorSet.decode(bytes)
        #expect(set.methods.count == 5)
        #expect(set.methods.allSatisfy { $0.comments.isEmpty })
    }

    @Test func emptyInputIsAnEmptySet() throws {
        let set = try DescriptorSet.decode([])
        #expect(set.files.isEmpty && set.methods.isEmpty)
    }

    // Truncated or corrupted descriptor sets fail with ProtobufDecodeError, never a trap.
    @Test func rejectsCorruptedSets() {
        let bytes = Protoc.fixtureSetBytes
        var random = SplitMix64(seed: 42)
        var failures = 0
        for round in 0..<300 {
            var corrupted = bytes
            if round % 2 == 0 {
                corrupted.removeLast(Int(random.next() % UInt64(bytes.count)))
            } else {
                for _ in 0..<4 {
                    corrupted[Int(random.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: random.next())
                }
            }
            do {
                _ = try DescriptorSet.decode(corrupted)
            } catch {
                failures += 1
            }
        }
        #expect(failures > 100)
    }

    static func allFields(_ message: MessageDescriptor) -> [FieldDescriptor] {
        message.fields + message.nestedMessages.flatMap(allFields)
    }
}
