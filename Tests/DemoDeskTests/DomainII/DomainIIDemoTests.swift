import Testing
import Foundation
import ITSM
@testable import DemoDesk
@testable import DeskStore

/// 2026-11-25 10:00 UTC: the year-end freeze (15 December) lies within the next 30 days.
private let november = Date(timeIntervalSince1970: 1_795_600_800)
/// 2026-03-11 10:00 UTC: no year-end in sight, so the planted freeze conflict is the month-end close.
private let march = Date(timeIntervalSince1970: 1_773_223_200)
private let day: TimeInterval = 86_400

/// The demo's domain II at `now`, generated once per (now, seed).
private func demo(_ now: Date, seed: UInt64 = 2026) throws -> (commands: [[DemoCommand]], events: [[Event]], state: DomainIIState) {
    let random = DemoRandom(seed: seed, stream: 2, item: 0)
    let agents = DemoDomainII.catalogueAgents
    let commands = DemoDomainII.commands(agents: agents, now: now, random: random)
    let events = try DemoDomainII.transactions(agents: agents, now: now, random: random)
    return (commands, events, DomainIIState(events: events.joined()))
}

private func change(titled title: String, in book: ChangeBook) throws -> ChangeRecord {
    try #require(book.changes.values.first { $0.title == title }, "no change titled \(title)")
}

@Suite struct DomainIIDemoTests {
    @Test func sameSeedGivesTheSameEventsAndAnotherSeedDifferent() throws {
        let a = try demo(november).events, b = try demo(november).events
        #expect(a == b)
        #expect(a.joined().count > 20_000)
        let c = try demo(november, seed: 99).events
        #expect(a != c)
    }

    /// Every event is what the practice's own decide function answers to the scripted
    /// command, given the fold of every event before it (versions included).
    @Test(arguments: [november, march]) func redecidingTheFoldReproducesEveryEvent(now: Date) throws {
        let (commands, transactions, _) = try demo(now)
        #expect(commands.count == transactions.count)
        var state = DomainIIState()
        let rules = DemoDomainII.changeRules
        for (script, produced) in zip(commands, transactions) {
            var expected: [Event] = []
            for command in script {
                let (actor, at) = (command.actor, command.at)
                let made: [Event]
                switch command.operation {
                case let .cmdb(op, subject): made = try decideCMDB(op, subject: subject, in: state.cmdb, by: actor, at: at)
                case let .change(op, id): made = try decideChange(op, change: id, in: state.changes, by: actor, at: at, rules: rules)
                case let .window(op, name): made = try decideChangeWindow(op, name: name, in: state.windows, by: actor, at: at)
                case let .capacity(op): made = try decideCapacity(op, in: state.capacity, by: actor, at: at)
                case let .continuity(op): made = try decideContinuity(op, in: state.continuity, by: actor, at: at)
                case let .portfolio(op, service): made = try decidePortfolio(op, service: service, in: state.portfolio, by: actor, at: at)
                }
                for e in made { state.apply(e) }
                expected += made
            }
            #expect(expected == produced)
        }
        // The demo never decides anything after its own now.
        #expect(transactions.joined().allSatisfy { $0.at <= now })
    }

    @Test func everyCatalogueCIIsInTheCMDBWithAClassAndAPlace() throws {
        let cmdb = try demo(november).state.cmdb
        for service in DemoCatalogue.services {
            let serviceCI = try #require(cmdb[DemoCMDB.serviceCI(service.name)])
            #expect(serviceCI.isService)
            for name in service.cis {
                let ci = try #require(cmdb[name], "catalogue CI \(name) missing from the CMDB")
                #expect(["server", "database", "application", "network-device"].contains(ci.ciClass))
                // Everything stands on something: a site, a host, a database or a device.
                #expect(!cmdb.links(of: name).filter(\.outgoing).isEmpty, "\(name) has no relationships")
            }
        }
        #expect(cmdb.group(of: "vpn-gw-02")?.requiredUp == 1)
        #expect(cmdb["nas-01"]?.status == .retired)
    }

