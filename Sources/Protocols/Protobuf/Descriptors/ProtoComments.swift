/// The comments protoc recorded for a declaration (`--include_source_info`), cleaned for display.
///
/// Each comment is trimmed as protoc-gen-doc does: one leading space is removed from every
/// line and the text is trimmed at both ends. Absent comments are empty strings.
public struct ProtoComments: Sendable, Equatable {
    /// The comment just above the declaration.
    public let leading: String
    /// The comment after the declaration, on the same line or the next.
    public let trailing: String
    /// Comments above the declaration separated from it by a blank line.
    public let leadingDetached: [String]

    /// No comments at all.
    public static let none = ProtoComments(leading: "", trailing: "", leadingDetached: [])

    /// Comments already cleaned.
    public init(leading: String, trailing: String, leadingDetached: [String] = []) {
        self.leading = leading
        self.trailing = trailing
        self.leadingDetached = leadingDetached
    }

    /// Cleans raw comments as protoc recorded them (`" Adds.\n"` → `"Adds."`).
    init(rawLeading: String?, rawTrailing: String?, rawDetached: [String]) {
        self.init(
            leading: rawLeading.map(Self.clean) ?? "",
            trailing: rawTrailing.map(Self.clean) ?? "",
            leadingDetached: rawDetached.map(Self.clean))
    }

    /// Whether there is neither a leading nor a trailing comment.
    public var isEmpty: Bool { leading.isEmpty && trailing.isEmpty }

    /// Leading, then trailing, joined by a blank line (MCP tool descriptions, schema descriptions).
    public var text: String {
        if leading.isEmpty { return trailing }
        if trailing.isEmpty { return leading }
        return leading + "\n\n" + trailing
    }

    /// Removes one leading space per line, then trims whitespace at both ends.
    static func clean(_ raw: String) -> String {
        // "\r\n" is one Character in Swift: split on it too, so CRLF files clean the same.
        let lines = raw.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map {
            line in line.first == " " ? String(line.dropFirst()) : String(line)
        }
        let joined = lines.joined(separator: "\n")
        guard let first = joined.firstIndex(where: { !$0.isWhitespace }),
            let last = joined.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(joined[first...last])
    }
}
