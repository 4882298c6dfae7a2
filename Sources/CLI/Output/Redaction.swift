import Actors
import Protocols

/// Redacts secrets from CLI output (SPEC §7): values of keys containing `password`,
/// `token`, `secret` or `key` (case-insensitive; except `HasSecret` and `SecretSchemaPath`)
/// become `"******"`, and URL credentials become `user:******@`.
enum Redaction {
    static let mask = RedactedURL.mask
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
            return .string(RedactedURL.redact(text))
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

}
