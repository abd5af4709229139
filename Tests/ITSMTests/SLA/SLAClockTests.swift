import Foundation
import Testing
@testable import ITSM

@Suite struct SLAClockTests {
    let office = SLADesk.office
    func mon(_ h: Int, _ m: Int = 0, day: Int = 1) -> Date { SLADesk.mon(h, m, day: day) }

    @Test func aNewIncidentGetsAClockPerTargetOfEachApplicableDefinition() throws {
        var desk = try SLADesk.make()
        let id = try desk.openP3(at: mon(9))
        let clocks = desk.incident(id).slaClocks
        #expect(clocks.map(\.definition) == ["Payroll P3", "Payroll P3"])
        #expect(clocks.map(\.target) == [.response, .resolution])
        #expect(desk.clock(id, .response)?.due == mon(13))
        #expect(desk.clock(id, .resolution)?.due == mon(17, day: 2), "16 business hours: Monday and Tuesday")
        #expect(desk.clock(id, .resolution)?.stage(at: mon(17, day: 2) - 1) == .inProgress)
        #expect(desk.clock(id, .resolution)?.stage(at: mon(17, day: 2)) == .breached)
    }

    @Test func incidentsOutsideADefinitionsServicesOrPrioritiesGetNoClocks() throws {
        var desk = try SLADesk.make()
        let other = try desk.open(impact: .department, urgency: .medium, service: "Mail")
        let p5 = try desk.open(impact: .individual, urgency: .low, service: "Payroll")
        #expect(desk.incident(other).slaClocks.isEmpty && desk.incident(p5).slaClocks.isEmpty)
    }

    @Test func resolvingInTimeAchievesAndLateBreaches() throws {
        var desk = try SLADesk.make()
        let onTime = try desk.openP3(at: mon(9)), late = try desk.openP3(at: mon(9))
        try desk.run(.moveIncident(onTime, to: .resolved, resolution: .solvedPermanently, notes: "n"), at: mon(12))
        try desk.run(.moveIncident(late, to: .resolved, resolution: .solvedPermanently, notes: "n"), at: mon(10, day: 3 + 1))
        let a = desk.clock(onTime, .resolution)!, b = desk.clock(late, .resolution)!
        #expect(a.stage(at: mon(9, day: 9)) == .achieved && a.elapsedAtMark == 3 * hour && a.stoppedAt == mon(12))
        #expect(b.stage(at: mon(9, day: 9)) == .breached && b.breachedAt == mon(17, day: 2))
        #expect(desk.clock(late, .response)?.stage(at: mon(9, day: 9)) == .breached)
        #expect(desk.clock(onTime, .response)?.stage(at: mon(9, day: 9)) == .achieved)
    }

    @Test func firstResponseStopsTheResponseClock() throws {
        var desk = try SLADesk.make()
        let id = try desk.openP3(at: mon(9))
        try desk.run(.addCustomerReply(id, "looking"), at: mon(10))
        let c = desk.clock(id, .response)!
        #expect(c.stage(at: mon(12, day: 5)) == .achieved && c.elapsedAtMark == hour && c.due == nil)
    }

    @Test func aPauseSpanningNightsAndAHolidayLosesNoTimeAndMovesTheDueTime() throws {
        var desk = try SLADesk.make()
        let id = try desk.openP3(at: mon(9))
        try desk.run(.moveIncident(id, to: .inProgress), at: mon(9))
        try desk.run(.moveIncident(id, to: .onHold, holdReason: .awaitingVendor), at: mon(15))
        let paused = desk.clock(id, .resolution)!
        #expect(paused.stage(at: mon(9, day: 4)) == .paused && paused.due == nil && paused.pausedSince == mon(15))
        #expect(paused.elapsed(at: mon(9, day: 4), in: office) == 6 * hour)
        try desk.run(.moveIncident(id, to: .inProgress), at: mon(11, day: 4))  // Thursday; Wednesday was a holiday
        let c = desk.clock(id, .resolution)!
        #expect(c.pauses == [DateInterval(start: mon(15), end: mon(11, day: 4))])
        #expect(c.elapsedAtMark == 6 * hour)
        #expect(c.due == mon(13, day: 5), "10 h left from Thursday 11:00: 6 h Thursday, 4 h Friday")
        #expect(c.remaining(at: mon(12, day: 4), in: office) == 9 * hour)
    }

    static let pauseRules: [(HoldReason, SLAStage, SLAStage)] = [
        (.awaitingCaller, .paused, .paused),
        (.awaitingVendor, .inProgress, .paused),
        (.awaitingChange, .inProgress, .paused),
        (.awaitingProblem, .inProgress, .paused),
    ]

    @Test(arguments: pauseRules)
    func onHoldPausesResolutionAndAwaitingCallerAlsoPausesResponse(reason: HoldReason, response: SLAStage, resolution: SLAStage) throws {
        var desk = try SLADesk.make()
        let id = try desk.openP3(at: mon(9))
        try desk.run(.moveIncident(id, to: .onHold, holdReason: reason), at: mon(10))
        #expect(desk.clock(id, .response)?.stage(at: mon(11)) == response)
        #expect(desk.clock(id, .resolution)?.stage(at: mon(11)) == resolution)
    }

