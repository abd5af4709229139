#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ITSM

/// A frame named for people: its sequence number and where it is.
public struct FrameLocation: Sendable, Hashable, CustomStringConvertible {
    public let sequence: UInt64
    public let segment: String
    public let offset: Int
    public var description: String { "transaction \(sequence) (\(segment) at byte \(offset))" }
}

/// What `verify()` found.
public struct VerifyReport: Sendable, Hashable, CustomStringConvertible {
    public enum Problem: Sendable, Hashable, CustomStringConvertible {
        /// The frame's bytes differ from when the next frame (or the snapshot) recorded its hash.
        case altered(FrameLocation)
        /// Invalid bytes with valid frames after them.
        case damaged(segment: String, offset: Int, reason: String)
        /// Invalid bytes at the very end (an unfinished write; cut at the next write).
        case tornTail(segment: String, offset: Int, bytes: Int)
        case unreadableSegment(String, reason: String)

        public var description: String {
            switch self {
            case let .altered(f): "\(f) was changed after it was written (its hash no longer matches the chain)"
            case let .damaged(s, o, r): "\(s) is damaged at byte \(o): \(r); run `opsdesk store repair`"
            case let .tornTail(s, o, n): "\(s) ends in \(n) byte\(n == 1 ? "" : "s") of an unfinished write at byte \(o) (harmless; cut at the next write)"
            case let .unreadableSegment(s, r): "\(s) cannot be read: \(r)"
            }
        }
    }

    public var segments: Int
    public var transactions: UInt64
    public var bytes: Int64
    /// SHA-256 of the last frame, in hex: note it somewhere safe to detect later rewriting.
    public var headHash: String
    public var problems: [Problem]

    public var isIntact: Bool { problems.allSatisfy { if case .tornTail = $0 { true } else { false } } }

    /// The first frame whose bytes were changed, if any.
    public var firstAlteredFrame: FrameLocation? {
        for p in problems { if case let .altered(f) = p { return f } }
        return nil
    }

    public var description: String {
        var lines = ["Checked \(transactions) transaction\(transactions == 1 ? "" : "s") in \(segments) segment\(segments == 1 ? "" : "s") (\(bytes) bytes).",
                     "Chain head: \(headHash)"]
        if problems.isEmpty { lines.append("The history chain is intact.") }
        lines.append(contentsOf: problems.map { "Problem: \($0)" })
        return lines.joined(separator: "\n")
    }
}

/// What `repair(at:)` did.
public struct RepairReport: Sendable, Hashable, CustomStringConvertible {
    public struct SetAside: Sendable, Hashable {
        /// The file in quarantine/ holding the bytes.
        public let file: String
        public let bytes: Int
        /// Whole, checksummed transactions found inside (lost from the log, kept in the file).
        public let transactionsInside: Int
    }
    public let keptTransactions: UInt64
    public let setAside: [SetAside]
    public let snapshotSetAside: Bool

    public var description: String {
        if setAside.isEmpty && !snapshotSetAside { return "Nothing to repair: all \(keptTransactions) transactions are whole." }
        var lines = ["Kept \(keptTransactions) transaction\(keptTransactions == 1 ? "" : "s") (everything before the damage)."]
        for s in setAside {
            lines.append("Set aside \(s.bytes) bytes in \(s.file)" + (s.transactionsInside > 0 ? ", holding \(s.transactionsInside) whole transaction\(s.transactionsInside == 1 ? "" : "s") that could not be kept" : ""))
        }
        if snapshotSetAside { lines.append("The snapshot no longer matched the log and was set aside; the next open replays the log.") }
        return lines.joined(separator: "\n")
    }
}

/// What `info()` reports.
public struct StoreInfo: Sendable, Hashable, CustomStringConvertible {
    public struct SegmentInfo: Sendable, Hashable {
        public let name: String
        public let bytes: Int64
        public let firstSequence: UInt64
    }
    public struct LockHolder: Sendable, Hashable {
        public let pid: Int32
        public let user: String?
    }
    public let path: String
    public let counts: [RecordKind: Int]
    public let lastSequence: UInt64
    public let segments: [SegmentInfo]
    public let snapshotBytes: Int?
    public let snapshotSequence: UInt64?
    public let snapshotAge: TimeInterval?
    /// Who holds the write lock right now (nil when free).
    public let lockHolder: LockHolder?
    public let quarantineFiles: [String]
    /// Permissions looser than 2770 (directories) / 0660 (files), or not group-shared.
    public let permissionWarnings: [String]

