#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Which boot of the machine a marker was written in. A marker is a statement about the page
/// cache ("these bytes were synced, or are waiting in memory to be"); after a reboot or a power
/// loss that statement is void, so a marker from another boot is ignored.
struct BootID: Equatable, Sendable {
    var high: UInt64
    var low: UInt64

    /// This boot's id, from /proc/sys/kernel/random/boot_id; nil when it cannot be read (then
    /// markers are never trusted: every commit syncs for itself).
    static let current: BootID? = {
        guard let text = try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8) else { return nil }
        return parse(text)
    }()

    /// Parses "8-4-4-4-12" hex text (a UUID); nil for anything else or the all-zero id.
    static func parse(_ text: String) -> BootID? {
        let hex = text.trimmingCharacters(in: .whitespacesAndNewlines).filter { $0 != "-" }
        guard hex.count == 32, let high = UInt64(hex.prefix(16), radix: 16), let low = UInt64(hex.suffix(16), radix: 16),
              high != 0 || low != 0 else { return nil }
        return BootID(high: high, low: low)
    }
}

/// A point of the log as one writer left it: "the log ends after the frame with this sequence,
/// at this offset of this segment file". The sync file holds two of them — the *appended* tail
/// (published under the write lock after each append) and the *durable* tail (published by a
/// sync leader after its fdatasync) — see `SyncGate` for the protocol.
///
/// `lineage` is what ties a marker to the bytes it speaks of. A writer continues the lineage of
/// the appended marker only when that marker describes exactly the tail it is appending after
/// (same boot, segment, salt, sequence, end and last-frame hash); anything else — a cut tail, a
/// repaired or replaced segment, a roll-over, a writer that died before publishing, another
/// boot — starts a new random lineage. So within one lineage the markers form one unbroken
/// chain of appends to one file, and a durable marker of lineage L at sequence S covers exactly
/// the frames of L up to S.
struct SyncMarker: Equatable, Sendable {
    var lineage: UInt64
    var boot: BootID
    var segment: UInt32
    var salt: UInt64
    /// The sequence of the last frame.
    var sequence: UInt64
    /// Where that frame ends in the segment file.
    var end: UInt64
    /// The first 8 bytes of that frame's SHA-256 (the hash the next frame chains to).
    var hashPrefix: UInt64

    /// Bytes of an encoded marker:
    ///
    ///       0  lineage      u64   random, never 0
    ///       8  boot id      16 bytes
    ///      24  segment      u32
    ///      28  reserved     u32   0
    ///      32  salt         u64
    ///      40  sequence     u64
    ///      48  end          u64
    ///      56  hash prefix  u64
    ///      64  CRC          u32   masked CRC32C of bytes 0..<64
    ///      68  reserved     u32   0
    static let size = 72

    /// A fresh lineage: random and never 0 (0 is what an unwritten, zero-filled slot reads as).
    static func newLineage() -> UInt64 {
        var g = SystemRandomNumberGenerator()
        var v: UInt64 = 0
        while v == 0 { v = g.next() }
        return v
    }

    /// The hash prefix of a frame digest (all zero before the first frame).
    static func prefix(of digest: Digest32) -> UInt64 {
        digest.withUnsafeBytes { $0.count >= 8 ? $0.u64(at: 0) : 0 }
    }

    func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: Self.size)
        w.u64(lineage)
        w.u64(boot.high); w.u64(boot.low)
        w.u32(segment); w.u32(0)
        w.u64(salt); w.u64(sequence); w.u64(end); w.u64(hashPrefix)
        w.u32(CRC32C.mask(CRC32C.checksum(w.bytes)))
        w.u32(0)
        return w.bytes
    }

    /// The marker in `b`, or nil when the bytes are not a whole, checksummed marker (never
    /// written, half-written by a process that died, torn by a concurrent reader, or tampered).
    static func decode(_ b: UnsafeRawBufferPointer) -> SyncMarker? {
        guard b.count >= size else { return nil }
        guard CRC32C.unmask(b.u32(at: 64)) == CRC32C.checksum(UnsafeRawBufferPointer(rebasing: b[0..<64])),
              b.u32(at: 28) == 0, b.u32(at: 68) == 0 else { return nil }
        let lineage = b.u64(at: 0)
        guard lineage != 0 else { return nil }
        return SyncMarker(lineage: lineage, boot: BootID(high: b.u64(at: 8), low: b.u64(at: 16)),
                          segment: b.u32(at: 24), salt: b.u64(at: 32), sequence: b.u64(at: 40),
                          end: b.u64(at: 48), hashPrefix: b.u64(at: 56))
    }

    /// Whether this durable marker makes `frame` (a marker describing one writer's own append)
    /// durable: same boot as now, same lineage, same segment file, and at or past its frame.
    func covers(_ frame: SyncMarker, boot now: BootID) -> Bool {
        boot == now && frame.boot == now && lineage == frame.lineage && segment == frame.segment
            && salt == frame.salt && sequence >= frame.sequence && end >= frame.end
    }

    /// Whether this appended marker describes exactly the tail a writer is about to append
    /// after, so the writer's append continues its lineage.
    func isTail(segment: UInt32, salt: UInt64, sequence: UInt64, end: UInt64, hashPrefix: UInt64, boot now: BootID) -> Bool {
        boot == now && self.segment == segment && self.salt == salt && self.sequence == sequence
            && self.end == end && self.hashPrefix == hashPrefix
    }
}