    @Test func aPriorityChangeMidFlightRecomputesWithoutLosingHoldTime() throws {
        var desk = try SLADesk.make()
        let id = try desk.openP3(at: mon(9))
        try desk.run(.moveIncident(id, to: .inProgress), at: mon(9))
        try desk.run(.moveIncident(id, to: .onHold, holdReason: .awaitingVendor), at: mon(10))
        try desk.run(.moveIncident(id, to: .inProgress), at: mon(12))
        try desk.run(.editIncident(id, IncidentEdit(impact: .enterprise, urgency: .high)), at: mon(13))
        let c = desk.clock(id, .resolution)!
        #expect(c.definition == "Payroll P1" && c.targetSeconds == 4 * hour)
        #expect(c.elapsed(at: mon(13), in: office) == 2 * hour, "09–10 and 12–13 count; the hold 10–12 stays out")
        #expect(c.due == mon(15))
        #expect(c.pauses == [DateInterval(start: mon(10), end: mon(12))])
        try desk.run(.editIncident(id, IncidentEdit(impact: .department, urgency: .medium)), at: mon(14))
        #expect(desk.clock(id, .resolution)?.due == mon(11, day: 4), "back to P3: 6 h Mon, 8 h Tue, Wed off, 2 h Thu")
    }

    @Test func anSLADefinitionChangeMidFlightRecomputesOpenIncidents() throws {
        var desk = try SLADesk.make()
        let id = try desk.openP3(at: mon(9))
        try desk.run(.moveIncident(id, to: .onHold, holdReason: .awaitingVendor), at: mon(10))
        try desk.run(.moveIncident(id, to: .inProgress), at: mon(11))
        var faster = SLADesk.p3
        faster.resolutionTarget = 4 * hour
        try desk.run(.defineSLA(faster), as: "root", at: mon(12))
        #expect(desk.clock(id, .resolution)?.due == mon(14), "4 h from 09:00 plus the hour on hold")
        #expect(desk.clock(id, .resolution)?.targetSeconds == 4 * hour)
    }

    @Test func aClosedIncidentKeepsTheResultItClosedWith() throws {
        var desk = try SLADesk.make()
        let id = try desk.openP3(at: mon(9))
        try desk.run(.moveIncident(id, to: .resolved, resolution: .solvedPermanently, notes: "n"), at: mon(15))
        try desk.run(.moveIncident(id, to: .closed), at: mon(16))
        var stricter = SLADesk.p3
        stricter.resolutionTarget = hour
        try desk.run(.defineSLA(stricter), as: "root", at: mon(17))
        #expect(desk.clock(id, .resolution)?.stage(at: mon(17)) == .achieved)
        #expect(desk.clock(id, .resolution)?.targetSeconds == 16 * hour)
    }

    @Test func retiringADefinitionRemovesItsClocksFromOpenIncidents() throws {
        var desk = try SLADesk.make()
        let id = try desk.openP3(at: mon(9))
        var retired = SLADesk.p3
        retired.isActive = false
        try desk.run(.defineSLA(retired), as: "root", at: mon(10))
        #expect(desk.incident(id).slaClocks.isEmpty)
    }

    @Test func timeSpentResolvedIsNotCountedAfterAReopen() throws {
        var desk = try SLADesk.make()
        let id = try desk.openP3(at: mon(9))
        try desk.run(.moveIncident(id, to: .resolved, resolution: .solvedPermanently, notes: "n"), at: mon(11))
        try desk.run(.moveIncident(id, to: .inProgress, notes: "back"), at: mon(10, day: 2))
        let c = desk.clock(id, .resolution)!
        #expect(c.elapsedAtMark == 2 * hour && c.stage(at: mon(10, day: 2)) == .inProgress)
        #expect(c.due == mon(16, day: 4), "14 h from Tuesday 10:00: 7 h Tue, Wed off, 7 h Thu")
    }

    @Test func cancellingCancelsRunningClocks() throws {
        var desk = try SLADesk.make()
        let id = try desk.openP3(at: mon(9))
        try desk.run(.moveIncident(id, to: .cancelled, notes: "wrong number"), at: mon(10))
        #expect(desk.clock(id, .resolution)?.stage(at: mon(10)) == .cancelled)
        #expect(desk.clock(id, .response)?.stage(at: mon(10)) == .cancelled)
    }

    static let bands: [(Double, SLABand)] = [
        (0, .normal), (7.9, .normal), (8, .warning(percent: 50)), (12, .warning(percent: 75)),
        (14.5, .warning(percent: 90)), (15.99, .warning(percent: 90)), (16, .breached),
    ]