    public var records: Int { counts.values.reduce(0, +) }
    public var logBytes: Int64 { segments.reduce(0) { $0 + $1.bytes } }

    public var description: String {
        var lines = ["Store: \(path)",
                     "Records: \(records)" + (counts.isEmpty ? "" : " (" + counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"),
                     "Transactions: \(lastSequence)",
                     "Log: \(segments.count) segment\(segments.count == 1 ? "" : "s"), \(logBytes) bytes"]
        if let b = snapshotBytes, let s = snapshotSequence, let age = snapshotAge {
            lines.append("Snapshot: \(b) bytes at transaction \(s), written \(Self.age(age)) ago")
        } else {
            lines.append("Snapshot: none (opening replays the log)")
        }
        if let h = lockHolder {
            lines.append("Write lock: held by pid \(h.pid)" + (h.user.map { " (\($0))" } ?? ""))
        } else {
            lines.append("Write lock: free")
        }
        if !quarantineFiles.isEmpty { lines.append("Quarantine: \(quarantineFiles.count) file\(quarantineFiles.count == 1 ? "" : "s") set aside") }
        lines.append(contentsOf: permissionWarnings.map { "Warning: \($0)" })
        return lines.joined(separator: "\n")
    }

    static func age(_ seconds: TimeInterval) -> String {
        let s = Int(max(0, seconds))
        if s < 120 { return "\(s) s" }
        if s < 7200 { return "\(s / 60) min" }
        if s < 172_800 { return "\(s / 3600) h" }
        return "\(s / 86400) days"
    }
}

extension EventStore {
    // MARK: verify

    /// Recomputes the SHA-256 chain over every frame of the log and reports the first frame
    /// whose bytes changed, plus any damage. Reads only; takes no lock.
    public func verify() throws -> VerifyReport {
        try Self.verify(at: path)
    }

    public static func verify(at path: String) throws -> VerifyReport {
        let numbers = try segmentNumbers(in: path)
        var problems: [VerifyReport.Problem] = []
        var previousHash = zeroDigest
        var previous: FrameLocation? = nil
        var sequence: UInt64 = 0
        var total: Int64 = 0
        var hashes: [UInt64: Digest32] = [:]   // only kept for the snapshot's frame
        let image = try? SnapshotImage(path: path + "/" + SnapshotFormat.fileName)
        scan: for number in numbers {
            let segment: Segment
            do { segment = try Segment(directory: path, number: number, writable: false) } catch {
                problems.append(.unreadableSegment(StoreFormat.segmentName(number), reason: "\(error)"))
                break scan
            }
            let size = try Posix.size(segment.fd, path: segment.path)
            total += size
            let bytes = try Posix.read(segment.fd, at: 0, count: Int(size), path: segment.path)
            var stopped = false
            bytes.withUnsafeBytes { b in
                var o = StoreFormat.segmentHeaderSize
                while o < b.count {
                    switch Frame.check(b, at: o, salt: segment.header.salt, expectedSequence: sequence + 1) {
                    case let .success(f):
                        if Array(f.previousHash) != previousHash, let p = previous, !problems.contains(.altered(p)) {
                            problems.append(.altered(p))
                        }
                        sequence = f.sequence
                        previousHash = sha256(UnsafeRawBufferPointer(rebasing: b[o..<(o + f.length)]))
                        if image?.lastSequence == sequence { hashes[sequence] = previousHash }
                        previous = FrameLocation(sequence: sequence, segment: segment.name, offset: o)
                        o += f.length
                    case .failure where StoreFormat.isZero(b, from: o):
                        o = b.count   // pre-allocated free space: the segment ends cleanly
                    case let .failure(why):
                        let isLast = number == numbers.last
                        if isLast, Frame.findValid(in: b, from: o + 1, salt: segment.header.salt, minSequence: sequence + 1) == nil {
                            problems.append(.tornTail(segment: segment.name, offset: o, bytes: b.count - o))
                        } else {
                            problems.append(.damaged(segment: segment.name, offset: o, reason: why.description))
                        }
                        stopped = true
                        o = b.count
                    }
                }
            }
            if stopped { break scan }
        }
        if let image, let h = hashes[image.lastSequence], h != image.frameHash,
           let loc = try? locate(sequence: image.lastSequence, in: path, numbers: numbers),
           !problems.contains(.altered(loc)) {
            problems.insert(.altered(loc), at: 0)
        }
        problems.sort { a, b in
            if case let .altered(x) = a, case let .altered(y) = b { return x.sequence < y.sequence }
            if case .altered = a { return true }
            return false
        }
        return VerifyReport(segments: numbers.count, transactions: sequence, bytes: total,
                            headHash: Posix.hex(previousHash), problems: problems)
    }

