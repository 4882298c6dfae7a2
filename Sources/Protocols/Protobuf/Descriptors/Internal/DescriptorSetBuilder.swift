/// Turns ``RawDescriptorProto`` files into linked descriptors.
///
/// Two passes: the first numbers every message and enum (depth-first, in file order) and
/// indexes them by full name; the second builds descriptors bottom-up in the same order, so
/// each field can record its type as an index into the set's tables.
///
/// The first pass also checks every full name the second would build against
/// ``DescriptorLimits/maximumFullNameBytes``: full names repeat their scope, so unbounded
/// names would make the second pass quadratic in memory.
struct DescriptorSetBuilder {
    private let bytes: [UInt8]
    private let rawFiles: [RawDescriptorProto.File]
    private let maximumFullNameBytes: Int
    /// Raw messages and enums in table order, with their full names and file syntax.
    private var rawMessages: [(fullName: String, message: RawDescriptorProto.Message, syntax: String)] = []
    private var rawEnums: [String] = []
    private var messageIndex: [String: Int] = [:]
    private var enumIndex: [String: Int] = [:]

    // Built descriptors, filled in table order.
    private var messages: [MessageDescriptor?] = []
    private var enums: [EnumDescriptor?] = []
    private var nextMessage = 0
    private var nextEnum = 0

    init(bytes: [UInt8], files: [RawDescriptorProto.File], limits: DescriptorLimits = .init()) {
        self.bytes = bytes
        self.rawFiles = files
        self.maximumFullNameBytes = limits.maximumFullNameBytes
    }

    consuming func build() throws(ProtobufDecodeError) -> DescriptorSet {
        for file in rawFiles {
            let syntax = Self.syntax(of: file)
            for message in file.messages { try number(message, scope: file.package, syntax: syntax, file: file) }
            for value in file.enums { try numberEnum(value, scope: file.package, file: file) }
            for service in file.services {
                let serviceName = Self.join(file.package, service.name)
                try checkFullName(serviceName, in: file)
                for method in service.methods { try checkFullName(serviceName, "/", method.name, in: file) }
            }
        }
        messages = Array(repeating: nil, count: rawMessages.count)
        enums = Array(repeating: nil, count: rawEnums.count)

        var files: [FileDescriptor] = []
        for file in rawFiles {
            let syntax = Self.syntax(of: file)
            var fileMessages: [MessageDescriptor] = []
            for (i, message) in file.messages.enumerated() {
                fileMessages.append(
                    buildMessage(message, scope: file.package, path: [4, Int32(i)], file: file, syntax: syntax))
            }
            var fileEnums: [EnumDescriptor] = []
            for (i, value) in file.enums.enumerated() {
                fileEnums.append(
                    buildEnum(value, scope: file.package, path: [5, Int32(i)], file: file, syntax: syntax))
            }
            var services: [ServiceDescriptor] = []
            for (i, service) in file.services.enumerated() {
                let fullName = Self.join(file.package, service.name)
                var methods: [MethodDescriptor] = []
                for (j, method) in service.methods.enumerated() {
                    methods.append(
                        MethodDescriptor(
                            name: method.name, serviceFullName: fullName,
                            inputType: Self.trimmingDot(method.inputType),
                            outputType: Self.trimmingDot(method.outputType),
                            clientStreaming: method.clientStreaming, serverStreaming: method.serverStreaming,
                            idempotencyLevel: MethodDescriptor.IdempotencyLevel(rawValue: method.idempotencyLevel),
                            file: file.name, comments: Self.comments(file, [6, Int32(i), 2, Int32(j)])))
                }
                services.append(
                    ServiceDescriptor(
                        fullName: fullName, name: service.name, file: file.name, methods: methods,
                        comments: Self.comments(file, [6, Int32(i)])))
            }
            files.append(
                FileDescriptor(
                    name: file.name, package: file.package, dependencies: file.dependencies,
                    publicDependencies: file.publicDependencies, messages: fileMessages, enums: fileEnums,
                    services: services, syntax: syntax, rawBytes: Array(bytes[file.range])))
        }
        return DescriptorSet(files: files, messages: messages.map { $0! }, enums: enums.map { $0! })
    }

    // MARK: Pass 1: numbering

