/// `application/x-www-form-urlencoded` query strings.
public enum QueryString {
    /// Splits `a=1&b=x%20y` into ordered pairs, decoding `+` and percent escapes.
    public static func parse(_ query: String) -> [(String, String)] {
        guard !query.isEmpty else { return [] }
        return query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            if let eq = pair.firstIndex(of: "=") {
                return (decode(pair[..<eq]), decode(pair[pair.index(after: eq)...]))
            }
            return (decode(pair), "")
        }
    }

    static func decode(_ text: Substring) -> String {
        PercentEncoding.decode(text.replacingOccurrences(of: "+", with: " "))
    }
}

extension Substring {
    func replacingOccurrences(of target: Character, with replacement: Character) -> String {
        String(map { $0 == target ? replacement : $0 })
    }
}
