/// Finds the line on which each key of a TOML document is written.
///
/// TOMLKit reports positions only for syntax errors; to say "config.toml:7: keys.take: …" about a
/// value that parsed but means nothing, we need the key's line ourselves. This is a small scanner,
/// not a second parser: it assumes the text already parsed (TOMLKit checked it), follows table
/// headers, dotted and quoted keys, inline tables, arrays and all four string forms (so a `#` or
/// `=` inside a string, or a multi-line string, cannot mislead it), and records the first line
/// each key path appears on. For arrays of tables (`[[x]]`) the first element's lines win.
struct TOMLKeyLocator {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var table: [String] = []
    private(set) var lines: [[String]: Int] = [:]

    /// Every key path of `source` (unquoted components) mapped to its 1-based line. Table headers
    /// and the implicit tables of dotted keys are included.
    static func lines(in source: String) -> [[String]: Int] {
        var locator = TOMLKeyLocator(bytes: Array(source.utf8))
        locator.scanDocument()
        return locator.lines
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    // MARK: Document structure

    private mutating func scanDocument() {
        while index < bytes.count {
            let start = index
            skipBlanks()
            guard let c = peek() else { break }
            switch c {
            case UInt8(ascii: "\n"): advanceNewline()
            case UInt8(ascii: "\r"): index += 1
            case UInt8(ascii: "#"): skipComment()
            case UInt8(ascii: "["): scanHeader()
            default: scanKeyValue(under: table)
            }
            if index == start { index += 1 }   // never loop on text we do not understand
        }
    }

    private mutating func scanHeader() {
        index += 1
        let isArray = peek() == UInt8(ascii: "[")
        if isArray { index += 1 }
        let path = scanKey()
        skipBlanks()
        if peek() == UInt8(ascii: "]") { index += 1 }
        if isArray, peek() == UInt8(ascii: "]") { index += 1 }
        table = path
        record(path, includingParents: true)
        skipToEndOfLine()
    }

    private mutating func scanKeyValue(under prefix: [String]) {
        let keyLine = line
        let key = scanKey()
        guard !key.isEmpty else { skipToEndOfLine(); return }
        let path = prefix + key
        record(path, includingParents: true, line: keyLine)
        skipBlanks()
        guard peek() == UInt8(ascii: "=") else { skipToEndOfLine(); return }
        index += 1
        skipBlanks()
        scanValue(at: path)
    }

    private mutating func scanValue(at path: [String]) {
        guard let c = peek() else { return }
        switch c {
        case UInt8(ascii: "{"): scanInlineTable(at: path)
        case UInt8(ascii: "["): scanArray(at: path)
        case UInt8(ascii: "\""), UInt8(ascii: "'"): _ = scanString()
        default:
            // Numbers, booleans, dates: up to the next delimiter (dates may contain a space).
            while let c = peek(), !isValueDelimiter(c) { index += 1 }
        }
    }

    private mutating func scanInlineTable(at path: [String]) {
        index += 1
        while index < bytes.count {
            skipBlanksNewlinesAndComments()
            guard let c = peek() else { return }
            if c == UInt8(ascii: "}") { index += 1; return }
            if c == UInt8(ascii: ",") { index += 1; continue }
            let start = index
            scanKeyValue(under: path)
            if index == start { index += 1 }
        }
    }

    private mutating func scanArray(at path: [String]) {
        index += 1
        while index < bytes.count {
            skipBlanksNewlinesAndComments()
            guard let c = peek() else { return }
            if c == UInt8(ascii: "]") { index += 1; return }
            if c == UInt8(ascii: ",") { index += 1; continue }
            let start = index
            scanValue(at: path)
            if index == start { index += 1 }
        }
    }

    // MARK: Keys and strings

    /// A possibly dotted key: `a`, `"priority.p1"`, `a."b.c".'d'`; returns the unquoted parts.
    private mutating func scanKey() -> [String] {
        var parts: [String] = []
        while index < bytes.count {
            skipBlanks()
            guard let c = peek() else { break }
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                parts.append(scanString())
            } else if isBareKeyByte(c) {
                let start = index
                while let b = peek(), isBareKeyByte(b) { index += 1 }
                parts.append(String(decoding: bytes[start..<index], as: UTF8.self))
            } else {
                break
            }
            skipBlanks()
            if peek() == UInt8(ascii: ".") { index += 1 } else { break }
        }
        return parts
    }

