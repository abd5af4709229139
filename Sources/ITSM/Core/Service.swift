/// How much the business suffers when something fails; 1 is the worst.
public enum Criticality: Int, CaseIterable, Hashable, Sendable, Comparable, CustomStringConvertible {
    case critical = 1, high = 2, medium = 3, low = 4

    public var description: String {
        switch self {
        case .critical: "critical"
        case .high: "high"
        case .medium: "medium"
        case .low: "low"
        }
    }

    public static func < (a: Criticality, b: Criticality) -> Bool { a.rawValue < b.rawValue }
}

/// Whether a service is running as it should.
public enum ServiceStatus: String, CaseIterable, Hashable, Sendable {
    case operational, degraded, outage, retired
}

/// The minimal service record that incidents, SLAs, the CMDB and the portfolio refer to, by name.
public struct Service: Hashable, Sendable {
    public var name: String
    public var owner: String
    public var status: ServiceStatus
    public var criticality: Criticality

    public init(name: String, owner: String, status: ServiceStatus = .operational, criticality: Criticality = .medium) {
        self.name = name
        self.owner = owner
        self.status = status
        self.criticality = criticality
    }
}
