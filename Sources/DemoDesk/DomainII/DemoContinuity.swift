import Foundation
import ITSM

/// Business impact analyses for every service, continuity plans (Payroll's review overdue,
/// Mobile Devices without one), plans for the core infrastructure, and DR tests (the Web Shop
/// failover failed).
enum DemoContinuity {
    static let overduePlan = "Payroll"
    static let noPlan = "Mobile Devices"
    static let failedTestService = "Web Shop"

    static let processes: [String: [String]] = [
        "Email": ["Customer correspondence", "Internal communication"],
        "VPN": ["Remote working"],
        "Core Network": ["Everything on site"],
        "Payroll": ["Monthly pay run", "Expense reimbursement"],
        "HR Portal": ["Leave requests", "Onboarding"],
        "CRM": ["Sales pipeline", "Customer care cases"],
        "ERP": ["Order to cash", "Procure to pay", "Month-end close"],
        "Web Shop": ["Online sales", "Returns"],
        "Identity & SSO": ["Sign-in to every business application"],
        "Telephony": ["Customer care hotline", "Switchboard"],
        "Backup": ["Data recovery"],
        "Database Platform": ["Every database-backed application"],
    ]

    /// RTO and RPO by tier.
    static func objectives(_ tier: Criticality) -> (rto: TimeInterval, rpo: TimeInterval) {
        let h = DemoTime.hour
        switch tier {
        case .critical: return (4 * h, 0.25 * h)
        case .high: return (8 * h, 1 * h)
        case .medium: return (24 * h, 4 * h)
        case .low: return (72 * h, 24 * h)
        }
    }

    /// Infrastructure with its own recovery plan, and how long it takes to bring back.
    static let infrastructurePlans: [(ci: String, hours: Double, group: String)] = [
        ("db-cluster-a", 6, "DBA"), ("db-cluster-b", 5, "DBA"), ("esx-hq-01", 3, "Infrastructure"),
        ("esx-hq-02", 3, "Infrastructure"), ("esx-hq-03", 3, "Infrastructure"), ("fw-edge-01", 2, "Network"),
    ]

    /// DR tests: services, days ago, scope, result, issues.
    static let tests: [(services: [String], daysAgo: Double, scope: String, result: DRTestResult, issues: [String])] = [
        (["Identity & SSO"], 75, "Shut down dc-01; sign-ins served by dc-02 at the DR site", .passed, []),
        (["Payroll"], 50, "Restore db-payroll-01 from last night's backup to the DR cluster; run a test pay run", .passed, []),
        (["ERP", "Database Platform"], 45, "Fail db-cluster-a over to DR and bring ERP up there", .partial,
         ["Restore of erp-db-01 took 5 h 10 min against a 4 h RTO", "Batch jobs had hard-coded HQ host names"]),
        (["Email"], 60, "Move all mailboxes to exch-mbx-02; take exch-mbx-01 down", .passed, []),
        (["Core Network", "VPN"], 30, "Pull core-sw-01 and vpn-gw-01; traffic on the partners", .passed, []),
        (["Web Shop"], 20, "Fail the web shop over to the DR site during the Sunday window", .failed,
         ["shop-db-01's replica at DR was six hours behind: replication had silently stopped",
          "The shop's DNS TTL of 24 hours kept customers on the HQ address"]),
        (["CRM"], 40, "Run CRM on crm-app-02 alone with crm-db-01 restored to db-cluster-b's standby", .passed, []),
        (["File Shares"], 25, "Restore the Finance share from nas-02 snapshots", .passed, []),
        (["Telephony"], 12, "Route the hotline through sbc-01's standby trunk", .passed, []),
        (["Backup"], 8, "Restore 50 random files and one VM from tape", .passed, []),
    ]

