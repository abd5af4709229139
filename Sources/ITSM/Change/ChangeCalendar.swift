import Foundation

/// One change as the calendar views show it within a range.
public struct ChangeCalendarEntry: Hashable, Sendable {
    public var change: RecordID
    public var title: String
    public var state: ChangeState
    /// The window shown: actual times once work has started, planned times before.
    public var window: DateInterval
    /// The change began before the range, or runs past its end: the views draw it as
    /// continuing off the edge rather than starting or ending there.
    public var startsBeforeRange: Bool
    public var endsAfterRange: Bool
}

/// The changes of a date range for the month and week views, ordered by start, then ID.
/// A change spanning several days appears once, with its full window; `calendarDays(of:in:calendar:)`
/// spreads it over the days it touches.
///
/// Cancelled changes and changes without a window are left out. An implementation still in
/// progress is shown from its actual start to its planned end (or the actual start, if it
/// has overrun it), so an overrunning change stays visible.
public func calendarEntries(in range: DateInterval, book: ChangeBook) -> [ChangeCalendarEntry] {
    book.changes.values.compactMap { change -> ChangeCalendarEntry? in
        guard change.state != .cancelled, let window = shownWindow(change), windowsOverlap(window, range) || (window.duration == 0 && range.contains(window.start)) else { return nil }
        return ChangeCalendarEntry(change: change.id, title: change.title, state: change.state, window: window,
                                   startsBeforeRange: window.start < range.start, endsAfterRange: window.end > range.end)
    }.sorted { ($0.window.start, $0.change) < ($1.window.start, $1.change) }
}

private func shownWindow(_ change: ChangeRecord) -> DateInterval? {
    let start = change.actualStart ?? change.plannedStart
    let end = change.actualEnd ?? change.plannedEnd.map { planned in max(planned, change.actualStart ?? planned) }
    guard let start, let end, end >= start else { return nil }
    return DateInterval(start: start, end: end)
}

/// The local days (midnights in `calendar`'s time zone) that `entry` touches within `range`:
/// the rows a month view draws it on. A change ending exactly at midnight does not touch the
/// next day.
public func calendarDays(of entry: ChangeCalendarEntry, in range: DateInterval, calendar: Calendar) -> [Date] {
    let from = max(entry.window.start, range.start)
    let to = min(entry.window.end, range.end)
    var day = calendar.startOfDay(for: from)
    var out: [Date] = []
    while day < to || (day == calendar.startOfDay(for: from) && from == to) {
        out.append(day)
        guard let next = calendar.date(byAdding: .day, value: 1, to: day) else { break }
        day = next
    }
    return out
}
