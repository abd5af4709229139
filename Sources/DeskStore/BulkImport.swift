#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ITSM

/// What `importTransactions` wrote.
public struct ImportReport: Sendable, Hashable, CustomStringConvertible {
    public let transactions: Int
    public let events: Int
    /// Records the import created (kept as log references in the snapshot).
    public let createdRecords: Int
    public let lastSequence: UInt64
    /// Seconds spent appending the transactions to the log, up to and including the sync…
    public let logSeconds: Double
    /// …and writing the snapshot (so the store opens fast with every record readable).
    public let snapshotSeconds: Double
    public let snapshotBytes: Int

    public var description: String {
        "Imported \(transactions) transaction\(transactions == 1 ? "" : "s") (\(events) events, \(createdRecords) new records) up to transaction \(lastSequence): log \(String(format: "%.2f", logSeconds)) s, snapshot \(String(format: "%.2f", snapshotSeconds)) s."
    }
}

extension EventStore {
    /// Appends many transactions in one session of the write lock, then writes a snapshot, so
    /// that when it returns every record is readable, its history retrievable, and the store
    /// opens fast (as a database's table and index are ready when its import commits).
    ///
    /// Each element is one transaction, checked like `commit`'s (base versions, no empty
    /// transaction, size cap) and written as one frame of the same log. What makes it fast:
    /// a transaction that only creates new records (base version 0, each record once) is not
    /// folded into per-record dictionaries: the import notes where each event sits in the log
    /// and the snapshot points there (`SnapshotFormat.bodyLogReference`) instead of copying
    /// it. Any other transaction is folded as `commit` folds it.
    ///
    /// Durability: the frames are synced when a segment fills and once at the end (not per
    /// transaction: nothing is acknowledged before the import returns). After a crash the log
    /// holds a prefix of the import's transactions, each whole. If a transaction is refused
    /// (stale, empty, too large) or a write fails, the ones before it stay committed and the
    /// error is thrown. Other processes' commits wait for the import (it holds the lock); this
    /// process's `view` shows the imported records when the import returns.
    @discardableResult
    public func importTransactions<S: Sequence>(_ transactions: S) throws -> ImportReport where S.Element == [Event] {
        if isReadOnly { throw StoreError.readOnly(reason: "opened read-only") }
        let started = monotonicSeconds()
        var notify: [Event] = []
        defer { deliver(notify) }
        writer.lock()
        defer { writer.unlock() }
        if let reason = writeDisabled { throw StoreError.writingDisabled(reason: reason) }
        try Posix.lockExclusive(lockFD, path: lockPath)
        var flockHeld = true
        defer { if flockHeld { Posix.unlock(lockFD) } }
        do {
            notify = try advance(asWriter: true, detectDamage: true).events
        } catch let e as StoreError {
            if case .syncFailed = e { writeDisabled = e.description }
            throw e
        }
        let listening = stateLock.withLock { !listenersAreEmpty }
        var ledger = ImportLedger()
        if stateLock.withLock({ current.snapshot == nil && current.overlay.isEmpty }), let (temp, fd) = try? createSnapshotTemporary() {
            ledger.draft = SnapshotDraft(temp: temp, fd: fd, io: io)
        }
        let reader = LogEventReader(directory: path)
        let behind = WriteBehind(records: ledger.records, draft: ledger.draft)
        var count = 0, eventCount = 0
        do {
            for events in transactions {
                guard !events.isEmpty else { throw StoreError.emptyTransaction }
                if try !appendCreations(events, to: &ledger, behind: behind) {
                    try appendFolded(events, ledger: &ledger, reader: reader, behind: behind)
                }
                count += 1
                eventCount += events.count
                if listening { notify.append(contentsOf: events) }
            }
            try finishWrite(behind, ledger: &ledger)
            try syncImported()
        } catch {
            // What was written stays committed: this process's view must show it.
            try? finishWrite(behind, ledger: &ledger)
            ledger.draft?.discard()
            recoverView(from: ledger, reader: reader)
            throw error
        }
        Posix.unlock(lockFD)
        flockHeld = false
        let logDone = monotonicSeconds()

        // The snapshot, still holding `writer` so no other thread of this process folds a
        // transaction into a view that does not have the imported records yet.
        let c = cursor
        let anchor = SnapshotWriter.Anchor(
            sequence: c.lastSequence,
            frameStart: c.lastFrameStart ?? LogPosition(segment: c.segment.number, offset: UInt64(StoreFormat.segmentHeaderSize)),
            frameEnd: c.lastFrameStart == nil ? UInt64(StoreFormat.segmentHeaderSize) : c.lastFrameEnd,
            frameHash: c.lastFrameHash)
        let snapshotBytes: Int
        do {
            Self.removeAbandonedTemporaries(in: path)
            // The draft holds all but the header if the snapshot is the import's records alone.
            if let draft = ledger.draft, !draft.failed, stateLock.withLock({ SnapshotWriter.isImportOnly(current, ledger) }) {
                let (writes, length) = draft.remainder(of: ledger.records, anchor: anchor)
                try installSnapshot(temp: draft.temp, fd: draft.fd, writing: writes, sequence: anchor.sequence)
                snapshotBytes = Int(length)
            } else {
                ledger.draft?.discard()
                // The view in its own scope: no copy of it may be alive when it is re-based.
                let pieces = { [ledger] in
                    SnapshotWriter.buildPieces(stateLock.withLock { current }, anchor: anchor, imported: ledger)
                }()
                try installSnapshot(pieces, sequence: anchor.sequence)
                snapshotBytes = pieces.reduce(0) { $0 + $1.count }
            }
        } catch {
            recoverView(from: ledger, reader: reader)
            throw error
        }
        // Written and synced, but if this process could not map it, the view must still be true.
        if stateLock.withLock({ current.snapshot?.lastSequence != anchor.sequence }) { recoverView(from: ledger, reader: reader) }
        return ImportReport(transactions: count, events: eventCount, createdRecords: ledger.liveCount,
                            lastSequence: anchor.sequence, logSeconds: logDone - started,
                            snapshotSeconds: monotonicSeconds() - logDone, snapshotBytes: snapshotBytes)
    }

