/// Where a CI is in its life.
public enum CIStatus: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case planned
    case inBuild = "in-build"
    case inTest = "in-test"
    case production
    case maintenance
    case retired

    public var description: String {
        switch self {
        case .planned: "planned"
        case .inBuild: "in build"
        case .inTest: "in test"
        case .production: "production"
        case .maintenance: "maintenance"
        case .retired: "retired"
        }
    }

    /// The statuses this one may move to, in life order: what a status menu offers.
    public var allowedNext: [CIStatus] { CIStatus.allCases.filter { Self.next[self]?.contains($0) == true } }

    /// The lifecycle: forward through build and test, production ⇄ maintenance, anything may
    /// be retired, and a retired CI stays retired (a rebuilt one is a new CI).
    static let next: [CIStatus: Set<CIStatus>] = [
        .planned: [.inBuild, .retired],
        .inBuild: [.inTest, .planned, .retired],
        .inTest: [.production, .inBuild, .retired],
        .production: [.maintenance, .retired],
        .maintenance: [.production, .retired],
        .retired: [],
    ]
}

/// A typed, directional relationship, stored on its source CI ("app-payroll depends on
/// db-payroll-01"); the target sees it under the inverse name ("db-payroll-01 used by app-payroll").
public enum RelationshipType: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case dependsOn = "depends-on"
    case runsOn = "runs-on"
    case hostedOn = "hosted-on"
    case contains
    case connectedTo = "connected-to"

    public var description: String {
        switch self {
        case .dependsOn: "depends on"
        case .runsOn: "runs on"
        case .hostedOn: "hosted on"
        case .contains: "contains"
        case .connectedTo: "connected to"
        }
    }

    /// How the target names the relationship.
    public var inverseName: String {
        switch self {
        case .dependsOn: "used by"
        case .runsOn: "runs"
        case .hostedOn: "hosts"
        case .contains: "contained by"
        case .connectedTo: "connected to"
        }
    }

    public var isSymmetric: Bool { self == .connectedTo }

    /// Which end goes down when the other does. A depends on / runs on / is hosted on B:
    /// B's outage takes A down. A contains B: A's outage (a rack, a site) takes B down.
    /// A link between peers carries no outage by itself: model the dependency explicitly.
    public enum OutageFlow: Sendable { case targetToSource, sourceToTarget, none }

    public var outageFlow: OutageFlow {
        switch self {
        case .dependsOn, .runsOn, .hostedOn: .targetToSource
        case .contains: .sourceToTarget
        case .connectedTo: .none
        }
    }
}

/// One relationship seen from one CI: its type, the CI at the other end, and which way it points.
public struct CILink: Hashable, Sendable, CustomStringConvertible {
    public var type: RelationshipType
    public var other: String
    /// True when this CI is the source ("this depends on other").
    public var outgoing: Bool

    /// "depends on db-payroll-01", "used by app-payroll".
    public var description: String { "\(outgoing ? type.description : type.inverseName) \(other)" }
}

/// A relationship as stored on its source CI.
public struct CIRelationship: Hashable, Sendable, Comparable {
    public var type: RelationshipType
    public var target: String

    public init(_ type: RelationshipType, _ target: String) {
        self.type = type
        self.target = target
    }

    public static func < (a: CIRelationship, b: CIRelationship) -> Bool {
        (a.type.rawValue, a.target) < (b.type.rawValue, b.target)
    }
}
