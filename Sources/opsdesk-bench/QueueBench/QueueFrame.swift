import DeskStore
import Foundation
import ITSM

/// One frame of the "All open" queue as the console draws it: a header, the column titles,
/// one line per visible row (ID, priority, state, SLA remaining in business time, assignee,
/// group, CI or service, age, title), the count in the footer, laid into a width × height grid.
/// Used only for the refilter over every title: no saved queue shows all incidents, so the real
/// pane (`PaneFrame`) cannot be put on that scope; the other measures draw the real pane.
struct QueueFrame {
    let width: Int
    let height: Int
    var cells: [Character]

    init(width: Int = 132, height: Int = 40) {
        self.width = width
        self.height = height
        cells = Array(repeating: " ", count: width * height)
    }

    mutating func put(_ text: String, row: Int, column: Int = 0) {
        guard row < height else { return }
        var c = column
        for ch in text {
            guard c < width else { break }
            cells[row * width + c] = ch.isASCII || ch.unicodeScalars.allSatisfy({ $0.value >= 0x20 }) ? ch : "?"
            c += 1
        }
    }

    /// Renders `rows` (already the frame's rows, in order) with `count` and `total` in the footer.
    static func render(_ snapshot: DeskSnapshot, rows: [Int32], count: Int, title: String, now: Date,
                       width: Int = 132, height: Int = 40) -> QueueFrame {
        var f = QueueFrame(width: width, height: height)
        let t = snapshot.incidents
        f.put(" OpsDesk · \(title)", row: 0)
        let header = pad("ID", 10) + pad("P", 3) + pad("STATE", 12) + pad("SLA", 10) + pad("ASSIGNEE", 10) + pad("GROUP", 18)
            + pad("CI/SERVICE", 18) + pad("AGE", 6) + "TITLE"
        f.put(header, row: 1)
        let visible = height - 3
        for (k, i) in rows.prefix(visible).enumerated() {
            let r = t[Int(i)]
            let line = pad(r.id.description, 10) + pad("P\(r.priority.rawValue)", 3) + pad(r.state.description, 12)
                + pad(sla(r, now: now, directory: snapshot.directory), 10) + pad(r.assignee ?? "—", 10) + pad(r.group ?? "—", 18)
                + pad(r.ci ?? r.service ?? "—", 18) + pad(age(now.timeIntervalSince(r.openedAt)), 6) + r.title
            f.put(line, row: 2 + k)
        }
        f.put(" \(count.formatted()) of \(t.count.formatted())", row: height - 1)
        return f
    }

    static func pad(_ s: String, _ n: Int) -> String {
        s.count >= n ? String(s.prefix(n - 1)) + " " : s + String(repeating: " ", count: n - s.count)
    }

    static func sla(_ r: IncidentRow, now: Date, directory: Directory) -> String {
        guard let c = r.resolution else { return "—" }
        let stage = c.stage(at: now)
        if stage == .achieved { return "met" }
        guard let cal = directory.calendars[c.calendar] else { return stage.description }
        let left = c.remaining(at: now, in: cal)
        let s = Int(abs(left)), sign = left < 0 ? "-" : ""
        let text = s >= 86_400 ? "\(sign)\(s / 86_400)d\((s % 86_400) / 3600)h" : "\(sign)\(s / 3600)h\((s % 3600) / 60)m"
        return stage == .paused ? "‖" + text : text
    }

    static func age(_ seconds: TimeInterval) -> String {
        let s = Int(max(seconds, 0))
        if s >= 86_400 { return "\(s / 86_400)d" }
        if s >= 3600 { return "\(s / 3600)h" }
        return "\(s / 60)m"
    }

    /// A value that depends on every cell (so the render is not optimised away).
    var checksum: Int { cells.reduce(0) { ($0 &* 31) &+ $1.hashValue & 0xFFFF } }
}
