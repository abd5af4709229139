import Testing
@testable import Terminal
#if canImport(Glibc)
import Glibc
#endif

@Suite struct ClipboardTests {
    @Test func insideTmuxTheTmuxBufferIsUsed() {
        #expect(Clipboard.method(environment: ["TMUX": "/tmp/tmux-0/default,123,0"]) == .tmuxBuffer)
        #expect(Clipboard.method(environment: ["TMUX": ""]) == .osc52(screenPassthrough: false))
        #expect(Clipboard.method(environment: [:]) == .osc52(screenPassthrough: false))
        #expect(Clipboard.method(environment: ["STY": "1234.pts-0.host"]) == .osc52(screenPassthrough: true))
    }

    @Test func base64MatchesRFC4648Vectors() {
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors {
            #expect(String(decoding: Clipboard.base64(Array(plain.utf8)), as: UTF8.self) == encoded)
        }
    }

    @Test func osc52CarriesTheTextOnlyAsBase64() {
        let hostile = "INC-1\u{1B}]0;pwned\u{07}\u{1B}[2J"
        let sequence = String(decoding: Clipboard.osc52(Array(hostile.utf8), screenPassthrough: false), as: UTF8.self)
        #expect(sequence.hasPrefix("\u{1B}]52;c;"))
        #expect(sequence.hasSuffix("\u{07}"))
        let body = sequence.dropFirst(7).dropLast()
        #expect(body.allSatisfy { $0.isLetter || $0.isNumber || $0 == "+" || $0 == "/" || $0 == "=" })
    }

    @Test func screenGetsTheSequenceInsideADCS() {
        let sequence = String(decoding: Clipboard.osc52(Array("x".utf8), screenPassthrough: true), as: UTF8.self)
        #expect(sequence == "\u{1B}P\u{1B}]52;c;eA==\u{07}\u{1B}\\")
    }

    @Test func spawnReportsTheExitStatus() throws {
        let env = ["PATH": "/usr/bin:/bin"]
        #expect(try Spawn.run(["sh", "-c", "exit 3"], environment: env).get() == 3)
        #expect(try Spawn.run(["sh", "-c", "test \"$(cat)\" = hello"], environment: env, input: Array("hello".utf8)).get() == 0)
        #expect(try Spawn.run(["sh", "-c", "kill -TERM $$"], environment: env).get() == 128 + SIGTERM)
    }

    @Test func aHungHelperIsKilledAtTheDeadline() throws {
        let status = try Spawn.run(["sleep", "5"], environment: ["PATH": "/usr/bin:/bin"], timeout: 0.2).get()
        #expect(status == 128 + SIGKILL)
    }

    /// The real thing: a private tmux server, the text loaded into its buffer.
    @Test func copiesIntoTheTmuxBuffer() throws {
        guard access("/usr/bin/tmux", X_OK) == 0 else { return }
        let dir = "/tmp/opsdesk-clip-\(getpid())"
        mkdir(dir, 0o700)
        let socket = dir + "/sock"
        let env = ["PATH": "/usr/bin:/bin", "TMUX": "\(socket),0,0"]
        let plain = ["PATH": "/usr/bin:/bin"]
        defer {
            _ = Spawn.run(["tmux", "-S", socket, "kill-server"], environment: plain)
            unlink(socket)
            rmdir(dir)
        }
        #expect(try Spawn.run(["tmux", "-S", socket, "-f", "/dev/null", "new-session", "-d", "-x", "20", "-y", "5", "sleep 30"], environment: plain).get() == 0)
        let text = "INC-0042 漢字"
        let result = Clipboard.copy(text, environment: env)
        #expect((try? result.get()) == "copied to the tmux buffer")
        // Read it back through a shell, comparing inside the child so no pipe is needed.
        let check = try Spawn.run(["sh", "-c", "test \"$(tmux -S \(socket) show-buffer)\" = '\(text)'"], environment: plain).get()
        #expect(check == 0)
    }
}
