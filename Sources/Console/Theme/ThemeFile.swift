import Terminal
import TOMLKit

/// One theme file as written: its own styles and what it inherits, before inheritance is applied.
/// Themes/default.toml's header documents the format.
struct ThemeFile: Sendable {
    /// The file as found (used in messages).
    var path: String
    /// `inherits = "NAME|PATH"`: the theme whose styles this one starts from.
    var inherits: String?
    var inheritsLine: Int?
    var styles: [ThemeRole: Style]

    /// The fields a style may have; anything else in a style table is a mistake.
    static let styleFields = ["fg", "bg"] + attributeFields.map(\.name)
    static let attributeFields: [(name: String, attribute: Attributes)] = [
        ("bold", .bold), ("underline", .underline), ("reverse", .reverse), ("dim", .dim), ("italic", .italic),
    ]
    static let topLevelKeys = ["inherits", "styles"]

    /// Reads `file`; every mistake in it is returned, in line order. A file with mistakes must not
    /// be used (a half-read theme could hide a P1).
    static func read(_ file: TOMLFile) -> (ThemeFile, [ConfigError]) {
        var reader = Reader(file: file)
        let theme = reader.read()
        let errors = reader.errors.sorted { ($0.line ?? 0, $0.key ?? "") < ($1.line ?? 0, $1.key ?? "") }
        return (theme, errors)
    }

    /// Reads the text of a theme as if from `path` (syntax errors included in the errors).
    static func read(source: String, path: String) -> (ThemeFile?, [ConfigError]) {
        do {
            let (theme, errors) = read(try TOMLFile(source: source, path: path))
            return (theme, errors)
        } catch {
            return (nil, [error])
        }
    }

    private struct Reader {
        let file: TOMLFile
        var errors: [ConfigError] = []
        /// Where each role was given, to refuse a second spelling of it (`"priority.p1"` and `priority.p1`).
        var seen: [ThemeRole: [String]] = [:]

        mutating func read() -> ThemeFile {
            var theme = ThemeFile(path: file.path, inherits: nil, inheritsLine: nil, styles: [:])
            for key in file.table.keys.sorted() {
                guard let value = file.table[key] else { continue }
                switch key {
                case "inherits":
                    if let name = value.string, !name.isEmpty {
                        theme.inherits = name
                        theme.inheritsLine = file.line(of: [key])
                    } else {
                        fail([key], "expected a theme name or path, got \(describe(value))")
                    }
                case "styles":
                    if let table = value.table {
                        readStyles(table, tomlPath: [key], rolePrefix: nil, into: &theme.styles)
                    } else {
                        fail([key], "expected a table of roles, got \(value.type.spokenName)")
                    }
                default:
                    fail([key], "unknown key '\(key)' (expected \(ThemeFile.topLevelKeys.joined(separator: " or ")))")
                }
            }
            return theme
        }

        /// Roles may be written quoted (`"priority.p1" = {…}`), as sub-tables
        /// (`[styles."priority.p1"]`) or as plain dotted keys (`priority.p1 = {…}`, which TOML
        /// nests as `priority` → `p1`); all three name the same role.
        mutating func readStyles(_ table: TOMLTable, tomlPath: [String], rolePrefix: String?,
                                 into styles: inout [ThemeRole: Style]) {
            for key in table.keys.sorted() {
                guard let value = table[key] else { continue }
                readStyleEntry(key, value, tomlPath: tomlPath, rolePrefix: rolePrefix, into: &styles)
            }
        }

        mutating func readStyleEntry(_ key: String, _ value: any TOMLValueConvertible, tomlPath: [String],
                                     rolePrefix: String?, into styles: inout [ThemeRole: Style]) {
            let path = tomlPath + [key]
            let name = rolePrefix.map { "\($0).\(key)" } ?? key
            if let role = ThemeRole(rawValue: name) {
                guard let styleTable = value.table else {
                    fail(path, "expected a style table like { fg = \"cyan\", bold = true }, got \(describe(value))")
                    return
                }
                if let other = seen[role] {
                    // Keys are read in sorted order, not file order: blame the later line.
                    let (first, second) = (file.nearestLine(of: other) ?? 0) <= (file.nearestLine(of: path) ?? 0)
                        ? (other, path) : (path, other)
                    let place = file.nearestLine(of: first).map { " on line \($0)" } ?? ""
                    fail(second, "role '\(name)' is already given as \(first.joined(separator: "."))\(place)")
                    return
                }
                seen[role] = path
                if let style = readStyle(styleTable, tomlPath: path, roleName: name, into: &styles) {
                    styles[role] = style
                }
            } else if let nested = value.table, ThemeFile.isRolePrefix(name) {
                readStyles(nested, tomlPath: path, rolePrefix: name, into: &styles)
            } else {
                fail(path, "unknown role '\(name)'\(KeySuggestion.hint(for: name, among: ThemeRole.allCases.map(\.rawValue)))")
            }
        }

        /// One role's style. Keys that are not style fields may be nested roles
        /// (`selection = { …, inactive = {…} }` from dotted keys); those are read into `styles`.
        mutating func readStyle(_ table: TOMLTable, tomlPath: [String], roleName: String,
                                into styles: inout [ThemeRole: Style]) -> Style? {
            var style = Style()
            var ok = true
            for key in table.keys.sorted() {
                guard let value = table[key] else { continue }
                let path = tomlPath + [key]
                switch key {
                case "fg", "bg":
                    guard let color = readColor(value, at: path) else { ok = false; continue }
                    if key == "fg" { style.foreground = color } else { style.background = color }
                case _ where ThemeFile.attributeFields.contains { $0.name == key }:
                    let attribute = ThemeFile.attributeFields.first { $0.name == key }!.attribute
                    guard let on = value.bool else {
                        fail(path, "expected true or false, got \(describe(value))")
                        ok = false
                        continue
                    }
                    if on { style.attributes.insert(attribute) }
                default:
                    let nestedName = "\(roleName).\(key)"
                    if value.table != nil, ThemeRole(rawValue: nestedName) != nil || ThemeFile.isRolePrefix(nestedName) {
                        readStyleEntry(key, value, tomlPath: tomlPath, rolePrefix: roleName, into: &styles)
                    } else {
                        fail(path, "unknown field '\(key)' (expected \(ThemeFile.styleFields.joined(separator: ", ")))")
                        ok = false
                    }
                }
            }
            return ok ? style : nil
        }

        mutating func readColor(_ value: any TOMLValueConvertible, at path: [String]) -> Color? {
            if let text = value.string {
                if let color = ThemeColor.parse(text) { return color }
                fail(path, "unknown colour '\(text)' (\(ThemeColor.expectation))")
            } else if let number = value.int {
                if let color = ThemeColor.parse(number) { return color }
                fail(path, "colour \(number) is out of range (\(ThemeColor.expectation))")
            } else {
                fail(path, "expected a colour (a name, 0–255, #rrggbb or default), got \(describe(value))")
            }
            return nil
        }

        func describe(_ value: any TOMLValueConvertible) -> String {
            if let text = value.string { return "the string '\(text)'" }
            return value.type.spokenName
        }

        mutating func fail(_ path: [String], _ message: String) {
            errors.append(file.error(at: path, message))
        }
    }

    /// True if some role's name starts with `prefix.` (`priority` for `priority.p1`).
    static func isRolePrefix(_ prefix: String) -> Bool {
        ThemeRole.allCases.contains { $0.rawValue.hasPrefix(prefix + ".") }
    }
}

