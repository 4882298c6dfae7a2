/// Keywords that apply subschemas to an array's items: `prefixItems`, `items`, `contains`
/// (with `minContains`/`maxContains`), `unevaluatedItems`.
extension SchemaEvaluator {
    func evaluateArrayKeyword(_ keyword: SchemaKeyword, _ items: [JSONValue], _ local: inout SchemaEvaluatedLocations,
                              track: Bool) -> Bool {
        var valid = true
        switch keyword {
        case .prefixItems(let schemas, _):
            let count = min(items.count, schemas.count)
            for index in 0..<count {
                let token = String(index)
                if !evaluateChild(schemas[index], items[index], instanceToken: token, keywordToken: token) {
                    valid = false
                    if !collecting || isFull { break }
                }
            }
            if track { local.itemPrefix = max(local.itemPrefix, count) }

        case .items(let schema, let start, _):
            if track { local.allItems = true }
            guard start < items.count else { return true }
            if isFalseSchema(schema) {
                report(start == 0
                    ? "must be empty (got \(Self.counted(items.count, "item")))"
                    : "must have at most \(Self.counted(start, "item")) (got \(items.count))")
                return false
            }
            for index in start..<items.count {
                if !evaluateChild(schema, items[index], instanceToken: String(index), keywordToken: nil) {
                    valid = false
                    if !collecting || isFull { break }
                }
            }

        case .contains(let schema, let minimum, let maximum):
            var matches = 0
            checking {
                for (index, item) in items.enumerated() {
                    instanceTokens.append(String(index))
                    var ignored = SchemaEvaluatedLocations()
                    let passed = evaluate(schema, item, &ignored, track: false)
                    instanceTokens.removeLast()
                    guard passed else { continue }
                    matches += 1
                    if track { local.items.insert(index) }
                    // Enough is known once the minimum is met, unless a maximum or annotations need the full count.
                    if !track, maximum == nil, matches >= minimum { break }
                }
            }
            if matches < minimum {
                valid = false
                report(minimum == 1
                    ? "must contain at least one item matching the contains schema"
                    : "must contain at least \(minimum) items matching the contains schema (found \(matches))")
            } else if let maximum, matches > maximum {
                valid = false
                report("must contain at most \(Self.counted(maximum, "item")) matching the contains schema"
                    + " (found \(matches))")
            }

        case .unevaluatedItems(let schema):
            for index in items.indices where !local.isItemEvaluated(index) {
                let passed: Bool
                if isFalseSchema(schema) {
                    instanceTokens.append(String(index))
                    report("unexpected item")
                    instanceTokens.removeLast()
                    passed = false
                } else {
                    passed = evaluateChild(schema, items[index], instanceToken: String(index), keywordToken: nil)
                }
                if !passed {
                    valid = false
                    if !collecting || isFull { break }
                }
            }
            if track { local.allItems = true }

        default:
            break
        }
        return valid
    }
}
