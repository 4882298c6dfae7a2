/// Reads a serialized FileDescriptorSet into ``RawDescriptorProto`` values.
///
/// Unknown fields are skipped (newer descriptor.proto versions add some); a known field with
/// the wrong wire type is an error rather than being misread. Counts and nesting are checked
/// against ``DescriptorLimits`` as they are read, so a hostile set stops early.
enum DescriptorProtoParser {
    static func parseSet(
        _ bytes: [UInt8], limits: DescriptorLimits = .init()
    ) throws(ProtobufDecodeError) -> [RawDescriptorProto.File] {
        var budget = DescriptorBudget(limits: limits)
        try budget.checkSize(bytes.count)
        var reader = ProtobufWireReader(bytes)
        var files: [RawDescriptorProto.File] = []
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            if tag.fieldNumber == 1 {
                try expect(tag, .lengthDelimited, "FileDescriptorSet", at: reader)
                try budget.countFile(at: reader.offset)
                var fileReader = try reader.readMessageReader()
                let range = fileReader.offset..<fileReader.limit
                var file = try parseFile(&fileReader, &budget)
                file.range = range
                files.append(file)
            } else {
                try reader.skipField(tag)
            }
        }
        return files
    }

    private static func expect(
        _ tag: ProtobufTag, _ wireType: ProtobufWireType, _ message: String, at reader: ProtobufWireReader
    ) throws(ProtobufDecodeError) {
        guard tag.wireType == wireType else {
            throw ProtobufDecodeError(
                .invalidDescriptor,
                "field \(tag.fieldNumber) of google.protobuf.\(message) has wire type \(tag.wireType), expected \(wireType)",
                offset: reader.offset)
        }
    }

    /// Repeated varints, packed or not.
    private static func readVarints(
        _ tag: ProtobufTag, _ reader: inout ProtobufWireReader, _ message: String, into values: inout [Int32]
    ) throws(ProtobufDecodeError) {
        switch tag.wireType {
        case .varint:
            values.append(try reader.readInt32())
        case .lengthDelimited:
            var packed = try reader.readMessageReader()
            while !packed.isAtEnd { values.append(try packed.readInt32()) }
        default:
            try expect(tag, .varint, message, at: reader)
        }
    }

    private static func parseFile(
        _ reader: inout ProtobufWireReader, _ budget: inout DescriptorBudget
    ) throws(ProtobufDecodeError) -> RawDescriptorProto.File {
        var file = RawDescriptorProto.File()
        let kind = "FileDescriptorProto"
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.fieldNumber {
            case 1:
                try expect(tag, .lengthDelimited, kind, at: reader)
                file.name = try reader.readString()
            case 2:
                try expect(tag, .lengthDelimited, kind, at: reader)
                file.package = try reader.readString()
            case 3:
                try expect(tag, .lengthDelimited, kind, at: reader)
                file.dependencies.append(try reader.readString())
            case 10:
                var values: [Int32] = []
                try readVarints(tag, &reader, kind, into: &values)
                file.publicDependencies += values.map { Int($0) }
            case 4:
                try expect(tag, .lengthDelimited, kind, at: reader)
                try budget.countMessage(depth: 1, at: reader.offset)
                var nested = try reader.readMessageReader()
                file.messages.append(try parseMessage(&nested, &budget, depth: 1))
            case 5:
                try expect(tag, .lengthDelimited, kind, at: reader)
                var nested = try reader.readMessageReader()
                file.enums.append(try parseEnum(&nested, &budget))
            case 6:
                try expect(tag, .lengthDelimited, kind, at: reader)
                var nested = try reader.readMessageReader()
                file.services.append(try parseService(&nested, &budget))
            case 9:
                try expect(tag, .lengthDelimited, kind, at: reader)
                var nested = try reader.readMessageReader()
                try parseSourceCodeInfo(&nested, into: &file.locations)
            case 12:
                try expect(tag, .lengthDelimited, kind, at: reader)
                file.syntax = try reader.readString()
            case 14:
                try expect(tag, .varint, kind, at: reader)
                file.edition = Int(try reader.readInt32())
            default:
                try reader.skipField(tag)
            }
        }
        return file
    }

    /// A message at nesting `depth` (1 = top level), already counted by the caller.
    private static func parseMessage(
        _ reader: inout ProtobufWireReader, _ budget: inout DescriptorBudget, depth: Int
    ) throws(ProtobufDecodeError) -> RawDescriptorProto.Message {
        var message = RawDescriptorProto.Message()
        let kind = "DescriptorProto"
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.fieldNumber {
            case 1:
                try expect(tag, .lengthDelimited, kind, at: reader)
                message.name = try reader.readString()
            case 2:
                try expect(tag, .lengthDelimited, kind, at: reader)
                try budget.countField(at: reader.offset)
                var nested = try reader.readMessageReader()
                message.fields.append(try parseField(&nested))
            case 3:
                try expect(tag, .lengthDelimited, kind, at: reader)
                try budget.countMessage(depth: depth + 1, at: reader.offset)
                var nested = try reader.readMessageReader()
                message.nested.append(try parseMessage(&nested, &budget, depth: depth + 1))
            case 4:
                try expect(tag, .lengthDelimited, kind, at: reader)
                var nested = try reader.readMessageReader()
                message.enums.append(try parseEnum(&nested, &budget))
            case 7:
                try expect(tag, .lengthDelimited, kind, at: reader)
                var options = try reader.readMessageReader()
                while !options.isAtEnd {
                    let optionTag = try options.readTag()
                    if optionTag.fieldNumber == 7, optionTag.wireType == .varint {
                        message.isMapEntry = try options.readBool()
                    } else {
                        try options.skipField(optionTag)
                    }
                }
            case 8:
                try expect(tag, .lengthDelimited, kind, at: reader)
                var oneof = try reader.readMessageReader()
                var name = ""
                while !oneof.isAtEnd {
                    let oneofTag = try oneof.readTag()
                    if oneofTag.fieldNumber == 1, oneofTag.wireType == .lengthDelimited {
                        name = try oneof.readString()
                    } else {
                        try oneof.skipField(oneofTag)
                    }
                }
                message.oneofs.append(name)
            default:
                try reader.skipField(tag)
            }
        }
        return message
    }

    private static func parseField(
        _ reader: inout ProtobufWireReader
    ) throws(ProtobufDecodeError) -> RawDescriptorProto.Field {
        var field = RawDescriptorProto.Field()
        let kind = "FieldDescriptorProto"
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.fieldNumber {
            case 1:
                try expect(tag, .lengthDelimited, kind, at: reader)
                field.name = try reader.readString()
            case 3:
                try expect(tag, .varint, kind, at: reader)
                field.number = Int(try reader.readInt32())
            case 4:
                try expect(tag, .varint, kind, at: reader)
                field.label = Int(try reader.readInt32())
            case 5:
                try expect(tag, .varint, kind, at: reader)
                field.type = Int(try reader.readInt32())
            case 6:
                try expect(tag, .lengthDelimited, kind, at: reader)
                field.typeName = try reader.readString()
            case 7:
                try expect(tag, .lengthDelimited, kind, at: reader)
                field.defaultValue = try reader.readString()
            case 9:
                try expect(tag, .varint, kind, at: reader)
                field.oneofIndex = Int(try reader.readInt32())
            case 10:
                try expect(tag, .lengthDelimited, kind, at: reader)
                field.jsonName = try reader.readString()
            case 17:
                try expect(tag, .varint, kind, at: reader)
                field.proto3Optional = try reader.readBool()
            case 8:
                try expect(tag, .lengthDelimited, kind, at: reader)
                var options = try reader.readMessageReader()
                try parseFieldOptions(&options, into: &field)
            default:
                try reader.skipField(tag)
            }
        }
        return field
    }

    /// FieldOptions: `packed` (2) and the `google.api.field_behavior` extension (1052, a
    /// repeated enum, packed or not), which protoc leaves among the options' unknown fields.
    private static func parseFieldOptions(
        _ reader: inout ProtobufWireReader, into field: inout RawDescriptorProto.Field
    ) throws(ProtobufDecodeError) {
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch (tag.fieldNumber, tag.wireType) {
            case (2, .varint):
                field.packed = try reader.readBool()
            case (FieldDescriptor.fieldBehaviorExtensionNumber, .varint),
                (FieldDescriptor.fieldBehaviorExtensionNumber, .lengthDelimited):
                try readVarints(tag, &reader, "FieldOptions", into: &field.fieldBehaviors)
            default:
                try reader.skipField(tag)
            }
        }
    }

    private static func parseEnum(
        _ reader: inout ProtobufWireReader, _ budget: inout DescriptorBudget
    ) throws(ProtobufDecodeError) -> RawDescriptorProto.Enum {
        var value = RawDescriptorProto.Enum()
        let kind = "EnumDescriptorProto"
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.fieldNumber {
            case 1:
                try expect(tag, .lengthDelimited, kind, at: reader)
                value.name = try reader.readString()
            case 2:
                try expect(tag, .lengthDelimited, kind, at: reader)
                try budget.countEnumValue(at: reader.offset)
                var nested = try reader.readMessageReader()
                var name = ""
                var number: Int32 = 0
                while !nested.isAtEnd {
                    let valueTag = try nested.readTag()
                    switch (valueTag.fieldNumber, valueTag.wireType) {
                    case (1, .lengthDelimited): name = try nested.readString()
                    case (2, .varint): number = try nested.readInt32()
                    default: try nested.skipField(valueTag)
                    }
                }
                value.values.append((name, number))
            default:
                try reader.skipField(tag)
            }
        }
        return value
    }

    private static func parseService(
        _ reader: inout ProtobufWireReader, _ budget: inout DescriptorBudget
    ) throws(ProtobufDecodeError) -> RawDescriptorProto.Service {
        var service = RawDescriptorProto.Service()
        let kind = "ServiceDescriptorProto"
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.fieldNumber {
            case 1:
                try expect(tag, .lengthDelimited, kind, at: reader)
                service.name = try reader.readString()
            case 2:
                try expect(tag, .lengthDelimited, kind, at: reader)
                try budget.countMethod(at: reader.offset)
                var nested = try reader.readMessageReader()
                service.methods.append(try parseMethod(&nested))
            default:
                try reader.skipField(tag)
            }
        }
        return service
    }

    private static func parseMethod(
        _ reader: inout ProtobufWireReader
    ) throws(ProtobufDecodeError) -> RawDescriptorProto.Method {
        var method = RawDescriptorProto.Method()
        let kind = "MethodDescriptorProto"
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            switch tag.fieldNumber {
            case 1:
                try expect(tag, .lengthDelimited, kind, at: reader)
                method.name = try reader.readString()
            case 2:
                try expect(tag, .lengthDelimited, kind, at: reader)
                method.inputType = try reader.readString()
            case 3:
                try expect(tag, .lengthDelimited, kind, at: reader)
                method.outputType = try reader.readString()
            case 5:
                try expect(tag, .varint, kind, at: reader)
                method.clientStreaming = try reader.readBool()
            case 6:
                try expect(tag, .varint, kind, at: reader)
                method.serverStreaming = try reader.readBool()
            case 4:
                try expect(tag, .lengthDelimited, kind, at: reader)
                var options = try reader.readMessageReader()
                try parseMethodOptions(&options, into: &method)
            default:
                try reader.skipField(tag)
            }
        }
        return method
    }

    /// MethodOptions: `idempotency_level` (34), the only option the gateway uses (MCP
    /// `readOnlyHint`, Connect GET). Everything else, extensions included, is skipped.
    private static func parseMethodOptions(
        _ reader: inout ProtobufWireReader, into method: inout RawDescriptorProto.Method
    ) throws(ProtobufDecodeError) {
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            if tag.fieldNumber == MethodDescriptor.idempotencyLevelOptionNumber {
                try expect(tag, .varint, "MethodOptions", at: reader)
                method.idempotencyLevel = try reader.readInt32()
            } else {
                try reader.skipField(tag)
            }
        }
    }

    private static func parseSourceCodeInfo(
        _ reader: inout ProtobufWireReader, into locations: inout [[Int32]: RawDescriptorProto.Location]
    ) throws(ProtobufDecodeError) {
        while !reader.isAtEnd {
            let tag = try reader.readTag()
            guard tag.fieldNumber == 1 else {
                try reader.skipField(tag)
                continue
            }
            try expect(tag, .lengthDelimited, "SourceCodeInfo", at: reader)
            var nested = try reader.readMessageReader()
            var path: [Int32] = []
            var location = RawDescriptorProto.Location()
            let kind = "SourceCodeInfo.Location"
            while !nested.isAtEnd {
                let locationTag = try nested.readTag()
                switch locationTag.fieldNumber {
                case 1:
                    try readVarints(locationTag, &nested, kind, into: &path)
                case 3:
                    try expect(locationTag, .lengthDelimited, kind, at: nested)
                    location.leading = try nested.readString()
                case 4:
                    try expect(locationTag, .lengthDelimited, kind, at: nested)
                    location.trailing = try nested.readString()
                case 6:
                    try expect(locationTag, .lengthDelimited, kind, at: nested)
                    location.detached.append(try nested.readString())
                default:
                    try nested.skipField(locationTag)
                }
            }
            // The first location of a path is the declaration itself; later ones are parts of it.
            // Only locations with comments are kept: every declaration, name, number and type
            // has a location, and a table of them all would outweigh the descriptors themselves.
            // (Each declaration's own path is unique in what protoc writes, so dropping
            // comment-less ones never lets a later location stand in for a declaration.)
            let hasComments = location.leading != nil || location.trailing != nil || !location.detached.isEmpty
            if hasComments, locations[path] == nil { locations[path] = location }
        }
    }
}
