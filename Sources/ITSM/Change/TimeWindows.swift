import Foundation

/// When a window is open: once, or every week at a local time in a time zone.
public enum WindowRecurrence: Hashable, Sendable {
    case once(DateInterval)
    /// Every week on `weekday` (1 = Sunday … 7 = Saturday, as Foundation counts) from
    /// `hour`:`minute` local time, for `duration` seconds (which may run over several days,
    /// e.g. Friday 22:00 for 56 hours). Local time, so a window stays at 02:00 across DST.
    case weekly(weekday: Int, hour: Int, minute: Int, duration: TimeInterval, timeZone: TimeZone)

    /// Each opening of the window that overlaps `range`, in order.
    public func occurrences(overlapping range: DateInterval) -> [DateInterval] {
        switch self {
        case let .once(window):
            return windowsOverlap(window, range) ? [window] : []
        case let .weekly(weekday, hour, minute, duration, zone):
            // Folded data is not validated: a window longer than a week (or nonsense fields) is
            // ignored rather than allowed to make this loop run for ages.
            guard (1...7).contains(weekday), (0..<24).contains(hour), (0..<60).contains(minute),
                  duration > 0, duration <= 7 * 86_400 else { return [] }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            // Start early enough to catch an opening that began before the range and runs into it.
            var day = calendar.startOfDay(for: range.start.addingTimeInterval(-duration - 86_400))
            var out: [DateInterval] = []
            while day < range.end {
                if calendar.component(.weekday, from: day) == weekday,
                   let start = calendar.date(bySettingHour: hour, minute: minute, second: 0, of: day) {
                    let opening = DateInterval(start: start, duration: duration)
                    if windowsOverlap(opening, range) { out.append(opening) }
                }
                guard let next = calendar.date(byAdding: .day, value: 1, to: day) else { break }
                day = next
            }
            return out
        }
    }
}

/// A freeze (blackout) window: no changes while it is open, on every CI or on the listed ones.
public struct FreezeWindow: Hashable, Sendable {
    public var name: String
    public var recurrence: WindowRecurrence
    /// CIs the freeze covers; empty means every CI.
    public var cis: Set<String>

    public init(name: String, recurrence: WindowRecurrence, cis: Set<String> = []) {
        self.name = name
        self.recurrence = recurrence
        self.cis = cis
    }

    func covers(anyOf affected: [String]) -> Bool { cis.isEmpty || affected.contains(where: cis.contains) }
}

/// When a CI may be worked on. A CI with maintenance windows may only be changed inside
/// one; a CI without any has no such restriction.
public struct MaintenanceWindow: Hashable, Sendable {
    public var ci: String
    public var name: String
    public var recurrence: WindowRecurrence

    public init(ci: String, name: String, recurrence: WindowRecurrence) {
        self.ci = ci
        self.name = name
        self.recurrence = recurrence
    }
}

/// The windows change scheduling is checked against.
public struct ChangeWindows: Hashable, Sendable {
    public var freezes: [FreezeWindow]
    public var maintenance: [MaintenanceWindow]

    public init(freezes: [FreezeWindow] = [], maintenance: [MaintenanceWindow] = []) {
        self.freezes = freezes
        self.maintenance = maintenance
    }
}

/// Half-open overlap: a change ending at 02:00 does not clash with one starting at 02:00.
func windowsOverlap(_ a: DateInterval, _ b: DateInterval) -> Bool {
    a.start < b.end && b.start < a.end
}

/// Whether `window` lies wholly inside the union of `openings` (back-to-back openings join).
func windowCovered(_ window: DateInterval, by openings: [DateInterval]) -> Bool {
    var reach = window.start
    for opening in openings.sorted(by: { $0.start < $1.start }) where opening.start <= reach {
        reach = max(reach, opening.end)
        if reach >= window.end { return true }
    }
    return false
}
