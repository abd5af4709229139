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

    /// The events of one frame.
    func events(at position: LogPosition) throws -> [Event] {
        if let hit = lock.withLock({ recent[position] }) { return hit }
        let segment = try segment(position.segment)
        let head = try Posix.read(segment.fd, at: Int64(position.offset), count: StoreFormat.frameHeaderSize, path: segment.path)
        guard head.count == StoreFormat.frameHeaderSize else {
            throw StoreError.damagedLog(segment: segment.name, offset: Int(position.offset), reason: "history points past the end")
        }
        let length = head.withUnsafeBytes { Int($0.u32(at: 0)) }
        guard length <= StoreFormat.maxPayload else {
            throw StoreError.damagedLog(segment: segment.name, offset: Int(position.offset), reason: "impossible frame length")
        }
        let frame = try Posix.read(segment.fd, at: Int64(position.offset), count: length + StoreFormat.frameOverhead, path: segment.path)
        let decoded: [Event]? = frame.withUnsafeBytes { b -> [Event]? in
            guard case let .success(f) = Frame.check(b, at: 0, salt: segment.header.salt, expectedSequence: nil) else { return nil }
            return try? EventCoding.decode(transaction: f.payload)
        }
        guard let decoded else {
            throw StoreError.damagedLog(segment: segment.name, offset: Int(position.offset), reason: "a frame of a record's history fails its checksum")
        }
        if length <= Self.cacheableBytes {
            lock.withLock {
                recent[position] = decoded
                recentOrder.append(position)
                if recentOrder.count > Self.recentLimit { recent[recentOrder.removeFirst()] = nil }
            }
        }
        return decoded
    }

    /// The events of `ids`, in log order, as of `view`.
    func events(of ids: Set<RecordID>, in view: StoreView) throws -> [Event] {
        var positions = Set<LogPosition>()
        for id in ids { if let e = view.entry(id) { positions.formUnion(e.history) } }
        var out: [Event] = []
        for p in positions.sorted() {
            for e in try events(at: p) where ids.contains(e.record) { out.append(e) }
        }
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
