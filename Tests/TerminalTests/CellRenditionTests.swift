import Testing
@testable import Terminal

/// What the curses backend puts on the terminal for each cell, with glibc's widths as a table.
@Suite struct CellRenditionTests {
    /// glibc 2.36 wcwidth for the scalars below (UTF-8 locale).
    static func glibc(_ scalar: Unicode.Scalar) -> Int {
        switch scalar.value {
        case 0x301, 0x308, 0x200D, 0xFE0F, 0x20E3: return 0
        case 0x1F1E6...0x1F1FF, 0x2764: return 1
        case 0x1F300...0x1FAFF, 0x4E00...0x9FFF: return 2
        default: return scalar.value < 0x20 ? -1 : 1
        }
    }

    func pieces(_ text: String, _ width: UInt8) -> [CellRendition.Piece] {
        CellRendition.pieces(for: Cell(text: text, width: width), wcwidth: Self.glibc)
    }

    typealias Piece = CellRendition.Piece

    @Test func plainAndWideGlyphsAreDrawnWhole() {
        #expect(pieces("a", 1) == [Piece(scalars: ["a"], width: 1)])
        #expect(pieces("漢", 2) == [Piece(scalars: ["漢"], width: 2)])
        #expect(pieces("😀", 2) == [Piece(scalars: ["😀"], width: 2)])
    }

    @Test func combiningMarksStayWithTheirBase() {
        #expect(pieces("e\u{301}\u{308}", 1) == [Piece(scalars: ["e", "\u{301}", "\u{308}"], width: 1)])
    }

    @Test func zwjSequenceShowsItsFirstEmoji() {
        #expect(pieces("👨\u{200D}👩\u{200D}👧", 2) == [Piece(scalars: ["👨"], width: 2)])
    }

    @Test func skinToneIsDroppedRatherThanMisaligned() {
        #expect(pieces("👍🏽", 2) == [Piece(scalars: ["👍"], width: 2)])
    }

    @Test func flagShowsAsRegionLetters() {
        #expect(pieces("🇩🇪", 2) == [Piece(scalars: ["D"], width: 1), Piece(scalars: ["E"], width: 1)])
    }

    @Test func emojiByVariationSelectorFallsBackToTextPlusBlank() {
        #expect(pieces("❤\u{FE0F}", 2) == [Piece(scalars: ["❤"], width: 1), Piece(scalars: [" "], width: 1)])
    }

    @Test func aGlyphTheTerminalMeasuresWiderIsReplaced() {
        #expect(pieces("漢", 1) == [Piece(scalars: ["\u{FFFD}"], width: 1)])
    }

    @Test func piecesAlwaysAddUpToTheCellWidth() {
        for text in ["a", "漢", "😀", "🇩🇪", "❤\u{FE0F}", "\u{1B}", "", "e\u{301}", "👨\u{200D}👩\u{200D}👧", "\u{9B}"] {
            for width: UInt8 in [1, 2] {
                let total = pieces(text, width).reduce(0) { $0 + $1.width }
                #expect(total == Int(width), "\(text.debugDescription) as \(width)")
                #expect(pieces(text, width).allSatisfy { $0.scalars.count <= CellRendition.maxScalars })
            }
        }
    }

    @Test func withoutUTF8LinesAndSymbolsGetASCIILookAlikes() {
        func ascii(_ text: String, _ width: UInt8 = 1) -> String {
            CellRendition.pieces(for: Cell(text: text, width: width), asciiOnly: true, wcwidth: { _ in -1 })
                .map { String(String.UnicodeScalarView($0.scalars)) }.joined()
        }
        #expect(["─", "│", "┌", "┼", "╚", "…", "→", "a", "␛"].map { ascii($0) } == ["-", "|", "+", "+", "+", ".", ">", "a", "^"])
        #expect(ascii("漢", 2) == "??")
        #expect(ascii("é") == "?")
        #expect(ascii("e\u{301}") == "e")
    }
}
