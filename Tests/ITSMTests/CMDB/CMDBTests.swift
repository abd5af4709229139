import Foundation
import Testing
@testable import ITSM

struct CMDBTests {
    typealias K = DomainII

    @Test(arguments: [
        ("os", FieldValue.text("Debian 13"), true),
        ("cpu-cores", .int(16), true),
        ("cpu-cores", .number(16.5), false),
        ("cpu-cores", .text("sixteen"), false),
        ("memory-gb", .int(64), true),
        ("memory-gb", .number(62.5), true),
        ("virtual", .bool(true), true),
        ("virtual", .text("yes"), false),
        ("colour", .text("blue"), false),
    ])
    func serverAttributesAreTypedByClass(name: String, value: FieldValue, accepted: Bool) throws {
        var cmdb = CMDB()
        try K.run(.createCI(ciClass: "server", attributes: ["location": .text("dc1")]), "srv-01", &cmdb)
        let result = Result { try decideCMDB(.setAttributes([name: value]), subject: "srv-01", in: cmdb, by: K.implementer, at: K.now) }
        #expect(((try? result.get()) != nil) == accepted)
    }

    @Test func choiceAttributesAcceptOnlyTheirWords() throws {
        var cmdb = CMDB()
        #expect(throws: Refusal.invalid(field: "attr.engine", reason: "must be one of postgresql, oracle, mysql, mssql, db2")) {
            try K.run(.createCI(ciClass: "database", attributes: ["engine": .text("excel")]), "db-01", &cmdb)
        }
        try K.run(.createCI(ciClass: "database", attributes: ["engine": .text("oracle"), "version": .text("19c")]), "db-01", &cmdb)
        #expect(cmdb["db-01"]?.attributes == ["engine": .text("oracle"), "version": .text("19c")])
    }

    @Test func requiredAttributesAndUnknownClassesAreRefused() {
        let cmdb = CMDB()
        #expect(throws: Refusal.invalid(field: "attr.location", reason: "a server needs location")) {
            _ = try decideCMDB(.createCI(ciClass: "server"), subject: "srv-9", in: cmdb, by: K.admin, at: K.now)
        }
        #expect(throws: Refusal.self) {
            _ = try decideCMDB(.createCI(ciClass: "toaster"), subject: "t-1", in: cmdb, by: K.admin, at: K.now)
        }
        #expect(throws: Refusal.self) {
            _ = try decideCMDB(.createCI(ciClass: "application"), subject: "has space", in: cmdb, by: K.admin, at: K.now)
        }
    }

    @Test func classesAreData() throws {
        // A desk adds a class by adding a value: no code involved.
        let classes = CIClassCatalogue([CIClass("printer", attributes: ["pages-per-minute": .integer])])
        let events = try decideCMDB(.createCI(ciClass: "printer", attributes: ["pages-per-minute": .int(30)]),
                                    subject: "prn-1", in: CMDB(), by: K.admin, at: K.now, classes: classes)
        #expect(events.first?.changes.last == FieldChange("attr.pages-per-minute", to: .int(30)))
    }

    @Test func lifecycleStatusFollowsItsTable() throws {
        var cmdb = CMDB()
        try K.run(.createCI(ciClass: "application"), "app", &cmdb)
        for s in [CIStatus.inBuild, .inTest, .production, .maintenance, .production] {
            try K.run(.setStatus(s), "app", &cmdb)
        }
        #expect(throws: Refusal.self) { try K.run(.setStatus(.planned), "app", &cmdb) }
        #expect(throws: Refusal.needsRole(.changeManager, toDo: "retiring a CI")) {
            try K.run(.setStatus(.retired), "app", &cmdb, by: K.implementer)
        }
        try K.run(.setStatus(.retired), "app", &cmdb)
        #expect(throws: Refusal.self) { try K.run(.setStatus(.production), "app", &cmdb) }
        #expect(cmdb["app"]?.version == 7)  // created + 5 moves + retired
    }

    @Test func relationshipsShowUnderTheirInverseNamesOnTheTarget() throws {
        var cmdb = CMDB()
        for n in ["app", "srv", "db", "rack", "sw"] {
            try K.run(.createCI(ciClass: "application"), n, &cmdb)
        }
        try K.run(.relate(.runsOn, to: "srv"), "app", &cmdb)
        try K.run(.relate(.dependsOn, to: "db"), "app", &cmdb)
        try K.run(.relate(.contains, to: "srv"), "rack", &cmdb)
        try K.run(.relate(.connectedTo, to: "sw"), "srv", &cmdb)
        #expect(cmdb.links(of: "srv").map(\.description) == ["runs app", "contained by rack", "connected to sw"])
        #expect(cmdb.links(of: "sw").map(\.description) == ["connected to srv"])
        #expect(cmdb.links(of: "db").map(\.description) == ["used by app"])
        // connected to is symmetric: the reverse is the same link.
        #expect(throws: Refusal.self) { try K.run(.relate(.connectedTo, to: "srv"), "sw", &cmdb) }
        #expect(throws: Refusal.self) { try K.run(.relate(.dependsOn, to: "app"), "app", &cmdb) }
        #expect(throws: Refusal.notFound(RecordID(kind: .configurationItem, key: "ghost"))) {
            try K.run(.relate(.dependsOn, to: "ghost"), "app", &cmdb)
        }
        try K.run(.unrelate(.runsOn, from: "srv"), "app", &cmdb)
        #expect(cmdb.links(of: "srv").map(\.description) == ["contained by rack", "connected to sw"])
    }

    @Test func redundancyGroupsAreValidated() throws {
        var cmdb = CMDB()
        for n in ["w1", "w2", "w3"] { try K.run(.createCI(ciClass: "application"), n, &cmdb) }
        #expect(throws: Refusal.self) { try K.run(.defineGroup(members: ["w1", "w2"], rule: .atLeast(3)), "farm", &cmdb) }
        #expect(throws: Refusal.self) { try K.run(.defineGroup(members: ["w1"], rule: .atLeast(1)), "farm", &cmdb) }
        #expect(throws: Refusal.needsRole(.changeManager, toDo: "defining a redundancy group")) {
            try K.run(.defineGroup(members: ["w1", "w2"], rule: .atLeast(1)), "farm", &cmdb, by: K.implementer)
        }
        try K.run(.defineGroup(members: ["w1", "w2", "w3"], rule: .atLeastPercent(50)), "farm", &cmdb)
        #expect(throws: Refusal.self) { try K.run(.defineGroup(members: ["w1", "w2"], rule: .atLeast(1)), "other", &cmdb) }
        #expect(cmdb.groups["farm"]?.requiredUp == 2)
    }

    @Test(arguments: [
        // members, rule, required up — hand-worked: percent × members, rounded up.
        (3, RedundancyGroup.Rule.atLeastPercent(50), 2),   // 1.5 → 2
        (3, .atLeastPercent(34), 2),                       // 1.02 → 2
        (3, .atLeastPercent(33), 1),                       // 0.99 → 1
        (4, .atLeastPercent(50), 2),                       // 2.0 → 2 exactly
        (4, .atLeastPercent(100), 4),
        (5, .atLeast(3), 3),
        (2, .atLeast(9), 2),                               // clamped to the group's size
    ])
    func requiredUpPerRule(members: Int, rule: RedundancyGroup.Rule, required: Int) {
        let group = RedundancyGroup(name: "g", members: Set((0..<members).map { "m\($0)" }), rule: rule)
        #expect(group.requiredUp == required)
    }

    @Test func foldToleratesOddEvents() {
        var cmdb = CMDB()
        let id = RecordID(kind: .configurationItem, key: "x")
        cmdb.apply(Event(record: id, action: EventAction("ci.teleported"), actor: "a", at: K.now, baseVersion: 0,
                         changes: [FieldChange("status", to: .text("on-fire")), FieldChange("criticality", to: .int(99)),
                                   FieldChange("depends-on", to: .int(4)), FieldChange("runs-on", to: .text("y"))]))
        #expect(cmdb["x"]?.status == .planned)
        #expect(cmdb["x"]?.criticality == .medium)
        #expect(cmdb["x"]?.relationships == [CIRelationship(.runsOn, "y")])
        #expect(cmdb.links(of: "y").map(\.description) == ["runs x"])
    }
}
