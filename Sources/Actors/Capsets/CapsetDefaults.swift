import Protocols

/// The binding rules of SPEC §6: default tool names, which methods "all methods" means, and
/// the tool-name conflict error.
enum CapsetDefaults {
    /// Every method the service has now: unary ones with their default MCP tool name,
    /// streaming ones without a tool.
    static func methods(of service: ServiceRecord, instanceID: String, capsetID: String) -> [CapsetMethodRecord] {
        (service.methods.arrayValue ?? []).compactMap { method -> CapsetMethodRecord? in
            guard let fullName = method["full_name"]?.stringValue, let name = method["name"]?.stringValue else { return nil }
            let unary = method["unary"]?.boolValue ?? false
            let tool = unary ? MCPToolName.defaultName(serviceID: service.id, instanceID: instanceID, method: name) : ""
            return CapsetMethodRecord(capsetID: capsetID, instanceID: instanceID, methodFullName: fullName, mcpToolName: tool)
        }
    }

    static func toolConflict(_ name: String) -> AdminError {
        AdminError.badRequest("MCP tool name conflict; specify --mcp-tool (\"\(name)\" is already exposed in this capset)")
    }

    /// MCP tool names: 1–128 of `A-Z a-z 0-9 _ - .` (the MCP specification's rule, which
    /// clients enforce).
    static func validateToolName(_ name: String) throws(AdminError) {
        let valid = !name.isEmpty && name.utf8.count <= 128 && name.utf8.allSatisfy {
            ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 95 || $0 == 45 || $0 == 46
        }
        guard valid else {
            throw AdminError.badRequest("invalid MCP tool name \"\(name)\": use 1-128 letters, digits, _, - or .")
        }
    }
}