    @Test func changesAreInEveryStateAcrossTheLastSixtyAndNextThirtyDays() throws {
        let book = try demo(november).state.changes
        #expect(Set(book.changes.values.map(\.state)) == Set(ChangeState.allCases))
        #expect(Set(book.changes.values.map(\.type)) == Set(ChangeType.allCases))
        let starts = book.changes.values.compactMap(\.plannedStart)
        #expect(starts.contains { $0 < november.addingTimeInterval(-45 * day) })
        #expect(starts.contains { $0 > november.addingTimeInterval(15 * day) })
        #expect(starts.allSatisfy { $0 > november.addingTimeInterval(-66 * day) && $0 < november.addingTimeInterval(31 * day) })
        // Implemented changes carry a close code; closed ones that needed a review have one.
        for c in book.changes.values where c.state == .closed || c.state == .review {
            #expect(c.closeCode != nil)
            if c.state == .closed && c.reviewRequired { #expect(!c.reviewNotes.isEmpty) }
        }
        #expect(book.changes.values.contains { $0.allVotes.contains { $0.decision == .reject } })
    }

    @Test(arguments: [(november, DemoChanges.yearEndFreeze), (march, DemoChanges.monthEndFreeze)])
    func theCalendarShowsThePlantedConflicts(now: Date, freeze: String) throws {
        let state = try demo(now).state
        let book = state.changes, windows = state.windows.windows
        func conflictsOf(_ title: String) throws -> [ChangeConflict.Kind] {
            conflicts(of: try change(titled: title, in: book), in: book, cmdb: state.cmdb, windows: windows).map(\.kind)
        }
        let firmware = try change(titled: DemoChanges.Planted.firmware, in: book)
        let indexes = try change(titled: DemoChanges.Planted.payrollIndexes, in: book)
        let release = try change(titled: DemoChanges.Planted.shopRelease, in: book)
        let patch = try change(titled: DemoChanges.Planted.shopPatch, in: book)
        for c in [firmware, indexes, release, patch] { #expect(c.state == .scheduled, "\(c.title) is \(c.state)") }

        // Related CIs: db-payroll-01 runs on db-cluster-a.
        #expect(try conflictsOf(DemoChanges.Planted.payrollIndexes).contains {
            if case let .relatedCI(firmware.id, "db-payroll-01", link) = $0 { link.description == "runs on db-cluster-a" } else { false }
        })
        #expect(try conflictsOf(DemoChanges.Planted.firmware).contains {
            if case .relatedCI(indexes.id, "db-cluster-a", _) = $0 { true } else { false }
        })
        // The same CI.
        #expect(try conflictsOf(DemoChanges.Planted.shopPatch).contains(.sameCI(other: release.id, ci: "shop-web-01")))
        #expect(try conflictsOf(DemoChanges.Planted.shopRelease).contains(.sameCI(other: patch.id, ci: "shop-web-01")))
        // A freeze, while awaiting the CAB.
        let migration = try change(titled: DemoChanges.Planted.erpMigration, in: book)
        #expect(migration.state == .authorize)
        #expect(try conflictsOf(DemoChanges.Planted.erpMigration).contains {
            if case .freeze(freeze, _) = $0 { true } else { false }
        })
        // Outside shop-db-01's Sunday maintenance window.
        #expect(try conflictsOf(DemoChanges.Planted.shopDBTuning).contains(.outsideMaintenance(ci: "shop-db-01")))
    }

    @Test func aDatabaseClusterOutageTakesDownTheServicesOnItsDatabases() throws {
        let cmdb = try demo(november).state.cmdb
        // db-cluster-a runs db-payroll-01 and erp-db-01; app-payroll-01 and erp-prd-01 use them;
        // web-hr-01 uses app-payroll-01; etl-01 uses erp-db-01; Database Platform stands on the cluster.
        let impact = analyseImpact(of: ["db-cluster-a"], in: cmdb)
        #expect(Set(impact.services.map(\.ci)) == ["Payroll", "ERP", "HR-Portal", "Data-Warehouse", "Database-Platform"])
        #expect(impact.names.isSuperset(of: ["db-payroll-01", "erp-db-01", "app-payroll-01", "erp-prd-01", "web-hr-01", "etl-01"]))
        #expect(!impact.names.contains("shop-db-01"))
    }

    @Test func oneVPNGatewayDownKeepsVPNUpAndBothTakeItDown() throws {
        let cmdb = try demo(november).state.cmdb
        let one = analyseImpact(of: ["vpn-gw-01"], in: cmdb)
        #expect(one.services.isEmpty)
        #expect(one.groups.map { "\($0.name) \($0.up)/\($0.total) failed: \($0.failed)" } == ["vpn-gateways 1/2 failed: false"])
        let both = analyseImpact(of: ["vpn-gw-01", "vpn-gw-02"], in: cmdb)
        #expect(both.services.map(\.ci) == ["VPN"])
        #expect(both.services.first?.viaGroup == "vpn-gateways")
    }

    @Test func theCapacityPlanLeadsWithTheFillingDiskCrossingInAboutTwelveDays() throws {
        let book = try demo(november).state.capacity
        #expect(book.series.count == DemoCapacity.cis.count * DemoCapacity.metrics.count)
        #expect(book.series.values.allSatisfy { $0.samples.count == 30 * 24 && $0.critical != nil })
        let plan = capacityPlan(book, at: november, window: 30 * day, horizon: 60 * day)
        let first = try #require(plan.first)
        #expect(first.key == DemoCapacity.fillingDisk)
        #expect(first.isCritical && first.confidence == .good)
        guard case let .at(date) = first.crossing else {
            Issue.record("expected a crossing date, got \(first.crossing)")
            return
        }
        #expect(date > november.addingTimeInterval(8 * day) && date < november.addingTimeInterval(16 * day))
        // Nothing else crosses within the horizon.
        #expect(plan.dropFirst().allSatisfy { if case .at = $0.crossing { false } else { true } })
    }

    @Test func continuityFindingsNameTheOverduePlanTheFailedTestAndTheMissingPlan() throws {
        let book = try demo(november).state.continuity
        #expect(book.impacts.count == DemoCatalogue.services.count)
        let findings = continuityFindings(in: book, at: november)
        #expect(findings.contains { if case .reviewOverdue(DemoContinuity.overduePlan, .critical, _, _) = $0 { true } else { false } })
        #expect(findings.contains { if case .lastTestFailed(DemoContinuity.failedTestService, _) = $0 { true } else { false } })
        #expect(findings.contains(.noPlan(service: DemoContinuity.noPlan, tier: .low)))
        // Only the planted plan is overdue for review.
        let overdue = findings.compactMap { if case let .reviewOverdue(s, _, _, _) = $0 { s } else { nil } }
        #expect(overdue == [DemoContinuity.overduePlan])
    }

    @Test func thePortfolioHasEveryPhaseAndOneOverdueReview() throws {
        let portfolio = try demo(november).state.portfolio
        #expect(portfolio.entries(in: .pipeline).count == DemoPortfolio.pipeline.count)
        #expect(portfolio.entries(in: .retired).count == DemoPortfolio.retired.count)
        #expect(portfolio.entries(in: .catalogue).count == DemoCatalogue.services.count)
        #expect(portfolio.overdueReviews(at: november).map(\.service) == [DemoPortfolio.overdueReview])
        #expect(portfolio.entries.values.filter { $0.stage == .operational }.allSatisfy { !$0.owner.isEmpty && !$0.customers.isEmpty && $0.annualCost != nil })
    }
}

