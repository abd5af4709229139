#if canImport(Glibc)
import Glibc
#endif
import CDeskStore
import Foundation

/// Group commit across processes: one fdatasync makes the commits of many processes durable.
///
/// Why it works: fdatasync of the segment file makes durable every byte written to that file
/// before the sync began, whoever wrote it. A writer therefore needs not *its own* sync but
/// *a* sync that began after its frame was written. The protocol, over the store's small
/// shared file `sync` (markers: `SyncMarker`):
///
///  1. Under the write lock, right after writing its frame, a writer publishes the log's tail as
///     the *appended* marker.
///  2. After releasing the write lock, it reads the *durable* marker: if that covers its frame
///     (another process synced after the frame was written), it is done — no sync.
///  3. Else it tries the sync lock (flock on the sync file, without blocking) and reads the
///     durable marker again: covered now → release, done. If another process holds the lock
///     (it is syncing), it sleeps until that leader's turn ends (a futex in the file) and
///     starts again at 2.
///  4. Else it leads: reads the appended marker (every frame up to it was written before this
///     read), fdatasyncs the segment, and only after the sync succeeded publishes that marker
///     as durable; then releases the sync lock and wakes the sleepers, who find themselves
///     covered (or one of them leads the next sync).
///
/// Failure stays on the safe side. A leader killed before or after its sync, or whose sync
/// failed, publishes nothing: the processes queued behind it find themselves uncovered and
/// sync for themselves (a failed sync is reported to every process that had the file open;
/// the leader's own commit fails and disables its writing, as any failed sync does). A marker
/// of another boot, segment file or lineage covers nothing, so markers left by a reboot, a cut
/// or repaired tail, a roll-over or a dead process are ignored.
///
/// The file is mapped shared (the page cache is one for all processes): markers are read and
/// written as memory — no system calls, and no inotify events for the consoles that follow the
/// directory. Each marker has a checksum, so a read torn by a concurrent write is merely "no
/// marker". The file is never truncated (a mapping of a truncated file would fault).
///
/// Layout (4096 bytes): "OPSDSYNC", version u16 at 8; the appended marker at 64; the durable
/// marker at 192; at 320 a u32 that leaders bump when they let go of the sync lock (a futex:
/// only a wake-up call, see `makeDurable`); at 384 the layout generation (u64, see
/// `layoutGeneration`); at 448 the count of processes asleep on the futex (u32). Anything else
/// there (another version, damage) disables the gate for this process: every commit then syncs
/// for itself, catches up by reading the log and checks its segment file by path each time.
///
/// Version 1 had no layout generation and no sleeper count (the bytes were zero). A version-1
/// file is upgraded in place by the first process of version 2 that opens it: processes of
/// version 1 that opened it before go on with it (they never bump the generation, but their
/// writers check the files by path at every commit anyway, and their sleepers, uncounted, may
/// sleep through a wake-up until `patience`); those that open it after run without the gate.
final class SyncGate: @unchecked Sendable {
    static let fileName = "sync"
    static let fileSize = 4096
    static let magic: [UInt8] = Array("OPSDSYNC".utf8)
    static let version: UInt16 = 2
    static let appendedOffset = 64
    static let durableOffset = 192
    /// A 32-bit counter bumped after every leader's turn: the futex followers sleep on.
    static let endedOffset = 320
    /// A 64-bit counter bumped by whatever replaces, moves or shortens segment files (repair).
    static let layoutOffset = 384
    /// How many processes may be asleep on the futex: a leader calls wake only when it is not 0.
    static let waitersOffset = 448

    let path: String
    let boot: BootID
    private let fd: Int32
    private let base: UnsafeMutableRawPointer
    /// The flock belongs to the open file, shared by this process's threads: they queue here.
    private let threads = NSLock()

    private init(path: String, boot: BootID, fd: Int32, base: UnsafeMutableRawPointer) {
        self.path = path
        self.boot = boot
        self.fd = fd
        self.base = base
    }

    deinit {
        munmap(base, Self.fileSize)
        close(fd)
    }

