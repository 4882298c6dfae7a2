/// Sizes of what reports draw.
enum BenchReportLimits {
    /// Steps per halving of the distance to 100% in the percentile spectrum: 5 gives about
    /// 100 points for a million requests, smooth enough to plot.
    static let percentileTicksPerHalfDistance = 5
}
