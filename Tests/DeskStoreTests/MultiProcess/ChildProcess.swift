import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

// glibc has these, but only under _GNU_SOURCE, which Swift's Glibc module does not see.
@_silgen_name("posix_spawn_file_actions_addclosefrom_np")
private func spawnActionsAddCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>,
                                      _ from: Int32) -> Int32
@_silgen_name("pipe2")
private func makePipe(_ fds: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32

/// A real child process started with `posix_spawn`, its stdout on a pipe the test reads line by
/// line and its stderr in a file (shown when something fails).
///
/// Not Foundation's `Process`: the children must start with an empty signal mask, default signal
/// dispositions and no inherited descriptors above 2 (test-runner threads block signals and hold
/// pipes that would otherwise leak into every child; see TERMINAL-NOTES.md).
final class ChildProcess {
    let pid: pid_t
    let name: String
    let stderrPath: String
    /// The read end of the child's stdout; -1 once it reached end of file.
    private(set) var stdoutFD: Int32
    private var pending: [UInt8] = []
    private var lines: [String] = []
    private(set) var waitStatus: Int32?

    /// `environment` adds to (or overrides) this process's environment.
    init(executable: String, arguments: [String], name: String, stderrPath: String,
         environment: [String: String] = [:]) throws {
        var fds: [Int32] = [-1, -1]
        guard makePipe(&fds, O_CLOEXEC) == 0 else { throw SpawnError.system("pipe2", errno) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
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
        var child: pid_t = 0
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        let envp: [UnsafeMutablePointer<CChar>?] = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        let rc = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        close(fds[1])
        guard rc == 0 else {
            close(fds[0])
            throw SpawnError.system("posix_spawn \(executable)", rc)
        }
        self.pid = child
        self.name = name
        self.stderrPath = stderrPath
        self.stdoutFD = fds[0]
    }

    deinit {
        if waitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        if stdoutFD >= 0 { close(stdoutFD) }
    }

    /// Whether the child's stdout reached end of file (it exited or was killed).
    var reachedEOF: Bool { stdoutFD < 0 }

    /// Takes the whole lines read so far.
    func takeLines() -> [String] {
        defer { lines.removeAll() }
        return lines
    }

    /// Reads what is available without blocking; returns false at end of file.
    @discardableResult
    func drain() -> Bool {
        guard stdoutFD >= 0 else { return false }
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            var pfd = pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 0) > 0 else { return true }
            let n = chunk.withUnsafeMutableBytes { read(stdoutFD, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                close(stdoutFD)
                stdoutFD = -1
                if !pending.isEmpty { lines.append(String(decoding: pending, as: UTF8.self)) }
                pending.removeAll()
                return false
            }
            pending.append(contentsOf: chunk[0..<n])
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                lines.append(String(decoding: pending[..<newline], as: UTF8.self))
                pending.removeSubrange(...newline)
            }
        }
    }

    func signal(_ sig: Int32) { kill(pid, sig) }

    /// Waits for the child to exit; returns its wait status.
    @discardableResult
    func wait() -> Int32 {
        if let waitStatus { return waitStatus }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        waitStatus = status
        return status
    }

    /// The child's stderr so far (for failure messages).
    var stderrText: String {
        (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
    }

    /// "exit 0", "exit 3", "signal 9".
    var terminationDescription: String {
        guard let s = waitStatus else { return "running" }
        if s & 0x7f == 0 { return "exit \((s >> 8) & 0xff)" }
        return "signal \(s & 0x7f)"
    }

    var exitedCleanly: Bool { waitStatus.map { $0 & 0x7f == 0 && ($0 >> 8) & 0xff == 0 } ?? false }
    var wasKilled: Bool { waitStatus.map { $0 & 0x7f == SIGKILL } ?? false }
}

enum SpawnError: Error, CustomStringConvertible {
    case system(String, Int32)
    case timeout(String)
    var description: String {
        switch self {
        case .system(let what, let code): return "\(what): \(String(cString: strerror(code)))"
        case .timeout(let what): return "timed out: \(what)"
        }
    }
}

/// Waits up to `milliseconds` for output from any of `children`, then drains all of them.
func pollChildren(_ children: [ChildProcess], milliseconds: Int32) {
    var pfds = children.filter { !$0.reachedEOF }.map { pollfd(fd: $0.stdoutFD, events: Int16(POLLIN), revents: 0) }
    if !pfds.isEmpty { _ = poll(&pfds, nfds_t(pfds.count), milliseconds) }
    for child in children { child.drain() }
}

/// Monotonic milliseconds.
func monotonicMilliseconds() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
}

