import Foundation

/// Reading `FieldValue`s while folding events. Folds must never crash on odd data, so every
/// reader answers `nil` for a value of the wrong shape and the caller keeps what it had.
///
/// A namespace rather than an extension on `FieldValue`, so that domain I can add its own
/// readers to `FieldValue` without the two colliding in one module.
enum FieldDecode {
    static func text(_ value: FieldValue) -> String? {
        if case let .text(s) = value { return s }
        return nil
    }

    static func int(_ value: FieldValue) -> Int? {
        switch value {
        case let .int(i): return Int(exactly: i)
        case let .number(d) where d.isFinite && d.rounded() == d && abs(d) < 1e15: return Int(d)
        default: return nil
        }
    }

    static func number(_ value: FieldValue) -> Double? {
        switch value {
        case let .number(d): return d.isFinite ? d : nil
        case let .int(i): return Double(i)
        default: return nil
        }
    }

    static func bool(_ value: FieldValue) -> Bool? {
        if case let .bool(b) = value { return b }
        return nil
    }

    static func time(_ value: FieldValue) -> Date? {
        if case let .time(d) = value { return d }
        return nil
    }

    static func list(_ value: FieldValue) -> [String]? {
        if case let .list(l) = value { return l }
        return nil
    }

    /// A text value read into a string-backed enum; `nil` when absent or unknown.
    static func raw<T: RawRepresentable>(_ value: FieldValue, as _: T.Type) -> T? where T.RawValue == String {
        text(value).flatMap(T.init(rawValue:))
    }
}

/// Builds the events of one command against one record, numbering base versions so that a
/// command emitting several events on the same record chains them (v, v+1, …).
struct VersionedEvents {
    let actor: String
    let at: Date
    private(set) var events: [Event] = []
    private var nextBase: [RecordID: UInt64] = [:]

    init(actor: String, at: Date) {
        self.actor = actor
        self.at = at
    }

    mutating func add(_ record: RecordID, version: UInt64, _ action: EventAction, _ changes: [FieldChange]) {
        let base = nextBase[record] ?? version
        events.append(Event(record: record, action: action, actor: actor, at: at, baseVersion: base, changes: changes))
        nextBase[record] = base + 1
    }
}
