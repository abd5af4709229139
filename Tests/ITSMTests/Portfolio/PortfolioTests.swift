import Foundation
import Testing
@testable import ITSM

struct PortfolioTests {
    typealias K = DomainII
    static let boss = Agent(user: "mia", displayName: "Mia", roles: [.agent, .manager])

    static func run(_ op: PortfolioOperation, _ service: String, _ p: inout Portfolio, by actor: Agent = boss) throws {
        for e in try decidePortfolio(op, service: service, in: p, by: actor, at: K.now) { p.apply(e) }
    }

    @Test func aServiceGoesFromIdeaToObsolete() throws {
        var p = Portfolio()
        try Self.run(.propose(PortfolioEdit(customers: ["Finance"])), "Payroll", &p, by: K.requester)
        #expect(p["Payroll"]!.stage == .requirements && p["Payroll"]!.phase == .pipeline)
        try Self.run(.move(to: .definition, reason: nil), "Payroll", &p, by: K.requester)
        try Self.run(.move(to: .analysis, reason: nil), "Payroll", &p, by: K.requester)
        #expect(throws: Refusal.transitionNotAllowed(record: RecordID(kind: .portfolioEntry, key: "Payroll"), from: "analysis", to: "approved",
                                                     reason: "approval needs the business value stated")) {
            try Self.run(.move(to: .approved, reason: nil), "Payroll", &p)
        }
        try Self.run(.edit(PortfolioEdit(businessValue: "pays 4000 staff on time", annualCost: 120_000)), "Payroll", &p, by: K.requester)
        #expect(throws: Refusal.needsRole(.manager, toDo: "moving a service to approved")) {
            try Self.run(.move(to: .approved, reason: nil), "Payroll", &p, by: K.requester)
        }
        try Self.run(.move(to: .approved, reason: nil), "Payroll", &p)
        #expect(throws: Refusal.self) { try Self.run(.move(to: .chartered, reason: nil), "Payroll", &p) }   // no owner yet
        try Self.run(.edit(PortfolioEdit(owner: "mia")), "Payroll", &p)
        for stage in [PortfolioStage.chartered, .design, .development, .buildAndTest] {
            try Self.run(.move(to: stage, reason: nil), "Payroll", &p)
        }
        #expect(p["Payroll"]!.phase == .catalogue)
        #expect(throws: Refusal.self) { try Self.run(.move(to: .operational, reason: nil), "Payroll", &p) }  // no SLA, no CI
        try Self.run(.edit(PortfolioEdit(slas: ["Payroll gold"], cis: ["app-payroll"])), "Payroll", &p)
        try Self.run(.move(to: .operational, reason: nil), "Payroll", &p)
        try Self.run(.move(to: .retiring, reason: "replaced by SaaS"), "Payroll", &p)
        #expect(throws: Refusal.self) { try Self.run(.move(to: .retired, reason: nil), "Payroll", &p) }
        try Self.run(.move(to: .retired, reason: "SaaS live"), "Payroll", &p)
        try Self.run(.move(to: .obsolete, reason: nil), "Payroll", &p)
        #expect(p["Payroll"]!.lastReason == "SaaS live")
        #expect(throws: Refusal.self) { try Self.run(.move(to: .retired, reason: "x"), "Payroll", &p) }
        #expect(throws: Refusal.self) { try Self.run(.edit(PortfolioEdit(owner: "bob")), "Payroll", &p) }
    }

    /// Every pair of stages against the drawn table.
    @Test func stageTable() {
        let allowed: Set<String> = [
            "requirements>definition", "requirements>retired", "definition>analysis", "definition>requirements",
            "definition>retired", "analysis>approved", "analysis>definition", "analysis>retired", "approved>chartered",
            "approved>retired", "chartered>design", "chartered>retired", "design>development", "development>build-and-test",
            "development>design", "build-and-test>operational", "build-and-test>development", "operational>retiring",
            "retiring>retired", "retiring>operational", "retired>obsolete",
        ]
        for from in PortfolioStage.allCases {
            for to in PortfolioStage.allCases {
                #expect((PortfolioStage.next[from]?.contains(to) == true) == allowed.contains("\(from.rawValue)>\(to.rawValue)"), "\(from) → \(to)")
            }
        }
    }

    @Test(arguments: [
        (PortfolioStage.requirements, PortfolioPhase.pipeline), (.chartered, .pipeline), (.design, .catalogue),
        (.operational, .catalogue), (.retiring, .catalogue), (.retired, .retired), (.obsolete, .retired),
    ])
    func phaseOfStage(stage: PortfolioStage, phase: PortfolioPhase) { #expect(stage.phase == phase) }

    @Test func droppingAProposalNeedsAReason() throws {
        var p = Portfolio()
        try Self.run(.propose(PortfolioEdit()), "Idea", &p)
        #expect(throws: Refusal.transitionNotAllowed(record: RecordID(kind: .portfolioEntry, key: "Idea"), from: "requirements", to: "retired",
                                                     reason: "say why the proposal is dropped")) {
            try Self.run(.move(to: .retired, reason: " "), "Idea", &p)
        }
        try Self.run(.move(to: .retired, reason: "no budget"), "Idea", &p)
        #expect(p.entries(in: .retired).map(\.service) == ["Idea"])
    }

    @Test func overdueReviewsAreFlaggedOldestFirstExceptRetired() throws {
        var p = Portfolio()
        for (name, date) in [("A", "2026-02-01"), ("B", "2026-01-15"), ("C", "2026-04-01"), ("D", "2026-01-01")] {
            try Self.run(.propose(PortfolioEdit(reviewDate: K.t(date))), name, &p)
        }
        try Self.run(.move(to: .retired, reason: "dropped"), "D", &p)
        // now = 1 March: A and B are past; C is ahead; D is retired.
        #expect(p.overdueReviews(at: K.now).map(\.service) == ["B", "A"])
    }

    @Test func entriesByPhaseAreInStageOrder() throws {
        var p = Portfolio()
        try Self.run(.propose(PortfolioEdit()), "Zeta", &p)
        try Self.run(.propose(PortfolioEdit()), "Alpha", &p)
        try Self.run(.move(to: .definition, reason: nil), "Alpha", &p)
        try Self.run(.propose(PortfolioEdit()), "Beta", &p)
        #expect(p.entries(in: .pipeline).map(\.service) == ["Beta", "Zeta", "Alpha"])
    }

    @Test func randomMovesOnlyFollowTheTable() throws {
        // Property: whatever is attempted, every accepted move is in the table, and the
        // version counts the events applied.
        var rng = K.SplitMix64(seed: 8)
        for round in 0..<30 {
            var p = Portfolio()
            let name = "S\(round)"
            try Self.run(.propose(PortfolioEdit(owner: "mia", businessValue: "v", annualCost: 1, slas: ["s"], cis: ["c"])), name, &p)
            var applied: UInt64 = 1
            for _ in 0..<40 {
                let to = PortfolioStage.allCases.randomElement(using: &rng)!
                let before = p[name]!.stage
                guard let events = try? decidePortfolio(.move(to: to, reason: "r"), service: name, in: p, by: Self.boss, at: K.now) else { continue }
                #expect(PortfolioStage.next[before]!.contains(to))
                events.forEach { p.apply($0) }
                applied += UInt64(events.count)
                #expect(p[name]!.version == applied)
            }
        }
    }

    @Test func foldIgnoresOddEvents() {
        var p = Portfolio()
        p.apply(Event(record: RecordID(kind: .portfolioEntry, key: "X"), action: EventAction("portfolio.renamed"), actor: "a", at: K.now,
                      baseVersion: 0, changes: [FieldChange("stage", to: .text("limbo")), FieldChange("annual-cost", to: .text("lots")),
                                                FieldChange("flavour", to: .text("mint"))]))
        #expect(p["X"]!.stage == .requirements)
        #expect(p["X"]!.annualCost == nil)
        #expect(p["X"]!.version == 1)
    }
}
