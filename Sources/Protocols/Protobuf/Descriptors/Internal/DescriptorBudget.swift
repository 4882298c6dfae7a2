/// Counts what a descriptor set declares while it is parsed and stops at the first
/// ``DescriptorLimits`` bound exceeded, before the rest of the input is read or built.
struct DescriptorBudget {
    let limits: DescriptorLimits
    private var files = 0
    private var messages = 0
    private var fields = 0
    private var enumValues = 0
    private var methods = 0

    init(limits: DescriptorLimits) {
        self.limits = limits
    }

    /// The whole serialized set, before parsing.
    func checkSize(_ count: Int) throws(ProtobufDecodeError) {
        guard count <= limits.maximumBytes else {
            throw ProtobufDecodeError(
                .limitExceeded, "descriptor set is \(count) bytes, more than the limit of \(limits.maximumBytes)",
                offset: 0)
        }
    }

    mutating func countFile(at offset: Int) throws(ProtobufDecodeError) {
        try Self.count(&files, limit: limits.maximumFiles, "files", at: offset)
    }

    /// A message at nesting `depth` (1 for a top-level message).
    mutating func countMessage(depth: Int, at offset: Int) throws(ProtobufDecodeError) {
        guard depth <= limits.maximumNestingDepth else {
            throw ProtobufDecodeError(
                .limitExceeded, "messages nest deeper than the limit of \(limits.maximumNestingDepth) levels",
                offset: offset)
        }
        try Self.count(&messages, limit: limits.maximumMessages, "messages", at: offset)
    }

    mutating func countField(at offset: Int) throws(ProtobufDecodeError) {
        try Self.count(&fields, limit: limits.maximumFields, "fields", at: offset)
    }

    mutating func countEnumValue(at offset: Int) throws(ProtobufDecodeError) {
        try Self.count(&enumValues, limit: limits.maximumEnumValues, "enum values", at: offset)
    }

    mutating func countMethod(at offset: Int) throws(ProtobufDecodeError) {
        try Self.count(&methods, limit: limits.maximumMethods, "methods", at: offset)
    }

    private static func count(_ counter: inout Int, limit: Int, _ what: String, at offset: Int) throws(ProtobufDecodeError) {
        counter += 1
        guard counter <= limit else {
            throw ProtobufDecodeError(.limitExceeded, "descriptor set has more than the limit of \(limit) \(what)", offset: offset)
        }
    }
}
