/// "Did you mean" help for misspelt keys, role names and actions, shared by the theme and config
/// readers so a slip gets the same help everywhere.
enum KeySuggestion {
    /// ` (did you mean 'priority.p1'?)` when `word` is a small slip from one of `candidates`, else "".
    static func hint(for word: String, among candidates: [String]) -> String {
        let limit = max(1, word.count / 4)
        let best = candidates
            .map { ($0, distance($0.lowercased(), word.lowercased())) }
            .filter { $0.1 <= limit }
            .min { $0.1 < $1.1 }
        return best.map { " (did you mean '\($0.0)'?)" } ?? ""
    }

    /// Levenshtein distance: edits (insert, delete, substitute one character) turning `a` into `b`.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
