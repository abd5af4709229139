import Foundation
import Testing

/// Golden files under Tests/ConsoleTests/Goldens/. Set OPSDESK_RECORD_GOLDENS=1 to write them
/// from the current output; otherwise a difference fails with the differing lines.
enum Golden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Goldens")

    static var recording: Bool { ProcessInfo.processInfo.environment["OPSDESK_RECORD_GOLDENS"] == "1" }

    static func check(_ actual: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let url = directory.appendingPathComponent(name + ".golden")
        if recording {
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try? Data(actual.utf8).write(to: url)
            return
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            Issue.record("No golden \(url.path); run with OPSDESK_RECORD_GOLDENS=1 to create it", sourceLocation: sourceLocation)
            return
        }
        let expected = String(decoding: data, as: UTF8.self)
        guard expected != actual else { return }
        let report = "Screen differs from \(name).golden (OPSDESK_RECORD_GOLDENS=1 rewrites it):\n\(diff(expected, actual))"
        Issue.record(Comment(rawValue: report), sourceLocation: sourceLocation)
    }

    /// The lines that differ, numbered, expected (-) above actual (+).
    static func diff(_ expected: String, _ actual: String) -> String {
        let e = expected.components(separatedBy: "\n"), a = actual.components(separatedBy: "\n")
        var out: [String] = []
        for i in 0..<max(e.count, a.count) {
            let l = i < e.count ? e[i] : "<missing>", r = i < a.count ? a[i] : "<missing>"
            if l != r { out.append("line \(i + 1)\n  - \(l)\n  + \(r)") }
            if out.count >= 20 { out.append("…"); break }
        }
        return out.joined(separator: "\n")
    }
}
