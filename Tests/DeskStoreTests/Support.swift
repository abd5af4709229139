import Foundation
import ITSM
@testable import DeskStore
#if canImport(Glibc)
import Glibc
#endif

/// A temporary directory removed when the value goes away.
final class TempDir: Sendable {
    let path: String
    /// In /dev/shm when there is one: these tests check the store's logic, not the disk, and
    /// thousands of small files on a busy shared disk would make them slow.
    init() {
        let base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : NSTemporaryDirectory()
        var template = Array((base + "/deskstore-test-XXXXXX").utf8CString)
        let p = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        path = String(cString: p!)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func sub(_ name: String) -> String { path + "/" + name }
}

let t0 = Date(timeIntervalSinceReferenceDate: 800_000_000)

func inc(_ n: Int) -> RecordID { RecordID(.incident, n) }

/// A creation event.
func created(_ id: RecordID, by actor: String = "alice", at: Date = t0, title: String = "printer on fire") -> Event {
    Event(record: id, action: EventAction("incident.created"), actor: actor, at: at, baseVersion: 0,
          changes: [FieldChange("title", to: .text(title)), FieldChange("state", to: .text("New"))])
}

/// An update event on `base`.
func updated(_ id: RecordID, base: UInt64, by actor: String = "bob", at: Date = t0, _ field: String,
             _ value: FieldValue) -> Event {
    Event(record: id, action: EventAction("incident.\(field)"), actor: actor, at: at, baseVersion: base,
          changes: [FieldChange(field, from: .none, to: value)])
}

/// A state change on `base`.
func updated(_ id: RecordID, base: UInt64, by actor: String = "bob", at: Date = t0, _ value: FieldValue) -> Event {
    updated(id, base: base, by: actor, at: at, "state", value)
}

/// An independent fold of events, to check the store against.
struct Model: Equatable {
    var versions: [RecordID: UInt64] = [:]
    var fields: [RecordID: [String: FieldValue]] = [:]
    var last: [RecordID: Event] = [:]

    mutating func apply(_ events: [Event]) {
        for e in events {
            versions[e.record, default: 0] += 1
            for c in e.changes { fields[e.record, default: [:]][c.field] = c.to }
            last[e.record] = e
        }
    }

    /// Whether `view` holds exactly this state.
    func matches(_ view: StoreView) -> Bool {
        guard view.recordCount == versions.count else { return false }
        for (id, v) in versions {
            guard let r = view.record(id), r.version == v, r.fields == (fields[id] ?? [:]), r.lastEvent == last[id] else { return false }
        }
        return true
    }
}

/// Deterministic randomness for tests (SplitMix64).
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Builds a transaction against the current view: creates or updates records chosen by `rng`.
func randomTransaction(_ view: StoreView, _ rng: inout SeededRandom, records: Int = 30, step: Int) -> [Event] {
    let count = Int.random(in: 1...2, using: &rng)
    var events: [Event] = []
    var bumped: [RecordID: UInt64] = [:]
    for _ in 0..<count {
        let id = inc(Int.random(in: 1...records, using: &rng))
        let base = bumped[id] ?? view.record(id)?.version ?? 0
        let at = t0.addingTimeInterval(Double(step))
        if base == 0 {
            events.append(created(id, at: at, title: "t\(step)"))
        } else {
            events.append(updated(id, base: base, at: at, "n", .int(Int64(step))))
        }
        bumped[id] = base + 1
    }
    return events
}

/// A small transaction (mostly one event with short names), for tests that cut the log at every byte.
func tinyTransaction(_ view: StoreView, _ rng: inout SeededRandom, step: Int) -> [Event] {
    let id = inc(Int.random(in: 1...20, using: &rng))
    let base = view.record(id)?.version ?? 0
    var events = [Event(record: id, action: EventAction(base == 0 ? "c" : "u"), actor: "a", at: t0.addingTimeInterval(Double(step)),
                        baseVersion: base, changes: [FieldChange("n", to: .int(Int64(step)))])]
    if step % 10 == 0 {
        events.append(Event(record: id, action: EventAction("u"), actor: "b", at: t0, baseVersion: base + 1,
                            changes: [FieldChange("s", to: .text("x"))]))
    }
    return events
}

func fileBytes(_ path: String) -> [UInt8] { (try? [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))) ?? [] }
func writeBytes(_ bytes: [UInt8], to path: String) { try! Data(bytes).write(to: URL(fileURLWithPath: path)) }

/// Recomputes a snapshot file's checksum, over what its version covers, after a test changed it
/// (a layout that version cannot have gets a zero checksum).
func resealSnapshot(_ bytes: inout [UInt8]) {
    bytes.replaceSubrange(128..<132, with: [0, 0, 0, 0])
    let crc = bytes.withUnsafeBytes { b in SnapshotFormat.checksummedRanges(b).map { SnapshotFormat.checksum(b, $0) } } ?? 0
    withUnsafeBytes(of: CRC32C.mask(crc).littleEndian) { c in for i in 0..<4 { bytes[128 + i] = c[i] } }
}

func mode(_ path: String) -> mode_t {
    var st = stat()
    _ = stat(path, &st)
    return st.st_mode & 0o7777
}

/// Copies a store directory (top-level files only; enough for a test store).
func copyStore(_ from: String, to: String) {
    try? FileManager.default.removeItem(atPath: to)
    try! FileManager.default.createDirectory(atPath: to, withIntermediateDirectories: true)
    for name in try! FileManager.default.contentsOfDirectory(atPath: from) {
        var isDir: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: from + "/" + name, isDirectory: &isDir)
        if isDir.boolValue { try! FileManager.default.createDirectory(atPath: to + "/" + name, withIntermediateDirectories: true) }
        else { try! FileManager.default.copyItem(atPath: from + "/" + name, toPath: to + "/" + name) }
    }
}

let seg1 = StoreFormat.segmentName(1)

/// A test's file-I/O seam that changes one or two calls: the ones it does not implement go
/// to the real system calls.
protocol ForwardingFileIO: FileIO {
    var real: SystemFileIO { get }
}

extension ForwardingFileIO {
    func pwrite(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(FileIOError) -> Int {
        try real.pwrite(fd, bytes, at: offset)
    }
    func dataSync(_ fd: Int32) throws(FileIOError) { try real.dataSync(fd) }
    func fullSync(_ fd: Int32) throws(FileIOError) { try real.fullSync(fd) }
    func truncate(_ fd: Int32, to length: Int64) throws(FileIOError) { try real.truncate(fd, to: length) }
    func rename(_ from: String, _ to: String) throws(FileIOError) { try real.rename(from, to) }
}
