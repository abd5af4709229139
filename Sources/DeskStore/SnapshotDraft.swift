#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The snapshot of an import into an empty store, written while the log is: its index entries
/// sit at fixed offsets (after the header, one per record in key order, the order an import of
/// numbered records adds them in), so the importing thread writes each frame's entries while
/// the write-behind thread hashes and writes the next frame (the importing thread has time to
/// spare there; after the log, nothing else runs while the snapshot is written). At the end
/// only the header, keys and bodies are left: about half of the file.
///
/// Only an optimisation: if a write fails, the draft is dropped and the snapshot is written
/// whole at the end, as without one (where a failure is reported).
final class SnapshotDraft {
    let temp: String
    let fd: Int32
    private let io: any FileIO
    /// How many bytes of `ImportedRecords.entries` the file holds (from `headerSize` on).
    private(set) var written = 0
    private(set) var failed = false

    init(temp: String, fd: Int32, io: any FileIO) {
        self.temp = temp
        self.fd = fd
        self.io = io
    }

    /// The entries added since the last write, copied out: they are written while the
    /// write-behind thread appends to `records` (call only while nothing is in flight).
    func newEntries(of records: ImportedRecords) -> [UInt8] {
        failed ? [] : Array(records.entries[written...])
    }

    /// Writes entries from `newEntries`, and has the kernel start writing them to disk.
    func write(_ entries: [UInt8]) {
        guard !failed, !entries.isEmpty else { return }
        let at = Int64(SnapshotFormat.headerSize + written)
        do throws(FileIOError) { try io.writeAll(fd, entries, at: at) } catch {
            failed = true
            return
        }
        WriteBehind.startWriteback(fd, at: at, count: entries.count)
        written += entries.count
    }

    /// What is left to write of the snapshot `pieces` (header, index, keys, bodies, as
    /// `SnapshotWriter.buildPieces` makes them for the same records), at their offsets.
    func remainder(of pieces: [[UInt8]]) -> [(at: Int64, bytes: [UInt8])] {
        precondition(pieces.count == 4 && pieces[1].count >= written, "SnapshotDraft: pieces of another snapshot")
        let (header, index, keys, bodies) = (pieces[0], pieces[1], pieces[2], pieces[3])
        let keysAt = Int64(header.count + index.count)
        return [(0, header), (Int64(header.count + written), Array(index[written...])),
                (keysAt, keys), (keysAt + Int64(keys.count), bodies)]
    }

    /// Closes and removes the file (the snapshot is written whole instead, or not at all).
    func discard() {
        close(fd)
        unlink(temp)
    }
}