    /// Any of the four TOML string forms, starting at its opening quote; returns its content
    /// (escapes in basic strings decoded well enough to match key names).
    private mutating func scanString() -> String {
        let quote = bytes[index]
        let isMultiline = index + 2 < bytes.count && bytes[index + 1] == quote && bytes[index + 2] == quote
        index += isMultiline ? 3 : 1
        let escapes = quote == UInt8(ascii: "\"")
        var content: [UInt8] = []
        while let c = peek() {
            if escapes && c == UInt8(ascii: "\\") {
                index += 1
                guard let e = peek() else { break }
                index += 1
                switch e {
                case UInt8(ascii: "n"): content.append(10)
                case UInt8(ascii: "t"): content.append(9)
                case UInt8(ascii: "\n"): line += 1   // line-ending backslash in a multi-line string
                case UInt8(ascii: "u"), UInt8(ascii: "U"):
                    let width = e == UInt8(ascii: "u") ? 4 : 8
                    let end = min(index + width, bytes.count)
                    let hex = String(decoding: bytes[index..<end], as: UTF8.self)
                    index = end
                    if let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) {
                        content.append(contentsOf: Array(String(Character(scalar)).utf8))
                    }
                default: content.append(e)
                }
                continue
            }
            if c == quote {
                if !isMultiline { index += 1; break }
                if index + 2 < bytes.count, bytes[index + 1] == quote, bytes[index + 2] == quote {
                    index += 3
                    // Up to two more quotes may belong to the content: `""""x""""` is legal.
                    var extra = 0
                    while extra < 2, peek() == quote { content.append(quote); index += 1; extra += 1 }
                    break
                }
            }
            if c == UInt8(ascii: "\n") {
                if !isMultiline { break }
                line += 1
            }
            content.append(c)
            index += 1
        }
        return String(decoding: content, as: UTF8.self)
    }

    // MARK: Small steps

    private mutating func record(_ path: [String], includingParents: Bool, line recordedLine: Int? = nil) {
        let at = recordedLine ?? line
        if includingParents, path.count > 1 {
            for length in 1..<path.count where lines[Array(path.prefix(length))] == nil {
                lines[Array(path.prefix(length))] = at
            }
        }
        if lines[path] == nil { lines[path] = at }
    }

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func advanceNewline() { index += 1; line += 1 }

    private mutating func skipBlanks() {
        while let c = peek(), c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") { index += 1 }
    }

    private mutating func skipComment() {
        while let c = peek(), c != UInt8(ascii: "\n") { index += 1 }
    }

    private mutating func skipBlanksNewlinesAndComments() {
        while let c = peek() {
            switch c {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): index += 1
            case UInt8(ascii: "\n"): advanceNewline()
            case UInt8(ascii: "#"): skipComment()
            default: return
            }
        }
    }

    /// After a header or a value: skip a trailing comment and stop at the newline (not consumed,
    /// so the document loop counts it).
    private mutating func skipToEndOfLine() {
        while let c = peek(), c != UInt8(ascii: "\n") {
            if c == UInt8(ascii: "#") { skipComment(); return }
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") { _ = scanString() } else { index += 1 }
        }
    }

    private func isBareKeyByte(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
    }

    private func isValueDelimiter(_ c: UInt8) -> Bool {
        c == UInt8(ascii: ",") || c == UInt8(ascii: "}") || c == UInt8(ascii: "]") || c == UInt8(ascii: "\n")
            || c == UInt8(ascii: "#") || c == UInt8(ascii: "\r")
    }
}
