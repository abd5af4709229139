import Testing
@testable import ITSM

struct ChangeRiskTests {
    typealias Q = ChangeRiskQuestionnaire

    // Each row: answers → expected score (worked out from the table in ChangeRiskRule) → level.
    static let cases: [(Q, Int, ChangeRisk)] = [
        // 0 + low 0 + tested 0 + backout tested 0 + 5 users 0 = 0 → low
        (Q(outageExpected: false, highestCICriticality: .low, testedBefore: true, backoutTested: true, affectedUsers: 5), 0, .low),
        // medium 1 + 50 users 1 = 2 → low
        (Q(outageExpected: false, highestCICriticality: .medium, testedBefore: true, backoutTested: true, affectedUsers: 50), 2, .low),
        // outage 3 + low 0 + 11 users 1 = 4 → moderate (lowest moderate score)
        (Q(outageExpected: true, highestCICriticality: .low, testedBefore: true, backoutTested: true, affectedUsers: 11), 4, .moderate),
        // outage 3 + high 2 + backout untested 2 = 7 → moderate (highest moderate score)
        (Q(outageExpected: true, highestCICriticality: .high, testedBefore: true, backoutTested: false, affectedUsers: 10), 7, .moderate),
        // outage 3 + high 2 + untested 2 + 11 users 1 = 8 → high (lowest high score)
        (Q(outageExpected: true, highestCICriticality: .high, testedBefore: false, backoutTested: true, affectedUsers: 11), 8, .high),
        // outage 3 + high 2 + untested 2 + 101 users 2 = 9 → high
        (Q(outageExpected: true, highestCICriticality: .high, testedBefore: false, backoutTested: true, affectedUsers: 101), 9, .high),
        // everything bad: 3 + 3 + 2 + 2 + 3 = 13 → high
        (Q(outageExpected: true, highestCICriticality: .critical, testedBefore: false, backoutTested: false, affectedUsers: 5000), 13, .high),
        // override: critical 3 + untested 2 = 5 would be moderate, but untried on a critical CI is high
        (Q(outageExpected: false, highestCICriticality: .critical, testedBefore: false, backoutTested: true, affectedUsers: 0), 5, .high),
        // critical 3 alone, tested = 3 → low (the override needs "not tested")
        (Q(outageExpected: false, highestCICriticality: .critical, testedBefore: true, backoutTested: true, affectedUsers: 0), 3, .low),
        // boundaries of users: 1000 → 2 points, 1001 → 3 points
        (Q(outageExpected: false, highestCICriticality: .low, testedBefore: true, backoutTested: true, affectedUsers: 1000), 2, .low),
        (Q(outageExpected: false, highestCICriticality: .low, testedBefore: true, backoutTested: false, affectedUsers: 1001), 5, .moderate),
    ]

    @Test(arguments: cases.indices)
    func questionnaireScoresAndBandsByTheDocumentedRule(_ i: Int) {
        let (q, score, level) = Self.cases[i]
        #expect(ChangeRiskRule.score(q) == score)
        #expect(ChangeRiskRule.level(q) == level)
    }

    @Test func answeringWorseNeverLowersTheRisk() {
        // Property: flipping any single answer to its worse value never lowers the level.
        var rng = DomainII.SplitMix64(seed: 42)
        for _ in 0..<500 {
            let q = Q(outageExpected: Bool.random(using: &rng), highestCICriticality: Criticality.allCases.randomElement(using: &rng)!,
                      testedBefore: Bool.random(using: &rng), backoutTested: Bool.random(using: &rng),
                      affectedUsers: Int.random(in: 0...3000, using: &rng))
            var worse = [q, q, q, q, q]
            worse[0].outageExpected = true
            worse[1].highestCICriticality = .critical
            worse[2].testedBefore = false
            worse[3].backoutTested = false
            worse[4].affectedUsers += 2000
            for w in worse { #expect(ChangeRiskRule.level(w) >= ChangeRiskRule.level(q)) }
        }
    }
}
