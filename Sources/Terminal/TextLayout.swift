/// A grapheme ready to draw: its sanitised text and its width in columns (1 or 2).
public struct Glyph: Hashable, Sendable {
    public var text: String
    public var width: Int
}

/// Measuring and clipping text by display width (CJK and emoji take two cells, combining
/// marks none), after sanitising it.
public enum TextLayout {
    /// The display width of `text` once sanitised.
    public static func width(of text: String) -> Int {
        glyphs(text).reduce(0) { $0 + $1.width }
    }

    /// The sanitised glyphs of `text`.
    public static func glyphs(_ text: String) -> [Glyph] {
        simpleGlyphs(text) ?? sanitisedGlyphs(text)
    }

    /// Every grapheme sanitised and measured (the general path).
    static func sanitisedGlyphs(_ text: String) -> [Glyph] {
        var out: [Glyph] = []
        for character in Sanitizer.visible(text) {
            let w = DisplayWidth.of(character)
            if w > 0 { out.append(Glyph(text: String(character), width: w)) }
        }
        return out
    }

    /// Text that is one glyph per scalar, one column each, with nothing to sanitise: printable
    /// ASCII (most of a queue: IDs, names, titles; read byte by byte) or that mixed with box
    /// drawing and block elements. Nil for anything else. No grapheme breaking, no width lookup.
    private static func simpleGlyphs(_ text: String) -> [Glyph]? {
        var text = text
        if let ascii = text.withUTF8({ bytes -> [Glyph]? in
            guard bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
            return bytes.map { Glyph(text: String(Character(Unicode.Scalar($0))), width: 1) }
        }) { return ascii }
        // Rules and bars (U+2500–U+259F): the rule under every pane's title, at each frame.
        guard text.unicodeScalars.allSatisfy({ (0x20..<0x7F).contains($0.value) || (0x2500...0x259F).contains($0.value) }) else { return nil }
        return text.unicodeScalars.map { Glyph(text: String(Character($0)), width: 1) }
    }

    /// The glyphs of `text` that fit in `width` columns; when the text is cut, the last
    /// column holds `…`. A wide glyph that would straddle the edge is dropped.
    public static func clip(_ text: String, toWidth width: Int) -> [Glyph] {
        guard width > 0 else { return [] }
        let all = glyphs(text)
        let total = all.reduce(0) { $0 + $1.width }
        if total <= width { return all }
        var out: [Glyph] = []
        var used = 0
        for glyph in all {
            if used + glyph.width > width - 1 { break }
            out.append(glyph)
            used += glyph.width
        }
        out.append(Glyph(text: "…", width: 1))
        return out
    }

    /// `text` clipped and padded with spaces to exactly `width` columns, as a string.
    public static func fit(_ text: String, width: Int) -> String {
        let glyphs = clip(text, toWidth: width)
        let used = glyphs.reduce(0) { $0 + $1.width }
        return glyphs.map(\.text).joined() + String(repeating: " ", count: max(0, width - used))
    }
}
