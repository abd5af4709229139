import Foundation

/// Business-time arithmetic on a calendar. Working ranges are turned into absolute instants
/// day by day through the calendar's time zone, so a DST change inside the zone is handled by
/// construction: 08:00–17:00 on the day clocks go forward is still nine real hours, and a
/// 24-hour day on that date has 23.
extension BusinessCalendar {
    /// How far the maths looks for working time before giving up (a calendar with no hours).
    static let searchLimitDays = 3660

    /// Business seconds between two instants; 0 when `end` is not after `start`.
    public func businessSeconds(from start: Date, to end: Date) -> TimeInterval {
        guard end > start else { return 0 }
        if isAlwaysOpen { return end.timeIntervalSince(start) }
        let a = start.timeIntervalSince1970, b = end.timeIntervalSince1970
        var total = 0.0
        for day in (localDay(of: start) - 1)...(localDay(of: end) + 1) {
            for (s, e) in workingIntervals(onDay: day) {
                let lo = Swift.max(s, a), hi = Swift.min(e, b)
                if hi > lo { total += hi - lo }
            }
        }
        return total
    }

    /// The instant at which `seconds` of business time have passed after `start`; `nil` when
    /// the calendar has no working time within ten years.
    public func adding(businessSeconds seconds: TimeInterval, to start: Date) -> Date? {
        guard seconds > 0 else { return start }
        if isAlwaysOpen { return start.addingTimeInterval(seconds) }
        let a = start.timeIntervalSince1970
        var remaining = seconds
        let first = localDay(of: start) - 1
        for day in first...(first + Self.searchLimitDays) {
            for (s, e) in workingIntervals(onDay: day) {
                let lo = Swift.max(s, a)
                guard e > lo else { continue }
                if remaining <= e - lo { return Date(timeIntervalSince1970: lo + remaining) }
                remaining -= e - lo
            }
        }
        return nil
    }

    /// Whether a whole local day is worked at all (has hours and is no holiday).
    public func isBusinessDay(_ date: CivilDate) -> Bool { isBusinessDay(dayNumber: date.dayNumber) }

    func isBusinessDay(dayNumber day: Int) -> Bool {
        !(hours[Weekday(dayNumber: day)] ?? []).isEmpty && !holidays.contains { $0.contains(dayNumber: day) }
    }

    /// Local midnight after `count` whole business days have passed since the day of `date`:
    /// resolved on a Friday with 2 days on a Mon–Fri calendar → Wednesday 00:00.
    public func endOfBusinessDays(_ count: Int, after date: Date) -> Date? {
        var day = localDay(of: date), seen = 0, looked = 0
        while seen < count, looked < Self.searchLimitDays {
            day += 1
            looked += 1
            if isBusinessDay(dayNumber: day) { seen += 1 }
        }
        guard seen >= count else { return nil }
        return Date(timeIntervalSince1970: utc(localDay: day + 1, minute: 0))
    }

    /// The local civil date of an instant in the calendar's zone.
    public func civilDate(of date: Date) -> CivilDate { CivilDate(dayNumber: localDay(of: date)) }

    func localDay(of date: Date) -> Int {
        let local = date.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: date))
        return Int((local / 86_400).rounded(.down))
    }

    /// Absolute working intervals (seconds since 1970) of one local day, in order; none on holidays.
    func workingIntervals(onDay day: Int) -> [(Double, Double)] {
        memo.intervals(onDay: day) { computeWorkingIntervals(onDay: day) }
    }

    private func computeWorkingIntervals(onDay day: Int) -> [(Double, Double)] {
        guard let ranges = hours[Weekday(dayNumber: day)], !ranges.isEmpty,
              !holidays.contains(where: { $0.contains(dayNumber: day) }) else { return [] }
        return ranges.sorted().compactMap { r in
            let s = utc(localDay: day, minute: r.startMinute)
            let e = utc(localDay: day, minute: r.endMinute)
            return e > s ? (s, e) : nil
        }
    }

    /// Local wall time → absolute seconds. Two passes find the offset in force at that
    /// instant; a wall time inside a spring-forward gap lands just after the gap.
    func utc(localDay day: Int, minute: Int) -> Double {
        let local = Double(day) * 86_400 + Double(minute) * 60
        let guess = local - Double(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: local)))
        return local - Double(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: guess)))
    }
}
