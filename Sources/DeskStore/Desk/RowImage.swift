#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ITSM

/// The queue's rows in flat columns: one fixed-width array per column, a string table for
/// names (assignee, group, service, CI, SLA definitions and calendars), the titles as one
/// buffer and the lowercased search text ("inc-<n> <title>\n" per row) as another.
///
/// The same bytes are built in memory (small stores, rebuilds) or mapped from the
/// `queue-rows` file beside the snapshot, so a million rows cost every console process only
/// shared page-cache pages. It is a cache anchored to a log sequence; the log is the truth.
///
///     header (128 bytes)
///       0 magic "OPSDROWS" · 8 format u32 · 12 column count u32 · 16 rows u64
///      24 anchor sequence u64 (the last transaction folded in) · 32 log salt u64 (segment 1)
///      40 strings offset u64 · 48 titles offset u64 · 56 titles length u64
///      64 search offset u64 · 72 search length u64 · 80 file length u64
///      88 checksum u32: masked CRC32C of the header with these bytes as zero
///     optional, zero when absent (older writers leave them zero; older readers skip them):
///      92 anchor frame's segment u32 · 96 directory offset u64 · 104 directory length u64
///     112 anchor frame's offset u64 · 120 its length u32 · 124 its stored CRC u32
///     (the frame of the anchor transaction, so a console can check with three small reads
///     that the image is current; the directory's events, so it can draw without the store)
///     columns from 128, each rows × width bytes, padded to 8
///     strings: count u32, then count × (offset u32, length u32), then the bytes
///     titles, search buffer, then (optional) the directory's events as one encoded transaction
///     (optional, later writers) the start view, for a first frame that reads a few pages:
///       the open rows in the default order: count × row u32;
///       the first `headRows` of them as an image of their own (this format, rows by number,
///       without these extras), so drawing the first page reads them from a few contiguous
///       pages instead of one page per column per row (a covering index, as SQLite's);
///       a 40-byte trailer ending the file: "OPSDOPN2" · index offset u64 · count u32 ·
///       masked CRC32C of the index · head offset u64 · head length u32 · its masked CRC32C
///     (older readers never look past the directory; a reader that finds no trailer, or a bad
///     one, sorts and reads the columns as before: these are a cache within a cache)
final class RowImage: @unchecked Sendable {
    enum Column: Int, CaseIterable {
        // u32 columns
        case number, version, openedAt, updatedAt, resolvedAt, assignee, group, service, ci
        case parent, problem, children, titleEnd, searchEnd
        case resDue, resBreached, resMark, resStarted, resElapsed, resTarget, resDefinition, resCalendar
        case rspDue, rspBreached, rspMark, rspStarted, rspElapsed, rspTarget, rspDefinition, rspCalendar
        // u8 columns
        case priority, impact, urgency, state, hold, major, resStage, rspStage

        var width: Int { rawValue >= Column.priority.rawValue ? 1 : 4 }
    }

    static let magic: [UInt8] = Array("OPSDROWS".utf8)
    static let formatVersion: UInt32 = 1
    static let headerSize = 128
    static let fileName = "queue-rows"

    let count: Int
    let anchorSequence: UInt64
    let logSalt: UInt64
    private let base: UnsafeRawPointer
    private let length: Int
    private let owned: UnsafeMutableRawPointer?
    private let mapped: Bool
    private var columnOffsets: [Int] = []
    let strings: [String]
    /// Lowercased strings, for `/` matching names.
    let lowerStrings: [String]
    private let titlesOffset: Int, titlesLength: Int
    let searchOffset: Int, searchLength: Int
    /// The frame of the anchor transaction (nil in images written without it).
    let anchorFrame: LogAnchor?
    private let directoryOffset: Int, directoryLength: Int
    /// The open rows sorted by SLA due then priority then row (`IncidentSort.default`): the
    /// start view's order, as an index on (open, SLA, priority) serves it; nil when absent.
    let openBySLA: UnsafeBufferPointer<UInt32>?
    /// The first `headRows` rows of `openBySLA`, laid out as an image of their own (rows by
    /// number); nil when absent.
    let head: RowImage?
    static let trailerMagic: [UInt8] = Array("OPSDOPN2".utf8)
    static let trailerSize = 40
    /// Rows in the head image: as many as a queue sorts before its first frame.
    static let headRows = QueueOrder.headCount
    /// `openBySLA` as row indices (empty without the index).
    var openRows: [Int32] { openBySLA.map { $0.map { Int32(bitPattern: $0) } } ?? [] }

