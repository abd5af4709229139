import Foundation
import ITSM

/// The records a bulk import created, kept flat and already in the snapshot's layout (no
/// per-record dictionary of fields, no `RecordEntry`): per record its 48-byte index entry, and
/// its key bytes followed by its 28-byte body (a log reference to its one event,
/// `SnapshotFormat.bodyLogReference`) in one data buffer. A fresh store's import snapshot is
/// then these two buffers behind a header (version 3: keys and bodies share one section), with
/// nothing to sort, merge or copy (`SnapshotWriter.buildPieces`), and both can be written to the
/// snapshot file while the log is (`SnapshotDraft`): one stream after the index, not two.
///
/// Added to on the write-behind thread, as each frame is written (the importing thread is the
/// busier one: it also runs the caller's code that builds the events); read by the importing
/// thread only while nothing is in flight (after `WriteBehind.finish()`), so no lock.
final class ImportedRecords: @unchecked Sendable {
    /// Index entries as `SnapshotFormat` lays them out: key and body offsets into `data`.
    private(set) var entries: [UInt8] = []
    /// Each record's key bytes, then its body.
    private(set) var data: [UInt8] = []
    /// Whether the keys came in ascending order (a numbered import does): no sort needed.
    private(set) var ascending = true
    /// CRC32C of `entries` and of `data` (unmasked), kept up as they grow, while the bytes are
    /// still in the cache: the snapshot's checksum is then combined from them at the end
    /// (`CRC32C.combine`) instead of read over 89 MB again for a million records.
    private(set) var entriesCRC: UInt32 = 0
    private(set) var dataCRC: UInt32 = 0

    var count: Int { entries.count / SnapshotFormat.entrySize }

    /// Notes each event of a frame written at `frame`: its record is created by it. `bodies`
    /// and `checksums` are each event's body range in the payload and the masked CRC32C of it.
    func add(_ events: [Event], bodies ranges: [Range<Int>], checksums: [UInt32], frame: LogPosition) {
        precondition(ranges.count == events.count && checksums.count == events.count, "ImportedRecords: a frame of other events")
        let head = frame.offset + UInt64(StoreFormat.frameHeaderSize)
        // Worked on as locals: a class's stored array is checked for exclusive access at every
        // use (a runtime call), three per record otherwise.
        var (entries, data, ascending) = (self.entries, self.data, self.ascending)
        (self.entries, self.data) = ([], [])    // unshared: appended in place
        if entries.isEmpty {
            // Room for a hundred frames like the first at once: growing by doubling copies the
            // buffers (90 MB for a million records) into fresh pages each time. Pages not used
            // are never touched.
            let n = 100 * events.count
            entries.reserveCapacity(n * SnapshotFormat.entrySize)
            data.reserveCapacity(n * (24 + SnapshotFormat.referenceSize))
        }
        let (entriesFrom, dataFrom) = (entries.count, data.count)
        defer {
            entriesCRC = entries.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[entriesFrom...]), continuing: entriesCRC) }
            dataCRC = data.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[dataFrom...]), continuing: dataCRC) }
            (self.entries, self.data, self.ascending) = (entries, data, ascending)
        }
        var previousKey = entries.isEmpty ? nil : Optional(Self.lastKey(entries))
        events.withUnsafeBufferPointer { list in
            for k in list.indices {
                let e = list[k]
                let keyStart = data.count
                SnapshotFormat.appendCompositeKey(e.record, to: &data)
                let keyLength = data.count - keyStart
                if ascending, let p = previousKey {
                    ascending = data.withUnsafeBytes { b in
                        SnapshotImage.less(UnsafeRawBufferPointer(rebasing: b[p]), UnsafeRawBufferPointer(rebasing: b[keyStart...]))
                    }
                }
                previousKey = keyStart..<data.count
                Self.appendEntry(to: &entries, keyOffset: keyStart, keyLength: keyLength, kindLength: e.record.kind.rawValue.utf8.count,
                                 createdAt: e.at.timeIntervalSinceReferenceDate.bitPattern, bodyOffset: data.count)
                LogReference(frame: frame, eventOffset: head + UInt64(ranges[k].lowerBound),
                             eventLength: UInt32(ranges[k].count), checksum: checksums[k]).write(into: &data)
            }
        }
    }

    /// The range in `data` of the last entry's key.
    private static func lastKey(_ entries: [UInt8]) -> Range<Int> {
        entries.withUnsafeBytes { e in
            let at = e.count - SnapshotFormat.entrySize
            let from = Int(e.u64(at: at))
            return from..<(from + Int(e.u32(at: at + 8)))
        }
    }

    private static func appendEntry(to entries: inout [UInt8], keyOffset: Int, keyLength: Int, kindLength: Int,
                                    createdAt: UInt64, bodyOffset: Int) {
        // One append of the 48 bytes (a million entries in a big import).
        var b: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
        let bodyOffset = UInt64(bodyOffset)
        withUnsafeMutableBytes(of: &b) { r in
            r.storeBytes(of: UInt64(keyOffset).littleEndian, toByteOffset: 0, as: UInt64.self)
            r.storeBytes(of: UInt32(keyLength).littleEndian, toByteOffset: 8, as: UInt32.self)
            r.storeBytes(of: UInt32(kindLength).littleEndian, toByteOffset: 12, as: UInt32.self)
            r.storeBytes(of: UInt64(1).littleEndian, toByteOffset: 16, as: UInt64.self)      // version
            r.storeBytes(of: createdAt.littleEndian, toByteOffset: 24, as: UInt64.self)
            r.storeBytes(of: bodyOffset.littleEndian, toByteOffset: 32, as: UInt64.self)
            r.storeBytes(of: UInt32(SnapshotFormat.referenceSize).littleEndian, toByteOffset: 40, as: UInt32.self)
            r.storeBytes(of: SnapshotFormat.bodyLogReference.littleEndian, toByteOffset: 44, as: UInt32.self)
            entries.append(contentsOf: r)
        }
    }

    /// Record `slot`'s key bytes, passed to `body` (valid only there).
    func withKey<R>(_ slot: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let e = slot * SnapshotFormat.entrySize
        let (from, length) = entries.withUnsafeBytes { (Int($0.u64(at: e)), Int($0.u32(at: e + 8))) }
        return data.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[from..<(from + length)])) }
    }

    func createdAt(_ slot: Int) -> UInt64 { entries.withUnsafeBytes { $0.u64(at: slot * SnapshotFormat.entrySize + 24) } }

    func reference(_ slot: Int) -> LogReference {
        let from = entries.withUnsafeBytes { Int($0.u64(at: slot * SnapshotFormat.entrySize + 32)) }
        return data.withUnsafeBytes { LogReference(UnsafeRawBufferPointer(rebasing: $0[from...])) }
    }
}

