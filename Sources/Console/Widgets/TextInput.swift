import Terminal

/// A single-line text input: graphemes (wide ones take two columns) and a cursor between
/// them, edited with the keys readline users expect.
public struct TextInput: Hashable, Sendable {
    public private(set) var characters: [Character]
    /// Index into `characters`: the cursor sits before this grapheme.
    public private(set) var cursor: Int

    public init(_ text: String = "") {
        characters = Array(text)
        cursor = characters.count
    }

    public var text: String {
        get { String(characters) }
        set { characters = Array(newValue); cursor = characters.count }
    }

    public var isEmpty: Bool { characters.isEmpty }

    /// The editing keys `handle` understands, for the help overlay and README (fixed: the same
    /// in every input, as readline users expect).
    public static let editingKeys: [(keys: String, description: String)] = [
        ("Left, Right", "Move the cursor one character"),
        ("Home, Ctrl-A", "Go to the start of the line"),
        ("End, Ctrl-E", "Go to the end of the line"),
        ("Backspace, Delete", "Delete the character before / under the cursor"),
        ("Ctrl-U", "Delete to the start of the line"),
        ("Ctrl-K", "Delete to the end of the line"),
        ("Ctrl-W", "Delete the word before the cursor"),
    ]

    /// Applies an editing key; false when the key is not an editing key (the caller handles it).
    @discardableResult
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case let .char(c): insert(c)
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(characters.count, cursor + 1)
        case .home, .ctrl("a"): cursor = 0
        case .end, .ctrl("e"): cursor = characters.count
        case .backspace, .ctrl("h"):
            if cursor > 0 { characters.remove(at: cursor - 1); cursor -= 1 }
        case .delete, .ctrl("d"):
            if cursor < characters.count { characters.remove(at: cursor) }
        case .ctrl("u"): characters.removeFirst(cursor); cursor = 0
        case .ctrl("k"): characters.removeLast(characters.count - cursor)
        case .ctrl("w"): deleteWordBackward()
        default: return false
        }
        return true
    }

    public mutating func insert(_ c: Character) {
        characters.insert(c, at: cursor)
        cursor += 1
    }

    public mutating func insert(_ s: String) {
        for c in s { insert(c) }
    }

    private mutating func deleteWordBackward() {
        var start = cursor
        while start > 0, characters[start - 1] == " " { start -= 1 }
        while start > 0, characters[start - 1] != " " { start -= 1 }
        characters.removeSubrange(start..<cursor)
        cursor = start
    }

    /// Columns from the start of the text to the cursor.
    public var cursorColumn: Int {
        characters[..<cursor].reduce(0) { $0 + TextLayout.width(of: String($1)) }
    }

    /// Draws the input in `width` columns from (`x`, `y`), scrolled so the cursor is visible;
    /// returns the cursor's screen column.
    @discardableResult
    public func render(into canvas: inout Canvas, x: Int, y: Int, width: Int, style: Style) -> Int {
        guard width > 0 else { return x }
        // Scroll: drop graphemes from the left until the cursor (plus one cell for it) fits.
        var first = 0
        func columns(_ range: Range<Int>) -> Int { characters[range].reduce(0) { $0 + TextLayout.width(of: String($1)) } }
        while first < cursor, columns(first..<cursor) + 1 > width { first += 1 }
        let visible = String(characters[first...])
        canvas.draw(visible, x: x, y: y, paddedTo: width, style: style)
        return x + min(columns(first..<cursor), width - 1)
    }
}
