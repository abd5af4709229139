#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ITSM

/// Which incidents a queue holds.
public enum IncidentScope: Sendable, Hashable {
    case all
    /// New, Assigned, In Progress, On Hold.
    case open
    /// Open and assigned to the user.
    case assignedTo(String)
    /// Open, no assignee, in one of the groups.
    case unassigned(inGroups: Set<String>)
    /// Open, in one of the groups.
    case inGroups(Set<String>)
    /// Open with a running resolution or response clock due within the interval (or over).
    case breachingWithin(TimeInterval)
    /// Proposed or accepted major incidents, and their children, while open.
    case major
    /// Resolved or closed since the date.
    case resolvedSince(Date)
}

/// A column a queue can sort on.
public enum IncidentColumn: String, CaseIterable, Sendable, Hashable {
    case id, priority, state, sla, assignee, group, service, ci, opened, updated, title
}

public struct IncidentSort: Sendable, Hashable {
    public var column: IncidentColumn
    public var ascending: Bool
    public init(_ column: IncidentColumn, ascending: Bool = true) {
        self.column = column
        self.ascending = ascending
    }
    /// SLA due first (running clocks, soonest first), then priority.
    public static let `default` = IncidentSort(.sla)
}

/// Every incident's queue row, in flat columns: sorted and filtered at a million rows within a
/// frame. Immutable and `Sendable`: the store side hands a new one to the UI thread.
///
/// Row indices (`Int32`) are positions in the table; they stay valid for this value only.
public struct IncidentTable: Sendable {
    let image: RowImage
    /// Base rows replaced since the image was built, by base index.
    var overlay: [Int: PackedRow] = [:]
    /// Bit per base row: set when `overlay` holds it.
    /// (Empty until a row is replaced: zeroing 125 KB is not worth it for an untouched image.)
    var replaced: [UInt64] = []
    /// Incidents the image does not have, sorted by number.
    var added: [PackedRow] = []
    /// Warning thresholds per SLA definition name (from the directory).
    var warnings: [String: [Int]] = [:]

    init(image: RowImage) {
        self.image = image
    }

    /// How many incidents there are.
    public var count: Int { image.count + added.count }

    /// The highest incident number.
    public var maxNumber: Int {
        max(Int(added.last?.number ?? 0), image.count > 0 ? Int(image.u32(.number, image.count - 1)) : 0)
    }

    /// The row at index `i` (0..<count).
    public subscript(i: Int) -> IncidentRow {
        packed(i).row { [warnings] name in warnings[name] ?? [50, 75, 90] }
    }

    /// The row of `id`, if the incident exists.
    public func row(_ id: RecordID) -> IncidentRow? { index(of: id).map { self[$0] } }

