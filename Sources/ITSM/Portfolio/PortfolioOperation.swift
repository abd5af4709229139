import Foundation

/// Fields to change on a portfolio entry; nil leaves a field as it is.
public struct PortfolioEdit: Hashable, Sendable {
    public var owner: String?
    public var customers: [String]?
    public var businessValue: String?
    public var annualCost: Double?
    public var reviewDate: Date?
    public var slas: [String]?
    public var cis: [String]?

    public init(owner: String? = nil, customers: [String]? = nil, businessValue: String? = nil, annualCost: Double? = nil,
                reviewDate: Date? = nil, slas: [String]? = nil, cis: [String]? = nil) {
        self.owner = owner; self.customers = customers; self.businessValue = businessValue
        self.annualCost = annualCost; self.reviewDate = reviewDate; self.slas = slas; self.cis = cis
    }
}

public enum PortfolioOperation: Hashable, Sendable {
    /// Enters a new service into the pipeline at Requirements.
    case propose(PortfolioEdit)
    case edit(PortfolioEdit)
    /// Moves the service to another stage; dropping a proposal or retiring needs a reason.
    case move(to: PortfolioStage, reason: String?)
}

/// Decides one portfolio command on the entry for `service`.
///
/// Gates beyond the stage table: approving needs a business value and an annual cost;
/// chartering needs an owner; going operational needs at least one linked SLA and CI; every
/// decision step (approved, chartered, operational, retiring, retired, obsolete) needs the
/// manager role.
public func decidePortfolio(_ operation: PortfolioOperation, service: String, in portfolio: Portfolio,
                            by actor: Agent, at now: Date) throws(Refusal) -> [Event] {
    var batch = VersionedEvents(actor: actor.user, at: now)
    let id = RecordID(kind: .portfolioEntry, key: service)
    switch operation {
    case let .propose(edit):
        guard !service.trimmingCharacters(in: .whitespaces).isEmpty else { throw Refusal.invalid(field: "service", reason: "name the service") }
        guard portfolio[service] == nil else { throw Refusal.rule("\(service) is already in the portfolio.") }
        let changes = [FieldChange(PortfolioField.stage.rawValue, to: .text(PortfolioStage.requirements.rawValue))]
            + (try editChanges(edit, on: PortfolioEntry(service: service)))
        batch.add(id, version: 0, .portfolioProposed, changes)
    case let .edit(edit):
        guard let entry = portfolio[service] else { throw Refusal.notFound(id) }
        let changes = try editChanges(edit, on: entry)
        guard !changes.isEmpty else { throw Refusal.rule("Nothing to change on \(service).") }
        batch.add(id, version: entry.version, .portfolioUpdated, changes)
    case let .move(to, reason):
        guard let entry = portfolio[service] else { throw Refusal.notFound(id) }
        try checkMove(entry, to: to, reason: reason, actor: actor)
        var changes = [FieldChange(PortfolioField.stage.rawValue, from: .text(entry.stage.rawValue), to: .text(to.rawValue))]
        if let reason, !reason.isEmpty {
            changes.append(FieldChange(PortfolioField.reason.rawValue, from: entry.lastReason.map(FieldValue.text) ?? .none, to: .text(reason)))
        }
        batch.add(id, version: entry.version, .portfolioStage, changes)
    }
    return batch.events
}

private func checkMove(_ entry: PortfolioEntry, to: PortfolioStage, reason: String?, actor: Agent) throws(Refusal) {
    let id = RecordID(kind: .portfolioEntry, key: entry.service)
    func refuse(_ why: String) -> Refusal {
        .transitionNotAllowed(record: id, from: entry.stage.description, to: to.description, reason: why)
    }
    guard PortfolioStage.next[entry.stage]?.contains(to) == true else {
        let allowed = (PortfolioStage.next[entry.stage] ?? []).map(\.description).sorted().joined(separator: ", ")
        throw refuse(allowed.isEmpty ? "\(entry.stage) is the end of a service's life" : "from \(entry.stage) a service may go to \(allowed)")
    }
    let decisions: Set<PortfolioStage> = [.approved, .chartered, .operational, .retiring, .retired, .obsolete]
    if decisions.contains(to), !actor.has(.manager) {
        throw Refusal.needsRole(.manager, toDo: "moving a service to \(to)")
    }
    switch to {
    case .approved:
        guard !entry.businessValue.isEmpty else { throw refuse("approval needs the business value stated") }
        guard entry.annualCost != nil else { throw refuse("approval needs the annual cost stated") }
    case .chartered:
        guard !entry.owner.isEmpty else { throw refuse("a chartered service needs an owner") }
    case .operational:
        guard !entry.slas.isEmpty else { throw refuse("an operational service needs at least one SLA") }
        guard !entry.cis.isEmpty else { throw refuse("an operational service needs the CIs it runs on") }
    case .retired:
        guard !(reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty else {
            throw refuse(entry.phase == .pipeline ? "say why the proposal is dropped" : "say why the service is retired")
        }
    default:
        break
    }
}

private func editChanges(_ edit: PortfolioEdit, on entry: PortfolioEntry) throws(Refusal) -> [FieldChange] {
    if let cost = edit.annualCost, !(cost.isFinite && cost >= 0) {
        throw Refusal.invalid(field: PortfolioField.annualCost.rawValue, reason: "must be an amount of zero or more")
    }
    guard entry.stage != .obsolete else { throw Refusal.rule("\(entry.service) is obsolete; its record is kept as it was.") }
    var out: [FieldChange] = []
    func put(_ field: PortfolioField, _ old: FieldValue, _ new: FieldValue?) {
        if let new, new != old { out.append(FieldChange(field.rawValue, from: old, to: new)) }
    }
    put(.owner, entry.owner.isEmpty ? .none : .text(entry.owner), edit.owner.map(FieldValue.text))
    put(.customers, .list(entry.customers), edit.customers.map(FieldValue.list))
    put(.businessValue, entry.businessValue.isEmpty ? .none : .text(entry.businessValue), edit.businessValue.map(FieldValue.text))
    put(.annualCost, entry.annualCost.map(FieldValue.number) ?? .none, edit.annualCost.map(FieldValue.number))
    put(.reviewDate, entry.reviewDate.map(FieldValue.time) ?? .none, edit.reviewDate.map(FieldValue.time))
    put(.slas, .list(entry.slas), edit.slas.map(FieldValue.list))
    put(.cis, .list(entry.cis), edit.cis.map(FieldValue.list))
    return out
}