    /// The directory's records' events at the anchor, encoded as one transaction (empty in
    /// images written without them).
    var directoryBytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base + directoryOffset, count: directoryLength) }

    // MARK: Reading columns

    @inline(__always) func u32(_ c: Column, _ i: Int) -> UInt32 {
        base.loadUnaligned(fromByteOffset: columnOffsets[c.rawValue] + i * 4, as: UInt32.self)
    }
    @inline(__always) func u8(_ c: Column, _ i: Int) -> UInt8 {
        base.load(fromByteOffset: columnOffsets[c.rawValue] + i, as: UInt8.self)
    }
    func column32(_ c: Column) -> UnsafeBufferPointer<UInt32> {
        UnsafeBufferPointer(start: (base + columnOffsets[c.rawValue]).assumingMemoryBound(to: UInt32.self), count: count)
    }
    func column8(_ c: Column) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: (base + columnOffsets[c.rawValue]).assumingMemoryBound(to: UInt8.self), count: count)
    }
    func string(_ id: UInt32) -> String? {
        id == 0 || Int(id) > strings.count ? nil : strings[Int(id) - 1]
    }
    /// The whole search buffer.
    var searchBytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base + searchOffset, count: searchLength) }

    func searchRange(_ i: Int) -> Range<Int> {
        let start = i == 0 ? 0 : Int(u32(.searchEnd, i - 1))
        let end = Int(u32(.searchEnd, i))
        return min(start, searchLength)..<min(max(start, end), searchLength)
    }

    func title(_ i: Int) -> String {
        let start = i == 0 ? 0 : Int(u32(.titleEnd, i - 1))
        let end = min(Int(u32(.titleEnd, i)), titlesLength)
        guard start < end else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: base + titlesOffset + start, count: end - start), as: UTF8.self)
    }

    func packed(_ i: Int) -> PackedRow {
        var r = PackedRow(IncidentRow(number: 0, version: 0, title: "", priority: .p5, impact: .individual, urgency: .low,
                                      state: .new, holdReason: nil, assignee: nil, group: nil, service: nil, ci: nil,
                                      openedAt: Date(timeIntervalSinceReferenceDate: 0), updatedAt: Date(timeIntervalSinceReferenceDate: 0),
                                      resolvedAt: nil, majorIncident: .none, parent: nil, childCount: 0, problem: nil,
                                      resolution: nil, response: nil))
        r.number = u32(.number, i); r.version = u32(.version, i)
        r.openedAt = u32(.openedAt, i); r.updatedAt = u32(.updatedAt, i); r.resolvedAt = u32(.resolvedAt, i)
        r.priority = u8(.priority, i); r.impact = u8(.impact, i); r.urgency = u8(.urgency, i)
        r.state = u8(.state, i); r.hold = u8(.hold, i); r.major = u8(.major, i)
        r.assignee = string(u32(.assignee, i)); r.group = string(u32(.group, i))
        r.service = string(u32(.service, i)); r.ci = string(u32(.ci, i))
        r.parent = u32(.parent, i); r.problem = u32(.problem, i); r.children = u32(.children, i)
        r.resolution = clock(i, resolution: true)
        r.response = clock(i, resolution: false)
        r.title = title(i)
        return r
    }

    private func clock(_ i: Int, resolution: Bool) -> PackedClock {
        var c = PackedClock()
        c.stage = u8(resolution ? .resStage : .rspStage, i)
        c.due = u32(resolution ? .resDue : .rspDue, i)
        c.breachedAt = u32(resolution ? .resBreached : .rspBreached, i)
        c.markAt = u32(resolution ? .resMark : .rspMark, i)
        c.startedAt = u32(resolution ? .resStarted : .rspStarted, i)
        c.elapsed = Int32(bitPattern: u32(resolution ? .resElapsed : .rspElapsed, i))
        c.target = Int32(bitPattern: u32(resolution ? .resTarget : .rspTarget, i))
        c.definition = string(u32(resolution ? .resDefinition : .rspDefinition, i)) ?? ""
        c.calendar = string(u32(resolution ? .resCalendar : .rspCalendar, i)) ?? ""
        return c
    }

    /// Base index of incident `number` (rows are sorted by number).
    func index(ofNumber number: UInt32) -> Int? {
        guard count > 0 else { return nil }
        let numbers = column32(.number)
        // Numbers are usually dense: try the direct slot first.
        let guess = Int(number) - 1
        if guess >= 0 && guess < count && numbers[guess] == number { return guess }
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if numbers[mid] < number { lo = mid + 1 } else { hi = mid }
        }
        return lo < count && numbers[lo] == number ? lo : nil
    }

    /// The row whose search text holds byte `offset`.
    func row(atSearchOffset offset: Int) -> Int {
        let ends = column32(.searchEnd)
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if Int(ends[mid]) <= offset { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    // MARK: Building

    /// Lays out `rows` (sorted by number, unique) as an image.
    /// `startView`: write the open rows' order and the head image (not in the head image itself).
    static func build(_ rows: [PackedRow], anchorSequence: UInt64, logSalt: UInt64,
                      anchorFrame: LogAnchor? = nil, directory: [UInt8] = [], startView: Bool = true) -> [UInt8] {
        var ids: [String: UInt32] = [:]
        var table: [String] = []
        func intern(_ s: String?) -> UInt32 {
            guard let s, !s.isEmpty else { return 0 }
            if let id = ids[s] { return id }
            table.append(s)
            let id = UInt32(table.count)
            ids[s] = id
            return id
        }
        let n = rows.count
        var offsets: [Int] = []
        var o = headerSize
        for c in Column.allCases {
            offsets.append(o)
            o += (n * c.width + 7) & ~7
        }
        let columnsEnd = o
        var u32s = [[UInt32]](repeating: [], count: Column.allCases.count)
        var u8s = [[UInt8]](repeating: [], count: Column.allCases.count)
        for c in Column.allCases { if c.width == 4 { u32s[c.rawValue].reserveCapacity(n) } else { u8s[c.rawValue].reserveCapacity(n) } }
        var titles: [UInt8] = []
        var search: [UInt8] = []
        titles.reserveCapacity(n * 48)
        search.reserveCapacity(n * 56)
        func put(_ c: Column, _ v: UInt32) { u32s[c.rawValue].append(v) }
        func put8(_ c: Column, _ v: UInt8) { u8s[c.rawValue].append(v) }
        for r in rows {
            put(.number, r.number); put(.version, r.version); put(.openedAt, r.openedAt); put(.updatedAt, r.updatedAt)
            put(.resolvedAt, r.resolvedAt)
            put(.assignee, intern(r.assignee)); put(.group, intern(r.group)); put(.service, intern(r.service)); put(.ci, intern(r.ci))
            put(.parent, r.parent); put(.problem, r.problem); put(.children, r.children)
            titles.append(contentsOf: r.title.utf8)
            put(.titleEnd, UInt32(clamping: titles.count))
            search.append(contentsOf: r.searchText.utf8)
            search.append(10)
            put(.searchEnd, UInt32(clamping: search.count))
            for (clock, res) in [(r.resolution, true), (r.response, false)] {
                put(res ? .resDue : .rspDue, clock.due)
                put(res ? .resBreached : .rspBreached, clock.breachedAt)
                put(res ? .resMark : .rspMark, clock.markAt)
                put(res ? .resStarted : .rspStarted, clock.startedAt)
                put(res ? .resElapsed : .rspElapsed, UInt32(bitPattern: clock.elapsed))
                put(res ? .resTarget : .rspTarget, UInt32(bitPattern: clock.target))
                put(res ? .resDefinition : .rspDefinition, intern(clock.definition))
                put(res ? .resCalendar : .rspCalendar, intern(clock.calendar))
                put8(res ? .resStage : .rspStage, clock.stage)
            }
            put8(.priority, r.priority); put8(.impact, r.impact); put8(.urgency, r.urgency)
            put8(.state, r.state); put8(.hold, r.hold); put8(.major, r.major)
        }
        // The start view's order, as `IncidentTable.sort` gives it for the open rows: SLA key,
        // priority, then row.
        var openKeys: [(UInt32, UInt8, UInt32)] = []
        if startView {
            for (i, r) in rows.enumerated() where r.state != 0 && Code.state(r.state).isOpen {
                openKeys.append((r.resolution.sortKey, r.priority, UInt32(i)))
            }
            openKeys.sort { $0 < $1 }
        }
        let headImage = startView
            ? build(openKeys.prefix(headRows).map { Int($0.2) }.sorted().map { rows[$0] },
                    anchorSequence: anchorSequence, logSalt: logSalt, startView: false)
            : []
        var w = ByteWriter(capacity: columnsEnd + titles.count + search.count + table.count * 24 + openKeys.count * 4 + headImage.count + 96)
        w.raw(magic)
        w.u32(formatVersion); w.u32(UInt32(Column.allCases.count))
        w.u64(UInt64(n)); w.u64(anchorSequence); w.u64(logSalt)
        let stringsOffset = columnsEnd
        var stringBlock = ByteWriter()
        stringBlock.u32(UInt32(table.count))
        var bytes: [UInt8] = []
        for s in table {
            stringBlock.u32(UInt32(bytes.count)); stringBlock.u32(UInt32(s.utf8.count))
            bytes.append(contentsOf: s.utf8)
        }
        stringBlock.raw(bytes)
        let titlesOffset = stringsOffset + ((stringBlock.bytes.count + 7) & ~7)
        let searchOffset = titlesOffset + ((titles.count + 7) & ~7)
        let directoryOffset = searchOffset + ((search.count + 7) & ~7)
        let openOffset = (directoryOffset + directory.count + 7) & ~7
        let headOffset = (openOffset + openKeys.count * 4 + 15) & ~15
        let fileLength = startView ? headOffset + headImage.count + trailerSize : directoryOffset + directory.count
        w.u64(UInt64(stringsOffset)); w.u64(UInt64(titlesOffset)); w.u64(UInt64(titles.count))
        w.u64(UInt64(searchOffset)); w.u64(UInt64(search.count)); w.u64(UInt64(fileLength))
        w.u32(0)
        w.u32(anchorFrame?.segment ?? 0)
        w.u64(UInt64(directoryOffset)); w.u64(UInt64(directory.count))
        w.u64(anchorFrame?.offset ?? 0); w.u32(anchorFrame?.length ?? 0); w.u32(anchorFrame?.crc ?? 0)
        while w.bytes.count < headerSize { w.u8(0) }
        for c in Column.allCases {
            precondition(w.bytes.count == offsets[c.rawValue])
            if c.width == 4 { for v in u32s[c.rawValue] { w.u32(v) } } else { w.raw(u8s[c.rawValue]) }
            while w.bytes.count % 8 != 0 { w.u8(0) }
        }
        w.raw(stringBlock.bytes)
        while w.bytes.count < titlesOffset { w.u8(0) }
        w.raw(titles)
        while w.bytes.count < searchOffset { w.u8(0) }
        w.raw(search)
        while w.bytes.count < directoryOffset { w.u8(0) }
        w.raw(directory)
        if startView {
            while w.bytes.count < openOffset { w.u8(0) }
            var index = ByteWriter(capacity: openKeys.count * 4)
            for k in openKeys { index.u32(k.2) }
            w.raw(index.bytes)
            while w.bytes.count < headOffset { w.u8(0) }
            w.raw(headImage)
            w.raw(trailerMagic)
            w.u64(UInt64(openOffset)); w.u32(UInt32(openKeys.count)); w.u32(CRC32C.mask(CRC32C.checksum(index.bytes)))
            w.u64(UInt64(headOffset)); w.u32(UInt32(headImage.count)); w.u32(CRC32C.mask(CRC32C.checksum(headImage)))
        }
        var out = w.bytes
        let crc = out.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<headerSize])) }
        withUnsafeBytes(of: CRC32C.mask(crc).littleEndian) { b in for k in 0..<4 { out[88 + k] = b[k] } }
        return out
    }

    /// An image held in memory.
    convenience init(bytes: [UInt8]) throws {
        let p = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        bytes.withUnsafeBytes { p.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        try self.init(pointer: UnsafeRawPointer(p), length: bytes.count, owned: p, mapped: false)
    }

    /// Maps the image file; nil if it is missing or not a usable image.
    static func map(path: String) -> RowImage? {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { Glibc.close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_size >= headerSize else { return nil }
        let size = Int(st.st_size)
        guard let m = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0), m != MAP_FAILED else { return nil }
        do {
            return try RowImage(pointer: UnsafeRawPointer(m), length: size, owned: nil, mapped: true)
        } catch {
            munmap(m, size)
            return nil
        }
    }

    struct Unusable: Error { var reason: String }

    private init(pointer: UnsafeRawPointer, length: Int, owned: UnsafeMutableRawPointer?, mapped: Bool) throws {
        self.base = pointer
        self.length = length
        self.owned = owned
        self.mapped = mapped
        let b = UnsafeRawBufferPointer(start: pointer, count: length)
        func fail(_ why: String) -> Unusable {
            if let owned { owned.deallocate() }
            return Unusable(reason: why)
        }
        guard length >= Self.headerSize, Array(b[0..<8]) == Self.magic else { throw fail("not a rows image") }
        guard b.u32(at: 8) == Self.formatVersion, b.u32(at: 12) == UInt32(Column.allCases.count) else { throw fail("another format") }
        var header = Array(b[0..<Self.headerSize])
        for k in 88..<92 { header[k] = 0 }
        guard CRC32C.mask(CRC32C.checksum(header)) == b.u32(at: 88) else { throw fail("header checksum") }
        let n = b.u64(at: 16)
        guard n < 1 << 28 else { throw fail("row count") }
        count = Int(n)
        anchorSequence = b.u64(at: 24)
        logSalt = b.u64(at: 32)
        var o = Self.headerSize
        var offs: [Int] = []
        for c in Column.allCases { offs.append(o); o += (count * c.width + 7) & ~7 }
        let so = Int(b.u64(at: 40)), to = Int(b.u64(at: 48)), tl = Int(b.u64(at: 56))
        let sro = Int(b.u64(at: 64)), srl = Int(b.u64(at: 72)), fl = Int(b.u64(at: 80))
        guard fl == length, so == o, so + 4 <= to, to + tl <= sro, sro + srl <= fl else { throw fail("layout") }
        // The optional first-look fields (zero in images written without them).
        let dro = Int(b.u64(at: 96)), drl = Int(b.u64(at: 104))
        if drl == 0 {
            directoryOffset = sro + srl; directoryLength = 0
        } else {
            guard dro >= sro + srl, dro <= fl, drl <= fl - dro else { throw fail("layout") }
            directoryOffset = dro; directoryLength = drl
        }
        let frameLength = b.u32(at: 120)
        anchorFrame = frameLength == 0 ? nil
            : LogAnchor(segment: b.u32(at: 92), offset: b.u64(at: 112), length: frameLength, crc: b.u32(at: 124))
        (openBySLA, head) = Self.startView(b, after: directoryOffset + directoryLength, rows: count)
        columnOffsets = offs
        titlesOffset = to; titlesLength = tl; searchOffset = sro; searchLength = srl
        let sc = Int(b.u32(at: so))
        guard so + 4 + sc * 8 <= to else { throw fail("string table") }
        var table: [String] = []
        table.reserveCapacity(sc)
        let bytesStart = so + 4 + sc * 8
        for k in 0..<sc {
            let off = Int(b.u32(at: so + 4 + k * 8)), len = Int(b.u32(at: so + 8 + k * 8))
            guard bytesStart + off + len <= to else { throw fail("string table") }
            table.append(String(decoding: UnsafeRawBufferPointer(rebasing: b[(bytesStart + off)..<(bytesStart + off + len)]), as: UTF8.self))
        }
        strings = table
        lowerStrings = table.map { $0.lowercased() }
    }

    /// The open-rows index and the head image from the trailer, each if sound.
    private static func startView(_ b: UnsafeRawBufferPointer, after end: Int, rows: Int)
        -> (UnsafeBufferPointer<UInt32>?, RowImage?) {
        let t = b.count - trailerSize
        guard t >= end, Array(b[t..<(t + 8)]) == trailerMagic else { return (nil, nil) }
        let offset = Int(b.u64(at: t + 8)), n = Int(b.u32(at: t + 16))
        let headOffset = Int(b.u64(at: t + 24)), headLength = Int(b.u32(at: t + 32))
        guard offset >= end, offset % 4 == 0, n <= rows, offset + n * 4 <= headOffset,
              headOffset % 16 == 0, headOffset <= t, headLength == t - headOffset else { return (nil, nil) }
        var index: UnsafeBufferPointer<UInt32>?
        let indexBytes = UnsafeRawBufferPointer(rebasing: b[offset..<(offset + n * 4)])
        if CRC32C.mask(CRC32C.checksum(indexBytes)) == b.u32(at: t + 20) {
            let rowsOf = UnsafeBufferPointer(start: indexBytes.baseAddress?.assumingMemoryBound(to: UInt32.self), count: n)
            // Rows past the table would be read out of bounds: refuse the index, not the image.
            if rowsOf.allSatisfy({ Int($0) < rows }) { index = rowsOf }
        }
        var head: RowImage?
        let headBytes = UnsafeRawBufferPointer(rebasing: b[headOffset..<t])
        if headLength > 0, CRC32C.mask(CRC32C.checksum(headBytes)) == b.u32(at: t + 36) {
            head = try? RowImage(pointer: headBytes.baseAddress!, length: headLength, owned: nil, mapped: false)
        }
        return (index, head)
    }

    deinit {
        if mapped { munmap(UnsafeMutableRawPointer(mutating: base), length) }
        if let owned { owned.deallocate() }
    }
}
