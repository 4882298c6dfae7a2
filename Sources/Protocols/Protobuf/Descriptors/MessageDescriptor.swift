/// A message type (DescriptorProto) with its fields, oneofs and nested types, and the
/// lookups the codecs use (by field number, by proto or JSON name).
public final class MessageDescriptor: Sendable {
    /// `<package>[.<outer messages>].<name>`, without a leading dot.
    public let fullName: String
    /// The simple name (`CalculatorResponse`).
    public let name: String
    /// The proto file that declares it.
    public let file: String
    /// Fields in declaration order.
    public let fields: [FieldDescriptor]
    /// All oneofs, real and synthetic (``OneofDescriptor/isSynthetic``), in declaration order.
    public let oneofs: [OneofDescriptor]
    /// Messages declared inside this one (map entries included).
    public let nestedMessages: [MessageDescriptor]
    /// Enums declared inside this one.
    public let nestedEnums: [EnumDescriptor]
    /// A synthesized `map<K, V>` entry (`option map_entry = true`).
    public let isMapEntry: Bool
    /// The message's comments in the .proto file.
    public let comments: ProtoComments
    /// Fields ordered by number (the order the codecs write them).
    public let fieldsByNumber: [FieldDescriptor]
    /// Fields declared `required` (proto2).
    let requiredFields: [FieldDescriptor]

    /// Index in the set's message table.
    let index: Int
    /// Set for the google.protobuf types with a special ProtoJSON form.
    let wellKnownType: WellKnownType?
    /// Field number → declaration index: dense for small numbers, else a dictionary.
    private let denseNumberIndex: [Int32]
    private let sparseNumberIndex: [Int: Int]
    /// Proto name and JSON name → declaration index.
    private let keyIndex: [String: Int]

    init(
        fullName: String, name: String, file: String, fields: [FieldDescriptor], oneofs: [OneofDescriptor],
        nestedMessages: [MessageDescriptor], nestedEnums: [EnumDescriptor], isMapEntry: Bool,
        comments: ProtoComments, index: Int
    ) {
        self.fullName = fullName
        self.name = name
        self.file = file
        self.fields = fields
        self.oneofs = oneofs
        self.nestedMessages = nestedMessages
        self.nestedEnums = nestedEnums
        self.isMapEntry = isMapEntry
        self.comments = comments
        self.index = index
        wellKnownType = WellKnownType(fullName: fullName)
        fieldsByNumber = fields.sorted { $0.number < $1.number }
        requiredFields = fields.filter { $0.label == .required }
        let maximumNumber = fields.map(\.number).max() ?? 0
        var dense: [Int32] = []
        var sparse: [Int: Int] = [:]
        if maximumNumber <= 1024 {
            dense = Array(repeating: -1, count: maximumNumber + 1)
            for (i, field) in fields.enumerated() where dense[field.number] < 0 { dense[field.number] = Int32(i) }
        } else {
            for (i, field) in fields.enumerated() where sparse[field.number] == nil { sparse[field.number] = i }
        }
        denseNumberIndex = dense
        sparseNumberIndex = sparse
        var keys: [String: Int] = [:]
        for (i, field) in fields.enumerated() where keys[field.name] == nil { keys[field.name] = i }
        for (i, field) in fields.enumerated() where keys[field.jsonName] == nil { keys[field.jsonName] = i }
        keyIndex = keys
    }

    /// The oneofs written in the .proto file (synthetic proto3-optional ones left out).
    public var realOneofs: [OneofDescriptor] { oneofs.filter { !$0.isSynthetic } }

    /// By field number.
    public func field(number: Int) -> FieldDescriptor? {
        if !denseNumberIndex.isEmpty || sparseNumberIndex.isEmpty {
            guard number >= 0, number < denseNumberIndex.count else { return nil }
            let i = denseNumberIndex[number]
            return i >= 0 ? fields[Int(i)] : nil
        }
        return sparseNumberIndex[number].map { fields[$0] }
    }

    /// By proto name (`service_id`).
    public func field(named name: String) -> FieldDescriptor? {
        guard let i = keyIndex[name], fields[i].name == name else {
            return fields.first { $0.name == name }
        }
        return fields[i]
    }

    /// By ProtoJSON key: the JSON name or the proto name (both are accepted on input).
    public func field(jsonKey key: String) -> FieldDescriptor? {
        keyIndex[key].map { fields[$0] }
    }
}
