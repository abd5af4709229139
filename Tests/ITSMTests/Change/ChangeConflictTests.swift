import Foundation
import Testing
@testable import ITSM

struct ChangeConflictTests {
    typealias K = DomainII

    /// srv-01 ◄─runs on── app-payroll ──depends on─► db-payroll-01;  web-01 stands alone.
    static func cmdb() throws -> CMDB {
        var cmdb = CMDB()
        try K.run(.createCI(ciClass: "server", attributes: ["location": .text("dc1")]), "srv-01", &cmdb)
        try K.run(.createCI(ciClass: "server", attributes: ["location": .text("dc1")]), "web-01", &cmdb)
        try K.run(.createCI(ciClass: "database", attributes: ["engine": .text("postgresql")]), "db-payroll-01", &cmdb)
        try K.run(.createCI(ciClass: "application"), "app-payroll", &cmdb)
        try K.run(.relate(.runsOn, to: "srv-01"), "app-payroll", &cmdb)
        try K.run(.relate(.dependsOn, to: "db-payroll-01"), "app-payroll", &cmdb)
        return cmdb
    }

    /// The hand-built calendar: which of these collide with CHG-1 (app-payroll, Sat 14 Mar
    /// 22:00 → Sun 02:00 UTC, assignee ivan) is worked out beside each.
    static func book() throws -> ChangeBook {
        var book = ChangeBook()
        func draft(_ cis: [String], _ a: String, _ b: String, _ who: String?) -> ChangeDraft {
            K.readyDraft(cis: cis, window: K.window(a, b), assignee: who)
        }
        // CHG-1 is the change under test; it waits in Assess, so it holds no slot itself.
        _ = try K.change(1, in: &book, draft: draft(["app-payroll"], "2026-03-14 22:00", "2026-03-15 02:00", "ivan"), upTo: .assess)
        // 01:00–03:00 overlaps 01:00–02:00 on the same CI → same-CI conflict.
        _ = try K.change(2, in: &book, draft: draft(["app-payroll"], "2026-03-15 01:00", "2026-03-15 03:00", "zoe"), upTo: .scheduled)
        // 20:00–22:00 ends exactly when CHG-1 starts: half-open windows do not overlap → none.
        _ = try K.change(3, in: &book, draft: draft(["srv-01"], "2026-03-14 20:00", "2026-03-14 22:00", "zoe"), upTo: .scheduled)
        // 23:00–23:30 on db-payroll-01, which app-payroll depends on → related-CI conflict;
        // and ivan is its assignee → assignee booked.
        _ = try K.change(4, in: &book, draft: draft(["db-payroll-01"], "2026-03-14 23:00", "2026-03-14 23:30", "ivan"), upTo: .implement)
        // Overlaps in time but on an unrelated CI with someone else → none.
        _ = try K.change(5, in: &book, draft: draft(["web-01"], "2026-03-14 21:00", "2026-03-14 23:00", "zoe"), upTo: .scheduled)
        // On srv-01 and overlapping, but only New: it holds no calendar slot → none.
        _ = try K.change(6, in: &book, draft: draft(["srv-01"], "2026-03-15 00:00", "2026-03-15 01:00", "ivan"), upTo: .new)
        return book
    }

    static let windows = ChangeWindows(
        freezes: [
            // Quarter-end freeze from Sunday 00:00: overlaps CHG-1's last two hours → conflict.
            FreezeWindow(name: "quarter-end", recurrence: .once(K.window("2026-03-15 00:00", "2026-03-16 00:00"))),
            // A weekly database freeze, only on db-payroll-01: CHG-1 does not touch it → none.
            FreezeWindow(name: "db-batch", recurrence: .weekly(weekday: 7, hour: 0, minute: 0, duration: 86_400, timeZone: .gmt),
                         cis: ["db-payroll-01"]),
        ],
        maintenance: [
            // Saturdays 22:00 + 3 h = Sunday 01:00; CHG-1 runs to 02:00 → outside maintenance.
            MaintenanceWindow(ci: "app-payroll", name: "Sat night", recurrence: .weekly(weekday: 7, hour: 22, minute: 0, duration: 3 * 3600, timeZone: .gmt)),
        ])

