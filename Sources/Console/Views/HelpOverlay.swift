import Terminal

/// The `?` overlay: every binding in force, the current view's first, filtered as you type.
public struct HelpOverlay: Hashable, Sendable {
    public var filter = TextInput()
    public var offset = 0

    public init() {}

    /// Lines of the overlay: a section title per scope, then one line per binding that matches.
    public static func lines(keyMap: KeyMap, scopes: [KeyScope], filter: String) -> [(text: [String], section: Bool, dangerous: Bool)] {
        let matcher = FilterMatcher(filter)
        let order = scopes + KeyScope.allCases.filter { !scopes.contains($0) }
        var out: [(text: [String], section: Bool, dangerous: Bool)] = []
        for scope in order {
            let rows = keyMap.bindings.filter { $0.scope == scope }.filter {
                matcher.matches(fields: [$0.keyNames, $0.label, $0.description, $0.action.rawValue])
            }
            guard !rows.isEmpty else { continue }
            out.append(([scope.title + (scopes.first == scope ? " (this view)" : "")], true, false))
            for b in rows {
                out.append(([b.keyNames, b.label, b.description + (b.dangerous ? " (asks first)" : "")], false, b.dangerous))
            }
        }
        if matcher.isEmpty || CommandSpec.all.contains(where: { matcher.matches(fields: [$0.usage, $0.summary]) }) {
            let commands = CommandSpec.all.filter { matcher.matches(fields: [$0.usage, $0.summary] + $0.aliases) }
            if !commands.isEmpty {
                out.append((["Commands (after :)"], true, false))
                for c in commands {
                    let alias = c.aliases.isEmpty ? "" : " (or :" + c.aliases.joined(separator: ", :") + ")"
                    out.append(([c.usage, "", c.summary + alias], false, false))
                }
            }
        }
        let editing = TextInput.editingKeys.filter { matcher.matches(fields: [$0.keys, $0.description, "input"]) }
        if !editing.isEmpty {
            out.append((["Text input (command line, filters)"], true, false))
            for key in editing { out.append(([key.keys, "", key.description], false, false)) }
        }
        return out
    }

    /// Draws the overlay over `area`; returns the cursor in the filter line.
    public func render(into canvas: inout Canvas, area: Rect, theme: Theme, keyMap: KeyMap, scopes: [KeyScope]) -> (x: Int, y: Int)? {
        let rect = Box.centred(in: area, width: min(area.width, 100), height: area.height)
        let inner = Box.draw(rect, title: "Keys — type to filter, Esc closes", into: &canvas,
                             border: theme.style(.dialogBorder), fill: theme.style(.dialog), titleStyle: theme.style(.title))
        guard inner.height > 0, inner.width > 2 else { return nil }
        canvas.draw("/", x: inner.x, y: inner.y, style: theme.style(.accent))
        let cx = filter.render(into: &canvas, x: inner.x + 1, y: inner.y, width: inner.width - 1, style: theme.style(.input))
        let lines = Self.lines(keyMap: keyMap, scopes: scopes, filter: filter.text)
        let body = Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: inner.height - 1)
        if lines.isEmpty {
            canvas.draw("No key matches “\(filter.text)”.", x: body.x, y: body.y, maxWidth: body.width, style: theme.style(.muted))
            return (cx, inner.y)
        }
        let keyWidth = min(16, lines.filter { !$0.section }.map { TextLayout.width(of: $0.text[0]) }.max() ?? 4)
        let labelWidth = min(14, lines.filter { !$0.section }.map { TextLayout.width(of: $0.text[1]) }.max() ?? 4)
        let first = max(0, min(offset, lines.count - body.height))
        for (i, line) in lines.dropFirst(first).prefix(body.height).enumerated() {
            let y = body.y + i
            if line.section {
                canvas.draw(line.text[0], x: body.x, y: y, maxWidth: body.width, style: theme.style(.accent))
                continue
            }
            var x = body.x + 1
            canvas.draw(line.text[0], x: x, y: y, maxWidth: keyWidth, style: theme.style(.footerKey))
            x += keyWidth + 2
            if body.width >= 70 {
                canvas.draw(line.text[1], x: x, y: y, maxWidth: labelWidth, style: theme.style(.dialog))
                x += labelWidth + 2
            }
            canvas.draw(line.text[2], x: x, y: y, maxWidth: max(0, body.maxX - x), style: theme.style(line.dangerous ? .warning : .dialog))
        }
        if lines.count > body.height {
            let more = "\(first + 1)–\(min(lines.count, first + body.height)) of \(lines.count)"
            canvas.draw(" " + more + " ", x: rect.maxX - TextLayout.width(of: more) - 4, y: rect.maxY - 1, style: theme.style(.muted))
        }
        return (cx, inner.y)
    }
}
