import Foundation
import Testing
@testable import ITSM

struct ContinuityPolicyTests {
    typealias K = DomainII
    static let day: TimeInterval = 86_400
    static let boss = Agent(user: "mia", displayName: "Mia", roles: [.agent, .manager])

    static func run(_ op: ContinuityOperation, _ book: inout ContinuityBook, at: Date, by: Agent = boss) throws {
        for e in try decideContinuity(op, in: book, by: by, at: at) { book.apply(e) }
    }

    @Test func overdueReviewsAndTestsFollowTheTier() throws {
        var book = ContinuityBook()
        let jan1 = K.t("2026-01-01 00:00")
        try Self.run(.recordImpact(service: "Payroll", tier: .critical, rto: 3600, rpo: 600, maximumTolerableDowntime: 7200, processes: []), &book, at: jan1)
        try Self.run(.recordImpact(service: "Wiki", tier: .low, rto: 86_400, rpo: 86_400, maximumTolerableDowntime: 86_400 * 7, processes: []), &book, at: jan1)
        try Self.run(.recordImpact(service: "HR", tier: .high, rto: 3600, rpo: 600, maximumTolerableDowntime: 7200, processes: []), &book, at: jan1)
        try Self.run(.writePlan(subject: "Payroll", steps: ["x"], owner: "mia", recoveryTime: 600), &book, at: jan1)
        try Self.run(.writePlan(subject: "Wiki", steps: ["x"], owner: "mia", recoveryTime: 600), &book, at: jan1)
        try Self.run(.recordTest(id: RecordID(.drTest, 1), services: ["Payroll"], date: jan1, scope: "failover", result: .passed, issues: []), &book, at: jan1)

        // Critical: review every 90 days. 1 Jan + 90 days = 1 Apr 00:00: on time at that instant, overdue after.
        let apr1 = K.t("2026-04-01 00:00")
        #expect(continuityFindings(in: book, at: apr1) == [.noPlan(service: "HR", tier: .high),
                                                           .testOverdue(service: "HR", tier: .high, lastTest: nil, due: nil)])
        let later = apr1.addingTimeInterval(1)
        #expect(continuityFindings(in: book, at: later).first == .reviewOverdue(service: "Payroll", tier: .critical, lastReviewed: jan1, due: apr1))
        // Low tier: reviewed yearly, never tested and that is fine.
        let nextYear = K.t("2027-01-02 00:00")
        let findings = continuityFindings(in: book, at: nextYear)
        #expect(findings.contains(.reviewOverdue(service: "Wiki", tier: .low, lastReviewed: jan1, due: jan1.addingTimeInterval(365 * Self.day))))
        #expect(!findings.contains { if case .testOverdue("Wiki", _, _, _) = $0 { true } else { false } })
        // Critical tests every 180 days: 1 Jan + 180 d = 30 Jun.
        #expect(findings.contains(.testOverdue(service: "Payroll", tier: .critical, lastTest: jan1, due: K.t("2026-06-30 00:00"))))
        // A review resets the clock.
        try Self.run(.markReviewed(subject: "Payroll"), &book, at: later)
        #expect(!continuityFindings(in: book, at: later).contains { if case .reviewOverdue = $0 { true } else { false } })
    }

    @Test func aFailedLastTestIsFlagged() throws {
        var book = ContinuityBook()
        try Self.run(.recordImpact(service: "Payroll", tier: .medium, rto: 60, rpo: 60, maximumTolerableDowntime: 60, processes: []), &book, at: K.now)
        try Self.run(.writePlan(subject: "Payroll", steps: ["x"], owner: "mia", recoveryTime: 0), &book, at: K.now)
        try Self.run(.recordTest(id: RecordID(.drTest, 1), services: ["Payroll"], date: K.t("2026-01-01"), scope: "", result: .passed, issues: []), &book, at: K.now)
        try Self.run(.recordTest(id: RecordID(.drTest, 2), services: ["Payroll"], date: K.t("2026-02-01"), scope: "", result: .failed, issues: ["DNS"]), &book, at: K.now)
        #expect(continuityFindings(in: book, at: K.now) == [.lastTestFailed(service: "Payroll", test: RecordID(.drTest, 2))])
    }

    @Test func commandsAreValidated() throws {
        let book = ContinuityBook()
        #expect(throws: Refusal.needsRole(.manager, toDo: "recording a business impact analysis")) {
            _ = try decideContinuity(.recordImpact(service: "P", tier: .high, rto: 1, rpo: 1, maximumTolerableDowntime: 1, processes: []),
                                     in: book, by: K.implementer, at: K.now)
        }
        #expect(throws: Refusal.invalid(field: "rto", reason: "the recovery time objective cannot exceed the maximum tolerable downtime")) {
            _ = try decideContinuity(.recordImpact(service: "P", tier: .high, rto: 10, rpo: 1, maximumTolerableDowntime: 5, processes: []),
                                     in: book, by: Self.boss, at: K.now)
        }
        #expect(throws: Refusal.self) {
            _ = try decideContinuity(.recordTest(id: RecordID(.drTest, 1), services: ["P"], date: K.now, scope: "", result: .failed, issues: []),
                                     in: book, by: K.implementer, at: K.now)
        }
        #expect(throws: Refusal.notFound(RecordID(kind: .continuityPlan, key: "P"))) {
            _ = try decideContinuity(.markReviewed(subject: "P"), in: book, by: Self.boss, at: K.now)
        }
    }

    @Test func revisingABIARecordsOnlyWhatChanged() throws {
        var book = ContinuityBook()
        try Self.run(.recordImpact(service: "P", tier: .high, rto: 60, rpo: 60, maximumTolerableDowntime: 120, processes: ["a"]), &book, at: K.now)
        let events = try decideContinuity(.recordImpact(service: "P", tier: .critical, rto: 60, rpo: 60, maximumTolerableDowntime: 120, processes: ["a"]),
                                          in: book, by: Self.boss, at: K.now)
        #expect(events.count == 1)
        #expect(events[0].changes == [FieldChange("tier", from: .int(2), to: .int(1))])
        #expect(events[0].baseVersion == 1)
    }
}
