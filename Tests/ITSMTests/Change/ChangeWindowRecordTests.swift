import Foundation
import Testing
@testable import ITSM

struct ChangeWindowRecordTests {
    typealias K = DomainII

    static func run(_ op: ChangeWindowOperation, _ name: String, _ book: inout ChangeWindowBook, by actor: Agent = K.manager) throws {
        for e in try decideChangeWindow(op, name: name, in: book, by: actor, at: K.now) { book.apply(e) }
    }

    @Test func windowsRoundTripThroughEvents() throws {
        var book = ChangeWindowBook()
        let berlin = TimeZone(identifier: "Europe/Berlin")!
        let quarterEnd = WindowRecurrence.once(K.window("2026-03-30 00:00", "2026-04-02 00:00"))
        let satNight = WindowRecurrence.weekly(weekday: 7, hour: 22, minute: 30, duration: 4 * 3600, timeZone: berlin)
        try Self.run(.define(.freeze, cis: [], recurrence: quarterEnd), "quarter-end", &book)
        try Self.run(.define(.maintenance, cis: ["db-01", "db-02"], recurrence: satNight), "db-sat", &book)
        let w = book.windows
        #expect(w.freezes == [FreezeWindow(name: "quarter-end", recurrence: quarterEnd)])
        #expect(w.maintenance == [MaintenanceWindow(ci: "db-01", name: "db-sat", recurrence: satNight),
                                  MaintenanceWindow(ci: "db-02", name: "db-sat", recurrence: satNight)])
        try Self.run(.remove, "quarter-end", &book)
        #expect(book.windows.freezes.isEmpty)
        #expect(book.records["quarter-end"]?.version == 2)
        // Redefining a removed window brings it back.
        try Self.run(.define(.freeze, cis: ["db-01"], recurrence: quarterEnd), "quarter-end", &book)
        #expect(book.windows.freezes == [FreezeWindow(name: "quarter-end", recurrence: quarterEnd, cis: ["db-01"])])
        // Switching db-sat to a one-off clears its weekly fields in the same event.
        let events = try decideChangeWindow(.define(.maintenance, cis: ["db-01"], recurrence: quarterEnd), name: "db-sat", in: book, by: K.manager, at: K.now)
        #expect(events[0].changes.contains(FieldChange("weekday", from: .int(7), to: .none)))
        #expect(events[0].changes.contains(FieldChange("starts", from: .none, to: .time(K.t("2026-03-30 00:00")))))
        events.forEach { book.apply($0) }
        #expect(book.windows.maintenance == [MaintenanceWindow(ci: "db-01", name: "db-sat", recurrence: quarterEnd)])
    }

    @Test func onlyTheChangeManagerSetsWindowsAndNonsenseIsRefused() {
        let book = ChangeWindowBook()
        let once = WindowRecurrence.once(K.window("2026-03-30 00:00", "2026-04-02 00:00"))
        #expect(throws: Refusal.needsRole(.changeManager, toDo: "setting freeze and maintenance windows")) {
            _ = try decideChangeWindow(.define(.freeze, cis: [], recurrence: once), name: "x", in: book, by: K.implementer, at: K.now)
        }
        #expect(throws: Refusal.self) {
            _ = try decideChangeWindow(.define(.maintenance, cis: [], recurrence: once), name: "x", in: book, by: K.manager, at: K.now)
        }
        #expect(throws: Refusal.self) {
            _ = try decideChangeWindow(.define(.freeze, cis: [], recurrence: .weekly(weekday: 8, hour: 0, minute: 0, duration: 60, timeZone: .gmt)),
                                       name: "x", in: book, by: K.manager, at: K.now)
        }
        #expect(throws: Refusal.notFound(RecordID(kind: .changeWindow, key: "x"))) {
            _ = try decideChangeWindow(.remove, name: "x", in: book, by: K.manager, at: K.now)
        }
    }

    @Test func aFoldedWindowDrivesConflicts() throws {
        var windows = ChangeWindowBook()
        try Self.run(.define(.freeze, cis: [], recurrence: .once(K.window("2026-03-15 00:00", "2026-03-16 00:00"))), "quarter-end", &windows)
        var book = ChangeBook()
        let id = try K.change(1, in: &book, draft: K.readyDraft(), upTo: .assess)
        let found = conflicts(of: book[id]!, in: book, cmdb: CMDB(), windows: windows.windows)
        #expect(found.map(\.kind) == [.freeze(name: "quarter-end", opening: K.window("2026-03-15 00:00", "2026-03-16 00:00"))])
    }

    @Test func foldToleratesHalfAWindow() {
        var book = ChangeWindowBook()
        book.apply(Event(record: RecordID(kind: .changeWindow, key: "odd"), action: .changeWindowDefined, actor: "a", at: K.now, baseVersion: 0,
                         changes: [FieldChange("purpose", to: .text("freeze")), FieldChange("weekday", to: .int(3)),
                                   FieldChange("time-zone", to: .text("Mars/Olympus"))]))
        #expect(book.records["odd"]?.recurrence == nil)
        #expect(book.windows.freezes.isEmpty)
    }
}
