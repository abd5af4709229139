import Foundation

/// Freeze and maintenance windows kept on the desk as records, named (`change-window:quarter-end`),
/// so every agent's console checks changes against the same windows.
public extension RecordKind {
    static let changeWindow = RecordKind(rawValue: "change-window")
}

public extension EventAction {
    static let changeWindowDefined = EventAction("change-window.defined")
    static let changeWindowRemoved = EventAction("change-window.removed")
}

/// Field names of change-window events. A one-off window carries `starts` and `ends`; a weekly
/// one `weekday` (1 = Sunday), `hour`, `minute`, `duration` (seconds) and `time-zone` (an IANA name).
public enum ChangeWindowField: String, CaseIterable, Sendable {
    case purpose, cis, starts, ends, weekday, hour, minute, duration, active
    case timeZone = "time-zone"
}

/// What a named window is for.
public enum ChangeWindowPurpose: String, Hashable, Sendable {
    case freeze, maintenance
}

/// One named window as folded from its events.
public struct ChangeWindowRecord: Hashable, Sendable {
    public let name: String
    public var purpose: ChangeWindowPurpose = .freeze
    /// Freeze: the CIs it covers (empty = all). Maintenance: the CIs it opens for work.
    public var cis: [String] = []
    public var recurrence: WindowRecurrence?
    public var active = true
    public var version: UInt64 = 0

    public init(name: String) { self.name = name }

    public mutating func apply(_ event: Event) {
        version += 1
        var fields: [ChangeWindowField: FieldValue] = [:]
        for c in event.changes { if let f = ChangeWindowField(rawValue: c.field) { fields[f] = c.to } }
        if let p = fields[.purpose].flatMap({ FieldDecode.raw($0, as: ChangeWindowPurpose.self) }) { purpose = p }
        if let l = fields[.cis].flatMap(FieldDecode.list) { cis = l }
        if let a = fields[.active].flatMap(FieldDecode.bool) { active = a }
        if let s = fields[.starts].flatMap(FieldDecode.time), let e = fields[.ends].flatMap(FieldDecode.time), e > s {
            recurrence = .once(DateInterval(start: s, end: e))
        } else if let d = fields[.weekday].flatMap(FieldDecode.int), let h = fields[.hour].flatMap(FieldDecode.int),
                  let m = fields[.minute].flatMap(FieldDecode.int), let len = fields[.duration].flatMap(FieldDecode.number),
                  let zone = fields[.timeZone].flatMap(FieldDecode.text).flatMap(TimeZone.init(identifier:)) {
            recurrence = .weekly(weekday: d, hour: h, minute: m, duration: len, timeZone: zone)
        }
    }

    /// The fields that record `recurrence`, for a defining event.
    static func fields(of recurrence: WindowRecurrence) -> [(ChangeWindowField, FieldValue)] {
        switch recurrence {
        case let .once(w):
            [(.starts, .time(w.start)), (.ends, .time(w.end))]
        case let .weekly(d, h, m, len, zone):
            [(.weekday, .int(Int64(d))), (.hour, .int(Int64(h))), (.minute, .int(Int64(m))),
             (.duration, .number(len)), (.timeZone, .text(zone.identifier))]
        }
    }
}

/// Every named window, and the `ChangeWindows` value the conflict rules read.
public struct ChangeWindowBook: Hashable, Sendable {
    public private(set) var records: [String: ChangeWindowRecord] = [:]

    public init() {}
    public init(events: some Sequence<Event>) { for e in events { apply(e) } }

    public mutating func apply(_ event: Event) {
        guard event.record.kind == .changeWindow else { return }
        records[event.record.key, default: ChangeWindowRecord(name: event.record.key)].apply(event)
    }

    /// The active windows, by name.
    public var windows: ChangeWindows {
        var out = ChangeWindows()
        for r in records.values.sorted(by: { $0.name < $1.name }) where r.active {
            guard let rec = r.recurrence else { continue }
            switch r.purpose {
            case .freeze: out.freezes.append(FreezeWindow(name: r.name, recurrence: rec, cis: Set(r.cis)))
            case .maintenance: out.maintenance += r.cis.map { MaintenanceWindow(ci: $0, name: r.name, recurrence: rec) }
            }
        }
        return out
    }
}

public enum ChangeWindowOperation: Hashable, Sendable {
    /// Defines or redefines a named window.
    case define(ChangeWindowPurpose, cis: [String], recurrence: WindowRecurrence)
    case remove
}

/// Decides one change-window command. Windows bind everyone's changes, so they are the
/// change manager's to set.
public func decideChangeWindow(_ operation: ChangeWindowOperation, name: String, in book: ChangeWindowBook,
                               by actor: Agent, at now: Date) throws(Refusal) -> [Event] {
    guard actor.has(.changeManager) else { throw Refusal.needsRole(.changeManager, toDo: "setting freeze and maintenance windows") }
    var batch = VersionedEvents(actor: actor.user, at: now)
    let id = RecordID(kind: .changeWindow, key: name)
    let old = book.records[name]
    switch operation {
    case let .define(purpose, cis, recurrence):
        guard !name.isEmpty else { throw Refusal.invalid(field: "name", reason: "a window needs a name") }
        if purpose == .maintenance && cis.isEmpty {
            throw Refusal.invalid(field: ChangeWindowField.cis.rawValue, reason: "a maintenance window names the CIs it is for")
        }
        switch recurrence {
        case let .once(w) where w.duration <= 0:
            throw Refusal.invalid(field: ChangeWindowField.ends.rawValue, reason: "the window must end after it starts")
        case let .weekly(d, h, m, len, _) where !(1...7).contains(d) || !(0..<24).contains(h) || !(0..<60).contains(m) || !(len > 0 && len <= 7 * 86_400):
            throw Refusal.invalid(field: ChangeWindowField.weekday.rawValue,
                                  reason: "a weekly window needs a weekday 1–7, a time of day, and a length up to a week")
        default: break
        }
        var changes = [FieldChange(ChangeWindowField.purpose.rawValue, from: old.map { .text($0.purpose.rawValue) } ?? .none, to: .text(purpose.rawValue)),
                       FieldChange(ChangeWindowField.cis.rawValue, from: old.map { .list($0.cis) } ?? .none, to: .list(cis)),
                       FieldChange(ChangeWindowField.active.rawValue, from: old.map { .bool($0.active) } ?? .none, to: .bool(true))]
        // Recurrence fields say what they were, and a switch between one-off and weekly
        // clears the fields of the old kind, so history reads truthfully.
        let before = Dictionary(uniqueKeysWithValues: old?.recurrence.map(ChangeWindowRecord.fields(of:)) ?? [])
        let after = Dictionary(uniqueKeysWithValues: ChangeWindowRecord.fields(of: recurrence))
        for field in ChangeWindowField.allCases {
            let from = before[field] ?? .none, to = after[field] ?? .none
            if from != to { changes.append(FieldChange(field.rawValue, from: from, to: to)) }
        }
        batch.add(id, version: old?.version ?? 0, .changeWindowDefined, changes)
    case .remove:
        guard let old, old.active else { throw Refusal.notFound(id) }
        batch.add(id, version: old.version, .changeWindowRemoved,
                  [FieldChange(ChangeWindowField.active.rawValue, from: .bool(true), to: .bool(false))])
    }
    return batch.events
}
