import Foundation
import Testing
import ITSM
import DeskStore
@testable import Console

@Suite struct QueueModelTests {
    @Test func savedQueueNamesResolveByCommandNamePrefixAndTitle() {
        #expect(SavedQueue(named: "mine") == .mine)
        #expect(SavedQueue(named: "breach") == .breachingSoon)
        #expect(SavedQueue(named: "Major incidents") == .major)
        #expect(SavedQueue(named: "RESOLVED") == .recentlyResolved)
        #expect(SavedQueue(named: "nope") == nil)
        #expect(SavedQueue(named: "") == nil)
    }

    @Test func queuesWrapAroundInBothDirections() {
        #expect(SavedQueue.mine.next(-1) == .recentlyResolved)
        #expect(SavedQueue.recentlyResolved.next(1) == .mine)
        #expect(SavedQueue.allOpen.next(1) == .breachingSoon)
    }

    @Test func queueScopesAskTheStoreForTheRightRows() {
        let now = IncidentFixture.now
        #expect(SavedQueue.mine.scope(user: "alice", groups: ["Service Desk"], now: now) == .assignedTo("alice"))
        #expect(SavedQueue.unassigned.scope(user: "alice", groups: ["Service Desk"], now: now) == .unassigned(inGroups: ["Service Desk"]))
        #expect(SavedQueue.breachingSoon.scope(user: "alice", groups: [], now: now) == .breachingWithin(3600))
        #expect(SavedQueue.recentlyResolved.scope(user: "alice", groups: [], now: now) == .resolvedSince(now.addingTimeInterval(-7 * 86400)))
    }

    @Test func eachQueueHoldsTheIncidentsItPromises() throws {
        let fixture = try IncidentFixture()
        var pane = try fixture.pane()
        func ids(_ q: SavedQueue) -> Set<Int> {
            _ = pane.switchQueue(q)
            return Set(pane.rows.map { pane.snapshot!.table[Int($0)].number })
        }
        #expect(ids(.mine) == [1, 4, 7])                 // taken by alice, still open
        #expect(ids(.unassigned) == [3, 6])              // Service Desk, nobody (5 is bob's, 8 has no group)
        #expect(ids(.allOpen) == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(ids(.major) == [4])
        #expect(ids(.recentlyResolved) == [9])
        // Payroll's 4 h P1 target is over; the printer's 2.5 h P5 response target passed
        // unanswered; the mail incident (replied to, 2 h of its 8 h left) is not due within the hour.
        #expect(ids(.breachingSoon).isSuperset(of: [3, 4]))
        #expect(!ids(.breachingSoon).contains(1))
    }

    @Test func defaultSortIsSLADueThenPriority() throws {
        let fixture = try IncidentFixture()
        let pane = try fixture.pane()
        let table = pane.snapshot!.table
        let dues = pane.rows.map { table[Int($0)].resolution.flatMap { $0.isRunning ? $0.due : nil } ?? .distantFuture }
        #expect(dues == dues.sorted())
        #expect(pane.sort == QueueSort(column: .sla))
    }

    @Test func sortByAnyColumnAndReverse() throws {
        let fixture = try IncidentFixture()
        var pane = try fixture.pane()
        let ctx = PaneContext(info: Fixtures.info(storeExists: true), keyMap: KeyMap(), messages: [])
        _ = pane.run(command: "sort", argument: "id", context: ctx)
        let table = pane.snapshot!.table
        #expect(pane.rows.map { table[Int($0)].number } == [1, 2, 3, 4, 5, 6, 7, 8])
        _ = pane.run(command: "sort", argument: "id", context: ctx)
        #expect(pane.rows.map { table[Int($0)].number } == [8, 7, 6, 5, 4, 3, 2, 1])
        _ = pane.run(command: "sort", argument: "p", context: ctx)
        #expect(table[Int(pane.rows[0])].priority == .p1)
        _ = pane.run(command: "sort", argument: "age", context: ctx)
        #expect(table[Int(pane.rows[0])].number == 8)    // youngest first
        _ = pane.run(command: "sort", argument: "title", context: ctx)
        #expect(table[Int(pane.rows[0])].title.hasPrefix("Laptop"))
        let bad = pane.run(command: "sort", argument: "colour", context: ctx)
        #expect(bad == [.error("No column 'colour' — columns: id, priority, state, sla, assignee, group, ci, age, title")])
    }
}