    private static func locate(sequence target: UInt64, in path: String, numbers: [UInt32]) throws -> FrameLocation? {
        for number in numbers {
            let segment = try Segment(directory: path, number: number, writable: false)
            let size = try Posix.size(segment.fd, path: segment.path)
            let bytes = try Posix.read(segment.fd, at: 0, count: Int(size), path: segment.path)
            let found: FrameLocation? = bytes.withUnsafeBytes { b in
                var o = StoreFormat.segmentHeaderSize
                while case let .success(f) = Frame.check(b, at: o, salt: segment.header.salt, expectedSequence: nil) {
                    if f.sequence == target { return FrameLocation(sequence: target, segment: segment.name, offset: o) }
                    o += f.length
                }
                return nil
            }
            if let found { return found }
        }
        return nil
    }

    // MARK: repair

    /// Keeps the log's good prefix (every transaction before the first bad byte), moves the
    /// rest — the damaged part and any later segments — to quarantine/, and reports what was
    /// set aside. Takes the write lock. Never deletes anything.
    public static func repair(at path: String, io: any FileIO = .system) throws -> RepairReport {
        let numbers = try segmentNumbers(in: path)
        let lockPath = path + "/" + lockFileName
        guard !numbers.isEmpty, Posix.exists(lockPath) else { throw StoreError.notAStore(path: path) }
        let lockFD = try Posix.open(lockPath, O_RDWR)
        defer { close(lockFD) }
        try Posix.lockExclusive(lockFD, path: lockPath)
        defer { Posix.unlock(lockFD) }
        // Writers open elsewhere trust the segment files they checked while the layout generation
        // stays (`EventStore.writerCatchUp`): bumped before anything changes, so that a repair
        // that dies half-way still makes them look again. (Without a usable sync file, writers
        // check their files by path at every commit.)
        SyncGate.open(directory: path)?.bumpLayoutGeneration()
        let qdir = path + "/" + quarantineName
        try Posix.makeDirectory(qdir)
        let stamp = Int(Date().timeIntervalSince1970)

        var sequence: UInt64 = 0
        var cut: (index: Int, offset: Int)? = nil    // offset 0: the whole file
        var tailBytes: [UInt8] = []
        var cutSalt: UInt64 = 0
        for (i, number) in numbers.enumerated() {
            guard number == numbers[0] + UInt32(i),
                  let segment = try? Segment(directory: path, number: number, writable: true) else { cut = (i, 0); break }
            if segment.header.firstSequence != sequence + 1 { cut = (i, 0); break }
            let size = try Posix.size(segment.fd, path: segment.path)
            let bytes = try Posix.read(segment.fd, at: 0, count: Int(size), path: segment.path)
            var stop: Int? = nil
            bytes.withUnsafeBytes { b in
                var o = StoreFormat.segmentHeaderSize
                while o < b.count {
                    guard case let .success(f) = Frame.check(b, at: o, salt: segment.header.salt, expectedSequence: sequence + 1),
                          (try? EventCoding.decode(transaction: f.payload)) != nil else {
                        if !StoreFormat.isZero(b, from: o) { stop = o }   // zeros to the end: free space
                        return
                    }
                    sequence = f.sequence
                    o += f.length
                }
            }
            if let stop { cut = (i, stop); tailBytes = Array(bytes[stop...]); cutSalt = segment.header.salt; break }
        }

        var setAside: [RepairReport.SetAside] = []
        if let cut {
            if cut.offset > 0 {
                let name = numbers[cut.index]
                let segName = StoreFormat.segmentName(name)
                let qname = "\(segName)-from-\(cut.offset)-\(stamp)-repair.tail"
                let fd = try Posix.createFile(qdir + "/" + qname)
                defer { close(fd) }
                do { try io.writeAll(fd, tailBytes, at: 0) } catch {
                    throw StoreError.writeFailed(file: quarantineName + "/" + qname, errno: error.errno)
                }
                do { try io.fullSync(fd) } catch { throw StoreError.syncFailed(file: qname, errno: error.errno) }
                try Posix.syncDirectory(qdir, io: io)
                let segment = try Segment(directory: path, number: name, writable: true)
                do { try io.truncate(segment.fd, to: Int64(cut.offset)); try io.dataSync(segment.fd) } catch {
                    throw StoreError.writeFailed(file: segName, errno: error.errno)
                }
                setAside.append(.init(file: quarantineName + "/" + qname, bytes: tailBytes.count,
                                      transactionsInside: countFrames(tailBytes, from: 0, salt: cutSalt)))
            }
            for number in numbers[(cut.offset > 0 ? cut.index + 1 : cut.index)...] {
                let segName = StoreFormat.segmentName(number)
                let qname = "\(segName)-\(stamp)-repair"
                let bytes = (try? Data(contentsOf: URL(fileURLWithPath: path + "/" + segName))).map { [UInt8]($0) } ?? []
                let salt: UInt64 = bytes.count >= StoreFormat.segmentHeaderSize ? bytes.withUnsafeBytes { $0.u64(at: 24) } : 0
                do { try io.rename(path + "/" + segName, qdir + "/" + qname) } catch {
                    throw StoreError.writeFailed(file: segName, errno: error.errno)
                }
                setAside.append(.init(file: quarantineName + "/" + qname, bytes: bytes.count,
                                      transactionsInside: countFrames(bytes, from: StoreFormat.segmentHeaderSize, salt: salt)))
            }
            if cut.index == 0 && cut.offset == 0 {
                _ = try startSegment(in: path, number: numbers[0], firstSequence: 1, io: io)
            }
            try Posix.syncDirectory(qdir, io: io)
            try Posix.syncDirectory(path, io: io)
        }

        // The snapshot is only a cache: set it aside if it is ahead of what was kept.
        var snapshotSetAside = false
        let snapPath = path + "/" + SnapshotFormat.fileName
        if Posix.exists(snapPath) {
            var usable = false
            if let image = try? SnapshotImage(path: snapPath), image.lastSequence <= sequence,
               (try? anchorCheck(image, path: path)) == true { usable = true }
            if !usable {
                do { try io.rename(snapPath, qdir + "/snapshot-\(stamp)-repair") } catch {
                    throw StoreError.writeFailed(file: SnapshotFormat.fileName, errno: error.errno)
                }
                try Posix.syncDirectory(path, io: io)
                snapshotSetAside = true
            }
        }
        return RepairReport(keptTransactions: sequence, setAside: setAside, snapshotSetAside: snapshotSetAside)
    }

