import Protocols

/// Redacts secrets from CLI output (SPEC §7): values of keys containing `password`,
/// `token`, `secret` or `key` (case-insensitive; except `HasSecret` and `SecretSchemaPath`)
/// become `"******"`, and URL credentials become `user:******@`.
enum Redaction {
    static let mask = "******"
    static let exemptKeys: Set<String> = ["HasSecret", "SecretSchemaPath"]

    static func isSensitiveKey(_ key: String) -> Bool {
        if exemptKeys.contains(key) { return false }
        let lower = key.lowercased()
        return lower.contains("password") || lower.contains("token") || lower.contains("secret") || lower.contains("key")
    }

    static func redact(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            var out = JSONObject()
            for (key, inner) in object {
                if isSensitiveKey(key), !inner.isNull, !isContainer(inner) || isSensitiveContainerKey(key) {
                    out[key] = .string(mask)
                } else {
                    out[key] = redact(inner)
                }
            }
            return .object(out)
        case .array(let items):
            return .array(items.map(redact))
        case .string(let text):
            return .string(redactText(text))
        default:
            return value
        }
    }

    private static func isContainer(_ value: JSONValue) -> Bool {
        switch value {
        case .object, .array: true
        default: false
        }
    }

    /// Containers under keys like `tokens` or `restart_errors`-style lists are walked, not masked;
    /// a container under an explicit secret key (`secret`, `secret_json`) is masked whole.
    private static func isSensitiveContainerKey(_ key: String) -> Bool {
        let lower = key.lowercased()
        return lower == "secret" || lower == "secretjson" || lower == "secret_json" || lower == "password"
    }

    /// Masks credentials in `scheme://user:pass@host` forms inside free text.
    static func redactText(_ text: String) -> String {
        guard text.contains("://"), text.contains("@") else { return text }
        var out = ""
        var rest = Substring(text)
        while let schemeEnd = rest.firstRange(of: "://") {
            out += rest[..<schemeEnd.upperBound]
            rest = rest[schemeEnd.upperBound...]
            let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == " " || $0 == "\"" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
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
