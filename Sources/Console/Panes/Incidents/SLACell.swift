import Foundation
import ITSM

/// What the SLA column says for one incident at one moment: the remaining business time of
/// the resolution clock, coloured by its band.
public struct SLACell: Hashable, Sendable {
    public var text: String
    public var role: ThemeRole

    public init(text: String, role: ThemeRole) {
        self.text = text
        self.role = role
    }

    /// The cell for `clock` at `now`; `calendar` is the clock's (nil: wall-clock time to due).
    public static func make(_ clock: SLAClock?, now: Date, calendar: BusinessCalendar?) -> SLACell {
        guard let clock else { return SLACell(text: "-", role: .muted) }
        let stage = clock.stage(at: now)
        switch stage {
        case .paused: return SLACell(text: "paused", role: .slaPaused)
        case .achieved: return SLACell(text: "met", role: .slaOK)
        case .cancelled: return SLACell(text: "-", role: .muted)
        case .breached where !clock.isRunning: return SLACell(text: "missed", role: .slaBreached)
        case .inProgress, .breached: break
        }
        let remaining: TimeInterval
        let band: SLABand
        if let calendar {
            remaining = clock.remaining(at: now, in: calendar)
            band = clock.band(at: now, in: calendar)
        } else {
            remaining = (clock.due ?? now).timeIntervalSince(now)
            band = stage == .breached ? .breached : .normal
        }
        let role: ThemeRole = switch band {
        case .normal: .slaOK
        case .warning: .slaWarning
        case .breached: .slaBreached
        }
        return SLACell(text: duration(remaining), role: role)
    }

    /// `3h 05m`, `45m`, `<1m`, `-1h 20m`; at most eight columns (`123h` past 99 hours).
    public static func duration(_ seconds: TimeInterval) -> String {
        let negative = seconds < 0
        let minutes = Int((abs(seconds) / 60).rounded(.down))
        let sign = negative ? "-" : ""
        if minutes == 0 { return negative ? "-<1m" : "<1m" }
        let h = minutes / 60, m = minutes % 60
        if h == 0 { return "\(sign)\(m)m" }
        if h >= 100 { return "\(sign)\(h)h" }
        return "\(sign)\(h)h " + (m < 10 ? "0" : "") + "\(m)m"
    }

    /// The age column: `45m`, `3h`, `12d`, `15w`.
    public static func age(_ seconds: TimeInterval) -> String {
        let minutes = max(0, Int(seconds / 60))
        if minutes < 60 { return "\(minutes)m" }
        if minutes < 48 * 60 { return "\(minutes / 60)h" }
        let days = minutes / 1440
        if days < 100 { return "\(days)d" }
        return "\(days / 7)w"
    }
}