    private static func anchorCheck(_ image: SnapshotImage, path: String) throws -> Bool {
        guard image.lastSequence > 0 else { return true }
        let segment = try Segment(directory: path, number: image.logPosition.segment, writable: false)
        let start = image.logPosition.offset, end = image.frameEnd
        guard end > start, end - start <= UInt64(StoreFormat.maxPayload + StoreFormat.frameOverhead) else { return false }
        let bytes = try Posix.read(segment.fd, at: Int64(start), count: Int(end - start), path: segment.path)
        return bytes.withUnsafeBytes { b in
            guard case let .success(f) = Frame.check(b, at: 0, salt: segment.header.salt, expectedSequence: image.lastSequence),
                  f.length == b.count else { return false }
            return sha256(b) == image.frameHash
        }
    }

    /// Whole, checksummed frames of `salt` found anywhere in `bytes` from `from`.
    static func countFrames(_ bytes: [UInt8], from: Int, salt: UInt64) -> Int {
        bytes.withUnsafeBytes { b in
            var n = 0, o = from
            while let at = Frame.findValid(in: b, from: o, salt: salt) {
                n += 1
                o = at + StoreFormat.frameOverhead + Int(b.u32(at: at))
            }
            return n
        }
    }

    // MARK: info

    /// Counts, sizes, segments, snapshot age, who holds the lock, permission warnings.
    public func info() throws -> StoreInfo {
        _ = try? catchUp()
        let v = view
        let numbers = try Self.segmentNumbers(in: path)
        var segments: [StoreInfo.SegmentInfo] = []
        for n in numbers {
            let p = path + "/" + StoreFormat.segmentName(n)
            var st = stat()
            let size = stat(p, &st) == 0 ? Int64(st.st_size) : 0
            let first = (try? Segment(directory: path, number: n, writable: false))?.header.firstSequence ?? 0
            segments.append(.init(name: StoreFormat.segmentName(n), bytes: size, firstSequence: first))
        }
        let image = try? SnapshotImage(path: path + "/" + SnapshotFormat.fileName)
        let quarantine = ((try? Posix.list(path + "/" + Self.quarantineName)) ?? []).sorted()
        return StoreInfo(path: path, counts: v.counts, lastSequence: v.lastSequence, segments: segments,
                         snapshotBytes: image?.fileSize, snapshotSequence: image?.lastSequence,
                         snapshotAge: image.map { Date().timeIntervalSince($0.writtenAt) },
                         lockHolder: Self.lockHolder(path + "/" + Self.lockFileName),
                         quarantineFiles: quarantine, permissionWarnings: Self.permissionWarnings(path))
    }

