#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The snapshot of an import into an empty store, written while the log is (version 3 of
/// `SnapshotFormat`): its index entries sit at fixed offsets (after the header, one per record
/// in key order, the order an import of numbered records adds them in), and its data section
/// (each record's key and log reference, `ImportedRecords.data`) at an offset chosen with room
/// for many more entries before it. The write-behind thread writes each frame's entries and
/// data as it notes its records (it has time to spare there; after the log, nothing else runs
/// while the snapshot is finished), and has the kernel start writing them to disk. At the end
/// only the header is left to write, and the final sync finds little left to write.
///
/// If the index outgrows its room, the data written so far is written again further on (from
/// memory; what it leaves behind lies in the index or in the gap, which no reader reads). Used
/// by one thread at a time: the write-behind thread while the import runs, the importing thread
/// once nothing is in flight.
///
/// Only an optimisation: if a write fails, the draft is dropped and the snapshot is written
/// whole at the end, as without one (where a failure is reported).
final class SnapshotDraft: @unchecked Sendable {
    let temp: String
    let fd: Int32
    private let io: any FileIO
    /// How many bytes of `ImportedRecords.entries` the file holds (from `headerSize` on)…
    private(set) var written = 0
    /// …where the data section starts (0 until the first records come), and how much of
    /// `ImportedRecords.data` is there.
    private(set) var dataAt: Int64 = 0
    private(set) var dataWritten = 0
    private(set) var failed = false

    /// Index room left before the data section, in entries per record so far: the first frame's
    /// guess is generous (a hole in the file costs no disk and is never read); a later move makes
    /// room for four times the records then (each move rewrites at most a third of the data).
    static let firstRoom = 128, laterRoom = 4

    init(temp: String, fd: Int32, io: any FileIO) {
        self.temp = temp
        self.fd = fd
        self.io = io
    }

    /// Writes the entries and data `records` has that the file does not yet, and has the kernel
    /// start writing them to disk.
    func catchUp(with records: ImportedRecords) {
        guard !failed, records.count > 0 else { return }
        if dataAt == 0 || Int64(SnapshotFormat.headerSize + records.entries.count) > dataAt {
            let room = (dataAt == 0 ? Self.firstRoom : Self.laterRoom) * records.count
            // Page-aligned, so the data's pages are never shared with the index's.
            dataAt = Int64((SnapshotFormat.headerSize + room * SnapshotFormat.entrySize + 4095) & ~4095)
            dataWritten = 0
        }
        guard write(records.entries, from: written, at: Int64(SnapshotFormat.headerSize)),
              write(records.data, from: dataWritten, at: dataAt) else { failed = true; return }
        written = records.entries.count
        dataWritten = records.data.count
    }

    private func write(_ bytes: [UInt8], from: Int, at base: Int64) -> Bool {
        bytes.withUnsafeBytes { b in
            let new = UnsafeRawBufferPointer(rebasing: b[from...])
            do throws(FileIOError) { try io.writeAll(fd, new, at: base + Int64(from)) } catch { return false }
            WriteBehind.startWriteback(fd, at: base + Int64(from), count: new.count)
            return true
        }
    }

    /// What is left to write of the snapshot of `records` alone (normally only the header), at
    /// their offsets, and the file's length. Call only if not `failed`.
    func remainder(of records: ImportedRecords, anchor: SnapshotWriter.Anchor, now: Date = Date())
        -> (writes: [(at: Int64, bytes: [UInt8])], length: Int64) {
        precondition(!failed && written <= records.entries.count && dataWritten <= records.data.count, "SnapshotDraft: not these records")
        if dataAt == 0 { dataAt = Int64(SnapshotFormat.headerSize + records.entries.count) }    // none placed yet: no gap
        let header = SnapshotWriter.importHeader(records, dataAt: UInt64(dataAt), anchor: anchor, now: now)
        var writes: [(at: Int64, bytes: [UInt8])] = [(0, header)]
        if written < records.entries.count {
            writes.append((Int64(SnapshotFormat.headerSize + written), Array(records.entries[written...])))
        }
        if dataWritten < records.data.count { writes.append((dataAt + Int64(dataWritten), Array(records.data[dataWritten...]))) }
        return (writes, dataAt + Int64(records.data.count))
    }

    /// Closes and removes the file (the snapshot is written whole instead, or not at all).
    func discard() {
        close(fd)
        unlink(temp)
    }
}