    /// If `events` only create records that exist nowhere yet (each once), appends them as one
    /// transaction and notes each record in `ledger`; returns false (writing nothing) otherwise.
    private func appendCreations(_ events: [Event], to ledger: inout ImportLedger, behind: WriteBehind) throws -> Bool {
        let view = stateLock.withLock { current }
        let viewIsEmpty = view.overlay.isEmpty && view.snapshot == nil
        let claimedBefore = ledger.claimed
        let allNew = events.withUnsafeBufferPointer { list -> Bool in
            for i in list.indices {
                guard list[i].baseVersion == 0, viewIsEmpty || !view.contains(list[i].record), ledger.claim(list[i].record) else {
                    ledger.unclaim(events[0..<i], downTo: claimedBefore)
                    return false
                }
            }
            return true
        }
        guard allNew else { return false }
        // Only the sizes here (to place the frame); the bytes are made on the write-behind thread,
        // which also notes the records in `ledger.records` once their frame is written.
        // With a string table only in a segment marked for them (a reader that does not know
        // tables then refuses the segment rather than skip events); an older store's segment
        // takes plain frames until the import moves on to a new, marked one.
        let features = cursor.segment.header.incompatibleFeatures
        let sizes = features & StoreFormat.featureStringTables == 0 ? EventEncoder.sizes(of: events)
            : TableEncoder.sizes(of: events, packed: features & StoreFormat.featurePackedEvents != 0)
        let payload: WriteBehind.Payload
        // If the thread is still writing the last frame, encoding this one here beats waiting.
        if behind.isBusy {
            let (bytes, bodies) = EventEncoder.encode(transaction: events, sizes: sizes, head: StoreFormat.frameHeaderSize, tail: 4)
            payload = .encodedEvents(bytes, bodies, events)
        } else {
            payload = .events(events, sizes)
        }
        do {
            try appendFrame(payload, payloadSize: sizes.payload, ledger: &ledger, behind: behind, claimedBefore: claimedBefore)
        } catch {
            ledger.unclaim(events[...], downTo: claimedBefore)
            throw error
        }
        return true
    }

