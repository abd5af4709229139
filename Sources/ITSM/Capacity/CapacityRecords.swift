import Foundation

/// Capacity series are named `capacity:<ci>/<metric>` (`capacity:db-01/cpu %`).
public extension RecordKind {
    static let capacitySeries = RecordKind(rawValue: "capacity")
}

public extension EventAction {
    static let capacitySample = EventAction("capacity.sample")
    static let capacityThresholds = EventAction("capacity.thresholds")
}

enum CapacityField {
    static let value = "value", sampledAt = "sampled-at", warning = "warning", critical = "critical"
}

/// A measured quantity: the common ones are percentages; any other name is allowed.
public struct CapacityMetric: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let cpu = CapacityMetric(rawValue: "cpu %")
    public static let memory = CapacityMetric(rawValue: "memory %")
    public static let disk = CapacityMetric(rawValue: "disk %")
    public static let network = CapacityMetric(rawValue: "network mbit/s")

    /// Percentages are bounded to 0…100, which validation enforces.
    public var isPercent: Bool { rawValue.hasSuffix("%") }
    public var description: String { rawValue }
    public static func < (a: CapacityMetric, b: CapacityMetric) -> Bool { a.rawValue < b.rawValue }
}

/// One CI's metric: the record key of its series.
public struct MetricKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var ci: String
    public var metric: CapacityMetric

    public init(ci: String, metric: CapacityMetric) {
        self.ci = ci
        self.metric = metric
    }

    /// The key splits at the first `/`: CI names may not hold one, metric names may.
    public init?(recordKey: String) {
        guard let slash = recordKey.firstIndex(of: "/") else { return nil }
        ci = String(recordKey[..<slash])
        metric = CapacityMetric(rawValue: String(recordKey[recordKey.index(after: slash)...]))
        guard !ci.isEmpty, !metric.rawValue.isEmpty else { return nil }
    }

    public var recordID: RecordID { RecordID(kind: .capacitySeries, key: "\(ci)/\(metric.rawValue)") }
    public var description: String { "\(ci) \(metric)" }
    public static func < (a: MetricKey, b: MetricKey) -> Bool { (a.ci, a.metric) < (b.ci, b.metric) }
}

public struct CapacitySample: Hashable, Sendable {
    public var at: Date
    public var value: Double

    public init(at: Date, value: Double) {
        self.at = at
        self.value = value
    }
}

/// The samples and thresholds of one CI's metric.
public struct MetricSeries: Hashable, Sendable {
    public let key: MetricKey
    /// Kept in time order whatever order samples arrive in.
    public private(set) var samples: [CapacitySample] = []
    public var warning: Double?
    public var critical: Double?
    public var version: UInt64 = 0

    public init(key: MetricKey) { self.key = key }

    public mutating func apply(_ event: Event) {
        version += 1
        var value: Double?, at: Date?
        for c in event.changes {
            switch c.field {
            case CapacityField.value: value = FieldDecode.number(c.to)
            case CapacityField.sampledAt: at = FieldDecode.time(c.to)
            case CapacityField.warning: warning = FieldDecode.number(c.to)
            case CapacityField.critical: critical = FieldDecode.number(c.to)
            default: break
            }
        }
        if event.action == .capacitySample, let value {
            insert(CapacitySample(at: at ?? event.at, value: value))
        }
    }

    mutating func insert(_ sample: CapacitySample) {
        // Binary search for the insertion point: samples usually arrive in order, so this is
        // an append, but a late one lands in its place.
        var lo = 0, hi = samples.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if samples[mid].at <= sample.at { lo = mid + 1 } else { hi = mid }
        }
        samples.insert(sample, at: lo)
    }

    /// Samples within `window` (start inclusive, end inclusive: the latest sample counts).
    public func samples(in window: DateInterval) -> ArraySlice<CapacitySample> {
        let from = samples.firstIndex { $0.at >= window.start } ?? samples.endIndex
        let to = samples.lastIndex { $0.at <= window.end }.map { $0 + 1 } ?? samples.startIndex
        return from < to ? samples[from..<to] : []
    }
}

/// Every metric series, folded from capacity events.
public struct CapacityBook: Hashable, Sendable {
    public private(set) var series: [MetricKey: MetricSeries] = [:]

    public init() {}
    public init(events: some Sequence<Event>) { for e in events { apply(e) } }

    public subscript(key: MetricKey) -> MetricSeries? { series[key] }

    public mutating func apply(_ event: Event) {
        guard event.record.kind == .capacitySeries, let key = MetricKey(recordKey: event.record.key) else { return }
        series[key, default: MetricSeries(key: key)].apply(event)
    }
}

/// Where a value stands against its series' thresholds.
public enum CapacityLevel: String, Hashable, Sendable, Comparable {
    case normal, warning, critical

    public static func < (a: CapacityLevel, b: CapacityLevel) -> Bool {
        [normal, warning, critical].firstIndex(of: a)! < [normal, warning, critical].firstIndex(of: b)!
    }
}

public extension MetricSeries {
    /// A value at or over a threshold is at that threshold's level.
    func level(of value: Double) -> CapacityLevel {
        if let critical, value >= critical { return .critical }
        if let warning, value >= warning { return .warning }
        return .normal
    }

    /// The level of the latest sample; nil without samples.
    var latestLevel: CapacityLevel? { samples.last.map { level(of: $0.value) } }
}
