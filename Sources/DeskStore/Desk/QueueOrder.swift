import Foundation

/// A queue's rows (indices into an `IncidentTable`) in display order, sorted only as far as
/// they are read.
///
/// Why: the console's first frame shows one page of a queue that holds some 70,000 open
/// incidents at a million, and sorting them all was most of the start (2 ms); picking the
/// first rows in one pass over their keys is a tenth of that. The rest is sorted the first
/// time a row past the head is read (scrolling down, a filter, finding an incident): once,
/// shared by every copy. The head is the full order's prefix exactly — both come from the
/// same keys over the same rows (`IncidentTable.order`).
public struct QueueOrder: RandomAccessCollection, Equatable, Sendable {
    /// How many rows are picked before the first frame: more than a terminal shows.
    public static let headCount = 256

    public let count: Int
    private let storage: Storage

    /// Rows already in order.
    public init(_ sorted: [Int32] = []) {
        count = sorted.count
        storage = Storage(head: sorted, rest: nil)
    }

    /// `count` rows of which `head` are the first in order; `sortAll` gives them all.
    init(count: Int, head: [Int32], sortAll: @escaping @Sendable () -> [Int32]) {
        self.count = count
        storage = Storage(head: head, rest: sortAll)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    public subscript(position: Int) -> Int32 {
        let head = storage.head
        return position < head.count ? head[position] : storage.all[position]
    }

    /// Every row in order (sorting the rest now if it was not yet).
    public var all: [Int32] { storage.all }

    public func firstIndex(of row: Int32) -> Int? {
        if let k = storage.head.firstIndex(of: row) { return k }
        return storage.head.count == count ? nil : storage.all.firstIndex(of: row)
    }

    public static func == (a: QueueOrder, b: QueueOrder) -> Bool {
        a.count == b.count && (a.storage === b.storage || a.all == b.all)
    }

    /// The head, and the rest once sorted; the lock makes the one sort safe from any thread.
    private final class Storage: @unchecked Sendable {
        let head: [Int32]
        private var sortRest: (@Sendable () -> [Int32])?
        private var sorted: [Int32]?
        private let lock = NSLock()

        init(head: [Int32], rest: (@Sendable () -> [Int32])?) {
            self.head = head
            sortRest = rest
            if rest == nil { sorted = head }
        }

        var all: [Int32] {
            lock.withLock {
                if let sorted { return sorted }
                let rows = sortRest?() ?? head
                sorted = rows
                sortRest = nil
                return rows
            }
        }
    }
}

extension IncidentTable {
    /// The rows of `scope` in `sort`'s order, only the first `head` of them sorted now (all of
    /// them when there are few): what a queue pane keeps. Equal to `select` element for
    /// element.
    public func order(_ scope: IncidentScope, sort: IncidentSort = .default, now: Date,
                      head: Int = QueueOrder.headCount) -> QueueOrder {
        // The start view on an untouched image: its own index has the order (a tenth of a
        // millisecond at a million rows, where selecting and sorting took two). The head is
        // copied now, the rest (280 KB at a million rows) when it is first read.
        if scope == .open, sort == .default, overlay.isEmpty, added.isEmpty, let index = image.openBySLA {
            let image = self.image  // the closure keeps the mapping alive
            return QueueOrder(count: index.count, head: index.prefix(max(head, 0)).map { Int32(bitPattern: $0) }) { image.openRows }
        }
        let rows = self.rows(in: scope, now: now)
        // The head is found by a bounded heap over every key, worth it only when it is a
        // small part of the rows (`sort(_:by:limit:)` switches over at an eighth).
        guard head > 0, rows.count > head * 8 else { return QueueOrder(self.sort(rows, by: sort)) }
        let table = self
        return QueueOrder(count: rows.count, head: self.sort(rows, by: sort, limit: head)) { table.sort(rows, by: sort) }
    }
}
