import Terminal

/// A column of a table: its title and how it gives way when the screen is narrow.
public struct TableColumn: Hashable, Sendable {
    public var title: String
    /// Never shrunk below this many columns (the column is dropped instead).
    public var minWidth: Int
    /// Never wider than this (nil: as wide as its content).
    public var maxWidth: Int?
    /// Higher keeps its width longer; the lowest is shrunk first, then dropped first.
    public var priority: Int
    public var rightAligned: Bool

    public init(_ title: String, minWidth: Int = 4, maxWidth: Int? = nil, priority: Int = 0, rightAligned: Bool = false) {
        self.title = title
        self.minWidth = minWidth
        self.maxWidth = maxWidth
        self.priority = priority
        self.rightAligned = rightAligned
    }
}

/// One row: the ID `y` copies, and the cells.
public struct TableRow: Hashable, Sendable {
    public var id: String
    public var cells: [String]
    /// Optional per-cell role (e.g. `.error` for a warning row); nil: `.text`.
    public var role: ThemeRole?
    public init(id: String, cells: [String], role: ThemeRole? = nil) {
        self.id = id
        self.cells = cells
        self.role = role
    }
}

/// Column widths for a table: natural widths (by display width) when they fit; otherwise the
/// lowest-priority columns shrink to their minimum, then are dropped (nil).
public enum TableLayout {
    public static let gap = 2

    public static func widths(columns: [TableColumn], rows: [[String]], available: Int) -> [Int?] {
        var natural = columns.enumerated().map { i, column in
            let content = rows.reduce(TextLayout.width(of: column.title)) { max($0, i < $1.count ? TextLayout.width(of: $1[i]) : 0) }
            return min(column.maxWidth ?? .max, max(content, 1))
        }
        var kept = Array(repeating: true, count: columns.count)
        func total(_ widths: [Int]) -> Int {
            let ws = widths.indices.filter { kept[$0] }.map { widths[$0] }
            return ws.reduce(0, +) + max(0, ws.count - 1) * gap
        }
        // Lowest priority first; among equals, the rightmost first.
        let order = columns.indices.sorted { (columns[$0].priority, -$0) < (columns[$1].priority, -$1) }
        // Which columns fit at their minimum widths: drop the least important until they do.
        let minimum = columns.indices.map { min(natural[$0], columns[$0].minWidth) }
        for i in order where total(minimum) > available && kept.filter({ $0 }).count > 1 {
            kept[i] = false
        }
        // Then shrink the kept ones, least important first, no further than their minimum.
        for i in order where kept[i] && total(natural) > available {
            natural[i] = max(minimum[i], natural[i] - (total(natural) - available))
        }
        // The last kept column takes what is left over, or is cut to fit.
        if let last = kept.lastIndex(of: true) {
            natural[last] = max(1, natural[last] + (available - total(natural)))
        }
        return natural.indices.map { kept[$0] ? natural[$0] : nil }
    }
}

/// A scrollable table with a selection, column headers and a `/` filter. The state only; the
/// shell routes keys to it and `render` draws it.
public struct TableState: Hashable, Sendable {
    public var columns: [TableColumn]
    public private(set) var rows: [TableRow]
    /// Index into `visibleRows`.
    public private(set) var selected: Int = 0
    public private(set) var offset: Int = 0
    public var filter = TextInput()
    /// The filter line has the keyboard.
    public var filtering = false

    public init(columns: [TableColumn], rows: [TableRow] = []) {
        self.columns = columns
        self.rows = rows
    }

    /// Replaces the rows, keeping the selection on the same ID when it is still there.
    public mutating func setRows(_ newRows: [TableRow]) {
        let id = selectedRow?.id
        rows = newRows
        if let id, let i = visibleRows.firstIndex(where: { $0.id == id }) { selected = i }
        clamp()
    }

    public var matcher: FilterMatcher { FilterMatcher(filter.text) }

    public var visibleRows: [TableRow] {
        let m = matcher
        return m.isEmpty ? rows : rows.filter { m.matches(fields: $0.cells) }
    }

    public var selectedRow: TableRow? {
        let v = visibleRows
        return v.indices.contains(selected) ? v[selected] : nil
    }

    public mutating func move(by delta: Int) {
        selected += delta
        clamp()
    }

    public mutating func moveToTop() { selected = 0; clamp() }
    public mutating func moveToBottom() { selected = visibleRows.count - 1; clamp() }

    /// Edits the filter; the selection goes back to the first match.
    public mutating func editFilter(_ key: Key) -> Bool {
        let handled = filter.handle(key)
        if handled { selected = 0; offset = 0 }
        return handled
    }

