import Foundation

/// Record kinds continuity management adds. BIAs and plans are named by the service (or CI)
/// they cover (`bia:Payroll`, `continuity-plan:Payroll`); DR tests are numbered (`DRT-12`).
public extension RecordKind {
    static let businessImpact = RecordKind(rawValue: "bia")
    static let continuityPlan = RecordKind(rawValue: "continuity-plan")
    static let drTest = RecordKind(rawValue: "DRT")
}

public extension EventAction {
    static let biaRecorded = EventAction("bia.recorded")
    static let continuityPlanWritten = EventAction("continuity-plan.written")
    static let continuityPlanReviewed = EventAction("continuity-plan.reviewed")
    static let drTestRecorded = EventAction("dr-test.recorded")
}

/// Field names of continuity events. Durations are stored in whole seconds.
enum ContinuityField {
    static let tier = "tier", rto = "rto", rpo = "rpo", mtd = "mtd", processes = "processes"
    static let steps = "steps", owner = "owner", lastReviewed = "last-reviewed", recoveryTime = "recovery-time"
    static let services = "services", date = "date", scope = "scope", result = "result", issues = "issues"
}

/// Business impact analysis of one service: how much outage and data loss it can bear.
public struct BusinessImpact: Hashable, Sendable {
    public let service: String
    /// The service's criticality tier; continuity policy (review and test cadence) follows it.
    public var tier: Criticality = .medium
    /// Recovery time objective: how soon it must be back.
    public var rto: TimeInterval = 0
    /// Recovery point objective: how much data (as time) may be lost.
    public var rpo: TimeInterval = 0
    /// Maximum tolerable downtime: past this the business is harmed beyond repair.
    public var maximumTolerableDowntime: TimeInterval = 0
    public var processes: [String] = []
    public var version: UInt64 = 0

    public init(service: String) { self.service = service }

    public mutating func apply(_ event: Event) {
        version += 1
        for c in event.changes {
            switch c.field {
            case ContinuityField.tier: tier = FieldDecode.int(c.to).flatMap(Criticality.init(rawValue:)) ?? tier
            case ContinuityField.rto: rto = FieldDecode.number(c.to) ?? rto
            case ContinuityField.rpo: rpo = FieldDecode.number(c.to) ?? rpo
            case ContinuityField.mtd: maximumTolerableDowntime = FieldDecode.number(c.to) ?? maximumTolerableDowntime
            case ContinuityField.processes: processes = FieldDecode.list(c.to) ?? processes
            default: break
            }
        }
    }
}

/// How a service (or a CI) is brought back, and how long that takes once what it needs is back.
public struct ContinuityPlan: Hashable, Sendable {
    public let subject: String
    public var steps: [String] = []
    public var owner = ""
    public var lastReviewed: Date?
    public var recoveryTime: TimeInterval = 0
    public var version: UInt64 = 0

    public init(subject: String) { self.subject = subject }

    public mutating func apply(_ event: Event) {
        version += 1
        for c in event.changes {
            switch c.field {
            case ContinuityField.steps: steps = FieldDecode.list(c.to) ?? steps
            case ContinuityField.owner: owner = FieldDecode.text(c.to) ?? owner
            case ContinuityField.lastReviewed: lastReviewed = FieldDecode.time(c.to) ?? lastReviewed
            case ContinuityField.recoveryTime: recoveryTime = FieldDecode.number(c.to) ?? recoveryTime
            default: break
            }
        }
    }
}

public enum DRTestResult: String, CaseIterable, Hashable, Sendable {
    case passed, partial, failed
}

/// One disaster-recovery test.
public struct DRTest: Hashable, Sendable {
    public let id: RecordID
    public var services: [String] = []
    public var date: Date = .distantPast
    public var scope = ""
    public var result: DRTestResult = .failed
    public var issues: [String] = []
    public var version: UInt64 = 0

    public init(id: RecordID) { self.id = id }

    public mutating func apply(_ event: Event) {
        version += 1
        for c in event.changes {
            switch c.field {
            case ContinuityField.services: services = FieldDecode.list(c.to) ?? services
            case ContinuityField.date: date = FieldDecode.time(c.to) ?? date
            case ContinuityField.scope: scope = FieldDecode.text(c.to) ?? scope
            case ContinuityField.result: result = FieldDecode.raw(c.to, as: DRTestResult.self) ?? result
            case ContinuityField.issues: issues = FieldDecode.list(c.to) ?? issues
            default: break
            }
        }
    }
}

/// Everything continuity management knows, folded from its events.
public struct ContinuityBook: Hashable, Sendable {
    public private(set) var impacts: [String: BusinessImpact] = [:]
    public private(set) var plans: [String: ContinuityPlan] = [:]
    public private(set) var tests: [RecordID: DRTest] = [:]

    public init() {}
    public init(events: some Sequence<Event>) { for e in events { apply(e) } }

    public mutating func apply(_ event: Event) {
        let key = event.record.key
        switch event.record.kind {
        case .businessImpact: impacts[key, default: BusinessImpact(service: key)].apply(event)
        case .continuityPlan: plans[key, default: ContinuityPlan(subject: key)].apply(event)
        case .drTest: tests[event.record, default: DRTest(id: event.record)].apply(event)
        default: break
        }
    }

    /// The most recent DR test covering `service`.
    public func lastTest(of service: String) -> DRTest? {
        tests.values.filter { $0.services.contains(service) }.max { ($0.date, $0.id) < ($1.date, $1.id) }
    }

    public var nextTestID: RecordID {
        RecordID(.drTest, (tests.keys.compactMap(\.number).max() ?? 0) + 1)
    }
}