    private mutating func number(
        _ message: RawDescriptorProto.Message, scope: String, syntax: String, file: RawDescriptorProto.File
    ) throws(ProtobufDecodeError) {
        // Checked before the name is joined: scope and name are each within the input's size.
        try checkFullName(scope, ".", message.name, in: file)
        let fullName = Self.join(scope, message.name)
        for field in message.fields { try checkFullName(fullName, ".", field.name, in: file) }
        for oneof in message.oneofs { try checkFullName(fullName, ".", oneof, in: file) }
        if messageIndex[fullName] == nil { messageIndex[fullName] = rawMessages.count }
        rawMessages.append((fullName, message, syntax))
        for nested in message.nested { try number(nested, scope: fullName, syntax: syntax, file: file) }
        for value in message.enums { try numberEnum(value, scope: fullName, file: file) }
    }

    private mutating func numberEnum(
        _ value: RawDescriptorProto.Enum, scope: String, file: RawDescriptorProto.File
    ) throws(ProtobufDecodeError) {
        try checkFullName(scope, ".", value.name, in: file)
        let fullName = Self.join(scope, value.name)
        if enumIndex[fullName] == nil { enumIndex[fullName] = rawEnums.count }
        rawEnums.append(fullName)
    }

    /// The name `scope + separator + name` (just `name` when `scope` is empty) must fit the limit.
    private func checkFullName(
        _ scope: String, _ separator: String = "", _ name: String = "", in file: RawDescriptorProto.File
    ) throws(ProtobufDecodeError) {
        let length = scope.utf8.count + (scope.isEmpty || name.isEmpty ? 0 : separator.utf8.count) + name.utf8.count
        guard length > maximumFullNameBytes else { return }
        // The first 60 bytes of the name, without joining the whole (possibly huge) name.
        let head = Array(scope.utf8.prefix(60))
        let tail = scope.isEmpty ? Array(name.utf8.prefix(60)) : Array((separator + name).utf8.prefix(60 - head.count))
        let start = String(decoding: head.count < 60 ? head + tail : head, as: UTF8.self)
        throw ProtobufDecodeError(
            .limitExceeded,
            "a full name in \(file.name) (\"\(start)…\") is \(length) bytes, more than the limit of \(maximumFullNameBytes)",
            offset: file.range.lowerBound)
    }

    // MARK: Pass 2: building

    private mutating func buildMessage(
        _ raw: RawDescriptorProto.Message, scope: String, path: [Int32], file: RawDescriptorProto.File, syntax: String
    ) -> MessageDescriptor {
        let index = nextMessage
        nextMessage += 1
        let fullName = Self.join(scope, raw.name)
        var nested: [MessageDescriptor] = []
        for (i, message) in raw.nested.enumerated() {
            nested.append(
                buildMessage(message, scope: fullName, path: path + [3, Int32(i)], file: file, syntax: syntax))
        }
        var nestedEnums: [EnumDescriptor] = []
        for (i, value) in raw.enums.enumerated() {
            nestedEnums.append(
                buildEnum(value, scope: fullName, path: path + [4, Int32(i)], file: file, syntax: syntax))
        }
        var fields: [FieldDescriptor] = []
        for (k, field) in raw.fields.enumerated() {
            fields.append(
                makeField(
                    field, messageFullName: fullName, declarationIndex: k,
                    comments: Self.comments(file, path + [2, Int32(k)]), syntax: syntax, allowMap: true))
        }
        var oneofs: [OneofDescriptor] = []
        for (i, name) in raw.oneofs.enumerated() {
            let members = fields.filter { $0.oneofIndex == i }
            oneofs.append(
                OneofDescriptor(
                    name: name, fullName: fullName + "." + name, fields: members,
                    isSynthetic: !members.isEmpty && members.allSatisfy(\.isProto3Optional),
                    comments: Self.comments(file, path + [8, Int32(i)])))
        }
        let descriptor = MessageDescriptor(
            fullName: fullName, name: raw.name, file: file.name, fields: fields, oneofs: oneofs,
            nestedMessages: nested, nestedEnums: nestedEnums, isMapEntry: raw.isMapEntry,
            comments: Self.comments(file, path), index: index)
        messages[index] = descriptor
        return descriptor
    }

