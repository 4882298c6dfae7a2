/// Bounds of the MCP front end's pure pieces: schema generation, `tools/list` pages, cursors.
public enum MCPLimits {
    /// How many times one message type may be expanded on the current path of an
    /// `inputSchema` before it becomes a "JSON-encoded <Name>" string placeholder: 3, the
    /// default of redpanda's protoc-gen-go-mcp `MessageSchema`, which SPEC §8.5 follows.
    /// Recursive messages (`Task { repeated Task subtasks }`) stay finite and readable.
    public static let defaultMaximumRecursiveExpansions = 3

    /// Tools per `tools/list` page: 100. A capset rarely exposes more; clients that do not
    /// page still see the first hundred, and one page stays far below the 1 MiB body limit.
    public static let defaultToolsPageSize = 100

    /// Longest `tools/list` cursor accepted, in bytes: 4096. Cursors we issue hold one tool's
    /// sort key (service id, instance id, method: at most a few hundred bytes); anything longer
    /// is not ours and is refused before it is decoded.
    public static let defaultMaximumCursorBytes = 4096
}
