import Protocols

/// The same load run twice (`--compare`: through the gateway, then against the instance
/// directly) and the ratios of the first to the second: throughput and each percentile.
public struct BenchComparison: Sendable {
    public let first: LoadResult
    public let second: LoadResult

    public init(first: LoadResult, second: LoadResult) {
        self.first = first
        self.second = second
    }

    /// One compared figure.
    public struct Ratio: Sendable {
        public let label: String
        /// JSON key (`requests_per_second`, `p99`, …).
        public let key: String
        public let first: Double
        public let second: Double
        public let firstText: String
        public let secondText: String
        /// first / second (0 when the second is 0).
        public var ratio: Double { second == 0 ? 0 : first / second }
    }

    public var ratios: [Ratio] {
        var rows = [Ratio(label: "requests/s", key: "requests_per_second", first: first.requestsPerSecond, second: second.requestsPerSecond,
                          firstText: BenchFormat.rate(first.requestsPerSecond), secondText: BenchFormat.rate(second.requestsPerSecond))]
        let a = LoadResult.summary(first.recorder.latency), b = LoadResult.summary(second.recorder.latency)
        for (x, y) in zip(a, b) {
            rows.append(Ratio(label: x.label, key: x.label, first: x.milliseconds, second: y.milliseconds,
                              firstText: BenchFormat.milliseconds(x.milliseconds), secondText: BenchFormat.milliseconds(y.milliseconds)))
        }
        return rows
    }

    public var json: JSONValue {
        let routeA = first.labels.route.isEmpty ? "first" : first.labels.route
        let routeB = second.labels.route.isEmpty ? "second" : second.labels.route
        return .object([
            routeA: first.json, routeB: second.json,
            "ratios": .object(JSONObject(ratios.map { ($0.key, JSONValue.double($0.ratio)) })),
            "ratio_of": .string("\(routeA) / \(routeB)"),
        ])
    }
}
