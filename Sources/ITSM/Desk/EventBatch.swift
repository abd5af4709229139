import Foundation

/// The events one command produces, with base versions counted up per record: the first
/// event on a record is built on its current version, the next on that plus one, and so on.
struct EventBatch {
    let state: DeskState
    let actor: String
    let now: Date
    private(set) var events: [Event] = []
    private var added: [RecordID: UInt64] = [:]

    init(state: DeskState, actor: String, now: Date) {
        self.state = state
        self.actor = actor
        self.now = now
    }

    /// Adds an event unless it would change nothing.
    mutating func add(_ id: RecordID, _ action: EventAction, _ changes: [FieldChange]) {
        guard !changes.isEmpty else { return }
        let base = state.version(of: id) + added[id, default: 0]
        events.append(Event(record: id, action: action, actor: actor, at: now, baseVersion: base, changes: changes))
        added[id, default: 0] += 1
    }
}

/// Field changes of one event, built against a record's current values. A field whose value
/// does not change is left out, so a history shows only what moved.
struct Changes<Field: RawRepresentable> where Field.RawValue == String {
    private(set) var list: [FieldChange] = []
    private let current: (Field) -> FieldValue

    init(current: @escaping (Field) -> FieldValue) { self.current = current }

    mutating func set(_ field: Field, _ value: FieldValue) {
        let from = current(field)
        if from != value { list.append(FieldChange(field.rawValue, from: from, to: value)) }
    }

    /// Appended values (notes) always count as a change.
    mutating func append(_ field: Field, _ value: FieldValue) {
        list.append(FieldChange(field.rawValue, from: .none, to: value))
    }
}

extension FieldValue {
    /// Text or `.none`: how an optional name is stored.
    static func optional(_ text: String?) -> FieldValue { text.map(FieldValue.text) ?? .none }
    static func optional(_ id: RecordID?) -> FieldValue { id.map { .text($0.description) } ?? .none }
    static func optional(_ date: Date?) -> FieldValue { date.map(FieldValue.time) ?? .none }
    static func int(_ n: Int) -> FieldValue { .int(Int64(n)) }
}
