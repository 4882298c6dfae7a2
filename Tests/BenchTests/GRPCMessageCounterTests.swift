@testable import Bench
import XCTest

final class GRPCMessageCounterTests: XCTestCase {
    private func feed(_ counter: inout GRPCMessageCounter, _ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBytes { counter.feed($0) }
    }

    func testCountsMessagesSplitAnywhere() {
        // Three messages: 3 bytes, 0 bytes, 300 bytes.
        var stream: [UInt8] = [0, 0, 0, 0, 3, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 1, 44]
        stream += [UInt8](repeating: 7, count: 300)
        for chunk in 1...stream.count {
            var counter = GRPCMessageCounter()
            var total = 0
            var index = 0
            while index < stream.count {
                let end = min(stream.count, index + chunk)
                total += feed(&counter, Array(stream[index..<end]))
                index = end
            }
            XCTAssertEqual(total, 3, "chunk size \(chunk)")
            XCTAssertEqual(counter.messages, 3)
        }
    }

    func testAPartialPrefixIsNotAMessage() {
        var counter = GRPCMessageCounter()
        XCTAssertEqual(feed(&counter, [0, 0, 0]), 0)
        XCTAssertEqual(feed(&counter, [0, 1]), 1)
        XCTAssertEqual(feed(&counter, [9]), 0)
        XCTAssertEqual(feed(&counter, [0]), 0)
    }
}
