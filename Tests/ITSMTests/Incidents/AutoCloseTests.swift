import Foundation
import Testing
@testable import ITSM

@Suite struct AutoCloseTests {
    /// Mon–Fri 08–17 in Berlin, with Monday 6 April 2026 (Easter Monday) off.
    static let office = BusinessCalendar.weekdays(name: "Office", timeZone: berlin, [TimeRange(8, 17)!],
                                                  holidays: [Holiday(CivilDate(2026, 4, 6))])

    static func resolvedDesk(days: Int, resolvedAt: Date) throws -> (TestDesk, RecordID) {
        var desk = try TestDesk.staffed()
        try desk.run(.defineCalendar(office), as: "root")
        try desk.run(.setAutoClose(businessDays: days, calendar: "Office"), as: "root")
        let id = try desk.open(at: resolvedAt - 3600)
        try desk.run(.takeIncident(id), at: resolvedAt - 3600)
        try desk.run(.moveIncident(id, to: .resolved, resolution: .solvedPermanently, notes: "ok"), at: resolvedAt)
        return (desk, id)
    }

    static let cases: [(days: Int, resolved: Date, closes: Date, why: String)] = [
        (2, local("Europe/Berlin", 2026, 3, 6, 15), local("Europe/Berlin", 2026, 3, 11), "Friday + Mon, Tue"),
        (1, local("Europe/Berlin", 2026, 3, 2, 10), local("Europe/Berlin", 2026, 3, 4), "Monday + Tue"),
        (3, local("Europe/Berlin", 2026, 4, 2, 10), local("Europe/Berlin", 2026, 4, 9), "Thu + Fri, (Easter Mon off), Tue, Wed"),
        (0, local("Europe/Berlin", 2026, 3, 6, 15), local("Europe/Berlin", 2026, 3, 7), "zero days: the next midnight"),
    ]

    @Test(arguments: cases)
    func resolvedIncidentsCloseAfterWholeBusinessDays(days: Int, resolved: Date, closes: Date, why: String) throws {
        var (desk, id) = try Self.resolvedDesk(days: days, resolvedAt: resolved)
        #expect(desk.state.autoCloseTime(of: desk.incident(id)) == closes, "\(why)")
        #expect(try desk.run(.autoCloseResolved, as: "opsdesk", at: closes - 1).isEmpty)
        let events = try desk.run(.autoCloseResolved, as: "opsdesk", at: closes)
        #expect(events.map(\.record) == [id])
        #expect(events.first?.action == .incidentAutoClosed)
        #expect(desk.incident(id).state == .closed && desk.incident(id).closedAt == closes)
    }

    @Test func defaultsToFiveDaysOnEveryDay() throws {
        var desk = try TestDesk.staffed()
        let id = try desk.open(at: utc(2026, 3, 2, 9))
        try desk.run(.moveIncident(id, to: .resolved, resolution: .solvedPermanently, notes: "ok"), at: utc(2026, 3, 2, 10))
        #expect(desk.state.autoCloseTime(of: desk.incident(id)) == utc(2026, 3, 8))
    }

    @Test func reopeningStopsAutoClose() throws {
        var (desk, id) = try Self.resolvedDesk(days: 1, resolvedAt: local("Europe/Berlin", 2026, 3, 2, 10))
        try desk.run(.moveIncident(id, to: .inProgress, notes: "not fixed"))
        #expect(desk.state.incidentsDueForAutoClose(at: utc(2027, 1, 1)).isEmpty)
    }

    @Test func onlyAdminsSetAutoClose() throws {
        var desk = try TestDesk.staffed()
        #expect(desk.refused(.setAutoClose(businessDays: 3, calendar: nil), as: "mia") == .needsRole(.admin, toDo: "changing auto-close"))
        #expect(desk.refused(.setAutoClose(businessDays: -1, calendar: nil), as: "root") != nil)
        #expect(desk.refused(.setAutoClose(businessDays: 1, calendar: "Nope"), as: "root") != nil)
    }
}
