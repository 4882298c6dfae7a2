import Runtime

/// How an import provides the SDK: the request's policy, the daemon's SDK and its shared copy.
struct SDKSetup: Sendable {
    var policy: SDKPolicy
    var bundled: BundledSDK.Info?
    /// The bundled SDK's shared copy (``SDKStore/ensure(_:)``), which npm installs it from.
    var bundledCopy: String?
    var store: SDKStore

    /// Reads the daemon's SDK and makes sure its shared copy exists. Blocking: call it on the pool.
    static func prepare(policy: SDKPolicy, sdkDirectory: String?, servicesDirectory: String) throws -> SDKSetup {
        let store = SDKStore(servicesDirectory: servicesDirectory)
        let bundled = sdkDirectory.flatMap(BundledSDK.info)
        return SDKSetup(policy: policy, bundled: bundled, bundledCopy: try bundled.map(store.ensure), store: store)
    }
}
