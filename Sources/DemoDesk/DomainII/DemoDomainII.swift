import Foundation
import ITSM

/// One command of domain II in the demo's script: who gives it, when, and what it is.
public struct DemoCommand: Sendable {
    public enum Operation: Sendable {
        case cmdb(CMDBOperation, subject: String)
        case change(ChangeOperation, id: RecordID)
        case window(ChangeWindowOperation, name: String)
        case capacity(CapacityOperation)
        case continuity(ContinuityOperation)
        case portfolio(PortfolioOperation, service: String)
    }

    public var actor: Agent
    public var at: Date
    public var operation: Operation
}

/// The state domain II decides against, folded from events: each practice's book.
public struct DomainIIState: Sendable {
    public var cmdb = CMDB()
    public var changes = ChangeBook()
    public var windows = ChangeWindowBook()
    public var capacity = CapacityBook()
    public var continuity = ContinuityBook()
    public var portfolio = Portfolio()

    public init() {}
    public init(events: some Sequence<Event>) { for e in events { apply(e) } }

    /// Folds one event into the book it belongs to; other kinds are ignored.
    public mutating func apply(_ event: Event) {
        switch event.record.kind {
        case .configurationItem, .redundancyGroup: cmdb.apply(event)
        case .change: changes.apply(event)
        case .changeWindow: windows.apply(event)
        case .capacitySeries: capacity.apply(event)
        case .businessImpact, .continuityPlan, .drTest: continuity.apply(event)
        case .portfolioEntry: portfolio.apply(event)
        default: break
        }
    }
}

/// The demo desk's domain II: CIs and relationships, changes with their calendar (freeze and
/// maintenance windows, planted conflicts), capacity samples, continuity and the portfolio —
/// every event decided by the domain against the state folded so far.
///
/// The script (`commands`) is data; `transactions` decides it. Both are deterministic from
/// the seed: the same seed and `now` give the same events.
public enum DemoDomainII {
    /// The agents of the demo directory, as the domain sees them.
    public static var catalogueAgents: [Agent] {
        DemoCatalogue.people.map { Agent(user: $0.user, displayName: $0.name, roles: $0.roles, groups: $0.groups) }
    }

    /// The change rules the demo desk decides with: its standard-change catalogue, the default policy.
    public static let changeRules = ChangeRules(catalogue: DemoChangeTemplates.catalogue)

    /// The script: the commands of each transaction, in order.
    public static func commands(catalogue services: [DemoCatalogue.ServiceSpec] = DemoCatalogue.services,
                                agents: [Agent], now: Date, random: DemoRandom) -> [[DemoCommand]] {
        let cast = DemoCast(agents: agents)
        var out: [[DemoCommand]] = []
        out.append(DemoCMDB.commands(services: services, cast: cast, now: now))
        var rng = random
        out.append(DemoChanges.windowCommands(cast: cast, now: now))
        out.append(DemoChanges.commands(services: services, cast: cast, now: now, random: &rng))
        out.append(contentsOf: DemoCapacity.commands(cast: cast, now: now, random: &rng))
        out.append(DemoContinuity.commands(services: services, cast: cast, now: now, random: &rng))
        out.append(DemoPortfolio.commands(services: services, cast: cast, now: now, random: &rng))
        return out.filter { !$0.isEmpty }
    }

    /// The domain II events, one array per transaction, each decided against the fold of
    /// everything before it. Throws the domain's refusal if a scripted command is refused
    /// (a bug in the script, never expected).
    public static func transactions(catalogue services: [DemoCatalogue.ServiceSpec] = DemoCatalogue.services,
                                    agents: [Agent], now: Date, random: DemoRandom) throws -> [[Event]] {
        var state = DomainIIState()
        var out: [[Event]] = []
        for transaction in commands(catalogue: services, agents: agents, now: now, random: random) {
            var events: [Event] = []
            events.reserveCapacity(transaction.count)
            for command in transaction {
                let made = try decide(command, in: state)
                for e in made { state.apply(e) }
                events.append(contentsOf: made)
            }
            out.append(events)
        }
        return out
    }

    /// Decides one command with the domain's own decide function for its practice.
    public static func decide(_ command: DemoCommand, in state: DomainIIState) throws(Refusal) -> [Event] {
        let (actor, at) = (command.actor, command.at)
        switch command.operation {
        case let .cmdb(op, subject): return try decideCMDB(op, subject: subject, in: state.cmdb, by: actor, at: at)
        case let .change(op, id): return try decideChange(op, change: id, in: state.changes, by: actor, at: at, rules: changeRules)
        case let .window(op, name): return try decideChangeWindow(op, name: name, in: state.windows, by: actor, at: at)
        case let .capacity(op): return try decideCapacity(op, in: state.capacity, by: actor, at: at)
        case let .continuity(op): return try decideContinuity(op, in: state.continuity, by: actor, at: at)
        case let .portfolio(op, service): return try decidePortfolio(op, service: service, in: state.portfolio, by: actor, at: at)
        }
    }
}

/// Who plays which part, read from the agents' roles and the catalogue's groups.
struct DemoCast {
    let agents: [String: Agent]
    let changeManager: Agent
    /// CAB members other than the change manager, by user name.
    let cab: [Agent]
    let admin: Agent

    init(agents list: [Agent]) {
        agents = Dictionary(list.map { ($0.user, $0) }, uniquingKeysWith: { first, _ in first })
        let sorted = list.sorted { $0.user < $1.user }
        let manager = list.first { $0.user == DemoCatalogue.changeManager && $0.has(.changeManager) }
            ?? sorted.first { $0.has(.changeManager) }
        let cm = manager ?? Agent(user: DemoCatalogue.changeManager, displayName: "Change manager", roles: [.changeManager, .manager, .cabMember])
        changeManager = cm
        cab = sorted.filter { $0.has(.cabMember) && $0.user != cm.user }
        admin = list.first { $0.user == DemoCatalogue.admin && $0.has(.admin) } ?? sorted.first { $0.has(.admin) } ?? cm
    }

    /// The agent named `user`, or a plain agent of that name when the list lacks them.
    func agent(_ user: String) -> Agent { agents[user] ?? Agent(user: user, displayName: user) }

    /// The manager of a service's group: owns its BIA, plan and portfolio entry.
    func manager(of group: String) -> Agent {
        agent(DemoCatalogue.groups.first { $0.name == group }?.manager ?? changeManager.user)
    }

    /// Members of a group who can carry out work.
    func members(of group: String) -> [String] {
        let m = DemoCatalogue.members(of: group)
        return m.isEmpty ? [manager(of: group).user] : m
    }
}

/// Calendar arithmetic in UTC, as the rest of the demo: a fixed offset, no time-zone lookups.
enum DemoTime {
    static let minute: TimeInterval = 60
    static let hour: TimeInterval = 3600
    static let day: TimeInterval = 86_400

    /// Midnight UTC of the day holding `date`.
    static func startOfDay(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / day).rounded(.down) * day)
    }

    static func civil(_ date: Date) -> CivilDate {
        CivilDate(dayNumber: Int((date.timeIntervalSince1970 / day).rounded(.down)))
    }

    static func midnight(_ d: CivilDate) -> Date { Date(timeIntervalSince1970: Double(d.dayNumber) * day) }

    /// 1 = Sunday … 7 = Saturday, as Foundation counts.
    static func weekday(_ date: Date) -> Int {
        let days = Int((date.timeIntervalSince1970 / day).rounded(.down))
        return ((days + 4) % 7 + 7) % 7 + 1   // 1970-01-01 was a Thursday
    }
}