    /// Probes the lock without waiting; if it is held, finds the holder in /proc/locks.
    static func lockHolder(_ lockPath: String) -> StoreInfo.LockHolder? {
        let fd = Glibc.open(lockPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        if Posix.tryLockExclusive(fd) { Posix.unlock(fd); return nil }
        var st = stat()
        guard fstat(fd, &st) == 0, let locks = try? String(contentsOfFile: "/proc/locks", encoding: .utf8) else {
            return StoreInfo.LockHolder(pid: 0, user: nil)
        }
        for line in locks.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            // "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF"
            guard parts.count >= 6, parts[1] == "FLOCK", let pid = Int32(parts[4]) else { continue }
            let dev = parts[5].split(separator: ":")
            guard dev.count == 3, UInt64(dev[2]) == UInt64(st.st_ino) else { continue }
            var user: String? = nil
            if let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
               let uidLine = status.split(separator: "\n").first(where: { $0.hasPrefix("Uid:") }),
               let uid = uidLine.split(whereSeparator: { $0 == "\t" || $0 == " " }).dropFirst().first.flatMap({ UInt32($0) }) {
                user = try? ActingUser.realUserName(uid: uid_t(uid))
            }
            return StoreInfo.LockHolder(pid: pid, user: user)
        }
        return StoreInfo.LockHolder(pid: 0, user: nil)
    }

    /// Warnings for anything looser than 2770 directories and 0660 files.
    public static func permissionWarnings(_ path: String) -> [String] {
        var warnings: [String] = []
        func check(_ p: String, directory: Bool) {
            var st = stat()
            guard stat(p, &st) == 0 else { return }
            let mode = st.st_mode & 0o7777
            let shown = String(mode, radix: 8)
            if mode & 0o007 != 0 {
                warnings.append("\(p) is open to users outside the desk's group (mode \(shown)); run `chmod \(directory ? "2770" : "0660") \(p)`")
            }
            if directory && mode & 0o2000 == 0 {
                warnings.append("\(p) is not setgid (mode \(shown)): new files will not belong to the desk's group; run `chmod 2770 \(p)`")
            }
            if mode & 0o060 != 0o060 && (directory || true) {
                if !directory || mode & 0o070 != 0o070 {
                    warnings.append("\(p) is not group-writable (mode \(shown)): other agents cannot write")
                }
            }
        }
        check(path, directory: true)
        check(path + "/" + quarantineName, directory: true)
        for name in (try? Posix.list(path)) ?? [] where !name.hasPrefix(".") && name != quarantineName {
            check(path + "/" + name, directory: false)
        }
        return warnings
    }
}
