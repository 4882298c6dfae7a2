/// A pattern compiled for ``ECMARegexMatcher``: a list of instructions for a backtracking
/// machine (in the style of Thompson's and Pike's VMs, run depth-first so that ECMA-262's
/// left-to-right, greedy-first preference falls out of the order of `split` branches).
///
///     a(b|c)*d   →   0 scalar a      4 save 3         8 jump 10     11 split 2, 13 …
///                    1 save 2 …      …                …
///
/// Quantifier bounds are unrolled (`x{2,4}` is `x x x? x?`), so the instruction count is
/// bounded by ``JSONSchema/defaultMaximumPatternInstructions``.
struct ECMARegexProgram: Sendable {
    enum Instruction: Sendable {
        case scalar(UInt32)
        /// Index into ``ECMARegexProgram/classes``.
        case set(Int)
        /// Continue at the first target; on failure resume at the second.
        case split(Int, Int)
        case jump(Int)
        /// Records the position in a capture slot (group n uses slots 2n and 2n+1).
        case save(Int)
        /// Resets capture slots `low..<high` (each quantifier iteration starts with fresh captures).
        case clearCaptures(Int, Int)
        /// Records the position in a progress register before a loop body that may match empty.
        case setMark(Int)
        /// Fails if the loop body since the matching `setMark` consumed nothing.
        case checkProgress(Int)
        case inputStart
        case inputEnd
        case wordBoundary(negated: Bool)
        case backreference(Int)
        /// Runs the sub-program at `body` (ending in `match`) as an assertion, then continues at
        /// the next instruction, which jumps over the body.
        case lookaround(body: Int, behind: Bool, negated: Bool)
        case match
    }

    var instructions: [Instruction] = []
    var classes: [ECMARegexClass] = []
    var captureSlots = 2
    var markCount = 0
    /// The pattern starts with `^` in every alternative: only position 0 can match.
    var anchoredAtStart = false
    /// Every match starts with this scalar (the search skips other start positions).
    var firstScalar: UInt32?

    init(_ parsed: ECMARegexParser.Result) throws(SchemaRegexError) {
        captureSlots = 2 * (parsed.captureCount + 1)
        instructions.append(.save(0))
        try emit(parsed.node)
        instructions.append(.save(1))
        instructions.append(.match)
        anchoredAtStart = Self.startsWithInputStart(parsed.node)
        firstScalar = Self.leadingScalar(parsed.node)
    }

    private static func leadingScalar(_ node: ECMARegexNode) -> UInt32? {
        switch node {
        case .scalar(let value): value
        case .sequence(let nodes): nodes.first.flatMap(leadingScalar)
        case .group(let inner, _): leadingScalar(inner)
        case .quantified(let inner, let min, _, _) where min > 0: leadingScalar(inner)
        default: nil
        }
    }

    private static func startsWithInputStart(_ node: ECMARegexNode) -> Bool {
        switch node {
        case .inputStart: true
        case .sequence(let nodes): nodes.first.map(startsWithInputStart) ?? false
        case .group(let inner, _): startsWithInputStart(inner)
        case .alternation(let nodes): nodes.allSatisfy(startsWithInputStart)
        default: false
        }
    }

    private mutating func append(_ instruction: Instruction) throws(SchemaRegexError) {
        guard instructions.count < JSONSchema.defaultMaximumPatternInstructions else {
            throw SchemaRegexError("pattern is too large once its quantifiers are expanded")
        }
        instructions.append(instruction)
    }

    private mutating func emit(_ node: ECMARegexNode) throws(SchemaRegexError) {
        switch node {
        case .empty:
            break
        case .scalar(let value):
            try append(.scalar(value))
        case .set(let scalarClass):
            classes.append(scalarClass)
            try append(.set(classes.count - 1))
        case .sequence(let nodes):
            for child in nodes { try emit(child) }
        case .alternation(let nodes):
            var jumpsToEnd: [Int] = []
            for (offset, child) in nodes.enumerated() {
                if offset < nodes.count - 1 {
                    let split = instructions.count
                    try append(.split(split + 1, -1))
                    try emit(child)
                    jumpsToEnd.append(instructions.count)
                    try append(.jump(-1))
                    instructions[split] = .split(split + 1, instructions.count)
                } else {
                    try emit(child)
                }
            }
            for jump in jumpsToEnd { instructions[jump] = .jump(instructions.count) }
        case .group(let inner, let capture):
            if let capture { try append(.save(2 * capture)) }
            try emit(inner)
            if let capture { try append(.save(2 * capture + 1)) }
        case .quantified(let inner, let min, let max, let greedy):
            try emitQuantified(inner, min: min, max: max, greedy: greedy)
        case .inputStart:
            try append(.inputStart)
        case .inputEnd:
            try append(.inputEnd)
        case .wordBoundary(let negated):
            try append(.wordBoundary(negated: negated))
        case .backreference(let number):
            try append(.backreference(number))
        case .lookahead(let inner, let negated), .lookbehind(let inner, let negated):
            var behind = false
            if case .lookbehind = node { behind = true }
            let start = instructions.count
            try append(.lookaround(body: start + 2, behind: behind, negated: negated))
            try append(.jump(-1))
            try emit(inner)
            try append(.match)
            instructions[start + 1] = .jump(instructions.count)
        }
    }

    private mutating func emitQuantified(
        _ inner: ECMARegexNode, min: Int, max: Int?, greedy: Bool
    ) throws(SchemaRegexError) {
        if let max, max == 0 { return }
        let clear: Instruction? = inner.captureRange.map { .clearCaptures(2 * $0.lowerBound, 2 * $0.upperBound + 2) }
        let needsProgressCheck = inner.canMatchEmpty
        for _ in 0..<min {
            let before = instructions.count
            if let clear { try append(clear) }
            try emit(inner)
            // Repeating something that emits nothing (`(?:){1000000000}`) is that nothing.
            if instructions.count == before { break }
        }
        if let max {
            guard max > min else { return }
            var splits: [Int] = []
            for _ in min..<max {
                splits.append(instructions.count)
                try append(.split(-1, -1))
                try emitIteration(inner, clear: clear, progressCheck: needsProgressCheck)
            }
            let end = instructions.count
            for split in splits {
                instructions[split] = greedy ? .split(split + 1, end) : .split(end, split + 1)
            }
        } else {
            let loop = instructions.count
            try append(.split(-1, -1))
            try emitIteration(inner, clear: clear, progressCheck: needsProgressCheck)
            try append(.jump(loop))
            let end = instructions.count
            instructions[loop] = greedy ? .split(loop + 1, end) : .split(end, loop + 1)
        }
    }

    private mutating func emitIteration(
        _ inner: ECMARegexNode, clear: Instruction?, progressCheck: Bool
    ) throws(SchemaRegexError) {
        var mark = -1
        if progressCheck {
            mark = markCount
            markCount += 1
            try append(.setMark(mark))
        }
        if let clear { try append(clear) }
        try emit(inner)
        if progressCheck { try append(.checkProgress(mark)) }
    }
}
