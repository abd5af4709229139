/// Why the domain refused a command, in words a service desk agent can act on.
///
/// Every refusal names what was refused and why; a missing role names the role needed.
public enum Refusal: Error, Hashable, Sendable, CustomStringConvertible {
    /// The person lacks a role: "Reopening a closed incident needs the manager role."
    case needsRole(Role, toDo: String)
    /// A state machine forbids the step: "INC-12 cannot go from Closed to In Progress: …".
    case transitionNotAllowed(record: RecordID, from: String, to: String, reason: String)
    /// A value is missing or wrong: field name and what is wrong with it.
    case invalid(field: String, reason: String)
    /// A referenced record does not exist.
    case notFound(RecordID)
    /// Anything else the rules forbid, said in full.
    case rule(String)

    public var description: String {
        switch self {
        case let .needsRole(role, toDo):
            "\(toDo.prefix(1).uppercased() + toDo.dropFirst()) needs the \(role) role."
        case let .transitionNotAllowed(record, from, to, reason):
            "\(record) cannot go from \(from) to \(to): \(reason)"
        case let .invalid(field, reason):
            "\(field): \(reason)"
        case let .notFound(id):
            "\(id) does not exist."
        case let .rule(text):
            text
        }
    }
}
