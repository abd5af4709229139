import Dispatch
import Foundation
import ITSM

/// Encodes, seals, hashes and writes an import's frame on another thread while the import's
/// own thread takes the next transaction from the caller (who builds its events meanwhile),
/// and notes the records the frame creates in their snapshot layout (`ImportedRecords`).
/// Building (and freeing) the events and turning them into bytes are the two halves of an
/// import's CPU time; with two cores each half gets one.
///
/// At most one frame is in flight, and the next one starts only after it succeeded, so frames
/// reach the file in order: a crash never leaves a later frame after a missing one (which
/// opening would rightly call damage in the middle). The importing thread decides where a
/// frame goes (sequence, segment, offset: from the sizes, without the bytes) and hands over
/// the previous frame's hash it got from `finish()`; whoever reads the log, syncs it or
/// starts a segment first calls `finish()`.
final class WriteBehind: @unchecked Sendable {
    /// What to restore if the write fails.
    struct Undo {
        /// The cursor before the frame (its `validEnd` is where the frame starts).
        var cursor: Cursor
        /// The ledger's claims before the frame (those from here on were the frame's).
        var claimed: Int
    }

    /// The frame's payload: already encoded between room for the header and the checksum (as
    /// `EventEncoder.encode(transaction:head:tail:)` leaves it), or events that create records
    /// (`ImportedRecords`), to encode here with the sizes the importing thread computed to place
    /// the frame, or encoded by the importing thread itself (it does when this thread is still
    /// busy) with their body ranges. The events come here either way: this thread notes their
    /// records once written (`ImportedRecords`) and hands the events back (`Written.events`).
    enum Payload: Sendable {
        case encoded([UInt8])
        case events([Event], EventEncoder.Sizes)
        case encodedEvents([UInt8], [Range<Int>], [Event])
    }

    /// The header fields `Frame.seal` fills in.
    struct Seal: Sendable {
        var sequence: UInt64
        var salt: UInt64
        var previousHash: Digest32
    }

    /// A frame written: its SHA-256 (the next frame's link in the chain), and its events handed
    /// back for the importing thread to free: memory goes back to the allocator of the thread
    /// that took it (freed here, each block took the importing thread's arena lock, contended,
    /// and each string's reference count came over from the other core).
    struct Written: Sendable {
        var hash: Digest32 = []
        var events: [Event] = []
    }

    private let queue = DispatchQueue(label: "opsdesk.import.write-behind")
    /// Where the records of written frames go (only this thread adds to it), and the snapshot
    /// file their index entries are written to as they come, if any.
    private let records: ImportedRecords
    private let draft: SnapshotDraft?

    init(records: ImportedRecords, draft: SnapshotDraft?) {
        self.records = records
        self.draft = draft
    }
    private var pending: (done: DispatchSemaphore, outcome: Outcome, undo: Undo)?
    /// Whether the frame in flight is known to be finished (its semaphore already taken).
    private var pendingFinished = false

    private final class Outcome: @unchecked Sendable { var error: FileIOError?; var written = Written() }

    /// The payload on its way to this thread, which takes it out: then the frame's bytes have
    /// one owner here and are sealed in place. Captured directly, the payload would keep a
    /// second reference to them for as long as the closure lives, and sealing would copy them
    /// (2 MB and fresh pages per frame the importing thread encoded).
    private final class Handoff: @unchecked Sendable {
        private var payload: Payload?
        init(_ payload: Payload) { self.payload = payload }
        func take() -> Payload {
            defer { payload = nil }
            return payload!
        }
    }

    /// Starts making and writing the frame at `offset` of `fd`, the segment numbered `segment`.
    /// Call only with nothing in flight.
    func start(_ payload: Payload, seal: Seal, to fd: Int32, segment: UInt32, at offset: Int64, io: any FileIO, undo: Undo) {
        precondition(pending == nil, "WriteBehind: a write is already in flight")
        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        let (records, draft) = (records, draft)
        let handoff = Handoff(payload)
        queue.async {
            let head = StoreFormat.frameHeaderSize
            var frame: [UInt8]
            var created: (events: [Event], bodies: [Range<Int>])? = nil
            switch handoff.take() {
            case let .encoded(bytes): frame = bytes
            case let .events(events, sizes):
                let (bytes, bodies) = EventEncoder.encode(transaction: events, sizes: sizes, head: head, tail: 4)
                (frame, created) = (bytes, (events, bodies))
            case let .encodedEvents(bytes, bodies, events):
                (frame, created) = (bytes, (events, bodies))
            }
            let checksums = created.map { c in
                frame.withUnsafeBytes { f in
                    c.bodies.map { CRC32C.mask(CRC32C.checksum(UnsafeRawBufferPointer(rebasing: f[(head + $0.lowerBound)..<(head + $0.upperBound)]))) }
                }
            }
            Frame.seal(&frame, sequence: seal.sequence, salt: seal.salt, previousHash: seal.previousHash)
            outcome.written.hash = frame.withUnsafeBytes { sha256($0) }
            do throws(FileIOError) { try io.writeAll(fd, frame, at: offset) } catch { outcome.error = error }
            if outcome.error == nil {
                Self.startWriteback(fd, at: offset, count: frame.count)
                if let created, let checksums {
                    records.add(created.events, bodies: created.bodies, checksums: checksums,
                                frame: LogPosition(segment: segment, offset: UInt64(offset)))
                    draft?.catchUp(with: records)
                }
            }
            if let created { outcome.written.events = created.events }
            done.signal()
        }
        pending = (done, outcome, undo)
        pendingFinished = false
    }

    /// Whether the thread is still at work on the frame in flight (without waiting). An import
    /// with the next transaction in hand encodes it itself while the thread is busy, rather
    /// than wait for it: each thread then takes the work when it has time, whatever else the
    /// machine is running.
    var isBusy: Bool {
        guard let p = pending, !pendingFinished else { return false }
        if p.done.wait(timeout: .now()) == .success { pendingFinished = true; return false }
        return true
    }

    /// Waits for the frame in flight: what was written, or the error and what to restore; nil
    /// if nothing was in flight.
    func finish() -> Result<Written, Failed>? {
        guard let p = pending else { return nil }
        if !pendingFinished { p.done.wait() }
        pending = nil
        if let error = p.outcome.error { return .failure(Failed(error: error, undo: p.undo)) }
        return .success(p.outcome.written)
    }

    /// Asks the kernel to start writing these bytes to disk now, without waiting: the sync that
    /// ends a segment (the import waits for it, and nothing else runs meanwhile) then finds
    /// little left to write. Only a hint: durability still comes from that sync, so a failure
    /// here is ignored (the sync reports any I/O error).
    static func startWriteback(_ fd: Int32, at offset: Int64, count: Int) {
        _ = linuxSyncFileRange(fd, offset, Int64(count), 2 /* SYNC_FILE_RANGE_WRITE */)
    }

    struct Failed: Error {
        var error: FileIOError
        var undo: Undo
    }

    var isIdle: Bool { pending == nil }
}

/// sync_file_range(2), which Glibc's module does not export (it is a GNU extension).
@_silgen_name("sync_file_range")
private func linuxSyncFileRange(_ fd: Int32, _ offset: Int64, _ count: Int64, _ flags: UInt32) -> Int32
