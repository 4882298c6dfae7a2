/// The ID rule of SPEC §1 for services, instances, capsets and tokens:
/// `^[a-zA-Z][a-zA-Z0-9_-]{0,62}$` (1–63 characters, starting with a letter).
public enum Identifier {
    public static let pattern = "^[a-zA-Z][a-zA-Z0-9_-]{0,62}$"

    public static func isValid(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard let first = bytes.first, bytes.count <= 63, isLetter(first) else { return false }
        return bytes.allSatisfy { isLetter($0) || ($0 >= 48 && $0 <= 57) || $0 == 95 || $0 == 45 }
    }

    /// Throws `invalid <kind> id "<id>": must match <regex>`.
    public static func validate(_ id: String, kind: String) throws(AdminError) {
        guard isValid(id) else {
            throw AdminError.badRequest("invalid \(kind) id \"\(id)\": must match \(pattern)")
        }
    }

    private static func isLetter(_ b: UInt8) -> Bool { (b >= 65 && b <= 90) || (b >= 97 && b <= 122) }
}
