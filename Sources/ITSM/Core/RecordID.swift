/// The kind of a record, by the prefix a desk reads (`INC`, `PRB`, `CHG`) or a name space
/// for records named by a unique name (CIs, services, agents).
///
/// A struct over a string rather than an enum so that a store written by a newer OpsDesk
/// with kinds this build does not know still opens: unknown kinds are carried, not refused.
public struct RecordKind: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Numbered records: `INC-1042`.
    public static let incident = RecordKind(rawValue: "INC")
    public static let problem = RecordKind(rawValue: "PRB")
    public static let change = RecordKind(rawValue: "CHG")
    public static let knownError = RecordKind(rawValue: "KE")
    /// Named records: the key is the unique name (`db-payroll-01`, `Payroll`, `alice`).
    public static let agent = RecordKind(rawValue: "agent")
    public static let group = RecordKind(rawValue: "group")
    public static let service = RecordKind(rawValue: "service")
    public static let calendar = RecordKind(rawValue: "calendar")
    public static let sla = RecordKind(rawValue: "sla")
    public static let configurationItem = RecordKind(rawValue: "ci")
    /// Desk-wide settings (priority matrix, auto-close days, …): one record, key `desk`.
    public static let settings = RecordKind(rawValue: "settings")

    /// Kinds whose keys are sequence numbers and print as `PREFIX-N`.
    ///
    /// Asked on every comparison of IDs (a queue sorting a million rows) and every fold step,
    /// so ASCII kinds are answered from the first byte: `Character.isUppercase` looks up
    /// Unicode properties and was most of the time of sorting IDs.
    public var isNumbered: Bool {
        guard let byte = rawValue.utf8.first else { return false }
        if byte < 0x80 { return (0x41...0x5A).contains(byte) }
        return rawValue.first.map { $0.isUppercase } ?? false
    }

    public static func < (a: RecordKind, b: RecordKind) -> Bool { a.rawValue < b.rawValue }
    public var description: String { rawValue }
}

/// The identity of one record: its kind and its key. `INC-1042` is kind `INC`, key `1042`;
/// the CI `db-payroll-01` is kind `ci`, key `db-payroll-01`.
public struct RecordID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let kind: RecordKind
    public let key: String

    public init(kind: RecordKind, key: String) {
        self.kind = kind
        self.key = key
    }

    public init(_ kind: RecordKind, _ number: Int) {
        self.init(kind: kind, key: String(number))
    }

    /// The sequence number of a numbered record (`INC-1042` → 1042).
    public var number: Int? { kind.isNumbered ? Int(key) : nil }

    /// `INC-1042` for numbered kinds, `ci:db-payroll-01` for named ones.
    public var description: String {
        kind.isNumbered ? "\(kind.rawValue)-\(key)" : "\(kind.rawValue):\(key)"
    }

    /// Parses what `description` prints; `nil` for anything else.
    public init?(parsing text: String) {
        if let colon = text.firstIndex(of: ":") {
            let kind = RecordKind(rawValue: String(text[..<colon]))
            let key = String(text[text.index(after: colon)...])
            guard !kind.isNumbered, !kind.rawValue.isEmpty, !key.isEmpty else { return nil }
            self.init(kind: kind, key: key)
        } else if let dash = text.lastIndex(of: "-") {
            let kind = RecordKind(rawValue: String(text[..<dash]).uppercased())
            guard kind.isNumbered, let n = Int(text[text.index(after: dash)...]), n > 0 else { return nil }
            self.init(kind, n)
        } else {
            return nil
        }
    }

    public static func < (a: RecordID, b: RecordID) -> Bool {
        if a.kind != b.kind { return a.kind < b.kind }
        if let x = a.number, let y = b.number { return x < y }
        return a.key < b.key
    }
}
