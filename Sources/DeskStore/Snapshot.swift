#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ITSM

/// The snapshot: the state of every record at one sequence number, laid out so that opening a
/// store of a million records maps one file and checks one checksum, and processes share
/// its pages through the page cache. It is only a cache: the log is the truth.
///
///     header (144 bytes)
///       0  magic "OPSDSNAP"       8
///       8  format version  u16,  10 reserved u16,  12 incompatible features u32
///      16  record count    u64
///      24  last sequence   u64       the last transaction folded in
///      32  log segment     u32,  36 reserved u32
///      40  frame start     u64       where that transaction's frame starts…
///      48  frame end       u64       …and ends (where replay continues)
///      56  frame hash      32 bytes  SHA-256 of that frame: proves the log still holds it
///      88  index offset    u64,  96 keys offset u64,  104 bodies offset u64
///     112  file length     u64
///     120  written at      f64 bits (seconds since 2001)
///     128  checksum        u32       masked CRC32C of the whole file with these 4 bytes as zero
///     132  reserved        12 bytes
///     index: record count × 48-byte entries, sorted by key bytes (kind, 0x00, key):
///       0 key offset u64 · 8 key length u32 · 12 kind length u32 · 16 version u64
///      24 created at f64 bits · 32 body offset u64 · 40 body length u32 · 44 body form u32
///     keys: the key bytes; bodies: per record, decoded only when the record is looked at, either
///       form 0: a TLV body (fields, last event, history), or
///       form 1 (version 2): a reference to the record's only event in the log, for records a
///         bulk import created (their whole state is that one event, so it is not copied):
///          0 frame segment u32 · 4 frame offset u64 · 12 event offset u64 (in that segment's
///         file) · 20 event length u32 · 24 masked CRC32C of the event's bytes u32   (28 bytes)
///       The event's own checksum lets a read detect damage to those log bytes and say so
///       (the snapshot's file checksum covers only the snapshot).
///
/// Version 3 (a bulk import's snapshot, `SnapshotDraft`): the keys and bodies sections may be one
/// and the same (keys offset == bodies offset: each record's key then its body, interleaved) and
/// may start after a gap following the index; each section runs to the end of the file. The
/// gap is neither read nor covered by the checksum, which runs over the header (checksum as
/// zero), the index, and the bytes from the first of keys and bodies to the end. So the import
/// writes that one data section while it writes the log, at an offset chosen before the record
/// count is known (room left for more index entries). A version-2 reader refuses it (newer) and
/// replays the log.
enum SnapshotFormat {
    static let magic: [UInt8] = Array("OPSDSNAP".utf8)
    /// 2: body form 1 (log references). A version-1 reader refuses it and replays the log.
    static let version: UInt16 = 2
    /// 3: shared keys and bodies section after a gap (see above); written by imports only.
    static let sharedDataVersion: UInt16 = 3
    static let bodyInline: UInt32 = 0, bodyLogReference: UInt32 = 1
    static let referenceSize = 28
    static let headerSize = 144
    static let entrySize = 48
    static let fileName = "snapshot"
    // Body tags
    static let tagFieldEntry: UInt64 = 1, tagLastEvent: UInt64 = 2, tagHistory: UInt64 = 3
    static let tagName: UInt64 = 1, tagValue: UInt64 = 2

    /// The byte ranges of a snapshot file (`file`, at least a header long) its checksum covers
    /// after the header's first 128 bytes and the checksum field itself: the rest of the file, or
    /// for version 3 the rest of the header, the index and the data sections (not the gap
    /// between). Nil if version 3's sections are not where they can be.
    static func checksummedRanges(_ file: UnsafeRawBufferPointer) -> [Range<Int>]? {
        let size = file.count
        guard file.u16(at: 8) >= sharedDataVersion else { return [132..<size] }
        let count = file.u64(at: 16), idx = file.u64(at: 88)
        let dataStart = min(file.u64(at: 96), file.u64(at: 104))
        guard idx == UInt64(headerSize), count <= UInt64(size / entrySize),
              idx + count * UInt64(entrySize) <= dataStart, dataStart <= UInt64(size) else { return nil }
        return [132..<Int(idx + count * UInt64(entrySize)), Int(dataStart)..<size]
    }