    /// The index of `id`'s row.
    public func index(of id: RecordID) -> Int? {
        guard id.kind == .incident, let n = id.number, n > 0, n <= Int(UInt32.max) else { return nil }
        if let i = image.index(ofNumber: UInt32(n)) { return i }
        var lo = 0, hi = added.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if added[mid].number < UInt32(n) { lo = mid + 1 } else { hi = mid }
        }
        return lo < added.count && added[lo].number == UInt32(n) ? image.count + lo : nil
    }

    /// Child incidents of `id`, in number order.
    public func children(of id: RecordID) -> [RecordID] {
        guard let n = id.number else { return [] }
        let target = UInt32(clamping: n)
        var out: [RecordID] = []
        let parents = image.column32(.parent)
        for i in 0..<image.count where parents[i] == target && !isReplaced(i) { out.append(RecordID(.incident, Int(image.u32(.number, i)))) }
        for (_, r) in overlay where r.parent == target { out.append(RecordID(.incident, Int(r.number))) }
        for r in added where r.parent == target { out.append(RecordID(.incident, Int(r.number))) }
        return out.sorted()
    }

    @inline(__always) func isReplaced(_ i: Int) -> Bool {
        !replaced.isEmpty && replaced[i >> 6] & (1 << UInt64(i & 63)) != 0
    }

    func packed(_ i: Int) -> PackedRow {
        if i >= image.count { return added[i - image.count] }
        if isReplaced(i), let r = overlay[i] { return r }
        // The start view's first rows, from the image's compact copy of them: a few pages
        // rather than one per column (the first frame's rows, drawn before anything is warm).
        if let head = image.head, let k = head.index(ofNumber: image.u32(.number, i)) { return head.packed(k) }
        return image.packed(i)
    }

    /// Replaces or adds rows (the Desk's catch-up).
    mutating func upsert(_ rows: [PackedRow]) {
        for r in rows {
            if let i = image.index(ofNumber: r.number) {
                overlay[i] = r
                if replaced.isEmpty { replaced = [UInt64](repeating: 0, count: (image.count + 63) / 64) }
                replaced[i >> 6] |= 1 << UInt64(i & 63)
                continue
            }
            var lo = 0, hi = added.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if added[mid].number < r.number { lo = mid + 1 } else { hi = mid }
            }
            if lo < added.count && added[lo].number == r.number { added[lo] = r } else { added.insert(r, at: lo) }
        }
    }

    /// Every row, in the table's own form (for writing a new image).
    func allPacked() -> [PackedRow] {
        var out: [PackedRow] = []
        out.reserveCapacity(count)
        for i in 0..<count {
            // Straight from the columns: the head copy is for a first page, not a million rows.
            out.append(i < image.count && !isReplaced(i) ? image.packed(i) : packed(i))
        }
        return out
    }

    // MARK: Queries

    /// The rows of `scope`, matching `text` (see `filter`), sorted by `sort` (ties by number).
    public func select(_ scope: IncidentScope, text: String = "", sort: IncidentSort = .default, now: Date) -> [Int32] {
        var rows = self.rows(in: scope, now: now)
        if !text.isEmpty { rows = filter(rows, text: text, everyRow: scope == .all) }
        return self.sort(rows, by: sort)
    }

    /// One frame's worth: how many rows match, and the first `limit` of them in order.
    public func page(_ scope: IncidentScope, text: String = "", sort: IncidentSort = .default, limit: Int,
                     now: Date) -> (count: Int, rows: [Int32]) {
        var rows = self.rows(in: scope, now: now)
        if !text.isEmpty { rows = filter(rows, text: text, everyRow: scope == .all) }
        return (rows.count, self.sort(rows, by: sort, limit: limit))
    }

    /// The rows of `scope`, in index order.
    public func rows(in scope: IncidentScope, now: Date) -> [Int32] {
        let nowPacked = PackedTime.pack(now)
        var out: [Int32] = []
        let states = image.column8(.state)
        let openCodes: [Bool] = (0...8).map { c in Code.state(UInt8(c)).isOpen && c != 0 }
        switch scope {
        case .all:
            return [Int32](unsafeUninitializedCapacity: count) { b, n in
                for i in 0..<count { b[i] = Int32(i) }
                n = count
            }
        case .open:
            // The console's start view, at a million rows: eight state bytes at a time, a byte
            // equal to an open state's code marks a row (TitleScan's exact zero-byte test).
            let codes = (1...8).filter { openCodes[$0] }.map { UInt64($0) &* 0x0101_0101_0101_0101 }
            let n = image.count
            out.reserveCapacity(count / 8)
            if let first = states.baseAddress {
                let bytes = UnsafeRawPointer(first)
                replaced.withUnsafeBufferPointer { bits in
                    @inline(__always) func keep(_ j: Int) {
                        if bits.isEmpty || bits[j >> 6] & (1 << UInt64(j & 63)) == 0 { out.append(Int32(j)) }
                    }
                    var i = 0
                    while i + 8 <= n {
                        let word = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                        var open: UInt64 = 0
                        for c in codes { open |= TitleScan.zeroBytes(word ^ c) }
                        while open != 0 {
                            keep(i + open.trailingZeroBitCount >> 3)
                            open &= open &- 1
                        }
                        i += 8
                    }
                    while i < n {
                        if states[i] <= 8 && openCodes[Int(states[i])] { keep(i) }
                        i += 1
                    }
                }
            }
        case let .assignedTo(user):
            let ids = stringIDs { $0 == user }
            let col = image.column32(.assignee)
            if !ids.isEmpty { for i in 0..<image.count where ids.contains(col[i]) && openCodes[Int(min(states[i], 8))] && !isReplaced(i) { out.append(Int32(i)) } }
        case let .unassigned(groups):
            let ids = stringIDs { groups.contains($0) }
            let g = image.column32(.group), a = image.column32(.assignee)
            if !ids.isEmpty { for i in 0..<image.count where a[i] == 0 && ids.contains(g[i]) && openCodes[Int(min(states[i], 8))] && !isReplaced(i) { out.append(Int32(i)) } }
        case let .inGroups(groups):
            let ids = stringIDs { groups.contains($0) }
            let g = image.column32(.group)
            if !ids.isEmpty { for i in 0..<image.count where ids.contains(g[i]) && openCodes[Int(min(states[i], 8))] && !isReplaced(i) { out.append(Int32(i)) } }
        case let .breachingWithin(seconds):
            let limit = PackedTime.pack(now.addingTimeInterval(seconds))
            let running = Code.stage(.inProgress)
            let rs = image.column8(.resStage), rd = image.column32(.resDue)
            let ps = image.column8(.rspStage), pd = image.column32(.rspDue)
            for i in 0..<image.count where openCodes[Int(min(states[i], 8))] && !isReplaced(i) {
                if (rs[i] == running && rd[i] != 0 && rd[i] <= limit) || (ps[i] == running && pd[i] != 0 && pd[i] <= limit) { out.append(Int32(i)) }
            }
        case .major:
            let m = image.column8(.major)
            let proposed = Code.major(.proposed), accepted = Code.major(.accepted)
            var parents = Set<UInt32>()
            for i in 0..<image.count where (m[i] == proposed || m[i] == accepted) && !isReplaced(i) {
                if openCodes[Int(min(states[i], 8))] { out.append(Int32(i)) }
                parents.insert(image.u32(.number, i))
            }
            for r in overlay.values.sorted(by: { $0.number < $1.number }) + added where r.major == proposed || r.major == accepted { parents.insert(r.number) }
            if !parents.isEmpty {
                let p = image.column32(.parent)
                for i in 0..<image.count where p[i] != 0 && parents.contains(p[i]) && openCodes[Int(min(states[i], 8))] && !isReplaced(i) { out.append(Int32(i)) }
                out.sort()
            }
        case let .resolvedSince(date):
            let since = PackedTime.pack(date)
            let r = image.column32(.resolvedAt)
            let resolved = Code.state(.resolved), closed = Code.state(.closed)
            for i in 0..<image.count where (states[i] == resolved || states[i] == closed) && r[i] >= since && !isReplaced(i) { out.append(Int32(i)) }
        }
        // Replaced and added rows, checked one by one.
        var extra: [Int32] = []
        for (i, r) in overlay where matches(r, scope, now: now, nowPacked: nowPacked) { extra.append(Int32(i)) }
        for (k, r) in added.enumerated() where matches(r, scope, now: now, nowPacked: nowPacked) { extra.append(Int32(image.count + k)) }
        if !extra.isEmpty {
            out.append(contentsOf: extra)
            out.sort()
        }
        return out
    }

    private func matches(_ r: PackedRow, _ scope: IncidentScope, now: Date, nowPacked: UInt32) -> Bool {
        let open = Code.state(r.state).isOpen
        switch scope {
        case .all: return true
        case .open: return open
        case let .assignedTo(user): return open && r.assignee == user
        case let .unassigned(groups): return open && r.assignee == nil && r.group.map(groups.contains) == true
        case let .inGroups(groups): return open && r.group.map(groups.contains) == true
        case let .breachingWithin(seconds):
            let limit = PackedTime.pack(now.addingTimeInterval(seconds))
            let running = Code.stage(.inProgress)
            return open && ((r.resolution.stage == running && r.resolution.due != 0 && r.resolution.due <= limit)
                || (r.response.stage == running && r.response.due != 0 && r.response.due <= limit))
        case .major:
            guard open else { return false }
            let m = Code.major(r.major)
            if m == .proposed || m == .accepted { return true }
            guard r.parent != 0, let p = index(of: RecordID(.incident, Int(r.parent))) else { return false }
            let pm = Code.major(packed(p).major)
            return pm == .proposed || pm == .accepted
        case let .resolvedSince(date):
            let s = Code.state(r.state)
            return (s == .resolved || s == .closed) && r.resolvedAt >= PackedTime.pack(date)
        }
    }

    /// String-table ids whose string satisfies `test`.
    private func stringIDs(_ test: (String) -> Bool) -> Set<UInt32> {
        var ids = Set<UInt32>()
        for (k, s) in image.strings.enumerated() where test(s) { ids.insert(UInt32(k + 1)) }
        return ids
    }

    /// Keeps the rows (in their order) whose ID, title, assignee, group, service or CI
    /// contains `text`, ignoring case. Titles are found by scanning one lowercased buffer.
    public func filter(_ rows: [Int32], text: String) -> [Int32] { filter(rows, text: text, everyRow: false) }

    /// `everyRow`: `rows` is every row in index order (scope `.all`), so the matches can be
    /// read off the hit bits instead of testing a million rows one by one.
    func filter(_ rows: [Int32], text: String, everyRow: Bool) -> [Int32] {
        let needle = text.lowercased().replacingOccurrences(of: "\n", with: " ")
        guard !needle.isEmpty, !rows.isEmpty else { return rows }
        // Names first: a handful of strings decide a bitset over the name columns.
        var nameIDs = [Bool](repeating: false, count: image.strings.count + 1)
        var anyName = false
        let needleBytes = Array(needle.utf8)
        needleBytes.withUnsafeBytes { nb in
            // Bytes, not String.contains: thousands of names at every keystroke.
            for (k, name) in image.lowerStrings.enumerated() {
                var name = name
                let found = name.withUTF8 { u in
                    u.count >= nb.count && c_memmem(u.baseAddress!, u.count, nb.baseAddress!, nb.count) != nil
                }
                if found { nameIDs[k + 1] = true; anyName = true }
            }
        }
        let a = image.column32(.assignee), g = image.column32(.group), sv = image.column32(.service), c = image.column32(.ci)
        // Title/ID hits in the base image.
        var hit = [UInt64](repeating: 0, count: (image.count + 63) / 64)
        if rows.count > image.count / 16 {
            // One pass over the lowercased buffer (TitleScan), split into row-aligned parts that
            // run on all cores (each part sets bits of its own 64-row words only).
            let buffer = image.searchBytes
            let ends = image.column32(.searchEnd)
            let n = image.count
            let parts = n < 65_536 ? 1 : max(1, min(ProcessInfo.processInfo.activeProcessorCount, 4))
            let rowsPerPart = ((n + parts - 1) / parts + 63) & ~63
            hit.withUnsafeMutableBufferPointer { bits in
                let bitsBase = bits.baseAddress!
                needleBytes.withUnsafeBytes { nb in
                    guard let base = buffer.baseAddress, buffer.count > 0, let needlePointer = nb.baseAddress else { return }
                    let context = TitleScan(base: base, limit: buffer.count, needle: needlePointer, needleCount: nb.count,
                                            ends: ends, bits: bitsBase, rows: n, rowsPerPart: rowsPerPart)
                    if parts == 1 { context.scan(part: 0) } else { DispatchQueue.concurrentPerform(iterations: parts) { context.scan(part: $0) } }
                }
            }
        } else {
            let buffer = image.searchBytes
            needleBytes.withUnsafeBytes { nb in
                guard let base = buffer.baseAddress else { return }
                for r in rows where Int(r) < image.count {
                    let range = image.searchRange(Int(r))
                    if range.count >= nb.count, c_memmem(base + range.lowerBound, range.count, nb.baseAddress!, nb.count) != nil {
                        hit[Int(r) >> 6] |= 1 << UInt64(Int(r) & 63)
                    }
                }
            }
        }
        if everyRow && overlay.isEmpty && added.isEmpty && rows.count == count {
            // Rows whose title missed are checked against the names (a one-letter needle hits
            // most titles, so few are left); then every set bit is a match, in index order.
            let n = image.count
            if anyName {
                hit.withUnsafeMutableBufferPointer { words in
                    nameIDs.withUnsafeBufferPointer { names in
                        for w in words.indices {
                            let valid: UInt64 = (w << 6) + 64 <= n ? ~0 : (1 << UInt64(n & 63)) &- 1
                            var miss = ~words[w] & valid
                            while miss != 0 {
                                let b = miss.trailingZeroBitCount, i = w << 6 | b
                                if names[Int(a[i])] || names[Int(g[i])] || names[Int(sv[i])] || names[Int(c[i])] { words[w] |= 1 << UInt64(b) }
                                miss &= miss &- 1
                            }
                        }
                    }
                }
            }
            let total = hit.reduce(0) { $0 + $1.nonzeroBitCount }
            return [Int32](unsafeUninitializedCapacity: total) { out, filled in
                var k = 0
                for (w, word) in hit.enumerated() where word != 0 {
                    var bits = word
                    while bits != 0 {
                        out[k] = Int32(w << 6 | bits.trailingZeroBitCount)
                        k += 1
                        bits &= bits &- 1
                    }
                }
                filled = k
            }
        }
        var out: [Int32] = []
        out.reserveCapacity(rows.count / 4)
        for r in rows {
            let i = Int(r)
            if i < image.count && !isReplaced(i) {
                if hit[i >> 6] & (1 << UInt64(i & 63)) != 0 { out.append(r); continue }
                if anyName && (nameIDs[Int(a[i])] || nameIDs[Int(g[i])] || nameIDs[Int(sv[i])] || nameIDs[Int(c[i])]) { out.append(r) }
            } else {
                let p = packed(i)
                if p.searchText.contains(needle)
                    || [p.assignee, p.group, p.service, p.ci].contains(where: { $0?.lowercased().contains(needle) == true }) {
                    out.append(r)
                }
            }
        }
        return out
    }

    /// Sorts rows by one column (ties: SLA then priority then number), with a radix sort over
    /// 64-bit keys: primary 32 bits, secondary 8 bits, row index 24 bits.
    public func sort(_ rows: [Int32], by sort: IncidentSort) -> [Int32] {
        self.sort(rows, by: sort, limit: nil)
    }

    /// From this many rows a bounded top-k runs on two cores.
    static let parallelTopKRows = 1 << 18

    /// The first `limit` rows of the sorted order (all with nil): what one frame shows, found
    /// in one pass without sorting the rest.
    public func sort(_ rows: [Int32], by sort: IncidentSort, limit: Int?) -> [Int32] {
        guard rows.count > 1 else { return rows }
        // Names' alphabetical ranks only for the name columns: other sorts need none.
        let byName: Set<IncidentColumn> = [.assignee, .group, .service, .ci]
        let ranks = byName.contains(sort.column) ? stringRanks() : Ranks(byID: [], order: [])
        if rows.count > 0xFF_FFFF {
            // Beyond 16M rows the index does not fit: compare in full.
            let sorted = rows.sorted { a, b in
                let x = key(Int(a), sort.column, ranks: ranks), y = key(Int(b), sort.column, ranks: ranks)
                let xp = sort.ascending ? x.0 : ~x.0, yp = sort.ascending ? y.0 : ~y.0
                return (xp, x.1, a) < (yp, y.1, b)
            }
            return limit.map { Array(sorted.prefix($0)) } ?? sorted
        }
        let stage = image.column8(.resStage), due = image.column32(.resDue), priority = image.column8(.priority)
        let running = Code.stage(.inProgress), paused = Code.stage(.paused), breached = Code.stage(.breached)
        let base = image.count
        /// The 64-bit key of `rows[k]`: primary 32 bits, secondary 8, the position k in 24.
        @inline(__always) func keyOf(_ k: Int, _ r: Int32) -> UInt64 {
            let i = Int(r)
            let p: UInt32, s: UInt8
            if sort.column == .sla && i < base && !isReplaced(i) {
                // The default order, at a million rows: straight from the columns.
                let st = stage[i]
                p = st == running ? (due[i] == 0 ? UInt32.max - 2 : min(due[i], UInt32.max - 3))
                    : st == paused ? UInt32.max - 2 : st == breached ? UInt32.max - 1 : UInt32.max
                s = priority[i]
            } else {
                (p, s) = key(i, sort.column, ranks: ranks)
            }
            let primary = sort.ascending ? p : ~p
            return UInt64(primary) << 32 | UInt64(s) << 24 | UInt64(k & 0xFF_FFFF)
        }
        if let limit, limit < rows.count / 8 {
            // One frame's worth from a million matches: keys go straight into a bounded heap,
            // never into an array of them all; from a quarter million (the `/` filter's first
            // letter matches nearly every row) on two cores.
            let parts = rows.count >= Self.parallelTopKRows ? 2 : 1
            let top = rows.withUnsafeBufferPointer { rs in
                RadixSort.smallest(count: rs.count, limit: limit, parts: parts) { keyOf($0, rs[$0]) }
            }
            return top.map { rows[Int($0 & 0xFF_FFFF)] }
        }
        // Every slot is written below: no need to zero them first.
        var keys = [UInt64](unsafeUninitializedCapacity: rows.count) { out, n in
            rows.withUnsafeBufferPointer { rs in
                for k in 0..<rs.count { out[k] = keyOf(k, rs[k]) }
            }
            n = rows.count
        }
        // The low three bytes are the input position: already in order, and the sort is stable.
        RadixSort.sort(&keys, fromByte: 3)
        let result = keys.map { rows[Int($0 & 0xFF_FFFF)] }
        return limit.map { Array(result.prefix($0)) } ?? result
    }

    /// Alphabetical rank of every string id (odd numbers; none sorts last), and the order.
    struct Ranks {
        var byID: [UInt32]
        var order: [Int]
        subscript(_ id: Int) -> UInt32 { byID[id] }
    }

    private func stringRanks() -> Ranks {
        let lower = image.lowerStrings
        let order = lower.indices.sorted { lower[$0] < lower[$1] }
        var ranks = [UInt32](repeating: UInt32.max, count: lower.count + 1)
        for (rank, k) in order.enumerated() { ranks[k + 1] = UInt32(rank) * 2 + 1 }
        return Ranks(byID: ranks, order: order)
    }

    /// The rank of a name not (necessarily) in the image: between its neighbours.
    private func rank(_ s: String?, _ ranks: Ranks) -> UInt32 {
        guard let s else { return UInt32.max }
        let lower = s.lowercased()
        var lo = 0, hi = ranks.order.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if image.lowerStrings[ranks.order[mid]] < lower { lo = mid + 1 } else { hi = mid }
        }
        if lo < ranks.order.count && image.lowerStrings[ranks.order[lo]] == lower { return UInt32(lo) * 2 + 1 }
        return UInt32(lo) * 2
    }

    /// (primary, secondary) sort key of row `i` for `column`.
    private func key(_ i: Int, _ column: IncidentColumn, ranks: Ranks) -> (UInt32, UInt8) {
        if i < image.count && !isReplaced(i) {
            let pr = image.u8(.priority, i)
            switch column {
            case .id: return (image.u32(.number, i), 0)
            case .priority:
                var c = PackedClock(); c.stage = image.u8(.resStage, i); c.due = image.u32(.resDue, i)
                return (UInt32(pr), UInt8(truncatingIfNeeded: c.sortKey >> 24))
            case .state: return (UInt32(image.u8(.state, i)), pr)
            case .sla:
                var c = PackedClock(); c.stage = image.u8(.resStage, i); c.due = image.u32(.resDue, i)
                return (c.sortKey, pr)
            case .assignee: return (ranks[Int(image.u32(.assignee, i))], pr)
            case .group: return (ranks[Int(image.u32(.group, i))], pr)
            case .service: return (ranks[Int(image.u32(.service, i))], pr)
            case .ci:
                let ci = image.u32(.ci, i)
                return (ranks[Int(ci == 0 ? image.u32(.service, i) : ci)], pr)
            case .opened: return (image.u32(.openedAt, i), pr)
            case .updated: return (image.u32(.updatedAt, i), pr)
            case .title:
                let range = image.searchRange(i)
                let b = image.searchBytes
                // Skip "inc-<n> ": the title starts after the first space.
                var k = range.lowerBound
                while k < range.upperBound && b[k] != 32 { k += 1 }
                k += 1
                var v: UInt32 = 0
                for j in 0..<4 { v = v << 8 | UInt32(k + j < range.upperBound - 1 ? b[k + j] : 0) }
                return (v, pr)
            }
        }
        let r = packed(i)
        switch column {
        case .id: return (r.number, 0)
        case .priority: return (UInt32(r.priority), UInt8(truncatingIfNeeded: r.resolution.sortKey >> 24))
        case .state: return (UInt32(r.state), r.priority)
        case .sla: return (r.resolution.sortKey, r.priority)
        case .assignee: return (rank(r.assignee, ranks), r.priority)
        case .group: return (rank(r.group, ranks), r.priority)
        case .service: return (rank(r.service, ranks), r.priority)
        case .ci: return (rank(r.ci ?? r.service, ranks), r.priority)
        case .opened: return (r.openedAt, r.priority)
        case .updated: return (r.updatedAt, r.priority)
        case .title:
            let t = Array(r.title.lowercased().utf8)
            var v: UInt32 = 0
            for j in 0..<4 { v = v << 8 | UInt32(j < t.count ? t[j] : 0) }
            return (v, r.priority)
        }
    }
}

