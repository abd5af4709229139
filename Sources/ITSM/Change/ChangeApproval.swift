/// In which capacity a vote was cast; recorded on the vote so the approval state can be
/// derived from events alone, even after someone's roles change.
public enum ApproverCapacity: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case changeManager = "change-manager"
    case cab
    case emergencyCAB = "ecab"

    public var description: String {
        switch self {
        case .changeManager: "change manager"
        case .cab: "CAB"
        case .emergencyCAB: "emergency CAB"
        }
    }
}

/// Who must approve a change of a given type and risk.
public struct ApprovalRequirement: Hashable, Sendable {
    public var changeManager: Bool
    /// How many distinct board members must approve, and which board.
    public var boardApprovals: Int
    public var board: ApproverCapacity

    public static let none = ApprovalRequirement(changeManager: false, boardApprovals: 0, board: .cab)
}

/// The desk's approval policy by risk. Defaults: low — the change manager alone; moderate —
/// the change manager and one CAB member; high — the change manager and a CAB quorum;
/// emergency — a quorum of the emergency CAB (the change manager sits on it but is not
/// required separately, since an emergency cannot wait for one person).
public struct ApprovalPolicy: Hashable, Sendable {
    public var moderateCABApprovals: Int
    public var cabQuorum: Int
    public var emergencyCABQuorum: Int
    /// Users on the emergency CAB. Empty means any CAB member or change manager may sit on it.
    public var emergencyCAB: Set<String>

    public init(moderateCABApprovals: Int = 1, cabQuorum: Int = 3, emergencyCABQuorum: Int = 2,
                emergencyCAB: Set<String> = []) {
        self.moderateCABApprovals = moderateCABApprovals
        self.cabQuorum = cabQuorum
        self.emergencyCABQuorum = emergencyCABQuorum
        self.emergencyCAB = emergencyCAB
    }

    public static let standard = ApprovalPolicy()

    public func requirement(type: ChangeType, risk: ChangeRisk) -> ApprovalRequirement {
        switch (type, risk) {
        case (.standard, _): .none
        case (.emergency, _): ApprovalRequirement(changeManager: false, boardApprovals: emergencyCABQuorum, board: .emergencyCAB)
        case (.normal, .low): ApprovalRequirement(changeManager: true, boardApprovals: 0, board: .cab)
        case (.normal, .moderate): ApprovalRequirement(changeManager: true, boardApprovals: moderateCABApprovals, board: .cab)
        case (.normal, .high): ApprovalRequirement(changeManager: true, boardApprovals: cabQuorum, board: .cab)
        }
    }

    /// The capacity in which `agent` may vote on `change`, or why they may not.
    func capacity(of agent: Agent, on change: ChangeRecord) throws(Refusal) -> ApproverCapacity {
        if change.type == .emergency {
            let seated = emergencyCAB.isEmpty
                ? (agent.has(.cabMember) || agent.has(.changeManager))
                : emergencyCAB.contains(agent.user)
            guard seated else { throw Refusal.needsRole(.cabMember, toDo: "approving an emergency change (as a member of the emergency CAB)") }
            return .emergencyCAB
        }
        let requirement = self.requirement(type: change.type, risk: change.risk ?? .high)
        let managerSlotOpen = requirement.changeManager
            && !change.votes.contains { $0.capacity == .changeManager && $0.decision == .approve }
        if agent.has(.changeManager) && (managerSlotOpen || !agent.has(.cabMember)) { return .changeManager }
        if agent.has(.cabMember) { return .cab }
        throw Refusal.needsRole(.changeManager, toDo: "approving a change (or the CAB member role)")
    }
}

/// Where a change stands in its approval round, derived from the votes.
public enum ApprovalStatus: Hashable, Sendable, CustomStringConvertible {
    case notRequired
    case pending(changeManager: Bool, boardApprovalsMissing: Int, board: ApproverCapacity)
    case approved
    case rejected(by: String, comment: String)

    public var description: String {
        switch self {
        case .notRequired: return "no approval needed"
        case .approved: return "approved"
        case let .rejected(by, comment): return "rejected by \(by): \(comment)"
        case let .pending(manager, missing, board):
            var parts: [String] = []
            if manager { parts.append("the change manager") }
            if missing > 0 { parts.append("\(missing) more \(board) approval\(missing == 1 ? "" : "s")") }
            return "awaiting " + parts.joined(separator: " and ")
        }
    }

    /// Derives the status of the current round. Each approver counts once; a rejection by
    /// anyone entitled to vote rejects the change.
    public static func of(_ change: ChangeRecord, policy: ApprovalPolicy) -> ApprovalStatus {
        let requirement = policy.requirement(type: change.type, risk: change.risk ?? .high)
        if requirement == .none { return .notRequired }
        if let no = change.votes.first(where: { $0.decision == .reject }) {
            return .rejected(by: no.approver, comment: no.comment)
        }
        let yes = change.votes.filter { $0.decision == .approve }
        let managerDone = yes.contains { $0.capacity == .changeManager }
        let managerApprover = yes.first { $0.capacity == .changeManager }?.approver
        let boardVoters = Set(yes.filter { $0.capacity == requirement.board && $0.approver != managerApprover }.map(\.approver))
        let missing = max(0, requirement.boardApprovals - boardVoters.count)
        let managerMissing = requirement.changeManager && !managerDone
        return (managerMissing || missing > 0)
            ? .pending(changeManager: managerMissing, boardApprovalsMissing: missing, board: requirement.board)
            : .approved
    }
}
