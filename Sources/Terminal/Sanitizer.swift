/// The one gate all drawn text passes: control characters, escape sequences and invalid
/// UTF-8 become visible symbols and never reach the terminal.
///
/// Zero-width format characters (bidi overrides and isolates, ZWSP) are left in the text but
/// take no cell, so `TextLayout` drops them and they cannot reorder what is drawn; the curses
/// backend additionally refuses any control that reaches a cell some other way.
public enum Sanitizer {
    /// `text` with every C0/C1 control, ESC and DEL replaced by a visible symbol.
    /// (Invalid UTF-8 is already U+FFFD `�` once bytes are decoded with `String(decoding:)`.)
    public static func visible(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x1B: out.append(contentsOf: "␛".unicodeScalars)
            case 0x00..<0x20:
                // Caret notation: ^@ … ^_, as terminals users know print them.
                out.append("^")
                out.append(Unicode.Scalar(scalar.value + 0x40)!)
            case 0x7F: out.append(contentsOf: "^?".unicodeScalars)
            case 0x80..<0xA0: out.append(contentsOf: "�".unicodeScalars)
            // Line and paragraph separators: a newline in disguise.
            case 0x2028, 0x2029: out.append(contentsOf: "␤".unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }
}
