import Foundation
import ITSM
import DeskStore
import Terminal

/// The detail split: the selected incident in full — caller, service and CI, SLA clocks with
/// due times, problem, parent and children, suggested known errors, the description, then a
/// tab of work notes, customer replies, history or links.
enum IncidentDetailRender {
    struct Line {
        var text: String
        var role: ThemeRole
        init(_ text: String, _ role: ThemeRole = .text) {
            self.text = text
            self.role = role
        }
    }

    static func draw(_ pane: IncidentQueuePane, rect: Rect, theme: Theme, into canvas: inout Canvas) {
        guard let row = pane.selectedRow else {
            let inner = Box.draw(rect, title: "Detail", into: &canvas, border: theme.style(.border), fill: theme.style(.text), titleStyle: theme.style(.title))
            if inner.height > 0 { canvas.draw("Nothing selected.", x: inner.x, y: inner.y, maxWidth: inner.width, style: theme.style(.muted)) }
            return
        }
        let title = "\(row.id) · \(row.priority) · \(row.state)" + (row.holdReason.map { " (\($0))" } ?? "")
        let inner = Box.draw(rect, title: title, into: &canvas, border: theme.style(.border), fill: theme.style(.text), titleStyle: theme.style(.title))
        guard inner.width > 4, inner.height > 0 else { return }
        let directory = pane.snapshot?.directory ?? Directory()
        let detail = pane.detail?.incident.id == row.id ? pane.detail : nil
        var head = lines(row: row, detail: detail, now: pane.now, directory: directory, width: inner.width).flatMap { line in
            wrap(line.text, width: inner.width).map { Line($0, line.role) }
        }
        // The tab bar and its content take what the head leaves, at least four lines.
        let allTabLines = tabContent(pane.detailTab, row: row, detail: detail, loading: pane.loadingDetail == row.id, width: inner.width, directory: directory)
        let tabLines = Array(allTabLines.dropFirst(min(pane.detailOffset, max(0, allTabLines.count - 1))))
        let headRoom = max(1, inner.height - min(max(4, tabLines.count + 1), inner.height / 2))
        if head.count > headRoom { head = Array(head.prefix(headRoom)) }
        var y = inner.y
        for line in head where y < inner.maxY {
            canvas.draw(line.text, x: inner.x, y: y, maxWidth: inner.width, style: theme.style(line.role))
            y += 1
        }
        guard y < inner.maxY else { return }
        // Tabs.
        var x = inner.x
        for tab in IncidentQueuePane.DetailTab.allCases {
            let count: String = switch tab {
            case .notes: detail.map { " (\($0.incident.workNotes.count))" } ?? ""
            case .replies: detail.map { " (\($0.incident.customerReplies.count))" } ?? ""
            case .history: detail.map { " (\($0.history.count))" } ?? ""
            case .links: ""
            }
            let label = " \(tab.title)\(count) "
            let style = tab == pane.detailTab ? theme.style(.selection) : theme.style(.muted)
            if x + TextLayout.width(of: label) > inner.maxX { break }
            x += canvas.draw(label, x: x, y: y, style: style) + 1
        }
        y += 1
        for line in tabLines where y < inner.maxY {
            canvas.draw(line.text, x: inner.x, y: y, maxWidth: inner.width, style: theme.style(line.role))
            y += 1
        }
    }

