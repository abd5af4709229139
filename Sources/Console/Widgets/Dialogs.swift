import Terminal

/// Drawing helpers shared by overlays: a bordered box with a title.
enum Box {
    /// Draws a box with a border and a title into `rect`; returns the inner rectangle.
    @discardableResult
    static func draw(_ rect: Rect, title: String, into canvas: inout Canvas, border: Style, fill: Style, titleStyle: Style) -> Rect {
        guard rect.width >= 2, rect.height >= 2 else { return Rect(x: rect.x, y: rect.y, width: 0, height: 0) }
        canvas.fill(rect, style: fill)
        let inner = rect.width - 2
        canvas.draw("┌" + String(repeating: "─", count: inner) + "┐", x: rect.x, y: rect.y, style: border)
        for y in (rect.y + 1)..<(rect.maxY - 1) {
            canvas.draw("│", x: rect.x, y: y, style: border)
            canvas.draw("│", x: rect.maxX - 1, y: y, style: border)
        }
        canvas.draw("└" + String(repeating: "─", count: inner) + "┘", x: rect.x, y: rect.maxY - 1, style: border)
        if !title.isEmpty, inner > 4 {
            canvas.draw(" \(title) ", x: rect.x + 2, y: rect.y, maxWidth: inner - 2, style: titleStyle)
        }
        return Rect(x: rect.x + 2, y: rect.y + 1, width: rect.width - 4, height: rect.height - 2)
    }

    /// A rectangle of at most `width`×`height` centred in `area`.
    static func centred(in area: Rect, width: Int, height: Int) -> Rect {
        let w = min(width, area.width), h = min(height, area.height)
        return Rect(x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h)
    }
}

/// Asks before a dangerous action: `y` or Enter does it, `n` or Esc does not.
public struct ConfirmDialog: Hashable, Sendable {
    public var title: String
    public var question: String
    /// What happens on yes.
    public var action: Action

    public init(title: String, question: String, action: Action) {
        self.title = title
        self.question = question
        self.action = action
    }

    public enum Answer: Sendable { case yes, no, undecided }

    public static func answer(_ key: Key) -> Answer {
        switch key {
        case .char("y"), .char("Y"), .enter: .yes
        case .char("n"), .char("N"), .escape, .char("q"): .no
        default: .undecided
        }
    }

    public func render(into canvas: inout Canvas, area: Rect, theme: Theme) {
        let words = Self.wrap(question, width: max(10, min(56, area.width - 6)))
        let width = min(area.width, max(30, (words.map(TextLayout.width(of:)).max() ?? 0) + 4))
        let rect = Box.centred(in: area, width: width, height: words.count + 4)
        let inner = Box.draw(rect, title: title, into: &canvas, border: theme.style(.error), fill: theme.style(.dialog), titleStyle: theme.style(.error))
        for (i, line) in words.enumerated() where i < inner.height - 2 {
            canvas.draw(line, x: inner.x, y: inner.y + i, maxWidth: inner.width, style: theme.style(.dialog))
        }
        // The answer keys, on the last inner line.
        let hy = inner.maxY - 1
        guard hy >= inner.y, inner.width > 0 else { return }
        canvas.draw("y", x: inner.x, y: hy, style: theme.style(.footerKey))
        canvas.draw(" yes", x: inner.x + 1, y: hy, maxWidth: max(0, inner.width - 1), style: theme.style(.dialog))
        if inner.width > 11 {
            canvas.draw("n", x: inner.x + 8, y: hy, style: theme.style(.footerKey))
            canvas.draw(" no", x: inner.x + 9, y: hy, maxWidth: inner.width - 9, style: theme.style(.dialog))
        }
    }

    /// Greedy word wrap by display width.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            let candidate = line.isEmpty ? String(word) : line + " " + word
            if TextLayout.width(of: candidate) > width, !line.isEmpty {
                lines.append(line)
                line = String(word)
            } else {
                line = candidate
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}

/// The line above the footer: the last error or notice.
public struct MessageLine: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable { case notice, warning, error }
    public var text: String
    public var kind: Kind

    public init(_ text: String, kind: Kind) {
        self.text = text
        self.kind = kind
    }

    public func render(into canvas: inout Canvas, y: Int, width: Int, theme: Theme) {
        let role: ThemeRole = switch kind {
        case .notice: .notice
        case .warning: .warning
        case .error: .error
        }
        canvas.draw(text, x: 0, y: y, paddedTo: width, style: theme.style(role))
    }
}
