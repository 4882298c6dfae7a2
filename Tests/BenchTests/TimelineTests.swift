@testable import Bench
import Histogram
import XCTest

final class TimelineTests: XCTestCase {
    func testIntervalsCoalesceWhenTooMany() {
        var timeline = Timeline(intervalNanoseconds: 1_000)
        let points = BenchLimits.defaultMaximumTimelinePoints
        for index in 0..<(points * 3) {
            timeline.record(offset: UInt64(index) * 1_000, latencyMicroseconds: UInt64(index), isError: index % 2 == 0, bytesReceived: 1)
        }
        XCTAssertLessThanOrEqual(timeline.buckets.count, points)
        XCTAssertEqual(timeline.intervalNanoseconds, 4_000)
        XCTAssertEqual(timeline.buckets.reduce(0) { $0 + $1.requests }, points * 3)
        XCTAssertEqual(timeline.buckets.reduce(0) { $0 + $1.errors }, points * 3 / 2)
    }

    func testMergeAlignsIntervals() {
        var a = Timeline(intervalNanoseconds: 1_000)
        var b = Timeline(intervalNanoseconds: 1_000)
        a.record(offset: 500, latencyMicroseconds: 10, isError: false, bytesReceived: 0)
        b.record(offset: 1_500, latencyMicroseconds: 20, isError: true, bytesReceived: 0)
        b.coalesce()
        a.merge(b)
        XCTAssertEqual(a.intervalNanoseconds, 2_000)
        XCTAssertEqual(a.buckets.count, 1)
        XCTAssertEqual(a.buckets[0].requests, 2)
        XCTAssertEqual(a.buckets[0].latency.max, 20)
    }
}