    @Test(arguments: bands)
    func warningBands(hoursUsed: Double, band: SLABand) throws {
        var desk = try SLADesk.make()
        let id = try desk.openP3(at: mon(9))
        let c = desk.clock(id, .resolution)!
        let at = office.adding(businessSeconds: hoursUsed * hour, to: mon(9))!
        #expect(c.band(at: at, in: office) == band)
    }

    @Test func aClockOnABerlinCalendarCrossesTheAutumnDSTChange() throws {
        var desk = try TestDesk.staffed()
        try desk.run(.defineCalendar(.weekdays(name: "Office", timeZone: berlin, [TimeRange(8, 12)!, TimeRange(13, 17)!])), as: "root")
        try desk.run(.defineSLA(SLADesk.p1), as: "root")
        let opened = local("Europe/Berlin", 2026, 10, 23, 15)  // Friday, CEST
        let id = try desk.open(impact: .enterprise, urgency: .high, service: "Payroll", at: opened)
        // 2 h on Friday (15–17), then 2 h on Monday after the change to CET: 08–10 local = 07–09 UTC.
        #expect(desk.clock(id, .resolution)?.due == utc(2026, 10, 26, 9))
        #expect(desk.clock(id, .response)?.due == local("Europe/Berlin", 2026, 10, 23, 15, 30))
    }

    @Test func onlyAdminsChangeSLADefinitionsAndTheyNeedACalendar() throws {
        var desk = try SLADesk.make()
        let r = desk.refused(.defineSLA(SLADesk.p1), as: "mia")
        #expect(r?.description == "Changing SLA definitions needs the admin role.")
        var lost = SLADesk.p1
        lost.calendar = "Nowhere"
        #expect(desk.refused(.defineSLA(lost), as: "root") == .notFound(RecordID(kind: .calendar, key: "Nowhere")))
        var empty = SLADesk.p1
        empty.responseTarget = nil
        empty.resolutionTarget = nil
        #expect(desk.refused(.defineSLA(empty), as: "root") != nil)
    }

    @Test func slaDefinitionsRoundTripThroughEvents() throws {
        let desk = try SLADesk.make()
        #expect(desk.state.directory.slaDefinitions["Payroll P1"] == SLADesk.p1)
        #expect(desk.state.directory.calendars["Office"] == SLADesk.office)
    }

    @Test func theDeskListsIncidentsBreachingSoon() throws {
        var desk = try SLADesk.make()
        let a = try desk.openP3(at: mon(9))
        try desk.run(.addCustomerReply(a, "hi"), at: mon(9))
        let b = try desk.openP3(at: mon(15))
        try desk.run(.addCustomerReply(b, "hi"), at: mon(15))
        // a is due Tuesday 17:00, b Wednesday-is-a-holiday so Thursday 15:00.
        #expect(desk.state.incidentsBreaching(within: 30 * minute, at: mon(16, 45, day: 2)) == [a])
        #expect(desk.state.incidentsBreaching(within: 0, at: mon(15, day: 4)) == [a, b])
        #expect(desk.state.incidentsBreaching(within: 0, at: mon(16, day: 2)).isEmpty)
    }
}

@Suite struct SLARecomputeScopeTests {
    @Test func aNewCalendarVersionMovesTheDueTimeOfIncidentsOnIt() throws {
        var desk = try SLADesk.make()
        let id = try desk.openP3(at: SLADesk.mon(9))
        var longer = SLADesk.office
        longer.hours = Dictionary(uniqueKeysWithValues: (Weekday.monday...Weekday.friday).map { ($0, [TimeRange(9, 19)!]) })
        try desk.run(.defineCalendar(longer), as: "root", at: SLADesk.mon(10))
        #expect(desk.clock(id, .resolution)?.due == SLADesk.mon(15, day: 2), "10 h days: Monday 9–19, Tuesday 9–15")
    }

    @Test func aDefinitionForOtherIncidentsLeavesTheseAlone() throws {
        var desk = try SLADesk.make()
        let id = try desk.openP3(at: SLADesk.mon(9))
        let before = desk.incident(id).slaClocks
        try desk.run(.defineSLA(SLADefinition(name: "Mail P3", services: ["Mail"], priorities: [.p3],
                                              resolutionTarget: hour, calendar: "Office")), as: "root", at: SLADesk.mon(10))
        #expect(desk.incident(id).slaClocks == before)
        let mail = try desk.open(impact: .department, urgency: .medium, service: "Mail", at: SLADesk.mon(10))
        #expect(desk.incident(mail).slaClocks.map(\.definition) == ["Mail P3"])
    }

    @Test func aDefinitionThatStopsApplyingTakesItsClocksAway() throws {
        var desk = try SLADesk.make()
        let id = try desk.openP3(at: SLADesk.mon(9))
        var moved = SLADesk.p3
        moved.services = ["Mail"]
        try desk.run(.defineSLA(moved), as: "root", at: SLADesk.mon(10))
        #expect(desk.incident(id).slaClocks.isEmpty)
    }
}
