#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The snapshot of an import into an empty store, written while the log is: its index entries
/// sit at fixed offsets (after the header, one per record in key order, the order an import of
/// numbered records adds them in), so the write-behind thread writes each frame's entries as
/// it notes its records (it has time to spare there; after the log, nothing else runs while
/// the snapshot is written). At the end only the header, keys and bodies are left: about half
/// of the file. Used by one thread at a time: the write-behind thread while the import runs,
/// the importing thread once nothing is in flight.
///
/// Only an optimisation: if a write fails, the draft is dropped and the snapshot is written
/// whole at the end, as without one (where a failure is reported).
final class SnapshotDraft: @unchecked Sendable {
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

    /// Writes the entries `records` has that the file does not yet, and has the kernel start
    /// writing them to disk.
    func catchUp(with records: ImportedRecords) {
        guard !failed else { return }
        let at = Int64(SnapshotFormat.headerSize + written)
        let count = records.entries.withUnsafeBytes { e -> Int? in
            let new = UnsafeRawBufferPointer(rebasing: e[written...])
            do throws(FileIOError) { try io.writeAll(fd, new, at: at) } catch { return nil }
            return new.count
        }
        guard let count else { failed = true; return }
        WriteBehind.startWriteback(fd, at: at, count: count)
        written += count
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
