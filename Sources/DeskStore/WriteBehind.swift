import Dispatch
import Foundation
import ITSM

/// Writes an import's frame on another thread while the import builds the next one: copying a
/// big frame into the page cache is a large part of an import's time, and the caller's thread
/// meanwhile makes and encodes the next transaction.
///
/// At most one write is in flight, and the next frame is written only after it succeeded, so
/// frames reach the file in order: a crash never leaves a later frame after a missing one
/// (which opening would rightly call damage in the middle). Whoever reads the log, syncs it or
/// starts a segment first calls `finish()`.
final class WriteBehind: @unchecked Sendable {
    /// What to restore if the write fails.
    struct Undo {
        /// The cursor before the frame (its `validEnd` is where the frame starts).
        var cursor: Cursor
        /// The ledger's size before the frame's records were added, and those records.
        var ledgerCount: Int
        var records: [RecordID]
    }

    private let queue = DispatchQueue(label: "opsdesk.import.write-behind")
    private var pending: (done: DispatchSemaphore, failure: Failure, undo: Undo)?

    private final class Failure: @unchecked Sendable { var error: FileIOError?; var hash: Digest32 = [] }

    /// Starts writing `frame` at `offset` of `fd`. Call only with nothing in flight.
    func start(_ frame: [UInt8], to fd: Int32, at offset: Int64, io: any FileIO, undo: Undo) {
        precondition(pending == nil, "WriteBehind: a write is already in flight")
        let done = DispatchSemaphore(value: 0)
        let failure = Failure()
        queue.async {
            // The frame's hash (the next frame's link in the chain) is taken here too.
            failure.hash = frame.withUnsafeBytes { sha256($0) }
            do throws(FileIOError) { try io.writeAll(fd, frame, at: offset) } catch { failure.error = error }
            done.signal()
        }
        pending = (done, failure, undo)
    }

    /// Waits for the write in flight: the frame's SHA-256 once written, or its error and what to
    /// restore; nil if nothing was in flight.
    func finish() -> Result<Digest32, Failed>? {
        guard let p = pending else { return nil }
        p.done.wait()
        pending = nil
        if let error = p.failure.error { return .failure(Failed(error: error, undo: p.undo)) }
        return .success(p.failure.hash)
    }

    struct Failed: Error {
        var error: FileIOError
        var undo: Undo
    }

    var isIdle: Bool { pending == nil }
}
