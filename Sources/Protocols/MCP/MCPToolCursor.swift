/// A `tools/list` pagination cursor: opaque to clients, stable across changes to the tool set.
///
/// It holds the sort key of the last tool of the page it ends (`[service id, instance id,
/// method]`), not an index: the next page starts after that key, so tools added or removed
/// between two requests never make a page skip or repeat a tool that stayed. On the wire it
/// is `v1.` followed by unpadded base64url of the key as a JSON array of strings.
public struct MCPToolCursor: Sendable, Equatable {
    /// The sort key of the last tool already returned.
    public let afterKey: [String]

    private static let prefix = "v1."

    /// A cursor continuing after the tool with sort key `afterKey`.
    public init(afterKey: [String]) {
        self.afterKey = afterKey
    }

    /// Reads a cursor a client sent back.
    /// - Throws: ``JSONRPCErrorCode/invalidParams`` `"invalid cursor"` for anything we did not
    ///   issue (MCP: an invalid cursor is an invalid-params error).
    public init(parsing text: String, maximumBytes: Int = MCPLimits.defaultMaximumCursorBytes) throws(MCPRequestRejection) {
        let invalid = MCPRequestRejection(.invalidParams, "invalid cursor")
        guard text.utf8.count <= maximumBytes, text.hasPrefix(Self.prefix) else { throw invalid }
        let encoded = String(text.dropFirst(Self.prefix.count))
        guard encoded.utf8.allSatisfy(Self.isBase64URL), let bytes = ProtoJSONBase64.decode(encoded),
            Self.base64URL(bytes) == encoded,
            case .array(let items)? = try? JSONParser.parse(bytes), !items.isEmpty
        else { throw invalid }
        var key: [String] = []
        for item in items {
            guard case .string(let component) = item else { throw invalid }
            key.append(component)
        }
        afterKey = key
    }

    /// The cursor as sent to clients (`nextCursor`).
    public var text: String {
        Self.prefix + Self.base64URL(JSONWriter().bytes(.array(afterKey.map(JSONValue.string))))
    }

    private static func isBase64URL(_ byte: UInt8) -> Bool {
        switch byte {
        case 48...57, 65...90, 97...122, UInt8(ascii: "-"), UInt8(ascii: "_"): true
        default: false
        }
    }

    private static func base64URL(_ bytes: [UInt8]) -> String {
        var text = ""
        for character in ProtoJSONBase64.encode(bytes) {
            switch character {
            case "+": text.append("-")
            case "/": text.append("_")
            case "=": break
            default: text.append(character)
            }
        }
        return text
    }
}

/// `tools/list` pages (MCP pagination): tools in sort-key order, ``MCPLimits/defaultToolsPageSize``
/// at a time, with a ``MCPToolCursor`` to the next page while more remain.
public enum MCPToolPagination {
    /// One page of `tools` after `cursor` (nil: the first page).
    ///
    /// Tools are ordered by `key` (components compared in order, each by UTF-8 bytes) — for
    /// SPEC §8.5 `[service id, instance id, method]` — whatever order they arrive in. Keys
    /// must be unique. `nextCursor` is nil on the last page.
    /// - Throws: ``JSONRPCErrorCode/invalidParams`` `"invalid cursor"` for a cursor we did not issue.
    public static func page<Tool>(
        _ tools: [Tool], key: (Tool) -> [String], cursor: String?, pageSize: Int = MCPLimits.defaultToolsPageSize
    ) throws(MCPRequestRejection) -> (tools: [Tool], nextCursor: String?) {
        let keyed = tools.map { (key: key($0), tool: $0) }.sorted { precedes($0.key, $1.key) }
        var start = 0
        if let cursor {
            let after = try MCPToolCursor(parsing: cursor).afterKey
            start = keyed.firstIndex { precedes(after, $0.key) } ?? keyed.count
        }
        let end = min(keyed.count, start + max(1, pageSize))
        let page = keyed[start..<end]
        let next = end < keyed.count ? page.last.map { MCPToolCursor(afterKey: $0.key).text } : nil
        return (page.map(\.tool), next)
    }

    /// `params.cursor` of a `tools/list` request: nil when absent or null (the first page).
    /// - Throws: ``JSONRPCErrorCode/invalidParams`` `"invalid cursor"` when it is not a string.
    public static func cursor(in params: JSONObject?) throws(MCPRequestRejection) -> String? {
        switch params?["cursor"] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw MCPRequestRejection(.invalidParams, "invalid cursor")
        }
    }

    /// Lexicographic order of keys, each component by its UTF-8 bytes.
    static func precedes(_ a: [String], _ b: [String]) -> Bool {
        for (x, y) in zip(a, b) where x != y {
            return x.utf8.lexicographicallyPrecedes(y.utf8)
        }
        return a.count < b.count
    }
}
