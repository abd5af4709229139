import Foundation
import Testing
@testable import ITSM

struct RecoveryScenarioTests {
    typealias K = DomainII


    /// ```
    /// site-a ─contains─► srv-1, srv-2, nas-1
    /// db-1 ─runs on─► srv-1,  db-1 ─depends on─► nas-1
    /// app-1 ─runs on─► srv-2, app-1 ─depends on─► db-1
    /// Payroll ─depends on─► app-1;  HR ─depends on─► db-1
    /// ```
    static func cmdb() throws -> CMDB {
        var cmdb = CMDB()
        try K.run(.createCI(ciClass: "site"), "site-a", &cmdb)
        for n in ["srv-1", "srv-2", "nas-1"] {
            try K.run(.createCI(ciClass: "server", attributes: ["location": .text("site-a")]), n, &cmdb)
            try K.run(.relate(.contains, to: n), "site-a", &cmdb)
        }
        try K.run(.createCI(ciClass: "database", attributes: ["engine": .text("postgresql")]), "db-1", &cmdb)
        try K.run(.createCI(ciClass: "application"), "app-1", &cmdb)
        try K.run(.createCI(ciClass: "service", criticality: .critical), "Payroll", &cmdb)
        try K.run(.createCI(ciClass: "service", criticality: .high), "HR", &cmdb)
        try K.run(.relate(.runsOn, to: "srv-1"), "db-1", &cmdb)
        try K.run(.relate(.dependsOn, to: "nas-1"), "db-1", &cmdb)
        try K.run(.relate(.runsOn, to: "srv-2"), "app-1", &cmdb)
        try K.run(.relate(.dependsOn, to: "db-1"), "app-1", &cmdb)
        try K.run(.relate(.dependsOn, to: "app-1"), "Payroll", &cmdb)
        try K.run(.relate(.dependsOn, to: "db-1"), "HR", &cmdb)
        return cmdb
    }

    static func continuity() throws -> ContinuityBook {
        var book = ContinuityBook()
        let boss = Agent(user: "mia", displayName: "Mia", roles: [.agent, .manager])
        let ops: [ContinuityOperation] = [
            .recordImpact(service: "Payroll", tier: .critical, rto: 8 * hour, rpo: hour, maximumTolerableDowntime: 24 * hour, processes: ["pay staff"]),
            .recordImpact(service: "HR", tier: .high, rto: 8 * hour, rpo: 4 * hour, maximumTolerableDowntime: 48 * hour, processes: ["hiring"]),
            .writePlan(subject: "Payroll", steps: ["start app", "verify run"], owner: "mia", recoveryTime: hour),
            .writePlan(subject: "HR", steps: ["start HR"], owner: "mia", recoveryTime: 0.5 * hour),
        ]
        for op in ops { for e in try decideContinuity(op, in: book, by: boss, at: K.now) { book.apply(e) } }
        return book
    }

    @Test func losingTheSiteGivesAHandCheckedRecoveryOrderAndRTORisks() throws {
        let times: [String: TimeInterval] = ["site-a": 2 * hour, "srv-1": hour, "srv-2": hour, "nas-1": 3 * hour,
                                             "db-1": 2 * hour, "app-1": hour]
        let s = playLoss(of: ["site-a"], cmdb: try Self.cmdb(), continuity: try Self.continuity(), recoveryTimes: times)
        // Stages: site-a 1; what it contains 2; db-1 needs srv-1 and nas-1 → 3;
        // app-1 needs srv-2 (2) and db-1 (3) → 4; HR needs db-1 → 4; Payroll needs app-1 → 5.
        #expect(s.stages == [["site-a"], ["nas-1", "srv-1", "srv-2"], ["db-1"], ["HR", "app-1"], ["Payroll"]])
        // Ready times (hours): site-a 2; srv-1 2+1 = 3; srv-2 3; nas-1 2+3 = 5;
        // db-1 max(3, 5) + 2 = 7; app-1 max(3, 7) + 1 = 8; HR 7 + 0.5 = 7.5; Payroll 8 + 1 = 9.
        let ready = Dictionary(uniqueKeysWithValues: s.recoveryOrder.map { ($0.ci, $0.readyAfter / hour) })
        #expect(ready == ["site-a": 2, "srv-1": 3, "srv-2": 3, "nas-1": 5, "db-1": 7, "app-1": 8, "HR": 7.5, "Payroll": 9])
        // Within stage 4, HR is high criticality and app-1 medium: HR first.
        #expect(s.recoveryOrder.map(\.ci) == ["site-a", "nas-1", "srv-1", "srv-2", "db-1", "HR", "app-1", "Payroll"])
        // Payroll: 9 h > RTO 8 h → at risk; HR: 7.5 h ≤ 8 h → fine.
        #expect(s.downServices == ["HR", "Payroll"])
        #expect(s.rto.map(\.service) == ["Payroll", "HR"])
        #expect(s.rto.map(\.atRisk) == [true, false])
        #expect(s.rto[0].estimate == 9 * hour && s.rto[0].hasPlan)
    }