/// Runs a program to its end (at most `timeoutSeconds`); returns its exit status, stdout and stderr.
func runToEnd(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
              scratch: String, timeoutSeconds: Int64 = 30) throws -> (status: Int32, stdout: String, stderr: String) {
    let stderrPath = scratch + "/run-\(UInt32.random(in: 0...UInt32.max)).stderr"
    defer { unlink(stderrPath) }
    let child = try ChildProcess(executable: executable, arguments: arguments, name: (executable as NSString).lastPathComponent,
                                 stderrPath: stderrPath, environment: environment)
    var lines: [String] = []
    let deadline = monotonicMilliseconds() + timeoutSeconds * 1000
    while !child.reachedEOF {
        pollChildren([child], milliseconds: 50)
        lines += child.takeLines()
        if monotonicMilliseconds() > deadline {
            child.signal(SIGKILL)
            child.wait()
            throw SpawnError.timeout("\(executable) \(arguments.joined(separator: " "))")
        }
    }
    lines += child.takeLines()
    let status = child.wait()
    let code: Int32 = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return (code, lines.joined(separator: "\n"), child.stderrText)
}

/// The `store-torture` executable built beside this test bundle.
func tortureExecutable() throws -> String { try builtExecutable("store-torture") }

/// An executable of this package built beside this test bundle (`swift test` builds them all).
func builtExecutable(_ name: String) throws -> String {
    var candidates: [String] = []
    if name == "store-torture", let explicit = ProcessInfo.processInfo.environment["STORE_TORTURE"] { candidates.append(explicit) }
    if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
        // …/.build/<triple>/debug/OpsDeskPackageTests.xctest (or a binary inside a bundle folder).
        var dir = (exe as NSString).deletingLastPathComponent
        for _ in 0..<4 {
            candidates.append(dir + "/" + name)
            dir = (dir as NSString).deletingLastPathComponent
        }
    }
    let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    candidates.append(packageRoot + "/.build/debug/" + name)
    for path in candidates where access(path, X_OK) == 0 { return path }
    throw SpawnError.system("\(name) not found (looked at \(candidates.joined(separator: ", ")))", ENOENT)
}

/// A fresh directory under the system temp dir, removed by `remove()`.
struct ScratchDirectory {
    let path: String
    init(_ label: String) throws {
        var template = Array((NSTemporaryDirectory() as NSString).appendingPathComponent("opsdesk-\(label)-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw SpawnError.system("mkdtemp", errno) }
        path = String(cString: made)
    }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// SplitMix64: a small seeded generator so every run of a test makes the same choices.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Polls until every child has said it is ready (`isReady`, fed by `absorb` reading their
/// lines). Records an issue and returns false when one dies first or 15 s pass.
func awaitReady(_ children: [ChildProcess], round: Int, absorb: () -> Void, isReady: () -> Bool) -> Bool {
    let deadline = monotonicMilliseconds() + 15_000
    while !isReady() {
        pollChildren(children, milliseconds: 50)
        absorb()
        if let dead = children.first(where: { $0.reachedEOF }) {
            dead.wait()
            Issue.record("round \(round): \(dead.name) ended before it was ready (\(dead.terminationDescription)): \(dead.stderrText)")
            return false
        }
        guard monotonicMilliseconds() < deadline else {
            Issue.record("round \(round): processes not ready within 15 s")
            return false
        }
    }
    return true
}

/// Kills each child with SIGKILL at its own random moment `killWindow` milliseconds from now,
/// reading their lines (`absorb`) all along. Records an issue and returns false when children
/// still run 10 s after that.
func killAtRandomMoments<G: RandomNumberGenerator>(_ children: [ChildProcess], within killWindow: ClosedRange<Int64>,
                                                   using rng: inout G, round: Int, pollMilliseconds: Int32,
                                                   absorb: () -> Void) -> Bool {
    let start = monotonicMilliseconds()
    var killAt = children.map { _ in start + Int64.random(in: killWindow, using: &rng) }
    while children.contains(where: { !$0.reachedEOF }) {
        pollChildren(children, milliseconds: pollMilliseconds)
        absorb()
        let now = monotonicMilliseconds()
        for (index, child) in children.enumerated() where child.waitStatus == nil && now >= killAt[index] {
            child.signal(SIGKILL)
            child.wait()
            killAt[index] = .max
        }
        if now > start + 10_000 {
            Issue.record("round \(round): children still running 10 s after their kill time")
            return false
        }
    }
    return true
}
