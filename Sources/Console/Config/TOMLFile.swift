import Foundation
import TOMLKit

/// A TOML file read for configuration: the parsed table, plus where each key is written, so
/// every reader (themes, config.toml, the key map) can report `file:line: key: message`.
///
/// Not `Sendable` (TOMLKit's table is a reference to a C++ object): read it, turn it into plain
/// values, let it go.
public struct TOMLFile {
    /// The path as given; used verbatim in messages.
    public let path: String
    public let source: String
    public let table: TOMLTable
    /// Where each key is written: scanned when a message first needs a line, not at every
    /// read (a theme is read at every start; it is wrong rarely).
    private let keyLines: KeyLines

    /// Reads and parses `path`. Throws a `ConfigError` naming the file (and, for a syntax error,
    /// its line and column).
    public init(contentsOf path: String) throws(ConfigError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            let reason = !exists ? "no such file" : isDirectory.boolValue ? "is a directory" : "cannot be read"
            throw ConfigError(file: path, message: reason)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, message: "not valid UTF-8 text")
        }
        try self.init(source: text, path: path)
    }

    /// Parses `source` as if it were read from `path`.
    public init(source: String, path: String) throws(ConfigError) {
        do {
            table = try TOMLTable(string: source)
        } catch let error as TOMLParseError {
            let begin = error.source.begin
            throw ConfigError(file: path, line: begin.line > 0 ? begin.line : nil,
                              column: begin.column > 0 ? begin.column : nil,
                              message: "TOML syntax error: \(error.description)")
        } catch {
            throw ConfigError(file: path, message: "TOML syntax error: \(error)")
        }
        self.path = path
        self.source = source
        self.keyLines = KeyLines(source)
    }

    /// The 1-based line on which `keyPath` (unquoted components, e.g. `["styles", "priority.p1", "fg"]`)
    /// is written, or nil if it is not written in this file.
    public func line(of keyPath: [String]) -> Int? {
        keyLines.table[keyPath]
    }

    /// The line of `keyPath`, else of its nearest written ancestor (a key inside a table written as
    /// `[styles.header]` still points somewhere useful); nil only if no part of it is written.
    public func nearestLine(of keyPath: [String]) -> Int? {
        var path = keyPath
        while !path.isEmpty {
            if let line = keyLines.table[path] { return line }
            path.removeLast()
        }
        return nil
    }

    /// A `ConfigError` at `keyPath`, placed on its (nearest) line, naming the key as `a.b.c`.
    public func error(at keyPath: [String], _ message: String) -> ConfigError {
        ConfigError(file: path, line: nearestLine(of: keyPath), key: keyPath.joined(separator: "."), message: message)
    }
}

extension TOMLType {
    /// The type's name as a person reads it in "expected a string, got integer".
    var spokenName: String {
        switch self {
        case .int: "an integer"
        case .double: "a number with a fraction"
        case .bool: "true or false"
        case .string: "a string"
        case .table: "a table"
        case .array: "an array"
        case .date: "a date"
        case .time: "a time"
        case .dateTime: "a date-time"
        }
    }
}

/// A file's key → line table, scanned once on first use (the file is read on one thread).
private final class KeyLines {
    private let source: String
    private var scanned: [[String]: Int]?
    init(_ source: String) { self.source = source }
    var table: [[String]: Int] {
        if let scanned { return scanned }
        let lines = TOMLKeyLocator.lines(in: source)
        scanned = lines
        return lines
    }
}
