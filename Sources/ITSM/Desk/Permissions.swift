/// Who may do what. A manager is also an agent; an admin manages the directory and settings
/// but works incidents only if they also hold the agent role.
extension Directory {
    /// Whether `user` holds `role`, counting the roles that include it.
    public func user(_ user: String, holds role: Role) -> Bool {
        guard let agent = agents[user] else { return false }
        switch role {
        case .agent: return agent.has(.agent) || agent.has(.manager)
        default: return agent.has(role)
        }
    }

    /// Throws `Refusal.needsRole` naming the role and the act.
    func require(_ role: Role, of user: String, toDo act: String) throws {
        guard self.user(user, holds: role) else { throw Refusal.needsRole(role, toDo: act) }
    }

    /// Admin work, except on an empty desk: while no admin exists anyone may create agents,
    /// so the first person to run OpsDesk can make themselves (or someone) admin.
    func requireAdminOrBootstrap(_ user: String, toDo act: String) throws {
        if hasAdmin { try require(.admin, of: user, toDo: act) }
    }
}
