import Foundation

/// Who promised what to whom.
public enum SLAType: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// Service level agreement: the desk to its customers.
    case sla
    /// Operational level agreement: between teams of the provider.
    case ola
    /// Underpinning contract: a supplier to the provider.
    case underpinningContract = "uc"

    public var description: String {
        switch self {
        case .sla: "SLA"
        case .ola: "OLA"
        case .underpinningContract: "underpinning contract"
        }
    }
}

/// Which target a clock measures.
public enum SLATarget: String, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    case response, resolution
    public var description: String { rawValue }
}

/// Targets for incidents of some services and priorities, measured on a business calendar.
public struct SLADefinition: Hashable, Sendable {
    public var name: String
    public var type: SLAType
    /// Service names it covers; empty covers every service (and incidents without one).
    public var services: Set<String>
    public var priorities: Set<Priority>
    /// Business seconds to first response; `nil` when there is no response target.
    public var responseTarget: TimeInterval?
    /// Business seconds to resolution; `nil` when there is no resolution target.
    public var resolutionTarget: TimeInterval?
    /// The name of the business calendar the targets are measured on.
    public var calendar: String
    /// Hold reasons that pause the response clock.
    public var responsePausesOn: Set<HoldReason>
    /// Hold reasons that pause the resolution clock.
    public var resolutionPausesOn: Set<HoldReason>
    /// Percent of the target at which the clock changes band, ascending.
    public var warningPercents: [Int]
    /// A retired definition starts and keeps no clocks.
    public var isActive: Bool

    public init(name: String, type: SLAType = .sla, services: Set<String> = [], priorities: Set<Priority>,
                responseTarget: TimeInterval? = nil, resolutionTarget: TimeInterval? = nil, calendar: String,
                responsePausesOn: Set<HoldReason> = [.awaitingCaller],
                resolutionPausesOn: Set<HoldReason> = Set(HoldReason.allCases),
                warningPercents: [Int] = [50, 75, 90], isActive: Bool = true) {
        self.name = name
        self.type = type
        self.services = services
        self.priorities = priorities
        self.responseTarget = responseTarget
        self.resolutionTarget = resolutionTarget
        self.calendar = calendar
        self.responsePausesOn = responsePausesOn
        self.resolutionPausesOn = resolutionPausesOn
        self.warningPercents = warningPercents.sorted()
        self.isActive = isActive
    }

    public func applies(service: String?, priority: Priority) -> Bool {
        guard isActive, priorities.contains(priority) else { return false }
        if services.isEmpty { return true }
        return service.map(services.contains) ?? false
    }

    /// The targets this definition sets, response first.
    var targets: [(SLATarget, TimeInterval)] {
        var list: [(SLATarget, TimeInterval)] = []
        if let r = responseTarget, r > 0 { list.append((.response, r)) }
        if let r = resolutionTarget, r > 0 { list.append((.resolution, r)) }
        return list
    }
}
