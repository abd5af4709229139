import Foundation

/// Portfolio entries are named by their service (`portfolio:Payroll`).
public extension RecordKind {
    static let portfolioEntry = RecordKind(rawValue: "portfolio")
}

public extension EventAction {
    static let portfolioProposed = EventAction("portfolio.proposed")
    static let portfolioUpdated = EventAction("portfolio.updated")
    static let portfolioStage = EventAction("portfolio.stage")
}

/// Field names of portfolio events.
public enum PortfolioField: String, CaseIterable, Sendable {
    case stage, owner, customers, reason
    case businessValue = "business-value"
    case annualCost = "annual-cost"
    case reviewDate = "review-date"
    case slas, cis
}

/// One service in the portfolio.
public struct PortfolioEntry: Hashable, Sendable {
    public let service: String
    public var stage: PortfolioStage = .requirements
    public var owner = ""
    public var customers: [String] = []
    /// What the business gains, in the words of the business case.
    public var businessValue = ""
    public var annualCost: Double?
    public var reviewDate: Date?
    /// Names of the SLAs and CIs the service is linked to (owned by other practices).
    public var slas: [String] = []
    public var cis: [String] = []
    /// Why it last moved, when a reason was given (dropped proposals, retirements).
    public var lastReason: String?
    public var version: UInt64 = 0

    public init(service: String) { self.service = service }

    public var phase: PortfolioPhase { stage.phase }

    public mutating func apply(_ event: Event) {
        version += 1
        for c in event.changes {
            switch PortfolioField(rawValue: c.field) {
            case .stage: stage = FieldDecode.raw(c.to, as: PortfolioStage.self) ?? stage
            case .owner: owner = FieldDecode.text(c.to) ?? owner
            case .customers: customers = FieldDecode.list(c.to) ?? customers
            case .businessValue: businessValue = FieldDecode.text(c.to) ?? businessValue
            case .annualCost: annualCost = c.to == .none ? nil : FieldDecode.number(c.to) ?? annualCost
            case .reviewDate: reviewDate = c.to == .none ? nil : FieldDecode.time(c.to) ?? reviewDate
            case .slas: slas = FieldDecode.list(c.to) ?? slas
            case .cis: cis = FieldDecode.list(c.to) ?? cis
            case .reason: lastReason = FieldDecode.text(c.to)
            case nil: break
            }
        }
    }
}

/// The service portfolio, folded from its events.
public struct Portfolio: Hashable, Sendable {
    public private(set) var entries: [String: PortfolioEntry] = [:]

    public init() {}
    public init(events: some Sequence<Event>) { for e in events { apply(e) } }

    public subscript(service: String) -> PortfolioEntry? { entries[service] }

    public mutating func apply(_ event: Event) {
        guard event.record.kind == .portfolioEntry else { return }
        entries[event.record.key, default: PortfolioEntry(service: event.record.key)].apply(event)
    }

    /// The entries of one phase, by stage order then name: the pipeline, catalogue and retired views.
    public func entries(in phase: PortfolioPhase) -> [PortfolioEntry] {
        let order = Dictionary(uniqueKeysWithValues: PortfolioStage.allCases.enumerated().map { ($1, $0) })
        return entries.values.filter { $0.phase == phase }
            .sorted { (order[$0.stage]!, $0.service) < (order[$1.stage]!, $1.service) }
    }

    /// Entries whose review date has passed, oldest first. Retired services need no review.
    public func overdueReviews(at now: Date) -> [PortfolioEntry] {
        entries.values.filter { e in e.phase != .retired && e.reviewDate.map { $0 < now } == true }
            .sorted { ($0.reviewDate!, $0.service) < ($1.reviewDate!, $1.service) }
    }
}
