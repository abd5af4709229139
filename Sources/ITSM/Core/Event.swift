import Foundation

/// A value of one field of a record, as the store keeps it. Small and closed on purpose:
/// every typed field of the domain maps onto one of these, so the store can encode any
/// event without knowing the record it belongs to.
public enum FieldValue: Hashable, Sendable {
    case none
    case text(String)
    case int(Int64)
    case number(Double)
    case bool(Bool)
    case time(Date)
    case list([String])
}

/// One field's change: "state: In Progress → On Hold".
public struct FieldChange: Hashable, Sendable {
    public var field: String
    public var from: FieldValue
    public var to: FieldValue

    public init(_ field: String, from: FieldValue = .none, to: FieldValue) {
        self.field = field
        self.from = from
        self.to = to
    }
}

/// What happened, named for people and for folding (`incident.created`, `incident.state`,
/// `incident.note`). A struct over a string so newer actions survive in older readers.
public struct EventAction: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
}

/// One event: who did what to which record, when, on which version of it.
///
/// Events are what the store keeps; the current state of every record is the fold of its
/// events, and its history is the list of them. A command produces one or more events that
/// are committed together as one transaction.
public struct Event: Hashable, Sendable {
    /// The record this event changes.
    public var record: RecordID
    /// What happened.
    public var action: EventAction
    /// The Unix user the event is recorded for.
    public var actor: String
    /// When `--as` was used by root or a desk admin: the real user who ran it. `nil` otherwise.
    public var realUser: String?
    /// When it happened (the committing process's clock).
    public var at: Date
    /// The version of `record` the command was built on: the number of events the record had
    /// before this one. A creation has base version 0. The store refuses an event whose base
    /// version is not the record's current version (a stale edit).
    public var baseVersion: UInt64
    /// The fields changed, with their values before and after.
    public var changes: [FieldChange]

    public init(record: RecordID, action: EventAction, actor: String, realUser: String? = nil,
                at: Date, baseVersion: UInt64, changes: [FieldChange]) {
        self.record = record
        self.action = action
        self.actor = actor
        self.realUser = realUser
        self.at = at
        self.baseVersion = baseVersion
        self.changes = changes
    }
}
