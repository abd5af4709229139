/// Record kinds the CMDB adds: redundancy groups, named like CIs (`ci-group:web-farm`).
public extension RecordKind {
    static let redundancyGroup = RecordKind(rawValue: "ci-group")
}

/// The actions CMDB events are recorded under.
///
/// CI events carry these fields: `class`, `status`, `criticality` (1…4), one `attr.<name>`
/// per attribute, and for relationships a field named after the relationship type
/// (`depends-on`) whose value goes from nothing to the target's name (related) or back
/// (unrelated). Group events carry `members` (list), `min-up` (int) or `min-up-percent` (number).
public extension EventAction {
    static let ciCreated = EventAction("ci.created")
    static let ciAttributes = EventAction("ci.attributes")
    static let ciStatus = EventAction("ci.status")
    static let ciCriticality = EventAction("ci.criticality")
    static let ciRelated = EventAction("ci.related")
    static let ciUnrelated = EventAction("ci.unrelated")
    static let ciGroupDefined = EventAction("ci-group.defined")
}

enum CIField {
    static let ciClass = "class"
    static let status = "status"
    static let criticality = "criticality"
    static let attributePrefix = "attr."
    static let members = "members"
    static let minUp = "min-up"
    static let minUpPercent = "min-up-percent"
}
