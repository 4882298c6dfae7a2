import Bench
import Glibc
import Runtime
import Synchronization

/// The one-line live display of a run on a terminal (stderr, rewritten in place); silent
/// when stdout or stderr is not a terminal, so pipes and `--json` get only the report.
enum BenchProgressLine {
    /// Refresh period: four updates a second are readable and cost nothing.
    static let refreshNanoseconds: UInt64 = 250_000_000

    static var isEnabled: Bool { isatty(1) == 1 && isatty(2) == 1 }

    /// Redraws until cancelled, then clears the line.
    static func run(_ progress: LoadProgress, title: String) async {
        var last = (time: MonotonicClock.nanoseconds(), completed: 0)
        while !Task.isCancelled {
            try? await Task.sleep(nanoseconds: refreshNanoseconds)
            let now = MonotonicClock.nanoseconds()
            let (completed, errors) = progress.snapshot
            let start = progress.measureStart.load(ordering: .relaxed)
            var text = "\r\u{1B}[K\(title)  "
            if start == 0 {
                text += "connecting…"
            } else if now < start {
                text += "warming up (\(BenchFormat.fixed(Double(start - now) / 1e9, 1)) s left)"
            } else {
                let rate = Double(completed - last.completed) / (Double(now - last.time) / 1e9)
                text += "\(BenchFormat.fixed(Double(now - start) / 1e9, 1)) s  \(BenchFormat.grouped(completed)) requests  "
                    + "\(BenchFormat.rate(rate)) req/s  \(BenchFormat.grouped(errors)) errors"
            }
            last = (now, completed)
            Output.writeStderr(text)
        }
        Output.writeStderr("\r\u{1B}[K")
    }
}
