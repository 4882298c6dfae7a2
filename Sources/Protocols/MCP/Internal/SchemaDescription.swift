/// Proto comments as JSON Schema `description`s (SPEC §8.5): a comment is prepended to any
/// description the schema already has, separated by a blank line.
enum SchemaDescription {
    /// `schema` with `text` prepended to its `description` (set if there is none); unchanged
    /// when `text` is empty.
    static func prepending(_ text: String, to schema: JSONObject) -> JSONObject {
        guard !text.isEmpty else { return schema }
        var result = schema
        if case .string(let existing)? = schema["description"], !existing.isEmpty {
            result["description"] = .string(text + "\n\n" + existing)
        } else {
            result["description"] = .string(text)
        }
        return result
    }
}