    /// The (unmasked) checksum of `file` over `covered` (from `checksummedRanges`).
    static func checksum(_ file: UnsafeRawBufferPointer, _ covered: [Range<Int>]) -> UInt32 {
        var crc = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: file[0..<128]))
        crc = withUnsafeBytes(of: UInt32(0)) { CRC32C.checksum($0, continuing: crc) }
        for r in covered { crc = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: file[r]), continuing: crc) }
        return crc
    }

    /// The key bytes records sort by: kind, 0x00, then for a numbered record (`INC-42`) 0x01 and
    /// the number as 8 big-endian bytes, else 0x02 and the key. Byte order is then `RecordID`
    /// order (INC-2 before INC-10), so a kind's records come out of the index already sorted.
    static func compositeKey(_ id: RecordID) -> [UInt8] {
        var k: [UInt8] = []
        appendCompositeKey(id, to: &k)
        return k
    }

    /// `compositeKey`, appended to a buffer that holds many (no array per key).
    static func appendCompositeKey(_ id: RecordID, to k: inout [UInt8]) {
        k.append(contentsOf: id.kind.rawValue.utf8)
        k.append(0)
        if let n = canonicalNumber(id) {
            k.append(1)
            withUnsafeBytes(of: UInt64(n).bigEndian) { k.append(contentsOf: $0) }
        } else {
            k.append(2)
            k.append(contentsOf: id.key.utf8)
        }
    }

    /// The number of a numbered record whose key is exactly that number in decimal (`INC-42`,
    /// not `INC-042`); nil otherwise. Such keys sort and are stored as 8-byte numbers.
    static func canonicalNumber(_ id: RecordID) -> Int? {
        guard id.kind.isNumbered else { return nil }
        // Digits read straight from the UTF-8 (`Int(String)` is generic parsing: an import asks
        // this of every record twice). The same answer: ASCII digits only, no leading zero,
        // within `Int`.
        var key = id.key
        return key.withUTF8 { u -> Int? in
            guard let first = u.first, (0x31...0x39).contains(first) else { return nil }
            var n = 0
            for byte in u {
                guard (0x30...0x39).contains(byte) else { return nil }
                let (times10, o1) = n.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(Int(byte - 0x30))
                guard !o1, !o2 else { return nil }
                n = sum
            }
            return n
        }
    }

    /// Whether `key(fromTail:)` would read `tail`, without making the string (opening a
    /// snapshot checks a million of them; making each number's decimal string was most of that).
    static func isKeyTail(_ tail: UnsafeRawBufferPointer) -> Bool {
        guard let tag = tail.first else { return false }
        return tag == 1 ? tail.count == 9 : tag == 2
    }

    /// The key part of a composite key (after the kind and its 0x00); nil if malformed.
    static func key(fromTail tail: UnsafeRawBufferPointer) -> String? {
        guard let tag = tail.first else { return nil }
        if tag == 1 {
            guard tail.count == 9 else { return nil }
            return String(UInt64(bigEndian: tail.loadUnaligned(fromByteOffset: 1, as: UInt64.self)))
        }
        return tag == 2 ? String(decoding: tail[1...], as: UTF8.self) : nil
    }

    static func encodeBody(_ e: RecordEntry) -> [UInt8] {
        var w = ByteWriter(capacity: 256)
        for (name, value) in e.state.fields.sorted(by: { $0.key < $1.key }) {
            var f = ByteWriter()
            f.field(tagName, string: name)
            f.field(tagValue, EventCoding.encode(value))
            w.field(tagFieldEntry, f.bytes)
        }
        w.field(tagLastEvent, EventCoding.encode(e.state.lastEvent))
        var h = ByteWriter(capacity: e.history.count * 6)
        for p in e.history { h.varint(UInt64(p.segment)); h.varint(p.offset) }
        w.field(tagHistory, h.bytes)
        return w.bytes
    }
}

