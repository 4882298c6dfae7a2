import Protocols

/// `Fixtures/gateway/gateway.proto` compiled by the real protoc, as the importer compiles
/// services (imports and source info included), and shortcuts into it.
enum GatewayFixtures {
    /// `Tests/ProtocolsTests/Fixtures`, found from this file.
    static let fixturesDirectory: String = {
        var components = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(2)  // TestSupport/GatewayFixtures.swift
        return components.joined(separator: "/") + "/Fixtures"
    }()

    /// The include paths: the fixture directory, `google/api/field_behavior.proto` and protoc's
    /// well-known types.
    static var includes: [String] {
        [fixturesDirectory + "/gateway", Protoc.fixturesDirectory, "/usr/include"]
    }

    static let setBytes: [UInt8] = {
        do {
            return try Protoc.compile(["gateway.proto"], includes: includes)
        } catch {
            fatalError("cannot compile gateway.proto: \(error)")
        }
    }()

    static let set: DescriptorSet = {
        do {
            return try DescriptorSet.decode(setBytes)
        } catch {
            fatalError("cannot decode the gateway descriptor set: \(error)")
        }
    }()

    static func message(_ name: String) -> MessageDescriptor {
        guard let message = set.message(fullName: "gw.test.v1." + name) ?? set.message(fullName: name) else {
            fatalError("no gateway fixture message \(name)")
        }
        return message
    }

    static func method(_ name: String) -> MethodDescriptor {
        guard let method = set.method(path: "gw.test.v1.TaskService/" + name) else {
            fatalError("no gateway fixture method \(name)")
        }
        return method
    }

    /// A proto file written to a fresh directory and compiled with the gateway includes.
    static func compile(source: String, named name: String) throws -> DescriptorSet {
        let directory = try Protoc.temporaryDirectory()
        defer { Protoc.removeTree(directory) }
        try Protoc.writeFile(directory + "/" + name, Array(source.utf8))
        return try DescriptorSet.decode(Protoc.compile([name], includes: [directory] + includes))
    }
}
