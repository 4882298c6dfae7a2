import Protocols

extension JSONValue {
    /// The value with every object's keys sorted, for comparisons where key order is not
    /// part of the contract.
    var normalized: JSONValue {
        switch self {
        case .object(let object):
            return .object(JSONObject(object.sortedByKey().map { ($0.key, $0.value.normalized) }))
        case .array(let items):
            return .array(items.map(\.normalized))
        default:
            return self
        }
    }

    /// Follows object keys (`value.at("properties", "id")`).
    func at(_ keys: String...) -> JSONValue? {
        var current: JSONValue? = self
        for key in keys { current = current?[key] }
        return current
    }
}

/// Parses JSON text written in a test, failing the test on a typo.
func json(_ text: String) throws -> JSONValue {
    try JSONParser.parse(text)
}