/// What the importing thread keeps about the records the import creates: which ones it has
/// claimed (each record's slot in `records`, given in claim order, which is the order frames
/// are written in) and which it moved into the view since.
struct ImportLedger {
    /// The written records, in slot order.
    let records = ImportedRecords()
    /// Each claimed record's slot (its index in `records` once its frame is written).
    private(set) var slots = RecordSlots()
    /// How many records were claimed: the next claim's slot.
    private(set) var claimed = 0
    /// Records moved out of the ledger into the view (a later event of the import changed them).
    private(set) var promoted: Set<Int> = []
    /// The snapshot being written from `records` as they come (an import into an empty store).
    var draft: SnapshotDraft? = nil

    /// Records written, promoted or not.
    var count: Int { records.count }
    var liveCount: Int { records.count - promoted.count }

    /// The record's slot, if the import created it (its frame written) and it is still in the ledger.
    func slot(of id: RecordID) -> Int? { slots[id].flatMap { $0 < records.count && !promoted.contains($0) ? $0 : nil } }

    /// Every record still in the ledger, with its slot.
    var live: [(id: RecordID, slot: Int)] {
        slots.all.filter { $0.value < records.count && !promoted.contains($0.value) }.map { ($0.id, $0.value) }
    }

    /// Reserves `id`'s slot for a transaction being checked: false if the ledger has it already
    /// (created earlier in the import, or earlier in this same transaction).
    mutating func claim(_ id: RecordID) -> Bool {
        guard slots.insert(id, claimed) else { return false }
        claimed += 1
        return true
    }

    /// Releases what `claim` reserved since `claimed` was `count`, for a transaction that is
    /// not appended (or not written) after all.
    mutating func unclaim(_ events: ArraySlice<Event>, downTo count: Int) {
        for e in events { if let s = slots[e.record], s >= count { slots[e.record] = nil } }
        claimed = min(claimed, count)
    }

    /// Releases every claim made since `claimed` was `count` (a frame whose write failed, and
    /// any claims after it).
    mutating func unclaimAll(downTo count: Int) {
        slots.removeValues(atLeast: count)
        claimed = min(claimed, count)
    }

    /// Takes a record out of the ledger (its state now lives in the view).
    mutating func promote(_ slot: Int, id: RecordID) {
        promoted.insert(slot)
        slots[id] = nil
    }

    /// The snapshot can take `records` as they are: keys ascending, none promoted.
    var isSnapshotReady: Bool { records.ascending && promoted.isEmpty }

    /// The live records' slots in key order.
    func sortedSlots() -> [Int] {
        var order = (0..<count).filter { !promoted.contains($0) }
        if !records.ascending {
            order.sort { x, y in records.withKey(x) { a in records.withKey(y) { b in SnapshotImage.less(a, b) } } }
        }
        return order
    }
}
