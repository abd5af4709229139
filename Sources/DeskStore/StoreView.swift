import Foundation
import ITSM

/// Where a frame (transaction) sits in the log: segment number and byte offset of the frame.
public struct LogPosition: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var segment: UInt32
    public var offset: UInt64

    public init(segment: UInt32, offset: UInt64) {
        self.segment = segment
        self.offset = offset
    }

    public static func < (a: LogPosition, b: LogPosition) -> Bool {
        (a.segment, a.offset) < (b.segment, b.offset)
    }

    public var description: String { "\(StoreFormat.segmentName(segment)) at byte \(offset)" }
}

/// The current state of one record: the fold of its events, generic over the domain.
public struct RecordState: Hashable, Sendable {
    public var id: RecordID
    /// The number of events applied: what the next event's `baseVersion` must be.
    public var version: UInt64
    /// The latest value of each field (the last `to` written to it).
    public var fields: [String: FieldValue]
    /// When the first event of the record happened.
    public var createdAt: Date
    /// The latest event: who changed it last, when, and what (for stale-edit messages).
    public var lastEvent: Event

    public init(id: RecordID, version: UInt64, fields: [String: FieldValue], createdAt: Date, lastEvent: Event) {
        self.id = id
        self.version = version
        self.fields = fields
        self.createdAt = createdAt
        self.lastEvent = lastEvent
    }

    public subscript(field: String) -> FieldValue { fields[field] ?? .none }
}

/// A record's state plus where its events are, as the store keeps it.
///
/// Events of other processes that a commit's catch-up folded may still be encoded
/// (`pending`): the record's version, history and last sequence are exact at once, and its
/// `state` decodes them when read. So a writer folds the others' frames by record id and
/// version only, and decodes just the records its command (or anyone) reads.
struct RecordEntry: Sendable {
    /// The state folded so far, boxed; nil while even the record's first event is encoded.
    private var box: FoldedState?
    private var folded: RecordState? { box?.state }
    /// Events after `folded`, oldest first, not decoded yet.
    private(set) var pending: [EncodedEvent] = []
    /// Frames holding the record's events, oldest first (a frame appears once even if it holds
    /// several events of the record).
    var history: [LogPosition]
    /// Sequence of the last transaction that touched the record.
    var lastSequence: UInt64

    init(state: RecordState, history: [LogPosition], lastSequence: UInt64) {
        self.box = FoldedState(state)
        self.history = history
        self.lastSequence = lastSequence
    }

    /// A record no event has named yet (its first event is then folded encoded).
    fileprivate init() {
        self.box = nil
        self.history = []
        self.lastSequence = 0
    }

    /// The number of events applied: what the next event's `baseVersion` must be (no decoding).
    var version: UInt64 { (folded?.version ?? 0) + UInt64(pending.count) }

    /// The record's current state (decodes the pending events, if any, each time).
    var state: RecordState {
        get { pending.isEmpty ? folded! : Self.fold(folded, pending) }
        set { box = FoldedState(newValue); pending = [] }
    }

    /// Decodes the pending events into the state.
    mutating func materialize() {
        guard !pending.isEmpty else { return }
        box = FoldedState(Self.fold(folded, pending))
        pending = []
    }

    private static func fold(_ base: RecordState?, _ events: [EncodedEvent]) -> RecordState {
        var state = base
        for encoded in events {
            let e = encoded.decode()
            if state == nil {
                state = RecordState(id: e.record, version: 0, fields: Dictionary(minimumCapacity: e.changes.count),
                                    createdAt: e.at, lastEvent: e)
            }
            state!.fold(e)
        }
        return state!
    }

    mutating func fold(_ e: Event, sequence: UInt64, at position: LogPosition) {
        materialize()
        if !isKnownUniquelyReferenced(&box) { box = FoldedState(box!.state) }
        box!.state.fold(e)
        if history.last != position { history.append(position) }
        lastSequence = sequence
    }