/// A value handed to `concurrentPerform` whose parts touch disjoint memory (said where used).
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// The queue's sorts: the first few of many keys, or all of them (LSD radix).
enum RadixSort {
    /// The `limit` smallest of `count` keys (`key(k)` for k in 0..<count), sorted: a bounded
    /// max-heap over one pass, or over `parts` slices on as many cores, each into its own heap,
    /// merged after (the same result when the keys are distinct, as the queue's are).
    static func smallest(count: Int, limit: Int, parts: Int, key: (Int) -> UInt64) -> [UInt64] {
        let parts = max(1, min(parts, count))
        var heaps = [TopKeys](repeating: TopKeys(limit), count: parts)
        heaps.withUnsafeMutableBufferPointer { buffer in
            let heaps = buffer
            withoutActuallyEscaping(key) { key in
                let work = { (part: Int) in
                    for k in (count * part / parts)..<(count * (part + 1) / parts) { heaps[part].offer(key(k)) }
                }
                if parts == 1 {
                    work(0)
                } else {
                    // Each part writes its own heap and only reads what `key` reads.
                    let job = UncheckedSendable(work)
                    DispatchQueue.concurrentPerform(iterations: parts) { job.value($0) }
                }
            }
        }
        var top = heaps[0]
        for other in heaps.dropFirst() { for v in other.sorted() { top.offer(v) } }
        return top.sorted()
    }

