import Foundation

/// Working hours of one day, in minutes after local midnight: `08:00-12:00` is 480..<720.
/// `24:00` (1440) ends a day that runs to midnight.
public struct TimeRange: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let startMinute: Int
    public let endMinute: Int

    /// `nil` unless 0 ≤ start < end ≤ 24:00.
    public init?(startMinute: Int, endMinute: Int) {
        guard 0 <= startMinute, startMinute < endMinute, endMinute <= 1440 else { return nil }
        self.startMinute = startMinute
        self.endMinute = endMinute
    }

    /// `TimeRange(8, 12)`: whole hours, for tables and tests.
    public init?(_ startHour: Int, _ endHour: Int) {
        self.init(startMinute: startHour * 60, endMinute: endHour * 60)
    }

    /// Parses `08:00-12:00`.
    public init?(parsing text: String) {
        let ends = text.split(separator: "-")
        guard ends.count == 2, let s = Self.minutes(ends[0]), let e = Self.minutes(ends[1]) else { return nil }
        self.init(startMinute: s, endMinute: e)
    }

    private static func minutes(_ text: Substring) -> Int? {
        let hm = text.split(separator: ":")
        guard hm.count == 2, let h = Int(hm[0]), let m = Int(hm[1]), (0...24).contains(h), (0..<60).contains(m)
        else { return nil }
        return h * 60 + m
    }

    public var description: String {
        func hhmm(_ m: Int) -> String {
            let h = m / 60, mm = m % 60
            return (h < 10 ? "0" : "") + "\(h):" + (mm < 10 ? "0" : "") + "\(mm)"
        }
        return "\(hhmm(startMinute))-\(hhmm(endMinute))"
    }

    public static func < (a: TimeRange, b: TimeRange) -> Bool { a.startMinute < b.startMinute }
}

/// Dates the desk does not work: one day or an inclusive range (`2026-12-24..2026-12-26`).
public struct Holiday: Hashable, Sendable, CustomStringConvertible {
    public let first: CivilDate
    public let last: CivilDate

    public init(_ day: CivilDate) { self.init(from: day, through: day)! }

    public init?(from first: CivilDate, through last: CivilDate) {
        guard first <= last else { return nil }
        self.first = first
        self.last = last
    }

    public init?(parsing text: String) {
        let ends = text.components(separatedBy: "..")
        guard let a = ends.first.flatMap(CivilDate.init(parsing:)) else { return nil }
        if ends.count == 1 { self.init(a); return }
        guard ends.count == 2, let b = CivilDate(parsing: ends[1]) else { return nil }
        self.init(from: a, through: b)
    }

    public func contains(dayNumber d: Int) -> Bool { first.dayNumber <= d && d <= last.dayNumber }

    public var description: String { first == last ? "\(first)" : "\(first)..\(last)" }
}

/// When the desk counts time: working hours per weekday in a time zone, minus holidays.
/// 24×7 is a calendar too. Calendars are data: an admin defines them with events.
public struct BusinessCalendar: Hashable, Sendable {
    public var name: String
    public var timeZone: TimeZone { didSet { memo = CalendarMemo() } }
    /// Working ranges per weekday; a weekday that is absent is not worked.
    public var hours: [Weekday: [TimeRange]] { didSet { memo = CalendarMemo() } }
    public var holidays: [Holiday] { didSet { memo = CalendarMemo() } }
    /// Working intervals already worked out, per local day; shared by copies of this value
    /// and replaced whenever the calendar changes.
    var memo = CalendarMemo()

    public init(name: String, timeZone: TimeZone, hours: [Weekday: [TimeRange]], holidays: [Holiday] = []) {
        self.name = name
        self.timeZone = timeZone
        self.hours = hours.mapValues { $0.sorted() }
        self.holidays = holidays
    }

    /// UTC, made from its offset: the same zone as `TimeZone(identifier: "UTC")` (both are
    /// "GMT", equal and hashing alike), without the ICU lookup by name that cost 0.2 ms of
    /// the first calendar folded at a console's start.
    public static let utc = TimeZone(secondsFromGMT: 0)!

    /// Every minute counts.
    public static func twentyFourSeven(name: String = "24x7", timeZone: TimeZone = BusinessCalendar.utc) -> BusinessCalendar {
        BusinessCalendar(name: name, timeZone: timeZone,
                         hours: Dictionary(uniqueKeysWithValues: Weekday.allCases.map { ($0, [TimeRange(0, 24)!]) }))
    }

    /// The same hours Monday to Friday.
    public static func weekdays(name: String, timeZone: TimeZone, _ ranges: [TimeRange], holidays: [Holiday] = []) -> BusinessCalendar {
        BusinessCalendar(name: name, timeZone: timeZone,
                         hours: Dictionary(uniqueKeysWithValues: (Weekday.monday...Weekday.friday).map { ($0, ranges) }),
                         holidays: holidays)
    }

    /// All day every day with no holidays: business time is wall time, no day stepping needed.
    var isAlwaysOpen: Bool {
        memo.alwaysOpen { holidays.isEmpty && Weekday.allCases.allSatisfy { hours[$0] == [TimeRange(0, 24)!] } }
    }

    public static func == (a: BusinessCalendar, b: BusinessCalendar) -> Bool {
        a.name == b.name && a.timeZone == b.timeZone && a.hours == b.hours && a.holidays == b.holidays
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(timeZone)
        hasher.combine(hours)
        hasher.combine(holidays)
    }

    /// The form kept in events: `mon 08:00-12:00`, one entry per range.
    public var encodedHours: [String] {
        Weekday.allCases.flatMap { day in (hours[day] ?? []).map { "\(day.abbreviation) \($0)" } }
    }

    /// Reads `encodedHours`; entries that do not parse are skipped, not fatal.
    static func decodeHours(_ list: [String]) -> [Weekday: [TimeRange]] {
        var hours: [Weekday: [TimeRange]] = [:]
        for entry in list {
            let parts = entry.split(separator: " ")
            guard parts.count == 2, let day = Weekday(abbreviation: String(parts[0])),
                  let range = TimeRange(parsing: String(parts[1])) else { continue }
            hours[day, default: []].append(range)
        }
        return hours.mapValues { $0.sorted() }
    }
}

/// Memoised business-time facts of one calendar value. Clocks of thousands of incidents
/// fall on the same days; working out a day's intervals through the time zone once instead
/// of per clock is what keeps an SLA change on a large desk quick. Guarded by a lock because
/// the value is `Sendable` and copies may be read from several threads.
final class CalendarMemo: @unchecked Sendable {
    private let lock = NSLock()
    private var days: [Int: [(Double, Double)]] = [:]
    private var open: Bool?

    func intervals(onDay day: Int, compute: () -> [(Double, Double)]) -> [(Double, Double)] {
        lock.lock()
        if let known = days[day] { lock.unlock(); return known }
        lock.unlock()
        let value = compute()
        lock.lock()
        if days.count >= 50_000 { days.removeAll(keepingCapacity: true) }  // a bound, not a policy
        days[day] = value
        lock.unlock()
        return value
    }

    func alwaysOpen(compute: () -> Bool) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if let open { return open }
        let value = compute()
        open = value
        return value
    }
}

extension ClosedRange where Bound == Weekday {
    func map<T>(_ f: (Weekday) -> T) -> [T] {
        (lowerBound.rawValue...upperBound.rawValue).map { f(Weekday(rawValue: $0)!) }
    }
}
