/// The parsed form of an ECMA-262 pattern (see ``ECMARegexParser``).
indirect enum ECMARegexNode: Sendable {
    case empty
    case scalar(UInt32)
    case set(ECMARegexClass)
    case sequence([ECMARegexNode])
    case alternation([ECMARegexNode])
    /// A group; `capture` is the 1-based capture number, nil for `(?:…)`.
    case group(ECMARegexNode, capture: Int?)
    case quantified(ECMARegexNode, min: Int, max: Int?, greedy: Bool)
    case inputStart
    case inputEnd
    case wordBoundary(negated: Bool)
    case lookahead(ECMARegexNode, negated: Bool)
    case lookbehind(ECMARegexNode, negated: Bool)
    case backreference(Int)

    /// Whether the node can match the empty string (loops over such bodies need a progress check).
    var canMatchEmpty: Bool {
        switch self {
        case .empty, .inputStart, .inputEnd, .wordBoundary, .lookahead, .lookbehind, .backreference: true
        case .scalar, .set: false
        case .sequence(let nodes): nodes.allSatisfy(\.canMatchEmpty)
        case .alternation(let nodes): nodes.contains(where: \.canMatchEmpty)
        case .group(let node, _): node.canMatchEmpty
        case .quantified(let node, let min, _, _): min == 0 || node.canMatchEmpty
        }
    }

    /// The capture numbers inside this node, as a closed range (nil if none).
    var captureRange: ClosedRange<Int>? {
        var low = Int.max
        var high = Int.min
        func visit(_ node: ECMARegexNode) {
            switch node {
            case .group(let inner, let capture):
                if let capture {
                    low = Swift.min(low, capture)
                    high = Swift.max(high, capture)
                }
                visit(inner)
            case .sequence(let nodes), .alternation(let nodes): nodes.forEach(visit)
            case .quantified(let inner, _, _, _), .lookahead(let inner, _), .lookbehind(let inner, _): visit(inner)
            default: break
            }
        }
        visit(self)
        return low <= high ? low...high : nil
    }
}
