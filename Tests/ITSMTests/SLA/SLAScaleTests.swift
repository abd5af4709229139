import Foundation
import Testing
@testable import ITSM

@Suite struct SLAScaleTests {
    /// A queue asks "breaching within N minutes" on each redraw and timer tick. With due
    /// times precomputed by the fold and indexed once per state change, each ask is a binary
    /// search, so a million open incidents cost nothing noticeable even in a debug build.
    @Test func breachingWithinOverAMillionPrecomputedClocksTakesWellUnderASecond() {
        let now = utc(2026, 3, 2, 12)
        var rng = SplitMix64(seed: 42)
        var entries: [(record: RecordID, due: Date)] = []
        entries.reserveCapacity(1_000_000)
        var due = now - 7200
        for n in 1...1_000_000 {
            due += TimeInterval(rng.next() % 180)  // generated in due order: the sort has little to do
            entries.append((RecordID(.incident, n), due))
        }
        let index = SLADueIndex(entries)
        #expect(index.count == 1_000_000)

        let windows: [TimeInterval] = (0..<1000).map { TimeInterval($0) * 60 }
        let started = ContinuousClock.now
        let counts = windows.map { index.countBreaching(within: $0, at: now) }
        let took = ContinuousClock.now - started
        #expect(took < .milliseconds(200), "1000 asks over a million clocks took \(took)")

        // Each answer agrees with a plain scan.
        for w in [0.0, 1800, 59_940] {
            let limit = now + w
            let scanned = entries.reduce(0) { $0 + ($1.due <= limit ? 1 : 0) }
            #expect(index.countBreaching(within: w, at: now) == scanned)
        }
        #expect(counts == counts.sorted(), "a wider window never finds fewer")
    }

    /// The per-clock question a row asks is two comparisons too.
    @Test func aRunningClockIsBreachingWithinItsWindowAndOthersAreNot() {
        let now = utc(2026, 3, 2, 12)
        let running = SLAClock(definition: "P3", target: .resolution, targetSeconds: 57_600, calendar: "Office",
                               startedAt: now - 3600, elapsedAtMark: 3600, markAt: now - 60, stageAtMark: .inProgress,
                               due: now + 1800, breachedAt: now + 1800)
        var paused = running
        paused.stageAtMark = .paused
        paused.due = nil
        #expect(running.isBreaching(within: 1800, at: now) && !running.isBreaching(within: 1799, at: now))
        #expect(!paused.isBreaching(within: 86_400, at: now))
        #expect(SLAClock.countBreaching([running, paused, running], within: 3600, at: now) == 2)
    }

    @Test func theDesksDueIndexHoldsEachIncidentsEarliestRunningClock() throws {
        var desk = try SLADesk.make()
        let a = try desk.openP3(at: SLADesk.mon(9))  // response due 13:00
        let b = try desk.openP3(at: SLADesk.mon(10))
        try desk.run(.addCustomerReply(b, "hi"), at: SLADesk.mon(10))  // only the resolution clock runs
        let c = try desk.openP3(at: SLADesk.mon(11))
        try desk.run(.moveIncident(c, to: .onHold, holdReason: .awaitingCaller), at: SLADesk.mon(11))  // all paused
        let index = desk.state.dueIndex()
        #expect(index.records == [a, b])
        #expect(index.due(at: 0) == SLADesk.mon(13) && index.due(at: 1) == SLADesk.mon(10, day: 4), "7 h Mon, 8 h Tue, Wed off, 1 h Thu")
        #expect(index.breaching(within: 0, at: SLADesk.mon(13)) == [a])
    }
}
