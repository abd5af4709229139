#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ITSM

/// What a successful commit returns, once its frame is durable.
public struct CommitReceipt: Sendable, Hashable {
    /// The transaction's sequence number in the log.
    public let sequence: UInt64
    /// Where its frame sits.
    public let position: LogPosition
    /// The events committed.
    public let events: [Event]
}

/// Something the UI should tell the user about how the store was opened or recovered.
public enum StoreNotice: Sendable, Hashable, CustomStringConvertible {
    /// No snapshot: opened by replaying the log.
    case snapshotMissing(replayedTransactions: UInt64)
    /// A snapshot exists but could not be used; opened by replaying the log.
    case snapshotUnusable(reason: String, replayedTransactions: UInt64)
    /// Invalid bytes after the last whole transaction were moved to quarantine and cut off.
    case tornTailCut(segment: String, offset: Int, bytes: Int, quarantineFile: String)
    /// Opened read-only despite damage: only the transactions before it are shown.
    case damagedReadOnly(segment: String, offset: Int, reason: String)

    public var description: String {
        switch self {
        case let .snapshotMissing(n):
            "No snapshot yet: opened by replaying \(n) transaction\(n == 1 ? "" : "s") from the log. `opsdesk store compact` makes opening faster."
        case let .snapshotUnusable(reason, n):
            "The snapshot could not be used (\(reason)): opened by replaying \(n) transaction\(n == 1 ? "" : "s") from the log. Nothing is lost; `opsdesk store compact` writes a new one."
        case let .tornTailCut(segment, offset, bytes, file):
            "An unfinished write (\(bytes) byte\(bytes == 1 ? "" : "s") at the end of \(segment), from byte \(offset)) was set aside in \(file). No confirmed transaction was affected."
        case let .damagedReadOnly(segment, offset, reason):
            "The log is damaged at \(segment) byte \(offset) (\(reason)): showing the transactions before it, read-only. Run `opsdesk store repair`."
        }
    }
}

/// A file descriptor closed exactly once, when the last owner lets go.
final class OwnedDescriptor: @unchecked Sendable {
    let fd: Int32
    init(_ fd: Int32) { self.fd = fd }
    deinit { close(fd) }
}

/// One log segment file, open for the store's lifetime.
final class Segment: @unchecked Sendable {
    let number: UInt32
    let header: SegmentHeader
    let path: String
    let name: String
    /// Where the segment after it is (made once: catching up looks for it each time).
    let nextPath: String
    let fd: Int32

    init(directory: String, number: UInt32, writable: Bool) throws {
        let name = StoreFormat.segmentName(number)
        let path = directory + "/" + name
        self.number = number
        self.name = name
        self.path = path
        self.nextPath = directory + "/" + StoreFormat.segmentName(number + 1)
        let fd = try Posix.open(path, writable ? O_RDWR : O_RDONLY)
        self.fd = fd
        do {
            let head = try Posix.read(fd, at: 0, count: StoreFormat.segmentHeaderSize, path: path)
            let parsed = try head.withUnsafeBytes { b in try SegmentHeader.parse(b, file: name) }
            guard parsed.number == number else { throw StoreError.notAStoreFile(file: name, reason: "names segment \(parsed.number)") }
            self.header = parsed
        } catch {
            close(fd)
            throw error
        }
    }

    deinit { close(fd) }

    /// Reads the frame at `offset`, checks it (length cap, salt, CRC) and hands its payload to
    /// `body`. A frame that is not there or fails its check is damage at that segment and offset.
    /// The one way history reads a frame, for the store and for the Desk.
    func withCheckedFrame<T>(at offset: UInt64, _ body: (UnsafeRawBufferPointer) throws -> T) throws -> T {
        // A position from a damaged snapshot may be any number: refuse it, never trap on it.
        guard offset <= UInt64(Int32.max) * 4 else {
            throw StoreError.damagedLog(segment: name, offset: Int(clamping: offset), reason: "history points past the end")
        }
        let head = try Posix.read(fd, at: Int64(offset), count: StoreFormat.frameHeaderSize, path: path)
        guard head.count == StoreFormat.frameHeaderSize else {
            throw StoreError.damagedLog(segment: name, offset: Int(offset), reason: "history points past the end")
        }
        let length = head.withUnsafeBytes { Int($0.u32(at: 0)) }
        guard length <= StoreFormat.maxPayload else {
            throw StoreError.damagedLog(segment: name, offset: Int(offset), reason: "impossible frame length")
        }
        let frame = try Posix.read(fd, at: Int64(offset), count: length + StoreFormat.frameOverhead, path: path)
        return try frame.withUnsafeBytes { b -> T in
            guard case let .success(f) = Frame.check(b, at: 0, salt: header.salt, expectedSequence: nil) else {
                throw StoreError.damagedLog(segment: name, offset: Int(offset), reason: "a frame of a record's history fails its checksum")
            }
            return try body(f.payload)
        }
    }

    /// Whether the file this descriptor reads is still the one at `path` (repair moves
    /// segments to quarantine/; appending to a moved file would lose transactions).
    var isStillInPlace: Bool {
        guard let open = Posix.fileID(fd), let named = Posix.fileID(path) else { return false }
        return open == named
    }
}

/// The store's position in the log: everything before it has been applied to the view.
struct Cursor {
    var segment: Segment
    var validEnd: Int64
    var lastSequence: UInt64
    var lastFrameStart: LogPosition?
    /// Where that frame ends (not always `validEnd`: a new segment may have no frames yet).
    var lastFrameEnd: UInt64 = 0
    var lastFrameHash: Digest32
    /// The segment file's size when last looked at (frames, then pre-allocated zeros). After a
    /// commit's fast catch-up it may be behind other writers' pre-allocation (see `commit`).
    var fileSize: Int64 = 0
    /// The sync gate's layout generation under which this process, as a writer, last checked its
    /// segment file by path (nil: not yet; see `EventStore.writerCatchUp`).
    var checkedLayout: UInt64? = nil
}

/// The crash-safe, multi-process event store: an append-only log of checksummed frames,
/// a mapped snapshot to open fast, one `flock` per commit so many agents' processes write.
///
/// Thread-safe: `commit`, `catchUp` and `compact` serialise inside the process; `view` and
/// `history` may be called from any thread at any time.
public final class EventStore: @unchecked Sendable {
    public let path: String
    public let isReadOnly: Bool
    /// What the UI should say about how the store was opened (snapshot missing, tail cut…).
    public private(set) var openNotices: [StoreNotice] = []

