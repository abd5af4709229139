/// What a cell becomes on a real terminal, so that the terminal's idea of its width (glibc's
/// `wcwidth`, which ncurses and most terminals use) agrees with the canvas's, and a row can never
/// be pushed out of line by a grapheme the terminal measures differently.
///
/// - a grapheme the terminal measures as the canvas does is drawn whole (base plus its marks);
/// - an emoji ZWJ sequence is drawn as its first emoji (terminals disagree on the rest);
/// - a flag (two regional indicators) is drawn as its two region letters, `DE`;
/// - a wide emoji-by-U+FE0F whose base the terminal measures as 1 (`❤️`) is drawn as the base,
///   text presentation, plus a blank;
/// - anything else the terminal would mis-measure, or any control character that got past
///   `Sanitizer`, is drawn as `�` (plus a blank when the cell is wide).
///
/// Pure: `wcwidth` is passed in, so this is tested without a locale or a terminal.
enum CellRendition {
    /// One piece to put on the screen: its scalars (a base and its zero-width marks) and the
    /// columns it takes, 1 or 2. The pieces of a cell add up to the cell's width.
    struct Piece: Equatable {
        var scalars: [Unicode.Scalar]
        var width: Int
    }

    static let replacement: Unicode.Scalar = "\u{FFFD}"
    /// ncurses keeps up to CCHARW_MAX (5) wide chars per cell, the last one the terminator.
    static let maxScalars = 4

    static func pieces(for cell: Cell, asciiOnly: Bool = false, wcwidth: (Unicode.Scalar) -> Int) -> [Piece] {
        let width = cell.width >= 2 ? 2 : 1
        let scalars = Array(cell.text.unicodeScalars)
        guard let first = scalars.first else { return blanks(width) }
        if scalars.contains(where: isControl) { return fallback(width) }
        if asciiOnly { return ascii(first, width: width) }

        let firstWidth = wcwidth(first)
        if firstWidth == width {
            return [Piece(scalars: [first] + marks(after: scalars, keepEmojiSelector: width == 2, wcwidth: wcwidth), width: width)]
        }
        if width == 2 {
            if DisplayWidth.isRegionalIndicator(first), scalars.count >= 2,
               DisplayWidth.isRegionalIndicator(scalars[1]) {
                return [scalars[0], scalars[1]].map { ri in
                    let letter = Unicode.Scalar(ri.value - 0x1F1E6 + 0x41)!
                    return Piece(scalars: [letter], width: 1)
                }
            }
            if firstWidth == 1 {
                return [Piece(scalars: [first] + marks(after: scalars, keepEmojiSelector: false, wcwidth: wcwidth), width: 1)] + blanks(1)
            }
        }
        return fallback(width)
    }

    /// The zero-width marks that follow the base, up to the first ZWJ, at most `maxScalars - 1`.
    private static func marks(after scalars: [Unicode.Scalar], keepEmojiSelector: Bool,
                              wcwidth: (Unicode.Scalar) -> Int) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        for scalar in scalars.dropFirst() {
            if scalar.value == 0x200D { break }
            if (0xFE00...0xFE0F).contains(scalar.value) {
                if keepEmojiSelector && scalar.value == 0xFE0F && out.count < maxScalars - 1 { out.append(scalar) }
                continue
            }
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .spacingMark: break
            default: continue
            }
            // Only what the terminal also takes as zero-width joins the cell.
            if wcwidth(scalar) == 0 && out.count < maxScalars - 1 { out.append(scalar) }
        }
        return out
    }

    /// In a locale that is not UTF-8 (say `LANG` was not passed over SSH) curses can only show
    /// ASCII: lines and common symbols get an ASCII look-alike, anything else a `?` per column.
    private static func ascii(_ first: Unicode.Scalar, width: Int) -> [Piece] {
        if let look = asciiLookAlike(first) { return [Piece(scalars: [look], width: 1)] + blanks(width - 1) }
        return Array(repeating: Piece(scalars: ["?"], width: 1), count: width)
    }

    static func asciiLookAlike(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        let v = scalar.value
        if v >= 0x20 && v < 0x7F { return scalar }
        switch v {
        case 0x2500, 0x2501, 0x2504, 0x2505, 0x2508, 0x2509, 0x254C, 0x254D, 0x2550, 0x2574, 0x2576, 0x2578, 0x257A,
             0x2013, 0x2014, 0x2015, 0x2212: return "-"
        case 0x2502, 0x2503, 0x2506, 0x2507, 0x250A, 0x250B, 0x254E, 0x254F, 0x2551, 0x2575, 0x2577, 0x2579, 0x257B:
            return "|"
        case 0x2500...0x257F: return "+"
        case 0x2026: return "."
        case 0x2018, 0x2019, 0x201A: return "'"
        case 0x201C, 0x201D, 0x201E: return "\""
        case 0x2022, 0x00B7, 0x25CF, 0x25E6: return "*"
        case 0x2192, 0x25B6, 0x25B8, 0x276F: return ">"
        case 0x2190, 0x25C0, 0x25C2, 0x276E: return "<"
        case 0x2191, 0x25B2, 0x25B4: return "^"
        case 0x2193, 0x25BC, 0x25BE: return "v"
        case 0x2588, 0x2589...0x258F, 0x2591, 0x2592, 0x2593: return "#"
        case 0x00A0: return " "
        case 0x241B: return "^"      // ␛ as drawn by Sanitizer
        default: return nil
        }
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value)
    }

    private static func blanks(_ count: Int) -> [Piece] {
        Array(repeating: Piece(scalars: [" "], width: 1), count: count)
    }

    private static func fallback(_ width: Int) -> [Piece] {
        [Piece(scalars: [replacement], width: 1)] + blanks(width - 1)
    }
}
