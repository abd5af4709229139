/// Where a problem is in its life. The raw value is what events store.
public enum ProblemState: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case new
    case assess
    case rootCauseAnalysis = "root-cause-analysis"
    case fixInProgress = "fix-in-progress"
    case resolved
    case closed

    public var description: String {
        switch self {
        case .new: "New"
        case .assess: "Assess"
        case .rootCauseAnalysis: "Root Cause Analysis"
        case .fixInProgress: "Fix in Progress"
        case .resolved: "Resolved"
        case .closed: "Closed"
        }
    }

    public var isOpen: Bool { self != .resolved && self != .closed }

    /// The board moves one column at a time, forward or back; any open problem may be closed
    /// without a fix (risk accepted, duplicate, cancelled); a resolved one is closed as fixed
    /// or goes back to Fix in Progress when the fix did not hold.
    public var successors: Set<ProblemState> {
        switch self {
        case .new: [.assess, .closed]
        case .assess: [.new, .rootCauseAnalysis, .closed]
        case .rootCauseAnalysis: [.assess, .fixInProgress, .closed]
        case .fixInProgress: [.rootCauseAnalysis, .resolved, .closed]
        case .resolved: [.fixInProgress, .closed]
        case .closed: []
        }
    }
}

/// How a problem ended.
public enum ProblemResolution: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case fixed
    case riskAccepted = "risk-accepted"
    case duplicate
    case cancelled

    public var description: String { rawValue.replacingOccurrences(of: "-", with: " ") }
}
