/// The three kinds of change ITIL distinguishes, which decide how a change is approved.
public enum ChangeType: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// From the catalogue of pre-approved templates: no approval round.
    case standard
    /// Assessed and authorised by the change manager, and the CAB when risk is high enough.
    case normal
    /// Expedited: authorised by the emergency CAB; a review is required afterwards.
    case emergency

    public var description: String { rawValue }
}

/// Where a change is in its life.
public enum ChangeState: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case new, assess, authorize, scheduled, implement, review, closed, cancelled

    public var description: String {
        switch self {
        case .new: "New"
        case .assess: "Assess"
        case .authorize: "Authorize"
        case .scheduled: "Scheduled"
        case .implement: "Implement"
        case .review: "Review"
        case .closed: "Closed"
        case .cancelled: "Cancelled"
        }
    }

    public var isTerminal: Bool { self == .closed || self == .cancelled }
}

/// How the implementation went, recorded when it finishes.
public enum ChangeCloseCode: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case successful
    case successfulWithIssues = "successful-with-issues"
    case unsuccessful
    case backedOut = "backed-out"

    public var description: String {
        switch self {
        case .successful: "successful"
        case .successfulWithIssues: "successful with issues"
        case .unsuccessful: "unsuccessful"
        case .backedOut: "backed out"
        }
    }

    /// Outcomes that leave something to learn from: they must be reviewed before closing.
    public var needsReview: Bool { self == .unsuccessful || self == .backedOut }
}
