/// Where an incident is in its life. The raw value is what events store.
public enum IncidentState: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case new
    case assigned
    case inProgress = "in-progress"
    case onHold = "on-hold"
    case resolved
    case closed
    case cancelled

    public var description: String {
        switch self {
        case .new: "New"
        case .assigned: "Assigned"
        case .inProgress: "In Progress"
        case .onHold: "On Hold"
        case .resolved: "Resolved"
        case .closed: "Closed"
        case .cancelled: "Cancelled"
        }
    }

    /// Still being worked: counts in queues, receives parent updates, can be resolved by a problem.
    public var isOpen: Bool {
        switch self {
        case .new, .assigned, .inProgress, .onHold: true
        case .resolved, .closed, .cancelled: false
        }
    }

    /// The transition table: which states may follow this one. Everything else is refused.
    ///
    /// `assigned` is reached by assigning, not by naming it; `new` by releasing.
    /// Reopening (resolved/closed → in progress) is allowed here and further limited by role
    /// in `IncidentRules.checkReopen`.
    public var successors: Set<IncidentState> {
        switch self {
        case .new: [.assigned, .inProgress, .onHold, .resolved, .cancelled]
        case .assigned: [.new, .inProgress, .onHold, .resolved, .cancelled]
        case .inProgress: [.new, .onHold, .resolved, .cancelled]
        case .onHold: [.inProgress, .resolved, .cancelled]
        case .resolved: [.inProgress, .closed]
        case .closed: [.inProgress]
        case .cancelled: []
        }
    }

    /// Why a step is not in the table, in words for the person who tried it.
    func whyNot(_ next: IncidentState) -> String {
        switch (self, next) {
        case (.cancelled, _): "a cancelled incident is final"
        case (_, .closed): "only a resolved incident can be closed"
        case (.closed, _): "a closed incident can only be reopened to In Progress"
        case (.resolved, _): "a resolved incident can only be reopened to In Progress or closed"
        case (_, .assigned): "an incident becomes Assigned by assigning it"
        case (.onHold, .new): "resume the incident before releasing it"
        case (_, .new): "an incident returns to New only by being released"
        default: "\(next) does not follow \(self)"
        }
    }
}

/// Why an incident waits. On Hold always carries one.
public enum HoldReason: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case awaitingCaller = "awaiting-caller"
    case awaitingChange = "awaiting-change"
    case awaitingProblem = "awaiting-problem"
    case awaitingVendor = "awaiting-vendor"

    public var description: String {
        switch self {
        case .awaitingCaller: "awaiting caller"
        case .awaitingChange: "awaiting change"
        case .awaitingProblem: "awaiting problem"
        case .awaitingVendor: "awaiting vendor"
        }
    }
}

/// How an incident was resolved. Resolved always carries one, with notes.
public enum ResolutionCode: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case solvedPermanently = "solved-permanently"
    case solvedWorkaround = "solved-workaround"
    case solvedByProblem = "solved-by-problem"
    case solvedByChange = "solved-by-change"
    case notReproducible = "not-reproducible"
    case duplicate
    case userError = "user-error"

    public var description: String { rawValue.replacingOccurrences(of: "-", with: " ") }
}

/// How an incident reached the desk.
public enum Origin: String, CaseIterable, Hashable, Sendable {
    case phone, mail, portal, monitoring
    case walkIn = "walk-in"
}

/// The major-incident flag's own small lifecycle.
public enum MajorIncidentState: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case none
    case proposed
    case accepted
    case rejected

    public var description: String { rawValue }
}
