import Testing
@testable import Terminal

@Suite struct TextLayoutTests {
    /// The printable-ASCII shortcut gives exactly what the general path gives, and every other
    /// text still goes the general way (controls, DEL, accents, CJK, emoji).
    @Test func asciiShortcutAgreesWithTheGeneralPath() {
        var texts = (0..<128).map { String(Character(Unicode.Scalar(UInt8($0)))) }
        texts += (0x24F0...0x25AF).map { String(Character(Unicode.Scalar(UInt32($0))!)) }
        texts += [String(repeating: "─", count: 132), "─ All open ─── 69,518 incidents ─", "━┃┏█▌░", "─\u{301}", "▀é"]
        texts += ["", "INC-1234 Printer jams on floor 2", "tab\there", "del\u{7F}", "café", "東京 VPN", "👍🏽 ok", "a\u{301}", "\u{1B}[31m"]
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<500 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(x % 12) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; bytes.append(UInt8(x % 128)) }
            texts.append(String(decoding: bytes, as: UTF8.self))
            texts.append(String(decoding: bytes, as: UTF8.self) + "─" + String(decoding: bytes.reversed(), as: UTF8.self))
        }
        for text in texts {
            #expect(TextLayout.glyphs(text) == TextLayout.sanitisedGlyphs(text), "\(Array(text.utf8))")
        }
    }

    @Test func fitPadsShortTextToTheWidth() {
        #expect(TextLayout.fit("ab", width: 5) == "ab   ")
        #expect(TextLayout.fit("", width: 3) == "   ")
    }

    @Test func fitCutsLongTextWithAnEllipsis() {
        #expect(TextLayout.fit("abcdefgh", width: 5) == "abcd…")
        #expect(TextLayout.fit("abcde", width: 5) == "abcde")
        #expect(TextLayout.fit("abcdef", width: 1) == "…")
        #expect(TextLayout.fit("abc", width: 0) == "")
    }

    @Test func aWideGlyphThatWouldStraddleTheEllipsisIsDropped() {
        // 4 columns: "ab" (2) + "漢" (2) would leave no room for "…".
        #expect(TextLayout.fit("ab漢字", width: 4) == "ab… ")
        #expect(TextLayout.width(of: TextLayout.fit("ab漢字", width: 4)) == 4)
        #expect(TextLayout.fit("漢字テスト", width: 5) == "漢字…")
        #expect(TextLayout.fit("漢字テスト", width: 6) == "漢字… ")
    }

    @Test func fitKeepsCombiningMarksWithTheirBase() {
        #expect(TextLayout.fit("e\u{301}e\u{301}e\u{301}", width: 3) == "e\u{301}e\u{301}e\u{301}")
        #expect(TextLayout.fit("e\u{301}e\u{301}e\u{301}x", width: 3) == "e\u{301}e\u{301}…")
    }

    @Test func clipNeverExceedsTheWidth() {
        for width in 0...12 {
            for text in ["漢字テスト abc", "😀😀😀x", "a\u{1B}[2Jb", "👨\u{200D}👩\u{200D}👧🇩🇪e\u{301}"] {
                let used = TextLayout.clip(text, toWidth: width).reduce(0) { $0 + $1.width }
                #expect(used <= width, "\(text.debugDescription) in \(width)")
            }
        }
    }
}

@Suite struct CanvasTests {
    func row(_ canvas: Canvas, _ y: Int = 0) -> String {
        (0..<canvas.size.width).map { canvas[$0, y].width == 0 ? "" : canvas[$0, y].text }.joined()
    }

    @Test func drawClipsAtTheRightEdgeWithEllipsis() {
        var canvas = Canvas(size: Size(width: 8, height: 1))
        let used = canvas.draw("abcdefghijk", x: 2, y: 0)
        #expect(used == 6)
        #expect(row(canvas) == "  abcde…")
    }

    @Test func wideGlyphTakesTwoCellsWithAContinuation() {
        var canvas = Canvas(size: Size(width: 6, height: 1))
        canvas.draw("a漢b", x: 0, y: 0)
        #expect(canvas[1, 0] == Cell(text: "漢", width: 2))
        #expect(canvas[2, 0].width == 0)
        #expect(canvas[3, 0].text == "b")
        #expect(row(canvas) == "a漢b  ")
    }

    @Test func wideGlyphAtTheEdgeIsNotSplit() {
        var canvas = Canvas(size: Size(width: 5, height: 1))
        canvas.draw("abc漢字", x: 0, y: 0)
        #expect(row(canvas) == "abc… ")
        for x in 0..<5 { #expect(canvas[x, 0].width != 2 || x + 1 < 5) }
    }

    @Test func overwritingHalfAWideGlyphBlanksTheOtherHalf() {
        var canvas = Canvas(size: Size(width: 6, height: 1))
        canvas.draw("漢字", x: 0, y: 0)
        canvas.draw("x", x: 1, y: 0)          // the right half of 漢
        #expect(row(canvas) == " x字  ")
        canvas.draw("y", x: 2, y: 0)          // the left half of 字
        #expect(row(canvas) == " xy   ")
        #expect(canvas.cells.allSatisfy { $0.width != 0 })
    }

    @Test func fillOverHalfAWideGlyphLeavesNoOrphan() {
        var canvas = Canvas(size: Size(width: 4, height: 1))
        canvas.draw("漢字", x: 0, y: 0)
        canvas.fill(Rect(x: 1, y: 0, width: 2, height: 1), style: Style(attributes: .reverse))
        #expect(canvas.cells.map(\.width) == [1, 1, 1, 1])
        #expect(row(canvas) == "    ")
    }

    @Test func paddedDrawFillsTheRestWithTheStyle() {
        var canvas = Canvas(size: Size(width: 10, height: 1))
        let style = Style(attributes: .reverse)
        canvas.draw("ab", x: 1, y: 0, paddedTo: 5, style: style)
        #expect(row(canvas) == " ab       ")
        #expect((1..<6).allSatisfy { canvas[$0, 0].style == style })
        #expect(canvas[0, 0].style == .plain && canvas[6, 0].style == .plain)
    }

    @Test func drawOutsideTheCanvasDoesNothing() {
        var canvas = Canvas(size: Size(width: 4, height: 2))
        #expect(canvas.draw("x", x: 4, y: 0) == 0)
        #expect(canvas.draw("x", x: 0, y: 2) == 0)
        #expect(canvas.draw("x", x: -1, y: 0) == 0)
        #expect(canvas == Canvas(size: Size(width: 4, height: 2)))
    }

    @Test func restyleKeepsText() {
        var canvas = Canvas(size: Size(width: 4, height: 1))
        canvas.draw("abcd", x: 0, y: 0)
        canvas.restyle(Rect(x: 1, y: 0, width: 2, height: 5)) { $0.attributes.insert(.bold) }
        #expect(row(canvas) == "abcd")
        #expect(canvas.cells.map { $0.style.attributes.contains(.bold) } == [false, true, true, false])
    }
}
