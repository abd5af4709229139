import Foundation
#if canImport(Glibc)
import Glibc
#endif

// glibc has these, but only under _GNU_SOURCE, which Swift's Glibc module does not see.
@_silgen_name("posix_spawn_file_actions_addclosefrom_np")
private func spawnActionsAddCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>,
                                      _ from: Int32) -> Int32
@_silgen_name("pipe2")
private func makePipe(_ fds: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32

/// This very program, started again as a child with `posix_spawn` (empty signal mask, default
/// signals, no inherited descriptors above 2), its stdout read whole when it exits.
struct BenchChild {
    let pid: pid_t
    let stdoutFD: Int32

    static func start(_ arguments: [String]) throws -> BenchChild {
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        var fds: [Int32] = [-1, -1]
        guard makePipe(&fds, O_CLOEXEC) == 0 else { throw BenchError("pipe2 failed: \(String(cString: strerror(errno)))") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        _ = spawnActionsAddCloseFrom(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        close(fds[1])
        guard rc == 0 else {
            close(fds[0])
            throw BenchError("posix_spawn failed: \(String(cString: strerror(rc)))")
        }
        return BenchChild(pid: pid, stdoutFD: fds[0])
    }

    /// Reads the child's stdout to its end, waits for it, and returns the output; throws if the
    /// child failed.
    func finish() throws -> String {
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(stdoutFD, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            output.append(contentsOf: chunk[0..<n])
        }
        close(stdoutFD)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = String(decoding: output, as: UTF8.self)
        guard status == 0 else { throw BenchError("child \(pid) failed (wait status \(status)): \(text)") }
        return text
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Wall-clock nanoseconds (shared by parent and children, so they can agree on a start time).
func realtimeNanoseconds() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
}

func monotonicNanoseconds() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
}

func sleepUntilRealtime(_ nanoseconds: Int64) {
    let now = realtimeNanoseconds()
    if nanoseconds > now { usleep(UInt32((nanoseconds - now) / 1000)) }
}

/// Runs `count` copies of a timed child concurrently, all starting at one moment; each prints
/// the number of operations it completed; returns the total per second. Children get ids from
/// `firstID` on (an id is a range of record numbers: runs into one database need new ones).
func runTimedChildren(count: Int, arguments: [String], seconds: Double, firstID: Int = 0) throws -> Double {
    let startAt = realtimeNanoseconds() + 400_000_000
    var children: [BenchChild] = []
    for id in firstID..<(firstID + count) {
        children.append(try BenchChild.start(arguments + ["--id", String(id), "--start-at", String(startAt),
                                                          "--seconds", String(seconds)]))
    }
    var total = 0
    for child in children {
        let text = try child.finish()
        guard let n = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw BenchError("unexpected child output: \(text)")
        }
        total += n
    }
    return Double(total) / seconds
}

/// The loop every timed child runs: waits for the common start, then calls `operation` until
/// the time is up; prints the count.
func timedChildLoop(startAt: Int64, seconds: Double, _ operation: (Int) throws -> Void) rethrows {
    sleepUntilRealtime(startAt)
    let end = startAt + Int64(seconds * 1e9)
    var n = 0
    while realtimeNanoseconds() < end {
        try operation(n)
        n += 1
    }
    print(n)
}