    private mutating func buildEnum(
        _ raw: RawDescriptorProto.Enum, scope: String, path: [Int32], file: RawDescriptorProto.File, syntax: String
    ) -> EnumDescriptor {
        let index = nextEnum
        nextEnum += 1
        let values = raw.values.enumerated().map { j, value in
            EnumValueDescriptor(
                name: value.name, number: value.number, comments: Self.comments(file, path + [2, Int32(j)]))
        }
        let descriptor = EnumDescriptor(
            fullName: Self.join(scope, raw.name), name: raw.name, file: file.name, values: values,
            isClosed: syntax == "proto2", comments: Self.comments(file, path))
        enums[index] = descriptor
        return descriptor
    }

    private func makeField(
        _ raw: RawDescriptorProto.Field, messageFullName: String, declarationIndex: Int, comments: ProtoComments,
        syntax: String, allowMap: Bool
    ) -> FieldDescriptor {
        let typeName = Self.trimmingDot(raw.typeName)
        var type = FieldDescriptor.FieldType(rawValue: raw.type)
        if type == nil, !typeName.isEmpty {
            // Descriptor producers other than protoc may leave the kind to resolution.
            type = messageIndex[typeName] != nil ? .message : enumIndex[typeName] != nil ? .enum : nil
        }
        let kind = type ?? .bytes
        let label = FieldDescriptor.Label(rawValue: raw.label) ?? .optional
        var typeIndex = -1
        switch kind {
        case .message, .group: typeIndex = messageIndex[typeName] ?? -1
        case .enum: typeIndex = enumIndex[typeName] ?? -1
        default: break
        }
        var mapKey: FieldDescriptor?
        var mapValue: FieldDescriptor?
        if allowMap, label == .repeated, kind == .message, typeIndex >= 0 {
            let entry = rawMessages[typeIndex]
            if entry.message.isMapEntry,
                let key = entry.message.fields.first(where: { $0.number == 1 }),
                let value = entry.message.fields.first(where: { $0.number == 2 })
            {
                mapKey = makeField(
                    key, messageFullName: entry.fullName, declarationIndex: 0, comments: .none, syntax: entry.syntax,
                    allowMap: false)
                mapValue = makeField(
                    value, messageFullName: entry.fullName, declarationIndex: 1, comments: .none, syntax: entry.syntax,
                    allowMap: false)
            }
        }
        let isPacked: Bool
        if label == .repeated, kind.isPackable {
            isPacked = raw.packed ?? (syntax != "proto2")
        } else {
            isPacked = false
        }
        let hasPresence: Bool
        if label == .repeated {
            hasPresence = false
        } else {
            hasPresence =
                kind == .message || kind == .group || raw.oneofIndex != nil || raw.proto3Optional || syntax != "proto3"
        }
        return FieldDescriptor(
            name: raw.name, fullName: messageFullName + "." + raw.name, number: raw.number, label: label, type: kind,
            typeName: typeName, jsonName: raw.jsonName ?? Self.jsonName(raw.name), oneofIndex: raw.oneofIndex,
            isProto3Optional: raw.proto3Optional, isPacked: isPacked, hasPresence: hasPresence,
            defaultValue: raw.defaultValue, fieldBehaviors: raw.fieldBehaviors, comments: comments,
            mapKey: mapKey, mapValue: mapValue, declarationIndex: declarationIndex, typeIndex: typeIndex)
    }

    // MARK: Helpers

    private static func syntax(of file: RawDescriptorProto.File) -> String {
        if file.syntax.isEmpty { return file.edition != nil ? "editions" : "proto2" }
        return file.syntax
    }

    private static func comments(_ file: RawDescriptorProto.File, _ path: [Int32]) -> ProtoComments {
        guard let location = file.locations[path] else { return .none }
        return ProtoComments(
            rawLeading: location.leading, rawTrailing: location.trailing, rawDetached: location.detached)
    }

    private static func join(_ scope: String, _ name: String) -> String {
        scope.isEmpty ? name : scope + "." + name
    }

    private static func trimmingDot(_ name: String) -> String {
        name.hasPrefix(".") ? String(name.dropFirst()) : name
    }

    /// protoc's `ToJsonName`: drop each `_` and upper-case the character after it.
    static func jsonName(_ name: String) -> String {
        var result = ""
        var capitalizeNext = false
        for character in name {
            if character == "_" {
                capitalizeNext = true
            } else if capitalizeNext {
                result += character.uppercased()
                capitalizeNext = false
            } else {
                result.append(character)
            }
        }
        return result
    }
}
