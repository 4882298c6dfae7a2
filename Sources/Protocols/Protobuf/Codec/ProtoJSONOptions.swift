/// How ``ProtobufCodec`` converts between binary and ProtoJSON.
///
/// The defaults are what Connect and MCP need (SPEC §8.4, §8.5): JSON names on output,
/// default values omitted, unknown JSON keys rejected.
public struct ProtoJSONOptions: Sendable, Equatable {
    /// Binary → JSON: also write fields without presence at their zero value (`0`, `""`,
    /// first enum value), and empty lists and maps. Fields with presence stay absent when unset.
    public var emitDefaults = false
    /// Binary → JSON: key fields by proto name (`service_id`) instead of JSON name (`serviceId`).
    public var useProtoNames = false
    /// JSON → binary: skip keys that name no field, and enum names the enum does not list,
    /// instead of failing.
    public var ignoreUnknownFields = false

    /// Options with the given flags; all off by default.
    public init(emitDefaults: Bool = false, useProtoNames: Bool = false, ignoreUnknownFields: Bool = false) {
        self.emitDefaults = emitDefaults
        self.useProtoNames = useProtoNames
        self.ignoreUnknownFields = ignoreUnknownFields
    }
}
