import Protocols

/// A capset as stored and returned by the admin API (SPEC §6 Capset).
public struct CapsetRecord: Sendable, Equatable {
    public var id: String
    public var name: String
    public var description: String = ""
    public var enabled: Bool = true
    public var createdAt: String = ""
    public var updatedAt: String = ""

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }

    public var json: JSONValue {
        .object([
            "ID": .string(id), "Name": .string(name), "Description": .string(description), "Enabled": .bool(enabled),
            "CreatedAt": .string(createdAt), "UpdatedAt": .string(updatedAt),
        ])
    }
}

/// An instance bound into a capset (SPEC §1, §6 CapsetInstance); id `"<capset>:<instance>"`.
public struct CapsetInstanceRecord: Sendable, Equatable {
    public var capsetID: String
    public var instanceID: String
    public var serviceID: String
    public var alias: String = ""
    public var includeAllMethods: Bool
    public var enabled: Bool = true
    public var createdAt: String = ""
    public var updatedAt: String = ""

    public var id: String { "\(capsetID):\(instanceID)" }

    public init(capsetID: String, instanceID: String, serviceID: String, includeAllMethods: Bool) {
        self.capsetID = capsetID
        self.instanceID = instanceID
        self.serviceID = serviceID
        self.includeAllMethods = includeAllMethods
    }

    public var json: JSONValue {
        .object([
            "ID": .string(id), "CapsetID": .string(capsetID), "ServiceID": .string(serviceID),
            "InstanceID": .string(instanceID), "Alias": .string(alias), "IncludeAllMethods": .bool(includeAllMethods),
            "Enabled": .bool(enabled), "CreatedAt": .string(createdAt), "UpdatedAt": .string(updatedAt),
        ])
    }
}

/// One exposed method of a bound instance (SPEC §6 CapsetMethod); id
/// `"<capset>:<instance>:<method>"`. `mcpToolName` is empty for streaming methods.
public struct CapsetMethodRecord: Sendable, Equatable {
    public var capsetID: String
    public var instanceID: String
    public var methodFullName: String
    public var restAlias: String = ""
    public var mcpToolName: String
    public var enabled: Bool = true
    public var createdAt: String = ""
    public var updatedAt: String = ""

    public var capsetInstanceID: String { "\(capsetID):\(instanceID)" }
    public var id: String { "\(capsetID):\(instanceID):\(methodFullName)" }

    public init(capsetID: String, instanceID: String, methodFullName: String, mcpToolName: String) {
        self.capsetID = capsetID
        self.instanceID = instanceID
        self.methodFullName = methodFullName
        self.mcpToolName = mcpToolName
    }

    public var json: JSONValue {
        .object([
            "ID": .string(id), "CapsetInstanceID": .string(capsetInstanceID), "MethodFullName": .string(methodFullName),
            "RestAlias": .string(restAlias), "MCPToolName": .string(mcpToolName), "Enabled": .bool(enabled),
            "CreatedAt": .string(createdAt), "UpdatedAt": .string(updatedAt),
        ])
    }
}
