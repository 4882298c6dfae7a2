import Histogram
import Protocols

extension LoadResult {
    /// The machine-readable report (`octobus bench --json`); keys are documented in the README.
    public var json: JSONValue {
        var run: JSONObject = [
            "protocol": .string(plan.protocolKind.rawValue), "target": .string(labels.target), "method": .string(labels.method),
            "route": .string(labels.route), "connections": .int(plan.connections),
            "streams_per_connection": .int(plan.streamsPerConnection), "loops": .int(loops),
            "warmup_seconds": .double(Double(plan.warmupNanoseconds) / 1e9),
            "timeout_seconds": .double(Double(plan.requestTimeoutNanoseconds) / 1e9),
        ]
        if !labels.capset.isEmpty { run["capset"] = .string(labels.capset) }
        if !labels.instance.isEmpty { run["instance"] = .string(labels.instance) }
        switch plan.mode {
        case .closed: run["mode"] = .string("closed")
        case .open(let rate):
            run["mode"] = .string("open")
            run["rate"] = .double(rate)
        }
        switch plan.stop {
        case .count(let count): run["requests"] = .int(count)
        case .duration(let nanoseconds): run["duration_seconds"] = .double(Double(nanoseconds) / 1e9)
        }
        var result: JSONObject = [
            "run": .object(run),
            "requests": .int(requests), "successes": .int(successes), "errors": .int(errors),
            "elapsed_seconds": .double(elapsedSeconds), "requests_per_second": .double(requestsPerSecond),
            "bytes": .object([
                "sent": .int(recorder.bytesSent), "received": .int(recorder.bytesReceived),
                "sent_per_second": .double(bytesSentPerSecond), "received_per_second": .double(bytesReceivedPerSecond),
            ]),
            "statuses": .object(JSONObject(statuses.map { ($0.label, .int($0.count)) })),
            "latency_ms": Self.summaryJSON(recorder.latency),
        ]
        if isOpenLoop {
            result["service_time_ms"] = Self.summaryJSON(recorder.serviceTime)
            result["max_backlog"] = .int(recorder.maximumBacklog)
        }
        if plan.countsMessages {
            result["streaming"] = .object([
                "messages": .int(recorder.messages), "messages_per_second": .double(messagesPerSecond),
                "first_message_ms": Self.summaryJSON(recorder.firstMessage),
            ])
        }
        let interval = Double(recorder.timeline.intervalNanoseconds) / 1e9
        result["timeline"] = .object([
            "interval_seconds": .double(interval),
            "points": .array(recorder.timeline.buckets.enumerated().map { index, bucket in
                var point: JSONObject = [
                    "t": .double(Double(index) * interval), "requests": .int(bucket.requests), "errors": .int(bucket.errors),
                    "requests_per_second": .double(Double(bucket.requests) / interval),
                ]
                // The last interval usually holds only the tail of the run (responses to requests
                // sent before the end): its rate over a whole interval would read as a drop.
                let start = UInt64(index) * recorder.timeline.intervalNanoseconds
                if index == recorder.timeline.buckets.count - 1,
                   recorder.lastCompletionOffset - min(recorder.lastCompletionOffset, start) < recorder.timeline.intervalNanoseconds / 2 {
                    point["partial"] = .bool(true)
                }
                if bucket.requests > 0 {
                    point["p50_ms"] = .double(Double(bucket.latency.valueAtPercentile(50)) / 1_000)
                    point["p99_ms"] = .double(Double(bucket.latency.valueAtPercentile(99)) / 1_000)
                    point["max_ms"] = .double(Double(bucket.latency.max) / 1_000)
                }
                return .object(point)
            }),
        ])
        result["distribution"] = Self.distributionJSON(recorder.latency)
        if isOpenLoop { result["service_time_distribution"] = Self.distributionJSON(recorder.serviceTime) }
        result["histogram"] = .array(recorder.latency.recordedValues().map {
            .object(["latency_ms": .double(Double($0.value) / 1_000), "count": .int($0.countAddedInThisIterationStep)])
        })
        return .object(result)
    }

    static func summaryJSON(_ histogram: Histogram<UInt64>) -> JSONValue {
        guard histogram.totalCount > 0 else { return .object([:]) }
        var object = JSONObject(summary(histogram).map { ($0.label, JSONValue.double($0.milliseconds)) })
        object["min"] = .double(Double(histogram.min) / 1_000)
        object["mean"] = .double(histogram.mean / 1_000)
        return .object(object)
    }

    /// The percentile spectrum (HdrHistogram's plot: latency by percentile, dense near 100%).
    static func distributionJSON(_ histogram: Histogram<UInt64>) -> JSONValue {
        guard histogram.totalCount > 0 else { return .array([]) }
        return .array(histogram.percentiles(ticksPerHalfDistance: BenchReportLimits.percentileTicksPerHalfDistance).map {
            .object(["percentile": .double($0.percentileLevelIteratedTo), "latency_ms": .double(Double($0.value) / 1_000)])
        })
    }
}
