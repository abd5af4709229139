import Foundation

/// The configuration management database: CIs, their relationships both ways, and the
/// redundancy groups impact analysis honours. Folded from CI and group events.
public struct CMDB: Hashable, Sendable {
    public private(set) var items: [String: ConfigurationItem] = [:]
    public private(set) var groups: [String: RedundancyGroup] = [:]
    /// Target name → relationships pointing at it, as (type, source); kept in step on every
    /// fold so the inverse side ("used by", "hosts") costs no scan.
    private var incoming: [String: Set<CIRelationship>] = [:]
    /// Member name → the group it belongs to, rebuilt when a group changes, since impact
    /// analysis asks for every requirement it follows.
    private var groupOfMember: [String: String] = [:]

    public init() {}

    public init(events: some Sequence<Event>, asOf moment: Date? = nil) {
        for event in events where moment.map({ event.at <= $0 }) ?? true { apply(event) }
    }

    public subscript(name: String) -> ConfigurationItem? { items[name] }

    public mutating func apply(_ event: Event) {
        switch event.record.kind {
        case .configurationItem:
            let name = event.record.key
            let before = items[name]?.relationships ?? []
            items[name, default: ConfigurationItem(name: name)].apply(event)
            let after = items[name]?.relationships ?? []
            for gone in before.subtracting(after) { incoming[gone.target]?.remove(CIRelationship(gone.type, name)) }
            for new in after.subtracting(before) { incoming[new.target, default: []].insert(CIRelationship(new.type, name)) }
        case .redundancyGroup:
            groups[event.record.key, default: RedundancyGroup(name: event.record.key)].apply(event)
            groupOfMember = [:]
            for group in groups.values.sorted(by: { $0.name > $1.name }) {
                for member in group.members { groupOfMember[member] = group.name }
            }
        default:
            break
        }
    }

    /// Every relationship of `name`, both the ones it holds and the ones pointing at it, in a
    /// stable order. Links to CIs that do not exist are still listed: data may be ahead of
    /// the CIs it names and should be seen rather than hidden.
    public func links(of name: String) -> [CILink] {
        let out = (items[name]?.relationships ?? []).map { CILink(type: $0.type, other: $0.target, outgoing: true) }
        let inn = (incoming[name] ?? []).map { CILink(type: $0.type, other: $0.target, outgoing: false) }
        return (out + inn).sorted { ($0.other, $0.type.rawValue, $0.outgoing ? 0 : 1) < ($1.other, $1.type.rawValue, $1.outgoing ? 0 : 1) }
    }

    /// CIs directly related to `name` in either direction (the parents and children that
    /// change conflicts look at), with the link that relates them.
    public func neighbours(of name: String) -> [CILink] {
        links(of: name).filter { $0.other != name }
    }

    /// CIs that go down when `name` does, by the relationships' outage flow.
    func dependants(of name: String) -> [(ci: String, link: CILink)] {
        links(of: name).compactMap { link in
            switch (link.type.outageFlow, link.outgoing) {
            case (.targetToSource, false), (.sourceToTarget, true): (link.other, link)
            default: nil
            }
        }
    }

    /// CIs `name` needs up to be up: the reverse of `dependants`.
    func requirements(of name: String) -> [(ci: String, link: CILink)] {
        links(of: name).compactMap { link in
            switch (link.type.outageFlow, link.outgoing) {
            case (.targetToSource, true), (.sourceToTarget, false): (link.other, link)
            default: nil
            }
        }
    }

    /// The redundancy group `ci` belongs to, if any. A CI is meant to belong to at most one;
    /// if data says otherwise the first by name wins, so results stay deterministic.
    public func group(of ci: String) -> RedundancyGroup? {
        groupOfMember[ci].flatMap { groups[$0] }
    }
}
