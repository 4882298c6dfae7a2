import Bench
import XCTest

final class BenchFormatTests: XCTestCase {
    func testFixed() {
        XCTAssertEqual(BenchFormat.fixed(1.006, 2), "1.01")
        XCTAssertEqual(BenchFormat.fixed(0.125, 2), "0.13") // exact in binary: rounds half away from zero
        XCTAssertEqual(BenchFormat.fixed(0.0004, 3), "0.000")
        XCTAssertEqual(BenchFormat.fixed(-2.5, 1), "-2.5")
        XCTAssertEqual(BenchFormat.fixed(12, 0), "12")
    }

    func testGroupedAndRate() {
        XCTAssertEqual(BenchFormat.grouped(1_234_567), "1,234,567")
        XCTAssertEqual(BenchFormat.grouped(999), "999")
        XCTAssertEqual(BenchFormat.rate(12_345.64), "12,345.6")
    }

    func testBytesAndDurations() {
        XCTAssertEqual(BenchFormat.bytes(999), "999 B")
        XCTAssertEqual(BenchFormat.bytes(1_500_000), "1.50 MB")
        XCTAssertEqual(BenchFormat.duration(nanoseconds: 10_000_000_000), "10s")
        XCTAssertEqual(BenchFormat.duration(nanoseconds: 250_000_000), "250ms")
    }
}