    /// Folds an event of another process without decoding it. A record others keep changing
    /// is decoded every `pendingLimit` events, so reading it never decodes more than that and
    /// its encoded events do not pile up. Returns whether the record had no pending events before.
    @discardableResult
    mutating func fold(encoded e: EncodedEvent, sequence: UInt64, at position: LogPosition) -> Bool {
        let wasFolded = pending.isEmpty
        if pending.count >= Self.pendingLimit { materialize() }
        pending.append(e)
        if history.last != position { history.append(position) }
        lastSequence = sequence
        return wasFolded
    }

    static let pendingLimit = 16
}

/// A record's folded state in a box of its own: an entry is then a few words, and the overlay's
/// hash table (which grows by a record per creation, every process folding every commit) moves
/// and touches 8 bytes per record for it rather than the whole state. Copied before a change
/// when shared (copy on write), as the state itself would be.
final class FoldedState: @unchecked Sendable {
    var state: RecordState
    init(_ state: RecordState) { self.state = state }
}

extension RecordState {
    mutating func fold(_ e: Event) {
        version += 1
        for c in e.changes { fields[c.field] = c.to }
        lastEvent = e
    }
}

/// An immutable view of the whole store at one sequence number. Cheap to copy: a mapped
/// snapshot shared with other processes plus the records changed since (copy-on-write).
public struct StoreView: Sendable {
    let snapshot: SnapshotImage?
    var overlay: [RecordID: RecordEntry] = [:]
    /// Records in the overlay that the snapshot does not have, per kind.
    var addedSinceSnapshot: [RecordKind: Int] = [:]
    /// Records of the overlay with events still encoded (`RecordEntry.pending`).
    var unfolded: [RecordID] = []
    /// The sequence number of the last transaction applied (0 for an empty store).
    public internal(set) var lastSequence: UInt64

    init(snapshot: SnapshotImage?) {
        self.snapshot = snapshot
        self.lastSequence = snapshot?.lastSequence ?? 0
    }

    /// A view folded from transactions in memory, with no files: for tests of panes and
    /// commands, and for other `EventLog` implementations. Versions are not checked.
    public init(transactions: [[Event]] = []) {
        self.init(snapshot: nil)
        for (i, events) in transactions.enumerated() {
            apply(events, sequence: UInt64(i + 1), at: LogPosition(segment: 0, offset: UInt64(i)))
        }
    }

    /// The record's current state, or nil if no event ever named it (or if its state cannot be
    /// read: see `checkedRecord`, which says why).
    public func record(_ id: RecordID) -> RecordState? { entry(id)?.state }

    /// The record's current state, nil if no event ever named it, or a clear error if the store
    /// has it but cannot read it: a record created by a bulk import is read from its event in
    /// the log, and damage to those bytes is reported (`StoreError.damagedLog`), never guessed.
    public func checkedRecord(_ id: RecordID) throws(StoreError) -> RecordState? { try checkedEntry(id)?.state }

    /// Whether the record exists.
    public func contains(_ id: RecordID) -> Bool { overlay[id] != nil || snapshot?.contains(id) == true }

    /// The records of one kind, in `RecordID` order (numbered kinds numerically).
    public func records(of kind: RecordKind) -> [RecordState] {
        recordIDs(of: kind).compactMap { record($0) }
    }

    /// The ids of one kind's records, in `RecordID` order, without decoding their bodies.
    public func recordIDs(of kind: RecordKind) -> [RecordID] {
        var ids = snapshot?.ids(of: kind) ?? []
        for id in overlay.keys where id.kind == kind && snapshot?.contains(id) != true { ids.append(id) }
        ids.sort()
        return ids
    }

    /// How many records of each kind exist.
    public var counts: [RecordKind: Int] {
        var c = snapshot?.counts ?? [:]
        for (k, n) in addedSinceSnapshot { c[k, default: 0] += n }
        return c
    }

    /// How many records exist in all.
    public var recordCount: Int { counts.values.reduce(0, +) }

    func entry(_ id: RecordID) -> RecordEntry? {
        if let e = overlay[id] { return e }
        return snapshot?.entry(id)
    }

