import Protocols
import Runtime

/// An imported service as stored (SPEC §3.4) and returned by the admin API (PascalCase keys).
public struct ServiceRecord: Sendable, Equatable {
    public var id: String
    public var name: String
    public var packageSource: String = ""
    public var packageArtifactPath: String = ""
    public var packageSHA256: String = ""
    public var packageVersion: String = ""
    public var descriptorPath: String = ""
    public var descriptorSHA256: String = ""
    public var descriptorVersion: String = ""
    /// SPEC §1 method records as JSON (`null` when none).
    public var methods: JSONValue = .null
    public var nodeEntry: String = ""
    public var serviceRoot: String = "."
    public var runtimeMode: RuntimeMode = .longRunning
    public var configSchemaPath: String = ""
    public var secretSchemaPath: String = ""
    /// Whether the import that produced this version ran package scripts (`--allow-scripts`).
    public var allowScripts = false
    /// Which SDK the service runs on: `bundled <version>` (the daemon's own), `registry <version>`
    /// (installed by npm), `vendored [<version>]` (shipped in the package), or "" (none).
    public var sdk = ""
    public var createdAt: String = ""
    public var updatedAt: String = ""

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }

    /// The admin API shape (SPEC §6 Service).
    public var json: JSONValue {
        .object([
            "ID": .string(id), "Name": .string(name),
            "PackageSource": .string(packageSource), "PackageArtifactPath": .string(packageArtifactPath),
            "PackageSHA256": .string(packageSHA256), "PackageVersion": .string(packageVersion),
            "ProtoBundlePath": .string(""), "ProtoBundleSHA256": .string(""),
            "DescriptorPath": .string(descriptorPath), "DescriptorSHA256": .string(descriptorSHA256),
            "DescriptorVersion": .string(descriptorVersion), "Methods": methods,
            "NodeEntry": .string(nodeEntry), "ServiceRoot": .string(serviceRoot), "RuntimeMode": .string(runtimeMode.rawValue),
            "ConfigSchemaPath": .string(configSchemaPath), "SecretSchemaPath": .string(secretSchemaPath),
            "AllowScripts": .bool(allowScripts), "SDK": .string(sdk),
            "CreatedAt": .string(createdAt), "UpdatedAt": .string(updatedAt),
        ])
    }

    /// Names of the methods (`pkg.Svc/M`) recorded for the service.
    public var methodNames: [String] {
        methods.arrayValue?.compactMap { $0["full_name"]?.stringValue } ?? []
    }

    public func method(_ fullName: String) -> JSONValue? {
        let name = fullName.hasPrefix("/") ? String(fullName.dropFirst()) : fullName
        return methods.arrayValue?.first { $0["full_name"]?.stringValue == name }
    }
}
