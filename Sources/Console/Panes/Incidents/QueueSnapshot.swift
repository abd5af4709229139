import Foundation
import ITSM
import DeskStore

/// Everything the queue pane shows of the desk at one moment: immutable, handed from the
/// store side to the UI thread whole.
public struct QueueSnapshot: Sendable {
    /// Every incident's row, in flat columns.
    public var table: IncidentTable
    /// Groups, agents, calendars (for SLA business time) and the priority matrix.
    public var directory: Directory
    /// Grows with every change the store has seen; equal generations are equal snapshots.
    public var generation: UInt64

    public init(table: IncidentTable, directory: Directory, generation: UInt64) {
        self.table = table
        self.directory = directory
        self.generation = generation
    }
}

/// One line of a record's history: who changed what, when.
public struct HistoryLine: Hashable, Sendable {
    public var at: Date
    public var actor: String
    public var text: String

    public init(at: Date, actor: String, text: String) {
        self.at = at
        self.actor = actor
        self.text = text
    }
}

/// An incident in full, for the detail split: loaded off the UI thread on demand.
public struct IncidentDetail: Hashable, Sendable {
    public var incident: Incident
    public var version: UInt64
    public var history: [HistoryLine]
    /// Children: ID, state and title.
    public var children: [(id: RecordID, state: IncidentState, title: String)]
    public var problemTitle: String?
    /// Known errors worth a look: ID, title, workaround.
    public var suggestions: [(id: RecordID, title: String, workaround: String)]

    public init(incident: Incident, version: UInt64, history: [HistoryLine],
                children: [(id: RecordID, state: IncidentState, title: String)] = [], problemTitle: String? = nil,
                suggestions: [(id: RecordID, title: String, workaround: String)] = []) {
        self.incident = incident
        self.version = version
        self.history = history
        self.children = children
        self.problemTitle = problemTitle
        self.suggestions = suggestions
    }

    public static func == (a: IncidentDetail, b: IncidentDetail) -> Bool {
        a.incident == b.incident && a.version == b.version && a.history == b.history
            && a.children.map(\.id) == b.children.map(\.id) && a.problemTitle == b.problemTitle
            && a.suggestions.map(\.id) == b.suggestions.map(\.id)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(incident.id)
        hasher.combine(version)
    }
}

/// What the pane asks of the desk. `Desk` (DeskStore) is adapted to it in DeskClient.swift;
/// every call may block on the disk, so the pane only makes them through `DeskLink`, off the
/// UI thread.
public protocol IncidentDeskClient: AnyObject, Sendable {
    /// The Unix user acting.
    var user: String { get }
    /// The desk as it is now.
    func snapshot() throws -> QueueSnapshot
    /// Decides and commits `commands` as one transaction (all or nothing), refused as a stale
    /// edit when a record in `expecting` has moved on from the version the agent saw; the
    /// error's description is the store's own words (naming who changed what).
    func perform(_ commands: [Command], expecting: [RecordID: UInt64]) throws
    /// The incident in full, with its history; nil when there is no such incident.
    func detail(of id: RecordID) throws -> IncidentDetail?
    /// Calls `onChange` (on any thread) whenever the desk changed — other processes' commits
    /// included — until the client goes away.
    func follow(_ onChange: @escaping @Sendable () -> Void)
    /// False while the store behind the client is still opening (calls then wait for it).
    var isOpen: Bool { get }
}

extension IncidentDeskClient {
    public var isOpen: Bool { true }
}
