import DeskStore
import Foundation
import ITSM
#if canImport(Glibc)
import Glibc
#endif

// store-torture: a writer process for the store's multi-process tests. The tests start several,
// read what they report, and kill them with SIGKILL at random moments.
//
// Every line on stdout is written with one write(2) as soon as it is true; "ack"/"applied" lines
// are written only after `commit` returned, i.e. once the transaction is durable.
//
//   store-torture distinct --store DIR --writer W [--count N] [--seed S]
//       Transaction i of writer W creates INC-(W*1000000+i+1) and moves the writer's tally record
//       (ci:torture-W) from version i to i+1, in one transaction: the two are present together or
//       not at all. Resumes from the tally's version, so a killed writer can be started again.
//       Prints "ready W i" once open, then "ack W i" per durable transaction.
//       With --sync-delay-us U each fdatasync is reported ("leading W" before it, "synced W" after)
//       and padded with random pauses of up to U µs before and after (after: between a leader's
//       sync and its publishing the durable marker), so kills land there; each ack then says
//       whether this process synced for it ("ack W i synced") or another's sync covered it
//       ("ack W i shared").
//   store-torture conflict --store DIR --writer W --records N --count N [--seed S] [--delay-us U] [--label L]
//       N attempts to bump the counter of a random one of INC-1…INC-N, built on the version last
//       read (then a random pause of up to U µs, so other writers get in between). Prints
//       "applied W i RECORD BASE" or "stale W i RECORD BASE CURRENT" per attempt. Each edit sets the
//       record's tag to "L:i" (L defaults to W), so the test finds it in the history.
//   store-torture failing-leader --store DIR --writer W --release-file PATH
//       Commits one transaction whose fdatasync reports "leading W", waits until PATH exists and
//       then fails with EIO; prints "failed W" when the commit is refused, then "disabled W" when
//       a second commit is refused because writing is disabled.
//   store-torture compact --store DIR [--count N]
//       Writes snapshots in a loop: "compacting K" before and "compacted K" after each.
//   store-torture import --store DIR --count N [--batch B] [--pause-before-snapshot-ms M] [--pause-between-us U]
//       Bulk-imports INC-1…INC-N (`importIncidentEvent`) in transactions of B (default 500),
//       resuming after the incidents already there. Prints "ready K" (K already there) once
//       open, "snapshot-rename" when the import's snapshot is written and synced but not yet
//       renamed into place (then pauses M ms, default 0, so a test can kill it right there), and
//       "imported N" once the import returned. U µs (default 0) pass before each transaction is
//       handed over, so the log's writing lasts long enough to be killed in the middle of.
//
// Exit status 0 when done, 2 on any unexpected error (message on stderr).

struct Arguments {
    let mode: String
    private var values: [String: String] = [:]

    init(_ arguments: [String]) throws {
        guard let mode = arguments.first else { throw TortureError("usage: store-torture distinct|conflict|compact --store DIR …") }
        self.mode = mode
        var rest = arguments.dropFirst()
        while let flag = rest.popFirst() {
            guard flag.hasPrefix("--"), let value = rest.popFirst() else { throw TortureError("bad argument \(flag)") }
            values[String(flag.dropFirst(2))] = value
        }
    }

    func string(_ name: String) throws -> String {
        guard let v = values[name] else { throw TortureError("--\(name) is required") }
        return v
    }

    func int(_ name: String, default fallback: Int? = nil) throws -> Int {
        guard let text = values[name] else {
            if let fallback { return fallback }
            throw TortureError("--\(name) is required")
        }
        guard let v = Int(text) else { throw TortureError("--\(name) needs a number, not \(text)") }
        return v
    }
}

struct TortureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One line to stdout in one write(2): nothing buffered that a SIGKILL could lose after the fact.
func report(_ line: String) {
    var bytes = Array((line + "\n").utf8)
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeMutableBytes { write(1, $0.baseAddress! + offset, $0.count - offset) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { exit(3) }  // the test went away
        offset += n
    }
}

