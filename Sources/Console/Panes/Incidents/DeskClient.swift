import Foundation
import ITSM
import DeskStore

/// The real desk behind the incident pane.
public final class DeskClient: IncidentDeskClient {
    public let desk: Desk
    private let subscription = SubscriptionBox()

    public init(desk: Desk) {
        self.desk = desk
    }

    deinit { subscription.cancel() }

    public var user: String { desk.user.user }

    public func snapshot() throws -> QueueSnapshot {
        let s = try desk.snapshot
        // The snapshot's directory may not be loaded yet on the first look.
        let directory = s.directory.agents.isEmpty ? try desk.directory : s.directory
        return QueueSnapshot(table: s.incidents, directory: directory, generation: s.lastSequence)
    }

    public func perform(_ commands: [Command], expecting: [RecordID: UInt64]) throws {
        try desk.perform(commands, expecting: expecting)
    }

    public func detail(of id: RecordID) throws -> IncidentDetail? {
        let knownErrors = Set(try desk.knownErrors().map(\.id))
        var state = try desk.state(of: Set([id]).union(knownErrors))
        guard let incident = state.incidents[id] else { return nil }
        if let p = incident.problem { state = try desk.state(of: Set([id, p]).union(knownErrors)) }
        let history = try desk.history(of: id).map(Self.historyLine)
        let table = try desk.snapshot.incidents
        let children = table.children(of: id).compactMap { table.row($0) }.map { (id: $0.id, state: $0.state, title: $0.title) }
        let suggestions = state.suggestKnownErrors(for: incident, limit: 3).compactMap { s in
            state.knownErrors[s.knownError].map { (id: $0.id, title: $0.title, workaround: $0.workaround) }
        }
        return IncidentDetail(incident: incident, version: desk.version(of: id), history: history, children: children,
                              problemTitle: incident.problem.flatMap { state.problems[$0]?.title }, suggestions: suggestions)
    }

    public func follow(_ onChange: @escaping @Sendable () -> Void) {
        subscription.set(desk.subscribe { _ in onChange() })
    }

    /// "state: In Progress → On Hold; holdReason: awaiting caller".
    static func historyLine(_ event: Event) -> HistoryLine {
        let changes = event.changes.map { change -> String in
            let to = value(change.to)
            if change.field == IncidentField.workNote.rawValue || change.field == IncidentField.customerReply.rawValue {
                return "\(change.field == IncidentField.workNote.rawValue ? "work note" : "reply"): \(to)"
            }
            let from = value(change.from)
            return from.isEmpty ? "\(change.field): \(to)" : "\(change.field): \(from) → \(to)"
        }
        let actor = event.realUser.map { "\(event.actor) (as \($0))" } ?? event.actor
        return HistoryLine(at: event.at, actor: actor, text: changes.isEmpty ? event.action.rawValue : changes.joined(separator: "; "))
    }

    static func value(_ v: FieldValue) -> String {
        switch v {
        case .none: ""
        case let .text(s): s.count > 60 ? String(s.prefix(59)) + "…" : s
        case let .int(n): "\(n)"
        case let .number(d): "\(d)"
        case let .bool(b): b ? "yes" : "no"
        case let .time(t): IncidentDetailRender.shortTime(t, zone: nil)
        case let .list(l): l.joined(separator: ", ")
        }
    }
}

/// The desk's subscription, set once the pane starts following.
private final class SubscriptionBox: @unchecked Sendable {
    private let lock = NSLock()
    private var subscription: DeskSubscription?
    func set(_ s: DeskSubscription) { lock.withLock { subscription?.cancel(); subscription = s } }
    func cancel() { lock.withLock { subscription?.cancel(); subscription = nil } }
}
