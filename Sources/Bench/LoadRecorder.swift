import Histogram

/// The measurements of one loop, merged across loops when the run ends. Recording a
/// request touches preallocated storage only (timeline intervals aside).
public struct LoadRecorder: Sendable {
    /// Microseconds from each request's intended send time (closed loop: its send) to the
    /// end of its response.
    public private(set) var latency = LoadRecorder.makeHistogram()
    /// Open loop only: microseconds from the actual send, the figure a closed-loop tool
    /// would report (the difference is time spent waiting for a free stream).
    public private(set) var serviceTime = LoadRecorder.makeHistogram()
    /// Streaming methods: microseconds from the send to the first response message.
    public private(set) var firstMessage = LoadRecorder.makeHistogram()
    /// Request counts by ``Outcome`` key.
    public private(set) var outcomes = [Int](repeating: 0, count: Outcome.count)
    public private(set) var requests = 0
    public private(set) var errors = 0
    public private(set) var bytesSent = 0
    public private(set) var bytesReceived = 0
    public private(set) var messages = 0
    /// Open loop: the most arrivals that were due but waiting for a free stream at once.
    public internal(set) var maximumBacklog = 0
    /// The last completion, nanoseconds after the measured start (throughput's denominator).
    public private(set) var lastCompletionOffset: UInt64 = 0
    public private(set) var timeline: Timeline

    init(timelineInterval: UInt64) {
        timeline = Timeline(intervalNanoseconds: timelineInterval)
    }

    static func makeHistogram() -> Histogram<UInt64> {
        Histogram(highestTrackableValue: BenchLimits.defaultHighestTrackableMicroseconds, numberOfSignificantValueDigits: .three)
    }

    /// One finished measured request.
    mutating func record(outcome: Int, isSuccess: Bool, offset: UInt64, latencyNanoseconds: UInt64, serviceNanoseconds: UInt64?,
                         firstMessageNanoseconds: UInt64?, messages: Int, bytesSent: Int, bytesReceived: Int) {
        let micros = min(latencyNanoseconds / 1_000, BenchLimits.defaultHighestTrackableMicroseconds)
        _ = latency.record(micros)
        if let serviceNanoseconds {
            _ = serviceTime.record(min(serviceNanoseconds / 1_000, BenchLimits.defaultHighestTrackableMicroseconds))
        }
        if let firstMessageNanoseconds {
            _ = firstMessage.record(min(firstMessageNanoseconds / 1_000, BenchLimits.defaultHighestTrackableMicroseconds))
        }
        outcomes[outcome] += 1
        requests += 1
        if !isSuccess { errors += 1 }
        self.messages += messages
        self.bytesSent += bytesSent
        self.bytesReceived += bytesReceived
        lastCompletionOffset = max(lastCompletionOffset, offset)
        timeline.record(offset: offset, latencyMicroseconds: micros, isError: !isSuccess, bytesReceived: bytesReceived)
    }

    /// Adds another loop's measurements.
    mutating func merge(_ other: LoadRecorder) {
        latency.add(other.latency)
        serviceTime.add(other.serviceTime)
        firstMessage.add(other.firstMessage)
        for index in outcomes.indices { outcomes[index] += other.outcomes[index] }
        requests += other.requests
        errors += other.errors
        bytesSent += other.bytesSent
        bytesReceived += other.bytesReceived
        messages += other.messages
        maximumBacklog += other.maximumBacklog
        lastCompletionOffset = max(lastCompletionOffset, other.lastCompletionOffset)
        timeline.merge(other.timeline)
    }
}
