/// A backend that keeps the last frame in memory, for golden-screen tests: the text of each
/// row, and a style map that names each distinct style with a letter.
public final class TestBackend: Backend {
    public var size: Size
    public private(set) var frame: Canvas
    public private(set) var cursor: (x: Int, y: Int)?
    public private(set) var framesPresented = 0

    public init(size: Size) {
        self.size = size
        self.frame = Canvas(size: size)
    }

    public func present(_ canvas: Canvas, cursor: (x: Int, y: Int)?) {
        frame = canvas
        self.cursor = cursor
        framesPresented += 1
    }

    /// The text of each row; continuation cells of wide glyphs are skipped.
    public var lines: [String] {
        (0..<frame.size.height).map { y in
            var line = ""
            for x in 0..<frame.size.width where frame[x, y].width != 0 { line += frame[x, y].text }
            return line
        }
    }

    /// The whole frame as a golden file: the text rows, then a style map in which each cell is
    /// a letter (a continuation cell repeats its glyph's letter), then the legend of letters.
    /// Styles are lettered in order of first appearance, so the map is stable.
    public var golden: String {
        var letters: [Style: Character] = [:]
        var legend: [(Character, Style)] = []
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var map: [String] = []
        for y in 0..<frame.size.height {
            var row = ""
            for x in 0..<frame.size.width {
                let style = frame[x, y].style
                if letters[style] == nil {
                    let letter = legend.count < alphabet.count ? alphabet[legend.count] : "?"
                    letters[style] = letter
                    legend.append((letter, style))
                }
                row.append(letters[style]!)
            }
            map.append(row)
        }
        var out = "── text \(frame.size.width)×\(frame.size.height)\n"
        out += lines.map { "│" + $0 + "│" }.joined(separator: "\n") + "\n"
        out += "── styles\n" + map.joined(separator: "\n") + "\n── legend\n"
        out += legend.map { "\($0.0) \(Self.describe($0.1))" }.joined(separator: "\n") + "\n"
        return out
    }

    static func describe(_ style: Style) -> String {
        func color(_ c: Color) -> String {
            switch c {
            case .default: "default"
            case let .indexed(i): "\(i)"
            case let .rgb(r, g, b): "#" + [r, g, b].map { String($0, radix: 16).leftPadded(2) }.joined()
            }
        }
        var attrs: [String] = []
        if style.attributes.contains(.bold) { attrs.append("bold") }
        if style.attributes.contains(.dim) { attrs.append("dim") }
        if style.attributes.contains(.italic) { attrs.append("italic") }
        if style.attributes.contains(.underline) { attrs.append("underline") }
        if style.attributes.contains(.reverse) { attrs.append("reverse") }
        return "fg=\(color(style.foreground)) bg=\(color(style.background))" + (attrs.isEmpty ? "" : " " + attrs.joined(separator: ","))
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