    static func lines(row: IncidentRow, detail: IncidentDetail?, now: Date, directory: Directory, width: Int) -> [Line] {
        var out: [Line] = []
        let major: String = switch row.majorIncident {
        case .accepted: "MAJOR INCIDENT · "
        case .proposed: "Proposed as major · "
        default: ""
        }
        out.append(Line(major + row.title, row.majorIncident == .accepted ? .priorityP1 : .title))
        var who = [String]()
        if let d = detail { who.append("Caller \(d.incident.caller)") }
        who.append("Service \(row.service ?? "-")")
        who.append("CI \(row.ci ?? "-")")
        out.append(Line(who.joined(separator: " · ")))
        out.append(Line("Group \(row.group ?? "-") · Assignee \(row.assignee ?? "nobody") · Impact \(row.impact) · Urgency \(row.urgency)"))
        for (name, clock) in [("Resolution", row.resolution), ("Response", row.response)] {
            guard let clock else { continue }
            let calendar = directory.calendars[clock.calendar]
            let cell = SLACell.make(clock, now: now, calendar: calendar)
            var text = "\(name) SLA: "
            switch cell.text {
            case "paused": text += "paused"
            case "met": text += "met"
            case "missed": text += "missed"
            case "-": text += "cancelled"
            default: text += cell.text.hasPrefix("-") ? "breached \(cell.text.dropFirst()) ago" : "\(cell.text) left"
            }
            if let due = clock.due, clock.isRunning { text += " · due " + dueText(due, zone: calendar?.timeZone) }
            text += " (\(clock.definition))"
            out.append(Line(text, cell.role == .muted ? .muted : cell.role))
        }
        if row.resolution == nil && row.response == nil { out.append(Line("No SLA applies", .muted)) }
        var links: [String] = []
        if let p = row.problem { links.append("Problem \(p)" + (detail?.problemTitle.map { " \($0)" } ?? "")) }
        if let parent = row.parent { links.append("Child of \(parent)") }
        if row.childCount > 0 { links.append("\(row.childCount) child\(row.childCount == 1 ? "" : "ren")") }
        if !links.isEmpty { out.append(Line(links.joined(separator: " · "), .accent)) }
        if let d = detail, let first = d.suggestions.first {
            out.append(Line("Known error \(first.id): \(first.title)" + (first.workaround.isEmpty ? "" : " — workaround: \(first.workaround)"), .warning))
        }
        if let d = detail, !d.incident.description.isEmpty {
            for line in wrap(d.incident.description, width: width).prefix(4) { out.append(Line(line, .text)) }
        }
        return out
    }

    static func tabContent(_ tab: IncidentQueuePane.DetailTab, row: IncidentRow, detail: IncidentDetail?, loading: Bool, width: Int, directory: Directory) -> [Line] {
        guard let d = detail else { return [Line(loading ? "Loading \(row.id)…" : "Press Enter to load the detail.", .muted)] }
        let zone = row.resolution.flatMap { directory.calendars[$0.calendar]?.timeZone }
        switch tab {
        case .notes, .replies:
            let notes = tab == .notes ? d.incident.workNotes : d.incident.customerReplies
            if notes.isEmpty { return [Line(tab == .notes ? "No work notes yet — press w to add one" : "No replies to the caller yet — press r to reply", .muted)] }
            var out: [Line] = []
            for note in notes.reversed() {
                out.append(Line("\(shortTime(note.at, zone: zone)) \(note.author)", .accent))
                for l in wrap(note.text, width: width - 2) { out.append(Line("  " + l)) }
            }
            return out
        case .history:
            if d.history.isEmpty { return [Line("No history.", .muted)] }
            return d.history.reversed().map { Line("\(shortTime($0.at, zone: zone)) \($0.actor): \($0.text)") }
        case .links:
            var out: [Line] = []
            if let p = d.incident.problem { out.append(Line("Problem \(p)" + (d.problemTitle.map { ": \($0)" } ?? ""))) }
            if let parent = d.incident.parent { out.append(Line("Parent \(parent)")) }
            for c in d.children { out.append(Line("Child \(c.id) · \(c.state) · \(c.title)")) }
            for s in d.suggestions { out.append(Line("Known error \(s.id): \(s.title)" + (s.workaround.isEmpty ? "" : " — \(s.workaround)"), .warning)) }
            return out.isEmpty ? [Line("No problem, parent, children or known errors.", .muted)] : out
        }
    }

    static func dueText(_ date: Date, zone: TimeZone?) -> String { format(date, "EEE d MMM HH:mm", zone: zone) }
    static func shortTime(_ date: Date, zone: TimeZone?) -> String { format(date, "d MMM HH:mm", zone: zone) }

    static func format(_ date: Date, _ pattern: String, zone: TimeZone?) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = zone ?? BusinessCalendar.utc
        f.dateFormat = pattern
        return f.string(from: date)
    }

    static func wrap(_ text: String, width: Int) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).flatMap { ConfirmDialog.wrap(String($0), width: max(10, width)) }
    }
}
