import Foundation
import Testing
@testable import ITSM

@Suite struct BusinessCalendarTests {
    static let nineToFive = BusinessCalendar.weekdays(name: "9-5", timeZone: TimeZone(identifier: "UTC")!, [TimeRange(9, 17)!])
    static let split = BusinessCalendar.weekdays(name: "split", timeZone: TimeZone(identifier: "UTC")!,
                                                 [TimeRange(8, 12)!, TimeRange(13, 17)!])
    static let withHolidays = BusinessCalendar.weekdays(
        name: "hol", timeZone: TimeZone(identifier: "UTC")!, [TimeRange(9, 17)!],
        holidays: [Holiday(CivilDate(2026, 3, 4)), Holiday(from: CivilDate(2026, 3, 10), through: CivilDate(2026, 3, 12))!])
    /// Every day 08–17 in Berlin, so the DST Sundays are worked.
    static let berlinDaily = BusinessCalendar(name: "berlin", timeZone: berlin,
                                              hours: Dictionary(uniqueKeysWithValues: Weekday.allCases.map { ($0, [TimeRange(8, 17)!]) }))
    /// Every hour of every day in Berlin, but with a holiday so no shortcut applies.
    static let berlinAllDay = BusinessCalendar(name: "berlin-24", timeZone: berlin,
                                               hours: Dictionary(uniqueKeysWithValues: Weekday.allCases.map { ($0, [TimeRange(0, 24)!]) }),
                                               holidays: [Holiday(CivilDate(2030, 1, 1))])
    static let berlinOffice = BusinessCalendar.weekdays(name: "berlin-office", timeZone: berlin, [TimeRange(8, 17)!])

    // 2026-03-02 is a Monday; 2026-03-29 and 2026-10-25 are the DST Sundays in Berlin.
    static let elapsedCases: [(String, BusinessCalendar, Date, Date, TimeInterval)] = [
        ("within a day", nineToFive, utc(2026, 3, 2, 10), utc(2026, 3, 2, 12), 2 * hour),
        ("before opening counts nothing", nineToFive, utc(2026, 3, 2, 6), utc(2026, 3, 2, 9), 0),
        ("overnight", nineToFive, utc(2026, 3, 2, 16), utc(2026, 3, 3, 10), 2 * hour),
        ("over a weekend", nineToFive, utc(2026, 3, 6, 16), utc(2026, 3, 9, 10), 2 * hour),
        ("a whole week", nineToFive, utc(2026, 3, 2), utc(2026, 3, 9), 40 * hour),
        ("weekend only", nineToFive, utc(2026, 3, 7, 9), utc(2026, 3, 8, 17), 0),
        ("split day skips lunch", split, utc(2026, 3, 2, 11), utc(2026, 3, 2, 14), 2 * hour),
        ("split day inside lunch", split, utc(2026, 3, 2, 12, 15), utc(2026, 3, 2, 12, 45), 0),
        ("split whole day", split, utc(2026, 3, 2), utc(2026, 3, 3), 8 * hour),
        ("single holiday", withHolidays, utc(2026, 3, 3, 16), utc(2026, 3, 5, 10), 2 * hour),
        ("holiday range", withHolidays, utc(2026, 3, 9, 16), utc(2026, 3, 13, 10), 2 * hour),
        ("DST spring: worked Sunday is still 9 hours", berlinDaily, utc(2026, 3, 29), utc(2026, 3, 30), 9 * hour),
        ("DST spring: the 24-hour day has 23", berlinAllDay, local("Europe/Berlin", 2026, 3, 29), local("Europe/Berlin", 2026, 3, 30), 23 * hour),
        ("DST autumn: the 24-hour day has 25", berlinAllDay, local("Europe/Berlin", 2026, 10, 25), local("Europe/Berlin", 2026, 10, 26), 25 * hour),
        ("DST spring: Friday to Monday across the change", berlinOffice,
         local("Europe/Berlin", 2026, 3, 27, 16), local("Europe/Berlin", 2026, 3, 30, 9), 2 * hour),
        ("reversed interval", nineToFive, utc(2026, 3, 2, 12), utc(2026, 3, 2, 10), 0),
    ]

    @Test(arguments: elapsedCases)
    func businessSecondsBetween(_ name: String, _ cal: BusinessCalendar, _ from: Date, _ to: Date, _ expected: TimeInterval) {
        #expect(cal.businessSeconds(from: from, to: to) == expected, "\(name)")
    }