    let io: any FileIO
    let segmentLimit: Int
    /// Bytes of zeros pre-written ahead of the last frame (0: none).
    let preallocation: Int
    let lockPath: String
    private let lockFile: OwnedDescriptor
    var lockFD: Int32 { lockFile.fd }
    /// Serialises log reading and writing within this process (the flock serialises processes;
    /// it does not serialise threads sharing one descriptor).
    let writer = NSLock()
    let stateLock = NSLock()
    var current: StoreView                   // guarded by stateLock
    var cursor: Cursor                       // guarded by writer
    var writeDisabled: String?               // guarded by writer
    private var segmentCache: [UInt32: Segment] = [:]  // guarded by stateLock
    private var listeners: [UInt64: @Sendable ([Event]) -> Void] = [:]  // guarded by stateLock
    private var nextListener: UInt64 = 0

    /// Segments roll over to a new file past this size (64 MiB).
    public static let defaultSegmentLimit = 64 << 20
    /// Zeros are pre-written this far ahead of the log's end, so that commits overwrite
    /// allocated space: a commit's fdatasync then writes data only, not the file's new size.
    public static let defaultPreallocation = 1 << 20
    static let lockFileName = "lock"
    static let quarantineName = "quarantine"

    // MARK: Creating and opening

    /// Creates a new store: a setgid 2770 directory, 0660 files whatever the umask, owned by
    /// `group` when given (the desk's Unix group).
    public static func create(at path: String, group: String? = nil, io: any FileIO = .system,
                              segmentLimit: Int = EventStore.defaultSegmentLimit,
                              preallocation: Int = EventStore.defaultPreallocation) throws -> EventStore {
        if Posix.exists(path + "/" + lockFileName) || Posix.exists(path + "/" + StoreFormat.segmentName(1)) {
            throw StoreError.alreadyExists(path: path)
        }
        try Posix.makeDirectory(path)
        if let group {
            guard let gr = getgrnam(group) else { throw StoreError.system(operation: "find group \(group) for", path: path, errno: ENOENT) }
            if chown(path, uid_t(bitPattern: -1), gr.pointee.gr_gid) != 0 { throw StoreError.fromErrno("give group \(group)", path) }
            try Posix.makeDirectory(path) // chown may clear the setgid bit
        }
        try Posix.makeDirectory(path + "/" + quarantineName)
        let lfd = try Posix.createFile(path + "/" + lockFileName)
        close(lfd)
        // Marked for string tables from the start, so a first bulk import can use them here.
        _ = try startSegment(in: path, number: 1, firstSequence: 1, io: io, incompatibleFeatures: StoreFormat.importFeatures)
        try Posix.syncDirectory(path, io: io)
        return try open(at: path, io: io, segmentLimit: segmentLimit, preallocation: preallocation)
    }

    /// Opens an existing store. Loads the snapshot if it matches the log, replays the log after
    /// it, and (unless read-only) cuts a torn tail under the lock. Damage in the middle of the
    /// log refuses a writable open with `StoreError.damagedLog`; read-only opens show the
    /// transactions before the damage and say so in `openNotices`.
    public static func open(at path: String, readOnly: Bool = false, io: any FileIO = .system,
                            segmentLimit: Int = EventStore.defaultSegmentLimit,
                            preallocation: Int = EventStore.defaultPreallocation) throws -> EventStore {
        try EventStore(path: path, readOnly: readOnly, io: io, segmentLimit: segmentLimit, preallocation: preallocation)
    }

    private init(path: String, readOnly: Bool, io: any FileIO, segmentLimit: Int, preallocation: Int) throws {
        self.path = path
        self.isReadOnly = readOnly
        self.io = io
        self.segmentLimit = max(segmentLimit, StoreFormat.segmentHeaderSize + StoreFormat.frameOverhead)
        self.preallocation = max(0, preallocation)
        self.lockPath = path + "/" + Self.lockFileName
        let numbers = try Self.segmentNumbers(in: path)
        guard let first = numbers.first, Posix.exists(lockPath) else { throw StoreError.notAStore(path: path) }
        for (i, n) in numbers.enumerated() where n != first + UInt32(i) {
            throw StoreError.damagedLog(segment: StoreFormat.segmentName(first + UInt32(i)), offset: 0, reason: "segment file missing")
        }
        lockFile = OwnedDescriptor(try Posix.open(lockPath, readOnly ? O_RDONLY : O_RDWR))
        do {
            // The snapshot, if it matches the log.
            var notices: [StoreNotice] = []
            var snapshotProblem: String? = nil
            var image: SnapshotImage? = nil
            var cursor: Cursor? = nil
            do {
                let candidate = try SnapshotImage(path: path + "/" + SnapshotFormat.fileName)
                cursor = try Self.anchor(of: candidate, in: path, writable: !readOnly)
                image = candidate
            } catch let rejected as SnapshotRejected {
                snapshotProblem = rejected.reason
            }
            let start = try cursor ?? Cursor(segment: Segment(directory: path, number: first, writable: !readOnly),
                                             validEnd: Int64(StoreFormat.segmentHeaderSize), lastSequence: 0,
                                             lastFrameStart: nil, lastFrameHash: zeroDigest)
            if image == nil && start.segment.header.firstSequence != 1 {
                throw StoreError.damagedLog(segment: start.segment.name, offset: 0, reason: "the log does not start at the first transaction")
            }
            self.cursor = start
            self.current = StoreView(snapshot: image)
            let before = start.lastSequence
            // The log after the snapshot is folded encoded (checked, indexed by record, decoded
            // when read): a process that opens to commit decodes only the records it touches;
            // readers get a decoded view from `view`.
            let outcome: Advance
            if readOnly {
                outcome = try advance(asWriter: false, detectDamage: true, checkFreeSpace: true, decode: false)
            } else {
                try Posix.lockExclusive(lockFD, path: lockPath)
                defer { Posix.unlock(lockFD) }
                outcome = try advance(asWriter: true, detectDamage: true, checkFreeSpace: true, decode: false)
            }
            notices.append(contentsOf: outcome.notices)
            let replayed = self.cursor.lastSequence - before
            if let problem = snapshotProblem {
                notices.insert(problem == "missing" ? .snapshotMissing(replayedTransactions: replayed)
                                                    : .snapshotUnusable(reason: problem, replayedTransactions: replayed), at: 0)
            }
            self.openNotices = notices
        }
    }