    public mutating func clearFilter() {
        filter = TextInput()
        filtering = false
        clamp()
    }

    private mutating func clamp() {
        selected = max(0, min(selected, visibleRows.count - 1))
    }

    /// Rows the table shows in `height` lines (header and filter lines included).
    public func pageSize(height: Int) -> Int { max(1, height - 1 - (showsFilterLine ? 1 : 0)) }

    var showsFilterLine: Bool { filtering || !filter.isEmpty }

    /// Keeps the selection on screen for a table drawn `height` lines tall.
    public mutating func scrollToSelection(height: Int) {
        offset = Self.offset(selected: selected, offset: offset, page: pageSize(height: height), count: visibleRows.count)
    }

    static func offset(selected: Int, offset: Int, page: Int, count: Int) -> Int {
        var o = offset
        if selected < o { o = selected }
        if selected >= o + page { o = selected - page + 1 }
        return max(0, min(o, max(0, count - page)))
    }

    /// The index (into `visibleRows`) of the row drawn at screen line `y` of a table drawn in
    /// `rect`, as `render` lays it out; nil for the header, filter line or empty space.
    public func row(atLine y: Int, rect: Rect) -> Int? {
        let firstRowY = rect.y + (showsFilterLine ? 1 : 0) + 1
        let page = rect.maxY - firstRowY
        guard y >= firstRowY, y < rect.maxY, page > 0 else { return nil }
        let count = visibleRows.count
        let first = Self.offset(selected: selected, offset: offset, page: page, count: count)
        let index = first + (y - firstRowY)
        return index < count ? index : nil
    }

    /// Selects the row at `index` of `visibleRows`.
    public mutating func select(_ index: Int) {
        selected = index
        clamp()
    }

    /// Draws the table into `rect`; returns the cursor position when the filter has the keyboard.
    @discardableResult
    public func render(into canvas: inout Canvas, rect: Rect, theme: Theme, focused: Bool = true, emptyText: String = "Nothing to show.") -> (x: Int, y: Int)? {
        guard rect.height > 0, rect.width > 0 else { return nil }
        var y = rect.y
        var cursor: (x: Int, y: Int)?
        let visible = visibleRows
        if showsFilterLine {
            let label = "/"
            canvas.draw(label, x: rect.x, y: y, style: theme.style(.accent))
            let count = " \(visible.count) of \(rows.count)"
            let countWidth = TextLayout.width(of: count)
            let inputWidth = max(1, rect.width - 1 - countWidth)
            let cx = filter.render(into: &canvas, x: rect.x + 1, y: y, width: inputWidth, style: theme.style(filtering ? .input : .text))
            canvas.draw(count, x: rect.x + 1 + inputWidth, y: y, maxWidth: countWidth, style: theme.style(.muted))
            if filtering { cursor = (cx, y) }
            y += 1
        }
        let widths = TableLayout.widths(columns: columns, rows: visible.map(\.cells), available: rect.width)
        func drawRow(_ cells: [String], y: Int, style: (Int) -> Style, fillStyle: Style) {
            canvas.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), style: fillStyle)
            var x = rect.x
            for (i, w) in widths.enumerated() {
                guard let w else { continue }
                let text = i < cells.count ? cells[i] : ""
                if columns[i].rightAligned {
                    let tw = min(TextLayout.width(of: text), w)
                    canvas.draw(text, x: x + w - tw, y: y, maxWidth: w, style: style(i))
                } else {
                    canvas.draw(text, x: x, y: y, maxWidth: w, style: style(i))
                }
                x += w + TableLayout.gap
            }
        }
        guard y < rect.maxY else { return cursor }
        let header = theme.style(.columnHeader)
        drawRow(columns.map(\.title), y: y, style: { _ in header }, fillStyle: header)
        y += 1
        if visible.isEmpty {
            let text = filter.isEmpty ? emptyText : "No rows match “\(filter.text)” — Esc clears the filter."
            if y < rect.maxY { canvas.draw(text, x: rect.x + 1, y: y, maxWidth: rect.width - 1, style: theme.style(.muted)) }
            return cursor
        }
        let page = rect.maxY - y
        let first = Self.offset(selected: selected, offset: offset, page: page, count: visible.count)
        for (i, row) in visible.enumerated().dropFirst(first).prefix(page) {
            let isSelected = i == selected
            let rowStyle = isSelected ? theme.style(focused ? .selection : .selectionInactive) : theme.style(row.role ?? .text)
            drawRow(row.cells, y: y, style: { _ in rowStyle }, fillStyle: rowStyle)
            y += 1
        }
        return cursor
    }
}
