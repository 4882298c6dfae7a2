import Protocols

/// One validated service root of an import, ready to be committed.
struct ServiceCandidate: Sendable {
    var serviceID: String
    /// Relative service root inside the package ("." for the package root).
    var root: String
    var manifest: ServiceManifest
    var nodeEntry: String
    /// The compiled descriptor in staging, and what it says.
    var descriptorPath: String
    var descriptor: ProtocCompiler.Output
}