/// Why a snapshot was not used.
struct SnapshotRejected: Error, CustomStringConvertible {
    var reason: String
    var description: String { reason }
}

/// A mapped, checked snapshot file. Immutable, so shared freely between threads.
final class SnapshotImage: @unchecked Sendable {
    let path: String
    private let base: UnsafeRawPointer
    private let length: Int
    let count: Int
    let lastSequence: UInt64
    let logPosition: LogPosition      // where the last folded frame starts
    let frameEnd: UInt64
    let frameHash: Digest32
    let writtenAt: Date
    private let indexOffset: Int, keysOffset: Int, bodiesOffset: Int
    /// Index ranges per kind (kinds are contiguous since keys sort by kind first).
    let kindRanges: [RecordKind: Range<Int>]
    /// Reads the events that form-1 bodies point to.
    let logReader: LogEventReader

    private var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: length) }

    /// Maps and checks `path`. Throws `SnapshotRejected` saying why it cannot be used.
    /// A snapshot of at least `checksumAsideFrom` bytes has its checksum computed on another
    /// core while this one checks its layout and index (about half each of checking a million
    /// records, and the import's last step): those checks test every offset before reading
    /// through it, so they are safe on bytes not yet known good, and the checksum's verdict
    /// still comes first.
    init(path: String, checksumAsideFrom: Int = 16 << 20) throws {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SnapshotRejected(reason: errno == ENOENT ? "missing" : "cannot be read (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw SnapshotRejected(reason: "cannot be read") }
        let size = Int(st.st_size)
        guard size >= SnapshotFormat.headerSize else { throw SnapshotRejected(reason: "too short") }
        guard let m = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0), m != MAP_FAILED else {
            throw SnapshotRejected(reason: "cannot be mapped")
        }
        let b = UnsafeRawBufferPointer(start: m, count: size)
        func reject(_ why: String) -> SnapshotRejected { munmap(m, size); return SnapshotRejected(reason: why) }

        guard Array(b[0..<8]) == SnapshotFormat.magic else { throw reject("not a snapshot file") }
        guard b.u16(at: 8) <= SnapshotFormat.sharedDataVersion else { throw reject("written by a newer OpsDesk") }
        guard let covered = SnapshotFormat.checksummedRanges(b) else { throw reject("inconsistent layout") }
        let checksum = ChecksumAside(b, covered, aside: size >= checksumAsideFrom)
        let checked = Result { () throws(SnapshotRejected) in try Self.checkLayout(b) }
        // Not before the checksum is done: it may still be reading the mapping.
        guard CRC32C.unmask(b.u32(at: 128)) == checksum.value() else { throw reject("checksum mismatch (damaged)") }
        let ranges: [RecordKind: Range<Int>]
        switch checked {
        case let .success(r): ranges = r
        case let .failure(e): throw reject(e.reason)
        }
        let idx = b.u64(at: 88), keys = b.u64(at: 96), bodies = b.u64(at: 104)
        let n = Int(b.u64(at: 16))

        self.path = path
        self.logReader = LogEventReader(directory: (path as NSString).deletingLastPathComponent)
        self.base = UnsafeRawPointer(m)
        self.length = size
        self.count = n
        self.lastSequence = b.u64(at: 24)
        self.logPosition = LogPosition(segment: b.u32(at: 32), offset: b.u64(at: 40))
        self.frameEnd = b.u64(at: 48)
        self.frameHash = Array(b[56..<88])
        self.writtenAt = Date(timeIntervalSinceReferenceDate: Double(bitPattern: b.u64(at: 120)))
        self.indexOffset = Int(idx)
        self.keysOffset = Int(keys)
        self.bodiesOffset = Int(bodies)
        self.kindRanges = ranges
    }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), length) }

    /// Checks the layout of a mapped snapshot `b` and every index entry's ranges once, so lookups
    /// never read out of bounds; gives each kind's range of entries.
    private static func checkLayout(_ b: UnsafeRawBufferPointer) throws(SnapshotRejected) -> [RecordKind: Range<Int>] {
        func reject(_ why: String) -> SnapshotRejected { SnapshotRejected(reason: why) }
        let size = b.count
        guard b.u32(at: 12) == 0 else { throw reject("written by a newer OpsDesk") }
        let count = b.u64(at: 16)
        let idx = b.u64(at: 88), keys = b.u64(at: 96), bodies = b.u64(at: 104)
        let shared = b.u16(at: 8) >= SnapshotFormat.sharedDataVersion
        guard b.u64(at: 112) == UInt64(size), count <= UInt64(size / SnapshotFormat.entrySize),
              idx == UInt64(SnapshotFormat.headerSize), keys <= UInt64(size), bodies <= UInt64(size),
              shared ? idx + count * UInt64(SnapshotFormat.entrySize) <= min(keys, bodies)
                     : idx + count * UInt64(SnapshotFormat.entrySize) == keys && keys <= bodies
        else { throw reject("inconsistent layout") }
        let n = Int(count)
        let keysLen = shared ? size - Int(keys) : Int(bodies - keys), bodiesLen = size - Int(bodies)
        var ranges: [RecordKind: Range<Int>] = [:]
        var currentKind = UnsafeRawBufferPointer(start: nil, count: 0), kindStart = 0
        var previousKey: UnsafeRawBufferPointer? = nil
        for i in 0..<n {
            let e = Int(idx) + i * SnapshotFormat.entrySize
            let ko = b.u64(at: e), kl = UInt64(b.u32(at: e + 8)), kindLen = b.u32(at: e + 12)
            let bo = b.u64(at: e + 32), bl = UInt64(b.u32(at: e + 40)), form = b.u32(at: e + 44)
            guard ko <= UInt64(keysLen), kl <= UInt64(keysLen) - ko, UInt64(kindLen) < kl,
                  bo <= UInt64(bodiesLen), bl <= UInt64(bodiesLen) - bo else { throw reject("index entry \(i) out of range") }
            guard form == SnapshotFormat.bodyInline
                    || (form == SnapshotFormat.bodyLogReference && bl == UInt64(SnapshotFormat.referenceSize)) else {
                throw reject("index entry \(i) has an unknown body form")
            }
            let key = UnsafeRawBufferPointer(rebasing: b[(Int(keys) + Int(ko))..<(Int(keys) + Int(ko + kl))])
            guard key[Int(kindLen)] == 0,
                  SnapshotFormat.isKeyTail(UnsafeRawBufferPointer(rebasing: key[(Int(kindLen) + 1)...])) else {
                throw reject("index entry \(i) malformed")
            }
            if let p = previousKey, !Self.less(p, key) { throw reject("index not sorted at entry \(i)") }
            previousKey = key
            // The kind's bytes, compared in place (no copy per entry: a million of them at open).
            let kind = UnsafeRawBufferPointer(rebasing: key[0..<Int(kindLen)])
            let sameKind = i > 0 && kind.count == currentKind.count
                && (kind.count == 0 || memcmp(kind.baseAddress!, currentKind.baseAddress!, kind.count) == 0)
            if !sameKind {
                if i > 0 { ranges[RecordKind(rawValue: String(decoding: currentKind, as: UTF8.self))] = kindStart..<i }
                currentKind = kind; kindStart = i
            }
        }
        if n > 0 { ranges[RecordKind(rawValue: String(decoding: currentKind, as: UTF8.self))] = kindStart..<n }
        return ranges
    }

    /// A snapshot file's checksum, computed here or on another thread (`aside`) until `value()`.
    private final class ChecksumAside: @unchecked Sendable {
        private let file: UnsafeRawBufferPointer
        private let covered: [Range<Int>]
        private var crc: UInt32 = 0
        private let done: DispatchSemaphore?

        init(_ file: UnsafeRawBufferPointer, _ covered: [Range<Int>], aside: Bool) {
            (self.file, self.covered) = (file, covered)
            guard aside else { done = nil; crc = SnapshotFormat.checksum(file, covered); return }
            let done = DispatchSemaphore(value: 0)
            self.done = done
            DispatchQueue.global().async { self.crc = SnapshotFormat.checksum(self.file, self.covered); done.signal() }
        }

        func value() -> UInt32 {
            done?.wait()
            return crc
        }
    }

    var fileSize: Int { length }

    static func less(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        let n = min(a.count, b.count)
        let c = n == 0 ? 0 : memcmp(a.baseAddress!, b.baseAddress!, n)
        return c != 0 ? c < 0 : a.count < b.count
    }

    private func entryOffset(_ i: Int) -> Int { indexOffset + i * SnapshotFormat.entrySize }

    func keyBytes(at i: Int) -> UnsafeRawBufferPointer {
        let e = entryOffset(i)
        let start = keysOffset + Int(bytes.u64(at: e))
        return UnsafeRawBufferPointer(rebasing: bytes[start..<(start + Int(bytes.u32(at: e + 8)))])
    }

    func rawBody(at i: Int) -> UnsafeRawBufferPointer {
        let e = entryOffset(i)
        let start = bodiesOffset + Int(bytes.u64(at: e + 32))
        return UnsafeRawBufferPointer(rebasing: bytes[start..<(start + Int(bytes.u32(at: e + 40)))])
    }

    func version(at i: Int) -> UInt64 { bytes.u64(at: entryOffset(i) + 16) }
    func bodyForm(at i: Int) -> UInt32 { bytes.u32(at: entryOffset(i) + 44) }
    func createdAt(at i: Int) -> Date { Date(timeIntervalSinceReferenceDate: Double(bitPattern: bytes.u64(at: entryOffset(i) + 24))) }

    func id(at i: Int) -> RecordID {
        let key = keyBytes(at: i)
        let kindLen = Int(bytes.u32(at: entryOffset(i) + 12))
        return RecordID(kind: RecordKind(rawValue: String(decoding: key[0..<kindLen], as: UTF8.self)),
                        key: SnapshotFormat.key(fromTail: UnsafeRawBufferPointer(rebasing: key[(kindLen + 1)...])) ?? "")
    }

    /// Binary search by key bytes.
    func index(of id: RecordID) -> Int? {
        let probe = SnapshotFormat.compositeKey(id)
        return probe.withUnsafeBytes { p -> Int? in
            var lo = 0, hi = count
            while lo < hi {
                let mid = (lo + hi) / 2
                let k = keyBytes(at: mid)
                if Self.less(k, p) { lo = mid + 1 } else { hi = mid }
            }
            guard lo < count else { return nil }
            let k = keyBytes(at: lo)
            return k.count == p.count && (p.count == 0 || memcmp(k.baseAddress!, p.baseAddress!, p.count) == 0) ? lo : nil
        }
    }

    func contains(_ id: RecordID) -> Bool { index(of: id) != nil }

    func entry(_ id: RecordID) -> RecordEntry? { index(of: id).flatMap { entry(at: $0) } }

    /// The record's entry, or a clear error if its body cannot be read (a log reference whose
    /// bytes in the log are damaged or gone); nil only if the snapshot does not have it.
    func checkedEntry(_ id: RecordID) throws(StoreError) -> RecordEntry? {
        guard let i = index(of: id) else { return nil }
        return try checkedEntry(at: i)
    }

    /// Decodes record `i`'s body; nil if it cannot be read (see `checkedEntry(at:)` for why).
    func entry(at i: Int) -> RecordEntry? { try? checkedEntry(at: i) }

    func checkedEntry(at i: Int) throws(StoreError) -> RecordEntry {
        let e = entryOffset(i)
        let version = bytes.u64(at: e + 16)
        let created = Date(timeIntervalSinceReferenceDate: Double(bitPattern: bytes.u64(at: e + 24)))
        if bytes.u32(at: e + 44) == SnapshotFormat.bodyLogReference {
            let reference = LogReference(rawBody(at: i))
            let event = try logReader.event(at: reference, of: id(at: i))
            var fields: [String: FieldValue] = [:]
            fields.reserveCapacity(event.changes.count)
            for c in event.changes { fields[c.field] = c.to }
            let state = RecordState(id: event.record, version: version, fields: fields, createdAt: created, lastEvent: event)
            return RecordEntry(state: state, history: [reference.frame], lastSequence: 0)
        }
        guard let entry = inlineEntry(at: i, version: version, createdAt: created) else {
            throw StoreError.unreadableSnapshotBody(record: id(at: i).description)
        }
        return entry
    }

    /// Decodes a form-0 body. Nil only if the body is malformed (the file checksum makes that a
    /// bug, not damage).
    private func inlineEntry(at i: Int, version: UInt64, createdAt: Date) -> RecordEntry? {
        let id = id(at: i)
        var fields: [String: FieldValue] = [:]
        var last: Event? = nil
        var history: [LogPosition] = []
        var r = ByteReader(rawBody(at: i))
        do {
            while !r.atEnd {
                let (tag, body) = try r.field()
                switch tag {
                case SnapshotFormat.tagFieldEntry:
                    var fr = body
                    var name = "", value = FieldValue.none
                    while !fr.atEnd {
                        let (t, b) = try fr.field()
                        if t == SnapshotFormat.tagName { name = b.string } else if t == SnapshotFormat.tagValue { value = try EventCoding.decodeValue(b) }
                    }
                    fields[name] = value
                case SnapshotFormat.tagLastEvent:
                    last = try EventCoding.decodeEvent(body)
                case SnapshotFormat.tagHistory:
                    var hr = body
                    while !hr.atEnd {
                        let seg = try hr.varint(), off = try hr.varint()
                        history.append(LogPosition(segment: UInt32(truncatingIfNeeded: seg), offset: off))
                    }
                default: break
                }
            }
        } catch { return nil }
        guard let last else { return nil }
        let state = RecordState(id: id, version: version, fields: fields, createdAt: createdAt, lastEvent: last)
        return RecordEntry(state: state, history: history, lastSequence: 0)
    }

    func ids(of kind: RecordKind) -> [RecordID] {
        guard let r = kindRanges[kind] else { return [] }
        return r.map { id(at: $0) }
    }

    var counts: [RecordKind: Int] { kindRanges.mapValues { $0.count } }
}

