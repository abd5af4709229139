#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Synchronization

/// The seam through which every write, sync, truncate and rename of the store goes, so tests
/// can inject the faults real disks produce (short writes, ENOSPC, EIO on fsync).
/// Reads do not go through it: a bad read is found by checksums, not by the seam.
///
/// Each method returns normally or throws `FileIOError` carrying the errno.
public protocol FileIO: Sendable {
    /// Writes at `offset`; may write fewer bytes than given (a short write) — the caller loops.
    func pwrite(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(FileIOError) -> Int
    /// fdatasync(2): the file's data and size.
    func dataSync(_ fd: Int32) throws(FileIOError)
    /// fsync(2): data and all metadata (used for directories and new files).
    func fullSync(_ fd: Int32) throws(FileIOError)
    func truncate(_ fd: Int32, to length: Int64) throws(FileIOError)
    func rename(_ from: String, _ to: String) throws(FileIOError)
}

/// An errno from the file-I/O seam.
public struct FileIOError: Error, Sendable, Equatable {
    public var errno: Int32
    public init(errno: Int32) { self.errno = errno }
}

/// The real thing: straight system calls, retrying EINTR.
public struct SystemFileIO: FileIO {
    public init() {}

    public func pwrite(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(FileIOError) -> Int {
        while true {
            let n = Glibc.pwrite(fd, bytes.baseAddress, bytes.count, off_t(offset))
            if n >= 0 { return n }
            if errno != EINTR { throw FileIOError(errno: errno) }
        }
    }

    public func dataSync(_ fd: Int32) throws(FileIOError) {
        // Never retry a failed sync (fsyncgate): EINTR does not happen for fdatasync on Linux.
        if fdatasync(fd) != 0 { throw FileIOError(errno: errno) }
    }

    public func fullSync(_ fd: Int32) throws(FileIOError) {
        if fsync(fd) != 0 { throw FileIOError(errno: errno) }
    }

    public func truncate(_ fd: Int32, to length: Int64) throws(FileIOError) {
        while ftruncate(fd, off_t(length)) != 0 {
            if errno != EINTR { throw FileIOError(errno: errno) }
        }
    }

    public func rename(_ from: String, _ to: String) throws(FileIOError) {
        if Glibc.rename(from, to) != 0 { throw FileIOError(errno: errno) }
    }
}

extension FileIO where Self == SystemFileIO {
    /// The real file system.
    public static var system: SystemFileIO { SystemFileIO() }
}

/// A fault-injecting `FileIO` for tests: arm a fault, and the next matching call fails the way
/// a real disk does. Thread-safe. Faults are one-shot unless `sticky`.
public final class FaultInjectingFileIO: FileIO {
    public enum Fault: Sendable, Equatable {
        /// The next write stores only `bytes` bytes and reports so (a short write), then the
        /// following attempt fails with `errno` (ENOSPC by default), as a filling disk does.
        case shortWrite(bytes: Int, thenErrno: Int32 = ENOSPC)
        /// The next write fails with this errno before writing anything.
        case writeError(Int32)
        /// The next fdatasync/fsync fails with this errno.
        case syncError(Int32)
        /// The next rename fails.
        case renameError(Int32)
    }

    private struct State {
        var faults: [Fault] = []
        var pendingErrno: Int32? = nil
        var writes = 0
        var syncs = 0
    }
    private let state = Mutex(State())
    private let real = SystemFileIO()

    public init() {}

    /// Queue a fault for the next matching call.
    public func arm(_ fault: Fault) { state.withLock { $0.faults.append(fault) } }
    public var syncCount: Int { state.withLock { $0.syncs } }
    public var writeCount: Int { state.withLock { $0.writes } }

    private func take(_ match: (Fault) -> Bool) -> Fault? {
        state.withLock { s in
            guard let i = s.faults.firstIndex(where: match) else { return nil }
            return s.faults.remove(at: i)
        }
    }

    public func pwrite(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(FileIOError) -> Int {
        state.withLock { $0.writes += 1 }
        if let e = state.withLock({ s -> Int32? in defer { s.pendingErrno = nil }; return s.pendingErrno }) {
            throw FileIOError(errno: e)
        }
        switch take({ if case .shortWrite = $0 { true } else if case .writeError = $0 { true } else { false } }) {
        case let .shortWrite(n, then)?:
            let count = min(n, bytes.count)
            let written = try real.pwrite(fd, UnsafeRawBufferPointer(rebasing: bytes[0..<count]), at: offset)
            state.withLock { $0.pendingErrno = then }
            return written
        case let .writeError(e)?:
            throw FileIOError(errno: e)
        default:
            return try real.pwrite(fd, bytes, at: offset)
        }
    }

    public func dataSync(_ fd: Int32) throws(FileIOError) {
        state.withLock { $0.syncs += 1 }
        if case let .syncError(e)? = take({ if case .syncError = $0 { true } else { false } }) { throw FileIOError(errno: e) }
        try real.dataSync(fd)
    }

    public func fullSync(_ fd: Int32) throws(FileIOError) {
        state.withLock { $0.syncs += 1 }
        if case let .syncError(e)? = take({ if case .syncError = $0 { true } else { false } }) { throw FileIOError(errno: e) }
        try real.fullSync(fd)
    }

    public func truncate(_ fd: Int32, to length: Int64) throws(FileIOError) {
        try real.truncate(fd, to: length)
    }

    public func rename(_ from: String, _ to: String) throws(FileIOError) {
        if case let .renameError(e)? = take({ if case .renameError = $0 { true } else { false } }) { throw FileIOError(errno: e) }
        try real.rename(from, to)
    }
}

extension FileIO {
    /// Writes all of `bytes` at `offset`, looping over short writes; throws at the first error.
    func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws(FileIOError) {
        var done = 0
        while done < bytes.count {
            let n = try pwrite(fd, UnsafeRawBufferPointer(rebasing: bytes[done...]), at: offset + Int64(done))
            if n == 0 { throw FileIOError(errno: ENOSPC) }
            done += n
        }
    }

    /// Writes all of `bytes` at `offset`, looping over short writes; throws at the first error.
    func writeAll(_ fd: Int32, _ bytes: [UInt8], at offset: Int64) throws(FileIOError) {
        var failure: FileIOError? = nil
        bytes.withUnsafeBytes { b in
            do throws(FileIOError) { try writeAll(fd, b, at: offset) } catch { failure = error }
        }
        if let failure { throw failure }
    }
}
