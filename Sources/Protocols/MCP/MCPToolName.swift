/// MCP tool names (SPEC §8.5): a stored name, or `<service>__<instance>__<snake(Method)>`.
public enum MCPToolName {
    /// The default tool name of a method: ids verbatim, the method name in snake case.
    public static func defaultName(serviceID: String, instanceID: String, method: String) -> String {
        "\(serviceID)__\(instanceID)__\(snakeCase(method))"
    }

    /// SPEC §8.5 snake case: an upper-case letter becomes `_` + lower case (no `_` at index 0);
    /// `-`, space, `.` and `/` become one `_` (never doubled or leading); other characters are
    /// kept; `_` is trimmed at both ends. `ListMergeRequests` → `list_merge_requests`,
    /// `GetHTTPStatus` → `get_h_t_t_p_status`.
    public static func snakeCase(_ name: String) -> String {
        var out = ""
        for (index, character) in name.enumerated() {
            if character.isASCII, character.isUppercase {
                if index > 0, out.last != "_" { out.append("_") }
                out.append(Character(character.lowercased()))
            } else if character == "-" || character == " " || character == "." || character == "/" {
                if !out.isEmpty, out.last != "_" { out.append("_") }
            } else {
                out.append(character)
            }
        }
        while out.hasPrefix("_") { out.removeFirst() }
        while out.hasSuffix("_") { out.removeLast() }
        return out
    }
}
