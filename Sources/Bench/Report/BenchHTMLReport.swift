import Protocols

/// `octobus bench --html FILE`: one self-contained page (no network fetches) with the run's
/// parameters and summary as tables, and three charts drawn as inline SVG by an embedded
/// script from the embedded JSON report: latency by percentile, throughput over time, and
/// p50/p99 over time. A `--compare` pair shares each chart.
public enum BenchHTMLReport {
    public static func render(_ results: [LoadResult]) -> String {
        let data = JSONValue.array(results.map(\.json))
        // Inside <script>, "</" would end the element early.
        let embedded = scriptSafe(JSONWriter().string(data))
        var body = "<h1>octobus bench</h1>\n"
        for (index, result) in results.enumerated() {
            body += "<section class=\"run\"><h2><span class=\"swatch\" style=\"background:\(colors[index % colors.count])\"></span>"
                + "\(escape(result.labels.route)) — \(escape(result.plan.protocolKind.rawValue)) \(escape(result.labels.method))</h2>\n"
            body += table(parameters(result), id: "parameters-\(index)")
            body += table(summary(result), id: "summary-\(index)")
            body += "</section>\n"
        }
        body += """
        <h2>Latency by percentile</h2><svg id="latency-chart" class="chart" viewBox="0 0 900 360"></svg>
        <h2>Throughput over time</h2><svg id="throughput-chart" class="chart" viewBox="0 0 900 300"></svg>
        <h2>p50 and p99 latency over time</h2><svg id="p99-chart" class="chart" viewBox="0 0 900 300"></svg>

        """
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>octobus bench report</title>
        <style>\(style)</style></head>
        <body>
        \(body)<script type="application/json" id="bench-data">\(embedded)</script>
        <script>\(script)</script>
        </body></html>

        """
    }

    static let colors = ["#2563eb", "#dc2626", "#059669", "#d97706"]

    private static func parameters(_ result: LoadResult) -> [(String, String)] {
        var rows = [("target", result.labels.target), ("protocol", result.plan.protocolKind.rawValue), ("method", result.labels.method),
                    ("load", BenchTextReport.loadDescription(result))]
        if !result.labels.capset.isEmpty { rows.append(("capset / instance", "\(result.labels.capset) / \(result.labels.instance)")) }
        rows.append(("request timeout", BenchFormat.duration(nanoseconds: result.plan.requestTimeoutNanoseconds)))
        return rows
    }

    private static func summary(_ result: LoadResult) -> [(String, String)] {
        var rows = [("requests", "\(BenchFormat.grouped(result.requests)) in \(BenchFormat.fixed(result.elapsedSeconds, 2)) s"),
                    ("throughput", "\(BenchFormat.rate(result.requestsPerSecond)) req/s, \(BenchFormat.bytes(result.bytesReceivedPerSecond))/s received"),
                    ("errors", BenchFormat.grouped(result.errors)),
                    ("statuses", result.statuses.map { "\($0.label) \(BenchFormat.grouped($0.count))" }.joined(separator: ", "))]
        for row in LoadResult.summary(result.recorder.latency) { rows.append(("latency \(row.label)", BenchFormat.milliseconds(row.milliseconds))) }
        if result.plan.countsMessages {
            rows.append(("messages", "\(BenchFormat.grouped(result.recorder.messages)), \(BenchFormat.rate(result.messagesPerSecond)) msg/s"))
        }
        return rows
    }

    private static func table(_ rows: [(String, String)], id: String) -> String {
        "<table id=\"\(id)\">" + rows.map { "<tr><th>\(escape($0.0))</th><td>\(escape($0.1))</td></tr>" }.joined() + "</table>\n"
    }

    /// JSON text that can sit inside a `<script>` element: every `</` becomes `<\/` (the
    /// same string to a JSON parser).
    static func scriptSafe(_ json: String) -> String {
        var out = ""
        var previous: Character = " "
        for character in json {
            if previous == "<" && character == "/" { out.append("\\") }
            out.append(character)
            previous = character
        }
        return out
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }

    private static let style = """
    body{font:14px/1.4 system-ui,sans-serif;margin:24px auto;max-width:940px;color:#111}
    h1{font-size:22px}h2{font-size:16px;margin:22px 0 6px}
    table{border-collapse:collapse;margin:6px 0 10px}th{text-align:left;color:#555;font-weight:500;padding:2px 16px 2px 0}td{padding:2px 0}
    .swatch{display:inline-block;width:12px;height:12px;margin-right:8px;border-radius:2px}
    .chart{width:100%;height:auto;border:1px solid #ddd;border-radius:4px;background:#fff}
    .chart text{font:11px system-ui,sans-serif;fill:#444}.chart .grid{stroke:#eee}.chart .axis{stroke:#999}
    .chart .series{fill:none;stroke-width:2}.chart .dashed{stroke-dasharray:5 4}
    """

    /// Draws the charts from the embedded data. Plain DOM and SVG, no library.
    private static let script = """
    (function () {
      var runs = JSON.parse(document.getElementById("bench-data").textContent);
      var colors = \(JSONWriter().string(.array(colors.map { .string($0) })));
      var NS = "http://www.w3.org/2000/svg";
      function el(name, attrs, parent, text) {
        var node = document.createElementNS(NS, name);
        for (var key in attrs) node.setAttribute(key, attrs[key]);
        if (text !== undefined) node.textContent = text;
        if (parent) parent.appendChild(node);
        return node;
      }
      function niceMax(value) {
        if (!(value > 0)) return 1;
        var power = Math.pow(10, Math.floor(Math.log10(value)));
        var steps = [1, 2, 2.5, 5, 10];
        for (var i = 0; i < steps.length; i++) if (steps[i] * power >= value) return steps[i] * power;
        return 10 * power;
      }
      function fmt(v) { return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3); }
      // series: [{name, color, dashed, points: [[x, y]]}]; xTicks: [[x, label]] or null.
      function chart(id, series, opts) {
        var svg = document.getElementById(id);
        var box = svg.viewBox.baseVal, left = 64, right = 36, top = 16, bottom = 40;
        var w = box.width - left - right, h = box.height - top - bottom;
        var xs = [], ys = [];
        series.forEach(function (s) { s.points.forEach(function (p) { xs.push(p[0]); ys.push(p[1]); }); });
        var xMin = opts.xMin !== undefined ? opts.xMin : Math.min.apply(null, xs.concat([0]));
        var xMax = opts.xMax !== undefined ? opts.xMax : Math.max.apply(null, xs.concat([1]));
        if (xMax <= xMin) xMax = xMin + 1;
        var yMax = niceMax(Math.max.apply(null, ys.concat([0])));
        function X(x) { return left + (x - xMin) / (xMax - xMin) * w; }
        function Y(y) { return top + h - y / yMax * h; }
        for (var i = 0; i <= 4; i++) {
          var v = yMax * i / 4;
          el("line", {x1: left, x2: left + w, y1: Y(v), y2: Y(v), "class": "grid"}, svg);
          el("text", {x: left - 6, y: Y(v) + 4, "text-anchor": "end"}, svg, fmt(v));
        }
        var ticks = opts.xTicks;
        if (!ticks) {
          // Round steps (1, 2, 2.5, 5 × 10^k), about six of them.
          var step = niceMax((xMax - xMin) / 6);
          ticks = [];
          for (var t = Math.ceil(xMin / step) * step; t <= xMax + step * 1e-9; t += step) ticks.push([t, +t.toPrecision(6) + ""]);
        }
        ticks.forEach(function (t) {
          if (t[0] < xMin || t[0] > xMax) return;
          el("line", {x1: X(t[0]), x2: X(t[0]), y1: top, y2: top + h, "class": "grid"}, svg);
          el("text", {x: X(t[0]), y: top + h + 16, "text-anchor": "middle"}, svg, t[1]);
        });
        el("line", {x1: left, x2: left + w, y1: top + h, y2: top + h, "class": "axis"}, svg);
        el("line", {x1: left, x2: left, y1: top, y2: top + h, "class": "axis"}, svg);
        el("text", {x: left + w / 2, y: box.height - 6, "text-anchor": "middle"}, svg, opts.xLabel);
        el("text", {x: 14, y: top + h / 2, "text-anchor": "middle", transform: "rotate(-90 14 " + (top + h / 2) + ")"}, svg, opts.yLabel);
        series.forEach(function (s, index) {
          var d = s.points.map(function (p, i) { return (i ? "L" : "M") + X(p[0]).toFixed(1) + " " + Y(p[1]).toFixed(1); }).join("");
          el("path", {d: d, stroke: s.color, "class": "series" + (s.dashed ? " dashed" : ""), "data-name": s.name,
                      "data-points": s.points.length}, svg);
          el("text", {x: left + 10, y: top + 14 + 14 * index, style: "fill:" + s.color, "class": "legend"}, svg, s.name);
        });
        svg.setAttribute("data-series", series.length);
      }
      // Percentile axis: x = log10(1 / (1 - p)), so 90%, 99%, 99.9% are evenly spaced.
      function px(p) { return Math.log10(1 / Math.max(1e-7, 1 - Math.min(p, 99.99999) / 100)); }
      var latency = [];
      runs.forEach(function (run, i) {
        var name = run.run.route + " " + run.run.protocol;
        latency.push({name: name + " latency", color: colors[i % colors.length],
                      points: run.distribution.map(function (d) { return [px(d.percentile), d.latency_ms]; })});
        if (run.service_time_distribution && run.service_time_distribution.length)
          latency.push({name: name + " service time (from actual send)", color: colors[i % colors.length], dashed: true,
                        points: run.service_time_distribution.map(function (d) { return [px(d.percentile), d.latency_ms]; })});
      });
      // With N samples the last meaningful percentile is 1 - 1/N: the axis ends there.
      var most = Math.max.apply(null, runs.map(function (run) { return run.requests; }).concat([10]));
      var maxX = Math.ceil(Math.log10(most));
      latency.forEach(function (s) { s.points.forEach(function (p) { p[0] = Math.min(p[0], maxX); }); });
      var pticks = [[0, "0%"], [1, "90%"], [2, "99%"], [3, "99.9%"], [4, "99.99%"], [5, "99.999%"], [6, "99.9999%"]];
      chart("latency-chart", latency, {xMin: 0, xMax: Math.max(2, maxX), xTicks: pticks, xLabel: "percentile", yLabel: "latency (ms)"});
      chart("throughput-chart", runs.map(function (run, i) {
        return {name: run.run.route + " requests/s", color: colors[i % colors.length],
                points: run.timeline.points.filter(function (p) { return !p.partial; })
                                           .map(function (p) { return [p.t, p.requests_per_second]; })};
      }), {xLabel: "time (s)", yLabel: "requests/s"});
      var p99 = [];
      runs.forEach(function (run, i) {
        var points = run.timeline.points.filter(function (p) { return p.requests > 0; });
        p99.push({name: run.run.route + " p99", color: colors[i % colors.length], points: points.map(function (p) { return [p.t, p.p99_ms]; })});
        p99.push({name: run.run.route + " p50", color: colors[i % colors.length], dashed: true, points: points.map(function (p) { return [p.t, p.p50_ms]; })});
      });
      chart("p99-chart", p99, {xLabel: "time (s)", yLabel: "latency (ms)"});
      document.body.setAttribute("data-rendered", "true");
    })();
    """
}
