import Foundation

/// Every command of service continuity management.
public enum ContinuityOperation: Hashable, Sendable {
    /// Records (or revises) the business impact analysis of a service.
    case recordImpact(service: String, tier: Criticality, rto: TimeInterval, rpo: TimeInterval,
                      maximumTolerableDowntime: TimeInterval, processes: [String])
    /// Writes (or rewrites) the continuity plan of a service or CI; writing it counts as a review.
    case writePlan(subject: String, steps: [String], owner: String, recoveryTime: TimeInterval)
    /// Records that the plan was reviewed and still holds.
    case markReviewed(subject: String)
    case recordTest(id: RecordID, services: [String], date: Date, scope: String, result: DRTestResult, issues: [String])
}

/// Decides one continuity command. BIAs and plans are the manager's to set; anyone on the
/// desk may record a DR test they ran.
public func decideContinuity(_ operation: ContinuityOperation, in book: ContinuityBook, by actor: Agent,
                             at now: Date) throws(Refusal) -> [Event] {
    var batch = VersionedEvents(actor: actor.user, at: now)
    func seconds(_ t: TimeInterval) -> FieldValue { .number(t.rounded()) }
    switch operation {
    case let .recordImpact(service, tier, rto, rpo, mtd, processes):
        guard actor.has(.manager) else { throw Refusal.needsRole(.manager, toDo: "recording a business impact analysis") }
        guard !service.isEmpty else { throw Refusal.invalid(field: "service", reason: "name the service") }
        for (field, value) in [(ContinuityField.rto, rto), (ContinuityField.rpo, rpo), (ContinuityField.mtd, mtd)] where !(value.isFinite && value >= 0) {
            throw Refusal.invalid(field: field, reason: "must be a duration of zero or more")
        }
        guard rto <= mtd else {
            throw Refusal.invalid(field: ContinuityField.rto, reason: "the recovery time objective cannot exceed the maximum tolerable downtime")
        }
        let old = book.impacts[service]
        var changes: [FieldChange] = []
        func put(_ field: String, _ from: FieldValue, _ to: FieldValue) {
            if from != to { changes.append(FieldChange(field, from: from, to: to)) }
        }
        put(ContinuityField.tier, old.map { .int(Int64($0.tier.rawValue)) } ?? .none, .int(Int64(tier.rawValue)))
        put(ContinuityField.rto, old.map { seconds($0.rto) } ?? .none, seconds(rto))
        put(ContinuityField.rpo, old.map { seconds($0.rpo) } ?? .none, seconds(rpo))
        put(ContinuityField.mtd, old.map { seconds($0.maximumTolerableDowntime) } ?? .none, seconds(mtd))
        put(ContinuityField.processes, old.map { .list($0.processes) } ?? .none, .list(processes))
        guard !changes.isEmpty else { throw Refusal.rule("The business impact analysis of \(service) already says this.") }
        batch.add(RecordID(kind: .businessImpact, key: service), version: old?.version ?? 0, .biaRecorded, changes)

    case let .writePlan(subject, steps, owner, recoveryTime):
        guard actor.has(.manager) else { throw Refusal.needsRole(.manager, toDo: "writing a continuity plan") }
        guard !steps.isEmpty else { throw Refusal.invalid(field: ContinuityField.steps, reason: "a plan needs at least one step") }
        guard !owner.isEmpty else { throw Refusal.invalid(field: ContinuityField.owner, reason: "a plan needs an owner") }
        guard recoveryTime.isFinite, recoveryTime >= 0 else {
            throw Refusal.invalid(field: ContinuityField.recoveryTime, reason: "must be a duration of zero or more")
        }
        let old = book.plans[subject]
        batch.add(RecordID(kind: .continuityPlan, key: subject), version: old?.version ?? 0, .continuityPlanWritten, [
            FieldChange(ContinuityField.steps, from: old.map { .list($0.steps) } ?? .none, to: .list(steps)),
            FieldChange(ContinuityField.owner, from: old.map { .text($0.owner) } ?? .none, to: .text(owner)),
            FieldChange(ContinuityField.recoveryTime, from: old.map { seconds($0.recoveryTime) } ?? .none, to: seconds(recoveryTime)),
            FieldChange(ContinuityField.lastReviewed, from: old?.lastReviewed.map(FieldValue.time) ?? .none, to: .time(now)),
        ])

    case let .markReviewed(subject):
        guard let plan = book.plans[subject] else { throw Refusal.notFound(RecordID(kind: .continuityPlan, key: subject)) }
        guard actor.has(.manager) || actor.user == plan.owner else {
            throw Refusal.needsRole(.manager, toDo: "reviewing a continuity plan you do not own")
        }
        batch.add(RecordID(kind: .continuityPlan, key: subject), version: plan.version, .continuityPlanReviewed, [
            FieldChange(ContinuityField.lastReviewed, from: plan.lastReviewed.map(FieldValue.time) ?? .none, to: .time(now)),
        ])

    case let .recordTest(id, services, date, scope, result, issues):
        guard book.tests[id] == nil else { throw Refusal.rule("\(id) is already recorded.") }
        guard !services.isEmpty else { throw Refusal.invalid(field: ContinuityField.services, reason: "name the services the test covered") }
        guard date <= now else { throw Refusal.invalid(field: ContinuityField.date, reason: "a test is recorded after it has taken place") }
        if result != .passed && issues.isEmpty {
            throw Refusal.invalid(field: ContinuityField.issues, reason: "a test that did not pass needs the issues found")
        }
        batch.add(id, version: 0, .drTestRecorded, [
            FieldChange(ContinuityField.services, to: .list(services)),
            FieldChange(ContinuityField.date, to: .time(date)),
            FieldChange(ContinuityField.scope, to: .text(scope)),
            FieldChange(ContinuityField.result, to: .text(result.rawValue)),
            FieldChange(ContinuityField.issues, to: .list(issues)),
        ])
    }
    return batch.events
}
