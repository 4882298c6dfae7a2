/// The human-readable report of a run (and of a `--compare` pair), as `octobus bench`
/// prints it.
public enum BenchTextReport {
    /// One run: what was loaded, then throughput, statuses and latency.
    public static func render(_ result: LoadResult) -> String {
        var lines: [(String, String)] = []
        let labels = result.labels
        var what = "\(result.plan.protocolKind.rawValue) \(labels.method) via \(labels.route) \(labels.target)"
        if !labels.capset.isEmpty { what += " (capset \(labels.capset), instance \(labels.instance))" }
        lines.append(("target", what))
        lines.append(("load", loadDescription(result)))
        lines.append(("requests", "\(BenchFormat.grouped(result.requests)) in \(BenchFormat.fixed(result.elapsedSeconds, 2)) s = "
            + "\(BenchFormat.rate(result.requestsPerSecond)) req/s, \(BenchFormat.grouped(result.errors)) errors"))
        lines.append(("bytes", "sent \(BenchFormat.bytes(Double(result.recorder.bytesSent))) "
            + "(\(BenchFormat.bytes(result.bytesSentPerSecond))/s), received \(BenchFormat.bytes(Double(result.recorder.bytesReceived))) "
            + "(\(BenchFormat.bytes(result.bytesReceivedPerSecond))/s)"))
        lines.append(("statuses", result.statuses.isEmpty ? "none" : result.statuses.map { "\($0.label) \(BenchFormat.grouped($0.count))" }.joined(separator: ", ")))
        lines.append(("latency", percentiles(LoadResult.summary(result.recorder.latency))))
        if result.isOpenLoop {
            lines.append(("service", percentiles(LoadResult.summary(result.recorder.serviceTime))
                + "  (from the actual send; latency counts from the scheduled send)"))
            lines.append(("backlog", "at most \(BenchFormat.grouped(result.recorder.maximumBacklog)) arrivals waited for a free stream"))
        }
        if result.plan.countsMessages {
            lines.append(("messages", "\(BenchFormat.grouped(result.recorder.messages)) = \(BenchFormat.rate(result.messagesPerSecond)) msg/s"))
            lines.append(("first msg", percentiles(LoadResult.summary(result.recorder.firstMessage))))
        }
        let width = lines.map(\.0.count).max() ?? 0
        return lines.map { $0.0 + String(repeating: " ", count: width - $0.0.count + 2) + $0.1 }.joined(separator: "\n") + "\n"
    }

    static func loadDescription(_ result: LoadResult) -> String {
        let plan = result.plan
        var text: String
        switch plan.mode {
        case .closed: text = "closed loop"
        case .open(let rate): text = "open loop at \(BenchFormat.rate(rate))/s"
        }
        text += ", \(plan.connections) connection\(plan.connections == 1 ? "" : "s") × \(plan.streamsPerConnection) stream"
            + "\(plan.streamsPerConnection == 1 ? "" : "s") on \(result.loops) loop\(result.loops == 1 ? "" : "s")"
        switch plan.stop {
        case .count(let count): text += ", \(BenchFormat.grouped(count)) requests"
        case .duration(let nanoseconds): text += ", \(BenchFormat.duration(nanoseconds: nanoseconds))"
        }
        if plan.warmupNanoseconds > 0 { text += " after \(BenchFormat.duration(nanoseconds: plan.warmupNanoseconds)) warm-up" }
        return text
    }

    private static func percentiles(_ rows: [(label: String, milliseconds: Double)]) -> String {
        rows.isEmpty ? "no responses" : rows.map { "\($0.label) \(BenchFormat.milliseconds($0.milliseconds))" }.joined(separator: "  ")
    }

    /// A `--compare` pair: both runs, then the ratios of the first to the second.
    public static func render(_ comparison: BenchComparison) -> String {
        var text = "── \(comparison.first.labels.route) ──\n" + render(comparison.first)
        text += "\n── \(comparison.second.labels.route) ──\n" + render(comparison.second)
        let title = "\(comparison.first.labels.route) / \(comparison.second.labels.route)"
        text += "\n── \(title) ──\n"
        let rows = comparison.ratios
        let width = rows.map(\.label.count).max() ?? 0
        for row in rows {
            text += row.label + String(repeating: " ", count: width - row.label.count + 2)
                + "\(row.firstText)  vs  \(row.secondText)  →  ×\(BenchFormat.fixed(row.ratio, 2))\n"
        }
        return text
    }
}
