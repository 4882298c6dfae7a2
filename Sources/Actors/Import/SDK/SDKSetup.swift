import Runtime

/// How an import provides the SDK: the request's policy, the daemon's SDK and its shared copy.
struct SDKSetup: Sendable {
    var policy: SDKPolicy
    var bundled: BundledSDK.Info?
    /// The bundled SDK's shared copy (``SDKStore/ensure(_:)``), which npm installs it from.
    var bundledCopy: String?
    var store: SDKStore
    /// Why the shared copy could not be made; an error only for a package that needs it.
    var copyError: String?

    /// Reads the daemon's SDK and makes sure its shared copy exists. Blocking: call it on the pool.
    static func prepare(policy: SDKPolicy, sdkDirectory: String?, servicesDirectory: String) -> SDKSetup {
        let store = SDKStore(servicesDirectory: servicesDirectory)
        let bundled = sdkDirectory.flatMap(BundledSDK.info)
        var setup = SDKSetup(policy: policy, bundled: bundled, bundledCopy: nil, store: store)
        do {
            setup.bundledCopy = try bundled.map(store.ensure)
        } catch {
            setup.copyError = "\(error)"
        }
        return setup
    }
}
