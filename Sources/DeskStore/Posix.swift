#if canImport(Glibc)
import Glibc
#endif
import CDeskStore
import Foundation

/// Small wrappers over the system calls the store makes outside the `FileIO` seam (reads,
/// opens, directory listing, locks).
enum Posix {
    static func open(_ path: String, _ flags: Int32, mode: mode_t = 0) throws(StoreError) -> Int32 {
        while true {
            let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw StoreError.fromErrno("open", path) }
        }
    }

    /// The file's size. Asks for the size only: a plain fstat also reads the timestamps, and
    /// with multigrain timestamps (Linux 6.13+) that makes the next write change the inode, so
    /// that commit's fdatasync writes the inode block too (see CDeskStore/statx.c).
    static func size(_ fd: Int32, path: String) throws(StoreError) -> Int64 {
        var size: Int64 = 0
        guard opsdesk_file_size(fd, &size) == 0 else { throw StoreError.fromErrno("stat", path) }
        return size
    }

    /// Device and inode of the open file `fd`, or of `path` (nil if it cannot be looked up);
    /// without reading timestamps, as `size`.
    static func fileID(_ fd: Int32) -> FileID? {
        var id = FileID(device: 0, inode: 0)
        return opsdesk_file_id(fd, nil, &id.device, &id.inode) == 0 ? id : nil
    }

    static func fileID(_ path: String) -> FileID? {
        var id = FileID(device: 0, inode: 0)
        return opsdesk_file_id(-1, path, &id.device, &id.inode) == 0 ? id : nil
    }

    struct FileID: Equatable {
        var device: UInt64
        var inode: UInt64
    }

    /// Reads exactly `count` bytes at `offset`, or fewer if the file is shorter.
    static func read(_ fd: Int32, at offset: Int64, count: Int, path: String) throws(StoreError) -> [UInt8] {
        guard count > 0 else { return [] }
        var failure: StoreError? = nil
        let buffer = [UInt8](unsafeUninitializedCapacity: count) { b, initialized in
            do throws(StoreError) { initialized = try read(fd, at: offset, into: UnsafeMutableRawBufferPointer(b), path: path) } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return buffer
    }

    /// Fills `buffer` from `offset`; returns the bytes read (fewer if the file is shorter).
    static func read(_ fd: Int32, at offset: Int64, into buffer: UnsafeMutableRawBufferPointer, path: String) throws(StoreError) -> Int {
        var done = 0
        while done < buffer.count {
            let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset + Int64(done)))
            if n < 0 { if errno == EINTR { continue }; throw StoreError.fromErrno("read", path) }
            if n == 0 { break }
            done += n
        }
        return done
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func list(_ dir: String) throws(StoreError) -> [String] {
        guard let d = opendir(dir) else { throw StoreError.fromErrno("list", dir) }
        defer { closedir(d) }
        var names: [String] = []
        while let entry = readdir(d) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Takes the exclusive lock (blocking). Interrupted waits are resumed.
    static func lockExclusive(_ fd: Int32, path: String) throws(StoreError) {
        while opsdesk_flock(fd, LOCK_EX) != 0 {
            if errno != EINTR { throw StoreError.fromErrno("lock", path) }
        }
    }

    static func tryLockExclusive(_ fd: Int32) -> Bool { opsdesk_flock(fd, LOCK_EX | LOCK_NB) == 0 }

    /// Takes a shared lock (blocking). Interrupted waits are resumed.
    static func lockShared(_ fd: Int32, path: String) throws(StoreError) {
        while opsdesk_flock(fd, LOCK_SH) != 0 {
            if errno != EINTR { throw StoreError.fromErrno("lock", path) }
        }
    }

    static func unlock(_ fd: Int32) { _ = opsdesk_flock(fd, LOCK_UN) }

    /// fsync of a directory, so a rename or new entry in it is durable.
    static func syncDirectory(_ dir: String, io: any FileIO) throws(StoreError) {
        let fd = try open(dir, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        do { try io.fullSync(fd) } catch { throw StoreError.syncFailed(file: dir, errno: error.errno) }
    }

    /// Creates a file group-shared (0660) whatever the umask.
    static func createFile(_ path: String, exclusive: Bool = false) throws(StoreError) -> Int32 {
        let fd = try open(path, O_RDWR | O_CREAT | (exclusive ? O_EXCL : O_TRUNC), mode: 0o660)
        if fchmod(fd, 0o660) != 0 { let e = errno; close(fd); throw StoreError.fromErrno("set permissions of", path, e) }
        return fd
    }

    /// Creates a directory group-shared and setgid (2770) whatever the umask; existing is fine.
    static func makeDirectory(_ path: String) throws(StoreError) {
        if mkdir(path, 0o2770) != 0 && errno != EEXIST { throw StoreError.fromErrno("create directory", path) }
        if chmod(path, 0o2770) != 0 { throw StoreError.fromErrno("set permissions of", path) }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