    func checkedEntry(_ id: RecordID) throws(StoreError) -> RecordEntry? {
        if let e = overlay[id] { return e }
        return try snapshot?.checkedEntry(id)
    }

    /// Refuses events built on stale versions; checks events of one transaction in order.
    func validate(_ events: [Event]) throws(StaleEdit) {
        // Versions this transaction moved on; not kept for one event (most commits: no hashing).
        var versions: [RecordID: UInt64] = [:]
        for e in events {
            let current = (versions.isEmpty ? nil : versions[e.record]) ?? entry(e.record)?.version ?? 0
            if e.baseVersion != current {
                let last = entry(e.record)?.state.lastEvent
                throw StaleEdit(record: e.record, expectedVersion: e.baseVersion, currentVersion: current, lastEvent: last)
            }
            if events.count > 1 { versions[e.record] = current + 1 }
        }
    }

    /// Folds one transaction's events into the view.
    mutating func apply(_ events: [Event], sequence: UInt64, at position: LogPosition) {
        for e in events {
            // One hash lookup for a record already in the overlay, mutated in place (no copy
            // of the fields or history per event).
            if let i = overlay.index(forKey: e.record) {
                overlay.values[i].fold(e, sequence: sequence, at: position)
                continue
            }
            var entry: RecordEntry
            if let fromSnapshot = snapshot?.entry(e.record) {
                entry = fromSnapshot
            } else {
                entry = RecordEntry(
                    state: RecordState(id: e.record, version: 0, fields: Dictionary(minimumCapacity: e.changes.count),
                                       createdAt: e.at, lastEvent: e),
                    history: [], lastSequence: 0)
                addedSinceSnapshot[e.record.kind, default: 0] += 1
            }
            entry.fold(e, sequence: sequence, at: position)
            overlay[e.record] = entry
        }
        lastSequence = sequence
    }

    /// Folds one transaction of another process without decoding its events: records' versions,
    /// histories and sequences move on at once; their fields are decoded when first read
    /// (`materializeAll`, or `RecordEntry.state`). Every writer folds every other process's
    /// frames while it holds the write lock, so this is on the commit's serialised path.
    /// `events` are the transaction's events as scanned in `payload` (record, byte range): no
    /// array of `EncodedEvent`s or of records is built per frame.
    mutating func apply(encoded events: [EventScan.Scanned], in payload: EncodedPayload, sequence: UInt64, at position: LogPosition) {
        let snapshot = self.snapshot
        /// The entry a record not in the overlay starts from: the snapshot's, or a new one.
        func start(_ id: RecordID, added: inout Bool) -> RecordEntry {
            if let entry = snapshot?.entry(id) { return entry }
            added = true
            return RecordEntry()
        }
        for scanned in events {
            // One hash lookup whether the overlay has the record or not (this runs for every
            // event of every process, under the write lock).
            let id = scanned.record, e = EncodedEvent(payload: payload, body: scanned.body)
            var added = false
            if overlay[id, default: start(id, added: &added)].fold(encoded: e, sequence: sequence, at: position) {
                unfolded.append(id)
            }
            if added { addedSinceSnapshot[id.kind, default: 0] += 1 }
        }
        lastSequence = sequence
    }

    /// Decodes every event folded encoded: afterwards each record's state is plain memory again.
    mutating func materializeAll() {
        guard !unfolded.isEmpty else { return }
        for id in unfolded {
            if let i = overlay.index(forKey: id) { overlay.values[i].materialize() }
        }
        unfolded = []
    }

    /// The same state re-based on a newer snapshot: keeps only what changed after it.
    func rebased(on image: SnapshotImage) -> StoreView {
        var v = StoreView(snapshot: image)
        for (id, e) in overlay where e.lastSequence > image.lastSequence {
            if !image.contains(id) { v.addedSinceSnapshot[id.kind, default: 0] += 1 }
            if !e.pending.isEmpty { v.unfolded.append(id) }
            v.overlay[id] = e
        }
        v.lastSequence = max(lastSequence, image.lastSequence)
        return v
    }
}