    static func commands(services: [DemoCatalogue.ServiceSpec], cast: DemoCast, now: Date,
                         random rng: inout DemoRandom) -> [DemoCommand] {
        var out: [DemoCommand] = []
        func add(_ actor: Agent, _ at: Date, _ op: ContinuityOperation) {
            out.append(DemoCommand(actor: actor, at: at, operation: .continuity(op)))
        }
        let start = now.addingTimeInterval(-85 * DemoTime.day)
        for (i, s) in services.enumerated() {
            let (rto, rpo) = objectives(s.criticality)
            add(cast.manager(of: s.group), start.addingTimeInterval(Double(i) * 600), .recordImpact(
                service: s.name, tier: s.criticality, rto: rto, rpo: rpo, maximumTolerableDowntime: 3 * rto,
                processes: processes[s.name] ?? ["\(s.name) for staff"]))
        }
        // Plans: Payroll's was written long ago and never reviewed since; the rest recently.
        var plans: [(Date, DemoCommand)] = []
        for s in services where s.name != noPlan {
            let manager = cast.manager(of: s.group)
            let daysAgo = s.name == overduePlan ? 140 : Double(rng.int(in: 20...80))
            let (rto, _) = objectives(s.criticality)
            let cis = DemoCMDB.cis(of: s)
            let steps = ["Declare the incident and open the bridge"]
                + cis.map { "Recover \($0) (see its runbook)" }
                + ["Verify \(s.name) with the key users", "Stand down and write the report"]
            let at = now.addingTimeInterval(-daysAgo * DemoTime.day)
            plans.append((at, DemoCommand(actor: manager, at: at, operation: .continuity(
                .writePlan(subject: s.name, steps: steps, owner: manager.user, recoveryTime: rto * (0.5 + 0.4 * rng.unit()))))))
            if s.name != overduePlan && daysAgo > 50 && rng.chance(0.5) {
                let reviewed = at.addingTimeInterval(Double(rng.int(in: 10...40)) * DemoTime.day)
                plans.append((reviewed, DemoCommand(actor: manager, at: reviewed, operation: .continuity(.markReviewed(subject: s.name)))))
            }
        }
        for p in infrastructurePlans {
            let manager = cast.manager(of: p.group)
            let at = now.addingTimeInterval(-Double(rng.int(in: 20...70)) * DemoTime.day)
            plans.append((at, DemoCommand(actor: manager, at: at, operation: .continuity(
                .writePlan(subject: p.ci, steps: ["Confirm the failure", "Rebuild or fail over \(p.ci)", "Restore configuration from backup", "Hand back to service owners"],
                           owner: manager.user, recoveryTime: p.hours * DemoTime.hour)))))
        }
        out += plans.sorted { $0.0 < $1.0 }.map(\.1)
        for (k, test) in tests.enumerated() {
            guard let s = services.first(where: { $0.name == test.services[0] }) else { continue }
            let date = now.addingTimeInterval(-test.daysAgo * DemoTime.day)
            let runner = cast.agent(rng.pick(cast.members(of: s.group)))
            add(runner, date.addingTimeInterval(6 * DemoTime.hour), .recordTest(
                id: RecordID(.drTest, k + 1), services: test.services, date: date, scope: test.scope, result: test.result, issues: test.issues))
        }
        return out
    }
}

/// The service portfolio: every catalogue service through to operational, Printing retiring
/// with its review overdue, three proposals in the pipeline, two retired services.
enum DemoPortfolio {
    static let overdueReview = "Printing"
    static let pipeline: [(service: String, owner: String, stage: PortfolioStage, value: String, cost: Double?)] = [
        ("Self-service Password Reset", "yusuf", .analysis, "Cuts a fifth of the desk's calls: password resets without an agent.", 18_000),
        ("Customer Chatbot", "fatima", .approved, "Answers order-status questions around the clock.", 60_000),
        ("Data Lake", "chen", .requirements, "One place for analytics across ERP, CRM and the web shop.", nil),
    ]
    static let retired: [(service: String, owner: String, cis: [String], stage: PortfolioStage, reason: String)] = [
        ("Fax Gateway", "rajesh", ["sbc-01"], .retired, "The last fax line was cancelled; nobody sent a fax in a year."),
        ("Legacy Intranet", "fatima", ["nas-01"], .obsolete, "Replaced by the HR Portal and the new intranet site."),
    ]