    /// Appends a transaction the way `commit` folds it: records of the import it touches move
    /// from the ledger into the view first, then versions are checked against the view.
    private func appendFolded(_ events: [Event], ledger: inout ImportLedger, reader: LogEventReader, behind: WriteBehind) throws {
        // Promoting reads the log: the frame in flight must be there first.
        try finishWrite(behind, ledger: &ledger)
        for e in events {
            if let slot = ledger.slot(of: e.record) { try promote(slot, of: e.record, ledger: &ledger, reader: reader) }
        }
        // The view is checked in its own scope: no copy of it may be alive when it is folded.
        try {
            let now = stateLock.withLock { current }
            try now.validate(events)
        }()
        let frame = EventEncoder.encode(transaction: events, head: StoreFormat.frameHeaderSize, tail: 4).bytes
        let position = try appendFrame(.encoded(frame), payloadSize: frame.count - StoreFormat.frameOverhead,
                                       ledger: &ledger, behind: behind, claimedBefore: ledger.claimed)
        // Folded into the view only once written (a fold cannot be taken back).
        try finishWrite(behind, ledger: &ledger)
        stateLock.withLock { current.apply(events, sequence: cursor.lastSequence, at: position) }
    }

    /// Moves one imported record into the view's overlay, read back from its event in the log.
    private func promote(_ slot: Int, of id: RecordID, ledger: inout ImportLedger, reader: LogEventReader) throws {
        let reference = ledger.records.reference(slot)
        let event = try reader.event(at: reference, of: id)
        var fields: [String: FieldValue] = [:]
        for c in event.changes { fields[c.field] = c.to }
        let entry = RecordEntry(state: RecordState(id: id, version: 1, fields: fields, createdAt: event.at, lastEvent: event),
                                history: [reference.frame], lastSequence: 0)
        stateLock.withLock {
            current.overlay[id] = entry
            current.addedSinceSnapshot[id.kind, default: 0] += 1
        }
        ledger.promote(slot, id: id)
    }

    /// After a failure part way: every record the import wrote goes into the view (what is in
    /// the log is committed). If even that fails, writing stops until the store is reopened.
    private func recoverView(from ledger: ImportLedger, reader: LogEventReader) {
        var ledger = ledger
        do {
            for (id, slot) in ledger.live {
                try promote(slot, of: id, ledger: &ledger, reader: reader)
            }
            stateLock.withLock { current.lastSequence = max(current.lastSequence, cursor.lastSequence) }
        } catch {
            writeDisabled = "an import stopped part way and its records could not be read back (\(error)); reopen the store"
        }
    }

