import ITSM

/// A map from record to a small integer, without hashing for numbered records: an import
/// numbers its records densely (INC-1, INC-2, …), so per kind an array indexed by the number
/// finds them (a dictionary of a million `RecordID`s, two strings each, was a large part of
/// an import's time). Named records, and numbers far beyond the ones seen, use a dictionary.
struct RecordSlots {
    private var kinds: [RecordKind] = []
    /// Per kind, indexed by number: 0 absent, else value + 2 (values are ≥ -1).
    private var dense: [[Int32]] = []
    private var others: [RecordID: Int] = [:]
    private var count = 0

    /// Values are ≥ -1 and below `Int32.max - 2`.
    subscript(id: RecordID) -> Int? {
        get {
            if let (k, n) = place(id), n < dense[k].count, dense[k][n] != 0 { return Int(dense[k][n]) - 2 }
            return others.isEmpty ? nil : others[id]
        }
        set {
            if let v = newValue {
                if let (k, n) = placeAddingKind(id), others[id] == nil, grow(k, toHold: n) {
                    if dense[k][n] == 0 { count += 1 }
                    dense[k][n] = Int32(v + 2)
                } else if others.updateValue(v, forKey: id) == nil {
                    count += 1
                }
            } else if let (k, n) = place(id), n < dense[k].count, dense[k][n] != 0 {
                dense[k][n] = 0
                count -= 1
            } else if others.removeValue(forKey: id) != nil {
                count -= 1
            }
        }
    }

    /// Gives `id` the value if it has none (true); false, changing nothing, if it has one.
    /// One look at the key, where a get and then a set would parse its number twice.
    mutating func insert(_ id: RecordID, _ value: Int) -> Bool {
        if let (k, n) = placeAddingKind(id), others.isEmpty || others[id] == nil, grow(k, toHold: n) {
            guard dense[k][n] == 0 else { return false }
            dense[k][n] = Int32(value + 2)
        } else {
            guard others[id] == nil else { return false }
            others[id] = value
        }
        count += 1
        return true
    }

    /// Removes every value of at least `value` (a failed write's claims; not fast).
    mutating func removeValues(atLeast value: Int) {
        for k in dense.indices {
            for n in dense[k].indices where dense[k][n] != 0 && Int(dense[k][n]) - 2 >= value {
                dense[k][n] = 0
                count -= 1
            }
        }
        for (id, v) in others where v >= value {
            others[id] = nil
            count -= 1
        }
    }

    /// Every record with a value (for recovery paths; not fast).
    var all: [(id: RecordID, value: Int)] {
        var out: [(id: RecordID, value: Int)] = others.map { ($0.key, $0.value) }
        for (k, kind) in kinds.enumerated() {
            for (n, v) in dense[k].enumerated() where v != 0 { out.append((RecordID(kind, n), Int(v) - 2)) }
        }
        return out
    }

    /// The kind's index and the record's number, if it is a numbered record with a plain key.
    private mutating func placeAddingKind(_ id: RecordID) -> (Int, Int)? {
        guard let n = SnapshotFormat.canonicalNumber(id), n < Self.denseLimit else { return nil }
        if let k = kinds.firstIndex(of: id.kind) { return (k, n) }
        kinds.append(id.kind)
        dense.append([])
        return (kinds.count - 1, n)
    }

    private func place(_ id: RecordID) -> (Int, Int)? {
        guard let n = SnapshotFormat.canonicalNumber(id), n < Self.denseLimit,
              let k = kinds.firstIndex(of: id.kind) else { return nil }
        return (k, n)
    }

    /// Numbers up to this go in the arrays when they are near the ones seen (memory stays
    /// within a few times the records held).
    static let denseLimit = 1 << 26

    private mutating func grow(_ k: Int, toHold n: Int) -> Bool {
        guard n >= dense[k].count else { return true }
        guard n < 2 * dense[k].count + 4 * count + 65_536 else { return false }
        let size = max(n + 1, 2 * dense[k].count)
        dense[k].append(contentsOf: repeatElement(0, count: size - dense[k].count))
        return true
    }
}
