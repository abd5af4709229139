import Foundation

/// Minimum, mean, 95th percentile and maximum of a metric over a window.
public struct UtilisationSummary: Hashable, Sendable {
    public var count: Int
    public var min: Double
    public var mean: Double
    /// Nearest-rank: the smallest value at or above 95 % of the samples. A real sample,
    /// never an interpolation, so it can be found in the data.
    public var p95: Double
    public var max: Double
}

/// The summary of `samples` within `window`, or nil when there are none.
public func summarise(_ series: MetricSeries, over window: DateInterval) -> UtilisationSummary? {
    let values = series.samples(in: window).map(\.value)
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let rank = Int((0.95 * Double(sorted.count)).rounded(.up))
    return UtilisationSummary(count: sorted.count, min: sorted.first!, mean: values.reduce(0, +) / Double(values.count),
                              p95: sorted[Swift.max(rank, 1) - 1], max: sorted.last!)
}

/// The window cut into `buckets` equal slices, each the mean of its samples (nil when a
/// slice has none): what a sparkline draws. A sample on a slice boundary belongs to the
/// later slice; one exactly at the window's end to the last.
public func downsample(_ series: MetricSeries, over window: DateInterval, buckets: Int) -> [Double?] {
    guard buckets > 0, window.duration > 0 else { return [] }
    var sums = [Double](repeating: 0, count: buckets), counts = [Int](repeating: 0, count: buckets)
    for sample in series.samples(in: window) {
        let position = sample.at.timeIntervalSince(window.start) / window.duration * Double(buckets)
        let i = Swift.min(Int(position), buckets - 1)
        sums[i] += sample.value
        counts[i] += 1
    }
    return zip(sums, counts).map { $1 == 0 ? nil : $0 / Double($1) }
}
