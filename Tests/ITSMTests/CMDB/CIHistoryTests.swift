import Foundation
import Testing
@testable import ITSM

struct CIHistoryTests {
    typealias K = DomainII

    /// db-01 created 1 Mar, upgraded 10 Mar, related 12 Mar, retired 20 Mar.
    static func log() throws -> [Event] {
        var cmdb = CMDB(), log: [Event] = []
        func step(_ op: CMDBOperation, _ subject: String, _ at: String) throws {
            let events = try decideCMDB(op, subject: subject, in: cmdb, by: K.admin, at: K.t(at))
            events.forEach { cmdb.apply($0) }
            log += events
        }
        try step(.createCI(ciClass: "application"), "app", "2026-03-01 08:00")
        try step(.createCI(ciClass: "database", status: .production, attributes: ["engine": .text("postgresql"), "version": .text("15")]),
                 "db-01", "2026-03-01 09:00")
        try step(.setAttributes(["version": .text("17"), "size-gb": .number(120)]), "db-01", "2026-03-10 22:00")
        try step(.relate(.dependsOn, to: "db-01"), "app", "2026-03-12 10:00")
        try step(.setStatus(.retired), "db-01", "2026-03-20 10:00")
        return log
    }

    @Test func aCIAsItWasAtAPastMoment() throws {
        let log = try Self.log()
        #expect(CMDB.item("db-01", at: K.t("2026-03-01 08:59"), events: log) == nil)
        let then = CMDB.item("db-01", at: K.t("2026-03-05 00:00"), events: log)!
        #expect(then.attributes["version"] == .text("15"))
        #expect(then.status == .production)
        // At the very instant of an event, the event has happened.
        #expect(CMDB.item("db-01", at: K.t("2026-03-10 22:00"), events: log)!.attributes["version"] == .text("17"))
        // Relationships both ways at a moment: the whole CMDB folded to that moment.
        #expect(CMDB(events: log, asOf: K.t("2026-03-11 00:00")).links(of: "db-01").isEmpty)
        #expect(CMDB(events: log, asOf: K.t("2026-03-13 00:00")).links(of: "db-01").map(\.description) == ["used by app"])
    }

    @Test func baselineComparisonListsEveryDifference() throws {
        let log = try Self.log()
        let baseline = CMDB(events: log, asOf: K.t("2026-03-05 00:00"))
        let now = CMDB(events: log)
        #expect(now.differences(from: baseline) == [
            .related(ci: "app", CIRelationship(.dependsOn, "db-01")),
            .status(ci: "db-01", from: .production, to: .retired),
            .attribute(ci: "db-01", name: "size-gb", from: .none, to: .number(120)),
            .attribute(ci: "db-01", name: "version", from: .text("15"), to: .text("17")),
        ])
        let before = CMDB(events: log, asOf: K.t("2026-03-01 08:30"))
        #expect(baseline.differences(from: before) == [.added(ci: "db-01")])
        #expect(now.differences(from: now).isEmpty)
        #expect(CIDifference.attribute(ci: "db-01", name: "version", from: .text("15"), to: .text("17")).description == "db-01: version 15 → 17")
    }

    @Test func foldingUpToAMomentThenTheRestEqualsFoldingEverything() throws {
        // Property: for any cut point, CMDB(asOf: t) plus the later events is the full CMDB,
        // and a baseline diff against itself is empty.
        let log = try Self.log()
        var rng = K.SplitMix64(seed: 31)
        for _ in 0..<50 {
            let cut = K.t("2026-02-28").addingTimeInterval(Double.random(in: 0...(25 * 86_400), using: &rng))
            var cmdb = CMDB(events: log, asOf: cut)
            for e in log where e.at > cut { cmdb.apply(e) }
            #expect(cmdb == CMDB(events: log))
            #expect(CMDB(events: log, asOf: cut).differences(from: CMDB(events: log, asOf: cut)).isEmpty)
        }
    }
}
