import Foundation
import ITSM
import DeskStore

/// The saved queues an agent switches between. Each is a store scope (`IncidentScope`),
/// so a queue over a million incidents is one pass over the table's flat columns.
public enum SavedQueue: String, CaseIterable, Hashable, Sendable {
    case mine
    case unassigned
    case allOpen = "open"
    case breachingSoon = "breaching"
    case major
    case recentlyResolved = "resolved"

    /// The word `:queue NAME` takes (Tab completes it).
    public var commandName: String { rawValue }

    public var title: String {
        switch self {
        case .mine: "My incidents"
        case .unassigned: "Unassigned in my groups"
        case .allOpen: "All open"
        case .breachingSoon: "Breaching soon"
        case .major: "Major incidents"
        case .recentlyResolved: "Recently resolved"
        }
    }

    /// "Breaching soon" looks this far ahead.
    public static let breachingWindow: TimeInterval = 3600
    /// "Recently resolved" looks this far back.
    public static let recentWindow: TimeInterval = 7 * 86400

    /// The queue `name` means: its command name, a prefix of it, or its title.
    public init?(named name: String) {
        let lower = name.trimmingWhiteSpace.lowercased()
        guard !lower.isEmpty else { return nil }
        if let hit = Self.allCases.first(where: { $0.rawValue == lower || $0.title.lowercased() == lower })
            ?? Self.allCases.first(where: { $0.rawValue.hasPrefix(lower) || $0.title.lowercased().hasPrefix(lower) }) {
            self = hit
        } else {
            return nil
        }
    }

    /// The store's scope for this queue, for `user` in `groups` at `now`.
    public func scope(user: String, groups: Set<String>, now: Date) -> IncidentScope {
        switch self {
        case .mine: .assignedTo(user)
        case .unassigned: .unassigned(inGroups: groups)
        case .allOpen: .open
        case .breachingSoon: .breachingWithin(Self.breachingWindow)
        case .major: .major
        case .recentlyResolved: .resolvedSince(now.addingTimeInterval(-Self.recentWindow))
        }
    }

    /// The next queue in the list (wrapping), or the previous one.
    public func next(_ step: Int) -> SavedQueue {
        let all = Self.allCases
        let i = all.firstIndex(of: self)!
        return all[((i + step) % all.count + all.count) % all.count]
    }
}
