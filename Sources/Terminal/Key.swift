/// One thing the user did: a key, a mouse action, or a resize of the terminal.
public enum InputEvent: Hashable, Sendable {
    case key(Key)
    case mouse(MouseEvent)
    case resize(Size)
}

/// A key press, already decoded from the terminal's escape sequences.
public enum Key: Hashable, Sendable {
    /// Printable text: one grapheme (may be wide, e.g. CJK or emoji).
    case char(Character)
    /// Ctrl plus a letter, lowercased: Ctrl-A is `.ctrl("a")`.
    case ctrl(Character)
    case up, down, left, right
    case home, end, pageUp, pageDown
    case insert, delete
    /// F1–F12.
    case function(Int)
    case tab, backTab
    case enter, backspace, escape
}

/// A mouse action at a cell.
public struct MouseEvent: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case press(button: Int)
        case release
        case wheelUp, wheelDown
    }

    public var kind: Kind
    public var x: Int
    public var y: Int

    public init(kind: Kind, x: Int, y: Int) {
        self.kind = kind
        self.x = x
        self.y = y
    }
}