    @Test func handBuiltCalendarGivesExactlyTheExpectedConflicts() throws {
        let book = try Self.book(), cmdb = try Self.cmdb()
        let found = conflicts(of: book[RecordID(.change, 1)]!, in: book, cmdb: cmdb, windows: Self.windows)
        let link = CILink(type: .dependsOn, other: "db-payroll-01", outgoing: true)
        #expect(found.map(\.kind) == [
            .sameCI(other: RecordID(.change, 2), ci: "app-payroll"),
            .relatedCI(other: RecordID(.change, 4), ci: "app-payroll", link: link),
            .freeze(name: "quarter-end", opening: K.window("2026-03-15 00:00", "2026-03-16 00:00")),
            .outsideMaintenance(ci: "app-payroll"),
            .assigneeBooked(assignee: "ivan", other: RecordID(.change, 4)),
        ])
        #expect(found[1].description.contains("app-payroll depends on db-payroll-01"))
        #expect(found[4].description.hasPrefix("ivan is booked on CHG-4"))
    }

    @Test func theRelationIsFoundFromEitherEnd() throws {
        // Seen from CHG-4 (db-payroll-01), CHG-1 is not on the calendar, but CHG-2 is not
        // overlapping either; move CHG-1 onto the calendar and db sees it as "used by".
        var book = try Self.book()
        try K.run(.requestAuthorization, RecordID(.change, 1), &book, by: K.manager)
        let found = conflicts(of: book[RecordID(.change, 4)]!, in: book, cmdb: try Self.cmdb(), windows: ChangeWindows())
        #expect(found.map(\.kind) == [
            .relatedCI(other: RecordID(.change, 1), ci: "db-payroll-01", link: CILink(type: .dependsOn, other: "app-payroll", outgoing: false)),
            .assigneeBooked(assignee: "ivan", other: RecordID(.change, 1)),
        ])
        #expect(found[0].description.contains("db-payroll-01 used by app-payroll"))
    }

    @Test func aWindowInsideMaintenanceAndOutsideFreezesIsClean() throws {
        var book = ChangeBook()
        let id = try K.change(1, in: &book, draft: K.readyDraft(window: K.window("2026-03-07 22:30", "2026-03-08 00:30")), upTo: .assess)
        #expect(conflicts(of: book[id]!, in: book, cmdb: try Self.cmdb(), windows: Self.windows).isEmpty)
    }

    @Test func backToBackMaintenanceOpeningsJoin() {
        // Two openings 22:00–00:00 and 00:00–03:00 cover 23:00–02:00 together, not alone.
        let a = K.window("2026-03-14 22:00", "2026-03-15 00:00"), b = K.window("2026-03-15 00:00", "2026-03-15 03:00")
        #expect(windowCovered(K.window("2026-03-14 23:00", "2026-03-15 02:00"), by: [b, a]))
        #expect(!windowCovered(K.window("2026-03-14 23:00", "2026-03-15 02:00"), by: [a]))
        #expect(!windowCovered(K.window("2026-03-14 21:00", "2026-03-14 23:00"), by: [a, b]))
    }

    @Test func conflictIsSymmetricForRandomSameCIChanges() throws {
        // Property: for two changes on the same CI, A conflicts with B exactly when B
        // conflicts with A, exactly when their windows overlap (by the half-open rule).
        var rng = K.SplitMix64(seed: 99)
        let cmdb = try Self.cmdb()
        for _ in 0..<200 {
            var book = ChangeBook()
            func randomWindow() -> DateInterval {
                let start = K.t("2026-03-14 00:00").addingTimeInterval(Double(Int.random(in: 0..<48, using: &rng)) * 1800)
                return DateInterval(start: start, duration: Double(Int.random(in: 1...8, using: &rng)) * 1800)
            }
            let wa = randomWindow(), wb = randomWindow()
            let a = try K.change(1, in: &book, draft: K.readyDraft(cis: ["srv-01"], window: wa, assignee: nil), upTo: .scheduled)
            let b = try K.change(2, in: &book, draft: K.readyDraft(cis: ["srv-01"], window: wb, assignee: nil), upTo: .scheduled)
            let ab = !conflicts(of: book[a]!, in: book, cmdb: cmdb, windows: ChangeWindows()).isEmpty
            let ba = !conflicts(of: book[b]!, in: book, cmdb: cmdb, windows: ChangeWindows()).isEmpty
            let overlap = wa.start < wb.end && wb.start < wa.end
            #expect(ab == ba)
            #expect(ab == overlap)
        }
    }
}
