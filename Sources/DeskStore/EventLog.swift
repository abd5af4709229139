import Foundation
import ITSM

/// One committed transaction as read back from the log.
public struct CommittedTransaction: Sendable, Hashable {
    public let sequence: UInt64
    public let position: LogPosition
    public let events: [Event]
}

/// The narrow seam the desk depends on (DESIGN.md, "Beyond one box"): append a transaction if
/// the records' versions still match, read from a sequence number, follow new transactions,
/// keep snapshots. `EventStore` is the local implementation; a PostgreSQL one (an append-only
/// table, a version-checking transaction, LISTEN/NOTIFY) can take its place.
public protocol EventLog: AnyObject, Sendable {
    var view: StoreView { get }
    @discardableResult func commit(_ build: (StoreView) throws -> [Event]) throws -> CommitReceipt
    @discardableResult func catchUp() throws -> [Event]
    func transactions(after sequence: UInt64, limit: Int) throws -> [CommittedTransaction]
    func follow(_ onChange: @escaping @Sendable ([Event]) -> Void) -> FollowToken
    func history(of id: RecordID) throws -> [Event]
    @discardableResult func compact() throws -> CompactReport
}

extension EventStore: EventLog {
    /// Transactions with sequence numbers after `sequence`, oldest first, at most `limit`.
    /// Finds the segment by its header's first sequence, then reads forward.
    public func transactions(after sequence: UInt64, limit: Int = .max) throws -> [CommittedTransaction] {
        let numbers = try Self.segmentNumbers(in: path)
        var segments: [Segment] = []
        for n in numbers { segments.append(try segmentHandle(n)) }
        // The last segment whose first transaction is at or before the one wanted.
        let startIndex = segments.lastIndex { $0.header.firstSequence <= sequence + 1 } ?? 0
        let last = view.lastSequence
        var out: [CommittedTransaction] = []
        var expected: UInt64? = nil
        for segment in segments[startIndex...] {
            let size = try Posix.size(segment.fd, path: segment.path)
            let bytes = try Posix.read(segment.fd, at: 0, count: Int(size), path: segment.path)
            var done = false
            try bytes.withUnsafeBytes { b in
                var o = StoreFormat.segmentHeaderSize
                while o < b.count, out.count < limit {
                    guard case let .success(f) = Frame.check(b, at: o, salt: segment.header.salt, expectedSequence: expected ?? segment.header.firstSequence) else {
                        // Free space (zeros to the end) ends a segment cleanly; anything else ends the log.
                        done = !StoreFormat.isZero(b, from: o); return
                    }
                    guard f.sequence <= last else { done = true; return }
                    expected = f.sequence + 1
                    if f.sequence > sequence {
                        guard let events = try? EventCoding.decode(transaction: f.payload) else {
                            throw StoreError.unreadablePayload(segment: segment.name, offset: o)
                        }
                        out.append(CommittedTransaction(sequence: f.sequence, position: LogPosition(segment: segment.number, offset: UInt64(o)), events: events))
                    }
                    o += f.length
                }
                if out.count >= limit { done = true }
            }
            if done { break }
        }
        return out
    }
}