    static func segmentNumbers(in path: String) throws(StoreError) -> [UInt32] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else {
            throw StoreError.notAStore(path: path)
        }
        return try Posix.list(path).compactMap(StoreFormat.segmentNumber(fromName:)).sorted()
    }

    /// Checks that the log still holds the snapshot's last frame, byte for byte; returns the
    /// cursor just after it.
    private static func anchor(of image: SnapshotImage, in path: String, writable: Bool) throws -> Cursor {
        let segNumber = image.logPosition.segment
        let segment: Segment
        do { segment = try Segment(directory: path, number: segNumber, writable: writable) } catch {
            throw SnapshotRejected(reason: "its log segment \(StoreFormat.segmentName(segNumber)) cannot be read")
        }
        if image.lastSequence == 0 {
            guard image.frameEnd == UInt64(StoreFormat.segmentHeaderSize) else { throw SnapshotRejected(reason: "inconsistent position") }
            return Cursor(segment: segment, validEnd: Int64(image.frameEnd), lastSequence: 0, lastFrameStart: nil,
                          lastFrameEnd: image.frameEnd, lastFrameHash: zeroDigest)
        }
        let start = image.logPosition.offset, end = image.frameEnd
        guard end > start, end - start <= UInt64(StoreFormat.maxPayload + StoreFormat.frameOverhead) else {
            throw SnapshotRejected(reason: "inconsistent position")
        }
        let bytes = try Posix.read(segment.fd, at: Int64(start), count: Int(end - start), path: segment.path)
        let ok = bytes.withUnsafeBytes { b -> Bool in
            guard case let .success(f) = Frame.check(b, at: 0, salt: segment.header.salt, expectedSequence: image.lastSequence),
                  f.length == b.count else { return false }
            return sha256(b) == image.frameHash
        }
        guard ok else { throw SnapshotRejected(reason: "it is ahead of the log or from another log") }
        return Cursor(segment: segment, validEnd: Int64(end), lastSequence: image.lastSequence,
                      lastFrameStart: image.logPosition, lastFrameEnd: end, lastFrameHash: image.frameHash)
    }

    // MARK: Reading

    /// The current state: a cheap, immutable copy.
    public var view: StoreView {
        stateLock.withLock {
            // Events a commit's catch-up folded encoded are decoded here, once, for readers.
            current.materializeAll()
            return current
        }
    }

    /// Applies transactions other processes appended since, without taking the write lock.
    /// Returns their events (also delivered to followers).
    @discardableResult
    public func catchUp() throws -> [Event] {
        let events: [Event] = try writer.withLock { try advance(asWriter: false, detectDamage: false).events }
        deliver(events)
        return events
    }

    /// The record's events, oldest first, read from the log.
    public func history(of id: RecordID) throws -> [Event] {
        let view = self.view
        guard let entry = try view.checkedEntry(id) else { return [] }
        // A record a bulk import created has one event, just read from the log and checked
        // against its own checksum: its history is that event (not a read of its whole frame,
        // which holds the rest of the import's transaction).
        if entry.state.version == 1, view.overlay[id] == nil, let image = view.snapshot, let i = image.index(of: id),
           image.bodyForm(at: i) == SnapshotFormat.bodyLogReference {
            return [entry.state.lastEvent]
        }
        var events: [Event] = []
        for position in entry.history {
            let segment = try segmentHandle(position.segment)
            let decoded = try segment.withCheckedFrame(at: position.offset) { payload in
                try EventCoding.decode(transaction: payload)
            }
            events.append(contentsOf: decoded.filter { $0.record == id })
        }
        return events
    }

    func segmentHandle(_ number: UInt32) throws -> Segment {
        if let s = stateLock.withLock({ segmentCache[number] }) { return s }
        let s = try Segment(directory: path, number: number, writable: false)
        stateLock.withLock { segmentCache[number] = s }
        return s
    }

    // MARK: Writing

    /// The store's sync file, shared by all writers for group commit; opened at the first
    /// commit (nil if it cannot be used: then each commit syncs for itself). Guarded by `writer`.
    private lazy var syncGate: SyncGate? = SyncGate.open(directory: path)

    /// Commits one transaction: takes the lock, catches up with other processes' frames, asks
    /// `build` for the events against the now-current view (the domain re-validates there),
    /// refuses stale versions (`StaleEdit`), appends one frame and publishes the log's new tail,
    /// releases the lock, then makes the frame durable — by a sync of another process that
    /// began after it was written, or by its own fdatasync as the group's leader (`SyncGate`) —
    /// and only then returns.
    @discardableResult
    public func commit(_ build: (StoreView) throws -> [Event]) throws -> CommitReceipt {
        if isReadOnly { throw StoreError.readOnly(reason: "opened read-only") }
        writer.lock()
        var locked = true
        var caughtUp: [Event] = []
        var caughtUpDelivered = false
        defer {
            if locked { Posix.unlock(lockFD); writer.unlock() }
            // Other processes' transactions found on the way are news even if this one failed.
            if !caughtUpDelivered { deliver(caughtUp) }
        }
        if let reason = writeDisabled { writer.unlock(); locked = false; throw StoreError.writingDisabled(reason: reason) }
        // Read what other processes appended so far before queueing for the lock, as a follower
        // does (no cutting, no damage handling: errors are left to the catch-up under the lock).
        // With many writers this takes most of the catching up out of the serialised section.
        // With nobody following in this process, other processes' events are folded encoded:
        // only the records this command reads are decoded (`StoreView.apply(encoded:)`).
        let decode = stateLock.withLock { !listenersAreEmpty }
        // Skipped when the tail last published in `sync` is exactly where this process stands
        // (nobody appended since: a lone writer saves three system calls per commit). Only a
        // hint: the catch-up under the lock reads the file whatever the marker says.
        if !publishedTailIsMine(syncGate) {
            caughtUp = (try? advance(asWriter: false, detectDamage: false, decode: decode, freeSpaceEndsLog: true).events) ?? []
        }
        do {
            try Posix.lockExclusive(lockFD, path: lockPath)
        } catch {
            writer.unlock(); locked = false
            throw error
        }
        do {
            caughtUp += try writerCatchUp(decode: decode)
        } catch let e as StoreError {
            if case .syncFailed = e { writeDisabled = e.description }
            throw e
        }
        // The view is handed to `build` in its own scope so that no copy of it is alive when
        // the new events are applied (a live copy would make the fold copy every record).
        let events: [Event] = try {
            let now = stateLock.withLock { current }
            let events = try build(now)
            guard !events.isEmpty else { throw StoreError.emptyTransaction }
            try now.validate(events)
            return events
        }()
        // The payload is encoded in place, between room for the frame's header and checksum
        // (`Frame.seal` fills them in): no second copy of it.
        let encoded = EventEncoder.encode(transaction: events, head: StoreFormat.frameHeaderSize, tail: 4)
        var frame = encoded.bytes
        let bodies = encoded.bodies
        let payloadSize = frame.count - StoreFormat.frameOverhead
        guard payloadSize <= StoreFormat.maxPayload else {
            throw StoreError.transactionTooLarge(bytes: payloadSize, limit: StoreFormat.maxPayload)
        }
        let sequence = cursor.lastSequence + 1
        // After a fast catch-up `fileSize` is what this process last knew (other writers may have
        // pre-allocated further): asked again where it decides something — a roll-over cutting
        // the free space off, pre-allocating more, taking back a failed write.
        if cursor.validEnd + Int64(frame.count) > min(cursor.fileSize, Int64(segmentLimit)) {
            cursor.fileSize = try Posix.size(cursor.segment.fd, path: cursor.segment.path)
        }
        if cursor.validEnd + Int64(frame.count) > Int64(segmentLimit)
            && cursor.validEnd > Int64(StoreFormat.segmentHeaderSize) {
            do {
                // Close the full segment at its last frame (drop its free space), durably, so
                // it ends exactly where its frames do.
                let old = cursor.segment
                if cursor.fileSize > cursor.validEnd {
                    do { try io.truncate(old.fd, to: cursor.validEnd) } catch {
                        throw StoreError.writeFailed(file: old.name, errno: error.errno)
                    }
                    do { try io.dataSync(old.fd) } catch { throw StoreError.syncFailed(file: old.name, errno: error.errno) }
                }
                let next = try Self.startSegment(in: path, number: cursor.segment.number + 1, firstSequence: sequence, io: io)
                cursor.segment = next
                cursor.validEnd = Int64(StoreFormat.segmentHeaderSize)
                cursor.fileSize = Int64(StoreFormat.segmentHeaderSize)
            } catch let e as StoreError {
                if case .syncFailed = e { writeDisabled = e.description }
                throw e
            }
        }
        let segment = cursor.segment
        let offset = cursor.validEnd
        let previousHash = cursor.lastFrameHash
        Frame.seal(&frame, sequence: sequence, salt: segment.header.salt, previousHash: previousHash)
        do {
            try io.writeAll(segment.fd, frame, at: offset)
        } catch {
            // Take back whatever part was written: zeros again over pre-allocated space (that
            // needs no new blocks, even on a full disk), else cut back. If even that fails the
            // bytes are a torn tail, which the next writer (under the lock) sets aside.
            let restored: Bool
            if offset + Int64(frame.count) <= cursor.fileSize {
                restored = (try? Self.zeros.withUnsafeBytes { z in
                    try io.writeAll(segment.fd, UnsafeRawBufferPointer(rebasing: z[0..<min(frame.count, z.count)]), at: offset)
                }) != nil && frame.count <= Self.zeros.count
            } else {
                restored = false
            }
            if !restored { try? io.truncate(segment.fd, to: offset) }
            throw StoreError.writeFailed(file: segment.name, errno: error.errno)
        }
        let position = LogPosition(segment: segment.number, offset: UInt64(offset))
        if offset + Int64(frame.count) > cursor.fileSize {
            preallocate(segment, after: offset + Int64(frame.count))
        }
        cursor.validEnd = offset + Int64(frame.count)
        cursor.lastSequence = sequence
        cursor.lastFrameStart = position
        cursor.lastFrameEnd = UInt64(cursor.validEnd)
        cursor.lastFrameHash = frame.withUnsafeBytes { sha256($0) }
        // The new tail, for the sync leader: published after the frame is written, under the lock.
        let gate = syncGate
        let appended = gate?.marker(segment: segment.number, salt: segment.header.salt, sequence: sequence,
                                    start: UInt64(offset), end: UInt64(cursor.validEnd),
                                    previousHash: previousHash, hash: cursor.lastFrameHash)
        if let gate, let appended { gate.publishAppended(appended) }
        // Other processes need only the file: they may go on while this process folds its own
        // events into its view (still under `writer`, so its next commit sees them).
        Posix.unlock(lockFD)
        if decode {
            stateLock.withLock { current.apply(events, sequence: sequence, at: position) }
        } else {
            // Folded encoded too, from the frame just written (no copy): decoded when read.
            let held = EncodedPayload(frame)
            let head = StoreFormat.frameHeaderSize
            let mine = zip(events, bodies).map { EventScan.Scanned(record: $0.record, body: ($1.lowerBound + head)..<($1.upperBound + head)) }
            stateLock.withLock { current.apply(encoded: mine, in: held, sequence: sequence, at: position) }
        }
        writer.unlock()
        locked = false

        deliver(caughtUp)
        caughtUpDelivered = true
        // Durability after the lock: a later sync covers earlier bytes, so commits of several
        // processes share syncs. A failed sync is fatal for writing (the kernel may have
        // dropped the pages; a retry would lie).
        do {
            if let gate, let appended {
                _ = try gate.makeDurable(appended) { () throws(FileIOError) in try io.dataSync(segment.fd) }
            } else {
                try io.dataSync(segment.fd)
            }
        } catch {
            let failure = StoreError.syncFailed(file: segment.name, errno: error.errno)
            writer.withLock { writeDisabled = failure.description }
            throw failure
        }
        deliver(events)
        return CommitReceipt(sequence: sequence, position: position, events: events)
    }

    /// The catch-up of a commit, under the write lock. With a sync gate, a writer that checked its
    /// segment file by path under the current layout generation (no repair since:
    /// `SyncGate.layoutGeneration`) only reads the frame header at its valid end: zeros there are
    /// the log's free space, so nobody appended since — a frame would be there, and a roll-over
    /// or a cut torn tail would have ended the file there — and there is nothing to read. That
    /// saves a commit four system calls, two of them path lookups, and an allocation. Anything
    /// else is read by `advance`; when the generation moved (or was never seen), only after
    /// checking that the last frame this process read is still where it was, byte for byte.
    private func writerCatchUp(decode: Bool) throws -> [Event] {
        guard let gate = syncGate else { return try advance(asWriter: true, detectDamage: true, decode: decode).events }
        let layout = gate.layoutGeneration
        let trusted = cursor.checkedLayout == layout
        // The header is read only when the published tail is this process's own: else another
        // process has most likely appended since (with many writers, nearly always), and the
        // frame is read right away.
        if trusted && publishedTailIsMine(gate) && startsFreeSpace(cursor.segment, at: cursor.validEnd) { return [] }
        if !trusted { try checkLastFrameInPlace() }
        let events = try advance(asWriter: true, detectDamage: true, decode: decode, freeSpaceEndsLog: trusted).events
        cursor.checkedLayout = layout
        return events
    }

    /// Whether the tail last published in `sync` is exactly where this process stands: nobody
    /// appended since, as far as the marker tells (a hint only: a writer may die between its
    /// write and its marker, a process without the gate publishes none).
    private func publishedTailIsMine(_ gate: SyncGate?) -> Bool {
        guard let gate, let tail = gate.appended else { return false }
        return tail.boot == gate.boot && tail.segment == cursor.segment.number && tail.salt == cursor.segment.header.salt
            && tail.sequence == cursor.lastSequence && tail.end == UInt64(cursor.validEnd)
    }

    /// Whether a whole zero frame header is at `offset` (false for anything else: a frame, the
    /// end of the file, an error — for `advance` to sort out).
    private func startsFreeSpace(_ segment: Segment, at offset: Int64) -> Bool {
        withUnsafeTemporaryAllocation(byteCount: StoreFormat.frameHeaderSize, alignment: 8) { b in
            guard (try? Posix.read(segment.fd, at: offset, into: b, path: segment.path)) == b.count else { return false }
            return StoreFormat.startsFreeSpace(UnsafeRawBufferPointer(b), at: 0)
        }
    }

    /// Refuses to go on (`logRewound`) when the last frame this process read in its segment is
    /// no longer there byte for byte: a repair cut the log before it, and other writers' frames
    /// and free space may have filled the file up to and past this process's valid end since —
    /// the size check in `advance` cannot tell, and a frame written there would follow a hole.
    private func checkLastFrameInPlace() throws {
        let segment = cursor.segment
        guard let start = cursor.lastFrameStart, start.segment == segment.number, cursor.lastFrameHash.count == 32,
              cursor.lastFrameEnd > start.offset,
              cursor.lastFrameEnd - start.offset <= UInt64(StoreFormat.maxPayload + StoreFormat.frameOverhead) else { return }
        let length = Int(cursor.lastFrameEnd - start.offset)
        let bytes = try Posix.read(segment.fd, at: Int64(start.offset), count: length, path: segment.path)
        guard bytes.count == length, bytes.withUnsafeBytes({ sha256($0) }) == cursor.lastFrameHash else {
            let size = try Posix.size(segment.fd, path: segment.path)
            throw StoreError.logRewound(segment: segment.name, expected: Int(cursor.validEnd), found: Int(size))
        }
    }

    /// After a frame that grew the file to `end`, pre-writes zeros after it, so that the next
    /// commits overwrite allocated space (synced by this commit's fdatasync, with its frame).
    /// Real zero writes, not fallocate: unwritten extents would still need a metadata update
    /// when first written. Best effort: on any error the file is cut back to the frame's end,
    /// as without pre-allocation. Called with the lock held.
    private func preallocate(_ segment: Segment, after end: Int64) {
        let from = max(cursor.fileSize, end)
        cursor.fileSize = from
        guard preallocation > 0 else { return }
        let chunk = Int64(preallocation)
        var target = ((end + chunk + 4095) / 4096) * 4096
        target = min(target, max(end, Int64(segmentLimit)))
        guard target > from else { return }
        var at = from
        do {
            while at < target {
                let n = Int(min(target - at, Int64(Self.zeros.count)))
                try Self.zeros.withUnsafeBytes { z in
                    try io.writeAll(segment.fd, UnsafeRawBufferPointer(rebasing: z[0..<n]), at: at)
                }
                at += Int64(n)
            }
            cursor.fileSize = target
        } catch {
            try? io.truncate(segment.fd, to: from)
        }
    }

    /// A block of zeros to pre-allocate with.
    private static let zeros = [UInt8](repeating: 0, count: 1 << 20)

    /// Whether an earlier sync failure has disabled writing in this process, and why.
    public var writingDisabledReason: String? { writer.withLock { writeDisabled } }

    /// Creates segment `number` atomically: temp file with the header → fsync → rename → fsync dir.
    static func startSegment(in path: String, number: UInt32, firstSequence: UInt64, io: any FileIO,
                             incompatibleFeatures: UInt32 = 0) throws -> Segment {
        let name = StoreFormat.segmentName(number)
        let temp = path + "/." + name + ".tmp-\(getpid())"
        let fd = try Posix.createFile(temp)
        let header = SegmentHeader(number: number, salt: StoreFormat.randomSalt(), firstSequence: firstSequence,
                                   incompatibleFeatures: incompatibleFeatures).encoded()
        do {
            defer { close(fd) }
            do {
                try io.writeAll(fd, header, at: 0)
            } catch {
                unlink(temp)
                throw StoreError.writeFailed(file: name, errno: error.errno)
            }
            do { try io.fullSync(fd) } catch { unlink(temp); throw StoreError.syncFailed(file: name, errno: error.errno) }
        }
        do { try io.rename(temp, path + "/" + name) } catch {
            unlink(temp)
            throw StoreError.writeFailed(file: name, errno: error.errno)
        }
        try Posix.syncDirectory(path, io: io)
        return try Segment(directory: path, number: number, writable: true)
    }

    // MARK: Following

    /// Runs `onChange` whenever transactions arrive — from other processes (found by a
    /// background follower: inotify on the store directory, with a 100 ms poll as a floor) or
    /// committed in this one. The token's `wakeFD` becomes readable at the same moments, for
    /// a `poll()`-based UI loop. Keep the token; `cancel()` it to stop.
    public func follow(_ onChange: @escaping @Sendable ([Event]) -> Void) -> FollowToken {
        let token = FollowToken()
        let id: UInt64 = stateLock.withLock {
            nextListener += 1
            // Weak: dropping the token stops following (its deinit cancels).
            listeners[nextListener] = { [weak token] events in
                guard let token, !token.isCancelled else { return }
                onChange(events)
                token.signal()
            }
            return nextListener
        }
        token.start(store: self, listener: id)
        return token
    }

    /// Whether anyone follows this store (call with `stateLock` held).
    var listenersAreEmpty: Bool { listeners.isEmpty }

    func removeListener(_ id: UInt64) { stateLock.withLock { _ = listeners.removeValue(forKey: id) } }

    func deliver(_ events: [Event]) {
        guard !events.isEmpty else { return }
        let targets = stateLock.withLock { Array(listeners.values) }
        for t in targets { t(events) }
    }

    // MARK: Replaying the log

    struct Advance {
        var events: [Event] = []
        var notices: [StoreNotice] = []
    }

    /// Reads and applies every whole frame after the cursor, across segments. Must be called
    /// with `writer` held; as a writer also with the flock held.
    ///
    /// Invalid bytes after the last valid frame of the last segment are a torn tail: a writer
    /// sets them aside and cuts them off; a reader leaves them (they may be a write in flight).
    /// Valid frames after invalid bytes are damage: refused for writers and read-write opens.
    ///
    /// A zero frame header where the next frame should be is the start of pre-allocated free
    /// space. With `checkFreeSpace` (at open: the last process may have died with the machine)
    /// it must be zero to the end of the file, or the non-zero bytes are judged as above; while
    /// running, writers only ever leave zeros there (a write puts its header first), so the
    /// log simply ends at it.
    ///
    /// With `decode` false (a commit's catch-up in a process nobody follows), events are folded
    /// encoded — checked and indexed by record, decoded when a record is read — and not returned.
    ///
    /// With `freeSpaceEndsLog`, free space ends the log without looking for a next segment (a
    /// roll-over cuts the old segment at its last frame before it starts the next, so only a
    /// repair moving files could put one after free space), and a writer does not look its file
    /// up by path. Passed by a writer that checked its file under the sync gate's current layout
    /// generation (`writerCatchUp`), and by a commit's look before the lock (a hint: the
    /// catch-up under the lock completes it).
    func advance(asWriter: Bool, detectDamage: Bool, checkFreeSpace: Bool = false, decode: Bool = true,
                 freeSpaceEndsLog: Bool = false) throws -> Advance {
        var result = Advance()
        var reread = false
        while true {
            let segment = cursor.segment
            // The look before a commit's lock (a hint: not a writer, free space ends the log)
            // reads up to the size last seen without asking the file again (a statx per commit)
            // while that size lies a window or more ahead: other writers' frames land in the
            // free space before it, and a file found shorter is taken as it is found (below).
            // Frames past a stale size are left to the catch-up under the lock, which asks.
            let sizeIsHint = !asWriter && freeSpaceEndsLog && cursor.fileSize >= cursor.validEnd + Int64(Self.firstWindow)
            var size = sizeIsHint ? cursor.fileSize : try Posix.size(segment.fd, path: segment.path)
            cursor.fileSize = size
            var stop: (offset: Int64, why: Frame.Invalid)? = nil
            var stopAtZeros = false
            if asWriter && !freeSpaceEndsLog && !segment.isStillInPlace {
                throw StoreError.logRewound(segment: segment.name, expected: Int(cursor.validEnd), found: 0)
            }
            if size < cursor.validEnd {
                // Only `repair` shortens a log below whole frames: what this process holds is
                // no longer the log. Writing here would leave a hole; reopen instead.
                throw StoreError.logRewound(segment: segment.name, expected: Int(cursor.validEnd), found: Int(size))
            }
            // Read in windows: memory stays bounded whatever the file's size. The first window
            // is small (a commit usually finds nothing new, then free space); windows double
            // up to `window`, and always grow to hold a whole frame that starts in them.
            var base = cursor.validEnd
            var readSize = Self.firstWindow
            while base < size && stop == nil {
                let asked = Int(min(size - base, Int64(readSize)))
                let bytes = try Posix.read(segment.fd, at: base, count: asked, path: segment.path)
                // A short read means the file is shorter than `size` (a repair shrank it since, or
                // a roll-over cut it after the size last seen): it ends where the read did, so a
                // frame cut short there is not read on, and an empty read ends the scan.
                if bytes.count < asked {
                    size = base + Int64(bytes.count)
                    cursor.fileSize = size
                }
                let windowEnd = base + Int64(bytes.count)
                var consumed = 0
                var needed = 0
                try bytes.withUnsafeBytes { b in
                    var lastFrame: Range<Int>? = nil
                    scan: while consumed < b.count {
                        switch Frame.check(b, at: consumed, salt: segment.header.salt, expectedSequence: cursor.lastSequence + 1) {
                        case let .success(f):
                            let position = LogPosition(segment: segment.number, offset: UInt64(base) + UInt64(consumed))
                            let unreadable = StoreError.unreadablePayload(segment: segment.name, offset: Int(base) + consumed)
                            // Folded encoded unless asked to decode, or the payload holds more than
                            // plain events (`EventScan` gives nil): then decoded whole.
                            var scanned: [EventScan.Scanned]? = nil
                            if !decode {
                                do { scanned = try EventScan.transaction(f.payload) } catch { throw unreadable }
                            }
                            if let scanned {
                                let payload = EncodedPayload(Array(f.payload))
                                // Whether anyone follows is decided in the same critical section as
                                // the fold: a listener that arrived meanwhile gets this frame's events.
                                let late: [Event]? = stateLock.withLock {
                                    guard listenersAreEmpty else {
                                        let events = scanned.map { EncodedEvent(payload: payload, body: $0.body).decode() }
                                        current.apply(events, sequence: f.sequence, at: position)
                                        return events
                                    }
                                    current.apply(encoded: scanned, in: payload, sequence: f.sequence, at: position)
                                    return nil
                                }
                                if let late { result.events.append(contentsOf: late) }
                            } else {
                                let events: [Event]
                                do { events = try EventCoding.decode(transaction: f.payload) } catch { throw unreadable }
                                stateLock.withLock { current.apply(events, sequence: f.sequence, at: position) }
                                result.events.append(contentsOf: events)
                            }
                            cursor.lastSequence = f.sequence
                            cursor.lastFrameStart = position
                            cursor.lastFrameEnd = position.offset + UInt64(f.length)
                            lastFrame = consumed..<(consumed + f.length)
                            consumed += f.length
                        case .failure(.truncated) where windowEnd < size:
                            // The frame goes on past this window: read on from it, in a window
                            // that holds it whole (its length was checked against the cap).
                            if consumed == 0 {
                                needed = b.count - consumed >= StoreFormat.frameHeaderSize
                                    ? Int(b.u32(at: consumed)) + StoreFormat.frameOverhead : StoreFormat.frameHeaderSize
                            }
                            break scan
                        case let .failure(why):
                            stop = (base + Int64(consumed), why)
                            stopAtZeros = StoreFormat.startsFreeSpace(b, at: consumed)
                            break scan
                        }
                    }
                    if let lastFrame { cursor.lastFrameHash = sha256(UnsafeRawBufferPointer(rebasing: b[lastFrame])) }
                }
                base += Int64(consumed)
                cursor.validEnd = base
                readSize = min(Self.window, max(readSize * 2, needed))
            }
            let nextNumber = segment.number + 1
            let nextExists = freeSpaceEndsLog && stopAtZeros && !checkFreeSpace ? false
                : Posix.exists(segment.nextPath)
            var cleanEnd = stop == nil
            if let s = stop, stopAtZeros {
                if !checkFreeSpace && !nextExists {
                    cleanEnd = true
                } else if try Self.isFree(segment, from: s.offset, to: size) {
                    cleanEnd = true
                } else if !asWriter && !reread {
                    // Without the lock, a frame may have been written there since we looked.
                    reread = true
                    continue
                }
            }
            guard let stop, !cleanEnd else {
                guard nextExists else { return result }
                let next: Segment
                do { next = try Segment(directory: path, number: nextNumber, writable: !isReadOnly) } catch {
                    if !detectDamage { return result }
                    try damage(StoreFormat.segmentName(nextNumber), 0, "\(error)", asWriter: asWriter, into: &result)
                    return result
                }
                guard next.header.firstSequence == cursor.lastSequence + 1 else {
                    if !detectDamage { return result }
                    try damage(next.name, 0, "segment starts at transaction \(next.header.firstSequence), expected \(cursor.lastSequence + 1)", asWriter: asWriter, into: &result)
                    return result
                }
                cursor.segment = next
                cursor.validEnd = Int64(StoreFormat.segmentHeaderSize)
                cursor.fileSize = 0   // not known yet (the old segment's is no hint for it)
                continue
            }
            if nextExists {
                // A writer only starts a new segment after a clean end; look once more in case
                // the frame was still being written when we read it.
                if !reread { reread = true; continue }
                if detectDamage { try damage(segment.name, Int(stop.offset), stop.why.description, asWriter: asWriter, into: &result) }
                return result
            }
            // A reader that reports no damage stops here whatever follows (usually a frame another
            // process is writing right now): the scan below would read the rest of the file —
            // its pre-allocated megabyte — for nothing.
            if !asWriter && !detectDamage { return result }
            if let later = try laterValidFrame(in: segment, after: stop.offset, size: size) {
                if detectDamage {
                    try damage(segment.name, Int(stop.offset), "\(stop.why); a valid transaction follows at byte \(later)", asWriter: asWriter, into: &result)
                }
                return result
            }
            if asWriter {
                result.notices.append(try cutTornTail(segment, at: stop.offset, size: size))
            }
            return result
        }
    }

    private func damage(_ segment: String, _ offset: Int, _ reason: String, asWriter: Bool, into result: inout Advance) throws {
        if asWriter || !isReadOnly { throw StoreError.damagedLog(segment: segment, offset: offset, reason: reason) }
        result.notices.append(.damagedReadOnly(segment: segment, offset: offset, reason: reason))
    }

    /// Bytes read at once while scanning: more than the largest frame.
    static let window = StoreFormat.maxPayload + StoreFormat.frameOverhead + (1 << 16)
    /// The first read of a scan.
    static let firstWindow = 4096

    /// Whether the segment's bytes from `offset` to `size` are all zero (free space).
    static func isFree(_ segment: Segment, from offset: Int64, to size: Int64) throws -> Bool {
        var at = offset
        while at < size {
            let chunk = try Posix.read(segment.fd, at: at, count: Int(min(size - at, 1 << 20)), path: segment.path)
            if chunk.isEmpty { return true }
            guard chunk.withUnsafeBytes({ StoreFormat.isZero($0, from: 0) }) else { return false }
            at += Int64(chunk.count)
        }
        return true
    }

    /// Where, after the invalid bytes at `offset`, a whole frame of this log with a newer
    /// sequence starts (evidence of damage rather than a torn write), if anywhere.
    private func laterValidFrame(in segment: Segment, after offset: Int64, size: Int64) throws -> Int64? {
        // Windows overlap by a largest frame, so a frame is whole in the window it starts in.
        let span = 4 * Self.window
        let step = Int64(span - StoreFormat.maxPayload - StoreFormat.frameOverhead)
        var from = offset + 1
        while from < size {
            let bytes = try Posix.read(segment.fd, at: from, count: Int(min(size - from, Int64(span))), path: segment.path)
            let found = bytes.withUnsafeBytes { b in
                Frame.findValid(in: b, from: 0, salt: segment.header.salt, minSequence: cursor.lastSequence + 1)
            }
            if let found { return from + Int64(found) }
            from += step
        }
        return nil
    }

    /// Moves a torn tail to quarantine/ (synced) and truncates the segment to its last whole frame.
    private func cutTornTail(_ segment: Segment, at offset: Int64, size: Int64) throws -> StoreNotice {
        let qdir = path + "/" + Self.quarantineName
        try Posix.makeDirectory(qdir)
        let stamp = Int(Date().timeIntervalSince1970)
        let name = "\(segment.name)-from-\(offset)-\(stamp)-\(getpid()).tail"
        let fd = try Posix.createFile(qdir + "/" + name)
        defer { close(fd) }
        var copied: Int64 = 0
        while offset + copied < size {
            let chunk = try Posix.read(segment.fd, at: offset + copied, count: Int(min(size - offset - copied, 1 << 20)), path: segment.path)
            if chunk.isEmpty { break }
            do {
                try io.writeAll(fd, chunk, at: copied)
            } catch {
                throw StoreError.writeFailed(file: Self.quarantineName + "/" + name, errno: error.errno)
            }
            copied += Int64(chunk.count)
        }
        do { try io.fullSync(fd) } catch { throw StoreError.syncFailed(file: Self.quarantineName + "/" + name, errno: error.errno) }
        try Posix.syncDirectory(qdir, io: io)
        do { try io.truncate(segment.fd, to: offset) } catch {
            throw StoreError.writeFailed(file: segment.name, errno: error.errno)
        }
        do { try io.dataSync(segment.fd) } catch { throw StoreError.syncFailed(file: segment.name, errno: error.errno) }
        return .tornTailCut(segment: segment.name, offset: Int(offset), bytes: Int(copied), quarantineFile: Self.quarantineName + "/" + name)
    }

    // MARK: Snapshots

    /// Writes a snapshot of the current state (temp file → fsync → rename → fsync dir) and
    /// switches this process to it. Never deletes history: the log stays whole.
    @discardableResult
    public func compact() throws -> CompactReport {
        let started = Date()
        if isReadOnly { throw StoreError.readOnly(reason: "opened read-only") }
        let (view, anchor): (StoreView, SnapshotWriter.Anchor) = try writer.withLock {
            _ = try advance(asWriter: false, detectDamage: false)
            let c = cursor
            let start = c.lastFrameStart ?? LogPosition(segment: c.segment.number, offset: UInt64(StoreFormat.segmentHeaderSize))
            return (stateLock.withLock { current.materializeAll(); return current },
                    SnapshotWriter.Anchor(sequence: c.lastSequence, frameStart: start,
                                          frameEnd: c.lastFrameStart == nil ? start.offset : c.lastFrameEnd,
                                          frameHash: c.lastFrameHash))
        }
        Self.removeAbandonedTemporaries(in: path)
        let pieces = SnapshotWriter.buildPieces(view, anchor: anchor)
        try installSnapshot(pieces, sequence: anchor.sequence)
        return CompactReport(records: view.recordCount, lastSequence: anchor.sequence, bytes: pieces.reduce(0) { $0 + $1.count },
                             seconds: Date().timeIntervalSince(started))
    }

    /// Writes snapshot bytes beside the log (temp file → fsync → rename → fsync dir) and, if it
    /// is the snapshot of transaction `sequence`, re-bases this process's view on it.
    func installSnapshot(_ pieces: [[UInt8]], sequence: UInt64) throws {
        let (temp, fd) = try createSnapshotTemporary()
        var at: Int64 = 0
        let placed = pieces.map { bytes in defer { at += Int64(bytes.count) }; return (at, bytes) }
        try installSnapshot(temp: temp, fd: fd, writing: placed, sequence: sequence)
    }

    /// A new temporary file for a snapshot, and its open descriptor.
    func createSnapshotTemporary() throws -> (path: String, fd: Int32) {
        let temp = path + "/.snapshot.tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        return (temp, try Posix.createFile(temp, exclusive: true))
    }

    /// `installSnapshot`, into a temporary file (from `createSnapshotTemporary`) that may hold
    /// part of the snapshot already (a bulk import writes its index as it goes): writes each
    /// piece at its offset, then as above. Closes `fd`; removes `temp` if it fails.
    func installSnapshot(temp: String, fd: Int32, writing pieces: [(at: Int64, bytes: [UInt8])], sequence: UInt64) throws {
        let final = path + "/" + SnapshotFormat.fileName
        do {
            defer { close(fd) }
            for (at, bytes) in pieces {
                do { try io.writeAll(fd, bytes, at: at) } catch {
                    unlink(temp); throw StoreError.writeFailed(file: SnapshotFormat.fileName, errno: error.errno)
                }
            }
            do { try io.fullSync(fd) } catch {
                unlink(temp); throw StoreError.syncFailed(file: SnapshotFormat.fileName, errno: error.errno)
            }
        }
        do { try io.rename(temp, final) } catch {
            unlink(temp); throw StoreError.writeFailed(file: SnapshotFormat.fileName, errno: error.errno)
        }
        try Posix.syncDirectory(path, io: io)
        if let image = try? SnapshotImage(path: final), image.lastSequence == sequence {
            stateLock.withLock { current = current.rebased(on: image) }
        }
    }

    /// Temporary files of processes that died while writing them (`.…tmp-PID…`).
    static func removeAbandonedTemporaries(in path: String) {
        for name in (try? Posix.list(path)) ?? [] where name.hasPrefix(".") {
            guard let range = name.range(of: ".tmp-") else { continue }
            let pidText = name[range.upperBound...].prefix { $0.isNumber }
            guard let pid = Int32(pidText), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            unlink(path + "/" + name)
        }
    }

    /// Where the log's valid frames end in the current segment (tests: the file may be longer,
    /// by its pre-allocated free space).
    var logEnd: Int64 { writer.withLock { cursor.validEnd } }

    // Internal accessors for maintenance.
    var cursorForInfo: (segment: UInt32, lastSequence: UInt64) { writer.withLock { (cursor.segment.number, cursor.lastSequence) } }
}

/// What `compact()` wrote.
public struct CompactReport: Sendable, Hashable, CustomStringConvertible {
    public let records: Int
    public let lastSequence: UInt64
    public let bytes: Int
    public let seconds: Double
    public var description: String {
        "Snapshot written: \(records) record\(records == 1 ? "" : "s") up to transaction \(lastSequence), \(bytes) bytes in \(String(format: "%.2f", seconds)) s. History is untouched."
    }
}
