import Foundation
import Testing
@testable import ITSM

@Suite struct SLAScaleTests {
    /// A queue asks "breaching within N minutes" of every open incident on each redraw; with
    /// due times precomputed by the fold it is one comparison per clock.
    @Test func breachingWithinOverAMillionClocksTakesWellUnderASecond() {
        let now = utc(2026, 3, 2, 12)
        var rng = SplitMix64(seed: 42)
        var clocks: [SLAClock] = []
        clocks.reserveCapacity(1_000_000)
        let stages: [SLAStage] = [.inProgress, .inProgress, .inProgress, .paused, .achieved]
        let template = SLAClock(definition: "P3", target: .resolution, targetSeconds: 57_600, calendar: "Office",
                                startedAt: now - 3600, elapsedAtMark: 3600, markAt: now - 60, stageAtMark: .inProgress,
                                due: nil, breachedAt: nil)
        for _ in 0..<1_000_000 {
            var clock = template
            clock.stageAtMark = stages[Int(rng.next() % 5)]
            if clock.stageAtMark == .inProgress { clock.due = now + TimeInterval(Int.random(in: -7200...86_400, using: &rng)) }
            clocks.append(clock)
        }
        let expected = clocks.reduce(0) { n, c in
            n + (c.stageAtMark == .inProgress && c.due! <= now + 1800 ? 1 : 0)
        }
        let started = ContinuousClock.now
        let count = SLAClock.countBreaching(clocks, within: 1800, at: now)
        let took = ContinuousClock.now - started
        #expect(count == expected && count > 0)
        #expect(took < .milliseconds(500), "took \(took)")
    }
}