/// SplitMix64, seeded, so a run is repeatable.
struct SplitMix: RandomNumberGenerator {
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

/// The record whose version counts writer `w`'s transactions.
func tallyRecord(_ writer: Int) -> RecordID { RecordID(kind: .configurationItem, key: "torture-\(writer)") }

func intField(_ state: RecordState?, _ name: String) -> Int64 {
    if case .int(let v)? = state?.fields[name] { return v }
    return 0
}

/// The real file I/O, with every fdatasync reported and padded with random pauses.
final class ReportedSyncIO: FileIO, @unchecked Sendable {
    let real = SystemFileIO()
    let writer: Int
    let maxDelay: UInt32
    private let lock = NSLock()
    private var rng: SplitMix
    private var count = 0
    init(writer: Int, maxDelay: Int, seed: UInt64) {
        self.writer = writer
        self.maxDelay = UInt32(max(0, maxDelay))
        rng = SplitMix(seed: seed)
    }
    var syncs: Int { lock.withLock { count } }
    private func pause() { usleep(lock.withLock { UInt32(rng.next() % UInt64(maxDelay + 1)) }) }
    func dataSync(_ fd: Int32) throws(FileIOError) {
        lock.withLock { count += 1 }
        report("leading \(writer)")
        pause()
        try real.dataSync(fd)
        report("synced \(writer)")
        pause()
    }
    func pwrite(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(FileIOError) -> Int {
        try real.pwrite(fd, bytes, at: offset)
    }
    func fullSync(_ fd: Int32) throws(FileIOError) { try real.fullSync(fd) }
    func truncate(_ fd: Int32, to length: Int64) throws(FileIOError) { try real.truncate(fd, to: length) }
    func rename(_ from: String, _ to: String) throws(FileIOError) { try real.rename(from, to) }
}

/// The real file I/O whose first fdatasync waits for a file to appear, then fails with EIO.
final class FailingLeaderIO: FileIO, @unchecked Sendable {
    let real = SystemFileIO()
    let writer: Int
    let releaseFile: String
    private let lock = NSLock()
    private var failed = false
    init(writer: Int, releaseFile: String) { self.writer = writer; self.releaseFile = releaseFile }
    func dataSync(_ fd: Int32) throws(FileIOError) {
        guard lock.withLock({ defer { failed = true }; return !failed }) else { return try real.dataSync(fd) }
        report("leading \(writer)")
        var waited = 0
        while access(releaseFile, F_OK) != 0 && waited < 60_000 { usleep(1000); waited += 1 }
        throw FileIOError(errno: EIO)
    }
    func pwrite(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(FileIOError) -> Int {
        try real.pwrite(fd, bytes, at: offset)
    }
    func fullSync(_ fd: Int32) throws(FileIOError) { try real.fullSync(fd) }
    func truncate(_ fd: Int32, to length: Int64) throws(FileIOError) { try real.truncate(fd, to: length) }
    func rename(_ from: String, _ to: String) throws(FileIOError) { try real.rename(from, to) }
}

func runFailingLeader(_ args: Arguments) throws {
    let writer = try args.int("writer")
    let io = FailingLeaderIO(writer: writer, releaseFile: try args.string("release-file"))
    let store = try EventStore.open(at: try args.string("store"), io: io)
    report("ready \(writer)")
    func attempt(_ n: Int) throws {
        _ = try store.commit { _ in
            [Event(record: RecordID(.incident, writer * 1_000_000 + n), action: EventAction("incident.created"),
                   actor: "torture-\(writer)", at: Date(), baseVersion: 0, changes: [FieldChange("n", to: .int(Int64(n)))])]
        }
    }
    do {
        try attempt(1)
        throw TortureError("the commit whose sync failed was acknowledged")
    } catch StoreError.syncFailed {
        report("failed \(writer)")
    }
    do {
        try attempt(2)
        throw TortureError("a commit after a failed sync was acknowledged")
    } catch StoreError.writingDisabled {
        report("disabled \(writer)")
    }
}

func runDistinct(_ args: Arguments) throws {
    let writer = try args.int("writer")
    let limit = try args.int("count", default: Int.max)
    let seed = UInt64(try args.int("seed", default: 1))
    var rng = SplitMix(seed: seed &+ UInt64(writer))
    let reported = (try? args.int("sync-delay-us")).map {
        ReportedSyncIO(writer: writer, maxDelay: $0, seed: seed &* 31 &+ UInt64(writer))
    }
    let store = try EventStore.open(at: try args.string("store"), io: reported ?? SystemFileIO())
    let tally = tallyRecord(writer)
    var i = Int(store.view.record(tally)?.version ?? 0)
    report("ready \(writer) \(i)")
    var done = 0
    while done < limit {
        // Mostly small transactions, now and then a large one so a kill can land inside a long write.
        let size = rng.next() % 32 == 0 ? 64 * 1024 : Int(rng.next() % 400)
        let body = String(repeating: Character(UnicodeScalar(UInt8(97 + i % 26))), count: size)
        let number = writer * 1_000_000 + i + 1
        let base = UInt64(i)
        let now = Date()
        let syncsBefore = reported?.syncs ?? 0
        _ = try store.commit { _ in
            [Event(record: RecordID(.incident, number), action: EventAction("incident.created"),
                   actor: "torture-\(writer)", at: now, baseVersion: 0,
                   changes: [FieldChange("writer", to: .int(Int64(writer))), FieldChange("n", to: .int(Int64(i))),
                             FieldChange("body", to: .text(body))]),
             Event(record: tally, action: EventAction(base == 0 ? "ci.created" : "ci.updated"),
                   actor: "torture-\(writer)", at: now, baseVersion: base,
                   changes: [FieldChange("count", from: .int(Int64(i)), to: .int(Int64(i + 1)))])]
        }
        if let reported {
            report("ack \(writer) \(i) \(reported.syncs > syncsBefore ? "synced" : "shared")")
        } else {
            report("ack \(writer) \(i)")
        }
        i += 1
        done += 1
    }
    report("done \(writer)")
}

func runConflict(_ args: Arguments) throws {
    let writer = try args.int("writer")
    let records = try args.int("records")
    let count = try args.int("count")
    let delay = try args.int("delay-us", default: 300)
    let label = (try? args.string("label")) ?? String(writer)
    var rng = SplitMix(seed: UInt64(try args.int("seed", default: 1)) &* 1_000_003 &+ UInt64(writer))
    let store = try EventStore.open(at: try args.string("store"))
    report("ready \(writer)")
    for i in 0..<count {
        try store.catchUp()
        let number = Int(rng.next() % UInt64(records)) + 1
        let record = RecordID(.incident, number)
        guard let state = store.view.record(record) else { throw TortureError("\(record) is missing") }
        let base = state.version
        let counter = intField(state, "counter")
        let previousTag = state.fields["tag"] ?? FieldValue.none
        if delay > 0 { usleep(UInt32(rng.next() % UInt64(delay + 1))) }
        do {
            _ = try store.commit { _ in
                [Event(record: record, action: EventAction("incident.updated"), actor: "agent-\(writer)", at: Date(),
                       baseVersion: base,
                       changes: [FieldChange("counter", from: .int(counter), to: .int(counter + 1)),
                                 FieldChange("tag", from: previousTag, to: .text("\(label):\(i)"))])]
            }
            report("applied \(writer) \(i) \(number) \(base)")
        } catch let stale as StaleEdit {
            report("stale \(writer) \(i) \(number) \(base) \(stale.currentVersion)")
        }
    }
    report("done \(writer)")
}

func runCompact(_ args: Arguments) throws {
    let limit = try args.int("count", default: Int.max)
    let store = try EventStore.open(at: try args.string("store"))
    report("ready compactor")
    var k = 0
    while k < limit {
        try store.catchUp()
        report("compacting \(k)")
        try store.compact()
        report("compacted \(k)")
        k += 1
    }
    report("done compactor")
}

/// Incident `n` of the import mode: its fields follow from `n`, so a test can check any of them.
func importIncidentEvent(_ n: Int) -> Event {
    Event(record: RecordID(.incident, n), action: EventAction("incident.created"), actor: "importer",
          at: Date(timeIntervalSinceReferenceDate: 800_000_000 + Double(n)), baseVersion: 0,
          changes: [FieldChange("n", to: .int(Int64(n))),
                    FieldChange("title", to: .text("imported incident \(n) " + String(repeating: "x", count: n % 300)))])
}

/// The real file system, announcing (and pausing before) the rename that installs a snapshot.
struct AnnouncingSnapshotIO: FileIO {
    let real = SystemFileIO()
    let pauseMicroseconds: UInt32
    func pwrite(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(FileIOError) -> Int {
        try real.pwrite(fd, bytes, at: offset)
    }
    func dataSync(_ fd: Int32) throws(FileIOError) { try real.dataSync(fd) }
    func fullSync(_ fd: Int32) throws(FileIOError) { try real.fullSync(fd) }
    func truncate(_ fd: Int32, to length: Int64) throws(FileIOError) { try real.truncate(fd, to: length) }
    func rename(_ from: String, _ to: String) throws(FileIOError) {
        if to.hasSuffix("/snapshot") {
            report("snapshot-rename")
            usleep(pauseMicroseconds)
        }
        try real.rename(from, to)
    }
}

func runImport(_ args: Arguments) throws {
    let count = try args.int("count")
    let batch = max(1, try args.int("batch", default: 500))
    let pause = UInt32(max(0, try args.int("pause-before-snapshot-ms", default: 0)) * 1000)
    let store = try EventStore.open(at: try args.string("store"), io: AnnouncingSnapshotIO(pauseMicroseconds: pause))
    let already = store.view.counts[.incident] ?? 0
    report("ready \(already)")
    let between = UInt32(max(0, try args.int("pause-between-us", default: 0)))
    let batches = stride(from: already + 1, through: count, by: batch).lazy.map { first in
        if between > 0 { usleep(between) }
        return (first...min(count, first + batch - 1)).map(importIncidentEvent)
    }
    try store.importTransactions(batches)
    report("imported \(count)")
}

do {
    let args = try Arguments(Array(CommandLine.arguments.dropFirst()))
    switch args.mode {
    case "distinct": try runDistinct(args)
    case "conflict": try runConflict(args)
    case "compact": try runCompact(args)
    case "failing-leader": try runFailingLeader(args)
    case "import": try runImport(args)
    default: throw TortureError("unknown mode \(args.mode)")
    }
} catch {
    FileHandle.standardError.write(Data("store-torture: \(error)\n".utf8))
    exit(2)
}
