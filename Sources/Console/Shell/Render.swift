import Terminal

/// Draws the whole console from state: header, the current pane, message or command line,
/// footer, then overlays. Pure: the same state always gives the same frame.
public enum Render {
    public static func frame(_ state: AppState) -> (canvas: Canvas, cursor: (x: Int, y: Int)?) {
        var canvas = Canvas(size: state.size, fill: Cell(text: " ", width: 1, style: state.theme.style(.text)))
        let cursor = draw(state, into: &canvas)
        return (canvas, cursor)
    }

    static func draw(_ state: AppState, into canvas: inout Canvas) -> (x: Int, y: Int)? {
        let theme = state.theme
        let w = state.size.width, h = state.size.height
        guard w > 0, h > 0 else { return nil }
        header(state, into: &canvas)
        guard h >= 3 else { return nil }
        footer(state, y: h - 1, into: &canvas)
        let body = Rect(x: 0, y: 1, width: w, height: h - 3)
        var cursor = state.pane.render(into: &canvas, rect: body, theme: theme, context: state.context)
        let lineY = h - 2
        canvas.fill(Rect(x: 0, y: lineY, width: w, height: 1), style: theme.style(.text))
        if state.commandActive {
            canvas.draw(":", x: 0, y: lineY, style: theme.style(.accent))
            let cx = state.commandLine.input.render(into: &canvas, x: 1, y: lineY, width: w - 1, style: theme.style(.input))
            cursor = (cx, lineY)
            completions(state.commandLine, y: lineY - 1, width: w, into: &canvas, theme: theme)
        } else if let message = state.message {
            message.render(into: &canvas, y: lineY, width: w, theme: theme)
        }
        if let help = state.help, body.height > 0 {
            cursor = help.render(into: &canvas, area: body, theme: theme, keyMap: state.keyMap, scopes: state.scopes)
        }
        if let confirm = state.confirm {
            confirm.render(into: &canvas, area: body, theme: theme)
            cursor = nil
        }
        return cursor
    }

    /// ` OpsDesk · About   /path/to/store   alice  09:41 `: the store path gives way first,
    /// cut from the left so its end (the folder name) stays visible.
    static func header(_ state: AppState, into canvas: inout Canvas) {
        let w = state.size.width
        let style = state.theme.style(.header)
        canvas.fill(Rect(x: 0, y: 0, width: w, height: 1), style: style)
        let left = " OpsDesk · \(state.pane.title)"
        let right = "\(state.info.user)  \(state.clock) "
        let leftWidth = TextLayout.width(of: left), rightWidth = TextLayout.width(of: right)
        if leftWidth + rightWidth + 1 > w {
            // Too narrow for both: the view name wins, then the clock.
            canvas.draw(left, x: 0, y: 0, maxWidth: w, style: style.bold)
            return
        }
        canvas.draw(left, x: 0, y: 0, style: style.bold)
        canvas.draw(right, x: w - rightWidth, y: 0, style: style)
        let room = w - leftWidth - rightWidth - 6
        if room >= 8 {
            let path = clipLeft(state.info.store.path, toWidth: room)
            let x = leftWidth + 3 + (room - TextLayout.width(of: path)) / 2
            canvas.draw(path, x: x, y: 0, maxWidth: room, style: style)
        }
    }

    /// `text` cut from the left with `…` to fit `width` columns.
    static func clipLeft(_ text: String, toWidth width: Int) -> String {
        let glyphs = TextLayout.glyphs(text)
        var used = glyphs.reduce(0) { $0 + $1.width }
        if used <= width { return text }
        var kept: [Glyph] = []
        used = 1
        for glyph in glyphs.reversed() {
            if used + glyph.width > width { break }
            kept.insert(glyph, at: 0)
            used += glyph.width
        }
        return "…" + kept.map(\.text).joined()
    }

    /// Key hints for what works here; those that do not fit are left out, except help and quit.
    static func footer(_ state: AppState, y: Int, into canvas: inout Canvas) {
        let w = state.size.width
        let theme = state.theme
        canvas.fill(Rect(x: 0, y: y, width: w, height: 1), style: theme.style(.footer))
        let hints: [(key: String, label: String)]
        if state.confirm != nil {
            hints = [("y", "yes"), ("n", "no")]
        } else if state.commandActive {
            hints = [("Enter", "run"), ("Tab", "complete"), ("Up", "history"), ("Esc", "cancel")]
        } else if state.help != nil {
            hints = [("type", "filter"), ("Up/Down", "scroll"), ("Esc", "close")]
        } else if let modal = state.pane.modalHints {
            hints = modal
        } else if state.pane.table?.filtering == true {
            hints = [("Enter", "keep filter"), ("Esc", "clear filter"), ("Up/Down", "move")]
        } else {
            hints = state.keyMap.footerHints(for: state.scopes) + viewHint(state)
        }
        let widths = hints.map { TextLayout.width(of: $0.key) + 1 + TextLayout.width(of: $0.label) + 2 }
        let mustKeep = Set(hints.indices.filter { ["help", "quit"].contains(hints[$0].label) })
        var chosen = Set(mustKeep)
        var used = mustKeep.reduce(1) { $0 + widths[$1] }
        for i in hints.indices where !chosen.contains(i) && used + widths[i] <= w {
            chosen.insert(i)
            used += widths[i]
        }
        var x = 1
        for i in hints.indices where chosen.contains(i) {
            guard x < w else { break }
            x += canvas.draw(hints[i].key, x: x, y: y, style: theme.style(.footerKey))
            x += canvas.draw(" " + hints[i].label, x: x, y: y, maxWidth: max(0, w - x), style: theme.style(.footer))
            x += 2
        }
    }

    /// `1-3 views` when the view keys are the digits.
    static func viewHint(_ state: AppState) -> [(key: String, label: String)] {
        let keys = [Action.viewAbout, .viewKeys, .viewMessages, .viewIncidents].compactMap { state.keyMap.binding(for: $0)?.keys.first }
        let names = keys.map(KeyName.display)
        guard let first = names.first, let last = names.last else { return [] }
        return [(first + "-" + last, "views")]
    }

    static func completions(_ line: CommandLineState, y: Int, width: Int, into canvas: inout Canvas, theme: Theme) {
        guard !line.candidates.isEmpty, y >= 1 else { return }
        canvas.fill(Rect(x: 0, y: y, width: width, height: 1), style: theme.style(.dialog))
        var x = 1
        for (i, candidate) in line.candidates.enumerated() {
            let style = theme.style(line.candidateIndex == i ? .selection : .dialog)
            let used = canvas.draw(" " + candidate + " ", x: x, y: y, maxWidth: max(0, width - x), style: style)
            x += used + 1
            if x >= width { break }
        }
    }
}

extension Style {
    var bold: Style {
        var s = self
        s.attributes.insert(.bold)
        return s
    }
}
