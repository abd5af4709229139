#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ITSM

/// Queue rows gathered by an importer (the demo generator) that already holds every
/// incident folded, written out as the `queue-rows` image so no console has to rebuild them.
public struct QueueRows: Sendable {
    var rows: [PackedRow] = []
    var positions: [UInt32: Int] = [:]

    public init(capacity: Int = 0) { rows.reserveCapacity(capacity) }

    public var count: Int { rows.count }

    /// Adds or replaces the row of `row.number`.
    public mutating func put(_ row: IncidentRow) {
        let p = PackedRow(row)
        if let i = positions[p.number] { rows[i] = p; return }
        positions[p.number] = rows.count
        rows.append(p)
    }

    /// Writes the image anchored at the store's current last transaction. Call after the
    /// last commit; the rows must be exactly the incidents as of that transaction.
    public func write(to store: EventStore) throws {
        let sorted = rows.sorted { $0.number < $1.number }
        let view = store.view, frames = FrameReader(path: store.path)
        let (anchor, directory) = try RowImage.firstLookParts(view: view, sequence: view.lastSequence, frames: frames)
        let bytes = RowImage.build(sorted, anchorSequence: view.lastSequence, logSalt: frames.logSalt(),
                                   anchorFrame: anchor, directory: directory)
        try RowImage.writeFile(bytes, store: store)
    }
}

extension RowImage {
    /// What lets a console draw from the image alone (`Desk.firstLook`): the frame of the
    /// anchor transaction and the directory's events — only when the rows are at `view`'s
    /// last transaction (else none, and consoles open the store first).
    static func firstLookParts(view: StoreView, sequence: UInt64, frames: FrameReader) throws -> (LogAnchor?, [UInt8]) {
        guard sequence == view.lastSequence, let frame = LogTail.anchor(of: sequence, in: frames.path) else { return (nil, []) }
        let ids = Desk.directoryKinds.flatMap { view.recordIDs(of: $0) }
        return (frame, EventCoding.encode(transaction: try frames.events(of: Set(ids), in: view)))
    }

    /// Writes image bytes beside the snapshot: temp → fsync → rename → fsync dir.
    static func writeFile(_ bytes: [UInt8], store: EventStore) throws {
        let final = store.path + "/" + fileName
        let temp = store.path + "/.\(fileName).tmp-\(getpid())"
        let fd = try Posix.createFile(temp)
        do {
            defer { close(fd) }
            do { try store.io.writeAll(fd, bytes, at: 0) } catch { unlink(temp); throw StoreError.writeFailed(file: fileName, errno: error.errno) }
            do { try store.io.fullSync(fd) } catch { unlink(temp); throw StoreError.syncFailed(file: fileName, errno: error.errno) }
        }
        do { try store.io.rename(temp, final) } catch { unlink(temp); throw StoreError.writeFailed(file: fileName, errno: error.errno) }
        try Posix.syncDirectory(store.path, io: store.io)
    }
}
