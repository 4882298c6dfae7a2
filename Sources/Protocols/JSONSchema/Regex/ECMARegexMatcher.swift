/// Runs an ``ECMARegexProgram`` over a string's Unicode scalars with an explicit backtrack
/// stack (no recursion except one level per nested lookaround) and a step budget, so a
/// pathological pattern such as `(a+)+$` against a long input gives up instead of hanging.
struct ECMARegexMatcher {
    private let program: ECMARegexProgram
    private let input: [UInt32]
    private var captures: [Int]
    private var marks: [Int]
    private var steps = 0
    private let budget: Int
    private(set) var exhausted = false

    private enum Backtrack {
        case branch(pc: Int, position: Int)
        case capture(slot: Int, value: Int)
        case mark(register: Int, value: Int)
    }

    init(program: ECMARegexProgram, input: [UInt32], budget: Int) {
        self.program = program
        self.input = input
        self.budget = budget
        captures = Array(repeating: -1, count: program.captureSlots)
        marks = Array(repeating: -1, count: program.markCount)
    }

    /// Unanchored search: true if the pattern matches anywhere. Check ``exhausted`` when false.
    mutating func search() -> Bool {
        let lastStart = program.anchoredAtStart ? 0 : input.count
        var start = 0
        while start <= lastStart {
            if let first = program.firstScalar {
                while start < input.count, input[start] != first { start += 1 }
                guard start < input.count else { return false }
            }
            if run(pc: 0, position: start, requiredEnd: nil) { return true }
            if exhausted { return false }
            for slot in captures.indices { captures[slot] = -1 }
            start += 1
        }
        return false
    }

    private mutating func run(pc startPC: Int, position startPosition: Int, requiredEnd: Int?) -> Bool {
        var stack: [Backtrack] = []
        var pc = startPC
        var position = startPosition
        let instructions = program.instructions
        while true {
            var failed = false
            steps += 1
            if steps > budget {
                exhausted = true
                return false
            }
            switch instructions[pc] {
            case .scalar(let value):
                if position < input.count, input[position] == value {
                    position += 1
                    pc += 1
                } else {
                    failed = true
                }
            case .set(let index):
                if position < input.count, program.classes[index].contains(input[position]) {
                    position += 1
                    pc += 1
                } else {
                    failed = true
                }
            case .split(let preferred, let alternative):
                stack.append(.branch(pc: alternative, position: position))
                pc = preferred
            case .jump(let target):
                pc = target
            case .save(let slot):
                stack.append(.capture(slot: slot, value: captures[slot]))
                captures[slot] = position
                pc += 1
            case .clearCaptures(let low, let high):
                for slot in low..<high where captures[slot] != -1 {
                    stack.append(.capture(slot: slot, value: captures[slot]))
                    captures[slot] = -1
                }
                pc += 1
            case .setMark(let register):
                stack.append(.mark(register: register, value: marks[register]))
                marks[register] = position
                pc += 1
            case .checkProgress(let register):
                if marks[register] == position { failed = true } else { pc += 1 }
            case .inputStart:
                if position == 0 { pc += 1 } else { failed = true }
            case .inputEnd:
                if position == input.count { pc += 1 } else { failed = true }
            case .wordBoundary(let negated):
                let before = position > 0 && ECMARegexClass.isWordScalar(input[position - 1])
                let after = position < input.count && ECMARegexClass.isWordScalar(input[position])
                if (before != after) != negated { pc += 1 } else { failed = true }
            case .backreference(let number):
                let start = captures[2 * number]
                let end = captures[2 * number + 1]
                if start < 0 || end < 0 {
                    pc += 1
                } else {
                    let length = end - start
                    if position + length <= input.count,
                       input[start..<end].elementsEqual(input[position..<(position + length)])
                    {
                        position += length
                        pc += 1
                    } else {
                        failed = true
                    }
                }
            case .lookaround(let body, let behind, let negated):
                let saved = captures
                var matched = false
                if behind {
                    var start = position
                    while start >= 0 {
                        if run(pc: body, position: start, requiredEnd: position) {
                            matched = true
                            break
                        }
                        if exhausted { return false }
                        captures = saved
                        start -= 1
                    }
                } else {
                    matched = run(pc: body, position: position, requiredEnd: nil)
                }
                if exhausted { return false }
                if matched != negated {
                    if matched {
                        // Keep the assertion's captures, undoably.
                        for slot in captures.indices where captures[slot] != saved[slot] {
                            stack.append(.capture(slot: slot, value: saved[slot]))
                        }
                    } else {
                        captures = saved
                    }
                    pc += 1
                } else {
                    captures = saved
                    failed = true
                }
            case .match:
                if let requiredEnd, position != requiredEnd {
                    failed = true
                } else {
                    return true
                }
            }
            guard failed else { continue }
            var resumed = false
            while let entry = stack.popLast() {
                switch entry {
                case .branch(let target, let at):
                    pc = target
                    position = at
                    resumed = true
                case .capture(let slot, let value):
                    captures[slot] = value
                case .mark(let register, let value):
                    marks[register] = value
                }
                if resumed { break }
            }
            if !resumed { return false }
        }
    }
}
