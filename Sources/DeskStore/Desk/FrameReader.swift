#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ITSM

/// Reads transactions from the log for the Desk: the frames holding a set of records' events
/// (in log order), or every frame from the start. Keeps its own read-only segment handles and
/// a few recently decoded small frames (the directory's, read for every decision).
final class FrameReader: @unchecked Sendable {
    let path: String
    private let lock = NSLock()
    private var segments: [UInt32: Segment] = [:]
    private var recent: [LogPosition: [Event]] = [:]
    private var recentOrder: [LogPosition] = []
    private static let recentLimit = 32
    private static let cacheableBytes = 256 << 10

    init(path: String) { self.path = path }

    private func segment(_ number: UInt32) throws -> Segment {
        if let s = lock.withLock({ segments[number] }) { return s }
        let s = try Segment(directory: path, number: number, writable: false)
        lock.withLock { segments[number] = s }
        return s
    }

    /// The salt of the log's first segment: tells this log from any other.
    func logSalt() -> UInt64 {
        guard let numbers = try? EventStore.segmentNumbers(in: path), let first = numbers.first,
              let s = try? segment(first) else { return 0 }
        return s.header.salt
    }

    /// The events of one frame that belong to `ids` (all with nil). Small frames (the
    /// directory's, single commands) are decoded whole and kept; big import frames are
    /// scanned and only the wanted events decoded.
    func events(at position: LogPosition, matching ids: Set<RecordID>? = nil) throws -> [Event] {
        if let hit = lock.withLock({ recent[position] }) {
            guard let ids else { return hit }
            return hit.filter { ids.contains($0.record) }
        }
        let segment = try segment(position.segment)
        var small = false
        let decoded: [Event] = try segment.withCheckedFrame(at: position.offset) { payload in
            small = payload.count <= Self.cacheableBytes
            return small || ids == nil ? try EventCoding.decode(transaction: payload)
                                       : try Self.decode(transaction: payload, matching: ids ?? [])
        }
        guard small || ids == nil else { return decoded }
        if small {
            lock.withLock {
                recent[position] = decoded
                recentOrder.append(position)
                if recentOrder.count > Self.recentLimit { recent[recentOrder.removeFirst()] = nil }
            }
        }
        guard let ids else { return decoded }
        return decoded.filter { ids.contains($0.record) }
    }

    /// Decodes only the events of `ids`: each event's kind and key are read first and the
    /// rest skipped unless it is wanted.
    static func decode(transaction bytes: UnsafeRawBufferPointer, matching ids: Set<RecordID>) throws(MalformedBytes) -> [Event] {
        var r = ByteReader(bytes)
        var events: [Event] = []
        var strings: [String] = []    // the frame's string table, if it has one (it comes first)
        while !r.atEnd {
            let (tag, body) = try r.field()
            if tag == EventCoding.tagStrings { strings = try EventCoding.decodeStrings(body) }
            guard tag == EventCoding.tagEvent || tag == EventCoding.tagTableEvent else { continue }
            var peek = body
            var kind: String? = nil, key: String? = nil
            while !peek.atEnd && (kind == nil || key == nil) {
                let (t, value) = try peek.field()
                if t == EventCoding.tagKind { kind = value.string } else if t == EventCoding.tagKey { key = value.string }
            }
            guard let kind, let key, ids.contains(RecordID(kind: RecordKind(rawValue: kind), key: key)) else { continue }
            events.append(try EventCoding.decodeEvent(body, strings: tag == EventCoding.tagTableEvent ? strings : []))
        }
        return events
    }

    /// The events of `ids`, in log order, as of `view`.
    func events(of ids: Set<RecordID>, in view: StoreView) throws -> [Event] {
        var positions = Set<LogPosition>()
        for id in ids { if let e = view.entry(id) { positions.formUnion(e.history) } }
        var out: [Event] = []
        for p in positions.sorted() { out.append(contentsOf: try events(at: p, matching: ids)) }
        return out
    }

    /// Every transaction up to and including `lastSequence`, in order.
    func forEachTransaction(upTo lastSequence: UInt64, _ body: ([Event]) throws -> Void) throws {
        guard lastSequence > 0 else { return }
        let numbers = try EventStore.segmentNumbers(in: path)
        var expected: UInt64 = 1
        for n in numbers {
            let s = try segment(n)
            guard s.header.firstSequence <= expected else { break }
            let size = try Posix.size(s.fd, path: s.path)
            let bytes = try Posix.read(s.fd, at: 0, count: Int(size), path: s.path)
            var done = false
            try bytes.withUnsafeBytes { b in
                var o = StoreFormat.segmentHeaderSize
                while o < b.count, expected <= lastSequence {
                    guard case let .success(f) = Frame.check(b, at: o, salt: s.header.salt, expectedSequence: nil) else { break }
                    o += f.length
                    if f.sequence < expected { continue }
                    let events = try EventCoding.decode(transaction: f.payload)
                    try body(events)
                    expected = f.sequence + 1
                }
                done = expected > lastSequence
            }
            if done { return }
        }
    }
}