/// Writes a snapshot of `view` into `fd` (an open, empty temporary file).
enum SnapshotWriter {
    struct Anchor {
        var sequence: UInt64
        var frameStart: LogPosition
        var frameEnd: UInt64
        var frameHash: Digest32
    }

    /// Whether the snapshot of `view` with `ledger`'s records is those records alone, in the
    /// order they were added: its index is then `ledger.records.entries` as it is.
    static func isImportOnly(_ view: StoreView, _ ledger: ImportLedger) -> Bool {
        view.snapshot == nil && view.overlay.isEmpty && ledger.isSnapshotReady
    }

    /// Builds the snapshot bytes. Records unchanged since the view's own snapshot are copied
    /// as raw bodies, not decoded; records of `imported` (a bulk import) become log references.
    static func buildPieces(_ view: StoreView, anchor: Anchor, imported: ImportLedger? = nil, now: Date = Date()) -> [[UInt8]] {
        // An import into an empty store: the import's records are the snapshot, already laid out.
        if let ledger = imported, isImportOnly(view, ledger) {
            let r = ledger.records
            let dataAt = UInt64(SnapshotFormat.headerSize + r.entries.count)
            return [importHeader(r, dataAt: dataAt, anchor: anchor, now: now), r.entries, r.data]
        }
        enum Source { case base(Int), entry(RecordEntry), reference(Int) }
        var items: [(key: [UInt8], source: Source)] = []
        items.reserveCapacity(view.snapshot?.count ?? 0)
        var fresh: [(key: [UInt8], source: Source)] = []
        if let s = view.snapshot {
            for i in 0..<s.count {
                let id = s.id(at: i)
                if let e = view.overlay[id] { items.append((Array(s.keyBytes(at: i)), .entry(e))) } else { items.append((Array(s.keyBytes(at: i)), .base(i))) }
            }
        }
        for (id, e) in view.overlay where view.snapshot?.contains(id) != true {
            fresh.append((SnapshotFormat.compositeKey(id), .entry(e)))
        }
        fresh.sort { a, b in a.key.withUnsafeBytes { x in b.key.withUnsafeBytes { y in SnapshotImage.less(x, y) } } }
        // Merge the two sorted lists.
        var merged: [(key: [UInt8], source: Source)] = []
        merged.reserveCapacity(items.count + fresh.count)
        var i = 0, j = 0
        while i < items.count || j < fresh.count {
            if j == fresh.count || (i < items.count && items[i].key.withUnsafeBytes { x in fresh[j].key.withUnsafeBytes { y in SnapshotImage.less(x, y) } }) {
                merged.append(items[i]); i += 1
            } else {
                merged.append(fresh[j]); j += 1
            }
        }
        let ledger = imported ?? ImportLedger()
        let records = ledger.records
        let order = ledger.sortedSlots()
        let total = merged.count + order.count

        // Index entries are fixed-size: stored in place, one entry at a time (not field by field).
        var index = [UInt8](repeating: 0, count: total * SnapshotFormat.entrySize)
        var entry = 0
        var keys = ByteWriter(capacity: merged.count * 16 + records.data.count)
        var bodies = ByteWriter(capacity: merged.count * 128 + order.count * SnapshotFormat.referenceSize)
        func add(key: UnsafeRawBufferPointer, version: UInt64, created: UInt64, form: UInt32, body: (inout ByteWriter) -> Void) {
            let keyOffset = UInt64(keys.bytes.count)
            keys.raw(key)
            let kindLen = UInt32(key.firstIndex(of: 0) ?? 0)
            let bodyOffset = UInt64(bodies.bytes.count)
            body(&bodies)
            let bodyLength = UInt32(UInt64(bodies.bytes.count) - bodyOffset)
            index.withUnsafeMutableBytes { b in
                let e = entry * SnapshotFormat.entrySize
                b.storeBytes(of: keyOffset.littleEndian, toByteOffset: e, as: UInt64.self)
                b.storeBytes(of: UInt32(key.count).littleEndian, toByteOffset: e + 8, as: UInt32.self)
                b.storeBytes(of: kindLen.littleEndian, toByteOffset: e + 12, as: UInt32.self)
                b.storeBytes(of: version.littleEndian, toByteOffset: e + 16, as: UInt64.self)
                b.storeBytes(of: created.littleEndian, toByteOffset: e + 24, as: UInt64.self)
                b.storeBytes(of: bodyOffset.littleEndian, toByteOffset: e + 32, as: UInt64.self)
                b.storeBytes(of: bodyLength.littleEndian, toByteOffset: e + 40, as: UInt32.self)
                b.storeBytes(of: form.littleEndian, toByteOffset: e + 44, as: UInt32.self)
            }
            entry += 1
        }
        func addMerged(_ item: (key: [UInt8], source: Source)) {
            item.key.withUnsafeBytes { key in
                switch item.source {
                case let .base(k):
                    let s = view.snapshot!
                    add(key: key, version: s.version(at: k), created: s.createdAt(at: k).timeIntervalSinceReferenceDate.bitPattern,
                        form: s.bodyForm(at: k)) { $0.raw(s.rawBody(at: k)) }
                case let .entry(e):
                    add(key: key, version: e.state.version, created: e.state.createdAt.timeIntervalSinceReferenceDate.bitPattern,
                        form: SnapshotFormat.bodyInline) { $0.raw(SnapshotFormat.encodeBody(e)) }
                case .reference: break
                }
            }
        }
        // Merge the view's records with the import's (a record is in one or the other).
        var m = 0, l = 0
        while m < merged.count || l < order.count {
            if l == order.count || (m < merged.count && merged[m].key.withUnsafeBytes { k in records.withKey(order[l]) { SnapshotImage.less(k, $0) } }) {
                addMerged(merged[m]); m += 1
            } else {
                let slot = order[l]
                records.withKey(slot) { key in
                    add(key: key, version: 1, created: records.createdAt(slot), form: SnapshotFormat.bodyLogReference) {
                        records.reference(slot).write(into: &$0.bytes)
                    }
                }
                l += 1
            }
        }
        precondition(entry == total, "SnapshotWriter: index entries written and counted differ")
        return pieces(count: total, index: index, keys: keys.bytes, bodies: bodies.bytes, anchor: anchor, now: now)
    }

