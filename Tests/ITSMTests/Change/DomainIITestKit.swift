import Foundation
@testable import ITSM

/// Helpers shared by the tests of domain II (changes, CMDB, capacity, continuity, portfolio).
/// One namespace so nothing here collides with domain I's test helpers in the same target.
enum DomainII {
    /// SplitMix64: a tiny seeded generator, so property tests are random yet repeatable.
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let utc: TimeZone = .gmt

    /// A UTC instant: `t("2026-03-14 22:00")`.
    static func t(_ text: String) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = utc
        let parts = text.split(whereSeparator: { $0 == "-" || $0 == " " || $0 == ":" }).map { Int($0)! }
        return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2],
                                                  hour: parts.count > 3 ? parts[3] : 0,
                                                  minute: parts.count > 4 ? parts[4] : 0))!
    }

    static func window(_ a: String, _ b: String) -> DateInterval { DateInterval(start: t(a), end: t(b)) }

    static let now = t("2026-03-01 09:00")

    static let requester = Agent(user: "rita", displayName: "Rita Requester")
    static let implementer = Agent(user: "ivan", displayName: "Ivan Implementer")
    static let manager = Agent(user: "carl", displayName: "Carl Change", roles: [.agent, .changeManager])
    static let cab1 = Agent(user: "cab1", displayName: "CAB One", roles: [.agent, .cabMember])
    static let cab2 = Agent(user: "cab2", displayName: "CAB Two", roles: [.agent, .cabMember])
    static let cab3 = Agent(user: "cab3", displayName: "CAB Three", roles: [.agent, .cabMember])
    static let admin = Agent(user: "root", displayName: "Admin", roles: [.agent, .admin, .changeManager])

    /// Applies a command's events to a book, or fails the test with the refusal.
    static func run(_ op: ChangeOperation, _ id: RecordID, _ book: inout ChangeBook, by actor: Agent,
                    at now: Date = now, rules: ChangeRules = .init()) throws {
        for event in try decideChange(op, change: id, in: book, by: actor, at: now, rules: rules) { book.apply(event) }
    }

    static func run(_ op: CMDBOperation, _ subject: String, _ cmdb: inout CMDB, by actor: Agent = admin,
                    at now: Date = now) throws {
        for event in try decideCMDB(op, subject: subject, in: cmdb, by: actor, at: now) { cmdb.apply(event) }
    }

    /// A normal change with everything needed to go to authorisation.
    static func readyDraft(cis: [String] = ["app-payroll"], window: DateInterval = window("2026-03-14 22:00", "2026-03-15 02:00"),
                           assignee: String? = "ivan") -> ChangeDraft {
        ChangeDraft(type: .normal, title: "Patch payroll", requester: "rita", changeManager: "carl", assignee: assignee,
                    affectedCIs: cis, justification: "security fix", implementationPlan: "apply patch",
                    backoutPlan: "restore snapshot", testPlan: "smoke test",
                    plannedStart: window.start, plannedEnd: window.end)
    }

    static let lowRisk = ChangeRiskQuestionnaire(outageExpected: false, highestCICriticality: .low, testedBefore: true,
                                                 backoutTested: true, affectedUsers: 5)
    static let highRisk = ChangeRiskQuestionnaire(outageExpected: true, highestCICriticality: .critical, testedBefore: false,
                                                  backoutTested: false, affectedUsers: 5000)

    /// A change put straight into a given state through the ordinary commands.
    static func change(_ n: Int, in book: inout ChangeBook, draft: ChangeDraft, risk: ChangeRiskQuestionnaire = lowRisk,
                       upTo state: ChangeState) throws -> RecordID {
        let id = RecordID(.change, n)
        try run(.create(draft), id, &book, by: requester)
        if state == .new { return id }
        try run(.submit, id, &book, by: requester)
        try run(.assessRisk(risk), id, &book, by: manager)
        if state == .assess { return id }
        try run(.requestAuthorization, id, &book, by: manager)
        if state == .authorize { return id }
        try run(.approve(comment: "ok"), id, &book, by: manager)
        if ChangeRiskRule.level(risk) != .low {
            for cab in [cab1, cab2, cab3] { try run(.approve(comment: "ok"), id, &book, by: cab) }
        }
        try run(.schedule, id, &book, by: manager)
        if state == .scheduled { return id }
        try run(.start(at: draft.plannedStart!), id, &book, by: implementer)
        return id
    }
}
