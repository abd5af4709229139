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

    /// Edits turning `a` into `b`, counting an insertion, a deletion, a substitution or a swap of
    /// two neighbours as one (optimal string alignment), so `lihgt` is one slip from `light`.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var d = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}