    @Test func recoveryNeverStartsAnItemBeforeWhatItNeeds() throws {
        // Property over random lost sets in the same CMDB: for every non-cyclic item,
        // each down plain requirement has a lower stage and is ready no later.
        let cmdb = try Self.cmdb(), book = try Self.continuity()
        var rng = K.SplitMix64(seed: 11)
        let names = cmdb.items.keys.sorted()
        for _ in 0..<50 {
            let lost = Set(names.filter { _ in Int.random(in: 0..<4, using: &rng) == 0 })
            let times = Dictionary(uniqueKeysWithValues: names.map { ($0, Double(Int.random(in: 0...5, using: &rng)) * hour) })
            let s = playLoss(of: lost, cmdb: cmdb, continuity: book, recoveryTimes: times)
            let item = Dictionary(uniqueKeysWithValues: s.recoveryOrder.map { ($0.ci, $0) })
            for r in s.recoveryOrder {
                for (req, _) in cmdb.requirements(of: r.ci) {
                    guard let q = item[req] else { continue }
                    #expect(q.stage < r.stage)
                    #expect(q.readyAfter <= r.readyAfter)
                }
            }
        }
    }

    @Test func aFailedGroupWaitsOnlyForEnoughMembers() throws {
        // web-1/2/3 need 2 up; all lost (1 h, 2 h, 4 h); app needs the second quickest:
        // 2 h, plus its own 1 h → 3 h, stage 2.
        var cmdb = CMDB()
        for n in ["web-1", "web-2", "web-3", "app"] { try K.run(.createCI(ciClass: "application"), n, &cmdb) }
        for n in ["web-1", "web-2", "web-3"] { try K.run(.relate(.dependsOn, to: n), "app", &cmdb) }
        try K.run(.defineGroup(members: ["web-1", "web-2", "web-3"], rule: .atLeast(2)), "farm", &cmdb)
        let s = playLoss(of: ["web-1", "web-2", "web-3"], cmdb: cmdb, continuity: ContinuityBook(),
                         recoveryTimes: ["web-1": hour, "web-2": 2 * hour, "web-3": 4 * hour, "app": hour])
        let app = s.recoveryOrder.first { $0.ci == "app" }!
        #expect(app.readyAfter == 3 * hour)
        #expect(app.stage == 2)
        // With web-3 still up, one lost member is enough to fall below 2 only if two are lost:
        // losing web-1 and web-2 leaves 1 up, so app needs 1 more: the quickest, web-1 (1 h) + 1 h = 2 h.
        let t = playLoss(of: ["web-1", "web-2"], cmdb: cmdb, continuity: ContinuityBook(),
                         recoveryTimes: ["web-1": hour, "web-2": 2 * hour, "app": hour])
        #expect(t.recoveryOrder.first { $0.ci == "app" }!.readyAfter == 2 * hour)
    }

    @Test func cyclesAreRecoveredTogetherAndFlagged() throws {
        var cmdb = CMDB()
        for n in ["a", "b", "c"] { try K.run(.createCI(ciClass: "application"), n, &cmdb) }
        try K.run(.relate(.dependsOn, to: "b"), "a", &cmdb)
        try K.run(.relate(.dependsOn, to: "a"), "b", &cmdb)
        try K.run(.relate(.dependsOn, to: "a"), "c", &cmdb)
        let s = playLoss(of: ["a", "b"], cmdb: cmdb, continuity: ContinuityBook(), recoveryTimes: ["a": 60, "b": 120, "c": 10])
        #expect(s.stages == [["a", "b"], ["c"]])
        #expect(s.recoveryOrder.map(\.inCycle) == [true, true, false])
        // c waits for a (60 s), then its own 10 s.
        #expect(s.recoveryOrder.last!.readyAfter == 70)
    }

    @Test func tarjanOrdersComponentsDependenciesFirst() {
        let edges: [String: [String]] = ["a": ["b"], "b": ["c"], "c": ["b", "d"], "d": []]
        #expect(stronglyConnected(["a", "b", "c", "d"]) { edges[$0]! } == [["d"], ["b", "c"], ["a"]])
    }
}