@Suite struct DomainIIGeneratorTests {
    /// `opsdesk demo` commits exactly the domain II transactions, after the incidents and problems.
    @Test func theGeneratedStoreHoldsTheDomainIITransactions() throws {
        let dir = NSTemporaryDirectory() + "/demodesk-domain2-\(UInt64(Date().timeIntervalSince1970 * 1e6))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let options = DemoOptions(incidents: 60, seed: 11, now: november, batchIncidents: 30)
        _ = try DemoDesk.generate(at: dir, options: options)
        let store = try EventStore.open(at: dir, readOnly: true)
        var stored: [[Event]] = []
        try FrameReader(path: dir).forEachTransaction(upTo: store.view.lastSequence) { stored.append($0) }
        let expected = try DemoDomainII.transactions(agents: DemoDomainII.catalogueAgents, now: november,
                                                     random: DemoRandom(seed: 11, stream: 2, item: 0))
        let kinds: Set<RecordKind> = [.configurationItem, .redundancyGroup, .change, .changeWindow, .capacitySeries,
                                      .businessImpact, .continuityPlan, .drTest, .portfolioEntry]
        let domainII = stored.filter { $0.contains { kinds.contains($0.record.kind) } }
        #expect(domainII == expected)
        // Written after every incident.
        let firstDomainII = try #require(stored.firstIndex { $0.contains { kinds.contains($0.record.kind) } })
        #expect(!stored[firstDomainII...].joined().contains { $0.record.kind == .incident })
    }
}
