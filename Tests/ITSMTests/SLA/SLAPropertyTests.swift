import Foundation
import Testing
@testable import ITSM

/// Properties of SLA clocks over random incident histories. Each seed is one history; the
/// generator is seeded, so every run checks the same histories.
@Suite struct SLAPropertyTests {
    static let seeds: [UInt64] = Array(1...40)

    /// Calendars the histories run on: split days with holidays in UTC, and Berlin office
    /// hours across both DST changes of 2026.
    static let calendars: [BusinessCalendar] = [
        BusinessCalendar.weekdays(name: "Office", timeZone: TimeZone(identifier: "UTC")!,
                                  [TimeRange(8, 12)!, TimeRange(13, 17)!],
                                  holidays: [Holiday(CivilDate(2026, 3, 4)), Holiday(from: CivilDate(2026, 3, 24), through: CivilDate(2026, 3, 26))!]),
        BusinessCalendar.weekdays(name: "Office", timeZone: berlin, [TimeRange(8, 17)!],
                                  holidays: [Holiday(CivilDate(2026, 4, 6))]),
    ]

    /// A random history of one Payroll incident as (time, command) pairs, times increasing.
    /// Priorities move between P1 and P3, holds come and go, sometimes it is resolved and
    /// reopened, and SLA targets are redefined mid-flight.
    static func history(seed: UInt64, start: Date, holds: Bool = true) -> [(Date, Command, String)] {
        var rng = SplitMix64(seed: seed)
        let id = RecordID(.incident, 1)
        var t = start
        var list: [(Date, Command, String)] = [
            (t, .openIncident(NewIncident(title: "Payslips empty", caller: "carol", impact: .department, urgency: .medium,
                                          service: "Payroll", group: "Service Desk")), "alice"),
            (t, .takeIncident(id), "alice"),
        ]
        for _ in 0..<Int.random(in: 3...14, using: &rng) {
            t += TimeInterval(Int.random(in: 1...(36 * 60), using: &rng)) * 60
            let command: Command
            switch Int.random(in: 0..<8, using: &rng) {
            case 0 where holds: command = .moveIncident(id, to: .onHold, holdReason: HoldReason.allCases.randomElement(using: &rng)!)
            case 1: command = .moveIncident(id, to: .inProgress, notes: "resume")
            case 2: command = .editIncident(id, IncidentEdit(impact: Bool.random(using: &rng) ? .enterprise : .department,
                                                             urgency: Bool.random(using: &rng) ? .high : .medium))
            case 3: command = .moveIncident(id, to: .resolved, resolution: .solvedWorkaround, notes: "done")
            case 4: command = .addCustomerReply(id, "update")
            case 5:
                var def = SLADesk.p3
                def.resolutionTarget = TimeInterval(Int.random(in: 2...30, using: &rng)) * hour
                command = .defineSLA(def)
                list.append((t, command, "root"))
                continue
            default: command = .addWorkNote(id, "note")
            }
            list.append((t, command, "alice"))
        }
        return list
    }

    /// The events of a history; refused steps (e.g. resuming what is not on hold) are skipped.
    static func events(of history: [(Date, Command, String)], calendar: BusinessCalendar) throws -> (TestDesk, [Event]) {
        var desk = try TestDesk.staffed()
        var cal = calendar
        cal.name = "Office"
        try desk.run(.defineCalendar(cal), as: "root")
        try desk.run(.defineSLA(SLADesk.p1), as: "root")
        try desk.run(.defineSLA(SLADesk.p3), as: "root")
        try desk.run(.defineSLA(SLADefinition(name: "Payroll P2", services: ["Payroll"], priorities: [.p2],
                                              responseTarget: hour, resolutionTarget: 8 * hour, calendar: "Office")), as: "root")
        let setup = desk.log.count
        for (t, c, who) in history { _ = try? desk.run(c, as: who, at: t) }
        return (desk, Array(desk.log[setup...]))
    }

    @Test(arguments: seeds)
    func elapsedNeverDecreasesAsTimePassesAndEventsArrive(seed: UInt64) throws {
        let cal = Self.calendars[Int(seed) % Self.calendars.count]
        let start = utc(2026, 3, 2, 7) + TimeInterval(seed % 29) * 86_400
        let (desk, events) = try Self.events(of: Self.history(seed: seed, start: start), calendar: cal)
        var rng = SplitMix64(seed: seed ^ 0xABCD)
        let end = (events.last?.at ?? start) + 5 * 86_400
        var state = DeskState(events: desk.log.prefix(desk.log.count - events.count))
        var next = 0
        var last: [SLATarget: TimeInterval] = [:]
        var t = start
        while t < end {
            while next < events.count, events[next].at <= t { state.apply(events[next]); next += 1 }
            for clock in state.incidents[RecordID(.incident, 1)]?.slaClocks ?? [] {
                let e = clock.elapsed(at: t, in: cal)
                #expect(e >= (last[clock.target] ?? 0) - 0.001, "seed \(seed) at \(t)")
                last[clock.target] = e
            }
            t += TimeInterval(Int.random(in: 1...600, using: &rng)) * 60
        }
    }

