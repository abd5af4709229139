import Foundation

/// How often plans must be reviewed and DR-tested, per criticality tier.
public struct ContinuityPolicy: Hashable, Sendable {
    public var reviewEvery: [Criticality: TimeInterval]
    public var testEvery: [Criticality: TimeInterval]

    public init(reviewEvery: [Criticality: TimeInterval], testEvery: [Criticality: TimeInterval]) {
        self.reviewEvery = reviewEvery
        self.testEvery = testEvery
    }

    private static let day: TimeInterval = 86_400

    /// Critical: review every 90 days, test every 180; high: 180 / 365; medium: 365 / 730;
    /// low: review yearly, no test required.
    public static let standard = ContinuityPolicy(
        reviewEvery: [.critical: 90 * day, .high: 180 * day, .medium: 365 * day, .low: 365 * day],
        testEvery: [.critical: 180 * day, .high: 365 * day, .medium: 730 * day])
}

/// Something the continuity policy says needs attention.
public enum ContinuityFinding: Hashable, Sendable, CustomStringConvertible {
    case noPlan(service: String, tier: Criticality)
    /// `lastReviewed` nil: the plan has never been reviewed.
    case reviewOverdue(service: String, tier: Criticality, lastReviewed: Date?, due: Date?)
    case testOverdue(service: String, tier: Criticality, lastTest: Date?, due: Date?)
    case lastTestFailed(service: String, test: RecordID)

    public var description: String {
        switch self {
        case let .noPlan(s, tier): "\(s) (\(tier)) has no continuity plan"
        case let .reviewOverdue(s, tier, last, _): "\(s) (\(tier)): plan review overdue" + (last == nil ? " (never reviewed)" : "")
        case let .testOverdue(s, tier, last, _): "\(s) (\(tier)): DR test overdue" + (last == nil ? " (never tested)" : "")
        case let .lastTestFailed(s, test): "\(s): last DR test \(test) failed"
        }
    }
}

/// Every service with a BIA checked against the policy for its tier: missing plans, overdue
/// reviews and tests, and a last test that failed. Ordered by tier (critical first), then name.
/// A review or test is overdue when `now` is past last + interval (exactly at it is still in time).
public func continuityFindings(in book: ContinuityBook, policy: ContinuityPolicy = .standard, at now: Date) -> [ContinuityFinding] {
    var out: [ContinuityFinding] = []
    for bia in book.impacts.values.sorted(by: { ($0.tier, $0.service) < ($1.tier, $1.service) }) {
        let s = bia.service, tier = bia.tier
        if let plan = book.plans[s] {
            if let every = policy.reviewEvery[tier] {
                let due = plan.lastReviewed.map { $0.addingTimeInterval(every) }
                if due.map({ now > $0 }) ?? true {
                    out.append(.reviewOverdue(service: s, tier: tier, lastReviewed: plan.lastReviewed, due: due))
                }
            }
        } else {
            out.append(.noPlan(service: s, tier: tier))
        }
        let last = book.lastTest(of: s)
        if let every = policy.testEvery[tier] {
            let due = last.map { $0.date.addingTimeInterval(every) }
            if due.map({ now > $0 }) ?? true {
                out.append(.testOverdue(service: s, tier: tier, lastTest: last?.date, due: due))
            }
        }
        if let last, last.result == .failed { out.append(.lastTestFailed(service: s, test: last.id)) }
    }
    return out
}
