/// A configuration item, as folded from its events.
public struct ConfigurationItem: Hashable, Sendable {
    public let name: String
    public var ciClass = ""
    public var status: CIStatus = .planned
    public var criticality: Criticality = .medium
    public var attributes: [String: FieldValue] = [:]
    /// Relationships this CI is the source of; the CMDB indexes the inverse side.
    public var relationships: Set<CIRelationship> = []
    public var version: UInt64 = 0

    public init(name: String) { self.name = name }

    /// Whether this CI stands for a business service (class `service`).
    public var isService: Bool { ciClass == CIClassCatalogue.serviceClass }

    /// Folds one event; unknown fields and odd values are ignored.
    public mutating func apply(_ event: Event) {
        version += 1
        for change in event.changes {
            if change.field.hasPrefix(CIField.attributePrefix) {
                let key = String(change.field.dropFirst(CIField.attributePrefix.count))
                if change.to == .none { attributes[key] = nil } else { attributes[key] = change.to }
            } else if let type = RelationshipType(rawValue: change.field) {
                if let target = FieldDecode.text(change.from), change.to == .none {
                    relationships.remove(CIRelationship(type, target))
                } else if let target = FieldDecode.text(change.to) {
                    relationships.insert(CIRelationship(type, target))
                }
            } else {
                switch change.field {
                case CIField.ciClass: ciClass = FieldDecode.text(change.to) ?? ciClass
                case CIField.status: status = FieldDecode.raw(change.to, as: CIStatus.self) ?? status
                case CIField.criticality:
                    criticality = FieldDecode.int(change.to).flatMap(Criticality.init(rawValue:)) ?? criticality
                default: break
                }
            }
        }
    }
}

/// "Up while at least N of these M are up", or "at least x %": a set of redundant CIs that
/// their dependants see as one.
public struct RedundancyGroup: Hashable, Sendable {
    public enum Rule: Hashable, Sendable, CustomStringConvertible {
        case atLeast(Int)
        case atLeastPercent(Double)

        public var description: String {
            switch self {
            case let .atLeast(n): "at least \(n) up"
            case let .atLeastPercent(p): "at least \(p.formatted()) % up"
            }
        }
    }

    public let name: String
    public var members: Set<String> = []
    public var rule: Rule = .atLeast(1)
    public var version: UInt64 = 0

    public init(name: String, members: Set<String> = [], rule: Rule = .atLeast(1)) {
        self.name = name
        self.members = members
        self.rule = rule
    }

    /// How many members must be up for the group to be up. A percentage rounds up, so
    /// "50 % of 3" needs 2: half a server cannot be up.
    public var requiredUp: Int {
        switch rule {
        case let .atLeast(n): return min(max(n, 0), members.count)
        case let .atLeastPercent(p):
            let exact = Double(members.count) * min(max(p, 0), 100) / 100
            return Int((exact - 1e-9).rounded(.up))
        }
    }

    public mutating func apply(_ event: Event) {
        version += 1
        for change in event.changes {
            switch change.field {
            case CIField.members: members = FieldDecode.list(change.to).map(Set.init) ?? members
            case CIField.minUp: if let n = FieldDecode.int(change.to) { rule = .atLeast(n) }
            case CIField.minUpPercent: if let p = FieldDecode.number(change.to) { rule = .atLeastPercent(p) }
            default: break
            }
        }
    }
}
