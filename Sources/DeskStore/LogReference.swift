#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ITSM

/// Where one event's bytes sit in the log, with their checksum: a snapshot body of form 1
/// (`SnapshotFormat.bodyLogReference`). A record created by a bulk import has exactly one
/// event, so its state *is* that event: the snapshot points at it instead of holding a copy.
struct LogReference: Equatable {
    /// The frame (transaction) holding the event: the record's history.
    var frame: LogPosition
    /// The event body's first byte in the segment file, and its length.
    var eventOffset: UInt64
    var eventLength: UInt32
    /// Masked CRC32C of the event body's bytes.
    var checksum: UInt32

    init(frame: LogPosition, eventOffset: UInt64, eventLength: UInt32, checksum: UInt32) {
        self.frame = frame
        self.eventOffset = eventOffset
        self.eventLength = eventLength
        self.checksum = checksum
    }

    /// Reads the 28 bytes of a form-1 body (the snapshot checked their length at open).
    init(_ b: UnsafeRawBufferPointer) {
        frame = LogPosition(segment: b.u32(at: 0), offset: b.u64(at: 4))
        eventOffset = b.u64(at: 12)
        eventLength = b.u32(at: 20)
        checksum = b.u32(at: 24)
    }

    func write(into w: inout [UInt8]) {
        // One append of the 28 bytes (a million of these in a big import's snapshot).
        var b: (UInt64, UInt64, UInt64, UInt32) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &b) { r in
            r.storeBytes(of: frame.segment.littleEndian, toByteOffset: 0, as: UInt32.self)
            r.storeBytes(of: frame.offset.littleEndian, toByteOffset: 4, as: UInt64.self)
            r.storeBytes(of: eventOffset.littleEndian, toByteOffset: 12, as: UInt64.self)
            r.storeBytes(of: eventLength.littleEndian, toByteOffset: 20, as: UInt32.self)
            r.storeBytes(of: checksum.littleEndian, toByteOffset: 24, as: UInt32.self)
            w.append(contentsOf: UnsafeRawBufferPointer(rebasing: r[0..<SnapshotFormat.referenceSize]))
        }
    }
}

/// Reads referenced events from the log's segment files, with `pread` (never a mapping: a
/// segment that `store repair` shortens under a running process must give an error, not a
/// SIGBUS). Thread-safe; segment files are opened once and kept.
final class LogEventReader: @unchecked Sendable {
    let directory: String
    private let lock = NSLock()
    private var segments: [UInt32: Segment] = [:]

    /// Frames' string tables (empty for a frame without one), by frame: an import's frame holds
    /// thousands of records, so a table is read once for all of them.
    private var tables: [LogPosition: [String]] = [:]
    private static let tablesKept = 1024

    init(directory: String) { self.directory = directory }

    /// The string table the frame at `offset` of segment `s` starts with (`EventCoding.tagStrings`),
    /// checked against its own checksum; empty if the frame has none.
    private func strings(ofFrameAt offset: UInt64, in s: Segment, damaged: (String) -> StoreError) throws(StoreError) -> [String] {
        let key = LogPosition(segment: s.number, offset: offset)
        if let t = lock.withLock({ tables[key] }) { return t }
        guard offset <= UInt64(Int32.max) * 4 else { throw damaged("has its transaction past the end of the log") }
        let head = StoreFormat.frameHeaderSize
        let start = try Posix.read(s.fd, at: Int64(offset), count: head + 8, path: s.path)
        guard start.count == head + 8 else { throw damaged("has its transaction past the end of the log") }
        // The payload's first field: its tag and length (bounded by the payload's own length).
        let (tag, length, fieldStart) = start.withUnsafeBytes { b -> (UInt64, UInt64, Int) in
            var r = ByteReader(UnsafeRawBufferPointer(rebasing: b[head...]))
            guard let t = try? r.varint(), let l = try? r.varint() else { return (0, 0, 0) }
            return (t, l, head + r.position)
        }
        var table: [String] = []
        if tag == EventCoding.tagStrings {
            let payloadLength = start.withUnsafeBytes { UInt64($0.u32(at: 0)) }
            guard length <= payloadLength, payloadLength <= UInt64(StoreFormat.maxPayload) else {
                throw damaged("has a malformed string table in its transaction")
            }
            let bytes = try Posix.read(s.fd, at: Int64(offset) + Int64(fieldStart), count: Int(length), path: s.path)
            guard bytes.count == Int(length),
                  let t = bytes.withUnsafeBytes({ try? EventCoding.decodeStrings(ByteReader($0)) }) else {
                throw damaged("has a damaged string table in its transaction")
            }
            table = t
        }
        lock.withLock {
            if tables.count >= Self.tablesKept { tables.removeAll(keepingCapacity: true) }
            tables[key] = table
        }
        return table
    }

    private func segment(_ number: UInt32) throws(StoreError) -> Segment {
        if let s = lock.withLock({ segments[number] }) { return s }
        let s: Segment
        do { s = try Segment(directory: directory, number: number, writable: false) } catch {
            throw StoreError.damagedLog(segment: StoreFormat.segmentName(number), offset: 0, reason: "the segment a snapshot record points to cannot be read (\(error))")
        }
        lock.withLock { segments[number] = s }
        return s
    }

    /// The event `reference` points to, checked against its checksum and against the record
    /// the snapshot's index says it belongs to. Damage is a clear error naming where it is.
    func event(at reference: LogReference, of id: RecordID) throws(StoreError) -> Event {
        let s = try segment(reference.frame.segment)
        // Offsets past any segment's size are refused before they become Int64s (never a trap).
        let plausible = reference.eventOffset <= UInt64(Int32.max) * 4
        let where_ = Int(clamping: reference.eventOffset)
        func damaged(_ why: String) -> StoreError {
            .damagedLog(segment: s.name, offset: where_, reason: "\(id)'s event, which the snapshot points to, \(why); `opsdesk store verify` finds the damaged transaction")
        }
        guard plausible else { throw damaged("is past the end of the log") }
        guard reference.eventLength <= UInt32(StoreFormat.maxPayload) else { throw damaged("has an impossible length") }
        let bytes = try Posix.read(s.fd, at: Int64(reference.eventOffset), count: Int(reference.eventLength), path: s.path)
        guard bytes.count == Int(reference.eventLength) else { throw damaged("is past the end of the log") }
        guard bytes.withUnsafeBytes({ CRC32C.mask(CRC32C.checksum($0)) }) == reference.checksum else { throw damaged("fails its checksum") }
        let table = try strings(ofFrameAt: reference.frame.offset, in: s, damaged: damaged)
        guard let event = bytes.withUnsafeBytes({ try? EventCoding.decodeEvent(ByteReader($0), strings: table) }) else { throw damaged("cannot be decoded") }
        guard event.record == id else { throw damaged("belongs to another record") }
        return event
    }
}
