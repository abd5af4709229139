import Testing
@testable import Terminal

@Suite struct SanitizerTests {
    static let hostile: [(String, String)] = [
        ("CSI clear screen", "before\u{1B}[2Jafter"),
        ("CSI colour", "\u{1B}[31mred\u{1B}[0m"),
        ("OSC 52 clipboard write", "x\u{1B}]52;c;aGVsbG8=\u{07}y"),
        ("OSC title", "\u{1B}]0;pwned\u{07}title"),
        ("OSC with ST", "\u{1B}]8;;http://evil\u{1B}\\link\u{1B}]8;;\u{1B}\\"),
        ("DCS", "\u{1B}Pq#0;2;0;0;0#0~~@@vv\u{1B}\\done"),
        ("BEL", "ding\u{07}dong"),
        ("C1 CSI and OSC", "a\u{9B}2Jb\u{9D}0;t\u{9C}c"),
        ("all C1", String(String.UnicodeScalarView((0x80...0x9F).map { Unicode.Scalar($0)! }))),
        ("all C0", String(String.UnicodeScalarView((0x00...0x1F).map { Unicode.Scalar($0)! }))),
        ("DEL", "rub\u{7F}out"),
        ("CR LF tab", "line1\r\nline2\tend"),
        ("backspace overstrike", "safe\u{08}\u{08}\u{08}\u{08}evil"),
        ("line separator", "one\u{2028}two\u{2029}three"),
    ]

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    @Test(arguments: hostile)
    func noDrawnCellHoldsAControlCharacter(name: String, text: String) {
        var canvas = Canvas(size: Size(width: 80, height: 1))
        canvas.draw(text, x: 0, y: 0)
        for cell in canvas.cells {
            #expect(!cell.text.unicodeScalars.contains(where: Self.isControl), "\(name): \(cell.text.debugDescription)")
        }
        #expect(!Sanitizer.visible(text).unicodeScalars.contains(where: Self.isControl), "\(name)")
    }

    @Test func escapeBecomesAVisibleSymbolAndTheRestStaysReadable() {
        #expect(Sanitizer.visible("a\u{1B}[2Jb") == "a␛[2Jb")
        #expect(Sanitizer.visible("ding\u{07}") == "ding^G")
        #expect(Sanitizer.visible("rub\u{7F}") == "rub^?")
        #expect(Sanitizer.visible("x\u{9B}y") == "x�y")
        #expect(Sanitizer.visible("tab\there") == "tab^Ihere")
        #expect(Sanitizer.visible("a\u{2028}b\u{2029}") == "a␤b␤")
    }

    @Test func invalidUTF8IsReplacementCharacters() {
        let bytes: [UInt8] = [0x6F, 0x6B, 0xFF, 0xC3, 0x28, 0xE2, 0x82, 0x1B, 0x5B, 0x32, 0x4A, 0xED, 0xA0, 0x80]
        let text = String(decoding: bytes, as: UTF8.self)
        var canvas = Canvas(size: Size(width: 40, height: 1))
        canvas.draw(text, x: 0, y: 0)
        let drawn = canvas.cells.map(\.text).joined()
        #expect(drawn.hasPrefix("ok�"))
        #expect(drawn.contains("␛[2J"))
        for cell in canvas.cells {
            #expect(!cell.text.unicodeScalars.contains(where: Self.isControl))
        }
    }

    @Test func bidiOverridesTakeNoCellAndCannotReorderTheRow() {
        var canvas = Canvas(size: Size(width: 12, height: 1))
        canvas.draw("abc\u{202E}def\u{2066}g\u{2069}", x: 0, y: 0)
        #expect(canvas.cells.map(\.text).joined() == "abcdefg     ")
    }

    @Test func plainTextPassesUnchanged() {
        let text = "INC-42 Drucker 漢字 😀 e\u{301}"
        #expect(Sanitizer.visible(text) == text)
    }

    @Test func curseRenditionRefusesControlsThatBypassedTheCanvas() {
        // A cell built by hand, not through draw(): the backend still never emits the control.
        let cell = Cell(text: "\u{1B}", width: 1, style: .plain)
        let pieces = CellRendition.pieces(for: cell, wcwidth: { _ in 1 })
        #expect(pieces == [CellRendition.Piece(scalars: ["\u{FFFD}"], width: 1)])
    }
}
