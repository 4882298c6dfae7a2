import Protocols

extension Protoc {
    /// `examples/` at the repository root, found from this file.
    static let examplesDirectory: String = {
        var components = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(5)  // Tests/ProtocolsTests/Protobuf/TestSupport/<file>.swift
        return components.joined(separator: "/") + "/examples"
    }()

    /// An example's proto compiled as the importer does (`examples/<name>/proto/<file>`).
    static func exampleSet(_ example: String, _ file: String) throws -> DescriptorSet {
        let root = examplesDirectory + "/" + example + "/proto"
        return try DescriptorSet.decode(compile([file], includes: [root]))
    }
}
