import Foundation

public enum CapacityOperation: Hashable, Sendable {
    case recordSample(MetricKey, at: Date, value: Double)
    /// Sets both thresholds; nil removes one.
    case setThresholds(MetricKey, warning: Double?, critical: Double?)
}

/// Decides one capacity command. Samples come from collectors running as any desk user;
/// thresholds are a manager's call since they drive the capacity plan.
public func decideCapacity(_ operation: CapacityOperation, in book: CapacityBook, by actor: Agent,
                           at now: Date) throws(Refusal) -> [Event] {
    var batch = VersionedEvents(actor: actor.user, at: now)
    switch operation {
    case let .recordSample(key, at, value):
        guard !key.ci.contains("/") else { throw Refusal.invalid(field: "ci", reason: "a CI name for capacity may not contain /") }
        try check(value, for: key.metric, field: CapacityField.value)
        guard at <= now else { throw Refusal.invalid(field: CapacityField.sampledAt, reason: "a sample cannot come from the future") }
        batch.add(key.recordID, version: book[key]?.version ?? 0, .capacitySample, [
            FieldChange(CapacityField.value, to: .number(value)),
            FieldChange(CapacityField.sampledAt, to: .time(at)),
        ])
    case let .setThresholds(key, warning, critical):
        guard actor.has(.manager) || actor.has(.admin) else { throw Refusal.needsRole(.manager, toDo: "setting capacity thresholds") }
        if let warning { try check(warning, for: key.metric, field: CapacityField.warning) }
        if let critical { try check(critical, for: key.metric, field: CapacityField.critical) }
        if let warning, let critical, warning >= critical {
            throw Refusal.invalid(field: CapacityField.warning, reason: "the warning threshold must be below the critical one")
        }
        let old = book[key]
        let from = { (v: Double?) in v.map(FieldValue.number) ?? .none }
        let changes = [
            FieldChange(CapacityField.warning, from: from(old?.warning), to: from(warning)),
            FieldChange(CapacityField.critical, from: from(old?.critical), to: from(critical)),
        ].filter { $0.from != $0.to }
        guard !changes.isEmpty else { throw Refusal.rule("\(key) already has these thresholds.") }
        batch.add(key.recordID, version: old?.version ?? 0, .capacityThresholds, changes)
    }
    return batch.events
}

private func check(_ value: Double, for metric: CapacityMetric, field: String) throws(Refusal) {
    guard value.isFinite else { throw Refusal.invalid(field: field, reason: "must be a number") }
    if metric.isPercent, !(0...100).contains(value) {
        throw Refusal.invalid(field: field, reason: "\(metric) is a percentage: between 0 and 100")
    }
    if value < 0 { throw Refusal.invalid(field: field, reason: "cannot be negative") }
}
