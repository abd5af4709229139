import Foundation
import ITSM
import DeskStore
import Terminal

/// Draws the incident pane from its state: the queue's rule (name, filter, counts), the
/// table, the detail split and any modal. Pure: same state, same cells.
enum IncidentQueueRender {
    /// From this width the detail sits beside the table; below it, under the table.
    static let sideBySideWidth = 120

    /// Lines the table keeps when the detail sits under it.
    static func tableHeight(body: Int) -> Int { max(4, body * 2 / 5) }

    /// Where the table goes in the pane's area (the detail takes the rest).
    static func tableRect(_ pane: IncidentQueuePane, in rect: Rect) -> Rect {
        split(pane, rect).table
    }

    static func split(_ pane: IncidentQueuePane, _ rect: Rect) -> (table: Rect, detail: Rect?) {
        var tableRect = rect
        var detailRect: Rect?
        if pane.detailOpen {
            if rect.width >= sideBySideWidth {
                let dw = rect.width * 9 / 20
                tableRect = Rect(x: rect.x, y: rect.y, width: rect.width - dw, height: rect.height)
                detailRect = Rect(x: rect.maxX - dw, y: rect.y, width: dw, height: rect.height)
            } else {
                let th = min(rect.height, tableHeight(body: rect.height))
                tableRect = Rect(x: rect.x, y: rect.y, width: rect.width, height: th)
                detailRect = Rect(x: rect.x, y: rect.y + th, width: rect.width, height: rect.height - th)
            }
        }
        return (tableRect, detailRect)
    }

    static func render(_ pane: IncidentQueuePane, into canvas: inout Canvas, rect: Rect, theme: Theme, context: PaneContext) -> (x: Int, y: Int)? {
        guard rect.width > 0, rect.height > 0 else { return nil }
        let (tableRect, detailRect) = split(pane, rect)
        var cursor = drawTable(pane, rect: tableRect, theme: theme, keyMap: context.keyMap, into: &canvas)
        if let detailRect, detailRect.height > 2 {
            IncidentDetailRender.draw(pane, rect: detailRect, theme: theme, into: &canvas)
        }
        if let modal = pane.modal {
            cursor = drawModal(modal, pane: pane, area: rect, theme: theme, into: &canvas)
        }
        // On a screen too narrow for the input there is no place for the cursor.
        if let c = cursor, !rect.contains(x: c.x, y: c.y) { cursor = nil }
        return cursor
    }

    /// The rule line: `─ All open ─ /disk ───── 1,234 of 52,000 · SLA ↑ · 3 marked ─`.
    static func drawRule(_ pane: IncidentQueuePane, rect: Rect, theme: Theme, into canvas: inout Canvas) -> (x: Int, y: Int)? {
        let y = rect.y
        canvas.draw(String(repeating: "─", count: rect.width), x: rect.x, y: y, style: theme.style(.border))
        var x = rect.x + 1
        x += canvas.draw(" \(pane.queue.title) ", x: x, y: y, maxWidth: max(0, rect.width - 2), style: theme.style(.title))
        var right: [(String, ThemeRole)] = []
        let total = pane.queueRows.count
        if pane.snapshot == nil {
            right.append((" opening the desk… ", .muted))
        } else if pane.filter.isEmpty {
            right.append((" \(grouped(total)) incident\(total == 1 ? "" : "s") ", .muted))
        } else {
            right.append((" \(grouped(pane.rows.count)) of \(grouped(total)) ", .muted))
        }
        right.append((" sorted by \(pane.sort.label) ", .muted))
        if pane.busy > 0 { right.append((" saving… ", .warning)) }
        if !pane.marks.isEmpty { right.append((" \(pane.marks.count) marked ", .marked)) }
        // Keep what fits from the right end, the count first.
        let rightWidth = right.reduce(0) { $0 + TextLayout.width(of: $1.0) }
        var cursor: (x: Int, y: Int)?
        if pane.filtering || !pane.filter.isEmpty {
            canvas.draw("/", x: x, y: y, style: theme.style(.accent))
            let inputWidth = max(4, min(30, rect.maxX - x - 2 - min(rightWidth, 20)))
            let cx = pane.filter.render(into: &canvas, x: x + 1, y: y, width: inputWidth, style: theme.style(pane.filtering ? .input : .text))
            if pane.filtering { cursor = (cx, y) }
            x += 1 + inputWidth + 1
        }
        var rx = rect.maxX - 1
        for (text, role) in right.reversed() {
            let w = TextLayout.width(of: text)
            if rx - w < x { continue }
            rx -= w
            canvas.draw(text, x: rx, y: y, style: theme.style(role))
        }
        return cursor
    }

