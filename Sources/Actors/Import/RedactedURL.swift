/// Hides credentials in URLs: `https://user:pass@host` → `https://user:******@host`,
/// `https://token@host` → `https://******@host`.
public enum RedactedURL {
    /// The mask that replaces a password or token.
    public static let mask = "******"

    /// Where a URL's authority ends in free text (path, query, fragment, quotes, spaces).
    private static func endsAuthority(_ character: Character) -> Bool {
        switch character {
        case "/", "?", "#", " ", "\"", "'", "\n": true
        default: false
        }
    }

    public static func redact(_ text: String) -> String {
        guard text.contains("://"), text.contains("@") else { return text }
        var out = ""
        var rest = Substring(text)
        while let schemeEnd = rest.firstRange(of: "://") {
            out += rest[..<schemeEnd.upperBound]
            rest = rest[schemeEnd.upperBound...]
            let authorityEnd = rest.firstIndex(where: Self.endsAuthority) ?? rest.endIndex
            let authority = rest[..<authorityEnd]
            if let at = authority.lastIndex(of: "@") {
                let userinfo = authority[..<at]
                if let colon = userinfo.firstIndex(of: ":") {
                    out += userinfo[..<colon] + ":" + mask + "@"
                } else {
                    out += mask + "@"
                }
                out += authority[authority.index(after: at)...]
            } else {
                out += authority
            }
            rest = rest[authorityEnd...]
        }
        return out + rest
    }
}
