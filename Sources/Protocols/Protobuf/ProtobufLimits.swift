/// Limits that keep hostile protobuf input (binary or ProtoJSON) from exhausting the stack or the CPU.
public enum ProtobufLimits {
    /// Maximum nesting of messages and groups while decoding, encoding or converting: 100, the
    /// default of the reference C++, Java and Go runtimes (and of the SDK's JS codec). Far deeper
    /// than any sane schema, far shallower than a thread's stack.
    public static let defaultMaximumDepth = 100
}
