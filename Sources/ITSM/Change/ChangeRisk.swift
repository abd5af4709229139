/// The risk level of a change, which picks its approval policy.
public enum ChangeRisk: String, CaseIterable, Hashable, Sendable, Comparable, CustomStringConvertible {
    case low, moderate, high

    public var description: String { rawValue }

    public static func < (a: ChangeRisk, b: ChangeRisk) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// The short risk questionnaire answered while a change is assessed.
public struct ChangeRiskQuestionnaire: Hashable, Sendable {
    /// Will users see an outage while the change is implemented?
    public var outageExpected: Bool
    /// The most critical CI the change touches.
    public var highestCICriticality: Criticality
    /// Has this change (or the same procedure) been carried out successfully in a test environment?
    public var testedBefore: Bool
    /// Has the backout plan itself been rehearsed?
    public var backoutTested: Bool
    /// Roughly how many users could notice if it goes wrong.
    public var affectedUsers: Int

    public init(outageExpected: Bool, highestCICriticality: Criticality, testedBefore: Bool,
                backoutTested: Bool, affectedUsers: Int) {
        self.outageExpected = outageExpected
        self.highestCICriticality = highestCICriticality
        self.testedBefore = testedBefore
        self.backoutTested = backoutTested
        self.affectedUsers = affectedUsers
    }
}

/// The documented risk rule: points per answer, summed, then banded.
///
/// | answer                         | points |
/// |--------------------------------|--------|
/// | outage expected                | 3      |
/// | most critical CI: critical     | 3      |
/// |                   high         | 2      |
/// |                   medium       | 1      |
/// |                   low          | 0      |
/// | not tested before              | 2      |
/// | backout not tested             | 2      |
/// | affected users > 1000          | 3      |
/// |                > 100           | 2      |
/// |                > 10            | 1      |
///
/// Score 0–3 is low, 4–7 moderate, 8 or more high. One override: a change never tried
/// before on a critical CI is high whatever its score, because an untried step on what the
/// business cannot lose is exactly what the CAB exists to look at.
public enum ChangeRiskRule {
    public static func score(_ q: ChangeRiskQuestionnaire) -> Int {
        var points = 0
        if q.outageExpected { points += 3 }
        switch q.highestCICriticality {
        case .critical: points += 3
        case .high: points += 2
        case .medium: points += 1
        case .low: break
        }
        if !q.testedBefore { points += 2 }
        if !q.backoutTested { points += 2 }
        switch q.affectedUsers {
        case 1001...: points += 3
        case 101...: points += 2
        case 11...: points += 1
        default: break
        }
        return points
    }

    public static func level(_ q: ChangeRiskQuestionnaire) -> ChangeRisk {
        let s = score(q)
        let banded: ChangeRisk = s >= 8 ? .high : s >= 4 ? .moderate : .low
        if !q.testedBefore && q.highestCICriticality == .critical { return .high }
        return banded
    }
}
