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
        let bytes = RowImage.build(sorted, anchorSequence: store.view.lastSequence, logSalt: FrameReader(path: store.path).logSalt())
        try RowImage.writeFile(bytes, store: store)
    }
}

extension RowImage {
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
