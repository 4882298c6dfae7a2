/// Bounds on the size and shape of a descriptor set, checked while it is decoded, so that a
/// hostile schema fails with a clear error instead of exhausting memory.
///
/// Decoding is linear in the input except where names are joined: every field's full name
/// repeats its message's, so one 100,000-character message name with 5,000 fields (a 412 KB
/// .proto) once took the daemon to 481 MB. Bounding full names and counts keeps memory
/// proportional to what a real schema needs. A service's descriptor set, imports and source
/// info included, is typically tens of kilobytes; the defaults are far above any real API.
public struct DescriptorLimits: Sendable, Equatable {
    /// 16 MiB of serialized FileDescriptorSet: large public API surfaces stay in single megabytes.
    public static let defaultMaximumBytes = 16 << 20
    /// 1,024 files, imports included.
    public static let defaultMaximumFiles = 1_024
    /// 16,384 message types, nested types and map entries included.
    public static let defaultMaximumMessages = 16_384
    /// 65,536 fields over all messages.
    public static let defaultMaximumFields = 65_536
    /// 65,536 enum values over all enums.
    public static let defaultMaximumEnumValues = 65_536
    /// 4,096 methods over all services: each becomes a method record and a possible binding.
    public static let defaultMaximumMethods = 4_096
    /// 32 levels of messages declared inside messages (a top-level message is level 1):
    /// protoc itself refuses deeper nesting.
    public static let defaultMaximumNestingDepth = 32
    /// 512 bytes for a full name (`pkg.Outer.Inner.field`, `pkg.Service/Method`): real
    /// names stay well under 200.
    public static let defaultMaximumFullNameBytes = 512

    public var maximumBytes: Int
    public var maximumFiles: Int
    public var maximumMessages: Int
    public var maximumFields: Int
    public var maximumEnumValues: Int
    public var maximumMethods: Int
    public var maximumNestingDepth: Int
    public var maximumFullNameBytes: Int

    public init(
        maximumBytes: Int = Self.defaultMaximumBytes,
        maximumFiles: Int = Self.defaultMaximumFiles,
        maximumMessages: Int = Self.defaultMaximumMessages,
        maximumFields: Int = Self.defaultMaximumFields,
        maximumEnumValues: Int = Self.defaultMaximumEnumValues,
        maximumMethods: Int = Self.defaultMaximumMethods,
        maximumNestingDepth: Int = Self.defaultMaximumNestingDepth,
        maximumFullNameBytes: Int = Self.defaultMaximumFullNameBytes
    ) {
        self.maximumBytes = maximumBytes
        self.maximumFiles = maximumFiles
        self.maximumMessages = maximumMessages
        self.maximumFields = maximumFields
        self.maximumEnumValues = maximumEnumValues
        self.maximumMethods = maximumMethods
        self.maximumNestingDepth = maximumNestingDepth
        self.maximumFullNameBytes = maximumFullNameBytes
    }
}
