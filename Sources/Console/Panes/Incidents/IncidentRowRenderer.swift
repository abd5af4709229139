import Foundation
import ITSM
import DeskStore
import Terminal

/// The one renderer of an incident row: the text and role of each queue column.
enum IncidentRowRenderer {
    struct Cell {
        var text: String
        var role: ThemeRole
    }

    static func cell(_ column: QueueColumn, of row: IncidentRow, width: Int, now: Date, directory: Directory) -> Cell {
        switch column {
        case .id: return Cell(text: row.id.description, role: .text)
        case .priority: return Cell(text: row.priority.description, role: priorityRole(row.priority))
        case .state:
            let text = width >= 11 ? row.state.description : shortState(row.state)
            return Cell(text: text, role: stateRole(row.state))
        case .sla:
            let calendar = row.resolution.flatMap { directory.calendars[$0.calendar] }
            let sla = SLACell.make(row.resolution, now: now, calendar: calendar)
            return Cell(text: sla.text, role: sla.role)
        case .assignee: return row.assignee.map { Cell(text: $0, role: .text) } ?? Cell(text: "-", role: .muted)
        case .group: return row.group.map { Cell(text: $0, role: .text) } ?? Cell(text: "-", role: .muted)
        case .ci: return (row.ci ?? row.service).map { Cell(text: $0, role: .text) } ?? Cell(text: "-", role: .muted)
        case .age: return Cell(text: SLACell.age(now.timeIntervalSince(row.openedAt)), role: .muted)
        case .title:
            switch row.majorIncident {
            case .accepted: return Cell(text: "[MAJOR] " + row.title, role: .text)
            case .proposed: return Cell(text: "[major?] " + row.title, role: .text)
            default: return Cell(text: row.title, role: .text)
            }
        }
    }

    /// Draws `row` on line `y` of a table whose columns start at `x`.
    static func draw(_ row: IncidentRow, layout: ColumnLayout, x: Int, y: Int, width: Int, selected: Bool, focused: Bool,
                     marked: Bool, now: Date, directory: Directory, theme: Theme, into canvas: inout Canvas) {
        let base = selected ? theme.style(focused ? .selection : .selectionInactive) : theme.style(.text)
        canvas.fill(Rect(x: x, y: y, width: width, height: 1), style: base)
        if marked { canvas.draw("*", x: x, y: y, style: selected ? base : theme.style(.marked)) }
        for placed in layout.columns {
            let cell = cell(placed.column, of: row, width: placed.width, now: now, directory: directory)
            var style = selected ? base : theme.style(cell.role)
            if marked, !selected, placed.column == .id { style = theme.style(.marked) }
            if placed.column == .title, row.majorIncident == .accepted || row.majorIncident == .proposed, !selected {
                let tag = row.majorIncident == .accepted ? "[MAJOR] " : "[major?] "
                let used = canvas.draw(tag, x: x + placed.x, y: y, maxWidth: placed.width, style: theme.style(.priorityP1))
                canvas.draw(row.title, x: x + placed.x + used, y: y, maxWidth: max(0, placed.width - used), style: style)
                continue
            }
            let tw = min(TextLayout.width(of: cell.text), placed.width)
            let cx = placed.column.rightAligned ? x + placed.x + placed.width - tw : x + placed.x
            canvas.draw(cell.text, x: cx, y: y, maxWidth: placed.width, style: style)
        }
    }

    static func priorityRole(_ p: Priority) -> ThemeRole {
        switch p {
        case .p1: .priorityP1
        case .p2: .priorityP2
        case .p3: .priorityP3
        case .p4: .priorityP4
        case .p5: .priorityP5
        }
    }

    static func stateRole(_ s: IncidentState) -> ThemeRole {
        switch s {
        case .new: .stateNew
        case .assigned, .inProgress: .stateActive
        case .onHold: .stateOnHold
        case .resolved: .stateResolved
        case .closed, .cancelled: .stateClosed
        }
    }

    static func shortState(_ s: IncidentState) -> String {
        switch s {
        case .inProgress: "In Prog."
        case .cancelled: "Cancel'd"
        default: s.description
        }
    }
}

/// `1,234,567`.
func grouped(_ n: Int) -> String {
    let digits = String(abs(n))
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return (n < 0 ? "-" : "") + out
}
