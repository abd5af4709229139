#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Running a short-lived helper (tmux) with `posix_spawn`, never Foundation's `Process` (whose
/// exit-detection descriptor a tmux server would inherit): empty signal mask, default signal
/// actions, every descriptor above 2 closed, stdout/stderr to /dev/null so nothing reaches the
/// screen, stdin fed from a socket (writes to it cannot raise SIGPIPE).
enum Spawn {
    /// Runs `arguments` (looked up in `PATH`), feeds `input` to its stdin, waits at most
    /// `timeout` seconds (then kills it); returns its exit status (128 + signal if killed).
    static func run(_ arguments: [String], environment: [String: String], input: [UInt8] = [],
                    timeout: Double = 5) -> Result<Int32, Error> {
        run(arguments, environment: environment, input: input, timeout: timeout, captureOutput: false).map(\.status)
    }

    /// As `run`, also returning what the helper wrote to stdout. Only for helpers that do not
    /// leave a daemon behind holding the descriptor (a tmux *client* command, not `new-session`).
    static func run(_ arguments: [String], environment: [String: String], input: [UInt8] = [],
                    timeout: Double = 5, captureOutput: Bool) -> Result<(status: Int32, output: [UInt8]), Error> {
        var outputs: [Int32] = [-1, -1]
        if captureOutput {
            guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &outputs) == 0 else {
                return .failure(Clipboard.CopyError.spawnFailed(errno: errno))
            }
        }
        defer { outputs.filter { $0 >= 0 }.forEach { close($0) } }
        var sockets: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &sockets) == 0 else {
            return .failure(Clipboard.CopyError.spawnFailed(errno: errno))
        }
        defer { if sockets[1] >= 0 { close(sockets[1]) } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, sockets[0], 0)
        if captureOutput {
            posix_spawn_file_actions_adddup2(&actions, outputs[1], 1)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        for fd in openDescriptors() where fd > 2 {
            posix_spawn_file_actions_addclose(&actions, fd)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGWINCH, SIGCHLD, SIGTSTP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
        close(sockets[0])
        if outputs[1] >= 0 { close(outputs[1]); outputs[1] = -1 }
        guard spawned == 0 else { return .failure(Clipboard.CopyError.spawnFailed(errno: spawned)) }

        var offset = 0
        while offset < input.count {
            let n = input[offset...].withUnsafeBytes { send(sockets[1], $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 { if errno == EINTR { continue } else { break } }
            offset += n
        }
        close(sockets[1])
        sockets[1] = -1

        var output: [UInt8] = []
        let deadline = monotonicSeconds() + timeout
        if captureOutput {
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                var pfd = pollfd(fd: outputs[0], events: Int16(POLLIN), revents: 0)
                let remaining = Int32(max(0, (deadline - monotonicSeconds()) * 1000))
                let ready = poll(&pfd, 1, remaining)
                if ready == 0 { kill(pid, SIGKILL); break }
                if ready < 0 { if errno == EINTR { continue } else { break } }
                let n = read(outputs[0], &chunk, chunk.count)
                if n > 0 { output += chunk[0..<n]; continue }
                if n < 0 && errno == EINTR { continue }
                break
            }
        }

        var status: Int32 = 0
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r < 0 && errno != EINTR { return .failure(Clipboard.CopyError.spawnFailed(errno: errno)) }
            if monotonicSeconds() > deadline {
                kill(pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                break
            }
            usleep(2_000)
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift cannot import (macros).
        let code = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return .success((code, output))
    }

    private static func openDescriptors() -> [Int32] {
        guard let dir = opendir("/proc/self/fd") else { return Array(3..<256) }
        defer { closedir(dir) }
        var fds: [Int32] = []
        let own = dirfd(dir)
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if let fd = Int32(name), fd != own { fds.append(fd) }
        }
        return fds
    }

    private static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
