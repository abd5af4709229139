/// Which state may follow which, per change type, with the reason a step is refused.
///
/// ```
/// New ──► Assess ──► Authorize ──► Scheduled ──► Implement ──► Review ──► Closed
///  ▲         │           │ rejected                   │ standard & successful ──► Closed
///  └─────────┴───────────┘
/// standard: New ──► Scheduled (pre-approved)     emergency: New ──► Authorize (expedited)
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

    /// `nil` when `type` may go from `from` to `to`, otherwise why not.
    public static func refusal(type: ChangeType, from: ChangeState, to: ChangeState) -> String? {
        switch (type, from, to) {
        case (.standard, .new, .scheduled): return nil
        case (.standard, .new, .assess), (.standard, .assess, .authorize):
            return "a standard change is pre-approved and goes straight from New to Scheduled"
        case (.standard, .implement, .closed): return nil
        case (.emergency, .new, .authorize): return nil
        case (_, .implement, .closed):
            return "only a successful standard change may close without a review"
        default: break
        }
        if from.isTerminal { return "the change is \(from.description.lowercased()) and can no longer move" }
        if to == .cancelled, from == .implement || from == .review {
            return "work has started; finish it with a close code (backed out, if undone) instead"
        }
        if table[from]?.contains(to) == true { return nil }
        let next = (table[from] ?? []).map(\.description).sorted().joined(separator: ", ")
        return "from \(from) a change may go to \(next.isEmpty ? "nowhere" : next)"
    }

    /// The states `type` may move to from `from`, in life order: what a state menu offers.
    public static func allowedTargets(type: ChangeType, from: ChangeState) -> [ChangeState] {
        ChangeState.allCases.filter { $0 != from && refusal(type: type, from: from, to: $0) == nil }
    }
}