    /// Appends one frame after the last, starting a new segment when this one is full. The
    /// full segment is cut to its last frame and synced before the next one starts.
    /// The frame (of `payloadSize` bytes of payload) is made and written behind (`WriteBehind`)
    /// once the one before it is written; the claims the caller made in `ledger` since it held
    /// `claimedBefore` are the frame's records, forgotten again if the write fails.
    @discardableResult
    private func appendFrame(_ payload: WriteBehind.Payload, payloadSize: Int, ledger: inout ImportLedger,
                             behind: WriteBehind, claimedBefore: Int) throws -> LogPosition {
        // The last frame's events are freed once this one is on its way.
        let written = try finishWrite(behind, ledger: &ledger)
        let frameSize = StoreFormat.frameOverhead + payloadSize
        guard payloadSize <= StoreFormat.maxPayload else {
            throw StoreError.transactionTooLarge(bytes: payloadSize, limit: StoreFormat.maxPayload)
        }
        let sequence = cursor.lastSequence + 1
        if cursor.validEnd + Int64(frameSize) > Int64(segmentLimit)
            && cursor.validEnd > Int64(StoreFormat.segmentHeaderSize) {
            try startImportSegment(firstSequence: sequence)
        }
        let segment = cursor.segment
        let offset = cursor.validEnd
        let seal = WriteBehind.Seal(sequence: sequence, salt: segment.header.salt, previousHash: cursor.lastFrameHash)
        let before = cursor
        let position = LogPosition(segment: segment.number, offset: UInt64(offset))
        cursor.validEnd = offset + Int64(frameSize)
        cursor.fileSize = max(cursor.fileSize, cursor.validEnd)
        cursor.lastSequence = sequence
        cursor.lastFrameStart = position
        cursor.lastFrameEnd = UInt64(cursor.validEnd)
        cursor.lastFrameHash = []    // set when the write finishes (the hash is taken there)
        behind.start(payload, seal: seal, to: segment.fd, segment: segment.number, at: offset, io: io,
                     undo: WriteBehind.Undo(cursor: before, claimed: claimedBefore))
        withExtendedLifetime(written) {}
        return position
    }

    /// Cuts the current segment to its last frame, syncs it, and continues in a new segment
    /// (marked for string tables and packed events) whose first frame will be `firstSequence`.
    /// Nothing may be in flight (`finishWrite` first). A segment's header is never rewritten in
    /// place: another process may have read it already.
    private func startImportSegment(firstSequence: UInt64) throws {
        let old = cursor.segment
        if cursor.fileSize > cursor.validEnd {
            do { try io.truncate(old.fd, to: cursor.validEnd) } catch {
                throw StoreError.writeFailed(file: old.name, errno: error.errno)
            }
        }
        try syncImported()
        let next = try Self.startSegment(in: path, number: old.number + 1, firstSequence: firstSequence, io: io,
                                         incompatibleFeatures: StoreFormat.importFeatures)
        cursor.segment = next
        cursor.validEnd = Int64(StoreFormat.segmentHeaderSize)
        cursor.fileSize = Int64(StoreFormat.segmentHeaderSize)
    }

    /// Waits for the frame being written (the write-behind thread noted its records). If its
    /// write failed, takes it back: the file is cut where it started (nothing of ours stays
    /// behind as a torn tail), the cursor is restored and the ledger forgets its records; then
    /// the failure is thrown.
    /// Returns the written frame's events, for the caller to free when it suits it.
    @discardableResult
    private func finishWrite(_ behind: WriteBehind, ledger: inout ImportLedger) throws -> [Event] {
        guard let outcome = behind.finish() else { return [] }
        let failed: WriteBehind.Failed
        switch outcome {
        case let .success(written):
            cursor.lastFrameHash = written.hash
            return written.events
        case let .failure(f): failed = f
        }
        let (error, undo) = (failed.error, failed.undo)
        let segment = undo.cursor.segment
        if (try? io.truncate(segment.fd, to: undo.cursor.validEnd)) != nil {
            cursor = undo.cursor
            cursor.fileSize = min(cursor.fileSize, undo.cursor.validEnd)
        } else {
            cursor = undo.cursor
        }
        ledger.unclaimAll(downTo: undo.claimed)
        throw StoreError.writeFailed(file: segment.name, errno: error.errno)
    }

    /// Syncs the current segment; a failure disables writing in this process (see "fsyncgate").
    private func syncImported() throws {
        let segment = cursor.segment
        do { try io.dataSync(segment.fd) } catch {
            let failure = StoreError.syncFailed(file: segment.name, errno: error.errno)
            writeDisabled = failure.description
            throw failure
        }
    }
}

private func monotonicSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}
