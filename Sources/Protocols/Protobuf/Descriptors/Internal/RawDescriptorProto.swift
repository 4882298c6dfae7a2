/// The parts of descriptor.proto's messages that ``DescriptorSet`` uses, as read from the wire
/// before names are resolved (field numbers from google/protobuf/descriptor.proto).
enum RawDescriptorProto {
    struct File {
        var name = ""
        var package = ""
        var dependencies: [String] = []
        var publicDependencies: [Int] = []
        var messages: [Message] = []
        var enums: [Enum] = []
        var services: [Service] = []
        var syntax = ""
        var edition: Int?
        /// Source locations by path, the first location of each path.
        var locations: [[Int32]: Location] = [:]
        /// The FileDescriptorProto's bytes in the set.
        var range: Range<Int> = 0..<0
    }

    struct Message {
        var name = ""
        var fields: [Field] = []
        var nested: [Message] = []
        var enums: [Enum] = []
        var oneofs: [String] = []
        var isMapEntry = false
    }

    struct Field {
        var name = ""
        var number = 0
        var label = 1
        var type = 0
        var typeName = ""
        var jsonName: String?
        var oneofIndex: Int?
        var defaultValue: String?
        var proto3Optional = false
        var packed: Bool?
        var fieldBehaviors: [Int32] = []
    }

    struct Enum {
        var name = ""
        var values: [(name: String, number: Int32)] = []
    }

    struct Service {
        var name = ""
        var methods: [Method] = []
    }

    struct Method {
        var name = ""
        var inputType = ""
        var outputType = ""
        var clientStreaming = false
        var serverStreaming = false
        /// MethodOptions.idempotency_level (34); 0 when absent.
        var idempotencyLevel: Int32 = 0
    }

    struct Location {
        var leading: String?
        var trailing: String?
        var detached: [String] = []
    }
}
