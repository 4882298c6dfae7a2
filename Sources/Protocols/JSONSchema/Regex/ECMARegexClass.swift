/// A set of Unicode scalars as written in a pattern: `[a-z\d]`, `\w`, `.`, `\p{Letter}`.
///
/// Membership is "any item contains the scalar", inverted when `isNegated`.
struct ECMARegexClass: Sendable {
    enum Item: Sendable {
        /// Inclusive scalar-value ranges, sorted; `negated` complements just this item (`\D`).
        case ranges([ClosedRange<UInt32>], negated: Bool)
        case property(ECMARegexProperty, negated: Bool)
    }

    var items: [Item]
    var isNegated: Bool

    init(items: [Item], isNegated: Bool = false) {
        self.items = items
        self.isNegated = isNegated
    }

    func contains(_ scalar: UInt32) -> Bool {
        var found = false
        for item in items {
            switch item {
            case .ranges(let ranges, let negated):
                found = Self.rangesContain(ranges, scalar) != negated
            case .property(let property, let negated):
                if let value = Unicode.Scalar(scalar) {
                    found = property.contains(value) != negated
                } else {
                    found = negated
                }
            }
            if found { break }
        }
        return found != isNegated
    }

    private static func rangesContain(_ ranges: [ClosedRange<UInt32>], _ scalar: UInt32) -> Bool {
        if ranges.count <= 8 {
            for range in ranges where range.contains(scalar) { return true }
            return false
        }
        var low = 0
        var high = ranges.count - 1
        while low <= high {
            let middle = (low + high) / 2
            if scalar < ranges[middle].lowerBound {
                high = middle - 1
            } else if scalar > ranges[middle].upperBound {
                low = middle + 1
            } else {
                return true
            }
        }
        return false
    }

    /// Sorts and merges ranges so the binary search in ``contains(_:)`` is valid.
    static func normalized(_ ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        let sorted = ranges.sorted { $0.lowerBound < $1.lowerBound }
        var merged: [ClosedRange<UInt32>] = []
        for range in sorted {
            if let last = merged.last, range.lowerBound <= last.upperBound &+ 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }

    // MARK: ECMA-262 predefined classes

    static let digitRanges: [ClosedRange<UInt32>] = [0x30...0x39]
    static let wordRanges: [ClosedRange<UInt32>] = [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A]
    /// WhiteSpace and LineTerminator (ECMA-262 §22.2.2.9 `\s`).
    static let whitespaceRanges: [ClosedRange<UInt32>] = [
        0x09...0x0D, 0x20...0x20, 0xA0...0xA0, 0x1680...0x1680, 0x2000...0x200A,
        0x2028...0x2029, 0x202F...0x202F, 0x205F...0x205F, 0x3000...0x3000, 0xFEFF...0xFEFF,
    ]
    static let lineTerminatorRanges: [ClosedRange<UInt32>] = [0x0A...0x0A, 0x0D...0x0D, 0x2028...0x2029]

    /// `.`: anything but a line terminator.
    static let dot = ECMARegexClass(items: [.ranges(lineTerminatorRanges, negated: true)])

    static func isWordScalar(_ scalar: UInt32) -> Bool {
        (scalar >= 0x30 && scalar <= 0x39) || (scalar >= 0x41 && scalar <= 0x5A) || scalar == 0x5F
            || (scalar >= 0x61 && scalar <= 0x7A)
    }
}
