import Histogram

/// Throughput and latency over time: the measured part of a run cut into equal intervals,
/// each with its request count, errors, bytes and a small latency histogram (so that p99
/// per interval survives merging loops exactly). Memory stays bounded: past
/// ``BenchLimits/defaultMaximumTimelinePoints`` intervals, neighbours merge and the interval
/// doubles.
public struct Timeline: Sendable {
    /// One interval's measurements.
    public struct Bucket: Sendable {
        public var requests = 0
        public var errors = 0
        public var bytesReceived = 0
        /// Microseconds, 2 significant digits.
        public var latency = Timeline.makeHistogram()

        mutating func add(_ other: Bucket) {
            requests += other.requests
            errors += other.errors
            bytesReceived += other.bytesReceived
            latency.add(other.latency)
        }
    }

    public private(set) var intervalNanoseconds: UInt64
    public private(set) var buckets: [Bucket] = []

    public init(intervalNanoseconds: UInt64) {
        self.intervalNanoseconds = max(1, intervalNanoseconds)
    }

    static func makeHistogram() -> Histogram<UInt32> {
        Histogram(highestTrackableValue: BenchLimits.defaultHighestTrackableMicroseconds,
                  numberOfSignificantValueDigits: SignificantDigits(rawValue: Int8(BenchLimits.timelineSignificantDigits))!)
    }

    /// Records one finished request, `offset` nanoseconds after the measured start.
    mutating func record(offset: UInt64, latencyMicroseconds: UInt64, isError: Bool, bytesReceived: Int) {
        var index = Int(offset / intervalNanoseconds)
        if index >= buckets.count {
            while index >= BenchLimits.defaultMaximumTimelinePoints {
                coalesce()
                index = Int(offset / intervalNanoseconds)
            }
            while buckets.count <= index { buckets.append(Bucket()) }
        }
        buckets[index].requests += 1
        if isError { buckets[index].errors += 1 }
        buckets[index].bytesReceived += bytesReceived
        _ = buckets[index].latency.record(min(latencyMicroseconds, BenchLimits.defaultHighestTrackableMicroseconds))
    }

    /// Merges neighbouring intervals pairwise; the interval doubles.
    mutating func coalesce() {
        var merged: [Bucket] = []
        merged.reserveCapacity((buckets.count + 1) / 2)
        var index = 0
        while index < buckets.count {
            var bucket = buckets[index]
            if index + 1 < buckets.count { bucket.add(buckets[index + 1]) }
            merged.append(bucket)
            index += 2
        }
        buckets = merged
        intervalNanoseconds *= 2
    }

    /// Adds another loop's timeline (same base interval), coarsening either side to match.
    mutating func merge(_ other: Timeline) {
        var other = other
        while intervalNanoseconds < other.intervalNanoseconds { coalesce() }
        while other.intervalNanoseconds < intervalNanoseconds { other.coalesce() }
        while buckets.count < other.buckets.count { buckets.append(Bucket()) }
        for (index, bucket) in other.buckets.enumerated() { buckets[index].add(bucket) }
    }

    /// The interval for a run expected to last `expected` nanoseconds (unknown: nil): a
    /// hundred points or more, never shorter than the minimum.
    static func interval(forExpectedDuration expected: UInt64?) -> UInt64 {
        guard let expected else { return BenchLimits.unknownDurationTimelineIntervalNanoseconds }
        return max(BenchLimits.minimumTimelineIntervalNanoseconds, expected / 100)
    }
}