    @Test(arguments: seeds)
    func remainingPlusElapsedIsTheTargetWhileInProgress(seed: UInt64) throws {
        let cal = Self.calendars[Int(seed) % Self.calendars.count]
        let start = utc(2026, 3, 2, 7) + TimeInterval(seed % 29) * 86_400
        let (desk, _) = try Self.events(of: Self.history(seed: seed, start: start), calendar: cal)
        var rng = SplitMix64(seed: seed ^ 0x1234)
        var checked = 0
        for clock in desk.incident(RecordID(.incident, 1)).slaClocks where clock.isRunning {
            for _ in 0..<20 {
                let t = clock.markAt + TimeInterval(Int.random(in: 0...(7 * 24 * 60), using: &rng)) * 60
                guard clock.stage(at: t) == .inProgress else { continue }
                #expect(abs(clock.remaining(at: t, in: cal) + clock.elapsed(at: t, in: cal) - clock.targetSeconds) < 0.001)
                #expect(clock.remaining(at: t, in: cal) > 0, "in progress means time is left")
                checked += 1
            }
        }
        _ = checked
    }

    @Test(arguments: seeds)
    func aPauseNeverMovesTheDueTimeEarlier(seed: UInt64) throws {
        let cal = Self.calendars[Int(seed) % Self.calendars.count]
        let start = utc(2026, 3, 2, 7) + TimeInterval(seed % 29) * 86_400
        var base = Self.history(seed: seed, start: start, holds: false)
            .filter { if case .moveIncident(_, to: .resolved, _, _, _) = $0.1 { false } else { true } }
        let id = RecordID(.incident, 1)
        base.insert((start, .moveIncident(id, to: .inProgress), "alice"), at: 2)
        var rng = SplitMix64(seed: seed ^ 0x5555)
        let holdAt = start + TimeInterval(Int.random(in: 1...(3 * 24 * 60), using: &rng)) * 60
        let resumeAt = holdAt + TimeInterval(Int.random(in: 1...(4 * 24 * 60), using: &rng)) * 60
        var paused = base + [(holdAt, .moveIncident(id, to: .onHold, holdReason: .awaitingVendor), "alice"),
                             (resumeAt, .moveIncident(id, to: .inProgress), "alice")]
        paused.sort { $0.0 < $1.0 }  // stable: equal times keep their order

        let (a, _) = try Self.events(of: base, calendar: cal)
        let (b, _) = try Self.events(of: paused, calendar: cal)
        let before = try #require(a.clock(id, .resolution)), after = try #require(b.clock(id, .resolution))
        #expect(before.isRunning && after.isRunning, "seed \(seed)")
        let d0 = try #require(before.due), d1 = try #require(after.due)
        #expect(d1 >= d0, "seed \(seed): hold \(holdAt)–\(resumeAt) moved due from \(d0) to \(d1)")
        #expect(after.pauses.count + (after.pausedSince == nil ? 0 : 1) >= 1, "seed \(seed): the hold happened")
    }

    @Test(arguments: seeds)
    func foldingIsDeterministicAndSplitsAnywhere(seed: UInt64) throws {
        let start = utc(2026, 3, 2, 7) + TimeInterval(seed % 29) * 86_400
        let (desk, _) = try Self.events(of: Self.history(seed: seed, start: start), calendar: Self.calendars[0])
        let once = DeskState(events: desk.log), twice = DeskState(events: desk.log)
        #expect(once == twice && once == desk.state)
        var rng = SplitMix64(seed: seed)
        let cut = Int.random(in: 0...desk.log.count, using: &rng)
        var resumed = DeskState(events: desk.log.prefix(cut))
        for e in desk.log.dropFirst(cut) { resumed.apply(e) }
        #expect(resumed == once)
    }

    @Test(arguments: seeds)
    func addingThenMeasuringBusinessTimeGivesItBack(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        for cal in Self.calendars {
            for _ in 0..<25 {
                let start = utc(2026, 1, 1) + TimeInterval(Int.random(in: 0...(365 * 24 * 60), using: &rng)) * 60
                let seconds = TimeInterval(Int.random(in: 1...(80 * 60), using: &rng)) * 60
                guard let end = cal.adding(businessSeconds: seconds, to: start) else { Issue.record("no end"); continue }
                #expect(abs(cal.businessSeconds(from: start, to: end) - seconds) < 0.001, "seed \(seed) from \(start)")
                #expect(cal.businessSeconds(from: start, to: end - 60) < seconds, "the first such instant")
            }
        }
    }
}
