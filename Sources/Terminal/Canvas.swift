/// One cell of the screen: a grapheme, how many columns it takes, and its style.
///
/// A wide grapheme (CJK, most emoji) sits in its first cell with `width == 2`; the cell to its
/// right is a continuation (`width == 0`, empty text) that backends skip.
public struct Cell: Hashable, Sendable {
    public var text: String
    public var width: UInt8
    public var style: Style

    public init(text: String = " ", width: UInt8 = 1, style: Style = .plain) {
        self.text = text
        self.width = width
        self.style = style
    }

    public static let blank = Cell()
    static func continuation(_ style: Style) -> Cell { Cell(text: "", width: 0, style: style) }
}

/// A grid of cells that panes draw into. Backends put it on the terminal or into a test buffer.
///
/// Every string goes through `Sanitizer` on its way in, so no control or escape sequence in
/// user data can ever reach the terminal.
public struct Canvas: Hashable, Sendable {
    public private(set) var size: Size
    public private(set) var cells: [Cell]

    public init(size: Size, fill: Cell = .blank) {
        self.size = Size(width: max(0, size.width), height: max(0, size.height))
        self.cells = Array(repeating: fill, count: self.size.width * self.size.height)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: size.width, height: size.height) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * size.width + x] }
        set { cells[y * size.width + x] = newValue }
    }

    /// Fills `rect` (clipped to the canvas) with blanks of `style`.
    public mutating func fill(_ rect: Rect, style: Style) {
        let r = rect.intersection(bounds)
        guard !r.isEmpty else { return }
        for y in r.y..<r.maxY {
            for x in r.x..<r.maxX {
                breakWideGlyph(at: x, y)
                self[x, y] = Cell(text: " ", width: 1, style: style)
            }
        }
    }

    /// Before a cell is overwritten: if it is half of a wide glyph, the other half becomes a
    /// blank (keeping its style), so no half glyph is ever left on the canvas.
    private mutating func breakWideGlyph(at x: Int, _ y: Int) {
        let cell = self[x, y]
        if cell.width == 0, x > 0, self[x - 1, y].width == 2 {
            self[x - 1, y] = Cell(text: " ", width: 1, style: self[x - 1, y].style)
        } else if cell.width == 2, x + 1 < size.width, self[x + 1, y].width == 0 {
            self[x + 1, y] = Cell(text: " ", width: 1, style: self[x + 1, y].style)
        }
    }

    /// Draws `text` on row `y` from column `x`, at most `maxWidth` columns (default: to the
    /// edge), sanitised, clipped by display width; a cut string ends with `…`. Returns the
    /// number of columns written.
    @discardableResult
    public mutating func draw(_ text: String, x: Int, y: Int, maxWidth: Int? = nil, style: Style = .plain) -> Int {
        guard y >= 0, y < size.height, x >= 0, x < size.width else { return 0 }
        let limit = min(maxWidth ?? (size.width - x), size.width - x)
        guard limit > 0 else { return 0 }
        var column = x
        for glyph in TextLayout.clip(text, toWidth: limit) {
            breakWideGlyph(at: column, y)
            if glyph.width == 2 {
                breakWideGlyph(at: column + 1, y)
                self[column, y] = Cell(text: glyph.text, width: 2, style: style)
                self[column + 1, y] = .continuation(style)
            } else {
                self[column, y] = Cell(text: glyph.text, width: 1, style: style)
            }
            column += glyph.width
        }
        return column - x
    }

    /// Draws `text` padded with blanks (or clipped) to exactly `width` columns.
    public mutating func draw(_ text: String, x: Int, y: Int, paddedTo width: Int, style: Style = .plain) {
        let used = draw(text, x: x, y: y, maxWidth: width, style: style)
        if used < width { fill(Rect(x: x + used, y: y, width: width - used, height: 1), style: style) }
    }

    /// Changes the style of cells already drawn in `rect`, keeping their text.
    public mutating func restyle(_ rect: Rect, _ change: (inout Style) -> Void) {
        let r = rect.intersection(bounds)
        guard !r.isEmpty else { return }
        for y in r.y..<r.maxY {
            for x in r.x..<r.maxX { change(&cells[y * size.width + x].style) }
        }
    }
}
