import Foundation
import Testing
@testable import ITSM

struct ChangeCalendarTests {
    typealias K = DomainII

    @Test func rangeListsChangesInOrderWithMultiDayOnesFlagged() throws {
        var book = ChangeBook()
        // Starts before the week of 16–23 March and runs into it.
        _ = try K.change(1, in: &book, draft: K.readyDraft(window: K.window("2026-03-15 20:00", "2026-03-17 04:00")), upTo: .scheduled)
        _ = try K.change(2, in: &book, draft: K.readyDraft(window: K.window("2026-03-18 10:00", "2026-03-18 11:00")), upTo: .scheduled)
        // Same start as CHG-2: ordered by ID.
        _ = try K.change(3, in: &book, draft: K.readyDraft(window: K.window("2026-03-16 10:00", "2026-03-16 11:00")), upTo: .new)
        // Cancelled: left out.
        let gone = try K.change(4, in: &book, draft: K.readyDraft(window: K.window("2026-03-19 10:00", "2026-03-19 11:00")), upTo: .new)
        try K.run(.cancel(reason: "dup"), gone, &book, by: K.requester)
        // Entirely after the range: left out.
        _ = try K.change(5, in: &book, draft: K.readyDraft(window: K.window("2026-03-23 00:00", "2026-03-23 01:00")), upTo: .new)
        // Runs past the end of the range.
        _ = try K.change(6, in: &book, draft: K.readyDraft(window: K.window("2026-03-22 22:00", "2026-03-24 01:00")), upTo: .new)

        let week = K.window("2026-03-16 00:00", "2026-03-23 00:00")
        let entries = calendarEntries(in: week, book: book)
        #expect(entries.map(\.change.key) == ["1", "3", "2", "6"])
        #expect(entries.map(\.startsBeforeRange) == [true, false, false, false])
        #expect(entries.map(\.endsAfterRange) == [false, false, false, true])

        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = .gmt
        // CHG-1 within the week touches Mon 16 and Tue 17 (it started Sunday, outside the range).
        #expect(calendarDays(of: entries[0], in: week, calendar: utc) == [K.t("2026-03-16"), K.t("2026-03-17")])
        // Over the whole month it touches Sun 15, Mon 16 and Tue 17.
        let month = K.window("2026-03-01 00:00", "2026-04-01 00:00")
        #expect(calendarDays(of: entries[0], in: month, calendar: utc) == [K.t("2026-03-15"), K.t("2026-03-16"), K.t("2026-03-17")])
    }

    @Test func aChangeEndingAtMidnightDoesNotTouchTheNextDay() throws {
        var book = ChangeBook()
        _ = try K.change(1, in: &book, draft: K.readyDraft(window: K.window("2026-03-14 22:00", "2026-03-15 00:00")), upTo: .new)
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = .gmt
        let month = K.window("2026-03-01 00:00", "2026-04-01 00:00")
        let entry = calendarEntries(in: month, book: book)[0]
        #expect(calendarDays(of: entry, in: month, calendar: utc) == [K.t("2026-03-14")])
        // In Tokyo (UTC+9) the same change is 07:00–09:00 on the 15th.
        var tokyo = utc
        tokyo.timeZone = TimeZone(identifier: "Asia/Tokyo")!
        #expect(calendarDays(of: entry, in: month, calendar: tokyo) == [K.t("2026-03-14 15:00")])
    }

    @Test func implementationInProgressShowsFromItsActualStart() throws {
        var book = ChangeBook()
        let id = try K.change(1, in: &book, draft: K.readyDraft(window: K.window("2026-03-14 22:00", "2026-03-15 02:00")), upTo: .scheduled)
        try K.run(.start(at: K.t("2026-03-15 03:00")), id, &book, by: K.implementer)
        // Started an hour after its planned end: shown as a point at 03:00, not dropped.
        let entries = calendarEntries(in: K.window("2026-03-15 00:00", "2026-03-16 00:00"), book: book)
        #expect(entries.map(\.window) == [DateInterval(start: K.t("2026-03-15 03:00"), duration: 0)])
    }
}
