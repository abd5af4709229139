/// What the terminal handed us before decoding: a character or a key code from `get_wch`, a
/// mouse report from `getmouse`, or a resize. Plain values, so decoding is tested without a
/// terminal.
enum RawInput: Hashable, Sendable {
    /// `get_wch` returned OK: a character (a Unicode scalar value, or a control byte).
    case character(UInt32)
    /// `get_wch` returned KEY_CODE_YES: a curses key code (`KEY_UP`, `KEY_F0 + n`, …).
    case keyCode(Int32)
    /// A mouse report: the button-state mask and the cell.
    case mouse(state: MouseState, x: Int, y: Int)
    /// The terminal was resized to `Size`.
    case resize(Size)
}

/// The mouse buttons and actions in a report, independent of curses' mask layout.
struct MouseState: OptionSet, Hashable, Sendable {
    let rawValue: UInt16
    init(rawValue: UInt16) { self.rawValue = rawValue }

    static let button1Pressed = MouseState(rawValue: 1 << 0)
    static let button1Released = MouseState(rawValue: 1 << 1)
    static let button1Clicked = MouseState(rawValue: 1 << 2)
    static let button2Pressed = MouseState(rawValue: 1 << 3)
    static let button2Released = MouseState(rawValue: 1 << 4)
    static let button2Clicked = MouseState(rawValue: 1 << 5)
    static let button3Pressed = MouseState(rawValue: 1 << 6)
    static let button3Released = MouseState(rawValue: 1 << 7)
    static let button3Clicked = MouseState(rawValue: 1 << 8)
    static let wheelUp = MouseState(rawValue: 1 << 9)
    static let wheelDown = MouseState(rawValue: 1 << 10)
    static let button1DoubleClicked = MouseState(rawValue: 1 << 11)
}

/// The key codes `InputDecoder` understands. ncurses' values by default; a test may pass its own.
struct KeyCodes: Hashable, Sendable {
    var down: Int32 = 0o402, up: Int32 = 0o403, left: Int32 = 0o404, right: Int32 = 0o405
    var home: Int32 = 0o406, backspace: Int32 = 0o407, f0: Int32 = 0o410
    var delete: Int32 = 0o512, insert: Int32 = 0o513
    var pageDown: Int32 = 0o522, pageUp: Int32 = 0o523, enter: Int32 = 0o527
    var a1: Int32 = 0o534, a3: Int32 = 0o535, b2: Int32 = 0o536, c1: Int32 = 0o537, c3: Int32 = 0o540
    var backTab: Int32 = 0o541, end: Int32 = 0o550
    var mouse: Int32 = 0o631, resize: Int32 = 0o632

    init() {}
    static let ncurses = KeyCodes()
}

/// Turns raw terminal input into `InputEvent`s: a pure function, the whole of the key mapping.
/// Internal: only `CursesScreen` feeds it; the tests reach it with `@testable import`.
enum InputDecoder {
    /// Decodes a batch in order. Runs of printable scalars are joined into graphemes first, so
    /// a typed or pasted `e` + combining accent, or an emoji ZWJ sequence, is one `.char`.
    static func decode(_ raws: [RawInput], codes: KeyCodes = .ncurses) -> [InputEvent] {
        var events: [InputEvent] = []
        var text = String.UnicodeScalarView()
        func flush() {
            guard !text.isEmpty else { return }
            for character in String(text) { events.append(.key(.char(character))) }
            text = String.UnicodeScalarView()
        }
        for raw in raws {
            if case let .character(value) = raw, isPrintable(value), let scalar = Unicode.Scalar(value) {
                text.append(scalar)
                continue
            }
            flush()
            if let event = decode(raw, codes: codes) { events.append(event) }
        }
        flush()
        return events
    }

    /// Decodes one raw input; nil for what OpsDesk has no use for (C1 controls, unknown keys,
    /// mouse motion).
    static func decode(_ raw: RawInput, codes: KeyCodes = .ncurses) -> InputEvent? {
        switch raw {
        case let .character(value): return character(value).map { .key($0) }
        case let .keyCode(code): return keyCode(code, codes: codes).map { .key($0) }
        case let .mouse(state, x, y): return mouse(state, x: x, y: y).map { .mouse($0) }
        case let .resize(size): return .resize(size)
        }
    }

    static func isPrintable(_ value: UInt32) -> Bool {
        value >= 0x20 && value != 0x7F && !(0x80..<0xA0).contains(value)
    }

    static func character(_ value: UInt32) -> Key? {
        switch value {
        case 0x09: return .tab
        case 0x0A, 0x0D: return .enter
        case 0x08, 0x7F: return .backspace
        case 0x1B: return .escape
        case 0x01...0x1A: return .ctrl(Character(Unicode.Scalar(value + 0x60)!))
        default:
            guard isPrintable(value), let scalar = Unicode.Scalar(value) else { return nil }
            return .char(Character(scalar))
        }
    }

    static func keyCode(_ code: Int32, codes: KeyCodes) -> Key? {
        switch code {
        case codes.up: return .up
        case codes.down: return .down
        case codes.left: return .left
        case codes.right: return .right
        case codes.home, codes.a1: return .home
        case codes.end, codes.c1: return .end
        case codes.pageUp, codes.a3: return .pageUp
        case codes.pageDown, codes.c3: return .pageDown
        case codes.insert: return .insert
        case codes.delete: return .delete
        case codes.backspace: return .backspace
        case codes.enter: return .enter
        case codes.backTab: return .backTab
        case (codes.f0 + 1)...(codes.f0 + 12): return .function(Int(code - codes.f0))
        default: return nil
        }
    }

    static func mouse(_ state: MouseState, x: Int, y: Int) -> MouseEvent? {
        let kind: MouseEvent.Kind
        if state.contains(.wheelUp) {
            kind = .wheelUp
        } else if state.contains(.wheelDown) {
            kind = .wheelDown
        } else if !state.isDisjoint(with: [.button1Pressed, .button1Clicked, .button1DoubleClicked]) {
            kind = .press(button: 1)
        } else if !state.isDisjoint(with: [.button2Pressed, .button2Clicked]) {
            kind = .press(button: 2)
        } else if !state.isDisjoint(with: [.button3Pressed, .button3Clicked]) {
            kind = .press(button: 3)
        } else if !state.isDisjoint(with: [.button1Released, .button2Released, .button3Released]) {
            kind = .release
        } else {
            return nil
        }
        return MouseEvent(kind: kind, x: x, y: y)
    }
}