    static func drawTable(_ pane: IncidentQueuePane, rect: Rect, theme: Theme, keyMap: KeyMap, into canvas: inout Canvas) -> (x: Int, y: Int)? {
        let cursor = drawRule(pane, rect: rect, theme: theme, into: &canvas)
        guard rect.height > 1, let snapshot = pane.snapshot else { return cursor }
        let table = snapshot.table
        let idWidth = max(7, 4 + String(max(1, table.maxNumber)).count)
        let layout = ColumnLayout.make(width: rect.width, idWidth: idWidth)
        // Headings, the sort column marked.
        let header = theme.style(.columnHeader)
        canvas.fill(Rect(x: rect.x, y: rect.y + 1, width: rect.width, height: 1), style: theme.style(.text))
        for placed in layout.columns {
            var text = placed.column.heading
            if placed.column == pane.sort.column { text += pane.sort.descending ? "↓" : "↑" }
            let tw = min(TextLayout.width(of: text), placed.width)
            let x = placed.column.rightAligned ? rect.x + placed.x + placed.width - tw : rect.x + placed.x
            canvas.draw(text, x: x, y: rect.y + 1, maxWidth: placed.width, style: header)
        }
        let top = rect.y + 2
        let page = rect.maxY - top
        guard page > 0 else { return cursor }
        if pane.rows.isEmpty {
            let text = pane.filter.isEmpty ? IncidentQueuePane.emptyText(keyMap) : "No incidents match “\(pane.filter.text)” — Esc clears the filter"
            canvas.draw(text, x: rect.x + 2, y: top, maxWidth: max(0, rect.width - 2), style: theme.style(.muted))
            return cursor
        }
        let first = IncidentQueuePane.offset(selected: pane.selected, offset: pane.offset, page: page, count: pane.rows.count)
        for k in first..<min(pane.rows.count, first + page) {
            let row = table[Int(pane.rows[k])]
            IncidentRowRenderer.draw(row, layout: layout, x: rect.x, y: top + k - first, width: rect.width, selected: k == pane.selected,
                                     focused: pane.modal == nil, marked: pane.marks.contains(row.id), now: pane.now,
                                     directory: snapshot.directory, theme: theme, into: &canvas)
        }
        return cursor
    }

    // MARK: Modals

