import Foundation
import Testing
@testable import ITSM

struct ImpactAnalysisTests {
    typealias K = DomainII

    /// ```
    /// rack-1 ─contains─► web-01, web-02, srv-01        rack-2 ─contains─► web-03
    /// web-farm = {web-01, web-02, web-03}, up while at least 2 are up
    /// app-shop ─depends on─► web-01, web-02, web-03, db-01
    /// Shop (service) ─depends on─► app-shop
    /// app-payroll ─runs on─► srv-01;   Payroll (service) ─depends on─► app-payroll
    /// ```
    static func cmdb(farmRule: RedundancyGroup.Rule = .atLeast(2)) throws -> CMDB {
        var cmdb = CMDB()
        for n in ["rack-1", "rack-2"] { try K.run(.createCI(ciClass: "rack"), n, &cmdb) }
        for n in ["web-01", "web-02", "web-03", "srv-01"] {
            try K.run(.createCI(ciClass: "server", attributes: ["location": .text("dc1")]), n, &cmdb)
        }
        try K.run(.createCI(ciClass: "database", criticality: .high, attributes: ["engine": .text("postgresql")]), "db-01", &cmdb)
        try K.run(.createCI(ciClass: "application"), "app-shop", &cmdb)
        try K.run(.createCI(ciClass: "application"), "app-payroll", &cmdb)
        try K.run(.createCI(ciClass: "service", criticality: .critical), "Shop", &cmdb)
        try K.run(.createCI(ciClass: "service", criticality: .high), "Payroll", &cmdb)
        for n in ["web-01", "web-02", "srv-01"] { try K.run(.relate(.contains, to: n), "rack-1", &cmdb) }
        try K.run(.relate(.contains, to: "web-03"), "rack-2", &cmdb)
        for n in ["web-01", "web-02", "web-03", "db-01"] { try K.run(.relate(.dependsOn, to: n), "app-shop", &cmdb) }
        try K.run(.relate(.dependsOn, to: "app-shop"), "Shop", &cmdb)
        try K.run(.relate(.runsOn, to: "srv-01"), "app-payroll", &cmdb)
        try K.run(.relate(.dependsOn, to: "app-payroll"), "Payroll", &cmdb)
        try K.run(.defineGroup(members: ["web-01", "web-02", "web-03"], rule: farmRule), "web-farm", &cmdb)
        return cmdb
    }