    /// LSD radix sort, a byte a pass: one pass counts all eight bytes' histograms (8 × 256
    /// counters stay in L1; 16-bit digits' 65,536 counters did not, and were cleared and
    /// scanned every pass), then one scatter per byte that is not the same in every key.
    /// Bytes below `fromByte` are left as they come (stable: keys equal above them keep their
    /// input order), for keys whose low bytes are the input position.
    static func sort(_ keys: inout [UInt64], fromByte: Int = 0) {
        let n = keys.count
        guard n > 64 else { keys.sort(); return }
        var counts = [Int](repeating: 0, count: 8 * 256)
        keys.withUnsafeBufferPointer { src in
            counts.withUnsafeMutableBufferPointer { c in
                for v in src {
                    for b in fromByte..<8 { c[b << 8 | Int((v >> UInt64(b << 3)) & 0xFF)] += 1 }
                }
            }
        }
        var other = [UInt64](unsafeUninitializedCapacity: n) { _, count in count = n }
        for b in fromByte..<8 {
            let base = b << 8
            // A byte equal in every key leaves the order as it is.
            if counts[base + Int((keys[0] >> UInt64(b << 3)) & 0xFF)] == n { continue }
            var offsets = [Int](repeating: 0, count: 256)
            var sum = 0
            for d in 0..<256 { offsets[d] = sum; sum += counts[base + d] }
            let shift = UInt64(b << 3)
            keys.withUnsafeBufferPointer { src in
                other.withUnsafeMutableBufferPointer { dst in
                    offsets.withUnsafeMutableBufferPointer { o in
                        for v in src {
                            let d = Int((v >> shift) & 0xFF)
                            dst[o[d]] = v
                            o[d] += 1
                        }
                    }
                }
            }
            swap(&keys, &other)
        }
    }
}

