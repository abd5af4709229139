import Foundation

/// One way a CI differs between two moments (a baseline and now, or any two).
public enum CIDifference: Hashable, Sendable, CustomStringConvertible {
    case added(ci: String)
    case removed(ci: String)
    case ciClass(ci: String, from: String, to: String)
    case status(ci: String, from: CIStatus, to: CIStatus)
    case criticality(ci: String, from: Criticality, to: Criticality)
    case attribute(ci: String, name: String, from: FieldValue, to: FieldValue)
    case related(ci: String, CIRelationship)
    case unrelated(ci: String, CIRelationship)

    public var description: String {
        switch self {
        case let .added(ci): "\(ci): added"
        case let .removed(ci): "\(ci): not present"
        case let .ciClass(ci, from, to): "\(ci): class \(from) → \(to)"
        case let .status(ci, from, to): "\(ci): status \(from) → \(to)"
        case let .criticality(ci, from, to): "\(ci): criticality \(from) → \(to)"
        case let .attribute(ci, name, from, to): "\(ci): \(name) \(show(from)) → \(show(to))"
        case let .related(ci, r): "\(ci): now \(r.type) \(r.target)"
        case let .unrelated(ci, r): "\(ci): no longer \(r.type) \(r.target)"
        }
    }
}

private func show(_ value: FieldValue) -> String {
    switch value {
    case .none: "—"
    case let .text(s): s
    case let .int(i): String(i)
    case let .number(d): String(d)
    case let .bool(b): b ? "yes" : "no"
    case let .time(t): t.formatted(.iso8601)
    case let .list(l): l.joined(separator: ", ")
    }
}

public extension CMDB {
    /// A CI as it was at `moment`: its events up to and including that instant folded afresh.
    /// `events` is the CI's history (other records' events are skipped).
    static func item(_ name: String, at moment: Date, events: some Sequence<Event>) -> ConfigurationItem? {
        var item: ConfigurationItem?
        for event in events where event.record == RecordID(kind: .configurationItem, key: name) && event.at <= moment {
            if item == nil { item = ConfigurationItem(name: name) }
            item!.apply(event)
        }
        return item
    }

    /// How `after` differs from `before` for one CI (nil = the CI did not exist then).
    static func differences(of name: String, from before: ConfigurationItem?, to after: ConfigurationItem?) -> [CIDifference] {
        switch (before, after) {
        case (nil, nil): return []
        case (nil, _): return [.added(ci: name)]
        case (_, nil): return [.removed(ci: name)]
        case let (b?, a?):
            var out: [CIDifference] = []
            if b.ciClass != a.ciClass { out.append(.ciClass(ci: name, from: b.ciClass, to: a.ciClass)) }
            if b.status != a.status { out.append(.status(ci: name, from: b.status, to: a.status)) }
            if b.criticality != a.criticality { out.append(.criticality(ci: name, from: b.criticality, to: a.criticality)) }
            for key in Set(b.attributes.keys).union(a.attributes.keys).sorted() {
                let x = b.attributes[key] ?? .none, y = a.attributes[key] ?? .none
                if x != y { out.append(.attribute(ci: name, name: key, from: x, to: y)) }
            }
            out += b.relationships.subtracting(a.relationships).sorted().map { .unrelated(ci: name, $0) }
            out += a.relationships.subtracting(b.relationships).sorted().map { .related(ci: name, $0) }
            return out
        }
    }

    /// Baseline comparison of the whole CMDB: every CI that differs, by name.
    func differences(from baseline: CMDB) -> [CIDifference] {
        Set(items.keys).union(baseline.items.keys).sorted().flatMap {
            CMDB.differences(of: $0, from: baseline[$0], to: self[$0])
        }
    }
}
