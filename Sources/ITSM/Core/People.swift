/// What a person may do on the desk. An agent may hold several roles.
public enum Role: String, CaseIterable, Hashable, Sendable, Comparable, CustomStringConvertible {
    case agent
    case manager
    case changeManager = "change-manager"
    case cabMember = "cab-member"
    case admin

    public var description: String {
        switch self {
        case .agent: "agent"
        case .manager: "manager"
        case .changeManager: "change manager"
        case .cabMember: "CAB member"
        case .admin: "admin"
        }
    }

    public static func < (a: Role, b: Role) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// A desk agent, identified by their Unix user name.
public struct Agent: Hashable, Sendable {
    public var user: String
    public var displayName: String
    public var roles: Set<Role>
    /// Names of the assignment groups the agent belongs to.
    public var groups: Set<String>

    public init(user: String, displayName: String, roles: Set<Role> = [.agent], groups: Set<String> = []) {
        self.user = user
        self.displayName = displayName
        self.roles = roles
        self.groups = groups
    }

    public func has(_ role: Role) -> Bool { roles.contains(role) }
}

/// An assignment group (Service Desk, Network, DBA, …).
public struct AssignmentGroup: Hashable, Sendable {
    public var name: String
    public var manager: String?

    public init(name: String, manager: String? = nil) {
        self.name = name
        self.manager = manager
    }
}
