import Foundation
import Testing
@testable import ITSM

struct WindowRecurrenceTests {
    typealias K = DomainII

    @Test func weeklyWindowKeepsLocalTimeAcrossDST() {
        // Saturdays 22:00 in New York. US DST starts Sunday 8 March 2026:
        // Sat 7 Mar 22:00 EST (UTC−5) = Sun 8 Mar 03:00 UTC;
        // Sat 14 Mar 22:00 EDT (UTC−4) = Sun 15 Mar 02:00 UTC.
        let ny = TimeZone(identifier: "America/New_York")!
        let rec = WindowRecurrence.weekly(weekday: 7, hour: 22, minute: 0, duration: 3600, timeZone: ny)
        let got = rec.occurrences(overlapping: K.window("2026-03-05 00:00", "2026-03-16 00:00"))
        #expect(got == [DateInterval(start: K.t("2026-03-08 03:00"), duration: 3600),
                        DateInterval(start: K.t("2026-03-15 02:00"), duration: 3600)])
    }

    @Test func multiDayWeeklyWindowStartedBeforeTheRangeIsIncluded() {
        // Friday 22:00 UTC for 56 h: Fri 13 Mar 22:00 → Mon 16 Mar 06:00. A range starting
        // Sunday noon is inside it.
        let rec = WindowRecurrence.weekly(weekday: 6, hour: 22, minute: 0, duration: 56 * 3600, timeZone: .gmt)
        let got = rec.occurrences(overlapping: K.window("2026-03-15 12:00", "2026-03-15 13:00"))
        #expect(got == [K.window("2026-03-13 22:00", "2026-03-16 06:00")])
    }

    @Test func oneOffWindowsOverlapHalfOpen() {
        let rec = WindowRecurrence.once(K.window("2026-03-15 00:00", "2026-03-16 00:00"))
        #expect(rec.occurrences(overlapping: K.window("2026-03-14 22:00", "2026-03-15 00:00")).isEmpty)
        #expect(rec.occurrences(overlapping: K.window("2026-03-14 22:00", "2026-03-15 00:01")).count == 1)
    }

    @Test func nonsenseRecurrencesYieldNothingRatherThanCrash() {
        for rec in [WindowRecurrence.weekly(weekday: 0, hour: 1, minute: 0, duration: 60, timeZone: .gmt),
                    .weekly(weekday: 3, hour: 25, minute: 0, duration: 60, timeZone: .gmt),
                    .weekly(weekday: 3, hour: 1, minute: 0, duration: -5, timeZone: .gmt),
                    .weekly(weekday: 3, hour: 1, minute: 0, duration: 1e12, timeZone: .gmt)] {
            #expect(rec.occurrences(overlapping: K.window("2026-03-01 00:00", "2026-04-01 00:00")).isEmpty)
        }
    }

    @Test func everyWeeklyOpeningStartsOnItsWeekdayAndHourInItsZone() {
        // Property over random zones, weekdays and hours.
        var rng = K.SplitMix64(seed: 3)
        let zones = ["Europe/Berlin", "Asia/Kolkata", "America/Los_Angeles", "Australia/Sydney", "UTC"].compactMap(TimeZone.init(identifier:))
        for _ in 0..<100 {
            let zone = zones.randomElement(using: &rng)!
            let weekday = Int.random(in: 1...7, using: &rng), hour = Int.random(in: 4...23, using: &rng)
            let rec = WindowRecurrence.weekly(weekday: weekday, hour: hour, minute: 30, duration: 7200, timeZone: zone)
            var cal = Calendar(identifier: .gregorian)
            cal.timeZone = zone
            let got = rec.occurrences(overlapping: K.window("2026-01-01 00:00", "2026-07-01 00:00"))
            #expect((25...27).contains(got.count))
            for o in got {
                let c = cal.dateComponents([.weekday, .hour, .minute], from: o.start)
                #expect(c.weekday == weekday && c.hour == hour && c.minute == 30)
            }
        }
    }
}