/// The `k` smallest of the keys offered, with a bounded max-heap: a key that is not smaller
/// than the largest kept costs one comparison.
struct TopKeys {
    private var heap: [UInt64] = []
    private let k: Int

    init(_ k: Int) {
        self.k = max(0, k)
        heap.reserveCapacity(self.k)
    }

    @inline(__always) mutating func offer(_ v: UInt64) {
        if heap.count < k {
            heap.append(v)
            var i = heap.count - 1
            while i > 0 && heap[(i - 1) / 2] < heap[i] { heap.swapAt(i, (i - 1) / 2); i = (i - 1) / 2 }
        } else if k > 0 && v < heap[0] {
            heap[0] = v
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count && heap[l] > heap[m] { m = l }
                if r < heap.count && heap[r] > heap[m] { m = r }
                if m == i { break }
                heap.swapAt(i, m)
                i = m
            }
        }
    }

    /// The keys kept, smallest first.
    func sorted() -> [UInt64] { heap.sorted() }
}

/// glibc's memmem (two-way search with SIMD), which the Glibc module does not export.
@_silgen_name("memmem")
func c_memmem(_ haystack: UnsafeRawPointer, _ haystackLength: Int,
              _ needle: UnsafeRawPointer, _ needleLength: Int) -> UnsafeMutableRawPointer?

