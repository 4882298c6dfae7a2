@testable import Bench
import XCTest

final class ArrivalScheduleTests: XCTestCase {
    func testLoopsInterleaveEvenly() {
        // 1000/s over 4 loops: the whole run's arrivals are 1 ms apart, loop i takes every 4th.
        let schedules = (0..<4).map { ArrivalSchedule(rate: 1000, loops: 4, index: $0) }
        var times: [UInt64] = []
        for k in 0..<100 { for schedule in schedules { times.append(schedule.time(of: k, from: 0)) } }
        let sorted = times.sorted()
        for (index, time) in sorted.enumerated() {
            XCTAssertEqual(Double(time), Double(index) * 1e6, accuracy: 1, "arrival \(index)")
        }
    }

    func testDueCountMatchesTimes() {
        let schedule = ArrivalSchedule(rate: 333, loops: 2, index: 1)
        for k in 0..<1000 {
            let due = schedule.time(of: k, from: 5_000)
            XCTAssertEqual(schedule.arrivals(by: due, from: 5_000), k + 1)
            if due > 5_000 { XCTAssertEqual(schedule.arrivals(by: due - 1, from: 5_000), k) }
        }
        XCTAssertEqual(schedule.arrivals(by: 4_000, from: 5_000), 0)
    }
}