    /// The header for these sections, and the file as four pieces, written one after the other
    /// (no copy of a big snapshot into one buffer); the checksum runs over them in order.
    private static func pieces(count total: Int, index: [UInt8], keys: [UInt8], bodies: [UInt8],
                               anchor: Anchor, now: Date) -> [[UInt8]] {
        let keysAt = UInt64(SnapshotFormat.headerSize + index.count)
        let bodiesAt = keysAt + UInt64(keys.count)
        var header = header(version: SnapshotFormat.version, count: total, keysAt: keysAt, bodiesAt: bodiesAt,
                            fileLength: bodiesAt + UInt64(bodies.count), anchor: anchor, now: now)
        var crc = CRC32C.checksum(header)
        for piece in [index, keys, bodies] { crc = piece.withUnsafeBytes { CRC32C.checksum($0, continuing: crc) } }
        seal(&header, crc)
        return [header, index, keys, bodies]
    }

    /// The header (version 3) of a snapshot of an import's `records` alone, its data section at
    /// `dataAt` (after the index, or after a gap, as `SnapshotDraft` places it). The checksum
    /// is combined from the ones `records` kept: nothing is read again.
    static func importHeader(_ records: ImportedRecords, dataAt: UInt64, anchor: Anchor, now: Date) -> [UInt8] {
        var header = header(version: SnapshotFormat.sharedDataVersion, count: records.count, keysAt: dataAt, bodiesAt: dataAt,
                            fileLength: dataAt + UInt64(records.data.count), anchor: anchor, now: now)
        var crc = CRC32C.checksum(header)
        crc = CRC32C.combine(crc, records.entriesCRC, length: records.entries.count)
        crc = CRC32C.combine(crc, records.dataCRC, length: records.data.count)
        seal(&header, crc)
        return header
    }

