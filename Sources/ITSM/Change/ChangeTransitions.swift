/// Which state may follow which, per change type, with the reason a step is refused.
///
/// ```
/// New ──► Assess ──► Authorize ──► Scheduled ──► Implement ──► Review ──► Closed
///  ▲         │           │ rejected
///  └─────────┴───────────┘
/// standard: New ──► Scheduled (pre-approved); Implement ──► Closed when successful
/// emergency: New ──► Authorize (expedited)
/// any state before Implement ──► Cancelled
/// ```
public enum ChangeTransitions {
    static let table: [ChangeState: Set<ChangeState>] = [
        .new: [.assess, .cancelled],
        .assess: [.authorize, .new, .cancelled],
        .authorize: [.scheduled, .new, .cancelled],
        .scheduled: [.implement, .cancelled],
        .implement: [.review],
        .review: [.closed],
        .closed: [],
        .cancelled: [],
    ]

    /// Whether `type` may go from `from` to `to`.
    public static func isAllowed(type: ChangeType, from: ChangeState, to: ChangeState) -> Bool {
        switch (type, from, to) {
        case (.standard, .new, .scheduled), (.standard, .implement, .closed), (.emergency, .new, .authorize): true
        case (.standard, .new, .assess), (.standard, .assess, .authorize): false
        default: table[from]?.contains(to) == true
        }
    }

    /// The states `type` may move to from `from`, in life order: what a state menu offers.
    public static func allowedTargets(type: ChangeType, from: ChangeState) -> [ChangeState] {
        ChangeState.allCases.filter { isAllowed(type: type, from: from, to: $0) }
    }

    /// `nil` when `type` may go from `from` to `to`, otherwise why not.
    public static func refusal(type: ChangeType, from: ChangeState, to: ChangeState) -> String? {
        if isAllowed(type: type, from: from, to: to) { return nil }
        switch (type, from, to) {
        case (.standard, .new, .assess), (.standard, .assess, .authorize):
            return "a standard change is pre-approved and goes straight from New to Scheduled"
        case (_, .implement, .closed):
            return "only a successful standard change may close without a review"
        case (_, .implement, .cancelled), (_, .review, .cancelled):
            return "work has started; finish it with a close code (backed out, if undone) instead"
        default: break
        }
        if from.isTerminal { return "the change is \(from.description.lowercased()) and can no longer move" }
        let next = allowedTargets(type: type, from: from).map(\.description).joined(separator: ", ")
        return "from \(from) a \(type) change may go to \(next)"
    }
}