    /// Opens (creating if needed, group-shared 0660 like the store's other files) the store's
    /// sync file. Nil when it cannot be used — then commits sync for themselves, as before.
    static func open(directory: String, boot: BootID? = BootID.current) -> SyncGate? {
        guard let boot else { return nil }
        let path = directory + "/" + fileName
        // Never through a symbolic link: the file is written as memory by every writer.
        var fd: Int32
        repeat { fd = Glibc.open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o660) } while fd < 0 && errno == EINTR
        if fd >= 0 {
            _ = fchmod(fd, 0o660)   // whatever the umask; the setgid directory gives the group
        } else if errno == EEXIST {
            fd = (try? Posix.open(path, O_RDWR | O_NOFOLLOW)) ?? -1
        }
        guard fd >= 0 else { return nil }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { close(fd); return nil }
        // A new file is filled to its size before anyone maps it (every opener does this; filling
        // twice is harmless, and nobody ever shrinks it). Real zeros, not ftruncate: a hole
        // would get its block when first written through the mapping, and a full disk then
        // kills the process (SIGBUS) instead of returning ENOSPC here.
        if st.st_size < fileSize {
            let zeros = [UInt8](repeating: 0, count: fileSize - Int(st.st_size))
            let written = zeros.withUnsafeBytes { Glibc.pwrite(fd, $0.baseAddress, $0.count, off_t(st.st_size)) }
            guard written == zeros.count else { close(fd); return nil }
        }
        guard let mapped = mmap(nil, fileSize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), mapped != MAP_FAILED else {
            close(fd); return nil
        }
        let gate = SyncGate(path: path, boot: boot, fd: fd, base: mapped)
        guard gate.checkHeader() else { return nil }
        return gate
    }

    /// Writes the header into a fresh (all-zero) file, upgrades a version-1 header (its
    /// other bytes are zero, as a fresh version 2 has them); false when the header is another one.
    private func checkHeader() -> Bool {
        func header(_ version: UInt16) -> [UInt8] {
            var bytes = Self.magic
            withUnsafeBytes(of: version.littleEndian) { bytes.append(contentsOf: $0) }
            return bytes
        }
        let expected = header(Self.version)
        let present = UnsafeRawBufferPointer(start: base, count: expected.count)
        if present.elementsEqual(expected) { return true }
        guard present.allSatisfy({ $0 == 0 }) || present.elementsEqual(header(1)) else { return false }
        expected.withUnsafeBytes { base.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        return true
    }

    // MARK: The layout generation

    /// Bumped (under the write lock, before the first change) by anything that replaces, moves
    /// or shortens a segment file below frames a writer may have read — `repair`. A writer that
    /// checked its segment file by path under one generation trusts, while it has not moved, that
    /// the file it holds is still the log's: its commits then only look at the bytes at their
    /// valid end (`EventStore.writerCatchUp`). Roll-overs and cut torn tails need no bump: they
    /// only cut at or after every writer's valid end, which a writer sees as end of file there.
    ///
    /// What it cannot cover: a repair by an opsdesk of sync file version 1 (it bumps nothing),
    /// and a sync file deleted while processes have it mapped (a repair then bumps a new file
    /// they never look at). Neither file is to be removed or replaced while the store is open.
    var layoutGeneration: UInt64 { opsdesk_atomic_load64(layoutWord) }

    func bumpLayoutGeneration() { opsdesk_atomic_add64(layoutWord, 1) }

    private var layoutWord: UnsafeMutablePointer<UInt64> {
        (base + Self.layoutOffset).assumingMemoryBound(to: UInt64.self)
    }

    // MARK: Markers

    /// The appended marker: the log's tail as the last writer published it.
    var appended: SyncMarker? { read(at: Self.appendedOffset) }
    /// The durable marker: the tail as of the last successful sync of a leader.
    var durable: SyncMarker? { read(at: Self.durableOffset) }

    /// Publishes the log's tail. Call under the write lock, after the frame is written.
    func publishAppended(_ marker: SyncMarker) { write(marker, at: Self.appendedOffset) }

    /// Only after a successful sync of the marker's segment that began after the marker's
    /// frames were written; under the sync lock.
    func publishDurable(_ marker: SyncMarker) { write(marker, at: Self.durableOffset) }

    private func read(at offset: Int) -> SyncMarker? {
        // Copied out first, so the checksum and the fields are of the same bytes.
        withUnsafeTemporaryAllocation(byteCount: SyncMarker.size, alignment: 8) { copy in
            copy.copyMemory(from: UnsafeRawBufferPointer(start: base + offset, count: SyncMarker.size))
            return SyncMarker.decode(UnsafeRawBufferPointer(copy))
        }
    }

    private func write(_ marker: SyncMarker, at offset: Int) {
        marker.encoded().withUnsafeBytes { (base + offset).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
    }

    /// The marker for a frame just appended after the tail (`segment`, `salt`, `sequence - 1`,
    /// `start`, `previousHash`): it continues the appended marker's lineage when that marker
    /// describes exactly this tail, else starts a new one.
    func marker(segment: UInt32, salt: UInt64, sequence: UInt64, start: UInt64, end: UInt64,
                previousHash: Digest32, hash: Digest32) -> SyncMarker {
        let before = appended
        var continues = before?.isTail(segment: segment, salt: salt, sequence: sequence - 1, end: start,
                                       hashPrefix: SyncMarker.prefix(of: previousHash), boot: boot) == true
        // A durable marker is a copy of an earlier appended one: one ahead of the tail it
        // speaks of is not to be believed (a file put back, tampered) — leave its lineage.
        if continues, let before, let claimed = durable, claimed.lineage == before.lineage,
           claimed.sequence > before.sequence || claimed.end > before.end {
            continues = false
        }
        return SyncMarker(lineage: continues ? before!.lineage : SyncMarker.newLineage(), boot: boot,
                          segment: segment, salt: salt, sequence: sequence, end: end,
                          hashPrefix: SyncMarker.prefix(of: hash))
    }

    // MARK: Making a frame durable

    enum Outcome: Equatable {
        /// A sync by another process (or handle) that began after the frame was written.
        case coveredByAnother
        /// This caller synced (as leader, or alone).
        case synced
    }

    /// Makes the frame `mine` (this caller's published appended marker) durable: by another's
    /// sync if one covers it, else by calling `sync` as the leader. A throwing `sync` publishes
    /// nothing and rethrows.
    ///
    /// Waiting for a leader is a futex on the file's `ended` word, not a blocking flock: a leader
    /// lets go of the sync lock, then bumps `ended` and wakes the waiters (if any are counted as
    /// asleep: the wake-up is a system call, and usually nobody waits), who read the durable
    /// marker (memory) and, if it does not cover them, try the sync lock without blocking — one
    /// of them leads the next sync. A blocking flock would put each waiter to sleep twice (for
    /// the shared look at the marker, then in the queue for the exclusive lock) and wake every
    /// waiter at each hand-over. The futex is only a wake-up call: who may sync and what is
    /// durable are still decided by the flock and the checksummed markers, and every wait is
    /// bounded (`patience`), so a leader killed before it could wake anyone costs its waiters
    /// a timeout, never a commit.
    func makeDurable(_ mine: SyncMarker, sync: () throws(FileIOError) -> Void) throws(FileIOError) -> Outcome {
        if durable?.covers(mine, boot: boot) == true { return .coveredByAnother }
        threads.lock()
        defer { threads.unlock() }
        while true {
            let seen = opsdesk_atomic_load32(endedWord)
            if durable?.covers(mine, boot: boot) == true { return .coveredByAnother }
            if Posix.tryLockExclusive(fd) {
                // Whatever happens next, the next leader must be able to take over at once:
                // release the lock first, then wake the waiters.
                defer {
                    Posix.unlock(fd)
                    _ = opsdesk_futex_bump_and_wake(endedWord, waitersWord, 0)
                }
                if durable?.covers(mine, boot: boot) == true { return .coveredByAnother }
                let target = leaderTarget(for: mine)
                try sync()
                if durable?.covers(target, boot: boot) != true { publishDurable(target) }
                return .synced
            }
            if errno != EWOULDBLOCK && errno != EINTR {
                // The lock itself fails: sync alone and publish nothing — always safe.
                try sync()
                return .synced
            }
            _ = opsdesk_futex_wait(endedWord, seen, waitersWord, Self.patience)
        }
    }

    /// The longest a follower sleeps before looking again (a leader that died between releasing
    /// the lock and waking anyone).
    static let patience: Int64 = 2_000_000

    /// The word leaders bump after each sync (offset `endedOffset` of the mapped file).
    private var endedWord: UnsafeMutablePointer<UInt32> {
        (base + Self.endedOffset).assumingMemoryBound(to: UInt32.self)
    }

    /// How many may sleep on `endedWord` (offset `waitersOffset`): without sleepers a leader's
    /// turn ends without the wake-up system call.
    private var waitersWord: UnsafeMutablePointer<UInt32> {
        (base + Self.waitersOffset).assumingMemoryBound(to: UInt32.self)
    }

    /// What the leader's sync will cover: the appended marker when it is in the leader's segment
    /// file and at or after its frame (all of it was written before this read, so before the
    /// sync); otherwise (torn read, another segment) just the leader's own frame.
    private func leaderTarget(for mine: SyncMarker) -> SyncMarker {
        guard let tail = appended, tail.boot == boot, tail.segment == mine.segment, tail.salt == mine.salt,
              tail.sequence >= mine.sequence, tail.end >= mine.end else { return mine }
        return tail
    }
}