    /// A header with its checksum field zero.
    private static func header(version: UInt16, count total: Int, keysAt: UInt64, bodiesAt: UInt64, fileLength: UInt64,
                               anchor: Anchor, now: Date) -> [UInt8] {
        var h = ByteWriter(capacity: SnapshotFormat.headerSize)
        h.raw(SnapshotFormat.magic)
        h.u16(version); h.u16(0); h.u32(0)
        h.u64(UInt64(total)); h.u64(anchor.sequence)
        h.u32(anchor.frameStart.segment); h.u32(0)
        h.u64(anchor.frameStart.offset); h.u64(anchor.frameEnd)
        h.raw(anchor.frameHash.count == 32 ? anchor.frameHash : zeroDigest)
        h.u64(UInt64(SnapshotFormat.headerSize)); h.u64(keysAt); h.u64(bodiesAt); h.u64(fileLength)
        h.u64(now.timeIntervalSinceReferenceDate.bitPattern)
        h.u32(0)
        h.raw([UInt8](repeating: 0, count: 12))
        return h.bytes
    }

    private static func seal(_ header: inout [UInt8], _ crc: UInt32) {
        withUnsafeBytes(of: CRC32C.mask(crc).littleEndian) { c in for k in 0..<4 { header[128 + k] = c[k] } }
    }

    /// The snapshot as one buffer (for tests and small stores).
    static func build(_ view: StoreView, anchor: Anchor, imported: ImportLedger? = nil, now: Date = Date()) -> [UInt8] {
        Array(buildPieces(view, anchor: anchor, imported: imported, now: now).joined())
    }
}