/// One pass over a row-aligned part of the search buffer, eight bytes at a time: a word is
/// looked at only where both the needle's first byte and its last byte (at the needle's
/// distance) occur, and a row is left at its first hit. glibc's memmem costs a call per hit,
/// which for a one- or two-letter needle is a call per row (the `/` filter's first keystroke,
/// behind the refilter's p99 of ~100 ms at a million rows). The pointers stay valid for the
/// call that makes it; parts touch disjoint 64-row words of `bits`.
struct TitleScan: @unchecked Sendable {
    let base: UnsafeRawPointer
    let limit: Int
    let needle: UnsafeRawPointer
    let needleCount: Int
    let ends: UnsafeBufferPointer<UInt32>
    let bits: UnsafeMutablePointer<UInt64>
    let rows: Int
    let rowsPerPart: Int

    /// High bit set in each byte of `v` that is zero (exact: no carries between bytes).
    @inline(__always) static func zeroBytes(_ v: UInt64) -> UInt64 {
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        return ~(((v & low7) &+ low7) | v) & 0x8080_8080_8080_8080
    }

    func scan(part: Int) {
        let firstRow = part * rowsPerPart, endRow = min(rows, firstRow + rowsPerPart)
        guard firstRow < endRow, needleCount > 0 else { return }
        var offset = firstRow == 0 ? 0 : Int(ends[firstRow - 1])
        let stop = min(Int(ends[endRow - 1]), limit)
        var row = firstRow
        let k = needleCount
        let first = UInt64(needle.load(as: UInt8.self)) &* 0x0101_0101_0101_0101
        let last = UInt64(needle.load(fromByteOffset: k - 1, as: UInt8.self)) &* 0x0101_0101_0101_0101
        /// Marks the row holding byte `at`; false when it is past this part.
        @inline(__always) func hit(_ at: Int) -> Bool {
            while row < endRow && Int(ends[row]) <= at { row += 1 }
            guard row < endRow else { return false }
            bits[row >> 6] |= 1 << UInt64(row & 63)
            offset = Int(ends[row])
            return true
        }
        @inline(__always) func matches(_ at: Int) -> Bool {
            k <= 2 || memcmp(base + at + 1, needle + 1, k - 2) == 0
        }
        while offset + k <= stop {
            if offset + 7 + k <= stop {
                let a = (base + offset).loadUnaligned(as: UInt64.self)
                let b = (base + offset + k - 1).loadUnaligned(as: UInt64.self)
                var m = Self.zeroBytes(a ^ first) & Self.zeroBytes(b ^ last)
                var found = false
                while m != 0 {
                    let at = offset + m.trailingZeroBitCount >> 3
                    if matches(at) {
                        guard hit(at) else { return }
                        found = true
                        break
                    }
                    m &= m - 1
                }
                if !found { offset += 8 }
            } else if memcmp(base + offset, needle, k) == 0 {
                guard hit(offset) else { return }
            } else {
                offset += 1
            }
        }
    }
}
