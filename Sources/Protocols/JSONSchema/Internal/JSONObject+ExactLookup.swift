/// Member lookup by code points, for keywords that name properties (`required`, …).
extension JSONObject {
    /// The member named exactly `key` (code point comparison, unlike the subscript).
    func exactValue(_ key: String) -> JSONValue? {
        for entry in entries where entry.key.utf8.elementsEqual(key.utf8) { return entry.value }
        return nil
    }
}
