import Foundation

/// `y` in the console. Inside tmux the text goes to tmux's paste buffer with `set-buffer -w`,
/// which also forwards it to the outer terminal's clipboard (OSC 52) when tmux's
/// `set-clipboard` allows — so it works over SSH.
enum ClipboardCopy {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func copy(_ text: String, environment: [String: String]) -> Result<String, any Error> {
        guard let tmux = environment["TMUX"], !tmux.isEmpty else {
            return .failure(Failure(description: "no clipboard outside tmux yet (OSC 52 comes with the Terminal clipboard)"))
        }
        let argv = ["tmux", "set-buffer", "-w", "--", text]
        var pid: pid_t = 0
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // The terminal is curses'; tmux must not write to it.
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let env = environment.map { "\($0.key)=\($0.value)" }
        var cArgv: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var cEnv: [UnsafeMutablePointer<CChar>?] = env.map { strdup($0) } + [nil]
        defer { for p in cArgv + cEnv { free(p) } }
        let code = posix_spawnp(&pid, "tmux", &actions, nil, &cArgv, &cEnv)
        guard code == 0 else { return .failure(Failure(description: "cannot run tmux: \(String(cString: strerror(code)))")) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status == 0 ? .success("tmux buffer") : .failure(Failure(description: "tmux set-buffer failed (status \(status >> 8))"))
    }
}
