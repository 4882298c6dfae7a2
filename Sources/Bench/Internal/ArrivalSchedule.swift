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

    /// How many of this loop's arrivals are due by `now`.
    func arrivals(by now: UInt64, from start: UInt64) -> Int {
        guard now >= start else { return 0 }
        let elapsed = Double(now - start) - offset
        return elapsed < 0 ? 0 : Int(elapsed / interval) + 1
    }
}
