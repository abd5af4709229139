import Foundation
import Testing
@testable import ITSM

@Suite struct DirectoryTests {
    @Test func servicesAreDefinedByAdminsAndChangesRecordFromAndTo() throws {
        var desk = try TestDesk.staffed()
        #expect(desk.refused(.defineService(Service(name: "HR", owner: "mia")), as: "mia") == .needsRole(.admin, toDo: "defining services"))
        let events = try desk.run(.defineService(Service(name: "Payroll", owner: "mia", status: .degraded, criticality: .high)), as: "root")
        #expect(events.count == 1 && events[0].baseVersion == 1)
        #expect(events[0].changes == [FieldChange("status", from: .text("operational"), to: .text("degraded"))])
        #expect(desk.state.directory.services["Payroll"] == Service(name: "Payroll", owner: "mia", status: .degraded, criticality: .high))
        #expect(desk.refused(.defineService(Service(name: "HR", owner: "")), as: "root") != nil)
    }

    @Test func groupsHaveOptionalManagersWhoMustBeAgents() throws {
        var desk = try TestDesk.staffed()
        try desk.run(.defineGroup(name: "DBA", manager: "mia"), as: "root")
        #expect(desk.state.directory.groups["DBA"] == AssignmentGroup(name: "DBA", manager: "mia"))
        #expect(desk.state.directory.groups["Network"] == AssignmentGroup(name: "Network"))
        #expect(desk.refused(.defineGroup(name: "Ops", manager: "ghost"), as: "root") == .notFound(RecordID(kind: .agent, key: "ghost")))
        #expect(desk.refused(.defineGroup(name: "Ops", manager: nil), as: "alice") == .needsRole(.admin, toDo: "defining assignment groups"))
    }

    @Test func calendarsNeedHoursThatDoNotOverlap() throws {
        var desk = try TestDesk.staffed()
        let none = BusinessCalendar(name: "never", timeZone: berlin, hours: [:])
        #expect(desk.refused(.defineCalendar(none), as: "root") != nil)
        let overlapping = BusinessCalendar.weekdays(name: "x", timeZone: berlin, [TimeRange(8, 12)!, TimeRange(11, 17)!])
        #expect(desk.refused(.defineCalendar(overlapping), as: "root") == .invalid(field: "hours", reason: "mon 08:00-12:00 overlaps 11:00-17:00"))
        #expect(desk.refused(.defineCalendar(.twentyFourSeven(name: "y")), as: "mia") == .needsRole(.admin, toDo: "defining business calendars"))
    }

    @Test func calendarsWithSplitDaysHolidayRangesAndZonesRoundTrip() throws {
        var desk = try TestDesk.staffed()
        let cal = BusinessCalendar(name: "Berlin", timeZone: berlin,
                                   hours: [.monday: [TimeRange(8, 12)!, TimeRange(13, 17)!], .saturday: [TimeRange(9, 12)!]],
                                   holidays: [Holiday(CivilDate(2026, 12, 24)),
                                              Holiday(from: CivilDate(2026, 12, 31), through: CivilDate(2027, 1, 1))!])
        try desk.run(.defineCalendar(cal), as: "root")
        #expect(desk.state.directory.calendars["Berlin"] == cal)
        #expect(try desk.run(.defineCalendar(cal), as: "root").isEmpty, "defining the same calendar again changes nothing")
    }

    @Test func agentRolesAndGroupsAreUpdated() throws {
        var desk = try TestDesk.staffed()
        try desk.run(.updateAgent(user: "alice", displayName: nil, roles: [.agent, .cabMember], groups: ["Network"]), as: "root")
        let alice = desk.state.directory.agents["alice"]!
        #expect(alice.roles == [.agent, .cabMember] && alice.groups == ["Network"] && alice.displayName == "Alice")
        #expect(desk.refused(.updateAgent(user: "alice", displayName: "A", roles: nil, groups: nil), as: "bob")
                == .needsRole(.admin, toDo: "changing agents"))
    }
}
