/// Decides whether an MCP reply is a failure while its bytes stream in, without parsing
/// it into values: a top-level JSON-RPC `error` member, or `result.isError` set to `true`.
/// A load generator sees thousands of replies a second; building a JSON tree for each
/// would cost more than the request. Assumes well-formed JSON (the gateway writes it);
/// nesting deeper than ``BenchLimits/mcpScannerMaximumDepth`` is skipped over, since those
/// levels cannot hold either key.
struct MCPResultScanner {
    private enum Key { case result, error, isError, other }

    private var depth = 0
    /// Bit `d - 1` is set while the container at depth `d` is an object.
    private var objectBits: UInt64 = 0
    private var inString = false
    private var escaped = false
    private var stringIsKey = false
    private var expectingKey = false
    private var awaitingValue = false
    /// The key just read: its value comes next.
    private var lastKey = Key.other
    /// The top-level key whose value the scanner is inside.
    private var topKey = Key.other
    /// The first bytes of the key being read (keys of interest are at most 7 bytes).
    private var keyBytes: UInt64 = 0
    private var keyLength = 0

    private(set) var sawToolError = false
    private(set) var sawJSONRPCError = false

    mutating func reset() {
        self = MCPResultScanner()
    }

    mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        for byte in bytes { step(byte) }
    }

    private var inObject: Bool {
        depth > 0 && depth <= BenchLimits.mcpScannerMaximumDepth && objectBits & (1 << UInt64(depth - 1)) != 0
    }

    private mutating func step(_ byte: UInt8) {
        if inString {
            if escaped {
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
                keyLength = 8 // an escaped key is none of ours
            } else if byte == UInt8(ascii: "\"") {
                inString = false
                if stringIsKey {
                    lastKey = classify()
                    expectingKey = false
                }
            } else if stringIsKey, keyLength < 8 {
                keyBytes |= UInt64(byte) << (8 * UInt64(keyLength))
                keyLength += 1
            }
            return
        }
        switch byte {
        case 0x20, 0x09, 0x0A, 0x0D:
            return
        default:
            break
        }
        if awaitingValue {
            awaitingValue = false
            valueStarts(with: byte)
        }
        switch byte {
        case UInt8(ascii: "\""):
            inString = true
            stringIsKey = inObject && expectingKey
            keyBytes = 0
            keyLength = 0
        case UInt8(ascii: ":"):
            awaitingValue = true
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            depth += 1
            if depth <= BenchLimits.mcpScannerMaximumDepth {
                let bit: UInt64 = 1 << UInt64(depth - 1)
                if byte == UInt8(ascii: "{") { objectBits |= bit } else { objectBits &= ~bit }
            }
            expectingKey = byte == UInt8(ascii: "{")
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
            depth = max(0, depth - 1)
            expectingKey = false
            if depth <= 1 { lastKey = .other }
        case UInt8(ascii: ","):
            expectingKey = inObject
        default:
            break
        }
    }

    private mutating func valueStarts(with byte: UInt8) {
        if depth == 1 {
            topKey = lastKey
            if lastKey == .error && byte != UInt8(ascii: "n") { sawJSONRPCError = true }
        } else if depth == 2, topKey == .result, lastKey == .isError, byte == UInt8(ascii: "t") {
            sawToolError = true
        }
    }

    private func classify() -> Key {
        switch (keyLength, keyBytes) {
        case (6, Self.resultKey): .result
        case (5, Self.errorKey): .error
        case (7, Self.isErrorKey): .isError
        default: .other
        }
    }

    private static let resultKey = pack("result")
    private static let errorKey = pack("error")
    private static let isErrorKey = pack("isError")

    private static func pack(_ text: StaticString) -> UInt64 {
        var value: UInt64 = 0
        for index in 0..<text.utf8CodeUnitCount { value |= UInt64(text.utf8Start[index]) << (8 * UInt64(index)) }
        return value
    }
}
