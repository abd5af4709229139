import Foundation
import Terminal

/// A user's request from config.toml `[keys]`: give `action` these keys (line for reports).
public struct KeyRemapRequest: Hashable, Sendable {
    public var action: String
    public var keys: [String]
    public var line: Int
    public init(action: String, keys: [String], line: Int) {
        self.action = action
        self.keys = keys
        self.line = line
    }
}

/// A remap that could not be applied, reported as `file:line: keys.ACTION: message`.
public struct KeyMapWarning: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var action: String
    public var message: String
    public var description: String { "\(file):\(line): keys.\(action): \(message)" }
}

/// The bindings in force: the declared ones with the user's remaps applied.
public struct KeyMap: Sendable {
    public private(set) var bindings: [Binding]
    /// Remaps that were refused; the rest of the map works.
    public private(set) var warnings: [KeyMapWarning] = []

    public init(bindings: [Binding] = DeclaredBindings.all) {
        self.bindings = bindings
    }

    /// The declared bindings with `remaps` applied. An unknown action, an unknown key name, or
    /// a key that would mean two actions in one scope is refused with a warning naming `file`
    /// and the line; the action keeps its declared keys.
    public init(bindings: [Binding] = DeclaredBindings.all, remaps: [KeyRemapRequest], file: String) {
        self.bindings = bindings
        var remappedLine: [Action: (line: Int, keys: [Key])] = [:]
        for request in remaps.sorted(by: { $0.line < $1.line }) {
            func warn(_ message: String) {
                warnings.append(KeyMapWarning(file: file, line: request.line, action: request.action, message: message))
            }
            guard let action = Action(rawValue: request.action),
                  bindings.contains(where: { $0.action == action }) else {
                let near = Action.allCases.map(\.rawValue).filter { $0.hasPrefix(String(request.action.prefix(3))) }
                warn("unknown action" + (near.isEmpty ? " (see `opsdesk keys` for the list)" : " (did you mean \(near.joined(separator: ", "))?)"))
                continue
            }
            var keys: [Key] = []
            var bad: String?
            for name in request.keys {
                if let key = KeyName.parse(name) { if !keys.contains(key) { keys.append(key) } } else { bad = name; break }
            }
            if let bad { warn("unknown key name '\(bad)'"); continue }
            if keys.isEmpty { warn("no keys given"); continue }
            remappedLine[action] = (request.line, keys)
        }
        // Apply them all, then undo the remaps that make a key mean two things (so swapping
        // two actions' keys works), latest line first.
        let declared = Dictionary(uniqueKeysWithValues: bindings.map { ($0.action, $0.keys) })
        for (action, remap) in remappedLine {
            if let i = self.bindings.firstIndex(where: { $0.action == action }) { self.bindings[i].keys = remap.keys }
        }
        while let clash = Self.firstClash(in: self.bindings, remapped: Set(remappedLine.keys)) {
            let (a, b, key) = clash
            let candidates = [a, b].filter { remappedLine[$0.action] != nil }
            guard let undo = candidates.max(by: { remappedLine[$0.action]!.line < remappedLine[$1.action]!.line }) else { break }
            let other = undo.action == a.action ? b : a
            let line = remappedLine[undo.action]!.line
            warnings.append(KeyMapWarning(
                file: file, line: line, action: undo.action.rawValue,
                message: "'\(KeyName.display(key))' is already bound to \(other.action.rawValue) (\(Self.scopeWords(undo.scope, other.scope))); keeping \(declared[undo.action]!.map(KeyName.display).joined(separator: ", "))"))
            if let i = self.bindings.firstIndex(where: { $0.action == undo.action }) { self.bindings[i].keys = declared[undo.action]! }
            remappedLine[undo.action] = nil
        }
        warnings.sort { $0.line < $1.line }
    }

    private static func scopeWords(_ a: KeyScope, _ b: KeyScope) -> String {
        a == b ? a.title.lowercased() : "\(a.title.lowercased()) and \(b.title.lowercased())"
    }

    /// Scopes whose keys must differ: the same scope, anything with `global`, and the list
    /// scope with any view (a view's key would hide it). Two different views may share keys.
    public static func overlap(_ a: KeyScope, _ b: KeyScope) -> Bool {
        a == b || a == .global || b == .global || a == .list || b == .list
    }

    /// The first key that means two actions in overlapping scopes, preferring pairs where one
    /// side is in `remapped`.
    static func firstClash(in bindings: [Binding], remapped: Set<Action> = []) -> (Binding, Binding, Key)? {
        for (i, a) in bindings.enumerated() {
            for b in bindings[(i + 1)...] where overlap(a.scope, b.scope) && a.action != b.action {
                if remapped.isEmpty || remapped.contains(a.action) || remapped.contains(b.action),
                   let key = a.keys.first(where: b.keys.contains) {
                    return (a, b, key)
                }
            }
        }
        return nil
    }

    /// Every key that means two actions; empty for a sound map.
    public var clashes: [(Binding, Binding, Key)] {
        var out: [(Binding, Binding, Key)] = []
        for (i, a) in bindings.enumerated() {
            for b in bindings[(i + 1)...] where Self.overlap(a.scope, b.scope) && a.action != b.action {
                for key in a.keys where b.keys.contains(key) { out.append((a, b, key)) }
            }
        }
        return out
    }

    /// The binding `key` triggers, looking in `scopes` in order (most specific first).
    public func binding(for key: Key, in scopes: [KeyScope]) -> Binding? {
        for scope in scopes {
            if let hit = bindings.first(where: { $0.scope == scope && $0.keys.contains(key) }) { return hit }
        }
        return nil
    }

    public func binding(for action: Action) -> Binding? { bindings.first { $0.action == action } }

    /// The actions of the list scope (a pane that owns its rows does them itself).
    public static let listActions = Set(DeclaredBindings.list.map(\.action))

    /// The bindings of `scopes`, in declaration order of the scopes given.
    public func bindings(in scopes: [KeyScope]) -> [Binding] {
        scopes.flatMap { scope in bindings.filter { $0.scope == scope } }
    }

    /// Footer hints for `scopes`: the first key and label of each footer binding, most
    /// specific scope first (the footer drops what does not fit, keeping help and quit).
    public func footerHints(for scopes: [KeyScope]) -> [(key: String, label: String)] {
        let chosen = bindings(in: scopes).filter { $0.inFooter && !$0.keys.isEmpty }
        return chosen.map { (KeyName.display($0.keys[0]), $0.label) }
    }

    /// The key table as Markdown, one section per scope (README's generated part).
    public func markdownTable() -> String {
        var out = ""
        for scope in KeyScope.allCases {
            let rows = bindings.filter { $0.scope == scope }
            guard !rows.isEmpty else { continue }
            out += "\n### \(scope.title)\n\n| Keys | Action | What it does |\n|---|---|---|\n"
            for b in rows {
                let keys = b.keys.map { "`" + ($0 == .char("`") ? "` ` `" : KeyName.display($0)) + "`" }.joined(separator: ", ")
                let what = b.description.replacingOccurrences(of: "|", with: "\\|") + (b.dangerous ? " (asks first)" : "")
                out += "| \(keys) | `\(b.action.rawValue)` | \(what) |\n"
            }
        }
        return out
    }
}
