import Runtime

/// `Authorization: Bearer <token>` parsing (scheme case-insensitive, surrounding space trimmed).
public enum BearerToken {
    public static func parse(_ header: String?) -> String? {
        guard let header else { return nil }
        let trimmed = header.trimmingASCIIWhitespace()
        guard trimmed.count > 7, trimmed.prefix(7).lowercased() == "bearer " else { return nil }
        let token = trimmed.dropFirst(7).trimmingASCIIWhitespace()
        return token.isEmpty ? nil : token
    }
}
