import Foundation

/// A straight line through samples: value = intercept + slope × (seconds since `origin`).
public struct TrendLine: Hashable, Sendable {
    public var origin: Date
    public var intercept: Double
    /// Change per second.
    public var slope: Double
    /// How much of the samples' variation the method explains, 0…1 (R² for least squares,
    /// the same measure over one-step-ahead predictions for Holt). 1 when the data are flat.
    public var fitQuality: Double
    public var sampleCount: Int

    public func value(at date: Date) -> Double { intercept + slope * date.timeIntervalSince(origin) }

    /// When the line reaches `threshold`, if it rises towards it.
    public func crossing(_ threshold: Double) -> Date? {
        guard slope > 0 else { return nil }
        return origin.addingTimeInterval((threshold - intercept) / slope)
    }
}

/// Ordinary least squares over the samples, x in seconds since the first sample. Needs two
/// samples at different times.
public func leastSquaresTrend(_ samples: some Collection<CapacitySample>) -> TrendLine? {
    guard let origin = samples.first?.at, samples.count >= 2 else { return nil }
    let xs = samples.map { $0.at.timeIntervalSince(origin) }, ys = samples.map(\.value)
    let n = Double(samples.count)
    let mx = xs.reduce(0, +) / n, my = ys.reduce(0, +) / n
    let sxx = xs.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
    guard sxx > 0 else { return nil }
    let sxy = zip(xs, ys).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
    let slope = sxy / sxx
    let syy = ys.reduce(0) { $0 + ($1 - my) * ($1 - my) }
    let r2 = syy == 0 ? 1 : (slope * sxy) / syy
    return TrendLine(origin: origin, intercept: my - slope * mx, slope: slope, fitQuality: r2, sampleCount: samples.count)
}

/// Holt's linear (double exponential) smoothing. Samples are treated as evenly spaced at
/// their median interval, as collectors produce them; level starts at the first value and
/// trend at the first difference. The line returned starts at the last sample, at the
/// smoothed level, rising by the smoothed trend.
public func holtTrend(_ samples: some Collection<CapacitySample>, alpha: Double = 0.5, beta: Double = 0.3) -> TrendLine? {
    let s = Array(samples)
    guard s.count >= 3 else { return nil }
    let gaps = zip(s.dropFirst(), s).map { $0.at.timeIntervalSince($1.at) }.sorted()
    let step = gaps[gaps.count / 2]
    guard step > 0 else { return nil }
    var level = s[0].value, trend = s[1].value - s[0].value
    var squaredErrors = 0.0
    for sample in s.dropFirst() {
        let predicted = level + trend
        squaredErrors += (sample.value - predicted) * (sample.value - predicted)
        let previous = level
        level = alpha * sample.value + (1 - alpha) * (level + trend)
        trend = beta * (level - previous) + (1 - beta) * trend
    }
    let rest = s.dropFirst().map(\.value)
    let mean = rest.reduce(0, +) / Double(rest.count)
    let total = rest.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    let quality = total == 0 ? (squaredErrors == 0 ? 1 : 0) : Swift.max(0, 1 - squaredErrors / total)
    return TrendLine(origin: s.last!.at, intercept: level, slope: trend / step, fitQuality: quality, sampleCount: s.count)
}

public enum ForecastMethod: Hashable, Sendable {
    case leastSquares
    case holt(alpha: Double, beta: Double)
}

/// How far to trust a forecast, with the note to show beside it.
public enum ForecastConfidence: Hashable, Sendable, CustomStringConvertible {
    case good
    /// Fit quality below `CapacityForecast.poorFitBelow`: the trend explains little.
    case poorFit(quality: Double)
    case tooFewSamples(Int)

    public var description: String {
        switch self {
        case .good: "good fit"
        case let .poorFit(q): "poor fit (R² \(String(format: "%.2f", q))): the samples scatter widely around the trend; treat the date as a rough guide"
        case let .tooFewSamples(n): "only \(n) sample\(n == 1 ? "" : "s"): too few to trust a trend"
        }
    }
}

/// When a metric is expected to cross its threshold.
public struct CapacityForecast: Hashable, Sendable {
    public enum Crossing: Hashable, Sendable {
        /// The latest sample is already at or over the threshold.
        case alreadyOver
        case at(Date)
        /// Rising, but not before the horizon ends; the date is the extrapolation.
        case beyondHorizon(Date)
        /// Flat or falling: not expected to cross.
        case notRising
        /// No samples in the window, or none usable for a trend.
        case unknown
    }

    public static let minimumSamples = 5
    public static let poorFitBelow = 0.5

    public var key: MetricKey
    public var threshold: Double
    /// True when forecasting against the critical threshold, false for the warning one.
    public var isCritical: Bool
    public var crossing: Crossing
    public var confidence: ForecastConfidence
    public var trend: TrendLine?
}

/// Forecasts when `series` crosses its critical threshold (or, without one, its warning
/// threshold) from the samples of the last `window` seconds before `now`. Nil when the
/// series has no threshold.
public func forecast(_ series: MetricSeries, at now: Date, window: TimeInterval, horizon: TimeInterval,
                     method: ForecastMethod = .leastSquares) -> CapacityForecast? {
    guard let threshold = series.critical ?? series.warning else { return nil }
    let recent = series.samples(in: DateInterval(start: now.addingTimeInterval(-max(window, 0)), end: now))
    let trend: TrendLine? = switch method {
    case .leastSquares: leastSquaresTrend(recent)
    case let .holt(alpha, beta): holtTrend(recent, alpha: alpha, beta: beta)
    }
    let confidence: ForecastConfidence =
        recent.count < CapacityForecast.minimumSamples ? .tooFewSamples(recent.count)
        : (trend?.fitQuality ?? 0) < CapacityForecast.poorFitBelow ? .poorFit(quality: trend?.fitQuality ?? 0)
        : .good
    let crossing: CapacityForecast.Crossing
    if let last = recent.last, last.value >= threshold {
        crossing = .alreadyOver
    } else if let trend {
        if let date = trend.crossing(threshold) {
            crossing = date > now.addingTimeInterval(horizon) ? .beyondHorizon(date) : .at(Swift.max(date, now))
        } else {
            crossing = .notRising
        }
    } else {
        crossing = .unknown
    }
    return CapacityForecast(key: series.key, threshold: threshold, isCritical: series.critical != nil,
                            crossing: crossing, confidence: confidence, trend: trend)
}

/// The capacity plan: every series with a threshold, soonest trouble first — already over,
/// then by crossing date, then beyond the horizon, then not rising, then unknown; ties by CI
/// and metric.
public func capacityPlan(_ book: CapacityBook, at now: Date, window: TimeInterval, horizon: TimeInterval,
                         method: ForecastMethod = .leastSquares) -> [CapacityForecast] {
    func rank(_ f: CapacityForecast) -> (Int, Date) {
        switch f.crossing {
        case .alreadyOver: (0, .distantPast)
        case let .at(d): (1, d)
        case let .beyondHorizon(d): (2, d)
        case .notRising: (3, .distantFuture)
        case .unknown: (4, .distantFuture)
        }
    }
    return book.series.values.compactMap { forecast($0, at: now, window: window, horizon: horizon, method: method) }
        .sorted { (rank($0).0, rank($0).1, $0.key) < (rank($1).0, rank($1).1, $1.key) }
}