    static func drawModal(_ modal: Modal, pane: IncidentQueuePane, area: Rect, theme: Theme, into canvas: inout Canvas) -> (x: Int, y: Int)? {
        let border = theme.style(.dialogBorder), fill = theme.style(.dialog)
        switch modal {
        case let .confirm(batch):
            batch.dialog.render(into: &canvas, area: area, theme: theme)
            return nil
        case let .input(m):
            let width = min(area.width, max(40, min(72, TextLayout.width(of: m.title) + 6)))
            let rect = Box.centred(in: area, width: width, height: 5)
            let inner = Box.draw(rect, title: m.title, into: &canvas, border: border, fill: fill, titleStyle: border.bold)
            guard inner.height >= 1, inner.width > 2 else { return nil }
            let pw = canvas.draw(m.prompt, x: inner.x, y: inner.y, maxWidth: inner.width / 2, style: fill)
            let cx = m.input.render(into: &canvas, x: inner.x + pw, y: inner.y, width: max(1, inner.width - pw), style: theme.style(.input))
            if inner.height >= 3 {
                canvas.draw("Enter: ok   Ctrl-E: $EDITOR   Esc: cancel", x: inner.x, y: inner.y + 2, maxWidth: inner.width, style: theme.style(.muted).on(fill))
            }
            return (cx, inner.y)
        case let .picker(m):
            let longest = max(TextLayout.width(of: m.title) + 2, m.options.map { TextLayout.width(of: $0) + 4 }.max() ?? 0, TextLayout.width(of: m.footnote ?? "") )
            let width = min(area.width, max(36, longest + 4))
            let height = min(area.height, m.options.count + 2 + (m.footnote == nil ? 0 : 2))
            let rect = Box.centred(in: area, width: width, height: height)
            let inner = Box.draw(rect, title: m.title, into: &canvas, border: border, fill: fill, titleStyle: border.bold)
            let listHeight = max(1, inner.height - (m.footnote == nil ? 0 : 2))
            let first = IncidentQueuePane.offset(selected: m.selected, offset: 0, page: listHeight, count: m.options.count)
            for k in first..<min(m.options.count, first + listHeight) {
                let y = inner.y + k - first
                let style = k == m.selected ? theme.style(.selection) : fill
                canvas.fill(Rect(x: inner.x - 1, y: y, width: inner.width + 2, height: 1), style: style)
                let label = (k < 9 ? "\(k + 1) " : "  ") + m.options[k]
                canvas.draw(label, x: inner.x, y: y, maxWidth: inner.width, style: style)
            }
            if let note = m.footnote, inner.height >= 3 {
                canvas.draw(note, x: inner.x, y: inner.maxY - 1, maxWidth: inner.width, style: theme.style(.muted).on(fill))
            }
            return nil
        case let .form(form):
            let fields = NewIncidentForm.Field.allCases
            let width = min(area.width, 72)
            let height = min(area.height, fields.count + 5)
            let rect = Box.centred(in: area, width: width, height: height)
            let inner = Box.draw(rect, title: "New incident", into: &canvas, border: border, fill: fill, titleStyle: border.bold)
            let labelWidth = 12
            var cursor: (x: Int, y: Int)?
            for (k, field) in fields.enumerated() where k < inner.height {
                let y = inner.y + k
                let focused = field == form.focus
                canvas.draw(field.label, x: inner.x, y: y, maxWidth: labelWidth, style: focused ? theme.style(.accent).on(fill).bold : fill)
                let fx = inner.x + labelWidth, fw = max(1, inner.width - labelWidth)
                if field.isChoice {
                    canvas.draw(form.display(field), x: fx, y: y, paddedTo: fw, style: focused ? theme.style(.input) : fill)
                } else {
                    let input: TextInput = switch field {
                    case .title: form.title
                    case .caller: form.caller
                    case .ci: form.ci
                    default: form.description
                    }
                    let cx = input.render(into: &canvas, x: fx, y: y, width: fw, style: focused ? theme.style(.input) : theme.style(.input).dimmedFor(fill))
                    if focused { cursor = (cx, y) }
                }
            }
            if inner.height > fields.count + 1 {
                let p = form.priority
                let py = inner.y + fields.count + 1
                let used = canvas.draw("Priority ", x: inner.x, y: py, style: fill)
                canvas.draw(p.description, x: inner.x + used, y: py, style: theme.style(IncidentRowRenderer.priorityRole(p)).on(fill))
                canvas.draw("  from impact × urgency", x: inner.x + used + 2, y: py, maxWidth: max(0, inner.width - used - 2), style: theme.style(.muted).on(fill))
            }
            return cursor
        }
    }
}

extension Style {
    /// This style's foreground on `other`'s background (text inside a dialog).
    func on(_ other: Style) -> Style {
        var s = self
        if s.background == .default { s.background = other.background }
        return s
    }

    /// An unfocused input inside a dialog: the input's look, without reverse or bold.
    func dimmedFor(_ dialog: Style) -> Style {
        var s = self
        s.attributes.remove(.bold)
        return s
    }
}
