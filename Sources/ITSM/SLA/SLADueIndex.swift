import Foundation

/// Open incidents by the due time of their earliest running clock, soonest first: the
/// order a queue shows, and the shape that makes "breaching within N minutes" a binary
/// search instead of a scan. Build it once per state change (`DeskState.dueIndex()`), then
/// ask it on every redraw and timer tick.
public struct SLADueIndex: Hashable, Sendable {
    /// Incidents in due order.
    public let records: [RecordID]
    /// Due times as seconds since 1970, ascending, aligned with `records`.
    let dues: [Double]

    /// Entries in any order; ties keep ID order so every process shows the same queue.
    public init(_ entries: [(record: RecordID, due: Date)]) {
        let sorted = entries.sorted { a, b in
            a.due != b.due ? a.due < b.due : a.record < b.record
        }
        records = sorted.map(\.record)
        dues = sorted.map(\.due.timeIntervalSince1970)
    }

    public var count: Int { dues.count }

    /// The due time of the `i`th incident.
    public func due(at i: Int) -> Date { Date(timeIntervalSince1970: dues[i]) }

    /// How many incidents are due within `seconds` of `now` (already breached included).
    public func countBreaching(within seconds: TimeInterval, at now: Date) -> Int {
        let limit = now.timeIntervalSince1970 + seconds
        var lo = 0, hi = dues.count  // first index whose due is after the limit
        while lo < hi {
            let mid = (lo + hi) / 2
            if dues[mid] <= limit { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The incidents due within `seconds` of `now`, soonest first.
    public func breaching(within seconds: TimeInterval, at now: Date) -> ArraySlice<RecordID> {
        records.prefix(countBreaching(within: seconds, at: now))
    }
}

extension DeskState {
    /// Every incident with a running clock, by its earliest due time.
    public func dueIndex() -> SLADueIndex {
        var entries: [(record: RecordID, due: Date)] = []
        for incident in incidents.values {
            let dues = incident.slaClocks.lazy.filter(\.isRunning).compactMap(\.due)
            if let first = dues.min() { entries.append((incident.id, first)) }
        }
        return SLADueIndex(entries)
    }
}
