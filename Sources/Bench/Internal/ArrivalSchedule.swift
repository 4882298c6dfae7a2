/// The open-loop arrival times of one loop: the run's rate is split evenly over the loops,
/// and their arrivals interleave (loop `i` of `n` takes arrivals `i`, `i + n`, `i + 2n`, …
/// of the whole run). Times are computed from the start, never accumulated, so they do not
/// drift.
struct ArrivalSchedule {
    /// Nanoseconds between this loop's arrivals.
    let interval: Double
    /// This loop's first arrival, nanoseconds after the start.
    let offset: Double

    init(rate: Double, loops: Int, index: Int) {
        interval = 1e9 * Double(loops) / rate
        offset = 1e9 * Double(index) / rate
    }

    /// When arrival `k` (0-based, this loop's) is due.
    @inline(__always)
    func time(of k: Int, from start: UInt64) -> UInt64 {
        start + UInt64(offset + Double(k) * interval)
    }

    /// How many of this loop's arrivals are due by `now` (exactly those with
    /// `time(of:) <= now`: the estimate is corrected against the rounded times).
    func arrivals(by now: UInt64, from start: UInt64) -> Int {
        guard now >= start else { return 0 }
        var count = max(0, Int(((Double(now - start) - offset) / interval).rounded(.down)) + 1)
        while time(of: count, from: start) <= now { count += 1 }
        while count > 0, time(of: count - 1, from: start) > now { count -= 1 }
        return count
    }
}