    static func slaNames(now: Date) -> [String] {
        DemoCatalogue.directoryCommands(now: now).compactMap { _, command in
            if case let .defineSLA(sla) = command { return sla.name } else { return nil }
        }
    }

    static func commands(services: [DemoCatalogue.ServiceSpec], cast: DemoCast, now: Date,
                         random rng: inout DemoRandom) -> [DemoCommand] {
        var out: [DemoCommand] = []
        var t = now.addingTimeInterval(-88 * DemoTime.day)
        func add(_ owner: String, _ service: String, _ op: PortfolioOperation) {
            t.addTimeInterval(60)
            out.append(DemoCommand(actor: cast.agent(owner), at: t, operation: .portfolio(op, service: service)))
        }
        let toOperational: [PortfolioStage] = [.definition, .analysis, .approved, .chartered, .design, .development, .buildAndTest, .operational]
        let slas = slaNames(now: now)
        let departments = DemoTemplates.departments
        func customers() -> [String] {
            if rng.chance(0.3) { return ["All staff"] }
            var pool = departments, out: [String] = []
            for _ in 0..<rng.int(in: 2...4) { out.append(pool.remove(at: rng.below(pool.count))) }
            return out.sorted()
        }
        func cost(_ c: Criticality) -> Double {
            let base: Double = switch c { case .critical: 250_000; case .high: 120_000; case .medium: 50_000; case .low: 15_000 }
            return ((base * (0.6 + 0.8 * rng.unit())) / 1_000).rounded() * 1_000
        }
        for s in services {
            let review = s.name == overdueReview ? now.addingTimeInterval(-20 * DemoTime.day)
                : DemoTime.startOfDay(now).addingTimeInterval(Double(rng.int(in: 30...300)) * DemoTime.day)
            add(s.owner, s.name, .propose(PortfolioEdit(
                owner: s.owner, customers: customers(), businessValue: "Keeps \(s.name.lowercased()) available to the business at the agreed service levels.",
                annualCost: cost(s.criticality), reviewDate: review, slas: slas, cis: [DemoCMDB.serviceCI(s.name)] + DemoCMDB.cis(of: s))))
            for stage in toOperational { add(s.owner, s.name, .move(to: stage, reason: nil)) }
        }
        t = now.addingTimeInterval(-15 * DemoTime.day)
        add(DemoCatalogue.services.first { $0.name == overdueReview }?.owner ?? cast.changeManager.user, overdueReview,
            .move(to: .retiring, reason: "Printing moves to a cloud print service next quarter."))
        t = now.addingTimeInterval(-60 * DemoTime.day)
        for p in pipeline {
            add(p.owner, p.service, .propose(PortfolioEdit(owner: p.owner, customers: customers(), businessValue: p.value,
                                                           annualCost: p.cost, reviewDate: now.addingTimeInterval(45 * DemoTime.day))))
            let path = Array(toOperational.prefix { $0 != p.stage }) + (p.stage == .requirements ? [] : [p.stage])
            for stage in path where p.stage != .requirements { add(p.owner, p.service, .move(to: stage, reason: nil)) }
        }
        t = now.addingTimeInterval(-86 * DemoTime.day)
        for r in retired {
            add(r.owner, r.service, .propose(PortfolioEdit(owner: r.owner, customers: ["All staff"], businessValue: "Legacy service.",
                                                           annualCost: 8_000, slas: Array(slas.suffix(1)), cis: r.cis)))
            for stage in toOperational { add(r.owner, r.service, .move(to: stage, reason: nil)) }
            add(r.owner, r.service, .move(to: .retiring, reason: r.reason))
            add(r.owner, r.service, .move(to: .retired, reason: r.reason))
            if r.stage == .obsolete { add(r.owner, r.service, .move(to: .obsolete, reason: nil)) }
        }
        // Each entry's steps are in order; across entries, in time order as they happened.
        return out.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
    }
}