    @Test func losingARackTakesTheFarmBelowItsRuleAndTheServicesWithIt() throws {
        let result = analyseImpact(of: ["rack-1"], in: try Self.cmdb(),
                                   openIncidents: ["app-shop": [RecordID(.incident, 5)]],
                                   scheduledChanges: ["Payroll": [RecordID(.change, 311)]])
        // rack-1 contains web-01, web-02, srv-01 → down at distance 1.
        // web-farm: 3 members, 2 down, 1 up < 2 required → failed, so app-shop is down via
        // the group (path through web-01, first by name); app-payroll runs on srv-01 → down.
        // Shop and Payroll depend on those → down at distance 3.
        #expect(result.items.map(\.ci) == ["rack-1", "srv-01", "web-01", "web-02",
                                           "app-payroll", "app-shop", "Payroll", "Shop"])
        let shop = result.items.first { $0.ci == "Shop" }!
        #expect(shop.path == ["rack-1", "web-01", "app-shop", "Shop"])
        #expect(shop.explanation == "Shop ← app-shop ← web-01 ← rack-1")
        #expect(shop.isService && shop.criticality == .critical)
        let app = result.items.first { $0.ci == "app-shop" }!
        #expect(app.viaGroup == "web-farm")
        #expect(app.openIncidents == [RecordID(.incident, 5)])
        #expect(result.items.first { $0.ci == "Payroll" }!.scheduledChanges == [RecordID(.change, 311)])
        #expect(result.services.map(\.ci) == ["Payroll", "Shop"])
        #expect(result.groups == [RedundancyGroupStatus(name: "web-farm", up: 1, total: 3, required: 2)])
        #expect(result.groups[0].failed)
    }

    @Test func oneWebServerDownLeavesTheFarmDegradedButUp() throws {
        // 3 members, 1 down, 2 up ≥ 2 → the group holds; app-shop stays up.
        let result = analyseImpact(of: ["web-01"], in: try Self.cmdb())
        #expect(result.items.map(\.ci) == ["web-01"])
        #expect(result.groups == [RedundancyGroupStatus(name: "web-farm", up: 2, total: 3, required: 2)])
        #expect(!result.groups[0].failed)
    }

    @Test(arguments: [
        // rule, CIs down, is app-shop down? — hand-worked: required = ceil(percent × 3).
        (RedundancyGroup.Rule.atLeastPercent(34), ["web-01"], false),          // need 2, 2 up
        (.atLeastPercent(34), ["web-01", "web-03"], true),                    // need 2, 1 up
        (.atLeastPercent(33), ["web-01", "web-03"], false),                   // need 1, 1 up
        (.atLeastPercent(100), ["web-02"], true),                             // need 3, 2 up
        (.atLeast(1), ["rack-1"], false),                                     // need 1, web-03 up
        (.atLeast(1), ["rack-1", "rack-2"], true),                            // need 1, none up
    ])
    func redundancyRulesDecideWhetherTheDependantFalls(rule: RedundancyGroup.Rule, down: [String], appDown: Bool) throws {
        let result = analyseImpact(of: Set(down), in: try Self.cmdb(farmRule: rule))
        #expect(result.names.contains("app-shop") == appDown)
        #expect(result.names.contains("Shop") == appDown)
    }

    @Test func aDependencyOutsideTheGroupStillTakesTheDependantDown() throws {
        // db-01 is not redundant: app-shop goes, with a path of two.
        let result = analyseImpact(of: ["db-01"], in: try Self.cmdb())
        #expect(result.items.map(\.path) == [["db-01"], ["db-01", "app-shop"], ["db-01", "app-shop", "Shop"]])
        #expect(result.items[1].viaGroup == nil)
    }

    @Test func cyclesInTheDataAreTraversedOnce() throws {
        var cmdb = CMDB()
        for n in ["a", "b", "c"] { try K.run(.createCI(ciClass: "application"), n, &cmdb) }
        try K.run(.relate(.dependsOn, to: "b"), "a", &cmdb)
        try K.run(.relate(.dependsOn, to: "a"), "b", &cmdb)
        try K.run(.relate(.dependsOn, to: "a"), "c", &cmdb)
        let result = analyseImpact(of: ["b"], in: cmdb)
        #expect(result.items.map(\.path) == [["b"], ["b", "a"], ["b", "a", "c"]])
    }

    @Test func connectedToCarriesNoOutageAndUnknownNamesAreReported() throws {
        var cmdb = CMDB()
        for n in ["sw-1", "srv"] { try K.run(.createCI(ciClass: "application"), n, &cmdb) }
        try K.run(.relate(.connectedTo, to: "sw-1"), "srv", &cmdb)
        let result = analyseImpact(of: ["sw-1", "nope"], in: cmdb)
        #expect(result.items.map(\.ci) == ["sw-1"])
        #expect(result.unknown == ["nope"])
    }

    @Test func randomGraphsWithoutGroupsMatchPlainReachability() throws {
        // Property: with no redundancy groups, the impacted set is exactly what a plain
        // search along dependants reaches, every path is a chain of real dependencies, and
        // each path is no longer than the search's distance.
        var rng = K.SplitMix64(seed: 2026)
        for _ in 0..<30 {
            var cmdb = CMDB()
            let names = (0..<12).map { "ci-\($0)" }
            for n in names { try K.run(.createCI(ciClass: "application"), n, &cmdb) }
            for _ in 0..<20 {
                let a = names.randomElement(using: &rng)!, b = names.randomElement(using: &rng)!
                let type = [RelationshipType.dependsOn, .runsOn, .contains, .connectedTo].randomElement(using: &rng)!
                _ = try? K.run(.relate(type, to: b), a, &cmdb)
            }
            let roots: Set<String> = [names.randomElement(using: &rng)!]
            var dist: [String: Int] = [:], queue = Array(roots)
            for r in roots { dist[r] = 0 }
            while !queue.isEmpty {
                let n = queue.removeFirst()
                for (d, _) in cmdb.dependants(of: n) where dist[d] == nil { dist[d] = dist[n]! + 1; queue.append(d) }
            }
            let result = analyseImpact(of: roots, in: cmdb)
            #expect(result.names == Set(dist.keys))
            for item in result.items {
                #expect(item.path.count - 1 == dist[item.ci])
                for (x, y) in zip(item.path, item.path.dropFirst()) {
                    #expect(cmdb.dependants(of: x).contains { $0.ci == y })
                }
            }
        }
    }

    @Test func moreOutagesNeverBringAnythingBackUp() throws {
        // Property, with redundancy groups in play: impact is monotone — taking down a
        // superset of CIs takes down a superset of items — and every non-root item's path
        // ends in a root and runs along real dependencies.
        var rng = K.SplitMix64(seed: 4242)
        for _ in 0..<30 {
            var cmdb = CMDB()
            let names = (0..<14).map { "ci-\($0)" }
            for n in names { try K.run(.createCI(ciClass: "application"), n, &cmdb) }
            for _ in 0..<24 {
                let a = names.randomElement(using: &rng)!, b = names.randomElement(using: &rng)!
                _ = try? K.run(.relate([.dependsOn, .runsOn, .contains].randomElement(using: &rng)!, to: b), a, &cmdb)
            }
            let shuffled = names.shuffled(using: &rng)
            try K.run(.defineGroup(members: Set(shuffled[0..<3]), rule: .atLeast(2)), "g1", &cmdb)
            try K.run(.defineGroup(members: Set(shuffled[3..<7]), rule: .atLeastPercent(50)), "g2", &cmdb)
            let small: Set<String> = [names.randomElement(using: &rng)!]
            let large = small.union([names.randomElement(using: &rng)!, names.randomElement(using: &rng)!])
            let a = analyseImpact(of: small, in: cmdb), b = analyseImpact(of: large, in: cmdb)
            #expect(a.names.isSubset(of: b.names))
            for item in b.items {
                #expect(large.contains(item.path[0]))
                #expect(item.path.last == item.ci)
                for (x, y) in zip(item.path, item.path.dropFirst()) {
                    #expect(cmdb.dependants(of: x).contains { $0.ci == y })
                }
            }
        }
    }
}