    static let addingCases: [(String, BusinessCalendar, Date, TimeInterval, Date)] = [
        ("same day", nineToFive, utc(2026, 3, 2, 10), 2 * hour, utc(2026, 3, 2, 12)),
        ("ends exactly at closing", nineToFive, utc(2026, 3, 2, 9), 8 * hour, utc(2026, 3, 2, 17)),
        ("starts before opening", nineToFive, utc(2026, 3, 2, 3), hour, utc(2026, 3, 2, 10)),
        ("rolls over the night", nineToFive, utc(2026, 3, 2, 16), 2 * hour, utc(2026, 3, 3, 10)),
        ("rolls over the weekend", nineToFive, utc(2026, 3, 6, 16), 2 * hour, utc(2026, 3, 9, 10)),
        ("starts on a Saturday", nineToFive, utc(2026, 3, 7, 12), hour, utc(2026, 3, 9, 10)),
        ("split day jumps lunch", split, utc(2026, 3, 2, 11), 2 * hour, utc(2026, 3, 2, 14)),
        ("holiday skipped", withHolidays, utc(2026, 3, 3, 16), 2 * hour, utc(2026, 3, 5, 10)),
        ("holiday range skipped", withHolidays, utc(2026, 3, 9, 16), 2 * hour, utc(2026, 3, 13, 10)),
        ("DST spring: Monday 09:00 CEST is 07:00 UTC", berlinOffice,
         local("Europe/Berlin", 2026, 3, 27, 16), 2 * hour, utc(2026, 3, 30, 7)),
        ("DST autumn: Monday 09:00 CET is 08:00 UTC", berlinOffice,
         local("Europe/Berlin", 2026, 10, 23, 16), 2 * hour, utc(2026, 10, 26, 8)),
        ("DST spring across the missing hour", berlinAllDay,
         local("Europe/Berlin", 2026, 3, 29, 1), 2 * hour, local("Europe/Berlin", 2026, 3, 29, 4)),
        ("24x7 is wall time", .twentyFourSeven(), utc(2026, 3, 7, 22), 5 * hour, utc(2026, 3, 8, 3)),
    ]

    @Test(arguments: addingCases)
    func addingBusinessTime(_ name: String, _ cal: BusinessCalendar, _ start: Date, _ seconds: TimeInterval, _ expected: Date) {
        #expect(cal.adding(businessSeconds: seconds, to: start) == expected, "\(name)")
    }

    @Test func aCalendarWithoutHoursNeverReachesATarget() {
        let closed = BusinessCalendar(name: "closed", timeZone: TimeZone(identifier: "UTC")!, hours: [:])
        #expect(closed.adding(businessSeconds: 60, to: utc(2026, 1, 1)) == nil)
        #expect(closed.businessSeconds(from: utc(2026, 1, 1), to: utc(2026, 2, 1)) == 0)
    }

    @Test func encodingsReadBack() {
        let cal = Self.split
        #expect(BusinessCalendar.decodeHours(cal.encodedHours) == cal.hours)
        #expect(cal.encodedHours.first == "mon 08:00-12:00")
        #expect(Holiday(parsing: "2026-12-24..2026-12-26") == Holiday(from: CivilDate(2026, 12, 24), through: CivilDate(2026, 12, 26)))
        #expect(Holiday(parsing: "2026-12-26..2026-12-24") == nil)
        #expect(CivilDate(parsing: "2026-02-30") == nil)
        #expect(TimeRange(parsing: "13:00-12:00") == nil)
        #expect(TimeRange(parsing: "00:00-24:00") == TimeRange(0, 24))
    }

    @Test func civilDatesAndWeekdays() {
        #expect(CivilDate(1970, 1, 1).dayNumber == 0)
        #expect(CivilDate(1970, 1, 1).weekday == .thursday)
        #expect(CivilDate(2026, 3, 2).weekday == .monday)
        #expect(CivilDate(1969, 12, 31).weekday == .wednesday)
        for d in stride(from: -1000, to: 40000, by: 37) { #expect(CivilDate(dayNumber: d).dayNumber == d) }
        #expect(CivilDate(2024, 2, 29).description == "2024-02-29")
    }

    @Test func businessDaysSkipWeekendsAndHolidays() {
        #expect(Self.withHolidays.isBusinessDay(CivilDate(2026, 3, 3)))
        #expect(!Self.withHolidays.isBusinessDay(CivilDate(2026, 3, 4)))
        #expect(!Self.withHolidays.isBusinessDay(CivilDate(2026, 3, 11)))
        #expect(!Self.withHolidays.isBusinessDay(CivilDate(2026, 3, 7)))
    }
}
