import Testing
@testable import Terminal

@Suite struct DisplayWidthTests {
    @Test(arguments: [
        ("a", 1), ("Z", 1), (" ", 1), ("é", 1), ("ß", 1), ("Ω", 1), ("Ж", 1), ("→", 1), ("…", 1), ("│", 1),
        ("漢", 2), ("字", 2), ("テ", 2), ("ひ", 2), ("한", 2), ("Ａ", 2), ("。", 2), ("𠀋", 2),
        ("😀", 2), ("🎉", 2), ("👍", 2), ("⌚", 2), ("🚀", 2), ("䷀", 2), ("㉈", 2),
    ] as [(String, Int)])
    func singleScalarWidths(text: String, width: Int) {
        #expect(DisplayWidth.of(Character(text)) == width, "\(text)")
    }

    @Test func combiningMarksTakeNoRoom() {
        #expect(DisplayWidth.of(Character("e\u{301}")) == 1)
        #expect(DisplayWidth.of(Character("a\u{308}\u{323}")) == 1)
        #expect(DisplayWidth.of("\u{301}" as Unicode.Scalar) == 0)
        #expect(TextLayout.width(of: "Cafe\u{301} noe\u{308}l") == 9)
    }

    @Test func zeroWidthFormatCharactersAndSelectorsTakeNoRoom() {
        for scalar: Unicode.Scalar in ["\u{200B}", "\u{200C}", "\u{200D}", "\u{FE0F}", "\u{FE0E}", "\u{2060}", "\u{202E}"] {
            #expect(DisplayWidth.of(scalar) == 0, "U+\(String(scalar.value, radix: 16))")
        }
        #expect(TextLayout.width(of: "a\u{200B}b") == 2)
    }

    @Test func emojiSequencesAreTwoColumns() {
        #expect(DisplayWidth.of(Character("👨\u{200D}👩\u{200D}👧")) == 2)   // ZWJ family
        #expect(DisplayWidth.of(Character("👍🏽")) == 2)                         // skin tone
        #expect(DisplayWidth.of(Character("❤\u{FE0F}")) == 2)                  // emoji presentation by VS16
        #expect(DisplayWidth.of(Character("1\u{FE0F}\u{20E3}")) == 2)          // keycap
        #expect(DisplayWidth.of(Character("🇩🇪")) == 2)                          // flag
        #expect(DisplayWidth.of(Character("🏳\u{FE0F}\u{200D}🌈")) == 2)
    }

    @Test func textPresentationSymbolsStayNarrow() {
        #expect(DisplayWidth.of(Character("❤")) == 1)
        #expect(DisplayWidth.of(Character("☺")) == 1)
        #expect(DisplayWidth.of(Character("©")) == 1)
    }

    @Test func lonelyRegionalIndicatorIsNarrow() {
        #expect(DisplayWidth.of(Character("\u{1F1E9}")) == 1)
    }

    @Test func decomposedHangulIsOneWideSyllable() {
        // ᄒ + ᅡ + ᆫ: one grapheme, as wide as 한.
        #expect(DisplayWidth.of(Character("\u{1112}\u{1161}\u{11AB}")) == 2)
    }

    @Test func mixedStringWidths() {
        #expect(TextLayout.width(of: "ab漢字cd") == 8)
        #expect(TextLayout.width(of: "INC-1 🔥 サーバー停止") == 21)
    }
}
