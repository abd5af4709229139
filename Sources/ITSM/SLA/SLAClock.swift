import Foundation

/// Where a clock stands.
public enum SLAStage: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case inProgress = "in-progress"
    case paused
    case achieved
    case breached
    case cancelled

    public var description: String {
        switch self {
        case .inProgress: "in progress"
        default: rawValue
        }
    }
}

/// How much of the target is used: below the first warning, past a warning threshold, or over.
public enum SLABand: Hashable, Sendable, Comparable {
    case normal
    case warning(percent: Int)
    case breached

    public static func < (a: SLABand, b: SLABand) -> Bool {
        func rank(_ x: SLABand) -> Int {
            switch x {
            case .normal: -1
            case let .warning(p): p
            case .breached: Int.max
            }
        }
        return rank(a) < rank(b)
    }
}

/// The SLA-relevant status of an incident from one moment on. An incident keeps the list of
/// them; a clock is a pure function of that list, a definition and a calendar.
public struct SLAMark: Hashable, Sendable {
    public var at: Date
    public var state: IncidentState
    public var holdReason: HoldReason?
    public var responded: Bool
}

/// One target's clock on one incident, as of the incident's last event.
///
/// Everything a queue asks at scale (`stage(at:)`, `isBreaching(within:at:)`) is a comparison
/// against the precomputed `due`; only `elapsed(at:in:)` on a running clock needs calendar
/// maths, and a pane asks that only for the rows it shows.
public struct SLAClock: Hashable, Sendable {
    public var definition: String
    public var target: SLATarget
    /// The target in business seconds.
    public var targetSeconds: TimeInterval
    public var calendar: String
    public var startedAt: Date
    /// Finished pause intervals, wall clock.
    public var pauses: [DateInterval]
    /// Set while paused: since when.
    public var pausedSince: Date?
    /// Set when the clock stopped for good (met, or the incident resolved, closed, cancelled).
    public var stoppedAt: Date?
    /// Business seconds counted up to `markAt`.
    public var elapsedAtMark: TimeInterval
    /// The incident's last SLA-relevant change; a running clock counts on from here.
    public var markAt: Date
    /// The stage at `markAt`; a running clock may since have breached (see `stage(at:)`).
    public var stageAtMark: SLAStage
    /// While running: the wall-clock moment the target is reached. `nil` when paused, stopped,
    /// or when the calendar never works.
    public var due: Date?
    /// When the target was passed, if it had been by `markAt`. A running clock that passes
    /// it later shows that through `due` and `stage(at:)`.
    public var breachedAt: Date?
    public var warningPercents: [Int]

    public init(definition: String, target: SLATarget, targetSeconds: TimeInterval, calendar: String,
                startedAt: Date, pauses: [DateInterval] = [], pausedSince: Date? = nil, stoppedAt: Date? = nil,
                elapsedAtMark: TimeInterval, markAt: Date, stageAtMark: SLAStage, due: Date?,
                breachedAt: Date?, warningPercents: [Int] = [50, 75, 90]) {
        self.definition = definition
        self.target = target
        self.targetSeconds = targetSeconds
        self.calendar = calendar
        self.startedAt = startedAt
        self.pauses = pauses
        self.pausedSince = pausedSince
        self.stoppedAt = stoppedAt
        self.elapsedAtMark = elapsedAtMark
        self.markAt = markAt
        self.stageAtMark = stageAtMark
        self.due = due
        self.breachedAt = breachedAt
        self.warningPercents = warningPercents
    }

    public var isRunning: Bool { stageAtMark == .inProgress }

    /// The stage at `now`: a running clock whose due time has passed is breached.
    public func stage(at now: Date) -> SLAStage {
        switch stageAtMark {
        case .inProgress:
            if let due, due <= now { return .breached }
            return .inProgress
        case .paused:
            return breachedAt.map { $0 <= now } == true ? .breached : .paused
        case .achieved, .breached, .cancelled:
            return stageAtMark
        }
    }

    /// Running and due within `seconds` of `now` (already breached counts too). Two compares:
    /// a queue can ask this of a million clocks.
    @inline(__always)
    public func isBreaching(within seconds: TimeInterval, at now: Date) -> Bool {
        guard stageAtMark == .inProgress, let due else { return false }
        return due.timeIntervalSince1970 <= now.timeIntervalSince1970 + seconds
    }

    /// Business seconds used at `now`. `calendar` must be the clock's calendar.
    public func elapsed(at now: Date, in calendar: BusinessCalendar) -> TimeInterval {
        guard isRunning, now > markAt else { return elapsedAtMark }
        return elapsedAtMark + calendar.businessSeconds(from: markAt, to: now)
    }

    /// Business seconds left at `now`; negative once breached.
    public func remaining(at now: Date, in calendar: BusinessCalendar) -> TimeInterval {
        targetSeconds - elapsed(at: now, in: calendar)
    }

    /// The warning band at `now`.
    public func band(at now: Date, in calendar: BusinessCalendar) -> SLABand {
        if stage(at: now) == .breached { return .breached }
        guard targetSeconds > 0 else { return .normal }
        let percent = elapsed(at: now, in: calendar) / targetSeconds * 100
        guard let passed = warningPercents.last(where: { Double($0) <= percent }) else { return .normal }
        return .warning(percent: passed)
    }

    /// How many of `clocks` are running and due within `seconds` of `now`.
    public static func countBreaching<C: Collection>(_ clocks: C, within seconds: TimeInterval, at now: Date) -> Int
    where C.Element == SLAClock {
        var count = 0
        for clock in clocks where clock.isBreaching(within: seconds, at: now) { count += 1 }
        return count
    }
}