@Suite struct ColumnLayoutTests {
    @Test func everyColumnAtIdealWidthOnAWideScreen() {
        let layout = ColumnLayout.make(width: 132, idWidth: 8)
        #expect(layout.columns.map(\.column) == QueueColumn.allCases)
        #expect(layout.width(of: .group) == 14)
        #expect(layout.width(of: .ci) == 16)
        let last = layout.columns.last!
        #expect(last.x + last.width == 132)
    }

    @Test func at80ColumnsCIDropsAndTheRestShrink() {
        let layout = ColumnLayout.make(width: 80, idWidth: 8)
        #expect(layout.width(of: .ci) == nil)
        #expect(layout.width(of: .group) == 8)
        #expect(layout.width(of: .assignee) != nil)
        #expect(layout.width(of: .title)! >= 20)
        let last = layout.columns.last!
        #expect(last.x + last.width == 80)
    }

    @Test func narrowScreensKeepIDPrioritySLAAndTitle() {
        let layout = ColumnLayout.make(width: 40, idWidth: 8)
        #expect(layout.columns.map(\.column) == [.id, .priority, .sla, .title])
    }

    @Test func columnsNeverOverlap() {
        for width in 30...200 {
            let layout = ColumnLayout.make(width: width, idWidth: 11)
            for (a, b) in zip(layout.columns, layout.columns.dropFirst()) {
                #expect(a.x + a.width + ColumnLayout.gap == b.x, "width \(width): \(a.column) overlaps \(b.column)")
            }
        }
    }
}

@Suite struct SLACellTests {
    let now = IncidentFixture.now
    let calendar = BusinessCalendar.twentyFourSeven()

    func clock(due: TimeInterval, stage: SLAStage = .inProgress, target: TimeInterval = 8 * 3600) -> SLAClock {
        let start = now.addingTimeInterval(due - target)
        return SLAClock(definition: "P3", target: .resolution, targetSeconds: target, calendar: "24x7", startedAt: start,
                        elapsedAtMark: 0, markAt: start, stageAtMark: stage, due: stage == .inProgress ? now.addingTimeInterval(due) : nil,
                        breachedAt: nil)
    }

    @Test func durationsReadAsHoursAndMinutes() {
        #expect(SLACell.duration(3 * 3600 + 5 * 60) == "3h 05m")
        #expect(SLACell.duration(45 * 60 + 59) == "45m")
        #expect(SLACell.duration(30) == "<1m")
        #expect(SLACell.duration(-(80 * 60)) == "-1h 20m")
        #expect(SLACell.duration(150 * 3600) == "150h")
    }

    @Test func agesGrowFromMinutesToWeeks() {
        #expect(SLACell.age(59 * 60) == "59m")
        #expect(SLACell.age(47 * 3600) == "47h")
        #expect(SLACell.age(12 * 86400) == "12d")
        #expect(SLACell.age(120 * 86400) == "17w")
    }

    @Test func bandsColourTheCell() {
        #expect(SLACell.make(clock(due: 6 * 3600), now: now, calendar: calendar) == SLACell(text: "6h 00m", role: .slaOK))
        // 90 % used: the warning band.
        #expect(SLACell.make(clock(due: 48 * 60), now: now, calendar: calendar) == SLACell(text: "48m", role: .slaWarning))
        #expect(SLACell.make(clock(due: -600), now: now, calendar: calendar) == SLACell(text: "-10m", role: .slaBreached))
    }

    @Test func pausedMetAndAbsentClocksSaySo() {
        #expect(SLACell.make(clock(due: 0, stage: .paused), now: now, calendar: calendar) == SLACell(text: "paused", role: .slaPaused))
        #expect(SLACell.make(clock(due: 0, stage: .achieved), now: now, calendar: calendar) == SLACell(text: "met", role: .slaOK))
        #expect(SLACell.make(nil, now: now, calendar: calendar) == SLACell(text: "-", role: .muted))
    }

    @Test func countdownMovesWithTheClock() {
        let c = clock(due: 2 * 3600)
        #expect(SLACell.make(c, now: now, calendar: calendar).text == "2h 00m")
        #expect(SLACell.make(c, now: now.addingTimeInterval(61 * 60), calendar: calendar).text == "59m")
    }
}
