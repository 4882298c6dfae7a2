import Histogram

/// What a run measured, with the figures reports show: throughput, outcomes by status,
/// latency percentiles, streaming rates and the timeline.
public struct LoadResult: Sendable {
    /// Words that say what was loaded, for reports (the engine knows only host and port).
    public struct Labels: Sendable {
        public var target = ""
        public var method = ""
        /// `gateway`, `direct` or `target`.
        public var route = ""
        public var capset = ""
        public var instance = ""
        public init() {}
    }

    /// The percentiles every report lists.
    public static let reportedPercentiles: [(label: String, value: Double)] = [
        ("p50", 50), ("p90", 90), ("p99", 99), ("p99.9", 99.9),
    ]

    public let plan: LoadPlan
    public let loops: Int
    public let recorder: LoadRecorder
    public var labels = Labels()

    init(plan: LoadPlan, loops: Int, recorder: LoadRecorder) {
        self.plan = plan
        self.loops = loops
        self.recorder = recorder
    }

    public var requests: Int { recorder.requests }
    public var errors: Int { recorder.errors }
    public var successes: Int { recorder.requests - recorder.errors }

    /// Seconds from the measured start to the last response (a duration run that saw no
    /// response at all counts its whole duration).
    public var elapsedSeconds: Double {
        if recorder.lastCompletionOffset > 0 { return Double(recorder.lastCompletionOffset) / 1e9 }
        if case .duration(let nanoseconds) = plan.stop { return Double(nanoseconds) / 1e9 }
        return 0
    }

    public var requestsPerSecond: Double { elapsedSeconds > 0 ? Double(requests) / elapsedSeconds : 0 }
    public var messagesPerSecond: Double { elapsedSeconds > 0 ? Double(recorder.messages) / elapsedSeconds : 0 }
    public var bytesSentPerSecond: Double { elapsedSeconds > 0 ? Double(recorder.bytesSent) / elapsedSeconds : 0 }
    public var bytesReceivedPerSecond: Double { elapsedSeconds > 0 ? Double(recorder.bytesReceived) / elapsedSeconds : 0 }

    public var isOpenLoop: Bool { if case .open = plan.mode { return true }; return false }

    /// Counts by outcome label, most frequent first.
    public var statuses: [(label: String, count: Int)] {
        recorder.outcomes.enumerated().filter { $0.element > 0 }
            .map { (Outcome.label($0.offset, plan.protocolKind), $0.element) }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
    }

    /// p50…p99.9 and max of `histogram`, in milliseconds.
    public static func summary(_ histogram: Histogram<UInt64>) -> [(label: String, milliseconds: Double)] {
        guard histogram.totalCount > 0 else { return [] }
        var rows = reportedPercentiles.map { ($0.label, Double(histogram.valueAtPercentile($0.value)) / 1_000) }
        rows.append(("max", Double(histogram.max) / 1_000))
        return rows
    }
}
