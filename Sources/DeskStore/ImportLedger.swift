import Foundation
import ITSM

/// The records a bulk import created, kept flat (no per-record dictionary of fields, no
/// `RecordEntry`): their snapshot keys back to back, their creation time and where their one
/// event sits in the log. The import's snapshot is written from this, with log references
/// as bodies (`SnapshotFormat.bodyLogReference`).
struct ImportLedger {
    private(set) var keyBytes: [UInt8] = []
    /// Record i's key is `keyBytes[keyStarts[i]..<keyStarts[i + 1]]`.
    private(set) var keyStarts: [Int] = [0]
    private(set) var references: [LogReference] = []
    private(set) var createdAt: [UInt64] = []        // f64 bit patterns
    /// Records moved out of the ledger into the view (a later event of the import changed them).
    private(set) var promoted: [Bool] = []
    /// Each record's slot, or -1 while a transaction that creates it is being checked.
    private(set) var slots = RecordSlots()
    /// Whether the keys came in ascending order (a numbered import does): no sort needed.
    private(set) var ascending = true

    var count: Int { references.count }
    var liveCount: Int { promoted.reduce(0) { $1 ? $0 : $0 + 1 } }

    /// The record's slot, if the import created it and it is still in the ledger.
    func slot(of id: RecordID) -> Int? { slots[id].flatMap { $0 >= 0 ? $0 : nil } }

    /// Every record still in the ledger, with its slot.
    var live: [(id: RecordID, slot: Int)] { slots.all.filter { $0.value >= 0 && !promoted[$0.value] }.map { ($0.id, $0.value) } }

    /// Reserves `id` for a transaction being checked: false if the ledger has it already
    /// (created earlier in the import, or earlier in this same transaction).
    mutating func claim(_ id: RecordID) -> Bool {
        guard slots[id] == nil else { return false }
        slots[id] = -1
        return true
    }

    /// Releases what `claim` reserved for a transaction that is not appended after all.
    mutating func unclaim(_ events: ArraySlice<Event>) {
        for e in events where slots[e.record] == -1 { slots[e.record] = nil }
    }

    /// Adds a record whose whole state is the event at `reference`. The caller made sure the
    /// record is new (not in the view, not in the ledger).
    mutating func add(_ id: RecordID, at reference: LogReference, createdAt date: Date) {
        slots[id] = references.count
        SnapshotFormat.appendCompositeKey(id, to: &keyBytes)
        keyStarts.append(keyBytes.count)
        references.append(reference)
        createdAt.append(date.timeIntervalSinceReferenceDate.bitPattern)
        promoted.append(false)
        let n = references.count
        if ascending && n > 1 {
            keyBytes.withUnsafeBytes { b in
                let previous = UnsafeRawBufferPointer(rebasing: b[keyStarts[n - 2]..<keyStarts[n - 1]])
                let last = UnsafeRawBufferPointer(rebasing: b[keyStarts[n - 1]..<keyStarts[n]])
                if !SnapshotImage.less(previous, last) { ascending = false }
            }
        }
    }

    /// The records of the frame being written (claimed, not yet added): each event's record
    /// and time, and where their frame starts. Added by `written`, once the write-behind thread
    /// has made the bytes (each event's range and checksum) and written them. Only these are
    /// kept, not the events: the thread that drops an import's events last frees them (ten
    /// thousand events' strings and arrays), and that is better the write-behind thread when
    /// it has time to spare than the importing thread, which builds the next transaction.
    private var awaiting: (records: [RecordID], createdAt: [Date], frame: LogPosition)?

    /// Notes that the claimed `records` (created at `createdAt`) are in the frame being
    /// written at `frame`, in this order.
    mutating func awaitWrite(of records: [RecordID], createdAt: [Date], at frame: LogPosition) {
        precondition(awaiting == nil, "ImportLedger: a frame is already awaited")
        awaiting = (records, createdAt, frame)
    }

    /// The awaited frame was written: each of its events becomes its record's log reference.
    mutating func written(_ w: WriteBehind.Written) {
        guard let (records, createdAt, frame) = awaiting else { return }
        awaiting = nil
        precondition(w.bodies.count == records.count && w.checksums.count == records.count, "ImportLedger: written frame of other events")
        let head = UInt64(StoreFormat.frameHeaderSize)
        for k in records.indices {
            let body = w.bodies[k]
            add(records[k], at: LogReference(frame: frame, eventOffset: frame.offset + head + UInt64(body.lowerBound),
                                             eventLength: UInt32(body.count), checksum: w.checksums[k]),
                createdAt: createdAt[k])
        }
    }

    /// The awaited frame was not written (its records are released through `removeLast`).
    mutating func writeFailed() { awaiting = nil }

    /// Forgets the records added since the ledger held `count` (their frame was not written).
    mutating func removeLast(downTo count: Int, records: [RecordID]) {
        for id in records { slots[id] = nil }
        keyBytes.removeSubrange(keyStarts[count]...)
        keyStarts.removeSubrange((count + 1)...)
        references.removeSubrange(count...)
        createdAt.removeSubrange(count...)
        promoted.removeSubrange(count...)
    }

    /// Takes a record out of the ledger (its state now lives in the view).
    mutating func promote(_ i: Int, id: RecordID) {
        promoted[i] = true
        slots[id] = nil
    }

    /// The live records' slots in key order.
    func sortedSlots() -> [Int] {
        var order = (0..<count).filter { !promoted[$0] }
        if !ascending {
            keyBytes.withUnsafeBytes { b in
                order.sort { x, y in
                    SnapshotImage.less(UnsafeRawBufferPointer(rebasing: b[keyStarts[x]..<keyStarts[x + 1]]),
                                       UnsafeRawBufferPointer(rebasing: b[keyStarts[y]..<keyStarts[y + 1]]))
                }
            }
        }
        return order
    }
}
