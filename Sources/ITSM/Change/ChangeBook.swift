/// All changes, folded from their events: the state the change practice decides against.
public struct ChangeBook: Hashable, Sendable {
    public private(set) var changes: [RecordID: ChangeRecord] = [:]

    public init() {}

    public init(events: some Sequence<Event>) {
        for event in events { apply(event) }
    }

    public subscript(id: RecordID) -> ChangeRecord? { changes[id] }

    /// Folds one event; events of other kinds are ignored, so the whole log can be fed in.
    public mutating func apply(_ event: Event) {
        guard event.record.kind == .change else { return }
        changes[event.record, default: ChangeRecord(id: event.record)].apply(event)
    }

    /// The next free change number, for the caller that assigns IDs.
    public var nextID: RecordID {
        RecordID(.change, (changes.keys.compactMap(\.number).max() ?? 0) + 1)
    }

    /// Changes that hold a slot on the calendar: approved or awaiting approval with a window,
    /// or being implemented. Their windows are what other changes can conflict with.
    public var onCalendar: [ChangeRecord] {
        changes.values
            .filter { [.authorize, .scheduled, .implement].contains($0.state) && $0.plannedWindow != nil }
            .sorted { $0.id < $1.id }
    }

    /// CI name → changes on the calendar touching it, for impact-analysis results.
    public var calendarChangesByCI: [String: [RecordID]] {
        var byCI: [String: [RecordID]] = [:]
        for change in onCalendar {
            for ci in Set(change.affectedCIs) { byCI[ci, default: []].append(change.id) }
        }
        return byCI
    }
}
